using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Detente.Ledger.Entries;
using Detente.Stix;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Detente.Storage.Sql;

/// <summary>The store over any <see cref="SqlBackend"/>: every operation of <see cref="IStore"/>, written once.</summary>
internal sealed partial class SqlStore : IStore
{
    /// <summary>The largest batch one read query returns.</summary>
    internal const int MaxReadBatch = 1_000;

    private const int DefaultPageSize = 100;
    private const int MaxNameLength = 256;
    private const string CollectionColumns = "id, api_root, title, description, alias, media_types, default_marking";
    private const string TokenColumns = "token_id, principal, role, secret_hash, created, expires, revoked";

    private readonly SqlBackend _backend;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    // Collections are never deleted, so an id's key, once known, stays valid.
    private readonly ConcurrentDictionary<Guid, long> _collectionKeys = new();

    private SqlStore(SqlBackend backend, TimeProvider time, ILogger logger, CursorCodec cursors)
    {
        _backend = backend;
        _time = time;
        _logger = logger;
        Cursors = cursors;
    }

    public CursorCodec Cursors { get; }

    /// <summary>Migrates the backend's database and opens the store over it; on failure, disposes the backend.</summary>
    public static async Task<IStore> OpenAsync(SqlBackend backend, TimeProvider? timeProvider, ILoggerFactory? loggerFactory,
        CancellationToken cancellationToken)
    {
        ILogger logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Detente.Storage");
        TimeProvider time = timeProvider ?? TimeProvider.System;
        try
        {
            byte[] key = await MigrateAsync(backend, time, logger, cancellationToken).ConfigureAwait(false);
            Log.StoreOpened(logger, backend.Name, backend.Location, backend.Migrations.Count);
            return new SqlStore(backend, time, logger, new CursorCodec(key));
        }
        catch
        {
            await backend.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public ValueTask DisposeAsync() => _backend.DisposeAsync();

    // ---- Migrations ----

    private static async Task<byte[]> MigrateAsync(SqlBackend backend, TimeProvider time, ILogger logger, CancellationToken cancellationToken)
    {
        SqlSession session = await backend.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        await using ConfiguredAsyncDisposable sessionScope = session.ConfigureAwait(false);
        foreach (string statement in backend.MigrationPreamble)
        {
            await session.Command(statement).ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await session.Command(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)")
            .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        object? found = await session.Command("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")
            .ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        long current = Convert.ToInt64(found, System.Globalization.CultureInfo.InvariantCulture);
        int known = backend.Migrations.Count;
        if (current > known)
        {
            Log.SchemaTooNew(logger, backend.Name, backend.Location, current, known);
            throw new StoreException(StoreError.SchemaTooNew,
                $"The store's schema version is {current}, but this version of Detente knows only up to {known}; use a newer Detente.");
        }

        foreach (Migration migration in backend.Migrations)
        {
            if (migration.Version <= current)
            {
                continue;
            }

            await session.Command(migration.Sql).ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            await session.Command("INSERT INTO schema_migrations (version, name, applied_at) VALUES (@v, @name, @at)")
                .Set("@v", migration.Version)
                .Set("@name", migration.Name)
                .Set("@at", Micros.From(time.GetUtcNow()))
                .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            Log.MigrationApplied(logger, migration.Version, migration.Name, backend.Name);
        }

        // The cursor key is made once, by whichever instance migrates first, and shared through the store.
        await session.Command("INSERT INTO store_meta (name, value) VALUES ('cursor_key', @k) ON CONFLICT (name) DO NOTHING")
            .Set("@k", RandomNumberGenerator.GetBytes(32))
            .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        var key = (byte[])(await session.Command("SELECT value FROM store_meta WHERE name = 'cursor_key'")
            .ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        await session.CommitAsync(cancellationToken).ConfigureAwait(false);
        return key;
    }

    // ---- API roots ----

    public async Task<CreateResult> CreateApiRootAsync(ApiRoot apiRoot, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(apiRoot);
        CheckApiRootName(apiRoot.Name, nameof(apiRoot));
        CheckText(apiRoot.Title, nameof(apiRoot));
        SqlSession session = await _backend.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        await using ConfiguredAsyncDisposable sessionScope = session.ConfigureAwait(false);
        int rows = await session.Command(
                "INSERT INTO api_roots (name, title, description, max_content_length) VALUES (@name, @title, @description, @max) ON CONFLICT (name) DO NOTHING")
            .Set("@name", apiRoot.Name)
            .Set("@title", apiRoot.Title)
            .Set("@description", apiRoot.Description)
            .Set("@max", apiRoot.MaxContentLength)
            .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        if (rows == 0)
        {
            return CreateResult.AlreadyExists;
        }

        await session.CommitAsync(cancellationToken).ConfigureAwait(false);
        Log.ApiRootCreated(_logger, apiRoot.Name);
        return CreateResult.Created;
    }

    public async Task<ApiRoot?> GetApiRootAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        IReadOnlyList<ApiRoot> found = await QueryAsync(
            "SELECT name, title, description, max_content_length FROM api_roots WHERE name = @name",
            c => c.Set("@name", name), ReadApiRoot, cancellationToken).ConfigureAwait(false);
        return found.Count == 0 ? null : found[0];
    }

    public async Task<IReadOnlyList<ApiRoot>> ListApiRootsAsync(CancellationToken cancellationToken = default)
    {
        IReadOnlyList<ApiRoot> found = await QueryAsync(
            "SELECT name, title, description, max_content_length FROM api_roots", static _ => { }, ReadApiRoot,
            cancellationToken).ConfigureAwait(false);
        return found.OrderBy(r => r.Name, StringComparer.Ordinal).ToArray();
    }

    private static ApiRoot ReadApiRoot(DbDataReader r) => new()
    {
        Name = r.GetString(0),
        Title = r.GetString(1),
        Description = r.IsDBNull(2) ? null : r.GetString(2),
        MaxContentLength = r.GetInt64(3),
    };

    // ---- Collections and grants ----

    public async Task<CreateResult> CreateCollectionAsync(Collection collection, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(collection);
        if (collection.Id.Version != 4 || (collection.Id.Variant & 0xC) != 0x8)
        {
            throw new ArgumentException("A collection id must be a version-4 UUID.", nameof(collection));
        }

        CheckApiRootName(collection.ApiRoot, nameof(collection));
        CheckText(collection.Title, nameof(collection));
        if (collection.Alias is not null)
        {
            CheckText(collection.Alias, nameof(collection));
        }

        ArgumentNullException.ThrowIfNull(collection.MediaTypes, nameof(collection));
        if (collection.MediaTypes.Count == 0 || collection.MediaTypes.Any(m => string.IsNullOrEmpty(m) || m.Contains('\n', StringComparison.Ordinal)))
        {
            throw new ArgumentException("A collection needs at least one media type, each non-empty and on one line.", nameof(collection));
        }

        if (!StixId.TryParse(collection.DefaultMarkingId, out StixId marking) || marking.Type != "marking-definition")
        {
            throw new ArgumentException("The default marking must be a marking-definition id.", nameof(collection));
        }

        SqlSession session = await _backend.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        await using ConfiguredAsyncDisposable sessionScope = session.ConfigureAwait(false);
        if (await session.Command("SELECT 1 FROM api_roots WHERE name = @r").Set("@r", collection.ApiRoot)
                .ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null)
        {
            return CreateResult.ApiRootNotFound;
        }

        if (await session.Command("SELECT 1 FROM collections WHERE id = @id").Set("@id", Text(collection.Id))
                .ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null)
        {
            return CreateResult.AlreadyExists;
        }

        if (collection.Alias is not null
            && await session.Command("SELECT 1 FROM collections WHERE api_root = @r AND alias = @a")
                .Set("@r", collection.ApiRoot).Set("@a", collection.Alias)
                .ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null)
        {
            return CreateResult.AliasTaken;
        }

        int rows = await session.Command(
                "INSERT INTO collections (id, api_root, title, description, alias, media_types, default_marking, last_date_added) "
                + "VALUES (@id, @r, @title, @description, @a, @media, @marking, 0) ON CONFLICT DO NOTHING")
            .Set("@id", Text(collection.Id))
            .Set("@r", collection.ApiRoot)
            .Set("@title", collection.Title)
            .Set("@description", collection.Description)
            .Set("@a", collection.Alias)
            .Set("@media", string.Join('\n', collection.MediaTypes))
            .Set("@marking", collection.DefaultMarkingId)
            .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        if (rows == 0)
        {
            // Another instance created the same id or alias between the checks and the insert.
            return collection.Alias is null ? CreateResult.AlreadyExists : CreateResult.AliasTaken;
        }

        await session.CommitAsync(cancellationToken).ConfigureAwait(false);
        Log.CollectionCreated(_logger, collection.Id, collection.ApiRoot);
        return CreateResult.Created;
    }

    public async Task<Collection?> GetCollectionAsync(Guid collectionId, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<Collection> found = await QueryAsync(
            $"SELECT {CollectionColumns} FROM collections WHERE id = @id", c => c.Set("@id", Text(collectionId)),
            ReadCollection, cancellationToken).ConfigureAwait(false);
        return found.Count == 0 ? null : found[0];
    }

    public async Task<Collection?> GetCollectionByAliasAsync(string apiRoot, string alias, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(apiRoot);
        ArgumentNullException.ThrowIfNull(alias);
        IReadOnlyList<Collection> found = await QueryAsync(
            $"SELECT {CollectionColumns} FROM collections WHERE api_root = @r AND alias = @a",
            c => c.Set("@r", apiRoot).Set("@a", alias), ReadCollection, cancellationToken).ConfigureAwait(false);
        return found.Count == 0 ? null : found[0];
    }

    public async Task<IReadOnlyList<Collection>> ListCollectionsAsync(string apiRoot, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(apiRoot);
        IReadOnlyList<Collection> found = await QueryAsync(
            $"SELECT {CollectionColumns} FROM collections WHERE api_root = @r", c => c.Set("@r", apiRoot),
            ReadCollection, cancellationToken).ConfigureAwait(false);
        return found.OrderBy(c => c.Title, StringComparer.Ordinal).ThenBy(c => c.Id).ToArray();
    }

    public async Task<IReadOnlyList<CollectionWithAccess>> ListCollectionsForAsync(string apiRoot, string principal,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(apiRoot);
        ArgumentNullException.ThrowIfNull(principal);
        IReadOnlyList<CollectionWithAccess> found = await QueryAsync(
            "SELECT c.id, c.api_root, c.title, c.description, c.alias, c.media_types, c.default_marking, g.can_read, g.can_write "
            + "FROM collections c JOIN grants g ON g.collection_key = c.collection_key "
            + "WHERE c.api_root = @r AND g.principal = @p AND (g.can_read = 1 OR g.can_write = 1)",
            c => c.Set("@r", apiRoot).Set("@p", principal),
            r => new CollectionWithAccess(ReadCollection(r), new CollectionAccess(r.GetInt32(7) != 0, r.GetInt32(8) != 0)),
            cancellationToken).ConfigureAwait(false);
        return found.OrderBy(c => c.Collection.Title, StringComparer.Ordinal).ThenBy(c => c.Collection.Id).ToArray();
    }

    public async Task<CollectionAccess> GetAccessAsync(Guid collectionId, string principal, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(principal);
        IReadOnlyList<CollectionAccess> found = await QueryAsync(
            "SELECT g.can_read, g.can_write FROM grants g JOIN collections c ON c.collection_key = g.collection_key "
            + "WHERE c.id = @id AND g.principal = @p",
            c => c.Set("@id", Text(collectionId)).Set("@p", principal),
            r => new CollectionAccess(r.GetInt32(0) != 0, r.GetInt32(1) != 0), cancellationToken).ConfigureAwait(false);
        return found.Count == 0 ? CollectionAccess.None : found[0];
    }

    public async Task<IReadOnlyList<CollectionGrant>> ListGrantsAsync(Guid collectionId, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<CollectionGrant> found = await QueryAsync(
            "SELECT g.principal, g.can_read, g.can_write FROM grants g JOIN collections c ON c.collection_key = g.collection_key "
            + "WHERE c.id = @id",
            c => c.Set("@id", Text(collectionId)),
            r => new CollectionGrant(r.GetString(0), new CollectionAccess(r.GetInt32(1) != 0, r.GetInt32(2) != 0)),
            cancellationToken).ConfigureAwait(false);
        return found.OrderBy(g => g.Principal, StringComparer.Ordinal).ToArray();
    }

    public async Task<bool> GrantAsync(Guid collectionId, string principal, CollectionAccess access, CancellationToken cancellationToken = default)
    {
        CheckText(principal, nameof(principal));
        if (await GetCollectionKeyAsync(collectionId, cancellationToken).ConfigureAwait(false) is not long key)
        {
            return false;
        }

        if (access.IsNone)
        {
            await RevokeAsync(collectionId, principal, cancellationToken).ConfigureAwait(false);
            return true;
        }

        SqlSession session = await _backend.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        await using ConfiguredAsyncDisposable sessionScope = session.ConfigureAwait(false);
        await session.Command(
                "INSERT INTO grants (collection_key, principal, can_read, can_write) VALUES (@c, @p, @read, @write) "
                + "ON CONFLICT (collection_key, principal) DO UPDATE SET can_read = excluded.can_read, can_write = excluded.can_write")
            .Set("@c", key)
            .Set("@p", principal)
            .Set("@read", access.CanRead ? 1 : 0)
            .Set("@write", access.CanWrite ? 1 : 0)
            .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await session.CommitAsync(cancellationToken).ConfigureAwait(false);
        Log.AccessSet(_logger, principal, collectionId, access.CanRead, access.CanWrite);
        return true;
    }

    public async Task<bool> RevokeAsync(Guid collectionId, string principal, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(principal);
        if (await GetCollectionKeyAsync(collectionId, cancellationToken).ConfigureAwait(false) is not long key)
        {
            return false;
        }

        SqlSession session = await _backend.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        await using ConfiguredAsyncDisposable sessionScope = session.ConfigureAwait(false);
        int rows = await session.Command("DELETE FROM grants WHERE collection_key = @c AND principal = @p")
            .Set("@c", key).Set("@p", principal)
            .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await session.CommitAsync(cancellationToken).ConfigureAwait(false);
        if (rows > 0)
        {
            Log.AccessSet(_logger, principal, collectionId, false, false);
        }

        return rows > 0;
    }

    private static Collection ReadCollection(DbDataReader r) => new()
    {
        Id = Guid.ParseExact(r.GetString(0), "D"),
        ApiRoot = r.GetString(1),
        Title = r.GetString(2),
        Description = r.IsDBNull(3) ? null : r.GetString(3),
        Alias = r.IsDBNull(4) ? null : r.GetString(4),
        MediaTypes = r.GetString(5).Split('\n'),
        DefaultMarkingId = r.GetString(6),
    };

    // ---- Objects ----

    public Task<AddObjectsResult> AddObjectsAsync(Guid collectionId, IReadOnlyList<ObjectToAdd> objects,
        CancellationToken cancellationToken = default) =>
        AddCoreAsync(collectionId, objects, null, cancellationToken);

    public async Task<(AddObjectsResult Added, StatusResource Status)> AddObjectsWithStatusAsync(Guid collectionId,
        IReadOnlyList<ObjectToAdd> objects, NewStatus status, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(objects);
        CheckStatus(status);
        int pending = status.Details.Count(static d => d.Outcome == StatusOutcome.Pending);
        if (pending != objects.Count)
        {
            throw new ArgumentException(
                $"The status has {pending} pending details for {objects.Count} objects; each object is one pending detail, in order.", nameof(status));
        }

        StatusDetail[] details = [.. status.Details];
        AddObjectsResult added = await AddCoreAsync(collectionId, objects, null, cancellationToken, async (session, result) =>
        {
            int k = 0;
            for (int i = 0; i < details.Length; i++)
            {
                if (details[i].Outcome == StatusOutcome.Pending)
                {
                    details[i] = details[i] with { Version = result.Objects[k].Version.ToString(), Outcome = StatusOutcome.Success };
                    k++;
                }
            }

            if (!await InsertStatusAsync(session, status with { Details = details }, cancellationToken).ConfigureAwait(false))
            {
                throw new ArgumentException($"A status with id {status.Id} exists.", nameof(status));
            }
        }).ConfigureAwait(false);
        Log.StatusCreated(_logger, status.Id, details.Length);
        return (added, new StatusResource
        {
            Id = status.Id,
            ApiRoot = status.ApiRoot,
            Principal = status.Principal,
            RequestTimestamp = Micros.ToDateTimeOffset(Micros.From(status.RequestTimestamp)),
            Details = details,
        });
    }

    /// <summary>Adds a batch in one transaction; with <paramref name="received"/>, the provenance of each new version and
    /// the subscription's cursor are written in the same transaction; <paramref name="beforeCommit"/>, when given, writes
    /// more in it (a status resource) once the outcome of each object is known.</summary>
    private async Task<AddObjectsResult> AddCoreAsync(Guid collectionId, IReadOnlyList<ObjectToAdd> objects, ReceivedBatch? received,
        CancellationToken cancellationToken, Func<SqlSession, AddObjectsResult, Task>? beforeCommit = null)
    {
        ArgumentNullException.ThrowIfNull(objects);
        foreach (ObjectToAdd o in objects)
        {
            ArgumentNullException.ThrowIfNull(o, nameof(objects));
        }

        long key = await RequireCollectionKeyAsync(collectionId, cancellationToken).ConfigureAwait(false);
        var results = new AddedObject[objects.Count];
        try
        {
            SqlSession session = await _backend.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
            await using ConfiguredAsyncDisposable sessionScope = session.ConfigureAwait(false);
            long last = Convert.ToInt64(
                await session.Command(_backend.LockCollectionSql).Set("@c", key).ExecuteScalarAsync(cancellationToken).ConfigureAwait(false),
                System.Globalization.CultureInfo.InvariantCulture);
            long now = Micros.From(_time.GetUtcNow());

            // The versions the collection holds of the batch's objects, read in a few queries rather than one per object.
            Dictionary<string, List<VersionRow>> byId = await ReadVersionRowsAsync(session, key,
                objects.Select(o => o.Id).Distinct(StringComparer.Ordinal).ToArray(), cancellationToken).ConfigureAwait(false);
            var inserts = new List<VersionRow>();
            var updates = new HashSet<VersionRow>();
            for (int i = 0; i < objects.Count; i++)
            {
                ObjectToAdd o = objects[i];
                List<VersionRow> rows = byId[o.Id];
                VersionRow? present = FindPresent(rows, o.Version);
                if (present is not null)
                {
                    results[i] = new AddedObject(o.Id, StixTimestamp.Parse(present.Version), Micros.ToDateTimeOffset(present.DateAdded), true);
                    continue;
                }

                // date_added: unique and increasing within the collection, whatever the clock does.
                long dateAdded = Math.Max(now, checked(last + 1));
                last = dateAdded;
                StixTimestamp version = o.Version ?? StixTimestamp.FromDateTimeOffset(Micros.ToDateTimeOffset(dateAdded), 6);
                var row = new VersionRow
                {
                    DateAdded = dateAdded,
                    SpecVersion = o.SpecVersion,
                    SpecKey = VersionKey.SpecKey(o.SpecVersion),
                    Version = version.ToString(),
                    VersionKey = VersionKey.Of(version),
                    Source = o,
                };
                rows.Add(row);
                inserts.Add(row);
                foreach (VersionRow changed in VersionRows.RecomputeFlags(rows))
                {
                    if (changed.Source is null)
                    {
                        updates.Add(changed); // a stored version whose flags changed; new ones are inserted with their final flags
                    }
                }

                results[i] = new AddedObject(o.Id, version, Micros.ToDateTimeOffset(dateAdded), false);
            }

            await InsertVersionsAsync(session, key, inserts, _backend.MaxRowsPerInsert, cancellationToken).ConfigureAwait(false);
            await UpdateFlagsAsync(session, key, updates, cancellationToken).ConfigureAwait(false);
            var reader = new StixReader();
            var logged = new LogItem[inserts.Count];
            for (int i = 0; i < inserts.Count; i++)
            {
                StixObject parsed = ParseStored(inserts[i].Source!, reader);
                ObjectToAdd source = inserts[i].Source!;
                logged[i] = new LogItem(inserts[i].DateAdded, parsed.Revoked ? LogAction.Revoke : LogAction.Publish, parsed)
                {
                    Canonical = source.JsonIsCanonical ? source.Json : (ReadOnlyMemory<byte>?)null,
                };
            }

            await AppendLogAsync(session, key, logged, cancellationToken).ConfigureAwait(false);
            if (received is not null)
            {
                await RecordReceivedAsync(session, key, inserts, received, cancellationToken).ConfigureAwait(false);
            }

            if (inserts.Count > 0)
            {
                await session.Command("UPDATE collections SET last_date_added = @d WHERE collection_key = @c")
                    .Set("@d", last).Set("@c", key)
                    .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            if (beforeCommit is not null)
            {
                await beforeCommit(session, new AddObjectsResult(results)).ConfigureAwait(false);
            }

            await session.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbException e)
        {
            Log.AddFailed(_logger, objects.Count, collectionId, e);
            throw;
        }

        var result = new AddObjectsResult(results);
        Log.ObjectsAdded(_logger, result.AddedCount, collectionId, result.AlreadyPresentCount);
        return result;
    }

    public IAsyncEnumerable<StoredObject> ReadObjectsAsync(Guid collectionId, ObjectFilter filter, DateTimeOffset? after = null,
        int pageSizeHint = 0, CancellationToken cancellationToken = default)
    {
        // Arguments are checked here, when the caller asks, not when it first enumerates.
        ObjectQuery query = ObjectQuery.Build(filter);
        ArgumentOutOfRangeException.ThrowIfNegative(pageSizeHint);
        int first = Math.Clamp((pageSizeHint == 0 ? DefaultPageSize : pageSizeHint) + 1, 2, MaxReadBatch);
        return ReadCoreAsync(collectionId, query, after is { } a ? Micros.From(a) : -1, first, cancellationToken);
    }

    private async IAsyncEnumerable<StoredObject> ReadCoreAsync(Guid collectionId, ObjectQuery query, long after, int batch,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        long key = await RequireCollectionKeyAsync(collectionId, cancellationToken).ConfigureAwait(false);
        var buffer = new List<StoredObject>(batch);
        while (true)
        {
            // A batch is read whole and the connection returned before the caller sees any of it, so a slow
            // consumer holds no connection, transaction or snapshot.
            buffer.Clear();
            SqlSession session = await _backend.OpenReadAsync(cancellationToken).ConfigureAwait(false);
            await using (session.ConfigureAwait(false))
            {
                DbCommand command = session.Command(query.Sql);
                query.Bind(command, key, after, batch);
                DbDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        buffer.Add(query.Read(reader));
                    }
                }
            }

            foreach (StoredObject o in buffer)
            {
                yield return o;
            }

            if (buffer.Count < batch)
            {
                yield break;
            }

            after = Micros.From(buffer[^1].DateAdded);
            batch = Math.Min(batch * 2, MaxReadBatch);
        }
    }

    public async Task<IReadOnlyDictionary<string, StoredObject>> ReadLatestVersionsAsync(Guid collectionId, IReadOnlyCollection<string> objectIds,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(objectIds);
        if (objectIds.Count > ObjectFilter.MaxValues)
        {
            throw new ArgumentException($"At most {ObjectFilter.MaxValues} ids.", nameof(objectIds));
        }

        string[] ids = [.. objectIds.Distinct(StringComparer.Ordinal)];
        foreach (string id in ids)
        {
            ArgumentNullException.ThrowIfNull(id, nameof(objectIds));
        }

        long key = await RequireCollectionKeyAsync(collectionId, cancellationToken).ConfigureAwait(false);
        var latest = new Dictionary<string, StoredObject>(ids.Length, StringComparer.Ordinal);
        if (ids.Length == 0)
        {
            return latest;
        }

        SqlSession session = await _backend.OpenReadAsync(cancellationToken).ConfigureAwait(false);
        await using (session.ConfigureAwait(false))
        {
            for (int start = 0; start < ids.Length; start += SqlText.MaxInList)
            {
                int count = Math.Min(SqlText.MaxInList, ids.Length - start);
                int size = SqlText.PaddedSize(count);
                ObjectQuery query = ObjectQuery.Latest(size);
                DbCommand command = session.Command(query.Sql);
                ObjectQuery.BindLatest(command, key, ids, start, count, size);
                DbDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        StoredObject version = query.Read(reader);
                        latest[version.Id] = version;
                    }
                }
            }
        }

        return latest;
    }

