using System.Collections.Immutable;
using System.Globalization;

namespace Detente.Policy;

/// <summary>What the policy decided.</summary>
public enum PolicyOutcome
{
    /// <summary>Withheld: the reader must not learn the object exists.</summary>
    Deny = 0,

    /// <summary>The reader may receive the object as stored.</summary>
    Allow = 1,

    /// <summary>The reader may receive the object only with <see cref="PolicyDecision.Redactions"/> removed
    /// (<see cref="Redaction.Apply"/>), never the stored bytes.</summary>
    AllowWithRedaction = 2,
}

/// <summary>Why the policy decided as it did; each value has a stable machine code (<see cref="PolicyCodes.Name"/>).</summary>
public enum PolicyCode
{
    /// <summary><c>allow.local-user</c>: a local user reads on this node.</summary>
    LocalUser = 1,

    /// <summary><c>allow.tlp-clear</c>: TLP:CLEAR and the reader may read the collection.</summary>
    TlpClear = 2,

    /// <summary><c>allow.tlp-green</c>: TLP:GREEN and the reader is a member of the federation.</summary>
    TlpGreen = 3,

    /// <summary><c>allow.tlp-amber-sharing-group</c>: TLP:AMBER and the partner is in the object's sharing group.</summary>
    AmberSharingGroup = 4,

    /// <summary><c>allow.tlp-amber-collection-partner</c>: TLP:AMBER and the partner is a partner of the collection.</summary>
    AmberCollectionPartner = 5,

    /// <summary><c>allow.every-partner</c>: every partner may know of the object (transparency log).</summary>
    EveryPartner = 6,

    /// <summary><c>allow.redacted</c>: allowed once the parts marked beyond the reader are removed.</summary>
    Redacted = 7,

    /// <summary><c>deny.no-read-grant</c>: the reader may not read the collection.</summary>
    NoReadGrant = 100,

    /// <summary><c>deny.tlp-red</c>: TLP:RED never leaves this node.</summary>
    TlpRed = 101,

    /// <summary><c>deny.tlp-amber-strict</c>: TLP:AMBER+STRICT stays with the producing organization, never a partner.</summary>
    AmberStrict = 102,

    /// <summary><c>deny.not-federation-member</c>: the level is for members of the federation and the reader is not one.</summary>
    NotFederationMember = 103,

    /// <summary><c>deny.not-in-sharing-group</c>: the object names a sharing group the reader is not in.</summary>
    NotInSharingGroup = 104,

    /// <summary><c>deny.not-collection-partner</c>: TLP:AMBER, no sharing group, and the partner is not the collection's.</summary>
    NotCollectionPartner = 105,

    /// <summary><c>deny.not-for-every-partner</c>: the object may not be known to every partner (transparency log).</summary>
    NotForEveryPartner = 106,

    /// <summary><c>deny.egress-rule</c>: a deny rule of the partner matches.</summary>
    EgressRuleDenies = 107,

    /// <summary><c>deny.no-allow-rule</c>: the partner has allow rules and none matches.</summary>
    NoAllowRule = 108,

    /// <summary><c>deny.granular-marking</c>: a part is marked beyond the reader and no redaction rule covers it.</summary>
    GranularMarking = 109,

    /// <summary><c>deny.received-not-passed-on</c>: TLP:AMBER created by another partner (its <c>created_by_ref</c> is that
    /// partner's identity) is for this node's organization, not passed on to a third organization.</summary>
    ReceivedNotPassedOn = 110,
}

