using System.Collections.Concurrent;
using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Detente.Ledger.Entries;
using Detente.Ledger.Merkle;
using Detente.Ledger.Notes;
using Detente.Ledger.Tiles;
using Detente.Stix;
using Detente.Stix.Json;

namespace Detente.Storage.Sql;

/// <summary>The transparency log part of the store: entries written with the objects, tiles and checkpoint derived.</summary>
internal sealed partial class SqlStore
{
    private const int MaxLogRead = 4_096;

    private static readonly ConcurrentDictionary<int, string> s_findLogEntries = new();

    private SqlTileStore? _tiles;

    public ITileStore LogTiles => _tiles ??= new SqlTileStore(_backend);

    public async Task<string?> GetLogOriginAsync(CancellationToken cancellationToken = default)
    {
        IReadOnlyList<string?> found = await QueryAsync("SELECT origin FROM log_state WHERE id = 1", static _ => { },
            static r => r.IsDBNull(0) ? null : r.GetString(0), cancellationToken).ConfigureAwait(false);
        return found.Count == 0 ? null : found[0];
    }

    public async Task SetLogOriginAsync(string origin, CancellationToken cancellationToken = default)
    {
        CheckLogOrigin(origin);
        SqlSession session = await _backend.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        await using ConfiguredAsyncDisposable sessionScope = session.ConfigureAwait(false);
        (long next, string? stored, _) = await LockLogAsync(session, cancellationToken).ConfigureAwait(false);
        if (string.Equals(stored, origin, StringComparison.Ordinal))
        {
            return;
        }

        if (stored is not null && next > 0)
        {
            throw new StoreException(StoreError.LogOriginMismatch,
                $"The transparency log has {next} entries under the origin '{stored}'; a log's origin never changes (asked for '{origin}').");
        }

        await session.Command("UPDATE log_state SET origin = @o WHERE id = 1").Set("@o", origin)
            .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await session.CommitAsync(cancellationToken).ConfigureAwait(false);
        Log.LogOriginSet(_logger, origin);
    }