    public async Task<bool> ContainsObjectAsync(Guid collectionId, string objectId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(objectId);
        if (await GetCollectionKeyAsync(collectionId, cancellationToken).ConfigureAwait(false) is not long key)
        {
            return false;
        }

        IReadOnlyList<int> found = await QueryAsync(
            "SELECT 1 FROM objects WHERE collection_key = @c AND object_id = @id LIMIT 1",
            c => c.Set("@c", key).Set("@id", objectId), _ => 1, cancellationToken).ConfigureAwait(false);
        return found.Count > 0;
    }

    public async Task<int> DeleteObjectAsync(Guid collectionId, string objectId, VersionFilter? versions = null,
        IReadOnlyList<string>? specVersions = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(objectId);
        versions ??= VersionFilter.All;
        specVersions ??= [];
        if (versions.IsEmpty)
        {
            throw new ArgumentException("The version filter selects nothing.", nameof(versions));
        }

        long key = await RequireCollectionKeyAsync(collectionId, cancellationToken).ConfigureAwait(false);
        SqlSession session = await _backend.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        await using ConfiguredAsyncDisposable sessionScope = session.ConfigureAwait(false);
        await session.Command(_backend.LockCollectionSql).Set("@c", key).ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        List<VersionRow> rows = await ReadVersionRowsAsync(session, key, objectId, cancellationToken).ConfigureAwait(false);
        List<VersionRow> doomed = VersionRows.SelectForDelete(rows, versions, specVersions);
        if (doomed.Count == 0)
        {
            return 0;
        }

        var reader = new StixReader();
        var logged = new List<LogItem>(doomed.Count);
        foreach (VersionRow row in doomed)
        {
            var json = (byte[])(await session.Command("SELECT json FROM objects WHERE collection_key = @c AND date_added = @d")
                .Set("@c", key).Set("@d", row.DateAdded)
                .ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            logged.Add(new LogItem(row.DateAdded, LogAction.Delete, reader.ReadObject(json)));
        }

        foreach (VersionRow row in doomed)
        {
            await session.Command("DELETE FROM objects WHERE collection_key = @c AND date_added = @d")
                .Set("@c", key).Set("@d", row.DateAdded)
                .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        List<VersionRow> remaining = rows.Except(doomed).ToList();
        await UpdateFlagsAsync(session, key, VersionRows.RecomputeFlags(remaining), cancellationToken).ConfigureAwait(false);
        await AppendLogAsync(session, key, logged, cancellationToken).ConfigureAwait(false);
        await session.CommitAsync(cancellationToken).ConfigureAwait(false);
        Log.ObjectDeleted(_logger, doomed.Count, objectId, collectionId);
        return doomed.Count;
    }

    private static VersionRow? FindPresent(List<VersionRow> rows, StixTimestamp? version)
    {
        if (rows.Count == 0)
        {
            return null;
        }

        if (version is null)
        {
            // An object without a version is present once its id is; report the latest version held.
            return rows.MaxBy(r => r.VersionKey, StringComparer.Ordinal);
        }

        string key = VersionKey.Of(version.Value);
        return rows.Find(r => string.Equals(r.VersionKey, key, StringComparison.Ordinal));
    }

    private static async Task<List<VersionRow>> ReadVersionRowsAsync(SqlSession session, long key, string objectId, CancellationToken cancellationToken) =>
        (await ReadVersionRowsAsync(session, key, [objectId], cancellationToken).ConfigureAwait(false))[objectId];

    /// <summary>The stored versions of each of <paramref name="objectIds"/> (an empty list for an unknown one).</summary>
    private static async Task<Dictionary<string, List<VersionRow>>> ReadVersionRowsAsync(SqlSession session, long key,
        string[] objectIds, CancellationToken cancellationToken)
    {
        var byId = objectIds.ToDictionary(id => id, _ => new List<VersionRow>(), StringComparer.Ordinal);
        for (int start = 0; start < objectIds.Length; start += SqlText.MaxInList)
        {
            int count = Math.Min(SqlText.MaxInList, objectIds.Length - start);
            // The list is padded (repeating its last id) to one of a few sizes, so that few statement texts exist.
            int size = SqlText.PaddedSize(count);
            DbCommand command = session.Command(SqlText.SelectVersions(size)).Set("@c", key);
            for (int i = 0; i < size; i++)
            {
                command.Set(SqlText.Name("@i", i), objectIds[start + Math.Min(i, count - 1)]);
            }

            DbDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    byId[reader.GetString(0)].Add(new VersionRow
                    {
                        DateAdded = reader.GetInt64(1),
                        SpecVersion = reader.GetString(2),
                        SpecKey = reader.GetInt32(3),
                        Version = reader.GetString(4),
                        VersionKey = reader.GetString(5),
                        SpecLatest = reader.GetInt32(6) != 0,
                        First = reader.GetInt32(7) != 0,
                        Last = reader.GetInt32(8) != 0,
                    });
                }
            }
        }

        return byId;
    }

