namespace Detente.Stix.Schema;

/// <summary>The STIX data type of a property (STIX 2.1 §2), as far as the validator needs to tell them apart.</summary>
internal enum PropertyKind
{
    /// <summary>The <c>type</c> property; checked before the other members.</summary>
    Type,

    /// <summary>The object's own <c>id</c>; checked before the other members.</summary>
    Id,

    /// <summary>A JSON string (§2.15).</summary>
    String,

    /// <summary>A JSON <c>true</c> or <c>false</c> (§2.2).</summary>
    Boolean,

    /// <summary>A whole number in ±(2^53−1) (§2.10), optionally within <see cref="PropertySpec.Min"/>..<see cref="PropertySpec.Max"/>.</summary>
    Integer,

    /// <summary>A finite number (§2.6), optionally within <see cref="PropertySpec.Min"/>..<see cref="PropertySpec.Max"/>.</summary>
    Float,

    /// <summary>A STIX timestamp (§2.16).</summary>
    Timestamp,

    /// <summary>An identifier that references another object (§2.9); <see cref="PropertySpec.Refs"/> restricts the target.</summary>
    Identifier,

    /// <summary>A value of a closed enumeration (§2.4).</summary>
    Enum,

    /// <summary>A value that SHOULD come from an open vocabulary (§2.14).</summary>
    OpenVocab,

    /// <summary>Base64 binary data (§2.1).</summary>
    Binary,

    /// <summary>Lower-case hexadecimal octets (§2.8).</summary>
    Hex,

    /// <summary>A hashes dictionary (§2.7).</summary>
    Hashes,

    /// <summary>A dictionary (§2.3) whose values are described by <see cref="PropertySpec.DictionaryValues"/>.</summary>
    Dictionary,

    /// <summary>A JSON object: the nested type <see cref="PropertySpec.Struct"/>, or any object when that is null.</summary>
    Object,

    /// <summary>The <c>extensions</c> dictionary (§3.2, §7.3).</summary>
    Extensions,

    /// <summary>The deprecated observable container of observed-data <c>objects</c> (§2.13).</summary>
    ObservableContainer,

    /// <summary>A common property the object's kind does not use; present, it is a warning.</summary>
    NotApplicable,

    /// <summary>A property the object MUST NOT have (e.g. <c>defanged</c> outside SCOs, §3.2).</summary>
    Prohibited,

    /// <summary>A reserved name that MUST NOT be used (§3.8, e.g. course-of-action <c>action</c>).</summary>
    Reserved,
}

/// <summary>A syntax rule on top of a property's kind.</summary>
internal enum ValueFormat
{
    None,

    /// <summary>An RFC 5646 language tag (<c>lang</c>, software <c>languages</c>).</summary>
    LanguageTag,

    /// <summary>A timestamp precise to at least the millisecond (<c>created</c>, <c>modified</c>, §3.2).</summary>
    Millisecond,

    /// <summary>The literal <c>2.1</c> (<c>spec_version</c>, §3.2).</summary>
    SpecVersion,
}

/// <summary>What the values of a dictionary property must be.</summary>
internal enum DictionaryValues
{
    /// <summary>Any STIX value (not null).</summary>
    Any,
    String,
    Integer,
    StringOrInteger,

    /// <summary>A header field value: a non-empty list of strings (§6.6, §6.12.2 say a list, so that a field can
    /// repeat), or a single string, as the specification's own email-message example and the OASIS schema have it.</summary>
    HeaderValues,

    /// <summary>A JSON object (language-content <c>contents</c>).</summary>
    Object,
}

/// <summary>Describes one property of a STIX type or nested type: its name, kind and constraints.</summary>
/// <param name="Name">The property name, exactly as the specification writes it.</param>
/// <param name="Kind">The data type.</param>
internal sealed record PropertySpec(string Name, PropertyKind Kind)
{
    /// <summary>True when the property MUST be present.</summary>
    public bool Required { get; init; }

    /// <summary>True for <c>list of type …</c>: a non-empty JSON array whose items are of <see cref="Kind"/>.</summary>
    public bool IsList { get; init; }

    /// <summary>For <see cref="PropertyKind.Identifier"/>: the types the reference may point to.</summary>
    public RefSpec? Refs { get; init; }

    /// <summary>For <see cref="PropertyKind.Enum"/> and <see cref="PropertyKind.OpenVocab"/>: the vocabulary.</summary>
    public Vocabulary? Vocabulary { get; init; }

    /// <summary>The smallest allowed number, inclusive.</summary>
    public double? Min { get; init; }

    /// <summary>The largest allowed number, inclusive.</summary>
    public double? Max { get; init; }

    /// <summary>For <see cref="PropertyKind.Object"/>: the nested type.</summary>
    public StructSpec? Struct { get; init; }

    /// <summary>An extra syntax rule.</summary>
    public ValueFormat Format { get; init; }

    /// <summary>For <see cref="PropertyKind.Dictionary"/>: what its values must be.</summary>
    public DictionaryValues DictionaryValues { get; init; }

    /// <summary>True when the specification deprecates the property; present, it is a warning.</summary>
    public bool Deprecated { get; init; }
}
