using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using Detente.Stix.Signatures;

namespace Detente.Policy;

/// <summary>
/// The one egress decision: may this reader receive this object version by this path? Built once from checked
/// <see cref="PolicySettings"/>; immutable and thread-safe; <see cref="Decide"/> does no I/O and, in the common case,
/// allocates nothing.
/// </summary>
/// <remarks>See <c>README.md</c> for the rules table with the reason of each decision.</remarks>
public sealed partial class SharingPolicy
{
    /// <summary>The most sharing groups one policy may define (a group is one bit of a 64-bit mask per object).</summary>
    public const int MaxSharingGroups = 64;

    private readonly FrozenDictionary<string, MarkingInfo> _markings;
    private readonly FrozenDictionary<string, PolicyPrincipal> _partnersByPrincipal;
    private readonly FrozenDictionary<string, Partner> _partnersByIdentity;
    private readonly FrozenDictionary<Guid, PolicyCollection> _collections;
    private readonly SharingGroup[] _groups;
    private readonly string[] _redactablePaths;
    private readonly TlpLevel _defaultTlp;
    private readonly int _partnerCount;

    private SharingPolicy(PolicySettings settings, FrozenDictionary<string, MarkingInfo> markings,
        FrozenDictionary<string, PolicyPrincipal> partnersByPrincipal, FrozenDictionary<Guid, PolicyCollection> collections)
    {
        Settings = settings;
        _markings = markings;
        _partnersByPrincipal = partnersByPrincipal;
        _partnersByIdentity = settings.Partners.ToFrozenDictionary(static p => p.Identity, StringComparer.Ordinal);
        _collections = collections;
        _groups = [.. settings.SharingGroups];
        _redactablePaths = [.. settings.RedactablePaths];
        _defaultTlp = settings.DefaultTlp;
        _partnerCount = settings.Partners.Count;
        Federation = new PolicyPrincipal("federation", PrincipalKind.Federation, LocalRole.Reader, null, -1, 0, [], false);
    }

    /// <summary>The settings the policy was built from (a copy: changing the lists passed to <see cref="Build"/> changes
    /// nothing here).</summary>
    public PolicySettings Settings { get; }

    /// <summary>Every partner at once: the reader to decide for when something reaches all members (transparency-log entries).</summary>
    public PolicyPrincipal Federation { get; }

    /// <summary>A local user of this node with <paramref name="role"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="name"/> is null or empty, or <paramref name="role"/> is not defined.</exception>
    public PolicyPrincipal LocalUser(string name, LocalRole role)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (role is < LocalRole.Admin or > LocalRole.Reader)
        {
            throw new ArgumentException("Not a local role.", nameof(role));
        }

