using System.Data.Common;

namespace Detente.Storage.Sql;

/// <summary>The egress classes of versions stored before the store kept them (schema migration 14).</summary>
internal sealed partial class SqlStore
{
    public async Task<int> ClassifyPendingVersionsAsync(Func<StoredObject, byte> classify, int batchSize = 1_000,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(classify);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(batchSize, MaxReadBatch);
        var pending = new List<(long Key, long DateAdded, byte Class)>(batchSize);
        SqlSession read = await _backend.OpenReadAsync(cancellationToken).ConfigureAwait(false);
        await using (read.ConfigureAwait(false))
        {
            ObjectQuery query = ObjectQuery.Pending();
            DbDataReader reader = await read.Command(query.Sql).Set("@n", batchSize).ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    // A version deleted since migration 14 has no row: nothing to classify, only to forget.
                    byte egressClass = reader.IsDBNull(1) ? (byte)0 : classify(query.Read(reader));
                    pending.Add((reader.GetInt64(7), reader.GetInt64(8), egressClass));
                }
            }
        }

        if (pending.Count == 0)
        {
            return 0;
        }

        SqlSession write = await _backend.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        await using (write.ConfigureAwait(false))
        {
            foreach ((long key, long dateAdded, byte egressClass) in pending)
            {
                if (egressClass != 0)
                {
                    await write.Command("UPDATE objects SET egress_class = @e WHERE collection_key = @c AND date_added = @d")
                        .Set("@e", (int)egressClass).Set("@c", key).Set("@d", dateAdded)
                        .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await write.Command("DELETE FROM egress_class_pending WHERE collection_key = @c AND date_added = @d")
                    .Set("@c", key).Set("@d", dateAdded)
                    .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await write.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        return pending.Count;
    }
}