    /// <summary>Inserts new versions, several rows per statement.</summary>
    private static async Task InsertVersionsAsync(SqlSession session, long key, List<VersionRow> rows, int maxRows,
        CancellationToken cancellationToken)
    {
        int done = 0;
        while (done < rows.Count)
        {
            int size = SqlText.InsertSize(rows.Count - done, maxRows);
            DbCommand command = session.Command(SqlText.InsertVersions(size)).Set("@c", key);
            for (int i = 0; i < size; i++)
            {
                VersionRow row = rows[done + i];
                ObjectToAdd o = row.Source!;
                command.Set(SqlText.Name("@d", i), row.DateAdded)
                    .Set(SqlText.Name("@id", i), o.Id)
                    .Set(SqlText.Name("@type", i), o.Type)
                    .Set(SqlText.Name("@spec", i), o.SpecVersion)
                    .Set(SqlText.Name("@speckey", i), row.SpecKey)
                    .Set(SqlText.Name("@v", i), row.Version)
                    .Set(SqlText.Name("@vkey", i), row.VersionKey)
                    .Set(SqlText.Name("@sl", i), row.SpecLatest ? 1 : 0)
                    .Set(SqlText.Name("@vf", i), row.First ? 1 : 0)
                    .Set(SqlText.Name("@vl", i), row.Last ? 1 : 0)
                    .Set(SqlText.Name("@json", i), Bytes(o.Json))
                    .Set(SqlText.Name("@facts", i), o.Facts.IsEmpty ? null : Bytes(o.Facts))
                    .Set(SqlText.Name("@ec", i), (int)o.EgressClass);
            }

            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            done += size;
        }
    }

