using System.Data.Common;
using System.Runtime.CompilerServices;
using Detente.Stix;

namespace Detente.Storage.Sql;

/// <summary>Witnessing: the logs this node cosigns, the witnesses of its own log, and the log's backfill.</summary>
internal sealed partial class SqlStore
{
    private const string WitnessedColumns = "origin, verifier_key, size, root_hash, checkpoint, cosigned, cosignature";
    private const string LogWitnessColumns = "name, verifier_key, url, known_size, cosigned_size, cosignature, cosigned";

    // ---- Logs this node witnesses ----

    public async Task<bool> AddWitnessedLogAsync(string origin, string verifierKey, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(origin);
        ArgumentException.ThrowIfNullOrEmpty(verifierKey);
        SqlSession session = await _backend.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        await using ConfiguredAsyncDisposable sessionScope = session.ConfigureAwait(false);
        int rows = await session.Command("INSERT INTO witnessed_logs (origin, verifier_key, size) VALUES (@o, @k, 0) ON CONFLICT DO NOTHING")
            .Set("@o", origin).Set("@k", verifierKey).ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await session.CommitAsync(cancellationToken).ConfigureAwait(false);
        return rows == 1;
    }

    public async Task<IReadOnlyList<WitnessedLogRecord>> ListWitnessedLogsAsync(CancellationToken cancellationToken = default)
    {
        IReadOnlyList<WitnessedLogRecord> found = await QueryAsync($"SELECT {WitnessedColumns} FROM witnessed_logs", static _ => { },
            ReadWitnessedLog, cancellationToken).ConfigureAwait(false);
        return [.. found.OrderBy(static l => l.Origin, StringComparer.Ordinal)];
    }

    public async Task<WitnessedLogRecord?> GetWitnessedLogAsync(string origin, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(origin);
        IReadOnlyList<WitnessedLogRecord> found = await QueryAsync($"SELECT {WitnessedColumns} FROM witnessed_logs WHERE origin = @o",
            c => c.Set("@o", origin), ReadWitnessedLog, cancellationToken).ConfigureAwait(false);
        return found.Count == 0 ? null : found[0];
    }

    public async Task<bool> RemoveWitnessedLogAsync(string origin, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(origin);
        SqlSession session = await _backend.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        await using ConfiguredAsyncDisposable sessionScope = session.ConfigureAwait(false);
        int rows = await session.Command("DELETE FROM witnessed_logs WHERE origin = @o").Set("@o", origin)
            .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await session.CommitAsync(cancellationToken).ConfigureAwait(false);
        return rows == 1;
    }

    public async Task<bool> AdvanceWitnessedLogAsync(string origin, long expectedSize, long newSize, ReadOnlyMemory<byte> rootHash,
        ReadOnlyMemory<byte> checkpoint, DateTimeOffset cosigned, string cosignature, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(origin);
        ArgumentException.ThrowIfNullOrEmpty(cosignature);
        ArgumentOutOfRangeException.ThrowIfNegative(expectedSize);
        ArgumentOutOfRangeException.ThrowIfLessThan(newSize, expectedSize);
        SqlSession session = await _backend.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        await using ConfiguredAsyncDisposable sessionScope = session.ConfigureAwait(false);
        // The compare-and-swap: of two requests from one old size, the second finds another size and changes nothing.
        int rows = await session.Command(
                "UPDATE witnessed_logs SET size = @n, root_hash = @r, checkpoint = @c, cosigned = @t, cosignature = @s WHERE origin = @o AND size = @e")
            .Set("@s", cosignature).Set("@n", newSize).Set("@r", rootHash.ToArray()).Set("@c", checkpoint.ToArray()).Set("@t", Micros.From(cosigned))
            .Set("@o", origin).Set("@e", expectedSize)
            .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await session.CommitAsync(cancellationToken).ConfigureAwait(false);
        return rows == 1;
    }

    private static WitnessedLogRecord ReadWitnessedLog(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetInt64(2),
        r.IsDBNull(3) ? (ReadOnlyMemory<byte>?)null : r.GetFieldValue<byte[]>(3),
        r.IsDBNull(4) ? (ReadOnlyMemory<byte>?)null : r.GetFieldValue<byte[]>(4),
        r.IsDBNull(5) ? null : Micros.ToDateTimeOffset(r.GetInt64(5)),
        r.IsDBNull(6) ? null : r.GetString(6));

    // ---- Witnesses of this node's log ----

    public async Task<bool> AddLogWitnessAsync(LogWitnessRecord witness, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(witness);
        SqlSession session = await _backend.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        await using ConfiguredAsyncDisposable sessionScope = session.ConfigureAwait(false);
        int rows = await session.Command("INSERT INTO log_witnesses (name, verifier_key, url, known_size) VALUES (@n, @k, @u, 0) ON CONFLICT DO NOTHING")
            .Set("@n", witness.Name).Set("@k", witness.VerifierKey).Set("@u", witness.Url.AbsoluteUri)
            .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await session.CommitAsync(cancellationToken).ConfigureAwait(false);
        return rows == 1;
    }

