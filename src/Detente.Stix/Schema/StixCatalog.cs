using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace Detente.Stix.Schema;

/// <summary>The types STIX 2.1 defines and their categories.</summary>
/// <remarks>
/// The catalog behind it describes every property of every type once (STIX 2.1 §3 to §8); the validator walks
/// objects against it. Lookups are allocation-free.
/// </remarks>
public static class StixCatalog
{
    private static readonly FrozenDictionary<string, TypeSpec> s_types = Build();
    private static readonly FrozenDictionary<string, TypeSpec>.AlternateLookup<ReadOnlySpan<char>> s_typesBySpan =
        s_types.GetAlternateLookup<ReadOnlySpan<char>>();

    private static readonly FrozenDictionary<string, StructSpec> s_predefinedExtensions = BuildExtensions();

    /// <summary>Every type name STIX 2.1 defines, the bundle included.</summary>
    public static IReadOnlyCollection<string> Types => s_types.Keys;

    /// <summary>Finds the category of a type STIX 2.1 defines.</summary>
    /// <param name="type">A <c>type</c> value, e.g. <c>indicator</c>.</param>
    /// <param name="category">The category; <see cref="StixCategory.Custom"/> when the type is not defined.</param>
    /// <returns>True when STIX 2.1 defines the type (the bundle included).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="type"/> is null.</exception>
    public static bool TryGetCategory(string type, out StixCategory category)
    {
        ArgumentNullException.ThrowIfNull(type);
        return TryGetCategory(type.AsSpan(), out category);
    }

    /// <summary>Finds the category of a type STIX 2.1 defines, e.g. the type part of an identifier.</summary>
    /// <returns>True when STIX 2.1 defines the type; otherwise <paramref name="category"/> is <see cref="StixCategory.Custom"/>.</returns>
    public static bool TryGetCategory(ReadOnlySpan<char> type, out StixCategory category)
    {
        if (s_typesBySpan.TryGetValue(type, out TypeSpec? spec))
        {
            category = spec.Category;
            return true;
        }

        category = StixCategory.Custom;
        return false;
    }

    /// <summary>The category of <paramref name="type"/>: <see cref="StixCategory.Custom"/> for types STIX 2.1 does not define.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="type"/> is null.</exception>
    public static StixCategory GetCategory(string type)
    {
        TryGetCategory(type, out StixCategory category);
        return category;
    }

    /// <summary>Finds a property of a type STIX 2.1 defines: its own or a common property the type uses (§3.2 table).</summary>
    /// <param name="type">A <c>type</c> value, e.g. <c>file</c>.</param>
    /// <param name="name">A property name, e.g. <c>hashes</c>.</param>
    /// <param name="property">The description, shared and read-only; its members describe nested types and extensions.</param>
    /// <returns>
    /// True when the catalog describes the property for the type; false for unknown types, custom properties, and the
    /// common properties the type does not use (e.g. <c>labels</c> on an SCO, STIX 2.1 §3.2).
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="type"/> or <paramref name="name"/> is null.</exception>
    public static bool TryGetProperty(string type, string name, [NotNullWhen(true)] out StixPropertyInfo? property)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(name);
        property = null;
        return PropertyTable.Properties.TryGetValue(type, out FrozenDictionary<string, StixPropertyInfo>? properties)
            && properties.TryGetValue(name, out property);
    }

    /// <summary>The description of a type STIX 2.1 defines.</summary>
    internal static bool TryGetType(string type, [NotNullWhen(true)] out TypeSpec? spec) => s_types.TryGetValue(type, out spec);

    /// <summary>A predefined extension (STIX 2.1 §3.10) by its dictionary key, whatever type defines it.</summary>
    internal static bool TryGetPredefinedExtension(string name, [NotNullWhen(true)] out StructSpec? spec) =>
        s_predefinedExtensions.TryGetValue(name, out spec);

    /// <summary>A custom object declared as a new SDO or SRO by an extension definition (§7.3).</summary>
    internal static TypeSpec CustomSdo { get; } = new("(custom sdo)", StixCategory.Custom, CommonProperties.SdoOrSro());

    /// <summary>A custom object declared as a new SCO by an extension definition (§7.3).</summary>
    internal static TypeSpec CustomSco { get; } = new("(custom sco)", StixCategory.Custom, CommonProperties.Sco());

    /// <summary>A custom object nothing declares (§11.2, deprecated).</summary>
    internal static TypeSpec CustomObject { get; } = new("(custom)", StixCategory.Custom, CommonProperties.Custom());

    private static FrozenDictionary<string, TypeSpec> Build()
    {
        var types = new Dictionary<string, TypeSpec>(StringComparer.Ordinal);
        foreach (TypeSpec spec in (TypeSpec[])[.. SdoTypes.All(), .. ScoTypes.All(), .. MetaTypes.All(), MetaTypes.Bundle()])
        {
            types.Add(spec.Type, spec);
        }

        return types.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static FrozenDictionary<string, StructSpec> BuildExtensions()
    {
        var extensions = new Dictionary<string, StructSpec>(StringComparer.Ordinal);
        foreach (TypeSpec spec in s_types.Values)
        {
            foreach (KeyValuePair<string, StructSpec> extension in spec.Extensions)
            {
                extensions.Add(extension.Key, extension.Value);
            }
        }

        return extensions.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>The public property descriptions, built on first use (the validator does not need them).</summary>
    private static class PropertyTable
    {
        public static readonly FrozenDictionary<string, FrozenDictionary<string, StixPropertyInfo>> Properties = Build();

        private static FrozenDictionary<string, FrozenDictionary<string, StixPropertyInfo>> Build()
        {
            var structs = new Dictionary<StructSpec, FrozenDictionary<string, StixPropertyInfo>>();
            var properties = new Dictionary<string, FrozenDictionary<string, StixPropertyInfo>>(StringComparer.Ordinal);
            foreach (TypeSpec spec in s_types.Values)
            {
                properties.Add(spec.Type, StixPropertyInfo.Describe(spec, structs));
            }

            return properties.ToFrozenDictionary(StringComparer.Ordinal);
        }
    }
}