    private static async Task UpdateFlagsAsync(SqlSession session, long key, IEnumerable<VersionRow> changed, CancellationToken cancellationToken)
    {
        foreach (VersionRow row in changed)
        {
            await session.Command("UPDATE objects SET spec_latest = @sl, v_first = @vf, v_last = @vl WHERE collection_key = @c AND date_added = @d")
                .Set("@sl", row.SpecLatest ? 1 : 0)
                .Set("@vf", row.First ? 1 : 0)
                .Set("@vl", row.Last ? 1 : 0)
                .Set("@c", key)
                .Set("@d", row.DateAdded)
                .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static byte[] Bytes(ReadOnlyMemory<byte> memory) =>
        MemoryMarshal.TryGetArray(memory, out ArraySegment<byte> segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : memory.ToArray();

    // ---- Status resources ----

    public async Task<bool> CreateStatusAsync(NewStatus status, CancellationToken cancellationToken = default)
    {
        CheckStatus(status);
        SqlSession session = await _backend.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        await using ConfiguredAsyncDisposable sessionScope = session.ConfigureAwait(false);
        if (!await InsertStatusAsync(session, status, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        await session.CommitAsync(cancellationToken).ConfigureAwait(false);
        Log.StatusCreated(_logger, status.Id, status.Details.Count);
        return true;
    }

    private static void CheckStatus(NewStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        CheckApiRootName(status.ApiRoot, nameof(status));
        CheckText(status.Principal, nameof(status));
        ArgumentNullException.ThrowIfNull(status.Details, nameof(status));
        foreach (StatusDetail d in status.Details)
        {
            ArgumentNullException.ThrowIfNull(d, nameof(status));
            ArgumentNullException.ThrowIfNull(d.Id, nameof(status));
            ArgumentNullException.ThrowIfNull(d.Version, nameof(status));
            CheckOutcome(d.Outcome, nameof(status));
        }
    }

    /// <summary>Inserts a status and its details in the session's transaction; false (nothing written) when the id exists.</summary>
    private async Task<bool> InsertStatusAsync(SqlSession session, NewStatus status, CancellationToken cancellationToken)
    {
        int rows = await session.Command(
                "INSERT INTO statuses (id, api_root, principal, request_timestamp) VALUES (@id, @r, @p, @t) ON CONFLICT (id) DO NOTHING")
            .Set("@id", Text(status.Id))
            .Set("@r", status.ApiRoot)
            .Set("@p", status.Principal)
            .Set("@t", Micros.From(status.RequestTimestamp))
            .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        if (rows == 0)
        {
            return false;
        }

        // Several rows per statement where a statement costs a round trip (PostgreSQL), one where it does not (SQLite).
        int done = 0;
        while (done < status.Details.Count)
        {
            int size = SqlText.InsertSize(status.Details.Count - done, _backend.MaxRowsPerInsert);
            DbCommand command = session.Command(SqlText.InsertStatusDetails(size)).Set("@s", Text(status.Id));
            for (int i = 0; i < size; i++)
            {
                StatusDetail d = status.Details[done + i];
                command.Set(SqlText.Name("@i", i), done + i)
                    .Set(SqlText.Name("@id", i), d.Id)
                    .Set(SqlText.Name("@v", i), d.Version)
                    .Set(SqlText.Name("@o", i), (int)d.Outcome)
                    .Set(SqlText.Name("@m", i), d.Message);
            }

            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            done += size;
        }

        return true;
    }

    public async Task<bool> UpdateStatusAsync(Guid statusId, IReadOnlyList<StatusUpdate> updates, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(updates);
        foreach (StatusUpdate u in updates)
        {
            CheckOutcome(u.Outcome, nameof(updates));
        }

        SqlSession session = await _backend.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        await using ConfiguredAsyncDisposable sessionScope = session.ConfigureAwait(false);
        if (await session.Command("SELECT 1 FROM statuses WHERE id = @id").Set("@id", Text(statusId))
                .ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null)
        {
            return false;
        }

        foreach (StatusUpdate u in updates)
        {
            int rows = await session.Command("UPDATE status_details SET outcome = @o, message = @m WHERE status_id = @s AND idx = @i")
                .Set("@o", (int)u.Outcome)
                .Set("@m", u.Message)
                .Set("@s", Text(statusId))
                .Set("@i", u.Index)
                .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            if (rows == 0)
            {
                // Disposing the session without commit rolls back the updates made so far.
                throw new ArgumentOutOfRangeException(nameof(updates), u.Index, "The status has no object at this index.");
            }
        }

        await session.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async Task<StatusResource?> GetStatusAsync(Guid statusId, CancellationToken cancellationToken = default)
    {
        SqlSession session = await _backend.OpenReadAsync(cancellationToken).ConfigureAwait(false);
        await using (session.ConfigureAwait(false))
        {
            string id = Text(statusId);
            string apiRoot, principal;
            long requested;
            DbDataReader reader = await session.Command("SELECT api_root, principal, request_timestamp FROM statuses WHERE id = @id")
                .Set("@id", id).ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    return null;
                }

                apiRoot = reader.GetString(0);
                principal = reader.GetString(1);
                requested = reader.GetInt64(2);
            }

            var details = new List<StatusDetail>();
            reader = await session.Command("SELECT object_id, version, outcome, message FROM status_details WHERE status_id = @s ORDER BY idx")
                .Set("@s", id).ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    details.Add(new StatusDetail(reader.GetString(0), reader.GetString(1), (StatusOutcome)reader.GetInt32(2),
                        reader.IsDBNull(3) ? null : reader.GetString(3)));
                }
            }

            return new StatusResource
            {
                Id = statusId,
                ApiRoot = apiRoot,
                Principal = principal,
                RequestTimestamp = Micros.ToDateTimeOffset(requested),
                Details = details,
            };
        }
    }

    public async Task<(int Objects, int Statuses)> FailPendingStatusesAsync(string message, CancellationToken cancellationToken = default)
    {
        CheckText(message, nameof(message));
        SqlSession session = await _backend.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        await using ConfiguredAsyncDisposable sessionScope = session.ConfigureAwait(false);
        object? statuses = await session.Command("SELECT COUNT(DISTINCT status_id) FROM status_details WHERE outcome = @pending")
            .Set("@pending", (int)StatusOutcome.Pending)
            .ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        int objects = await session.Command("UPDATE status_details SET outcome = @failure, message = @m WHERE outcome = @pending")
            .Set("@failure", (int)StatusOutcome.Failure)
            .Set("@m", message)
            .Set("@pending", (int)StatusOutcome.Pending)
            .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await session.CommitAsync(cancellationToken).ConfigureAwait(false);
        return (objects, checked((int)Convert.ToInt64(statuses, System.Globalization.CultureInfo.InvariantCulture)));
    }

    public async Task<int> DeleteFinishedStatusesAsync(DateTimeOffset requestedBefore, CancellationToken cancellationToken = default)
    {
        long before = Micros.From(requestedBefore);
        SqlSession session = await _backend.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        await using ConfiguredAsyncDisposable sessionScope = session.ConfigureAwait(false);
        // First the details of old statuses without a pending object, then the old statuses left without details: a
        // status whose last pending object is decided between the two statements keeps its row until the next sweep.
        await session.Command("""
                DELETE FROM status_details WHERE status_id IN (
                    SELECT s.id FROM statuses s WHERE s.request_timestamp < @t
                    AND NOT EXISTS (SELECT 1 FROM status_details d WHERE d.status_id = s.id AND d.outcome = @pending))
                """)
            .Set("@t", before)
            .Set("@pending", (int)StatusOutcome.Pending)
            .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        int deleted = await session.Command("""
                DELETE FROM statuses WHERE request_timestamp < @t
                AND NOT EXISTS (SELECT 1 FROM status_details d WHERE d.status_id = statuses.id)
                """)
            .Set("@t", before)
            .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await session.CommitAsync(cancellationToken).ConfigureAwait(false);
        return deleted;
    }

    private static void CheckOutcome(StatusOutcome outcome, string name)
    {
        if (!Enum.IsDefined(outcome))
        {
            throw new ArgumentException("Unknown status outcome.", name);
        }
    }

    // ---- API tokens ----

    public async Task<bool> AddTokenAsync(ApiToken token, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        CheckText(token.TokenId, nameof(token));
        CheckText(token.Principal, nameof(token));
        if (token.SecretHash.Length != TokenHash.Size)
        {
            throw new ArgumentException($"A token's secret hash has {TokenHash.Size} bytes.", nameof(token));
        }

        if (!Enum.IsDefined(token.Role))
        {
            throw new ArgumentException("Unknown token role.", nameof(token));
        }

        SqlSession session = await _backend.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        await using ConfiguredAsyncDisposable sessionScope = session.ConfigureAwait(false);
        int rows = await session.Command(
                $"INSERT INTO tokens ({TokenColumns}) VALUES (@id, @p, @role, @hash, @created, @expires, @revoked) ON CONFLICT DO NOTHING")
            .Set("@id", token.TokenId)
            .Set("@p", token.Principal)
            .Set("@role", RoleText(token.Role))
            .Set("@hash", token.SecretHash.ToArray())
            .Set("@created", Micros.From(token.Created))
            .Set("@expires", token.Expires is { } e ? Micros.From(e) : null)
            .Set("@revoked", token.Revoked is { } r ? Micros.From(r) : null)
            .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        if (rows == 0)
        {
            return false;
        }

        await session.CommitAsync(cancellationToken).ConfigureAwait(false);
        Log.TokenAdded(_logger, token.TokenId, token.Principal, token.Role);
        return true;
    }

    public async Task<ApiToken?> FindTokenByHashAsync(ReadOnlyMemory<byte> secretHash, CancellationToken cancellationToken = default)
    {
        if (secretHash.Length != TokenHash.Size)
        {
            return null;
        }

        IReadOnlyList<ApiToken> found = await QueryAsync($"SELECT {TokenColumns} FROM tokens WHERE secret_hash = @hash",
            c => c.Set("@hash", secretHash.ToArray()), ReadToken, cancellationToken).ConfigureAwait(false);
        return found.Count == 0 ? null : found[0];
    }

    public async Task<ApiToken?> GetTokenAsync(string tokenId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tokenId);
        IReadOnlyList<ApiToken> found = await QueryAsync($"SELECT {TokenColumns} FROM tokens WHERE token_id = @id",
            c => c.Set("@id", tokenId), ReadToken, cancellationToken).ConfigureAwait(false);
        return found.Count == 0 ? null : found[0];
    }

    public async Task<IReadOnlyList<ApiToken>> ListTokensAsync(CancellationToken cancellationToken = default)
    {
        IReadOnlyList<ApiToken> found = await QueryAsync($"SELECT {TokenColumns} FROM tokens", static _ => { }, ReadToken,
            cancellationToken).ConfigureAwait(false);
        return found.OrderBy(t => t.Created).ThenBy(t => t.TokenId, StringComparer.Ordinal).ToArray();
    }

    public async Task<bool> RevokeTokenAsync(string tokenId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tokenId);
        SqlSession session = await _backend.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        await using ConfiguredAsyncDisposable sessionScope = session.ConfigureAwait(false);
        int rows = await session.Command("UPDATE tokens SET revoked = @now WHERE token_id = @id AND revoked IS NULL")
            .Set("@now", Micros.From(_time.GetUtcNow()))
            .Set("@id", tokenId)
            .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await session.CommitAsync(cancellationToken).ConfigureAwait(false);
        if (rows > 0)
        {
            Log.TokenRevoked(_logger, tokenId);
        }

        return rows > 0;
    }

