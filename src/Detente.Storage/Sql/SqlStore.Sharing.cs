using System.Data.Common;
using System.Runtime.CompilerServices;

namespace Detente.Storage.Sql;

/// <summary>Partners, sharing groups, collection sharing, and the facts kept beside objects.</summary>
internal sealed partial class SqlStore
{
    private const string BumpSharingVersion = "UPDATE sharing_state SET version = version + 1 WHERE id = 1";
    private const int FactsBatch = 500;

    // ---- Partners ----

    public async Task<SharingChange> AddPartnerAsync(PartnerRecord partner, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(partner);
        if (partner.Check() is { } problem)
        {
            throw new ArgumentException(problem, nameof(partner));
        }

        SqlSession session = await _backend.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        await using ConfiguredAsyncDisposable sessionScope = session.ConfigureAwait(false);
        int rows = await session.Command(
                "INSERT INTO partners (name, identity, verification_key, url) VALUES (@n, @i, @k, @u) ON CONFLICT DO NOTHING")
            .Set("@n", partner.Name)
            .Set("@i", partner.Identity)
            .Set("@k", partner.VerificationKey.ToArray())
            .Set("@u", partner.Url?.AbsoluteUri)
            .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        if (rows == 0)
        {
            return SharingChange.AlreadyExists;
        }

        await session.Command(BumpSharingVersion).ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await session.CommitAsync(cancellationToken).ConfigureAwait(false);
        Log.SharingChanged(_logger, "added partner", partner.Name);
        return SharingChange.Changed;
    }

    public async Task<IReadOnlyList<PartnerRecord>> ListPartnersAsync(CancellationToken cancellationToken = default)
    {
        IReadOnlyList<PartnerRecord> found = await QueryAsync("SELECT name, identity, verification_key, url FROM partners",
            static _ => { }, ReadPartner, cancellationToken).ConfigureAwait(false);
        return found.OrderBy(p => p.Name, StringComparer.Ordinal).ToArray();
    }

    public async Task<bool> RemovePartnerAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        SqlSession session = await _backend.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        await using ConfiguredAsyncDisposable sessionScope = session.ConfigureAwait(false);
        await session.Command("DELETE FROM sharing_group_members WHERE partner = @n").Set("@n", name)
            .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await session.Command("DELETE FROM collection_partners WHERE partner = @n").Set("@n", name)
            .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await session.Command("DELETE FROM subscriptions WHERE partner = @n").Set("@n", name)
            .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await session.Command("DELETE FROM partner_logs WHERE partner = @n").Set("@n", name)
            .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        int rows = await session.Command("DELETE FROM partners WHERE name = @n").Set("@n", name)
            .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        if (rows == 0)
        {
            return false;
        }