        return new PolicyPrincipal(name, PrincipalKind.LocalUser, role, null, -1, 0, [], false);
    }

    /// <summary>The reader that an authenticated, non-local node principal (a partner token or client certificate) is:
    /// the partner it belongs to, or a guest outside the federation.</summary>
    /// <exception cref="ArgumentException"><paramref name="principalName"/> is null or empty.</exception>
    public PolicyPrincipal Principal(string principalName)
    {
        ArgumentException.ThrowIfNullOrEmpty(principalName);
        return _partnersByPrincipal.TryGetValue(principalName, out PolicyPrincipal? partner)
            ? partner
            : new PolicyPrincipal(principalName, PrincipalKind.Guest, LocalRole.Reader, null, -1, 0, [], false);
    }

    /// <summary>The partner whose identity is <paramref name="identityId"/> (the <c>created_by_ref</c> of what it
    /// produces), for checking its signatures on the way in.</summary>
    public bool TryGetPartnerByIdentity(string? identityId, [NotNullWhen(true)] out Partner? partner)
    {
        partner = null;
        return identityId is not null && _partnersByIdentity.TryGetValue(identityId, out partner);
    }

    /// <summary>The keys that may sign objects created by <paramref name="identityId"/>; empty for an unknown identity.</summary>
    public IReadOnlyList<StixVerificationKey> KeysOf(string? identityId) =>
        TryGetPartnerByIdentity(identityId, out Partner? partner) ? partner.VerificationKeys : [];

    /// <summary>The sharing of collection <paramref name="collectionId"/>: as configured, or the default level and no partners.</summary>
    public PolicyCollection Collection(Guid collectionId) =>
        _collections.TryGetValue(collectionId, out PolicyCollection? collection)
            ? collection
            : new PolicyCollection(collectionId, _defaultTlp, new bool[_partnerCount], []);

    /// <summary>
    /// Decides whether <see cref="EgressRequest.Reader"/> may receive the object of <paramref name="request"/>:
    /// read grant, then TLP and sharing groups of the object-level markings, then the partner's egress rules, then the
    /// granular markings.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="request"/> is <c>default</c>.</exception>
    // Per object version and reader: no allocation unless a granular marking forces a redaction.
    // Bench: Policy/DecisionBenchmarks.CommonCase
    public PolicyDecision Decide(in EgressRequest request)
    {
        PolicyPrincipal reader = request.Reader;
        PolicyCollection collection = request.Collection;
        if (reader is null || collection is null)
        {
            ThrowDefaultRequest();
        }

        ref readonly ObjectFacts facts = ref EgressRequest.FactsOf(in request);
        Resolve(facts.ObjectMarkingRefs, collection.DefaultTlp, out TlpLevel level, out ulong groups);
        if (!request.CanRead && reader.Kind != PrincipalKind.Federation && !(reader.Kind == PrincipalKind.LocalUser && reader.Role == LocalRole.Admin))
        {
            return PolicyDecision.Of(PolicyCode.NoReadGrant, reader, collection.Id, level);
        }

        // Another partner's object (its creator is that partner's identity): its TLP:AMBER is for this organization only.
        string? receivedFrom = reader.Kind == PrincipalKind.Partner && (level == TlpLevel.Amber || !facts.GranularMarkings.IsEmpty)
            ? ReceivedFrom(reader, facts.CreatedByRef)
            : null;
        PolicyDecision decision = Audience(reader, collection, request.Path, level, groups, receivedFrom);
        if (!decision.IsAllowed)
        {
            return decision;
        }

        if (reader.Rules.Length > 0 && !PassesRules(reader, collection, in facts, request.Now, level, out PolicyDecision denied))
        {
            return denied;
        }

        return facts.GranularMarkings.IsEmpty ? decision : ApplyGranular(reader, collection, request.Path, in facts, level, groups, receivedFrom, decision);
    }

    /// <summary>The name of the partner that created the object, when it is a partner other than <paramref name="reader"/>.</summary>
    private string? ReceivedFrom(PolicyPrincipal reader, string? createdByRef) =>
        createdByRef is not null && _partnersByIdentity.TryGetValue(createdByRef, out Partner? origin)
        && !string.Equals(origin.Name, reader.Partner?.Name, StringComparison.Ordinal)
            ? origin.Name
            : null;

    private PolicyDecision Audience(PolicyPrincipal reader, PolicyCollection collection, EgressPath path, TlpLevel level, ulong groups,
        string? receivedFrom)
    {
        Guid id = collection.Id;
        switch (reader.Kind)
        {
            case PrincipalKind.LocalUser:
                // TLP:RED stays on this node: its own users read it here (TAXII), and no path carries it off the node.
                return level == TlpLevel.Red && path != EgressPath.TaxiiRead
                    ? PolicyDecision.Of(PolicyCode.TlpRed, reader, id, level)
                    : PolicyDecision.Of(PolicyCode.LocalUser, reader, id, level);
            case PrincipalKind.Partner:
                if (level >= TlpLevel.AmberStrict)
                {
                    return PolicyDecision.Of(level == TlpLevel.Red ? PolicyCode.TlpRed : PolicyCode.AmberStrict, reader, id, level);
                }

                ulong missing = groups & ~reader.Groups;
                if (missing != 0)
                {
                    return PolicyDecision.Of(PolicyCode.NotInSharingGroup, reader, id, level, GroupName(missing));
                }

                if (level == TlpLevel.Amber && receivedFrom is not null)
                {
                    return PolicyDecision.Of(PolicyCode.ReceivedNotPassedOn, reader, id, level, receivedFrom);
                }

                return level switch
                {
                    TlpLevel.Clear => PolicyDecision.Of(PolicyCode.TlpClear, reader, id, level),
                    TlpLevel.Green => PolicyDecision.Of(PolicyCode.TlpGreen, reader, id, level),
                    _ when groups != 0 => PolicyDecision.Of(PolicyCode.AmberSharingGroup, reader, id, level, GroupName(groups)),
                    _ when collection.HasPartner(reader.PartnerIndex) => PolicyDecision.Of(PolicyCode.AmberCollectionPartner, reader, id, level),
                    _ => PolicyDecision.Of(PolicyCode.NotCollectionPartner, reader, id, level),
                };
            case PrincipalKind.Guest:
                if (level >= TlpLevel.AmberStrict)
                {
                    return PolicyDecision.Of(level == TlpLevel.Red ? PolicyCode.TlpRed : PolicyCode.AmberStrict, reader, id, level);
                }

                if (groups != 0)
                {
                    return PolicyDecision.Of(PolicyCode.NotInSharingGroup, reader, id, level, GroupName(groups));
                }

                return level == TlpLevel.Clear
                    ? PolicyDecision.Of(PolicyCode.TlpClear, reader, id, level)
                    : PolicyDecision.Of(PolicyCode.NotFederationMember, reader, id, level);
            default:
                if (level >= TlpLevel.AmberStrict)
                {
                    return PolicyDecision.Of(level == TlpLevel.Red ? PolicyCode.TlpRed : PolicyCode.AmberStrict, reader, id, level);
                }

                if (groups != 0)
                {
                    return PolicyDecision.Of(PolicyCode.NotForEveryPartner, reader, id, level, GroupName(groups));
                }

                return level == TlpLevel.Amber
                    ? PolicyDecision.Of(PolicyCode.NotForEveryPartner, reader, id, level)
                    : PolicyDecision.Of(PolicyCode.EveryPartner, reader, id, level);
        }
    }

    private static bool PassesRules(PolicyPrincipal reader, PolicyCollection collection, in ObjectFacts facts, DateTimeOffset now,
        TlpLevel level, out PolicyDecision denied)
    {
        // Deny rules are checked before allow rules: a matching deny wins over any allow.
        bool allowed = !reader.HasAllowRules;
        foreach (CompiledRule rule in reader.Rules)
        {
            if (rule.IsDeny)
            {
                if (rule.Matches(in facts, collection.Id, now))
                {
                    denied = PolicyDecision.Rule(PolicyCode.EgressRuleDenies, reader, collection.Id, level, rule.Source, rule.Index);
                    return false;
                }
            }
            else if (!allowed && rule.Matches(in facts, collection.Id, now))
            {
                allowed = true;
            }
        }

        denied = allowed ? default : PolicyDecision.Rule(PolicyCode.NoAllowRule, reader, collection.Id, level, null, 0);
        return allowed;
    }

    private PolicyDecision ApplyGranular(PolicyPrincipal reader, PolicyCollection collection, EgressPath path, in ObjectFacts facts,
        TlpLevel level, ulong groups, string? receivedFrom, PolicyDecision decision)
    {
        ImmutableArray<string>.Builder? redactions = null;
        foreach (GranularMarking marking in facts.GranularMarkings)
        {
            if (marking.MarkingRef is null)
            {
                continue; // a lang marking: no sharing restriction
            }

            TlpLevel partLevel = level;
            ulong partGroups = groups;
            Apply(marking.MarkingRef, collection.DefaultTlp, ref partLevel, ref partGroups, out _);
            if (partLevel == level && partGroups == groups)
            {
                continue; // no stricter than the whole object
            }

            PolicyDecision part = Audience(reader, collection, path, partLevel, partGroups, receivedFrom);
            if (part.IsAllowed)
            {
                continue;
            }

            foreach (string selector in marking.Selectors)
            {
                if (!IsRedactable(selector))
                {
                    string? group = partGroups != groups ? GroupName(partGroups & ~groups) : null;
                    return PolicyDecision.Withheld(reader, collection.Id, partLevel, group, selector);
                }

                redactions ??= ImmutableArray.CreateBuilder<string>();
                if (!redactions.Contains(selector))
                {
                    redactions.Add(selector);
                }
            }
        }

        return redactions is null ? decision : PolicyDecision.WithRedactions(reader, collection.Id, level, redactions.ToImmutable());
    }

    private void Resolve(ImmutableArray<string> markingRefs, TlpLevel defaultTlp, out TlpLevel level, out ulong groups)
    {
        level = TlpLevel.Clear;
        groups = 0;
        bool anyTlp = false;
        foreach (string markingRef in markingRefs)
        {
            Apply(markingRef, defaultTlp, ref level, ref groups, out bool isTlp);
            anyTlp |= isTlp;
        }

        if (!anyTlp)
        {
            // No TLP marking: the collection's default level.
            level = Tlp.MostRestrictive(level, defaultTlp);
        }
    }

    private void Apply(string markingRef, TlpLevel defaultTlp, ref TlpLevel level, ref ulong groups, out bool isTlp)
    {
        isTlp = false;
        if (!_markings.TryGetValue(markingRef, out MarkingInfo info))
        {
            // A marking the policy does not know counts as the collection's default level.
            level = Tlp.MostRestrictive(level, defaultTlp);
            return;
        }

        switch (info.Kind)
        {
            case MarkingKind.Tlp:
                level = Tlp.MostRestrictive(level, info.Level);
                isTlp = true;
                break;
            case MarkingKind.SharingGroup:
                groups |= 1UL << info.Group;
                break;
            default:
                break; // neutral
        }
    }

    private bool IsRedactable(string selector)
    {
        if (_redactablePaths.Length == 0)
        {
            return false;
        }

        string path = Redaction.WithoutIndices(selector);
        foreach (string rule in _redactablePaths)
        {
            if (path.Length >= rule.Length && path.StartsWith(rule, StringComparison.Ordinal)
                && (path.Length == rule.Length || path[rule.Length] == '.'))
            {
                return true;
            }
        }

        return false;
    }

    private string GroupName(ulong mask) => _groups[System.Numerics.BitOperations.TrailingZeroCount(mask)].Name;

    [DoesNotReturn]
    private static void ThrowDefaultRequest() =>
        throw new ArgumentException("The request was not built with its constructor.", "request");

    internal enum MarkingKind
    {
        Tlp,
        SharingGroup,
        Neutral,
    }

    internal readonly record struct MarkingInfo(MarkingKind Kind, TlpLevel Level, int Group);
}
