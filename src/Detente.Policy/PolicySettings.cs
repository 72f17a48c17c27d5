namespace Detente.Policy;

/// <summary>Everything the local operator configures about sharing; <see cref="SharingPolicy.Build"/> checks it.</summary>
public sealed record PolicySettings
{
    /// <summary>The partners: together they are the federation.</summary>
    public IReadOnlyList<Partner> Partners { get; init; } = [];

    /// <summary>The sharing groups (at most <see cref="SharingPolicy.MaxSharingGroups"/>).</summary>
    public IReadOnlyList<SharingGroup> SharingGroups { get; init; } = [];

    /// <summary>The collections that share with partners. A collection not listed has <see cref="DefaultTlp"/> and no
    /// partners.</summary>
    public IReadOnlyList<CollectionSharing> Collections { get; init; } = [];

    /// <summary>The default level of collections not listed in <see cref="Collections"/>. Default AMBER.</summary>
    public TlpLevel DefaultTlp { get; init; } = TlpLevel.Amber;

    /// <summary>
    /// Redaction rules: property paths (<c>description</c>, <c>external_references.url</c>: names joined by <c>.</c>,
    /// no list indices) that may be removed from an object when a granular marking makes them more restricted than
    /// the reader may see. A path covers the selectors at or below it, whatever their list indices. Default: none, so
    /// such an object is withheld whole.
    /// </summary>
    public IReadOnlyList<string> RedactablePaths { get; init; } = [];

    /// <summary>
    /// Marking definitions that restrict no sharing (a copyright statement, say): ignored by the policy. Any other
    /// marking the policy does not know counts as the collection's default level. Default: none.
    /// </summary>
    public IReadOnlyList<string> NeutralMarkings { get; init; } = [];
}
