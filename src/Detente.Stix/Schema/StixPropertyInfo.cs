using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace Detente.Stix.Schema;

/// <summary>The data type of a property, as STIX 2.1 §2 names it (lists are flagged separately).</summary>
public enum StixValueType
{
    /// <summary>A string (§2.15), including open vocabularies and enumerations (§2.4, §2.14).</summary>
    String,

    /// <summary>A boolean (§2.2).</summary>
    Boolean,

    /// <summary>An integer (§2.10).</summary>
    Integer,

    /// <summary>A floating-point number (§2.6).</summary>
    Float,

    /// <summary>A timestamp (§2.16).</summary>
    Timestamp,

    /// <summary>An identifier (§2.9); a property of this type references another object.</summary>
    Identifier,

    /// <summary>Base64 binary data (§2.1).</summary>
    Binary,

    /// <summary>Hexadecimal octets (§2.8).</summary>
    Hex,

    /// <summary>A hashes dictionary (§2.7): algorithm name to hash value.</summary>
    Hashes,

    /// <summary>A dictionary (§2.3) with keys the specification does not fix.</summary>
    Dictionary,

    /// <summary>A nested type (e.g. <c>windows-pe-section-type</c>) or a predefined extension; see <see cref="StixPropertyInfo.TryGetMember"/>.</summary>
    Object,

    /// <summary>The <c>extensions</c> dictionary (§3.2); its members are the type's predefined extensions.</summary>
    Extensions,
}

/// <summary>What the catalog knows about one property of a STIX type, nested type or predefined extension.</summary>
/// <remarks>
/// Read-only and shared: <see cref="StixCatalog.TryGetProperty"/> returns the same instance every time. Tools that follow
/// paths into objects (STIX patterning object paths, §9.7) step from a property to its members with
/// <see cref="TryGetMember"/>, and from a reference to the types it may point to with <see cref="ReferenceTypes"/>.
/// </remarks>
public sealed class StixPropertyInfo
{
    private readonly FrozenDictionary<string, StixPropertyInfo> _members;

    internal StixPropertyInfo(
        string name,
        StixValueType valueType,
        bool isList,
        bool isDeprecated,
        IReadOnlyCollection<string> referenceTypes,
        FrozenDictionary<string, StixPropertyInfo> members)
    {
        Name = name;
        ValueType = valueType;
        IsList = isList;
        IsDeprecated = isDeprecated;
        ReferenceTypes = referenceTypes;
        _members = members;
    }

    /// <summary>The property name (for an extension, its key in <c>extensions</c>, e.g. <c>windows-pebinary-ext</c>).</summary>
    public string Name { get; }

    /// <summary>The data type of the property, or of each item when <see cref="IsList"/>.</summary>
    public StixValueType ValueType { get; }

    /// <summary>True for <c>list of type …</c> (§2.12).</summary>
    public bool IsList { get; }

    /// <summary>True when the specification deprecates the property.</summary>
    public bool IsDeprecated { get; }

    /// <summary>
    /// For an <see cref="StixValueType.Identifier"/>: the types it may reference when the specification names them
    /// (e.g. <c>ipv4-addr</c>, <c>ipv6-addr</c>, <c>mac-addr</c>, <c>domain-name</c> for <c>network-traffic</c>
    /// <c>src_ref</c>). Empty when a whole category may be referenced (e.g. any SCO) or for other types.
    /// </summary>
    public IReadOnlyCollection<string> ReferenceTypes { get; }

    /// <summary>True when the catalog describes members of this property: the properties of a nested type or a
    /// predefined extension (<see cref="StixValueType.Object"/>), or the predefined extensions of the type
    /// (<see cref="StixValueType.Extensions"/>).</summary>
    public bool HasMembers => _members.Count > 0;

