namespace Detente.Policy;

/// <summary>The role of a local user of this node.</summary>
public enum LocalRole
{
    /// <summary>Administers the node: reads every collection without a grant.</summary>
    Admin = 0,

    /// <summary>Reads and writes the collections granted to it.</summary>
    Analyst = 1,

    /// <summary>Reads the collections granted to it.</summary>
    Reader = 2,
}

/// <summary>What kind of reader a <see cref="PolicyPrincipal"/> is.</summary>
public enum PrincipalKind
{
    /// <summary>A user of this node's own organization.</summary>
    LocalUser = 0,

    /// <summary>A configured partner node: a member of the federation.</summary>
    Partner = 1,

    /// <summary>An authenticated reader that is neither a local user nor a configured partner (not in the federation).</summary>
    Guest = 2,

    /// <summary>Every partner at once: the reader of what all members see, such as transparency-log entries.</summary>
    Federation = 3,
}

/// <summary>A reader as the policy sees it. Obtain one from a <see cref="SharingPolicy"/>, once per request.</summary>
public sealed class PolicyPrincipal
{
    internal PolicyPrincipal(string name, PrincipalKind kind, LocalRole role, Partner? partner, int partnerIndex, ulong groups,
        CompiledRule[] rules, bool hasAllowRules)
    {
        Name = name;
        Kind = kind;
        Role = role;
        Partner = partner;
        PartnerIndex = partnerIndex;
        Groups = groups;
        Rules = rules;
        HasAllowRules = hasAllowRules;
    }

    /// <summary>The name explanations use: the local user's or guest's principal name, or the partner's name.</summary>
    public string Name { get; }

    /// <summary>The kind of reader.</summary>
    public PrincipalKind Kind { get; }

    /// <summary>The local user's role (meaningful for <see cref="PrincipalKind.LocalUser"/> only).</summary>
    public LocalRole Role { get; }

    /// <summary>The partner, for <see cref="PrincipalKind.Partner"/>; otherwise null.</summary>
    public Partner? Partner { get; }

    /// <summary>The partner's index in the policy, or -1.</summary>
    internal int PartnerIndex { get; }

    /// <summary>The sharing groups the partner belongs to, one bit per group index.</summary>
    internal ulong Groups { get; }

    /// <summary>The partner's egress rules, deny rules first.</summary>
    internal CompiledRule[] Rules { get; }

    /// <summary>True when at least one of <see cref="Rules"/> allows.</summary>
    internal bool HasAllowRules { get; }

    /// <summary>The kind and name, e.g. <c>partner ru-cert</c>.</summary>
    public override string ToString() => Kind switch
    {
        PrincipalKind.LocalUser => "local user " + Name,
        PrincipalKind.Partner => "partner " + Name,
        PrincipalKind.Guest => "guest " + Name,
        _ => "the federation",
    };
}

/// <summary>A collection as the policy sees it: its default level and its partners. Obtain one from a
/// <see cref="SharingPolicy"/>.</summary>
public sealed class PolicyCollection
{
    private readonly bool[] _partners;

    internal PolicyCollection(Guid id, TlpLevel defaultTlp, bool[] partners, IReadOnlyList<string> partnerNames)
    {
        Id = id;
        DefaultTlp = defaultTlp;
        _partners = partners;
        PartnerNames = partnerNames;
    }

    /// <summary>The collection's TAXII id.</summary>
    public Guid Id { get; }

    /// <summary>The level of objects without a TLP marking (or with one the policy does not know).</summary>
    public TlpLevel DefaultTlp { get; }

    /// <summary>The names of the collection's partners.</summary>
    public IReadOnlyList<string> PartnerNames { get; }

    internal bool HasPartner(int partnerIndex) => (uint)partnerIndex < (uint)_partners.Length && _partners[partnerIndex];
}
