using Detente.Stix.Schema;
using Detente.Stix.Validation;
using Detente.Testing;

namespace Detente.Stix.Tests.Validation;

public sealed class ExampleTests : ValidationTestBase
{
    public static TheoryData<string> Types => new(StixExamples.ValidObjects.Keys.Order(StringComparer.Ordinal));

    public static TheoryData<string> Variants => new(StixExamples.ValidVariants.Keys.Order(StringComparer.Ordinal));

    [Fact]
    public void There_is_an_example_of_every_type_the_specification_defines()
    {
        var types = new SortedSet<string>(StixCatalog.Types, StringComparer.Ordinal) { };
        types.Remove("bundle");
        Assert.Equal(types, new SortedSet<string>(StixExamples.ValidObjects.Keys, StringComparer.Ordinal));
        Assert.Equal(42, StixExamples.ValidObjects.Count);
    }

    [Theory]
    [MemberData(nameof(Types))]
    public void Each_example_object_is_valid_without_warnings(string type)
    {
        string json = StixExamples.ValidObjects[type];
        Assert.Equal(type, ((Stix.Json.JsonObject)Parse(json)).GetString("type"));
        AssertClean(json);
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void Each_example_variant_is_valid(string name)
    {
        ValidationReport report = Validate(StixExamples.ValidVariants[name]);
        Assert.True(report.IsValid, Describe(report));

        // A statement marking uses the deprecated definition_type/definition pair; everything else is warning-free.
        string[] expectedWarnings = name == "marking-definition/statement" ? [ValidationRules.MarkingDeprecatedDefinition] : [];
        Assert.Equal(expectedWarnings, report.Warnings.Select(static w => w.Rule));
    }

    [Fact]
    public void A_bundle_of_all_examples_is_valid_without_warnings()
    {
        AssertClean(StixExamples.AllValidObjectsBundle());
    }

    [Fact]
    public void Validating_a_stix_object_uses_the_given_path()
    {
        var obj = new StixObject((Stix.Json.JsonObject)Parse(ExampleWith("indicator", ("valid_until", Q("2020-01-01T00:00:00Z")))));

        ValidationReport report = Validator.Validate(obj, "$.objects[3]");

        ValidationIssue issue = Assert.Single(report.Errors);
        Assert.Equal("$.objects[3].valid_until: must be later than valid_from", issue.ToString());
        Assert.Equal(ValidationRules.IndicatorValidWindow, issue.Rule);
    }

    [Fact]
    public void Validating_a_stix_bundle_reports_paths_inside_it()
    {
        var bundle = StixBundle.FromJson((Stix.Json.JsonObject)Parse(StixExamples.Bundle(
            Example("identity"),
            ExampleWith("malware", ("is_family", null)))));

        ValidationReport report = Validator.Validate(bundle);

        ValidationIssue issue = Assert.Single(report.Errors);
        Assert.Equal("$.objects[1].is_family", issue.Path);
        Assert.Equal(ValidationRules.Required, issue.Rule);
    }
}
