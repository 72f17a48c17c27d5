using System.Collections.Frozen;

namespace Detente.Stix.Schema;

/// <summary>The object kinds a reference may point to, as flags.</summary>
[Flags]
internal enum CategoryMask
{
    None = 0,
    Sdo = 1 << StixCategory.Sdo,
    Sro = 1 << StixCategory.Sro,
    Sco = 1 << StixCategory.Sco,
    Meta = 1 << StixCategory.Meta,
    Bundle = 1 << StixCategory.Bundle,

    /// <summary>Types the specification does not define (custom or extension-defined objects).</summary>
    Custom = 1 << StixCategory.Custom,

    /// <summary>Every STIX Object (a bundle is not one, §8).</summary>
    AnyObject = Sdo | Sro | Sco | Meta | Custom,
}

/// <summary>Which targets an identifier property may reference.</summary>
/// <remarks>
/// A target is allowed when its type is listed in <see cref="Types"/>, or when its category is in
/// <see cref="Categories"/>; a type the specification does not define counts as <see cref="CategoryMask.Custom"/>.
/// </remarks>
internal sealed class RefSpec
{
    private readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> _types;

    private RefSpec(string[] types, CategoryMask categories, string description)
    {
        Types = types.ToFrozenSet(StringComparer.Ordinal);
        _types = Types.GetAlternateLookup<ReadOnlySpan<char>>();
        Categories = categories;
        Description = description;
    }

    /// <summary>Any STIX Object (not a bundle).</summary>
    public static RefSpec AnyObject { get; } = new([], CategoryMask.AnyObject, "a STIX Object");

    /// <summary>An SDO or SCO, never an SRO, bundle or meta object (relationship ends, STIX 2.1 §5.1).</summary>
    public static RefSpec SdoOrSco { get; } = new([], CategoryMask.Sdo | CategoryMask.Sco | CategoryMask.Custom, "an SDO or SCO");

    /// <summary>Only an SDO (sighting <c>sighting_of_ref</c>, §5.2).</summary>
    public static RefSpec Sdo { get; } = new([], CategoryMask.Sdo | CategoryMask.Custom, "an SDO");

    /// <summary>Any SCO.</summary>
    public static RefSpec Sco { get; } = new([], CategoryMask.Sco | CategoryMask.Custom, "an SCO");

    /// <summary>SCOs and SROs (observed-data <c>object_refs</c>, §4.14).</summary>
    public static RefSpec ScoOrSro { get; } = new([], CategoryMask.Sco | CategoryMask.Sro | CategoryMask.Custom, "an SCO or SRO");

    /// <summary>The listed types only.</summary>
    public static RefSpec Of(params string[] types) =>
        new(types, CategoryMask.None, types.Length == 1 ? types[0] : string.Join(" or ", types));

    public FrozenSet<string> Types { get; }

    public CategoryMask Categories { get; }

    /// <summary>What may be referenced, for messages ("must reference an identity").</summary>
    public string Description { get; }

    /// <summary>True when an identifier whose type part is <paramref name="type"/> may be referenced.</summary>
    public bool Allows(ReadOnlySpan<char> type)
    {
        if (_types.Contains(type))
        {
            return true;
        }

        StixCategory category = StixCatalog.TryGetCategory(type, out StixCategory known) ? known : StixCategory.Custom;
        return (Categories & (CategoryMask)(1 << (int)category)) != 0;
    }
}
