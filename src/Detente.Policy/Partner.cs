using Detente.Stix.Signatures;

namespace Detente.Policy;

/// <summary>A partner node: another organization of the federation, as the local operator configured it.</summary>
/// <remarks>Checked when a <see cref="SharingPolicy"/> is built (<see cref="SharingPolicy.Build"/>), never before.</remarks>
public sealed record Partner
{
    /// <summary>The partner's short name (<c>ru-cert</c>): lower-case letters, digits, <c>-</c>, <c>_</c> and <c>.</c>,
    /// starting with a letter or digit, at most 64 characters; unique among partners.</summary>
    public required string Name { get; init; }

    /// <summary>The STIX id of the partner's <c>identity</c> object (<c>identity--…</c>): the <c>created_by_ref</c> of
    /// what it produces. Unique among partners.</summary>
    public required string Identity { get; init; }

    /// <summary>The Ed25519 keys whose signatures the node accepts on objects created by <see cref="Identity"/>; at
    /// least one.</summary>
    public IReadOnlyList<StixVerificationKey> VerificationKeys { get; init; } = [];

    /// <summary>
    /// The node principal names (of API tokens and client certificates) that authenticate as this partner. Empty means
    /// the principal named <see cref="Name"/>. A principal name belongs to at most one partner.
    /// </summary>
    public IReadOnlyList<string> Principals { get; init; } = [];

    /// <summary>The partner's egress rules, applied after TLP (they can only narrow what TLP allows). Default: none.</summary>
    public IReadOnlyList<EgressRule> EgressRules { get; init; } = [];
}

/// <summary>A sharing group: a named set of partners that the local operator defines, and the marking that names it.</summary>
/// <remarks>
/// An object names a sharing group by carrying <see cref="MarkingDefinitionId"/> in <c>object_marking_refs</c> (the
/// whole object) or in a granular marking (part of it). A sharing-group marking narrows the partners who may read to
/// the group's members, whatever the TLP level; for <c>TLP:AMBER</c> it is the audience, in place of the
/// collection's partners. Several named groups: only partners in all of them may read.
/// </remarks>
public sealed record SharingGroup
{
    /// <summary>The group's name (<c>g-elections</c>), with the syntax of <see cref="Partner.Name"/>; unique among groups.</summary>
    public required string Name { get; init; }

    /// <summary>The id of the marking definition (<c>marking-definition--…</c>) that names the group on an object;
    /// unique, and not a TLP marking.</summary>
    public required string MarkingDefinitionId { get; init; }

    /// <summary>The <see cref="Partner.Name"/>s of the members. Empty: no partner.</summary>
    public IReadOnlyList<string> Members { get; init; } = [];
}

/// <summary>How one collection shares: its default TLP level and its partners (the audience of <c>TLP:AMBER</c> when
/// an object names no sharing group).</summary>
public sealed record CollectionSharing
{
    /// <summary>The collection's TAXII id.</summary>
    public required Guid CollectionId { get; init; }

    /// <summary>The level of objects that carry no TLP marking, or a marking the policy does not know. Default AMBER.</summary>
    public TlpLevel DefaultTlp { get; init; } = TlpLevel.Amber;

    /// <summary>The <see cref="Partner.Name"/>s of the collection's partners. Default: none.</summary>
    public IReadOnlyList<string> Partners { get; init; } = [];
}
