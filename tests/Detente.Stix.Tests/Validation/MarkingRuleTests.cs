using Detente.Stix.Schema;
using Detente.Testing;
using static Detente.Stix.Validation.ValidationRules;

namespace Detente.Stix.Tests.Validation;

/// <summary>Data markings (STIX 2.1 §7.2): marking definitions, TLP 1.0 and 2.0, granular markings and selectors.</summary>
public sealed class MarkingRuleTests : ValidationTestBase
{
    private const string StatementId = "marking-definition--33c9f849-429e-4c76-84ef-600877460dc0";
    private const string Tlp2ExtensionKey = "$.extensions['" + TlpMarkings.Tlp2ExtensionDefinition + "']";

    private static string Statement => StixExamples.ValidVariants["marking-definition/statement"];

    private static string Tlp1Red => StixExamples.ValidVariants["marking-definition/tlp1-red"];

    private static string Tlp2Amber => StixExamples.ValidVariants["marking-definition/tlp2-amber"];

    public static TheoryData<string, string, string, string> MarkingDefinitionCases => Invalid(
        ("statement without definition", With(Statement, ("definition", null)), $"{MarkingDefinition} {MarkingDeprecatedDefinition}", "$.definition"),
        ("definition without definition_type", With(Statement, ("definition_type", null)), MarkingDefinition, "$.definition_type"),
        ("statement definition without statement", With(Statement, ("definition", """{"text": "x"}""")), $"{Required} {MarkingDeprecatedDefinition}", "$.definition.statement"),
        ("definition not an object", With(Statement, ("definition", Q("Copyright"))), $"{PropertyType} {MarkingDeprecatedDefinition}", "$.definition"),
        ("created missing", With(Statement, ("created", null)), $"{Required} {MarkingDeprecatedDefinition}", "$.created"),
        ("marking that marks itself", With(Statement, ("object_marking_refs", $"[{Q(StatementId)}]")), $"{MarkingCircular} {MarkingDeprecatedDefinition}", "$.object_marking_refs[0]"),
        ("granular marking that marks itself", With(Statement, ("granular_markings", $$"""[{"selectors": ["name"], "marking_ref": "{{StatementId}}"}]""")), $"{MarkingCircular} {MarkingDeprecatedDefinition}", "$.granular_markings[0].marking_ref"),
        ("revoked marking definition", With(Statement, ("revoked", "true")), $"{NotApplicable} {MarkingDeprecatedDefinition}", "$.revoked"),
        ("TLP 1.0 with another name", With(Tlp1Red, ("name", Q("TLP:ROT"))), MarkingTlp, "$.name"),
        ("TLP 1.0 with another created", With(Tlp1Red, ("created", Q("2017-01-20T00:00:00.001Z"))), MarkingTlp, "$.created"),
        ("TLP 1.0 with another level", With(Tlp1Red, ("definition", """{"tlp": "amber"}""")), MarkingTlp, "$.definition"),
        ("TLP 1.0 with an extra property", With(Tlp1Red, ("created_by_ref", Q(StixExamples.CreatorIdentityId))), MarkingTlp, "$.created_by_ref"),
        ("TLP definition that is not one of the four", With(Statement, ("definition_type", Q("tlp")), ("definition", """{"tlp": "green"}""")), $"{MarkingTlp} {MarkingDeprecatedDefinition}", "$.id"),
        ("TLP 1.0 definition without tlp", With(Tlp1Red, ("definition", """{"level": "red"}""")), Required, "$.definition.tlp"),
        ("TLP 2.0 with another level", With(Tlp2Amber, ("extensions", Member(TlpMarkings.Tlp2ExtensionDefinition, """{"extension_type": "property-extension", "tlp_2_0": "red"}"""))), MarkingTlp2, Tlp2ExtensionKey + ".tlp_2_0"),
        ("TLP 2.0 with another extension type", With(Tlp2Amber, ("extensions", Member(TlpMarkings.Tlp2ExtensionDefinition, """{"extension_type": "toplevel-property-extension", "tlp_2_0": "amber"}"""))), MarkingTlp2, Tlp2ExtensionKey + ".extension_type"),
        ("TLP 2.0 with another name", With(Tlp2Amber, ("name", Q("TLP:AMBER+STRICT"))), MarkingTlp2, "$.name"),
        ("TLP 2.0 without its extension", With(Tlp2Amber, ("extensions", null)), $"{MarkingTlp2} {MarkingDefinition}", "$.extensions"),
        ("TLP 2.0 extension on another marking", With(Tlp2Amber, ("id", Q("marking-definition--5b0d6b1e-3c2a-4f7e-9d8c-1a2b3c4d5e6f"))), MarkingTlp2, "$.id"),
        ("definition_type outside the vocabulary", With(Statement, ("definition_type", Q("iep"))), $"{OpenVocab} {MarkingDeprecatedDefinition}", "$.definition_type"));

