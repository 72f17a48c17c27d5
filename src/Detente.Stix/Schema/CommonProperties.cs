using static Detente.Stix.Schema.Props;

namespace Detente.Stix.Schema;

/// <summary>The common properties of STIX 2.1 §3.2, and which of them each kind of object requires, allows or does not use.</summary>
internal static class CommonProperties
{
    public static readonly PropertySpec Type = new PropertySpec("type", PropertyKind.Type).Req();
    public static readonly PropertySpec Id = new PropertySpec("id", PropertyKind.Id).Req();
    public static readonly PropertySpec SpecVersion = Str("spec_version").As(ValueFormat.SpecVersion);
    public static readonly PropertySpec CreatedByRef = Ref("created_by_ref", "identity");
    public static readonly PropertySpec Created = Ts("created").As(ValueFormat.Millisecond);
    public static readonly PropertySpec Modified = Ts("modified").As(ValueFormat.Millisecond);
    public static readonly PropertySpec Revoked = Bool("revoked");
    public static readonly PropertySpec Labels = Strs("labels");
    public static readonly PropertySpec Confidence = Int("confidence", 0, 100);
    public static readonly PropertySpec Lang = Str("lang").As(ValueFormat.LanguageTag);
    public static readonly PropertySpec ExternalReferences = Objs("external_references", Structs.ExternalReference);
    public static readonly PropertySpec ObjectMarkingRefs = Refs("object_marking_refs", "marking-definition");
    public static readonly PropertySpec GranularMarkings = Objs("granular_markings", Structs.GranularMarking);
    public static readonly PropertySpec Defanged = Bool("defanged");
    public static readonly PropertySpec Extensions = new("extensions", PropertyKind.Extensions);

    /// <summary>SDOs and SROs (§3.2 table, §4, §5).</summary>
    public static PropertySpec[] SdoOrSro() =>
    [
        Type, SpecVersion.Req(), Id, Created.Req(), Modified.Req(), CreatedByRef, Revoked, Labels, Confidence, Lang,
        ExternalReferences, ObjectMarkingRefs, GranularMarkings, Extensions, Prohibited("defanged"),
    ];

    /// <summary>SCOs (§6). SCOs are not versioned, but a producer may version one (§3.6), so the four versioning
    /// properties are typed rather than flagged.</summary>
    public static PropertySpec[] Sco() =>
    [
        Type, Id, SpecVersion, ObjectMarkingRefs, GranularMarkings, Defanged, Extensions,
        CreatedByRef, Created, Modified, Revoked,
        NotApplicable("labels"), NotApplicable("confidence"), NotApplicable("lang"), NotApplicable("external_references"),
    ];

    /// <summary>marking-definition (§7.2.1): created only, never versioned.</summary>
    public static PropertySpec[] MarkingDefinition() =>
    [
        Type, SpecVersion.Req(), Id, Created.Req(), CreatedByRef, ExternalReferences, ObjectMarkingRefs,
        GranularMarkings, Extensions,
        NotApplicable("modified"), NotApplicable("revoked"), NotApplicable("labels"), NotApplicable("confidence"),
        NotApplicable("lang"), Prohibited("defanged"),
    ];

    /// <summary>language-content (§7.1).</summary>
    public static PropertySpec[] LanguageContent() =>
    [
        Type, SpecVersion.Req(), Id, Created.Req(), Modified.Req(), CreatedByRef, Revoked, Labels, Confidence,
        ExternalReferences, ObjectMarkingRefs, GranularMarkings, Extensions,
        NotApplicable("lang"), Prohibited("defanged"),
    ];

    /// <summary>extension-definition (§7.3): created_by_ref is required.</summary>
    public static PropertySpec[] ExtensionDefinition() =>
    [
        Type, SpecVersion.Req(), Id, Created.Req(), Modified.Req(), CreatedByRef.Req(), Revoked, Labels,
        ExternalReferences, ObjectMarkingRefs, GranularMarkings,
        NotApplicable("confidence"), NotApplicable("lang"), NotApplicable("extensions"), Prohibited("defanged"),
    ];

    /// <summary>A custom object whose kind nothing declares (§11.2, deprecated): every common property is typed,
    /// only type and id are required.</summary>
    public static PropertySpec[] Custom() =>
    [
        Type, Id, SpecVersion, Created, Modified, CreatedByRef, Revoked, Labels, Confidence, Lang,
        ExternalReferences, ObjectMarkingRefs, GranularMarkings, Extensions, Defanged,
    ];

    private static PropertySpec NotApplicable(string name) => new(name, PropertyKind.NotApplicable);

    private static PropertySpec Prohibited(string name) => new(name, PropertyKind.Prohibited);
}