    private static ApiToken ReadToken(DbDataReader r) => new()
    {
        TokenId = r.GetString(0),
        Principal = r.GetString(1),
        Role = ParseRole(r.GetString(2)),
        SecretHash = r.GetFieldValue<byte[]>(3),
        Created = Micros.ToDateTimeOffset(r.GetInt64(4)),
        Expires = r.IsDBNull(5) ? null : Micros.ToDateTimeOffset(r.GetInt64(5)),
        Revoked = r.IsDBNull(6) ? null : Micros.ToDateTimeOffset(r.GetInt64(6)),
    };

    private static string RoleText(TokenRole role) => role switch
    {
        TokenRole.Admin => "admin",
        TokenRole.Analyst => "analyst",
        TokenRole.Reader => "reader",
        _ => "partner",
    };

    private static TokenRole ParseRole(string text) => text switch
    {
        "admin" => TokenRole.Admin,
        "analyst" => TokenRole.Analyst,
        "reader" => TokenRole.Reader,
        "partner" => TokenRole.Partner,
        _ => ThrowUnknownRole(text),
    };

    [DoesNotReturn]
    private static TokenRole ThrowUnknownRole(string text) =>
        throw new InvalidDataException($"The store holds a token with an unknown role ({text.Length} characters).");

    // ---- Helpers ----