    public async Task<IReadOnlyList<LogWitnessRecord>> ListLogWitnessesAsync(CancellationToken cancellationToken = default)
    {
        IReadOnlyList<LogWitnessRecord> found = await QueryAsync($"SELECT {LogWitnessColumns} FROM log_witnesses", static _ => { },
            static r => new LogWitnessRecord
            {
                Name = r.GetString(0),
                VerifierKey = r.GetString(1),
                Url = new Uri(r.GetString(2)),
                KnownSize = r.GetInt64(3),
                CosignedSize = r.IsDBNull(4) ? null : r.GetInt64(4),
                Cosignature = r.IsDBNull(5) ? null : r.GetString(5),
                Cosigned = r.IsDBNull(6) ? null : Micros.ToDateTimeOffset(r.GetInt64(6)),
            }, cancellationToken).ConfigureAwait(false);
        return [.. found.OrderBy(static w => w.Name, StringComparer.Ordinal)];
    }

    public async Task<bool> RemoveLogWitnessAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        SqlSession session = await _backend.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        await using ConfiguredAsyncDisposable sessionScope = session.ConfigureAwait(false);
        int rows = await session.Command("DELETE FROM log_witnesses WHERE name = @n").Set("@n", name)
            .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await session.Command("DELETE FROM log_witness_tokens_to_move WHERE name = @n").Set("@n", name)
            .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await session.CommitAsync(cancellationToken).ConfigureAwait(false);
        return rows == 1;
    }

    public async Task<bool> UpdateLogWitnessAsync(string name, long knownSize, long? cosignedSize, string? cosignature, DateTimeOffset? cosigned,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentOutOfRangeException.ThrowIfNegative(knownSize);
        if ((cosignedSize is null) != (cosignature is null) || (cosignature is null) != (cosigned is null))
        {
            throw new ArgumentException("A cosignature comes with its checkpoint size and time, or none of them does.", nameof(cosignature));
        }

        SqlSession session = await _backend.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        await using ConfiguredAsyncDisposable sessionScope = session.ConfigureAwait(false);
        DbCommand command = cosignature is null
            ? session.Command("UPDATE log_witnesses SET known_size = @k WHERE name = @n")
            : session.Command("UPDATE log_witnesses SET known_size = @k, cosigned_size = @s, cosignature = @c, cosigned = @t WHERE name = @n")
                .Set("@s", cosignedSize).Set("@c", cosignature).Set("@t", Micros.From(cosigned!.Value));
        int rows = await command.Set("@k", knownSize).Set("@n", name).ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await session.CommitAsync(cancellationToken).ConfigureAwait(false);
        return rows == 1;
    }

    public async Task<IReadOnlyList<LogWitnessTokenToMove>> ListLogWitnessTokensToMoveAsync(CancellationToken cancellationToken = default)
    {
        IReadOnlyList<LogWitnessTokenToMove> found = await QueryAsync("SELECT name, token FROM log_witness_tokens_to_move", static _ => { },
            static r => new LogWitnessTokenToMove(r.GetString(0), r.GetString(1)), cancellationToken).ConfigureAwait(false);
        return [.. found.OrderBy(static t => t.Name, StringComparer.Ordinal)];
    }

    public async Task<bool> ForgetLogWitnessTokenToMoveAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        SqlSession session = await _backend.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        await using ConfiguredAsyncDisposable sessionScope = session.ConfigureAwait(false);
        int rows = await session.Command("DELETE FROM log_witness_tokens_to_move WHERE name = @n").Set("@n", name)
            .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await session.CommitAsync(cancellationToken).ConfigureAwait(false);
        return rows == 1;
    }

    // ---- Backfill ----

    public async Task<int> BackfillLogAsync(int batchSize, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        IReadOnlyList<long> collections = await QueryAsync("SELECT collection_key FROM collections ORDER BY collection_key", static _ => { },
            static r => r.GetInt64(0), cancellationToken).ConfigureAwait(false);
        var reader = new StixReader();
        int total = 0;
        foreach (long key in collections)
        {
            long after = long.MinValue;
            while (true)
            {
                SqlSession session = await _backend.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
                await using ConfiguredAsyncDisposable sessionScope = session.ConfigureAwait(false);
                await session.Command(_backend.LockCollectionSql).Set("@c", key).ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
                var missing = new List<(long DateAdded, byte[] Json)>();
                DbDataReader rows = await session.Command(
                        "SELECT o.date_added, o.json FROM objects o WHERE o.collection_key = @c AND o.date_added > @a AND NOT EXISTS "
                        + "(SELECT 1 FROM log_entries e WHERE e.collection_key = o.collection_key AND e.date_added = o.date_added) "
                        + "ORDER BY o.date_added LIMIT @n")
                    .Set("@c", key).Set("@a", after).Set("@n", batchSize)
                    .ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (rows.ConfigureAwait(false))
                {
                    while (await rows.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        missing.Add((rows.GetInt64(0), rows.GetFieldValue<byte[]>(1)));
                    }
                }

                if (missing.Count == 0)
                {
                    break;
                }

                var items = new LogItem[missing.Count];
                for (int i = 0; i < missing.Count; i++)
                {
                    StixObject parsed = reader.ReadObject(missing[i].Json);
                    items[i] = new LogItem(missing[i].DateAdded, parsed.Revoked ? Ledger.Entries.LogAction.Revoke : Ledger.Entries.LogAction.Publish, parsed);
                }

                await AppendLogAsync(session, key, items, cancellationToken).ConfigureAwait(false);
                await session.CommitAsync(cancellationToken).ConfigureAwait(false);
                after = missing[^1].DateAdded;
                total = checked(total + missing.Count);
                Log.LogBackfilled(_logger, key, missing.Count);
            }
        }

        return total;
    }
}
