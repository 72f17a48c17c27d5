using System.Data.Common;
using System.Globalization;
using System.Text.Json;
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
        if (rows == 0 || await KeyHolderAsync(session, partner.VerificationKey, cancellationToken).ConfigureAwait(false) is not null)
        {
            return SharingChange.AlreadyExists;
        }

        await session.Command("INSERT INTO partner_keys (partner, public_key, added) VALUES (@n, @k, @a)")
            .Set("@n", partner.Name)
            .Set("@k", partner.VerificationKey.ToArray())
            .Set("@a", Micros.From(_time.GetUtcNow()))
            .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        if (partner.RefuseRedacted)
        {
            await session.Command("INSERT INTO partners_refusing_redacted (partner) VALUES (@n)").Set("@n", partner.Name)
                .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await session.Command(BumpSharingVersion).ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await session.CommitAsync(cancellationToken).ConfigureAwait(false);
        Log.SharingChanged(_logger, "added partner", partner.Name);
        return SharingChange.Changed;
    }

    public async Task<IReadOnlyList<PartnerRecord>> ListPartnersAsync(CancellationToken cancellationToken = default)
    {
        IReadOnlyList<PartnerRecord> found = await QueryAsync(
            "SELECT name, identity, verification_key, url, (SELECT COUNT(*) FROM partners_refusing_redacted r WHERE r.partner = partners.name) FROM partners",
            static _ => { }, ReadPartner, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<(string Partner, PartnerKeyRecord Key)> keys = await QueryAsync(
            "SELECT partner, public_key, added, not_after, revoked FROM partner_keys", static _ => { },
            static r => (r.GetString(0), new PartnerKeyRecord(r.GetFieldValue<byte[]>(1), Time(r, 2), Time(r, 3), Time(r, 4))),
            cancellationToken).ConfigureAwait(false);
        IReadOnlyList<(string Partner, string Identity)> delegations = await QueryAsync("SELECT partner, identity FROM partner_delegations",
            static _ => { }, static r => (r.GetString(0), r.GetString(1)), cancellationToken).ConfigureAwait(false);
        ILookup<string, PartnerKeyRecord> keysOf = keys.ToLookup(k => k.Partner, k => k.Key, StringComparer.Ordinal);
        ILookup<string, string> delegatedBy = delegations.ToLookup(d => d.Partner, d => d.Identity, StringComparer.Ordinal);
        return found.OrderBy(p => p.Name, StringComparer.Ordinal)
            .Select(p => p with
            {
                // Oldest first; the key the partner was registered with (no recorded time) comes first.
                Keys = [.. keysOf[p.Name].OrderBy(k => k.Added ?? DateTimeOffset.MinValue).ThenBy(k => k.KeyId, StringComparer.Ordinal)],
                DelegatedIdentities = [.. delegatedBy[p.Name].Order(StringComparer.Ordinal)],
            })
            .ToArray();
    }

    public async Task<SharingChange> AddPartnerKeyAsync(string partner, ReadOnlyMemory<byte> publicKey, DateTimeOffset? notAfter = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(partner);
        if (!Detente.Stix.Signatures.StixVerificationKey.TryFromRawPublicKey(publicKey.Span, out _))
        {
            throw new ArgumentException("A partner's key is a valid 32-byte Ed25519 public key.", nameof(publicKey));
        }

        SqlSession session = await _backend.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        await using ConfiguredAsyncDisposable sessionScope = session.ConfigureAwait(false);
        if (!await PartnerExistsAsync(session, partner, cancellationToken).ConfigureAwait(false))
        {
            return SharingChange.PartnerNotFound;
        }

        if (await KeyHolderAsync(session, publicKey, cancellationToken).ConfigureAwait(false) is not null)
        {
            return SharingChange.AlreadyExists;
        }

        await session.Command("INSERT INTO partner_keys (partner, public_key, added, not_after) VALUES (@n, @k, @a, @x)")
            .Set("@n", partner)
            .Set("@k", publicKey.ToArray())
            .Set("@a", Micros.From(_time.GetUtcNow()))
            .Set("@x", notAfter is { } end ? Micros.From(end) : null)
            .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return await FinishChangeAsync(session, 1, "added a key to partner", partner, cancellationToken).ConfigureAwait(false);
    }

    public async Task<SharingChange> RevokePartnerKeyAsync(string partner, ReadOnlyMemory<byte> publicKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(partner);
        SqlSession session = await _backend.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        await using ConfiguredAsyncDisposable sessionScope = session.ConfigureAwait(false);
        if (!await PartnerExistsAsync(session, partner, cancellationToken).ConfigureAwait(false))
        {
            return SharingChange.PartnerNotFound;
        }

        object? revoked = await session.Command("SELECT COALESCE(revoked, -1) FROM partner_keys WHERE partner = @n AND public_key = @k")
            .Set("@n", partner).Set("@k", publicKey.ToArray())
            .ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        if (revoked is null or DBNull)
        {
            return SharingChange.KeyNotFound;
        }

        if (Convert.ToInt64(revoked, System.Globalization.CultureInfo.InvariantCulture) >= 0)
        {
            return SharingChange.Unchanged;
        }

        object? others = await session.Command("SELECT COUNT(*) FROM partner_keys WHERE partner = @n AND public_key <> @k AND revoked IS NULL")
            .Set("@n", partner).Set("@k", publicKey.ToArray())
            .ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        if (Convert.ToInt64(others, System.Globalization.CultureInfo.InvariantCulture) == 0)
        {
            return SharingChange.LastKey;
        }

        int rows = await session.Command("UPDATE partner_keys SET revoked = @r WHERE partner = @n AND public_key = @k AND revoked IS NULL")
            .Set("@r", Micros.From(_time.GetUtcNow())).Set("@n", partner).Set("@k", publicKey.ToArray())
            .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return await FinishChangeAsync(session, rows, "revoked a key of partner", partner, cancellationToken).ConfigureAwait(false);
    }

    public async Task<SharingChange> SetPartnerDelegationAsync(string partner, string identity, bool delegated, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(partner);
        if (!Detente.Stix.StixId.TryParse(identity, out Detente.Stix.StixId id) || id.Type != "identity")
        {
            throw new ArgumentException("A delegated identity is the id of a STIX identity object (identity--UUID).", nameof(identity));
        }

        SqlSession session = await _backend.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        await using ConfiguredAsyncDisposable sessionScope = session.ConfigureAwait(false);
        object? own = await session.Command("SELECT identity FROM partners WHERE name = @n").Set("@n", partner)
            .ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        if (own is not string ownIdentity)
        {
            return SharingChange.PartnerNotFound;
        }

        if (string.Equals(ownIdentity, identity, StringComparison.Ordinal))
        {
            throw new ArgumentException("That is the partner's own identity, which needs no delegation.", nameof(identity));
        }

        int rows = await session.Command(delegated
                ? "INSERT INTO partner_delegations (partner, identity) VALUES (@p, @i) ON CONFLICT DO NOTHING"
                : "DELETE FROM partner_delegations WHERE partner = @p AND identity = @i")
            .Set("@p", partner).Set("@i", identity)
            .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return await FinishChangeAsync(session, rows, delegated ? "added a delegated identity of partner" : "removed a delegated identity of partner",
            partner, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<bool> PartnerExistsAsync(SqlSession session, string partner, CancellationToken cancellationToken) =>
        await session.Command("SELECT 1 FROM partners WHERE name = @n").Set("@n", partner)
            .ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;

    /// <summary>The partner that holds <paramref name="publicKey"/> (revoked or not), or null.</summary>
    private static async Task<string?> KeyHolderAsync(SqlSession session, ReadOnlyMemory<byte> publicKey, CancellationToken cancellationToken) =>
        await session.Command("SELECT partner FROM partner_keys WHERE public_key = @k").Set("@k", publicKey.ToArray())
            .ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;

    private static DateTimeOffset? Time(DbDataReader r, int ordinal) => r.IsDBNull(ordinal) ? null : Micros.ToDateTimeOffset(r.GetInt64(ordinal));

    public async Task<bool> RemovePartnerAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        SqlSession session = await _backend.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        await using ConfiguredAsyncDisposable sessionScope = session.ConfigureAwait(false);
        await session.Command("DELETE FROM sharing_group_members WHERE partner = @n").Set("@n", name)
            .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await session.Command("DELETE FROM collection_partners WHERE partner = @n").Set("@n", name)
            .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await session.Command("DELETE FROM partner_rules WHERE partner = @n").Set("@n", name)
            .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await session.Command("DELETE FROM partner_keys WHERE partner = @n").Set("@n", name)
            .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await session.Command("DELETE FROM partner_delegations WHERE partner = @n").Set("@n", name)
            .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await session.Command("DELETE FROM subscriptions WHERE partner = @n").Set("@n", name)
            .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await session.Command("DELETE FROM partner_logs WHERE partner = @n").Set("@n", name)
            .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await session.Command("DELETE FROM partners_refusing_redacted WHERE partner = @n").Set("@n", name)
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
        RefuseRedacted = r.FieldCount > 4 && r.GetInt64(4) > 0,
    };

    public async Task<SharingChange> SetPartnerRefusesRedactedAsync(string partner, bool refuse, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(partner);
        SqlSession session = await _backend.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        await using ConfiguredAsyncDisposable sessionScope = session.ConfigureAwait(false);
        if (await session.Command("SELECT 1 FROM partners WHERE name = @n").Set("@n", partner)
                .ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null)
        {
            return SharingChange.PartnerNotFound;
        }

        int rows = await session.Command(refuse
                ? "INSERT INTO partners_refusing_redacted (partner) VALUES (@n) ON CONFLICT DO NOTHING"
                : "DELETE FROM partners_refusing_redacted WHERE partner = @n")
            .Set("@n", partner)
            .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        if (rows == 0)
        {
            return SharingChange.Unchanged;
        }

        await session.CommitAsync(cancellationToken).ConfigureAwait(false);
        Log.SharingChanged(_logger, refuse ? "refuses redacted versions from partner" : "accepts redacted versions from partner", partner);
        return SharingChange.Changed;
    }

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

    // ---- Partner rules ----

    private const string RuleColumns =
        "partner, allow, object_types, labels, collections, min_confidence, max_confidence, min_age_seconds, max_age_seconds";

    public async Task<SharingChange> AddPartnerRuleAsync(PartnerRuleRecord rule, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rule);
        if (rule.Check() is { } problem)
        {
            throw new ArgumentException(problem, nameof(rule));
        }

        SqlSession session = await _backend.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        await using ConfiguredAsyncDisposable sessionScope = session.ConfigureAwait(false);
        if (await session.Command("SELECT 1 FROM partners WHERE name = @n").Set("@n", rule.Partner)
                .ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null)
        {
            return SharingChange.PartnerNotFound;
        }

        int rows = await session.Command($"INSERT INTO partner_rules ({RuleColumns}) VALUES (@p, @a, @t, @l, @c, @cmin, @cmax, @amin, @amax)")
            .Set("@p", rule.Partner)
            .Set("@a", rule.Allow ? 1L : 0L)
            .Set("@t", JsonSerializer.Serialize(rule.ObjectTypes.ToArray()))
            .Set("@l", JsonSerializer.Serialize(rule.Labels.ToArray()))
            .Set("@c", JsonSerializer.Serialize(rule.Collections.Select(c => c.ToString("D")).ToArray()))
            .Set("@cmin", (long?)rule.MinConfidence)
            .Set("@cmax", (long?)rule.MaxConfidence)
            .Set("@amin", Seconds(rule.MinAge))
            .Set("@amax", Seconds(rule.MaxAge))
            .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return await FinishChangeAsync(session, rows, "added an egress rule to partner", rule.Partner, cancellationToken).ConfigureAwait(false);

        static long? Seconds(TimeSpan? age) => age is { } a ? a.Ticks / TimeSpan.TicksPerSecond : null;
    }

    public async Task<IReadOnlyList<PartnerRuleRecord>> ListPartnerRulesAsync(string partner, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(partner);
        return await QueryAsync($"SELECT {RuleColumns} FROM partner_rules WHERE partner = @p ORDER BY rule_id",
            c => c.Set("@p", partner), ReadRule, cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> RemovePartnerRuleAsync(string partner, int number, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(partner);
        if (number < 1)
        {
            return false;
        }

        SqlSession session = await _backend.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        await using ConfiguredAsyncDisposable sessionScope = session.ConfigureAwait(false);
        object? id = await session.Command("SELECT rule_id FROM partner_rules WHERE partner = @p ORDER BY rule_id LIMIT 1 OFFSET @o")
            .Set("@p", partner).Set("@o", (long)(number - 1))
            .ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        if (id is null)
        {
            return false;
        }

        int rows = await session.Command("DELETE FROM partner_rules WHERE rule_id = @r").Set("@r", Convert.ToInt64(id, CultureInfo.InvariantCulture))
            .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return await FinishChangeAsync(session, rows, "removed an egress rule of partner", partner, cancellationToken).ConfigureAwait(false)
            == SharingChange.Changed;
    }

    private static PartnerRuleRecord ReadRule(DbDataReader r) => new()
    {
        Partner = r.GetString(0),
        Allow = r.GetInt64(1) != 0,
        ObjectTypes = JsonSerializer.Deserialize<string[]>(r.GetString(2)) ?? [],
        Labels = JsonSerializer.Deserialize<string[]>(r.GetString(3)) ?? [],
        Collections = [.. (JsonSerializer.Deserialize<string[]>(r.GetString(4)) ?? []).Select(c => Guid.ParseExact(c, "D"))],
        MinConfidence = r.IsDBNull(5) ? null : checked((int)r.GetInt64(5)),
        MaxConfidence = r.IsDBNull(6) ? null : checked((int)r.GetInt64(6)),
        MinAge = r.IsDBNull(7) ? null : TimeSpan.FromSeconds(r.GetInt64(7)),
        MaxAge = r.IsDBNull(8) ? null : TimeSpan.FromSeconds(r.GetInt64(8)),
    };

    // ---- Redaction paths ----

    public async Task<SharingChange> AddRedactionPathAsync(string path, CancellationToken cancellationToken = default)
    {
        if (RedactionPaths.Check(path) is { } problem)
        {
            throw new ArgumentException(problem, nameof(path));
        }

        SqlSession session = await _backend.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        await using ConfiguredAsyncDisposable sessionScope = session.ConfigureAwait(false);
        int rows = await session.Command("INSERT INTO redaction_paths (path) VALUES (@p) ON CONFLICT DO NOTHING").Set("@p", path)
            .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return rows == 0
            ? SharingChange.AlreadyExists
            : await FinishChangeAsync(session, rows, "added redaction path", path, cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> RemoveRedactionPathAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        SqlSession session = await _backend.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        await using ConfiguredAsyncDisposable sessionScope = session.ConfigureAwait(false);
        int rows = await session.Command("DELETE FROM redaction_paths WHERE path = @p").Set("@p", path)
            .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return await FinishChangeAsync(session, rows, "removed redaction path", path, cancellationToken).ConfigureAwait(false) == SharingChange.Changed;
    }

    public async Task<IReadOnlyList<string>> ListRedactionPathsAsync(CancellationToken cancellationToken = default)
    {
        IReadOnlyList<string> found = await QueryAsync("SELECT path FROM redaction_paths", static _ => { }, static r => r.GetString(0), cancellationToken)
            .ConfigureAwait(false);
        return found.Order(StringComparer.Ordinal).ToArray();
    }

    // ---- Neutral markings ----

    public async Task<SharingChange> AddNeutralMarkingAsync(string markingId, CancellationToken cancellationToken = default)
    {
        if (NeutralMarkings.Check(markingId) is { } problem)
        {
            throw new ArgumentException(problem, nameof(markingId));
        }

        SqlSession session = await _backend.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        await using ConfiguredAsyncDisposable sessionScope = session.ConfigureAwait(false);
        int rows = await session.Command("INSERT INTO neutral_markings (marking_ref) VALUES (@m) ON CONFLICT DO NOTHING").Set("@m", markingId)
            .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return rows == 0
            ? SharingChange.AlreadyExists
            : await FinishChangeAsync(session, rows, "added neutral marking", markingId, cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> RemoveNeutralMarkingAsync(string markingId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(markingId);
        SqlSession session = await _backend.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        await using ConfiguredAsyncDisposable sessionScope = session.ConfigureAwait(false);
        int rows = await session.Command("DELETE FROM neutral_markings WHERE marking_ref = @m").Set("@m", markingId)
            .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return await FinishChangeAsync(session, rows, "removed neutral marking", markingId, cancellationToken).ConfigureAwait(false) == SharingChange.Changed;
    }

    public async Task<IReadOnlyList<string>> ListNeutralMarkingsAsync(CancellationToken cancellationToken = default)
    {
        IReadOnlyList<string> found = await QueryAsync("SELECT marking_ref FROM neutral_markings", static _ => { }, static r => r.GetString(0), cancellationToken)
            .ConfigureAwait(false);
        return found.Order(StringComparer.Ordinal).ToArray();
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
        IReadOnlyList<PartnerRuleRecord> rules = await QueryAsync($"SELECT {RuleColumns} FROM partner_rules ORDER BY partner, rule_id",
            static _ => { }, ReadRule, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<string> redactions = await ListRedactionPathsAsync(cancellationToken).ConfigureAwait(false);
        IReadOnlyList<string> neutral = await ListNeutralMarkingsAsync(cancellationToken).ConfigureAwait(false);
        return new SharingConfiguration(version, partners, groups,
            collections.OrderBy(c => c.Id)
                .Select(c => new CollectionSharingRecord(c.Id, c.Marking, byCollection[c.Id].Order(StringComparer.Ordinal).ToArray()))
                .ToArray())
        {
            PartnerRules = rules,
            RedactionPaths = redactions,
            NeutralMarkings = neutral,
        };
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