/// <summary>The stable machine codes of <see cref="PolicyCode"/>, for logs, metrics and <c>detente policy explain</c>.</summary>
public static class PolicyCodes
{
    /// <summary>The machine code of <paramref name="code"/>, e.g. <c>deny.tlp-red</c>; cached strings, no allocation.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="code"/> is not defined.</exception>
    public static string Name(PolicyCode code) => code switch
    {
        PolicyCode.LocalUser => "allow.local-user",
        PolicyCode.TlpClear => "allow.tlp-clear",
        PolicyCode.TlpGreen => "allow.tlp-green",
        PolicyCode.AmberSharingGroup => "allow.tlp-amber-sharing-group",
        PolicyCode.AmberCollectionPartner => "allow.tlp-amber-collection-partner",
        PolicyCode.EveryPartner => "allow.every-partner",
        PolicyCode.Redacted => "allow.redacted",
        PolicyCode.NoReadGrant => "deny.no-read-grant",
        PolicyCode.TlpRed => "deny.tlp-red",
        PolicyCode.AmberStrict => "deny.tlp-amber-strict",
        PolicyCode.NotFederationMember => "deny.not-federation-member",
        PolicyCode.NotInSharingGroup => "deny.not-in-sharing-group",
        PolicyCode.NotCollectionPartner => "deny.not-collection-partner",
        PolicyCode.NotForEveryPartner => "deny.not-for-every-partner",
        PolicyCode.EgressRuleDenies => "deny.egress-rule",
        PolicyCode.NoAllowRule => "deny.no-allow-rule",
        PolicyCode.GranularMarking => "deny.granular-marking",
        PolicyCode.ReceivedNotPassedOn => "deny.received-not-passed-on",
        _ => throw new ArgumentOutOfRangeException(nameof(code), code, "Not a policy code."),
    };
}

