using System.Globalization;
using Detente.Storage;
using Detente.Storage.Postgres;
using Detente.Storage.Sqlite;

namespace Detente.Node;

/// <summary>
/// What <c>detente token</c> and <c>detente collection</c> do on a node's store: tokens (created, listed, revoked) and
/// collections (created, listed, granted). They touch no objects, so they may run while the node serves the same store.
/// </summary>
public static class NodeAdmin
{
    /// <summary>
    /// Opens the node's store: PostgreSQL when <paramref name="postgresConnectionString"/> is given (in the schema its
    /// <c>Search Path</c> names, else <c>detente</c>), else SQLite in <paramref name="dataFolder"/>.
    /// </summary>
    /// <exception cref="NodeConfigurationException">The connection string is not valid.</exception>
    public static Task<IStore> OpenStoreAsync(string dataFolder, string? postgresConnectionString, TimeProvider timeProvider,
        ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataFolder);
        ArgumentNullException.ThrowIfNull(timeProvider);
        return postgresConnectionString is null
            ? SqliteStore.OpenAsync(dataFolder, timeProvider, loggerFactory, cancellationToken)
            : PostgresStore.OpenAsync(postgresConnectionString, PostgresSchema(postgresConnectionString), timeProvider, loggerFactory, cancellationToken);
    }

    private static string PostgresSchema(string connectionString)
    {
        try
        {
            return PostgresStore.SchemaOf(connectionString);
        }
        catch (ArgumentException e)
        {
            // The message names the problem, never the connection string (it may hold a password).
            throw new NodeConfigurationException("--postgres: " + e.Message, e);
        }
    }

    /// <summary>
    /// Opens the store of an existing node for administration: PostgreSQL when a connection string is given, else the
    /// SQLite database of <paramref name="dataFolder"/>, which must exist (a node has run there) and be private.
    /// </summary>
    /// <exception cref="NodeConfigurationException">No node has run in the folder, or the folder is not private.</exception>
    public static Task<IStore> OpenExistingStoreAsync(string dataFolder, string? postgresConnectionString, TimeProvider timeProvider,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataFolder);
        if (postgresConnectionString is null)
        {
            if (!File.Exists(Path.Combine(dataFolder, SqliteStore.FileName)))
            {
                NodeConfigurationException.Throw($"No node store in '{Path.GetFullPath(dataFolder)}': run 'detente serve --data {dataFolder}' first.");
            }

            NodeDataFolder.Open(dataFolder);
        }

        return OpenStoreAsync(dataFolder, postgresConnectionString, timeProvider, null, cancellationToken);
    }

    /// <summary>
    /// Reads a token lifetime: a whole number followed by <c>d</c> (days), <c>h</c> (hours) or <c>m</c> (minutes), e.g.
    /// <c>90d</c>; or <c>never</c> (null). At most 10 years.
    /// </summary>
    public static bool TryParseLifetime(string text, out TimeSpan? lifetime)
    {
        ArgumentNullException.ThrowIfNull(text);
        lifetime = null;
        if (text == "never")
        {
            return true;
        }

        if (text.Length is < 2 or > 8 || !int.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n <= 0)
        {
            return false;
        }

        TimeSpan value = text[^1] switch
        {
            'd' => TimeSpan.FromDays(n),
            'h' => TimeSpan.FromHours(n),
            'm' => TimeSpan.FromMinutes(n),
            _ => TimeSpan.Zero,
        };
        if (value <= TimeSpan.Zero || value > TimeSpan.FromDays(3653))
        {
            return false;
        }

        lifetime = value;
        return true;
    }

    /// <summary>Creates and stores a token; returns it with its text, to be shown once.</summary>
    /// <param name="store">The node's store.</param>
    /// <param name="principal">The principal it authenticates (1–256 characters).</param>
    /// <param name="role">Its role.</param>
    /// <param name="lifetime">How long it works from now; null for no expiry.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    public static async Task<(ApiToken Token, string Secret)> CreateTokenAsync(IStore store, string principal, TokenRole role, TimeSpan? lifetime,
        TimeProvider timeProvider, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(timeProvider);
        RequirePrincipal(principal);
        DateTimeOffset now = timeProvider.GetUtcNow();
        (ApiToken token, string secret) = NodeTokens.Create(principal, role, now, lifetime is TimeSpan l ? now + l : null);
        if (!await store.AddTokenAsync(token, cancellationToken).ConfigureAwait(false))
        {
            // 64 random bits of id colliding: astronomically unlikely, and nothing was stored.
            NodeConfigurationException.Throw("A token with that id exists; try again.");
        }

        return (token, secret);
    }

    /// <summary>Creates a collection (a new version-4 UUID) in an API root, with no grants.</summary>
    /// <exception cref="NodeConfigurationException">The API root does not exist, or the alias is taken.</exception>
    public static async Task<Collection> CreateCollectionAsync(IStore store, string title, string? alias, string apiRoot = NodeBootstrap.DefaultApiRootName,
        string? description = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (string.IsNullOrWhiteSpace(title) || title.Length > 256)
        {
            NodeConfigurationException.Throw("A collection title is 1–256 characters.");
        }

        if (alias is not null && (alias.Length is 0 or > 256 || alias.AsSpan().IndexOfAny(" /?#%\t\r\n") >= 0))
        {
            NodeConfigurationException.Throw("An alias is 1–256 characters without spaces, '/', '?', '#' or '%'.");
        }

        var collection = new Collection { Id = Guid.NewGuid(), ApiRoot = apiRoot, Title = title, Alias = alias, Description = description };
        CreateResult result = await store.CreateCollectionAsync(collection, cancellationToken).ConfigureAwait(false);
        switch (result)
        {
            case CreateResult.Created:
                return collection;
            case CreateResult.AliasTaken:
                NodeConfigurationException.Throw($"Another collection of API root '{apiRoot}' has the alias '{alias}'.");
                break;
            case CreateResult.ApiRootNotFound:
                NodeConfigurationException.Throw($"There is no API root '{apiRoot}'.");
                break;
            default:
                NodeConfigurationException.Throw("A collection with that id exists; try again.");
                break;
        }

        return collection;
    }

    /// <summary>The collection named by its id, or by its alias in <paramref name="apiRoot"/>; null when there is none.</summary>
    public static async Task<Collection?> FindCollectionAsync(IStore store, string idOrAlias, string apiRoot = NodeBootstrap.DefaultApiRootName,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentException.ThrowIfNullOrEmpty(idOrAlias);
        return Guid.TryParseExact(idOrAlias, "D", out Guid id)
            ? await store.GetCollectionAsync(id, cancellationToken).ConfigureAwait(false)
            : await store.GetCollectionByAliasAsync(apiRoot, idOrAlias, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Checks a principal name: 1–256 characters, no white space or control characters.</summary>
    /// <exception cref="NodeConfigurationException">It is not.</exception>
    public static void RequirePrincipal(string principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        if (principal.Length is 0 or > 256 || principal.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            NodeConfigurationException.Throw("A principal is 1–256 characters without white space.");
        }
    }
}
