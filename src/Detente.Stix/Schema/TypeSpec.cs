using System.Collections.Frozen;

namespace Detente.Stix.Schema;

/// <summary>Describes a STIX type: its category, every property (common ones included) and its predefined extensions.</summary>
internal sealed record TypeSpec
{
    public TypeSpec(string type, StixCategory category, IReadOnlyList<PropertySpec> properties)
    {
        Type = type;
        Category = category;
        Properties = new PropertySet(properties);
    }

    /// <summary>The <c>type</c> value, e.g. <c>indicator</c>.</summary>
    public string Type { get; }

    public StixCategory Category { get; }

    /// <summary>The common and type-specific properties.</summary>
    public PropertySet Properties { get; }

    /// <summary>The predefined extensions (STIX 2.1 §3.10), by dictionary key.</summary>
    public FrozenDictionary<string, StructSpec> Extensions { get; init; } = FrozenDictionary<string, StructSpec>.Empty;

    /// <summary>For SCOs: the ID Contributing Properties (STIX 2.1 §3.4, §6).</summary>
    public string[] IdContributing { get; init; } = [];

    /// <summary>For SCOs: true when every ID Contributing Property is optional, so an object may have none of them,
    /// in which case its id MUST use a UUIDv4 (STIX 2.1 §2.9).</summary>
    public bool IdContributingOptional { get; init; }

    /// <summary>The type-specific properties of which at least one MUST be present (e.g. user-account, §6.16).</summary>
    public string[] AtLeastOneOf { get; init; } = [];
}
