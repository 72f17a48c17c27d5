using static Detente.Stix.Schema.Props;

namespace Detente.Stix.Schema;

/// <summary>The STIX Meta Objects (STIX 2.1 §7) and the bundle (§8).</summary>
internal static class MetaTypes
{
    public static TypeSpec[] All() =>
    [
        // §7.1
        new("language-content", StixCategory.Meta,
        [
            .. CommonProperties.LanguageContent(),
            Ref("object_ref", RefSpec.AnyObject).Req(),
            Ts("object_modified"),
            Dict("contents", DictionaryValues.Object).Req(),
        ]),

        // §7.2.1: definition_type and definition are deprecated but required without extensions (a rule); what the
        // definition holds depends on definition_type (a rule).
        new("marking-definition", StixCategory.Meta,
        [
            .. CommonProperties.MarkingDefinition(),
            Str("name"),
            Ov("definition_type", Vocabularies.MarkingDefinitionType),
            Obj("definition"),
        ]),

        // §7.3
        new("extension-definition", StixCategory.Meta,
        [
            .. CommonProperties.ExtensionDefinition(),
            Str("name").Req(),
            Str("description"),
            Str("schema").Req(),
            Str("version").Req(),
            EnumValues("extension_types", Vocabularies.ExtensionType).Req(),
            Strs("extension_properties"),
        ]),
    ];

    /// <summary>The bundle (§8): not a STIX Object; it has no spec_version in STIX 2.1.</summary>
    public static TypeSpec Bundle() => new("bundle", StixCategory.Bundle,
    [
        CommonProperties.Type,
        CommonProperties.Id,
        new PropertySpec("objects", PropertyKind.Object) { IsList = true },
    ]);
}
