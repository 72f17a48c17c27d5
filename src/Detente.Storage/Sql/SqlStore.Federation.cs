using System.Data.Common;
using System.Runtime.CompilerServices;

namespace Detente.Storage.Sql;

/// <summary>Partner logs, subscriptions, received objects and audit evidence.</summary>
internal sealed partial class SqlStore
{
    private const int MaxLogKeyLength = 1_024;
    private const string PartnerLogColumns =
        "partner, log_key, checkpoint, size, last_sync, objects_received, alarm, (SELECT COUNT(*) FROM received_redacted d WHERE d.partner = partner_logs.partner)";

    public async Task<SharingChange> SetPartnerLogKeyAsync(string partner, string logKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(partner);
        ArgumentNullException.ThrowIfNull(logKey);
        if (logKey.Length is 0 or > MaxLogKeyLength)
        {
            throw new ArgumentException($"A log key is 1–{MaxLogKeyLength} characters.", nameof(logKey));
        }

        SqlSession session = await _backend.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        await using ConfiguredAsyncDisposable sessionScope = session.ConfigureAwait(false);
        if (await session.Command("SELECT 1 FROM partners WHERE name = @n").Set("@n", partner)
                .ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null)
        {
            return SharingChange.PartnerNotFound;
        }

        object? current = await session.Command("SELECT log_key FROM partner_logs WHERE partner = @n").Set("@n", partner)
            .ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        if (current is string same && string.Equals(same, logKey, StringComparison.Ordinal))
        {
            return SharingChange.Unchanged;
        }

        await session.Command(current is null
                ? "INSERT INTO partner_logs (partner, log_key, objects_received) VALUES (@n, @k, 0)"
                : "UPDATE partner_logs SET log_key = @k, checkpoint = NULL, size = NULL WHERE partner = @n")
            .Set("@n", partner).Set("@k", logKey)
            .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await session.CommitAsync(cancellationToken).ConfigureAwait(false);
        return SharingChange.Changed;
    }

    public async Task<PartnerLogRecord?> GetPartnerLogAsync(string partner, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(partner);
        IReadOnlyList<PartnerLogRecord> found = await QueryAsync($"SELECT {PartnerLogColumns} FROM partner_logs WHERE partner = @n",
            c => c.Set("@n", partner), ReadPartnerLog, cancellationToken).ConfigureAwait(false);
        return found.Count == 0 ? null : found[0];
    }

    public async Task<IReadOnlyList<PartnerLogRecord>> ListPartnerLogsAsync(CancellationToken cancellationToken = default)
    {
        IReadOnlyList<PartnerLogRecord> found = await QueryAsync($"SELECT {PartnerLogColumns} FROM partner_logs",
            static _ => { }, ReadPartnerLog, cancellationToken).ConfigureAwait(false);
        return [.. found.OrderBy(p => p.Partner, StringComparer.Ordinal)];
    }

