using Detente.Testing;
using static Detente.Stix.Validation.ValidationRules;

namespace Detente.Stix.Tests.Validation;

/// <summary>Extensions (STIX 2.1 §3.2, §7.3), extension definitions, language content, and custom objects (§11).</summary>
public sealed class ExtensionRuleTests : ValidationTestBase
{
    private const string DefinitionId = "extension-definition--d419a356-5622-4d28-a6e8-c295010fe34d";
    private const string DefinitionPath = "$.extensions['" + DefinitionId + "']";

    private static string CustomSdo => StixExamples.ValidVariants["x-acme-asset"];

    public static TheoryData<string, string, string, string> ExtensionCases => Invalid(
        ("unknown key on an SDO", ExampleWith("indicator", ("extensions", """{"acme": {"score": 1}}""")), ExtensionKey, "$.extensions.acme"),
        ("custom -ext on an SDO", ExampleWith("indicator", ("extensions", """{"x-acme-ext": {"score": 1}}""")), ExtensionKey, "$.extensions['x-acme-ext']"),
        ("custom -ext on an SCO", ExampleWith("ipv4-addr", ("extensions", """{"x-acme-ext": {"score": 1}}""")), ExtensionCustom, "$.extensions['x-acme-ext']"),
        ("custom -ext without x- on an SCO", ExampleWith("ipv4-addr", ("extensions", """{"acme-ext": {"score": 1}}""")), ExtensionCustom, "$.extensions['acme-ext']"),
        ("empty custom -ext", ExampleWith("ipv4-addr", ("extensions", """{"x-acme-ext": {}}""")), $"{ExtensionCustom} {AtLeastOneProperty}", "$.extensions['x-acme-ext']"),
        ("predefined extension of another type", ExampleWith("ipv4-addr", ("extensions", """{"ntfs-ext": {"sid": "S-1-5-18"}}""")), ExtensionKey, "$.extensions['ntfs-ext']"),
        ("malformed extension-definition key", ExampleWith("indicator", ("extensions", """{"extension-definition--D419A356": {"extension_type": "property-extension"}}""")), ExtensionKey, "$.extensions['extension-definition--D419A356']"),
        ("extension_type missing", ExampleWith("indicator", ("extensions", Member(DefinitionId, """{"sharing_group": "isac"}"""))), ExtensionType, DefinitionPath + ".extension_type"),
        ("extension_type outside the enumeration", ExampleWith("indicator", ("extensions", Member(DefinitionId, """{"extension_type": "sub-extension"}"""))), ExtensionType, DefinitionPath + ".extension_type"),
        ("new-sdo on a spec type", ExampleWith("indicator", ("extensions", Member(DefinitionId, """{"extension_type": "new-sdo"}"""))), ExtensionRedefines, DefinitionPath + ".extension_type"),
        ("extension property with a bad name", ExampleWith("indicator", ("extensions", Member(DefinitionId, """{"extension_type": "property-extension", "Sharing-Group": "isac"}"""))), CustomPropertyName, DefinitionPath + "['Sharing-Group']"),
        ("extension value not an object", ExampleWith("indicator", ("extensions", Member(DefinitionId, Q("property-extension")))), PropertyType, DefinitionPath),
        ("empty extensions", ExampleWith("indicator", ("extensions", "{}")), EmptyDictionary, "$.extensions"),
        // The id check looks at the object without an empty extensions (as signed), so the id that counts {} is flagged too.
        ("empty extensions on an SCO, whose id it changes", ExampleWith("file", ("extensions", "{}")), $"{EmptyDictionary} {ScoDeterministicId}", "$.extensions"),
        ("extensions not a dictionary", ExampleWith("indicator", ("extensions", """["ntfs-ext"]""")), PropertyType, "$.extensions"));

    public static TheoryData<string, string, string, string> ExtensionDefinitionCases => Invalid(
        ("without created_by_ref", ExampleWith("extension-definition", ("created_by_ref", null)), Required, "$.created_by_ref"),
        ("without schema", ExampleWith("extension-definition", ("schema", null)), Required, "$.schema"),
        ("without version", ExampleWith("extension-definition", ("version", null)), Required, "$.version"),
        ("without extension_types", ExampleWith("extension-definition", ("extension_types", null)), Required, "$.extension_types"),
        ("extension type outside the enumeration", ExampleWith("extension-definition", ("extension_types", """["new-smo"]""")), EnumValue, "$.extension_types[0]"),
        ("extension_properties without toplevel-property-extension", ExampleWith("extension-definition", ("extension_properties", """["sharing_group"]""")), ExtensionDefinitionProperties, "$.extension_properties"),
        ("toplevel-property-extension without extension_properties", ExampleWith("extension-definition", ("extension_types", """["toplevel-property-extension"]""")), ExtensionDefinitionToplevel, "$.extension_properties"),
        ("without description", ExampleWith("extension-definition", ("description", null)), ExtensionDefinitionDescription, "$.description"),
        ("with extensions", ExampleWith("extension-definition", ("extensions", Member(DefinitionId, """{"extension_type": "property-extension"}"""))), NotApplicable, "$.extensions"));