    /// <summary>Finds a member: a property of a nested type or extension, or a predefined extension in <c>extensions</c>.</summary>
    /// <param name="name">The member name, e.g. <c>entropy</c>, or <c>windows-pebinary-ext</c> under <c>extensions</c>.</param>
    /// <param name="member">The member, when found.</param>
    /// <returns>True when the catalog describes the member; false for unknown names and for properties without described members.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is null.</exception>
    public bool TryGetMember(string name, [NotNullWhen(true)] out StixPropertyInfo? member)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _members.TryGetValue(name, out member);
    }

    /// <summary>The property name and type, e.g. <c>sections: list of Object</c>.</summary>
    public override string ToString() => IsList ? $"{Name}: list of {ValueType}" : $"{Name}: {ValueType}";

    /// <summary>Builds the descriptions of a type's properties, sharing those of nested types and extensions.</summary>
    internal static FrozenDictionary<string, StixPropertyInfo> Describe(TypeSpec type, Dictionary<StructSpec, FrozenDictionary<string, StixPropertyInfo>> structs)
    {
        FrozenDictionary<string, StixPropertyInfo> extensions = FrozenDictionary<string, StixPropertyInfo>.Empty;
        if (type.Extensions.Count > 0)
        {
            var map = new Dictionary<string, StixPropertyInfo>(StringComparer.Ordinal);
            foreach (KeyValuePair<string, StructSpec> extension in type.Extensions)
            {
                map.Add(extension.Key, new StixPropertyInfo(extension.Key, StixValueType.Object, isList: false, isDeprecated: false,
                    [], DescribeStruct(extension.Value, structs)));
            }

            extensions = map.ToFrozenDictionary(StringComparer.Ordinal);
        }

        return DescribeSet(type.Properties, extensions, structs);
    }

    private static FrozenDictionary<string, StixPropertyInfo> DescribeStruct(
        StructSpec spec, Dictionary<StructSpec, FrozenDictionary<string, StixPropertyInfo>> structs)
    {
        if (!structs.TryGetValue(spec, out FrozenDictionary<string, StixPropertyInfo>? members))
        {
            // The catalog's nested types do not contain themselves, so this recursion ends.
            members = DescribeSet(spec.Properties, FrozenDictionary<string, StixPropertyInfo>.Empty, structs);
            structs.Add(spec, members);
        }

        return members;
    }

    private static FrozenDictionary<string, StixPropertyInfo> DescribeSet(
        PropertySet set,
        FrozenDictionary<string, StixPropertyInfo> extensions,
        Dictionary<StructSpec, FrozenDictionary<string, StixPropertyInfo>> structs)
    {
        var map = new Dictionary<string, StixPropertyInfo>(StringComparer.Ordinal);
        foreach (PropertySpec spec in set.Properties)
        {
            StixValueType? valueType = spec.Kind switch
            {
                PropertyKind.Type or PropertyKind.String or PropertyKind.Enum or PropertyKind.OpenVocab => StixValueType.String,
                PropertyKind.Id or PropertyKind.Identifier => StixValueType.Identifier,
                PropertyKind.Boolean => StixValueType.Boolean,
                PropertyKind.Integer => StixValueType.Integer,
                PropertyKind.Float => StixValueType.Float,
                PropertyKind.Timestamp => StixValueType.Timestamp,
                PropertyKind.Binary => StixValueType.Binary,
                PropertyKind.Hex => StixValueType.Hex,
                PropertyKind.Hashes => StixValueType.Hashes,
                PropertyKind.Dictionary or PropertyKind.ObservableContainer => StixValueType.Dictionary,
                PropertyKind.Object => StixValueType.Object,
                PropertyKind.Extensions => StixValueType.Extensions,
                _ => null, // not applicable, prohibited or reserved: not a property of this type
            };
            if (valueType is not StixValueType kind)
            {
                continue;
            }

            FrozenDictionary<string, StixPropertyInfo> members = kind switch
            {
                StixValueType.Object when spec.Struct is not null => DescribeStruct(spec.Struct, structs),
                StixValueType.Extensions => extensions,
                _ => FrozenDictionary<string, StixPropertyInfo>.Empty,
            };
            IReadOnlyCollection<string> references = spec.Refs?.Types ?? (IReadOnlyCollection<string>)[];
            map.Add(spec.Name, new StixPropertyInfo(spec.Name, kind, spec.IsList, spec.Deprecated, references, members));
        }

        return map.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