    public async Task SetLogClearEntriesAsync(bool clearForTlpClear, CancellationToken cancellationToken = default)
    {
        SqlSession session = await _backend.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        await using ConfiguredAsyncDisposable sessionScope = session.ConfigureAwait(false);
        await session.Command("UPDATE log_state SET clear_tlp_clear = @c WHERE id = 1").Set("@c", clearForTlpClear ? 1 : 0)
            .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await session.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<ReadOnlyMemory<byte>?> ReadLogCheckpointAsync(long size, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        IReadOnlyList<byte[]> found = await QueryAsync("SELECT note FROM log_checkpoints WHERE size = @s", c => c.Set("@s", size),
            static r => r.GetFieldValue<byte[]>(0), cancellationToken).ConfigureAwait(false);
        return found.Count == 0 ? (ReadOnlyMemory<byte>?)null : found[0];
    }

    public async Task<long> GetLogSizeAsync(CancellationToken cancellationToken = default)
    {
        IReadOnlyList<long> found = await QueryAsync("SELECT next_index FROM log_state WHERE id = 1", static _ => { },
            static r => r.GetInt64(0), cancellationToken).ConfigureAwait(false);
        return found[0];
    }

    public async Task<IReadOnlyList<ReadOnlyMemory<byte>>> ReadLogEntriesAsync(long start, int count, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        count = Math.Min(count, MaxLogRead);
        IReadOnlyList<(long Index, byte[] Entry)> found = await QueryAsync(
            "SELECT leaf_index, entry FROM log_entries WHERE leaf_index >= @s AND leaf_index < @e ORDER BY leaf_index",
            c => c.Set("@s", start).Set("@e", checked(start + count)),
            static r => (r.GetInt64(0), r.GetFieldValue<byte[]>(1)), cancellationToken).ConfigureAwait(false);
        var entries = new ReadOnlyMemory<byte>[found.Count];
        for (int i = 0; i < found.Count; i++)
        {
            if (found[i].Index != start + i)
            {
                throw new InvalidDataException($"The transparency log has no entry {start + i} but has entry {found[i].Index}.");
            }

            entries[i] = found[i].Entry;
        }

        return entries;
    }

    public async Task<LogEntryRecord?> FindLogEntryAsync(Guid collectionId, DateTimeOffset dateAdded, CancellationToken cancellationToken = default)
    {
        if (await GetCollectionKeyAsync(collectionId, cancellationToken).ConfigureAwait(false) is not long key)
        {
            return null;
        }

        IReadOnlyList<LogEntryRecord> found = await QueryAsync(
            "SELECT leaf_index, action, entry, salt FROM log_entries WHERE collection_key = @c AND date_added = @d AND action <> @delete",
            c => c.Set("@c", key).Set("@d", Micros.From(dateAdded)).Set("@delete", (int)LogAction.Delete),
            static r => new LogEntryRecord(r.GetInt64(0), (LogAction)r.GetInt32(1), r.GetFieldValue<byte[]>(2), r.GetFieldValue<byte[]>(3)),
            cancellationToken).ConfigureAwait(false);
        return found.Count == 0 ? null : found[0];
    }

    public async Task<IReadOnlyList<LogEntryRecord?>> FindLogEntriesAsync(Guid collectionId, IReadOnlyList<DateTimeOffset> dateAdded,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dateAdded);
        if (dateAdded.Count > ObjectFilter.MaxValues)
        {
            throw new ArgumentException($"At most {ObjectFilter.MaxValues} versions.", nameof(dateAdded));
        }

        var found = new LogEntryRecord?[dateAdded.Count];
        if (dateAdded.Count == 0 || await GetCollectionKeyAsync(collectionId, cancellationToken).ConfigureAwait(false) is not long key)
        {
            return found;
        }

        long[] micros = [.. dateAdded.Select(Micros.From)];
        var byMicros = new Dictionary<long, LogEntryRecord>(micros.Length);
        SqlSession session = await _backend.OpenReadAsync(cancellationToken).ConfigureAwait(false);
        await using (session.ConfigureAwait(false))
        {
            for (int start = 0; start < micros.Length; start += SqlText.MaxInList)
            {
                int count = Math.Min(SqlText.MaxInList, micros.Length - start);
                int size = SqlText.PaddedSize(count);
                DbCommand command = session.Command(s_findLogEntries.GetOrAdd(size, static n =>
                    "SELECT date_added, leaf_index, action, entry, salt FROM log_entries WHERE collection_key = @c AND action <> @delete AND date_added IN ("
                    + string.Join(", ", Enumerable.Range(0, n).Select(i => SqlText.Name("@d", i))) + ")"));
                command.Set("@c", key).Set("@delete", (int)LogAction.Delete);
                for (int i = 0; i < size; i++)
                {
                    // The list is padded by repeating its last value, so that a few statement shapes serve every count.
                    command.Set(SqlText.Name("@d", i), micros[start + Math.Min(i, count - 1)]);
                }

                DbDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        byMicros[reader.GetInt64(0)] = new LogEntryRecord(reader.GetInt64(1), (LogAction)reader.GetInt32(2), reader.GetFieldValue<byte[]>(3),
                            reader.GetFieldValue<byte[]>(4));
                    }
                }
            }
        }

        for (int i = 0; i < micros.Length; i++)
        {
            found[i] = byMicros.GetValueOrDefault(micros[i]);
        }

        return found;
    }

    public async Task<LogEntryRecord> AppendLogRecordAsync(LogAction action, string recordId, JsonObject record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(recordId);
        ArgumentNullException.ThrowIfNull(record);
        if (!LogEntry.IsRecordAction(action))
        {
            throw new ArgumentException("Only a record action (psi-session) is appended as a record.", nameof(action));
        }

        CheckRecordId(recordId);
        byte[] canonical = JsonCanonicalizer.Canonicalize(record);
        if (canonical.Length > IStore.MaxLogRecordBytes)
        {
            throw new ArgumentException($"A log record is at most {IStore.MaxLogRecordBytes} bytes in canonical form.", nameof(record));
        }

        SqlSession session = await _backend.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        await using ConfiguredAsyncDisposable sessionScope = session.ConfigureAwait(false);
        (long next, string? origin, _) = await LockLogAsync(session, cancellationToken).ConfigureAwait(false);
        if (origin is null)
        {
            origin = DefaultLogOrigin();
            await session.Command("UPDATE log_state SET origin = @o WHERE id = 1").Set("@o", origin)
                .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        LogEntry entry = LogEntry.CreateRecord(origin, action, _time.GetUtcNow(), recordId, record, out byte[] salt);
        byte[] encoded = Bytes(entry.Encoded);
        await session.Command("INSERT INTO log_entries (leaf_index, action, entry, salt, record_id, record) VALUES (@i, @a, @e, @s, @r, @rec)")
            .Set("@i", next)
            .Set("@a", (int)action)
            .Set("@e", encoded)
            .Set("@s", salt)
            .Set("@r", recordId)
            .Set("@rec", canonical)
            .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await session.Command("UPDATE log_state SET next_index = @n WHERE id = 1").Set("@n", checked(next + 1))
            .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await session.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new LogEntryRecord(next, action, encoded, salt) { RecordId = recordId, Record = canonical };
    }

    public async Task<IReadOnlyList<LogEntryRecord>> FindLogRecordsAsync(LogAction action, string recordId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(recordId);
        if (!LogEntry.IsRecordAction(action))
        {
            throw new ArgumentException("Only a record action (psi-session) has records.", nameof(action));
        }

        return await QueryAsync(
            "SELECT leaf_index, action, entry, salt, record FROM log_entries WHERE record_id = @r AND action = @a ORDER BY leaf_index",
            c => c.Set("@r", recordId).Set("@a", (int)action),
            r => new LogEntryRecord(r.GetInt64(0), (LogAction)r.GetInt32(1), r.GetFieldValue<byte[]>(2), r.GetFieldValue<byte[]>(3))
            {
                RecordId = recordId,
                Record = r.GetFieldValue<byte[]>(4),
            },
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<LogEntryRecord>> ReadRecentLogRecordsAsync(LogAction action, long? before, int limit,
        CancellationToken cancellationToken = default)
    {
        if (!LogEntry.IsRecordAction(action))
        {
            throw new ArgumentException("Only a record action (psi-session) has records.", nameof(action));
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        if (before is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(before), before, "A leaf index is not negative.");
        }

        return await QueryAsync(
            "SELECT leaf_index, action, entry, salt, record_id, record FROM log_entries"
                + " WHERE record_id IS NOT NULL AND action = @a AND leaf_index < @b ORDER BY action DESC, leaf_index DESC LIMIT @n",
            c => c.Set("@a", (int)action).Set("@b", before ?? long.MaxValue).Set("@n", limit),
            r => new LogEntryRecord(r.GetInt64(0), (LogAction)r.GetInt32(1), r.GetFieldValue<byte[]>(2), r.GetFieldValue<byte[]>(3))
            {
                RecordId = r.GetString(4),
                Record = r.GetFieldValue<byte[]>(5),
            },
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<long> GetObjectLogPositionAsync(CancellationToken cancellationToken = default)
    {
        // Walks the primary key from the end past the (few) record entries.
        IReadOnlyList<long> found = await QueryAsync(
            "SELECT leaf_index FROM log_entries WHERE record_id IS NULL ORDER BY leaf_index DESC LIMIT 1", static _ => { },
            static r => r.GetInt64(0), cancellationToken).ConfigureAwait(false);
        return found.Count == 0 ? 0 : checked(found[0] + 1);
    }

    private static void CheckRecordId(string recordId)
    {
        if (recordId.Length is 0 or > 128 || recordId.Any(static c => c is < '!' or > '~'))
        {
            throw new ArgumentException("A record id is 1–128 printable ASCII characters.", nameof(recordId));
        }
    }

    /// <summary>A version the log records: the object, where it is stored, and what happened to it.</summary>
    /// <remarks><see cref="Canonical"/>, when set, is the object's RFC 8785 form, committed to without canonicalizing again.</remarks>
    private readonly record struct LogItem(long DateAdded, LogAction Action, StixObject Object)
    {
        public ReadOnlyMemory<byte>? Canonical { get; init; }
    }

    /// <summary>Takes the global log lock (after the collection's) and appends one entry per item, with fresh salts.</summary>
    private async Task AppendLogAsync(SqlSession session, long collectionKey, IReadOnlyList<LogItem> items, CancellationToken cancellationToken)
    {
        if (items.Count == 0)
        {
            return;
        }

        (long next, string? origin, bool clear) = await LockLogAsync(session, cancellationToken).ConfigureAwait(false);
        if (origin is null)
        {
            origin = DefaultLogOrigin();
            await session.Command("UPDATE log_state SET origin = @o WHERE id = 1").Set("@o", origin)
                .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        DateTimeOffset now = _time.GetUtcNow();
        // One call to the OS CSPRNG for the salts of the whole batch; each salted entry takes its own 32 of the bytes.
        byte[] salts = RandomNumberGenerator.GetBytes(checked(items.Count * LogEntry.SaltSize));
        var encoded = new byte[items.Count][];
        var saltOf = new byte[items.Count][];
        for (int i = 0; i < items.Count; i++)
        {
            LogItem item = items[i];
            bool inClear = clear && LogEntry.QualifiesForClear(item.Object);
            ReadOnlySpan<byte> salt = salts.AsSpan(i * LogEntry.SaltSize, LogEntry.SaltSize);
            LogEntry entry = item.Canonical is { } canonical
                ? inClear
                    ? LogEntry.CreateClear(origin, item.Action, now, item.Object, canonical.Span)
                    : LogEntry.CreateSalted(origin, item.Action, now, item.Object, canonical.Span, salt)
                : inClear
                    ? LogEntry.CreateClear(origin, item.Action, now, item.Object)
                    : LogEntry.CreateSalted(origin, item.Action, now, item.Object, salt);
            encoded[i] = Bytes(entry.Encoded);
            saltOf[i] = inClear ? [] : salt.ToArray();
        }

        // Several rows per statement (SqlBackend.MaxLogRowsPerInsert); leaf indices follow the items' order.
        int done = 0;
        while (done < items.Count)
        {
            int size = SqlText.InsertSize(items.Count - done, _backend.MaxLogRowsPerInsert);
            DbCommand command = session.Command(SqlText.InsertLogEntries(size)).Set("@c", collectionKey);
            for (int k = 0; k < size; k++)
            {
                int i = done + k;
                command.Set(SqlText.Name("@i", k), checked(next + i))
                    .Set(SqlText.Name("@d", k), items[i].DateAdded)
                    .Set(SqlText.Name("@a", k), (int)items[i].Action)
                    .Set(SqlText.Name("@e", k), encoded[i])
                    .Set(SqlText.Name("@s", k), saltOf[i]);
            }

            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            done += size;
        }

        next = checked(next + items.Count);
        await session.Command("UPDATE log_state SET next_index = @n WHERE id = 1").Set("@n", next)
            .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<(long Next, string? Origin, bool ClearForTlpClear)> LockLogAsync(SqlSession session, CancellationToken cancellationToken)
    {
        DbDataReader reader = await session.Command(_backend.LockLogSql).ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                throw new InvalidDataException("The store has no log_state row.");
            }

            return (reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetInt32(2) != 0);
        }
    }

    /// <summary>The origin a store's log gets when its first entry is written before anyone set one: unique per store.</summary>
    private static string DefaultLogOrigin() => "detente.invalid/log/" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    private static StixObject ParseStored(ObjectToAdd o, StixReader reader) => o.Parsed ?? reader.ReadObject(o.Json.Span);

    internal static void CheckLogOrigin(string origin)
    {
        ArgumentNullException.ThrowIfNull(origin);
        if (Encoding.UTF8.GetByteCount(origin) > LogEntry.MaxOriginBytes || !SignedNote.IsValidKeyName(origin))
        {
            throw new ArgumentException(
                $"A log origin is 1–{LogEntry.MaxOriginBytes} UTF-8 bytes without spaces, control characters or '+' (e.g. example.org/log).",
                nameof(origin));
        }

        _ = new Checkpoint(origin, 0, MerkleHasher.EmptyRoot); // the same origin line rules as a checkpoint's
    }

    /// <summary>The log's tiles and checkpoint in tables <c>log_tiles</c> and <c>log_checkpoint</c>.</summary>
    private sealed class SqlTileStore(SqlBackend backend) : ITileStore
    {
        public async ValueTask<ReadOnlyMemory<byte>?> ReadTileAsync(TilePath path, CancellationToken cancellationToken = default)
        {
            SqlSession session = await backend.OpenReadAsync(cancellationToken).ConfigureAwait(false);
            await using (session.ConfigureAwait(false))
            {
                object? data = await session.Command("SELECT data FROM log_tiles WHERE level = @l AND tile_index = @n AND width = @w")
                    .Set("@l", path.Level).Set("@n", path.Index).Set("@w", path.Width)
                    .ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
                return data is byte[] bytes ? new ReadOnlyMemory<byte>(bytes) : (ReadOnlyMemory<byte>?)null;
            }
        }

        public async ValueTask<ReadOnlyMemory<byte>?> ReadCheckpointAsync(CancellationToken cancellationToken = default)
        {
            SqlSession session = await backend.OpenReadAsync(cancellationToken).ConfigureAwait(false);
            await using (session.ConfigureAwait(false))
            {
                object? note = await session.Command("SELECT note FROM log_checkpoint WHERE id = 1")
                    .ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
                return note is byte[] bytes ? new ReadOnlyMemory<byte>(bytes) : (ReadOnlyMemory<byte>?)null;
            }
        }

        public async ValueTask<bool> TryCommitAsync(LogCommit commit, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(commit);
            ArgumentOutOfRangeException.ThrowIfLessThan(commit.NewSize, commit.PreviousSize);
            SqlSession session = await backend.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
            await using ConfiguredAsyncDisposable sessionScope = session.ConfigureAwait(false);
            // The compare-and-swap first: a second sequencer waits here on the row and then finds another size.
            int rows = await session.Command("UPDATE log_checkpoint SET size = @n, note = @note WHERE id = 1 AND size = @p")
                .Set("@n", commit.NewSize).Set("@note", commit.Checkpoint.ToArray()).Set("@p", commit.PreviousSize)
                .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            if (rows == 0)
            {
                if (commit.PreviousSize != 0)
                {
                    return false;
                }

                rows = await session.Command("INSERT INTO log_checkpoint (id, size, note) VALUES (1, @n, @note) ON CONFLICT (id) DO NOTHING")
                    .Set("@n", commit.NewSize).Set("@note", commit.Checkpoint.ToArray())
                    .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                if (rows == 0)
                {
                    return false;
                }
            }

            // Every checkpoint is kept, for proofs against an older tree size; a size signed twice keeps its first note.
            await session.Command("INSERT INTO log_checkpoints (size, note) VALUES (@n, @note) ON CONFLICT (size) DO NOTHING")
                .Set("@n", commit.NewSize).Set("@note", commit.Checkpoint.ToArray())
                .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);

            // A tile path, once written, always holds the same bytes: a second write of one is a bug, and fails the commit.
            foreach (TileData tile in commit.Tiles)
            {
                await session.Command("INSERT INTO log_tiles (level, tile_index, width, data) VALUES (@l, @n, @w, @d)")
                    .Set("@l", tile.Path.Level).Set("@n", tile.Path.Index).Set("@w", tile.Path.Width).Set("@d", Bytes(tile.Data))
                    .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await session.CommitAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
    }
}