    public static TheoryData<string, string, string, string> LanguageContentCases => Invalid(
        ("without object_ref", ExampleWith("language-content", ("object_ref", null)), Required, "$.object_ref"),
        ("without contents", ExampleWith("language-content", ("contents", null)), Required, "$.contents"),
        ("contents key that is not a language tag", ExampleWith("language-content", ("contents", """{"d": {"name": "x"}}""")), LanguageContentKey, "$.contents.d"),
        ("contents value not an object", ExampleWith("language-content", ("contents", """{"de": "Rechnung"}""")), PropertyType, "$.contents.de"),
        ("empty contents", ExampleWith("language-content", ("contents", "{}")), EmptyDictionary, "$.contents"),
        ("object_ref to a bundle", ExampleWith("language-content", ("object_ref", Q("bundle--94ab9d9a-3b11-4ac6-8214-079b66c93fcb"))), RefType, "$.object_ref"),
        ("object_modified malformed", ExampleWith("language-content", ("object_modified", Q("yesterday"))), TimestampFormat, "$.object_modified"));

    public static TheoryData<string, string, string, string> CustomObjectCases => Invalid(
        ("custom object without an extension definition", With(CustomSdo, ("extensions", null)), CustomObject, "$.type"),
        ("custom object without x- or an extension definition", With(CustomSdo, ("extensions", null), ("type", Q("acme-asset")), ("id", Q("acme-asset--a86fbcdb-a007-4153-a015-15d301d3eb0c"))), CustomObject, "$.type"),
        ("new SDO without created", With(CustomSdo, ("created", null)), Required, "$.created"),
        ("new SDO without spec_version", With(CustomSdo, ("spec_version", null)), SpecVersion, "$.spec_version"),
        ("new SDO with a UUIDv5", With(CustomSdo, ("id", Q("x-acme-asset--a86fbcdb-a007-5153-a015-15d301d3eb0c"))), UuidVersion, "$.id"),
        ("new SDO with defanged", With(CustomSdo, ("defanged", "false")), NotAllowed, "$.defanged"),
        ("custom object property with a hyphen", With(CustomSdo, ("owner-team", Q("x"))), CustomPropertyName, "$['owner-team']"),
        ("custom object id of another type", With(CustomSdo, ("id", Q("x-acme-host--a86fbcdb-a007-4153-a015-15d301d3eb0c"))), IdType, "$.id"),
        ("new SCO with labels", NewSco(("labels", """["x"]""")), NotApplicable, "$.labels"),
        ("new SCO with a custom extension", NewSco(("extensions", """{"extension-definition--4d3eb2c0-b451-4f34-9a05-b3fe66d3d65b": {"extension_type": "new-sco"}, "x-acme-ext": {"score": 1}}""")), ExtensionCustom, "$.extensions['x-acme-ext']"));

    public static TheoryData<string, string> ValidCases => Valid(
        ("property extension", StixExamples.ValidVariants["indicator/property-extension"]),
        ("toplevel property extension", ExampleWith("extension-definition", ("extension_types", """["toplevel-property-extension"]"""), ("extension_properties", """["sharing_group"]"""))),
        ("hybrid extension definition", ExampleWith("extension-definition", ("extension_types", """["new-sdo", "new-sco", "property-extension"]"""))),
        ("new SCO", NewSco()),
        ("language content without object_modified", ExampleWith("language-content", ("object_modified", null))),
        ("language content for a regional language", ExampleWith("language-content", ("contents", """{"de-CH": {"name": "Überfällige Rechnung"}, "zh-Hant-TW": {"name": "逾期發票"}}"""))));

    [Theory]
    [MemberData(nameof(ExtensionCases))]
    [MemberData(nameof(ExtensionDefinitionCases))]
    [MemberData(nameof(LanguageContentCases))]
    [MemberData(nameof(CustomObjectCases))]
    public void Invalid_extension_or_meta_object_is_reported(string name, string json, string rules, string path)
    {
        _ = name;
        AssertIssues(json, rules, path);
    }

    [Theory]
    [MemberData(nameof(ValidCases))]
    public void Valid_extension_or_meta_object_is_accepted(string name, string json)
    {
        _ = name;
        AssertClean(json);
    }

    private static string NewSco(params (string Name, string? Json)[] changes) => With(
        """
        {"type": "x-acme-beacon", "spec_version": "2.1", "id": "x-acme-beacon--5d2b3c4e-6f70-4812-9a3b-4c5d6e7f8091",
         "interval_seconds": 60, "jitter": 0.2,
         "extensions": {"extension-definition--4d3eb2c0-b451-4f34-9a05-b3fe66d3d65b": {"extension_type": "new-sco"}}}
        """,
        changes);
}