    public async Task<bool> PinCheckpointAsync(string partner, long? expectedSize, long size, ReadOnlyMemory<byte> note,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(partner);
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        if (expectedSize is { } expected && size < expected)
        {
            throw new ArgumentOutOfRangeException(nameof(size), "A pinned checkpoint never shrinks.");
        }

        if (note.IsEmpty)
        {
            throw new ArgumentException("The checkpoint note is empty.", nameof(note));
        }

        SqlSession session = await _backend.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        await using ConfiguredAsyncDisposable sessionScope = session.ConfigureAwait(false);
        int rows = await session.Command(
                "UPDATE partner_logs SET checkpoint = @note, size = @s WHERE partner = @n AND alarm IS NULL AND COALESCE(size, -1) = @e")
            .Set("@note", Bytes(note)).Set("@s", size).Set("@n", partner).Set("@e", expectedSize ?? -1)
            .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        if (rows == 0)
        {
            return false;
        }

        await session.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async Task<bool> RaiseAlarmAsync(AuditEvidenceRecord evidence, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        ArgumentException.ThrowIfNullOrEmpty(evidence.Kind);
        ArgumentException.ThrowIfNullOrEmpty(evidence.Message);
        SqlSession session = await _backend.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        await using ConfiguredAsyncDisposable sessionScope = session.ConfigureAwait(false);
        int rows = await session.Command("UPDATE partner_logs SET alarm = COALESCE(alarm, @a) WHERE partner = @n")
            .Set("@a", evidence.Kind + ": " + evidence.Message).Set("@n", evidence.Partner)
            .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        if (rows == 0)
        {
            return false;
        }

        await session.Command("INSERT INTO audit_evidence (id, partner, time, kind, message, evidence) VALUES (@id, @n, @t, @k, @m, @e)")
            .Set("@id", Text(evidence.Id)).Set("@n", evidence.Partner).Set("@t", Micros.From(evidence.Time))
            .Set("@k", evidence.Kind).Set("@m", evidence.Message).Set("@e", Bytes(evidence.Evidence))
            .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await session.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async Task<bool> ClearAlarmAsync(string partner, bool forgetCheckpoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(partner);
        SqlSession session = await _backend.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        await using ConfiguredAsyncDisposable sessionScope = session.ConfigureAwait(false);
        int rows = await session.Command(forgetCheckpoint
                ? "UPDATE partner_logs SET alarm = NULL, checkpoint = NULL, size = NULL WHERE partner = @n"
                : "UPDATE partner_logs SET alarm = NULL WHERE partner = @n")
            .Set("@n", partner)
            .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        if (rows == 0)
        {
            return false;
        }

        await session.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async Task<IReadOnlyList<AuditEvidenceRecord>> ListAuditEvidenceAsync(string partner, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(partner);
        IReadOnlyList<AuditEvidenceRecord> found = await QueryAsync(
            "SELECT id, partner, time, kind, message, evidence FROM audit_evidence WHERE partner = @n",
            c => c.Set("@n", partner),
            static r => new AuditEvidenceRecord(Guid.ParseExact(r.GetString(0), "D"), r.GetString(1), Micros.ToDateTimeOffset(r.GetInt64(2)),
                r.GetString(3), r.GetString(4), r.GetFieldValue<byte[]>(5)),
            cancellationToken).ConfigureAwait(false);
        return [.. found.OrderBy(e => e.Time).ThenBy(e => e.Id)];
    }

    public async Task MarkSyncedAsync(string partner, DateTimeOffset time, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(partner);
        SqlSession session = await _backend.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        await using ConfiguredAsyncDisposable sessionScope = session.ConfigureAwait(false);
        await session.Command("UPDATE partner_logs SET last_sync = @t WHERE partner = @n")
            .Set("@t", Micros.From(time)).Set("@n", partner)
            .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await session.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<SharingChange> SubscribeAsync(SubscriptionRecord subscription, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        if (subscription.Check() is { } problem)
        {
            throw new ArgumentException(problem, nameof(subscription));
        }

        if (await GetCollectionKeyAsync(subscription.CollectionId, cancellationToken).ConfigureAwait(false) is not long key)
        {
            return SharingChange.CollectionNotFound;
        }

        SqlSession session = await _backend.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        await using ConfiguredAsyncDisposable sessionScope = session.ConfigureAwait(false);
        if (await session.Command("SELECT 1 FROM partners WHERE name = @n").Set("@n", subscription.Partner)
                .ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null)
        {
            return SharingChange.PartnerNotFound;
        }

        int rows = await session.Command(
                "INSERT INTO subscriptions (partner, api_root, remote_collection, collection_key, cursor) VALUES (@p, @a, @r, @c, @cur) ON CONFLICT DO NOTHING")
            .Set("@p", subscription.Partner).Set("@a", subscription.ApiRoot).Set("@r", subscription.RemoteCollection)
            .Set("@c", key).Set("@cur", subscription.Cursor)
            .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        if (rows == 0)
        {
            return SharingChange.AlreadyExists;
        }

        await session.CommitAsync(cancellationToken).ConfigureAwait(false);
        return SharingChange.Changed;
    }

    public async Task<bool> UnsubscribeAsync(string partner, string apiRoot, string remoteCollection, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(partner);
        ArgumentNullException.ThrowIfNull(apiRoot);
        ArgumentNullException.ThrowIfNull(remoteCollection);
        SqlSession session = await _backend.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        await using ConfiguredAsyncDisposable sessionScope = session.ConfigureAwait(false);
        int rows = await session.Command("DELETE FROM subscriptions WHERE partner = @p AND api_root = @a AND remote_collection = @r")
            .Set("@p", partner).Set("@a", apiRoot).Set("@r", remoteCollection)
            .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        if (rows == 0)
        {
            return false;
        }

        await session.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async Task<IReadOnlyList<SubscriptionRecord>> ListSubscriptionsAsync(CancellationToken cancellationToken = default)
    {
        IReadOnlyList<SubscriptionRecord> found = await QueryAsync(
            "SELECT s.partner, s.api_root, s.remote_collection, c.id, s.cursor FROM subscriptions s JOIN collections c ON c.collection_key = s.collection_key",
            static _ => { },
            static r => new SubscriptionRecord(r.GetString(0), r.GetString(1), r.GetString(2), Guid.ParseExact(r.GetString(3), "D"),
                r.IsDBNull(4) ? null : r.GetString(4)),
            cancellationToken).ConfigureAwait(false);
        return [.. found.OrderBy(s => s.Partner, StringComparer.Ordinal).ThenBy(s => s.ApiRoot, StringComparer.Ordinal)
            .ThenBy(s => s.RemoteCollection, StringComparer.Ordinal)];
    }

    public Task<AddObjectsResult> AddReceivedObjectsAsync(Guid collectionId, IReadOnlyList<ObjectToAdd> objects, ReceivedBatch received,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(received);
        ArgumentException.ThrowIfNullOrEmpty(received.Cursor);
        return AddCoreAsync(collectionId, objects, received, cancellationToken);
    }

    public async Task<ObjectProvenance?> GetProvenanceAsync(Guid collectionId, DateTimeOffset dateAdded, CancellationToken cancellationToken = default)
    {
        if (await GetCollectionKeyAsync(collectionId, cancellationToken).ConfigureAwait(false) is not long key)
        {
            return null;
        }

        IReadOnlyList<ObjectProvenance> found = await QueryAsync(
            "SELECT partner, received, (SELECT COUNT(*) FROM received_redacted d WHERE d.collection_key = @c AND d.date_added = @d) "
            + "FROM received_objects WHERE collection_key = @c AND date_added = @d",
            c => c.Set("@c", key).Set("@d", Micros.From(dateAdded)),
            static r => new ObjectProvenance(r.GetString(0), Micros.ToDateTimeOffset(r.GetInt64(1))) { Redacted = r.GetInt64(2) > 0 },
            cancellationToken).ConfigureAwait(false);
        return found.Count == 0 ? null : found[0];
    }

    /// <summary>Inside the add's transaction, after its objects and log entries: refuses a partner with an alarm (the
    /// update takes the partner's row lock, so an alarm raised meanwhile is seen), counts, records provenance, moves the cursor.</summary>
    private static async Task RecordReceivedAsync(SqlSession session, long key, List<VersionRow> inserts, ReceivedBatch received,
        CancellationToken cancellationToken)
    {
        int accepted = await session.Command(
                "UPDATE partner_logs SET objects_received = objects_received + @k WHERE partner = @p AND alarm IS NULL")
            .Set("@k", inserts.Count).Set("@p", received.Partner)
            .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        if (accepted == 0)
        {
            throw new StoreException(StoreError.PartnerNotAccepted,
                $"Objects from partner {received.Partner} are not accepted: its log has an alarm, or no pinned log key.");
        }

        long at = Micros.From(received.Received);
        foreach (VersionRow row in inserts)
        {
            await session.Command("INSERT INTO received_objects (collection_key, date_added, partner, received) VALUES (@c, @d, @p, @t)")
                .Set("@c", key).Set("@d", row.DateAdded).Set("@p", received.Partner).Set("@t", at)
                .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            if (row.Source is { } source && received.Redacted.Contains(source))
            {
                await session.Command("INSERT INTO received_redacted (collection_key, date_added, partner) VALUES (@c, @d, @p)")
                    .Set("@c", key).Set("@d", row.DateAdded).Set("@p", received.Partner)
                    .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        int moved = await session.Command(
                "UPDATE subscriptions SET cursor = @cur WHERE partner = @p AND api_root = @a AND remote_collection = @r AND collection_key = @c")
            .Set("@cur", received.Cursor).Set("@p", received.Partner).Set("@a", received.ApiRoot).Set("@r", received.RemoteCollection)
            .Set("@c", key)
            .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        if (moved == 0)
        {
            throw new ArgumentException(
                $"Partner {received.Partner} has no subscription to {received.ApiRoot}/{received.RemoteCollection} into this collection.",
                nameof(received));
        }
    }

    private static PartnerLogRecord ReadPartnerLog(DbDataReader r) => new(
        r.GetString(0),
        r.GetString(1),
        r.IsDBNull(2) ? null : (ReadOnlyMemory<byte>?)r.GetFieldValue<byte[]>(2),
        r.IsDBNull(3) ? null : r.GetInt64(3),
        r.IsDBNull(4) ? null : Micros.ToDateTimeOffset(r.GetInt64(4)),
        r.GetInt64(5),
        r.IsDBNull(6) ? null : r.GetString(6))
    {
        ObjectsRedacted = r.GetInt64(7),
    };
}