    public static TheoryData<string, string, string, string> GranularMarkingCases => Invalid(
        ("selector of an absent property", Marked("""[{"selectors": ["revoked"], "marking_ref": "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"}]"""), GranularMarkingSelector, "$.granular_markings[0].selectors[0]"),
        ("selector index past the list", Marked("""[{"selectors": ["labels.[1]"], "marking_ref": "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"}]"""), GranularMarkingSelector, "$.granular_markings[0].selectors[0]"),
        ("selector index on a string", Marked("""[{"selectors": ["description.[0]"], "marking_ref": "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"}]"""), GranularMarkingSelector, "$.granular_markings[0].selectors[0]"),
        ("selector name on a list", Marked("""[{"selectors": ["labels.name"], "marking_ref": "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"}]"""), GranularMarkingSelector, "$.granular_markings[0].selectors[0]"),
        ("selector with a malformed index", Marked("""[{"selectors": ["labels.[first]"], "marking_ref": "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"}]"""), GranularMarkingSelector, "$.granular_markings[0].selectors[0]"),
        ("selector with an empty component", Marked("""[{"selectors": ["kill_chain_phases..phase_name"], "marking_ref": "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"}]"""), GranularMarkingSelector, "$.granular_markings[0].selectors[0]"),
        ("second selector of the second marking", Marked("""[{"selectors": ["name"], "lang": "en"}, {"selectors": ["description", "pattern.x"], "lang": "de"}]"""), GranularMarkingSelector, "$.granular_markings[1].selectors[1]"),
        ("no selectors", Marked("""[{"selectors": [], "marking_ref": "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"}]"""), EmptyList, "$.granular_markings[0].selectors"),
        ("selectors missing", Marked("""[{"marking_ref": "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"}]"""), Required, "$.granular_markings[0].selectors"),
        ("both marking_ref and lang", Marked("""[{"selectors": ["name"], "marking_ref": "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da", "lang": "en"}]"""), GranularMarkingTarget, "$.granular_markings[0]"),
        ("neither marking_ref nor lang", Marked("""[{"selectors": ["name"]}]"""), GranularMarkingTarget, "$.granular_markings[0]"),
        ("lang not a language tag", Marked("""[{"selectors": ["name"], "lang": "english!"}]"""), LanguageTag, "$.granular_markings[0].lang"),
        ("marking_ref to an identity", Marked("""[{"selectors": ["name"], "marking_ref": "identity--ed7fadd1-1e24-495e-ac3a-1f30404ad969"}]"""), RefType, "$.granular_markings[0].marking_ref"),
        ("empty list of granular markings", Marked("[]"), EmptyList, "$.granular_markings"));

    public static TheoryData<string, string> ValidGranularMarkingCases => Valid(
        ("whole property", Marked("""[{"selectors": ["description"], "marking_ref": "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"}]""")),
        ("nested property in a list", Marked("""[{"selectors": ["kill_chain_phases.[0].phase_name", "labels.[0]", "labels"], "marking_ref": "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"}]""")),
        ("language marking", Marked("""[{"selectors": ["name"], "lang": "en"}, {"selectors": ["description"], "lang": "de-CH"}]""")),
        ("the id itself", Marked("""[{"selectors": ["id"], "lang": "en"}]""")),
        ("marked SCO", ExampleWith("file", ("granular_markings", """[{"selectors": ["hashes.SHA-256"], "marking_ref": "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"}]"""))));

    [Theory]
    [MemberData(nameof(MarkingDefinitionCases))]
    [MemberData(nameof(GranularMarkingCases))]
    public void Invalid_marking_is_reported(string name, string json, string rules, string path)
    {
        _ = name;
        AssertIssues(json, rules, path);
    }

    [Theory]
    [MemberData(nameof(ValidGranularMarkingCases))]
    public void Valid_marking_is_accepted(string name, string json)
    {
        _ = name;
        AssertClean(json);
    }

    [Theory]
    [InlineData(TlpMarkings.Tlp1White, "white")]
    [InlineData(TlpMarkings.Tlp1Green, "green")]
    [InlineData(TlpMarkings.Tlp1Amber, "amber")]
    [InlineData(TlpMarkings.Tlp1Red, "red")]
    public void Each_standard_tlp1_marking_definition_is_valid(string id, string level)
    {
        string json = $$$"""
            {"type": "marking-definition", "spec_version": "2.1", "id": "{{{id}}}", "created": "2017-01-20T00:00:00.000Z",
             "definition_type": "tlp", "name": "TLP:{{{level.ToUpperInvariant()}}}", "definition": {"tlp": "{{{level}}}"}}
            """;
        AssertClean(json);
        Assert.True(TlpMarkings.TryGetTlp1Level(id, out string found));
        Assert.Equal(level, found);
    }

    [Theory]
    [InlineData(TlpMarkings.Tlp2Clear, "clear")]
    [InlineData(TlpMarkings.Tlp2Green, "green")]
    [InlineData(TlpMarkings.Tlp2Amber, "amber")]
    [InlineData(TlpMarkings.Tlp2AmberStrict, "amber+strict")]
    [InlineData(TlpMarkings.Tlp2Red, "red")]
    public void Each_tlp2_marking_definition_is_recognised_by_its_published_id(string id, string level)
    {
        Assert.True(TlpMarkings.TryGetTlp2Level(id, out string found));
        Assert.Equal(level, found);
        AssertClean(StixExamples.ValidVariants["marking-definition/tlp2-" + level]);
        Assert.False(TlpMarkings.TryGetTlp1Level(id, out _));
    }

    private static string Marked(string granularMarkings) =>
        ExampleWith("indicator", ("granular_markings", granularMarkings));
}