/// <summary>
/// A decision: the outcome, a stable code, and what the human-readable <see cref="Reason"/> is formatted from (only
/// when asked, so that deciding allocates nothing).
/// </summary>
/// <remarks>The reason is for logs, audits and the operator (<c>detente policy explain</c>), never for the reader: it
/// names partners, groups and levels.</remarks>
public readonly struct PolicyDecision : IEquatable<PolicyDecision>
{
    private readonly PolicyPrincipal? _reader;
    private readonly Guid _collection;
    private readonly TlpLevel _level;
    private readonly string? _group;
    private readonly string? _selector;
    private readonly EgressRule? _rule;
    private readonly int _ruleIndex;

    private PolicyDecision(PolicyCode code, PolicyPrincipal? reader, Guid collection, TlpLevel level, string? group, string? selector,
        EgressRule? rule, int ruleIndex, ImmutableArray<string> redactions)
    {
        Code = code;
        _reader = reader;
        _collection = collection;
        _level = level;
        _group = group;
        _selector = selector;
        _rule = rule;
        _ruleIndex = ruleIndex;
        Redactions = redactions;
    }

    /// <summary>Why (see <see cref="PolicyCodes.Name"/> for the machine code).</summary>
    public PolicyCode Code { get; }

    /// <summary>Allow, deny, or allow with redaction.</summary>
    public PolicyOutcome Outcome => Code switch
    {
        PolicyCode.Redacted => PolicyOutcome.AllowWithRedaction,
        < PolicyCode.NoReadGrant => PolicyOutcome.Allow,
        _ => PolicyOutcome.Deny,
    };

    /// <summary>True unless the object is withheld (<see cref="PolicyOutcome.AllowWithRedaction"/> is allowed).</summary>
    public bool IsAllowed => Code < PolicyCode.NoReadGrant;

    /// <summary>The machine code, e.g. <c>deny.not-in-sharing-group</c>.</summary>
    public string CodeName => PolicyCodes.Name(Code);

    /// <summary>The granular-marking selectors to remove before the object leaves (empty unless
    /// <see cref="PolicyOutcome.AllowWithRedaction"/>).</summary>
    public ImmutableArray<string> Redactions { get => field.IsDefault ? [] : field; }

    /// <summary>The TLP level the decision turned on (the object's, or the marked part's).</summary>
    public TlpLevel Level => _level;

    /// <summary>The human-readable reason, e.g. <c>denied: partner ru-cert not in sharing group g-elections</c>.</summary>
    public string Reason => Code switch
    {
        PolicyCode.LocalUser => $"allowed: {_reader} ({Role(_reader!.Role)}) reads on this node",
        PolicyCode.TlpClear => $"allowed: TLP:CLEAR and {_reader} may read collection {_collection}",
        PolicyCode.TlpGreen => $"allowed: TLP:GREEN and {_reader} is a member of the federation",
        PolicyCode.AmberSharingGroup => $"allowed: TLP:AMBER and {_reader} is in sharing group {_group}",
        PolicyCode.AmberCollectionPartner => $"allowed: TLP:AMBER and {_reader} is a partner of collection {_collection}",
        PolicyCode.EveryPartner => $"allowed: {Tlp.Name(_level)} may be known to every partner",
        PolicyCode.Redacted => $"allowed with redaction of {string.Join(", ", Redactions)} (marked beyond what {_reader} may read)",
        PolicyCode.NoReadGrant => $"denied: {_reader} may not read collection {_collection}",
        PolicyCode.TlpRed => "denied: TLP:RED never leaves",
        PolicyCode.AmberStrict => $"denied: TLP:AMBER+STRICT stays with the producing organization, never {_reader}",
        PolicyCode.NotFederationMember => $"denied: {Tlp.Name(_level)} is for members of the federation and {_reader} is not one",
        PolicyCode.NotInSharingGroup => $"denied: {_reader} not in sharing group {_group}",
        PolicyCode.NotCollectionPartner => $"denied: TLP:AMBER and {_reader} is not a partner of collection {_collection}",
        PolicyCode.NotForEveryPartner => _group is null
            ? $"denied: {Tlp.Name(_level)} may not be known to every partner"
            : $"denied: sharing group {_group} is not every partner",
        PolicyCode.EgressRuleDenies => string.Create(CultureInfo.InvariantCulture,
            $"denied: egress rule #{_ruleIndex + 1} of {_reader} ({_rule})"),
        PolicyCode.NoAllowRule => $"denied: no egress rule of {_reader} allows it",
        PolicyCode.ReceivedNotPassedOn => $"denied: {Tlp.Name(_level)} received from partner {_group} is not passed on to another organization ({_reader})",
        PolicyCode.GranularMarking => _group is null
            ? $"denied: '{_selector}' is marked {Tlp.Name(_level)} beyond what {_reader} may read, and no redaction rule covers it"
            : $"denied: '{_selector}' is marked for sharing group {_group} beyond what {_reader} may read, and no redaction rule covers it",
        _ => CodeName,
    };

    /// <summary>The reason.</summary>
    public override string ToString() => Reason;

    /// <summary>True when both decisions have the same code and the same details (readers of the same kind, name and role).</summary>
    public bool Equals(PolicyDecision other) =>
        Code == other.Code && SameReader(_reader, other._reader) && _collection == other._collection && _level == other._level
        && string.Equals(_group, other._group, StringComparison.Ordinal) && string.Equals(_selector, other._selector, StringComparison.Ordinal)
        && ReferenceEquals(_rule, other._rule) && _ruleIndex == other._ruleIndex
        && Redactions.SequenceEqual(other.Redactions, StringComparer.Ordinal);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is PolicyDecision other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Code, _collection, _level, _group, _selector, _ruleIndex);

    /// <summary>True when both decisions are equal.</summary>
    public static bool operator ==(PolicyDecision left, PolicyDecision right) => left.Equals(right);

    /// <summary>True when the decisions differ.</summary>
    public static bool operator !=(PolicyDecision left, PolicyDecision right) => !left.Equals(right);

    internal static PolicyDecision Of(PolicyCode code, PolicyPrincipal reader, Guid collection, TlpLevel level, string? group = null) =>
        new(code, reader, collection, level, group, null, null, 0, default);

    internal static PolicyDecision Rule(PolicyCode code, PolicyPrincipal reader, Guid collection, TlpLevel level, EgressRule? rule, int index) =>
        new(code, reader, collection, level, null, null, rule, index, default);

    internal static PolicyDecision Withheld(PolicyPrincipal reader, Guid collection, TlpLevel level, string? group, string selector) =>
        new(PolicyCode.GranularMarking, reader, collection, level, group, selector, null, 0, default);

    internal static PolicyDecision WithRedactions(PolicyPrincipal reader, Guid collection, TlpLevel level, ImmutableArray<string> redactions) =>
        new(PolicyCode.Redacted, reader, collection, level, null, null, null, 0, redactions);

    private static bool SameReader(PolicyPrincipal? a, PolicyPrincipal? b) =>
        ReferenceEquals(a, b)
        || a is not null && b is not null && a.Kind == b.Kind && a.Role == b.Role && string.Equals(a.Name, b.Name, StringComparison.Ordinal);

    private static string Role(LocalRole role) => role switch
    {
        LocalRole.Admin => "admin",
        LocalRole.Analyst => "analyst",
        _ => "reader",
    };
}
