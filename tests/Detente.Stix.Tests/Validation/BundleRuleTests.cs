using Detente.Stix.Validation;
using Detente.Testing;
using static Detente.Stix.Validation.ValidationRules;

namespace Detente.Stix.Tests.Validation;

/// <summary>The document level: bundles (STIX 2.1 §8) and what is not a STIX document at all.</summary>
public sealed class BundleRuleTests : ValidationTestBase
{
    private static string Bundle(params string[] objects) => StixExamples.Bundle(objects);

    public static TheoryData<string, string, string, string> BundleCases => Invalid(
        ("an array", "[1, 2]", DocumentNotObject, "$"),
        ("a string", Q("bundle"), DocumentNotObject, "$"),
        ("a bundle without id", With(Bundle(Example("url")), ("id", null)), Required, "$.id"),
        ("a bundle id of another type", With(Bundle(Example("url")), ("id", Q("report--94ab9d9a-3b11-4ac6-8214-079b66c93fcb"))), IdType, "$.id"),
        ("a malformed bundle id", With(Bundle(Example("url")), ("id", Q("bundle--1"))), IdFormat, "$.id"),
        ("a bundle id that is a UUIDv5", With(Bundle(Example("url")), ("id", Q("bundle--94ab9d9a-3b11-5ac6-8214-079b66c93fcb"))), UuidVersion, "$.id"),
        ("objects not a list", With(Bundle(Example("url")), ("objects", Example("url"))), PropertyType, "$.objects"),
        ("no objects", With(Bundle(Example("url")), ("objects", "[]")), EmptyList, "$.objects"),
        ("an object that is a number", Bundle(Example("url"), "42"), BundleObjects, "$.objects[1]"),
        ("a bundle in a bundle", Bundle(Bundle(Example("url"))), BundleObjects, "$.objects[0].type"),
        ("the same object version twice", Bundle(Example("url"), Example("identity"), Example("url")), BundleDuplicateObject, "$.objects[2].id"),
        ("a STIX 2.0 bundle", With(Bundle(Example("url")), ("spec_version", Q("2.0"))), BundleSpecVersion, "$.spec_version"),
        ("a bundle property with a bad name", With(Bundle(Example("url")), ("x-acme", "1")), CustomPropertyName, "$['x-acme']"),
        ("an invalid object", Bundle(Example("url"), ExampleWith("identity", ("name", null))), Required, "$.objects[1].name"));

    public static TheoryData<string, string> ValidCases => Valid(
        ("a bundle without objects", With(Bundle(Example("url")), ("objects", null))),
        ("two versions of one object", Bundle(Example("identity"), ExampleWith("identity", ("modified", Q("2024-01-01T00:00:00.000Z"))))),
        ("a bundle with a custom property", With(Bundle(Example("url")), ("x_acme_batch", "7"))));

    [Theory]
    [MemberData(nameof(BundleCases))]
    public void Invalid_document_is_reported(string name, string json, string rules, string path)
    {
        _ = name;
        AssertIssues(json, rules, path);
    }

    [Theory]
    [MemberData(nameof(ValidCases))]
    public void Valid_document_is_accepted(string name, string json)
    {
        _ = name;
        AssertClean(json);
    }

    [Fact]
    public void Errors_in_several_objects_are_all_reported_with_their_paths()
    {
        string json = Bundle(
            ExampleWith("indicator", ("valid_until", Q("2020-01-01T00:00:00Z"))),
            Example("identity"),
            ExampleWith("ipv4-addr", ("value", Q("300.1.1.1"))),
            ExampleWith("sighting", ("count", "-3")));

        ValidationReport report = Validate(json);

        Assert.Equal(
            [
                "$.objects[0].valid_until: must be later than valid_from",
                "$.objects[2].value: must be an IPv4 address or CIDR block, e.g. 198.51.100.3 or 198.51.100.0/24",
                "$.objects[3].count: must be between 0 and 999999999",
            ],
            report.Errors.Select(static e => e.ToString()));
        Assert.Empty(report.Warnings);
    }

    [Fact]
    public void Bad_input_never_throws()
    {
        foreach (string json in (string[])["{}", "null", "true", "{\"type\": null}", "{\"type\": \"bundle\", \"objects\": {}}",
                     "{\"type\": \"indicator\", \"extensions\": {\"a\": null}}", "{\"type\": \"x-a\", \"granular_markings\": [{\"selectors\": [\"\"]}]}"])
        {
            ValidationReport report = Validate(json);
            Assert.False(report.IsValid);
        }
    }

    [Fact]
    public void Null_arguments_are_caller_bugs()
    {
        Assert.Throws<ArgumentNullException>(() => Validator.Validate((Stix.Json.JsonValue)null!));
        Assert.Throws<ArgumentNullException>(() => Validator.Validate((StixObject)null!));
        Assert.Throws<ArgumentNullException>(() => Validator.Validate(new StixObject(Stix.Json.JsonObject.Empty), null!));
        Assert.Throws<ArgumentNullException>(() => Validator.Validate((StixBundle)null!));
    }
}
