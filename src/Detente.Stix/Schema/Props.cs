namespace Detente.Stix.Schema;

/// <summary>Short factories for the catalog, so that each property reads as one line of the specification's table.</summary>
internal static class Props
{
    public static PropertySpec Str(string name) => new(name, PropertyKind.String);

    public static PropertySpec Strs(string name) => new(name, PropertyKind.String) { IsList = true };

    public static PropertySpec Bool(string name) => new(name, PropertyKind.Boolean);

    public static PropertySpec Int(string name, double? min = null, double? max = null) =>
        new(name, PropertyKind.Integer) { Min = min, Max = max };

    /// <summary>An integer that "MUST NOT be negative".</summary>
    public static PropertySpec Count(string name) => Int(name, 0);

    public static PropertySpec Float(string name, double? min = null, double? max = null) =>
        new(name, PropertyKind.Float) { Min = min, Max = max };

    public static PropertySpec Ts(string name) => new(name, PropertyKind.Timestamp);

    public static PropertySpec Ref(string name, RefSpec refs) => new(name, PropertyKind.Identifier) { Refs = refs };

    public static PropertySpec Ref(string name, params string[] types) => Ref(name, RefSpec.Of(types));

    public static PropertySpec Refs(string name, RefSpec refs) => Ref(name, refs) with { IsList = true };

    public static PropertySpec Refs(string name, params string[] types) => Refs(name, RefSpec.Of(types));

    public static PropertySpec Ov(string name, Vocabulary vocabulary) =>
        new(name, PropertyKind.OpenVocab) { Vocabulary = vocabulary };

    public static PropertySpec Ovs(string name, Vocabulary vocabulary) => Ov(name, vocabulary) with { IsList = true };

    public static PropertySpec EnumValue(string name, Vocabulary vocabulary) =>
        new(name, PropertyKind.Enum) { Vocabulary = vocabulary };

    public static PropertySpec EnumValues(string name, Vocabulary vocabulary) => EnumValue(name, vocabulary) with { IsList = true };

    public static PropertySpec Bin(string name) => new(name, PropertyKind.Binary);

    public static PropertySpec Hex(string name) => new(name, PropertyKind.Hex);

    public static PropertySpec Hashes(string name) => new(name, PropertyKind.Hashes);

    public static PropertySpec Dict(string name, DictionaryValues values = DictionaryValues.Any) =>
        new(name, PropertyKind.Dictionary) { DictionaryValues = values };

    public static PropertySpec Obj(string name, StructSpec? type = null) => new(name, PropertyKind.Object) { Struct = type };

    public static PropertySpec Objs(string name, StructSpec type) => Obj(name, type) with { IsList = true };

    public static PropertySpec Reserved(string name) => new(name, PropertyKind.Reserved);

    public static PropertySpec Req(this PropertySpec spec) => spec with { Required = true };

    public static PropertySpec As(this PropertySpec spec, ValueFormat format) => spec with { Format = format };

    public static PropertySpec Deprecated(this PropertySpec spec) => spec with { Deprecated = true };

    /// <summary>A nested type whose properties are <paramref name="properties"/>.</summary>
    public static StructSpec Struct(string name, params PropertySpec[] properties) => new(name, new PropertySet(properties));

    /// <summary>A predefined extension of <paramref name="owner"/> that MUST carry at least one of its properties.</summary>
    public static StructSpec Extension(string name, string owner, params PropertySpec[] properties) =>
        Struct(name, properties) with { AtLeastOneProperty = true, ExtensionOf = owner };
}