        await session.Command(BumpSharingVersion).ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await session.CommitAsync(cancellationToken).ConfigureAwait(false);
        Log.SharingChanged(_logger, "removed partner", name);
        return true;
    }

    private static PartnerRecord ReadPartner(DbDataReader r) => new()
    {
        Name = r.GetString(0),
        Identity = r.GetString(1),
        VerificationKey = r.GetFieldValue<byte[]>(2),
        Url = r.IsDBNull(3) ? null : new Uri(r.GetString(3), UriKind.Absolute),
    };

    // ---- Sharing groups ----

    public async Task<SharingChange> AddSharingGroupAsync(string name, string markingDefinitionId, CancellationToken cancellationToken = default)
    {
        if (new SharingGroupRecord(name, markingDefinitionId, []).Check() is { } problem)
        {
            throw new ArgumentException(problem, nameof(name));
        }

        SqlSession session = await _backend.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        await using ConfiguredAsyncDisposable sessionScope = session.ConfigureAwait(false);
        int rows = await session.Command("INSERT INTO sharing_groups (name, marking_ref) VALUES (@n, @m) ON CONFLICT DO NOTHING")
            .Set("@n", name).Set("@m", markingDefinitionId)
            .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        if (rows == 0)
        {
            return SharingChange.AlreadyExists;
        }

        await session.Command(BumpSharingVersion).ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await session.CommitAsync(cancellationToken).ConfigureAwait(false);
        Log.SharingChanged(_logger, "added sharing group", name);
        return SharingChange.Changed;
    }

    public async Task<bool> RemoveSharingGroupAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        SqlSession session = await _backend.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        await using ConfiguredAsyncDisposable sessionScope = session.ConfigureAwait(false);
        await session.Command("DELETE FROM sharing_group_members WHERE group_name = @n").Set("@n", name)
            .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        int rows = await session.Command("DELETE FROM sharing_groups WHERE name = @n").Set("@n", name)
            .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        if (rows == 0)
        {
            return false;
        }

        await session.Command(BumpSharingVersion).ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await session.CommitAsync(cancellationToken).ConfigureAwait(false);
        Log.SharingChanged(_logger, "removed sharing group", name);
        return true;
    }

    public async Task<IReadOnlyList<SharingGroupRecord>> ListSharingGroupsAsync(CancellationToken cancellationToken = default)
    {
        IReadOnlyList<(string Name, string Marking)> groups = await QueryAsync("SELECT name, marking_ref FROM sharing_groups",
            static _ => { }, static r => (r.GetString(0), r.GetString(1)), cancellationToken).ConfigureAwait(false);
        IReadOnlyList<(string Group, string Partner)> members = await QueryAsync("SELECT group_name, partner FROM sharing_group_members",
            static _ => { }, static r => (r.GetString(0), r.GetString(1)), cancellationToken).ConfigureAwait(false);
        ILookup<string, string> byGroup = members.ToLookup(m => m.Group, m => m.Partner, StringComparer.Ordinal);
        return groups.OrderBy(g => g.Name, StringComparer.Ordinal)
            .Select(g => new SharingGroupRecord(g.Name, g.Marking, byGroup[g.Name].Order(StringComparer.Ordinal).ToArray()))
            .ToArray();
    }

    public async Task<SharingChange> SetGroupMemberAsync(string group, string partner, bool member, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(partner);
        SqlSession session = await _backend.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        await using ConfiguredAsyncDisposable sessionScope = session.ConfigureAwait(false);
        if (await session.Command("SELECT 1 FROM sharing_groups WHERE name = @n").Set("@n", group)
                .ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null)
        {
            return SharingChange.GroupNotFound;
        }

        if (await session.Command("SELECT 1 FROM partners WHERE name = @n").Set("@n", partner)
                .ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null)
        {
            return SharingChange.PartnerNotFound;
        }

        int rows = await session.Command(member
                ? "INSERT INTO sharing_group_members (group_name, partner) VALUES (@g, @p) ON CONFLICT DO NOTHING"
                : "DELETE FROM sharing_group_members WHERE group_name = @g AND partner = @p")
            .Set("@g", group).Set("@p", partner)
            .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return await FinishChangeAsync(session, rows, member ? "added a member to sharing group" : "removed a member from sharing group", group,
            cancellationToken).ConfigureAwait(false);
    }

    // ---- Collection sharing ----

    public async Task<SharingChange> SetCollectionPartnerAsync(Guid collectionId, string partner, bool isPartner,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(partner);
        if (await GetCollectionKeyAsync(collectionId, cancellationToken).ConfigureAwait(false) is not long key)
        {
            return SharingChange.CollectionNotFound;
        }

        SqlSession session = await _backend.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        await using ConfiguredAsyncDisposable sessionScope = session.ConfigureAwait(false);
        if (await session.Command("SELECT 1 FROM partners WHERE name = @n").Set("@n", partner)
                .ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null)
        {
            return SharingChange.PartnerNotFound;
        }

        int rows = await session.Command(isPartner
                ? "INSERT INTO collection_partners (collection_key, partner) VALUES (@c, @p) ON CONFLICT DO NOTHING"
                : "DELETE FROM collection_partners WHERE collection_key = @c AND partner = @p")
            .Set("@c", key).Set("@p", partner)
            .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return await FinishChangeAsync(session, rows, isPartner ? "added a collection partner" : "removed a collection partner", partner,
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<SharingChange> SetDefaultMarkingAsync(Guid collectionId, string markingDefinitionId, CancellationToken cancellationToken = default)
    {
        if (!Detente.Stix.StixId.TryParse(markingDefinitionId, out Detente.Stix.StixId marking) || marking.Type != "marking-definition")
        {
            throw new ArgumentException("The default marking must be a marking-definition id.", nameof(markingDefinitionId));
        }

        if (await GetCollectionKeyAsync(collectionId, cancellationToken).ConfigureAwait(false) is not long key)
        {
            return SharingChange.CollectionNotFound;
        }

        SqlSession session = await _backend.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        await using ConfiguredAsyncDisposable sessionScope = session.ConfigureAwait(false);
        int rows = await session.Command("UPDATE collections SET default_marking = @m WHERE collection_key = @c AND default_marking <> @m")
            .Set("@m", markingDefinitionId).Set("@c", key)
            .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return await FinishChangeAsync(session, rows, "set the default marking of collection", collectionId.ToString("D"), cancellationToken)
            .ConfigureAwait(false);
    }

    public async Task<long> GetSharingVersionAsync(CancellationToken cancellationToken = default)
    {
        IReadOnlyList<long> found = await QueryAsync("SELECT version FROM sharing_state WHERE id = 1", static _ => { },
            static r => r.GetInt64(0), cancellationToken).ConfigureAwait(false);
        return found[0];
    }

    public async Task<SharingConfiguration> GetSharingConfigurationAsync(CancellationToken cancellationToken = default)
    {
        // The version is read first: a change made while the rest is read shows as a newer version next time.
        long version = await GetSharingVersionAsync(cancellationToken).ConfigureAwait(false);
        IReadOnlyList<PartnerRecord> partners = await ListPartnersAsync(cancellationToken).ConfigureAwait(false);
        IReadOnlyList<SharingGroupRecord> groups = await ListSharingGroupsAsync(cancellationToken).ConfigureAwait(false);
        IReadOnlyList<(Guid Id, string Marking)> collections = await QueryAsync("SELECT id, default_marking FROM collections",
            static _ => { }, static r => (Guid.ParseExact(r.GetString(0), "D"), r.GetString(1)), cancellationToken).ConfigureAwait(false);
        IReadOnlyList<(Guid Id, string Partner)> collectionPartners = await QueryAsync(
            "SELECT c.id, p.partner FROM collection_partners p JOIN collections c ON c.collection_key = p.collection_key",
            static _ => { }, static r => (Guid.ParseExact(r.GetString(0), "D"), r.GetString(1)), cancellationToken).ConfigureAwait(false);
        ILookup<Guid, string> byCollection = collectionPartners.ToLookup(p => p.Id, p => p.Partner);
        return new SharingConfiguration(version, partners, groups,
            collections.OrderBy(c => c.Id)
                .Select(c => new CollectionSharingRecord(c.Id, c.Marking, byCollection[c.Id].Order(StringComparer.Ordinal).ToArray()))
                .ToArray());
    }

    private async Task<SharingChange> FinishChangeAsync(SqlSession session, int rows, string what, string name, CancellationToken cancellationToken)
    {
        if (rows == 0)
        {
            return SharingChange.Unchanged;
        }

        await session.Command(BumpSharingVersion).ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await session.CommitAsync(cancellationToken).ConfigureAwait(false);
        Log.SharingChanged(_logger, what, name);
        return SharingChange.Changed;
    }

    // ---- Facts ----

    public async Task<int> FillMissingFactsAsync(Func<ReadOnlyMemory<byte>, byte[]> compute, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(compute);
        int filled = 0;
        long afterKey = -1, afterDate = -1;
        while (true)
        {
            IReadOnlyList<(long Key, long DateAdded, byte[] Json)> rows = await QueryAsync(
                "SELECT collection_key, date_added, json FROM objects WHERE facts IS NULL "
                + "AND (collection_key > @k OR (collection_key = @k AND date_added > @d)) ORDER BY collection_key, date_added LIMIT @n",
                c => c.Set("@k", afterKey).Set("@d", afterDate).Set("@n", FactsBatch),
                static r => (r.GetInt64(0), r.GetInt64(1), r.GetFieldValue<byte[]>(2)), cancellationToken).ConfigureAwait(false);
            if (rows.Count == 0)
            {
                break;
            }

            byte[][] facts = rows.Select(r => compute(r.Json) ?? []).ToArray();
            SqlSession session = await _backend.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
            await using (session.ConfigureAwait(false))
            {
                for (int i = 0; i < rows.Count; i++)
                {
                    filled += await session.Command(
                            "UPDATE objects SET facts = @f WHERE collection_key = @c AND date_added = @d AND facts IS NULL")
                        .Set("@f", facts[i]).Set("@c", rows[i].Key).Set("@d", rows[i].DateAdded)
                        .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await session.CommitAsync(cancellationToken).ConfigureAwait(false);
            }

            (afterKey, afterDate) = (rows[^1].Key, rows[^1].DateAdded);
        }

        if (filled > 0)
        {
            Log.FactsFilled(_logger, filled);
        }

        return filled;
    }
}
