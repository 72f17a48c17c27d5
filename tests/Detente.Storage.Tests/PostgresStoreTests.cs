using System.Text.Json;
using Detente.Storage.Postgres;
using Detente.Storage.Sql;
using Detente.Testing;
using Npgsql;

namespace Detente.Storage.Tests;

/// <summary>
/// The store contract on PostgreSQL: each test in a schema of its own, created and dropped here. The server comes from
/// <c>DETENTE_TEST_POSTGRES</c> (an Npgsql connection string); without it the tests are skipped, unless
/// <c>DETENTE_REQUIRE_POSTGRES=1</c> (as in CI), which makes them fail.
/// </summary>
public sealed class PostgresStoreTests : StoreContractTests
{
    private readonly string _schema = "detente_test_" + Guid.NewGuid().ToString("N");
    private string _connectionString = string.Empty;

    public override async ValueTask InitializeAsync()
    {
        string? connectionString = TestPostgres.ConnectionString;
        if (connectionString is null)
        {
            Assert.False(TestPostgres.IsRequired, TestPostgres.MissingButRequired);
            Assert.Skip(TestPostgres.SkipReason);
        }

        _connectionString = connectionString;
        await base.InitializeAsync();
    }

    protected override Task<IStore> OpenStoreAsync(TimeProvider time) =>
        PostgresStore.OpenAsync(_connectionString, _schema, time);

    protected override async Task InjectInsertFailureAsync(string objectId)
    {
        string name = "refuse_" + Guid.NewGuid().ToString("N");
        await ExecuteAsync($"""
            CREATE FUNCTION "{_schema}".{name}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.object_id = '{objectId}' THEN RAISE EXCEPTION 'injected failure'; END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER {name} BEFORE INSERT ON "{_schema}".objects FOR EACH ROW EXECUTE FUNCTION "{_schema}".{name}();
            """);
    }

    protected override async Task<IReadOnlyList<long>> ReadSchemaVersionsAsync()
    {
        await using NpgsqlConnection connection = await ConnectAsync();
        await using var command = new NpgsqlCommand($"SELECT version FROM \"{_schema}\".schema_migrations ORDER BY version", connection);
        var versions = new List<long>();
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            versions.Add(reader.GetInt32(0));
        }

        return versions;
    }

    protected override Task RewindToSchema10WithWitnessTokenAsync(string witness, string token) => ExecuteAsync($"""
        DELETE FROM "{_schema}".schema_migrations WHERE version >= 11;
        DROP TABLE "{_schema}".egress_class_pending;
        ALTER TABLE "{_schema}".objects DROP COLUMN egress_class;
        DROP TABLE "{_schema}".neutral_markings;
        DROP TABLE "{_schema}".log_witness_tokens_to_move;
        ALTER TABLE "{_schema}".witnessed_logs DROP COLUMN cosignature;
        ALTER TABLE "{_schema}".log_witnesses ADD COLUMN token text;
        INSERT INTO "{_schema}".log_witnesses (name, verifier_key, url, token, known_size) VALUES ('{witness}', 'key-of-{witness}', 'https://witness.example/log/witness', '{token}', 0);
        """);

    protected override Task RewindToSchema13Async() => ExecuteAsync($"""
        DELETE FROM "{_schema}".schema_migrations WHERE version >= 14;
        DROP TABLE "{_schema}".egress_class_pending;
        ALTER TABLE "{_schema}".objects DROP COLUMN egress_class;
        """);

    protected override async Task<long> RowsReadAsync(Guid collection, ObjectFilter filter, int limit)
    {
        await using NpgsqlConnection connection = await ConnectAsync();
        await using (var analyze = new NpgsqlCommand($"SET search_path TO \"{_schema}\"; ANALYZE objects", connection))
        {
            await analyze.ExecuteNonQueryAsync(Ct);
        }

        await using var keyCommand = new NpgsqlCommand($"SELECT collection_key FROM collections WHERE id = '{collection:D}'", connection);
        long key = (long)(await keyCommand.ExecuteScalarAsync(Ct))!;
        ObjectQuery query = ObjectQuery.Build(filter);
        await using var command = new NpgsqlCommand("EXPLAIN (ANALYZE, FORMAT JSON) " + query.Sql, connection);
        query.Bind(command, key, -1, limit);
        string plan = (string)(await command.ExecuteScalarAsync(Ct))!;
        using JsonDocument document = JsonDocument.Parse(plan);
        return ScannedRows(document.RootElement[0].GetProperty("Plan"));
    }

    /// <summary>The rows the plan's scans visited: those they returned and those they removed by a filter, every loop.</summary>
    private static long ScannedRows(JsonElement node)
    {
        long rows = 0;
        if (node.GetProperty("Node Type").GetString()!.EndsWith("Scan", StringComparison.Ordinal))
        {
            long removed = node.TryGetProperty("Rows Removed by Filter", out JsonElement r) ? r.GetInt64() : 0;
            rows += (node.GetProperty("Actual Rows").GetInt64() + removed) * node.GetProperty("Actual Loops").GetInt64();
        }

        if (node.TryGetProperty("Plans", out JsonElement children))
        {
            foreach (JsonElement child in children.EnumerateArray())
            {
                rows += ScannedRows(child);
            }
        }

        return rows;
    }

    protected override Task RecordSchemaVersionAsync(int version) =>
        ExecuteAsync($"INSERT INTO \"{_schema}\".schema_migrations (version, name, applied_at) VALUES ({version}, 'from a newer Detente', 0)");

    protected override async Task DeleteStoreAsync()
    {
        if (_connectionString.Length > 0)
        {
            await ExecuteAsync($"DROP SCHEMA IF EXISTS \"{_schema}\" CASCADE");
        }
    }

    [Fact]
    public async Task Instances_starting_together_on_a_new_schema_migrate_it_once()
    {
        // Four instances open the same new schema at once; the advisory lock lets one create and migrate it.
        string schema = _schema + "_m";
        try
        {
            IStore[] stores = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => PostgresStore.OpenAsync(_connectionString, schema, Clock)));
            foreach (IStore store in stores)
            {
                await store.DisposeAsync();
            }

            await using NpgsqlConnection connection = await ConnectAsync();
            await using var command = new NpgsqlCommand($"SELECT count(*) FROM \"{schema}\".schema_migrations", connection);
            Assert.Equal(14L, (long)(await command.ExecuteScalarAsync(cancellationToken: Ct))!);
        }
        finally
        {
            await ExecuteAsync($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE");
        }
    }

    [Fact]
    public async Task A_schema_name_that_is_not_a_plain_identifier_is_refused()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => PostgresStore.OpenAsync(_connectionString, "x\"; DROP TABLE y; --", cancellationToken: Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => PostgresStore.OpenAsync(_connectionString, "Upper", cancellationToken: Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => PostgresStore.OpenAsync(_connectionString, "pg_catalog", cancellationToken: Ct));
    }

    private async Task<NpgsqlConnection> ConnectAsync()
    {
        var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        return connection;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using NpgsqlConnection connection = await ConnectAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