    private async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, Action<DbCommand> bind, Func<DbDataReader, T> read,
        CancellationToken cancellationToken)
    {
        var results = new List<T>();
        SqlSession session = await _backend.OpenReadAsync(cancellationToken).ConfigureAwait(false);
        await using (session.ConfigureAwait(false))
        {
            DbCommand command = session.Command(sql);
            bind(command);
            DbDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    results.Add(read(reader));
                }
            }
        }

        return results;
    }

    private async ValueTask<long?> GetCollectionKeyAsync(Guid collectionId, CancellationToken cancellationToken)
    {
        if (_collectionKeys.TryGetValue(collectionId, out long cached))
        {
            return cached;
        }

        IReadOnlyList<long> found = await QueryAsync("SELECT collection_key FROM collections WHERE id = @id",
            c => c.Set("@id", Text(collectionId)), r => r.GetInt64(0), cancellationToken).ConfigureAwait(false);
        if (found.Count == 0)
        {
            return null;
        }

        _collectionKeys[collectionId] = found[0];
        return found[0];
    }

    private async ValueTask<long> RequireCollectionKeyAsync(Guid collectionId, CancellationToken cancellationToken) =>
        await GetCollectionKeyAsync(collectionId, cancellationToken).ConfigureAwait(false)
        ?? ThrowCollectionNotFound(collectionId);

    [DoesNotReturn]
    private static long ThrowCollectionNotFound(Guid collectionId) =>
        throw new StoreException(StoreError.CollectionNotFound, $"There is no collection {collectionId}.") { CollectionId = collectionId };

    private static string Text(Guid id) => id.ToString("D");

    private static void CheckApiRootName(string name, string parameter)
    {
        ArgumentNullException.ThrowIfNull(name, parameter);
        if (name.Length is 0 or > 64 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~') || name is "." or "..")
        {
            throw new ArgumentException("An API root name is 1–64 characters of A–Z a–z 0–9 - . _ ~ (not . or ..).", parameter);
        }
    }

    private static void CheckText(string text, string parameter)
    {
        ArgumentNullException.ThrowIfNull(text, parameter);
        if (text.Length is 0 or > MaxNameLength)
        {
            throw new ArgumentException($"Names, titles, aliases and principals are 1–{MaxNameLength} characters.", parameter);
        }
    }
}
