using Detente.Storage.Sql;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Detente.Storage.Postgres;

/// <summary>Opens the production store: PostgreSQL, all tables in one schema.</summary>
/// <remarks>
/// Every node instance over the same database and schema shares the store: writers of one collection serialize on
/// the collection's row (<c>SELECT … FOR UPDATE</c>), so they commit in <c>date_added</c> order, and migrations run
/// under a transaction-scoped advisory lock, so instances starting together migrate once.
/// </remarks>
public static class PostgresStore
{
    /// <summary>The schema used when none is given.</summary>
    public const string DefaultSchema = "detente";

    /// <summary>Opens and migrates the store in schema <paramref name="schema"/> (created when missing).</summary>
    /// <param name="connectionString">An Npgsql connection string (host, database, user, password, TLS settings).</param>
    /// <param name="schema">The schema that holds the store's tables: 1–63 characters of <c>a–z 0–9 _</c>, starting with a letter
    /// or <c>_</c>. Tests give each run a schema of its own.</param>
    /// <param name="timeProvider">The clock for <c>date_added</c> and revocations; the system clock by default.</param>
    /// <param name="loggerFactory">Where the store logs; nowhere by default.</param>
    /// <param name="cancellationToken">Cancels opening.</param>
    /// <exception cref="StoreException">The schema was written by a newer Detente (<see cref="StoreError.SchemaTooNew"/>).</exception>
    /// <exception cref="ArgumentException">The connection string or schema name is not valid.</exception>
    public static Task<IStore> OpenAsync(string connectionString, string schema = DefaultSchema, TimeProvider? timeProvider = null,
        ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        CheckSchemaName(schema);
        var builder = new NpgsqlConnectionStringBuilder(connectionString)
        {
            SearchPath = schema,
            // Repeated statements (the engine's, and each filter shape) are prepared on the server after two uses.
            MaxAutoPrepare = 256,
            AutoPrepareMinUsages = 2,
        };
        NpgsqlDataSource dataSource = new NpgsqlDataSourceBuilder(builder.ConnectionString)
            .UseLoggerFactory(loggerFactory)
            .Build();
        var backend = new PostgresBackend(dataSource, schema, $"{builder.Host}:{builder.Port}/{builder.Database} schema {schema}");
        return SqlStore.OpenAsync(backend, timeProvider, loggerFactory, cancellationToken);
    }

    /// <summary>
    /// The schema a connection string asks for: its <c>Search Path</c> when that names one schema, else
    /// <see cref="DefaultSchema"/>. Several nodes (or test runs) can so share one database, each in its own schema.
    /// </summary>
    /// <exception cref="ArgumentException">The connection string is not valid, or its search path is not one schema name.</exception>
    public static string SchemaOf(string connectionString)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        string? searchPath = new NpgsqlConnectionStringBuilder(connectionString).SearchPath;
        if (string.IsNullOrWhiteSpace(searchPath))
        {
            return DefaultSchema;
        }

        string schema = searchPath.Trim();
        CheckSchemaName(schema);
        return schema;
    }

    internal static void CheckSchemaName(string schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        bool valid = schema.Length is > 0 and <= 63
            && (char.IsAsciiLetterLower(schema[0]) || schema[0] == '_')
            && schema.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_')
            && !schema.StartsWith("pg_", StringComparison.Ordinal);
        if (!valid)
        {
            throw new ArgumentException("A schema name is 1–63 characters of a–z 0–9 _, starting with a letter or _, not pg_….", nameof(schema));
        }
    }
}
