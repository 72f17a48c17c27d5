using System.Text;
using Detente.Stix.Identifiers;
using Detente.Stix.Json;
using Detente.Stix.Validation;
using Detente.Testing;

namespace Detente.Stix.Tests.Validation;

/// <summary>
/// The shared driver of the rule tables: each table row is a JSON document (usually a valid example with one change),
/// the rule id it must break and the path where; or a document that must produce no issue at all.
/// </summary>
public abstract class ValidationTestBase
{
    /// <summary>The rules reported as warnings; every other rule is an error.</summary>
    protected static readonly HashSet<string> WarningRules = new(StringComparer.Ordinal)
    {
        ValidationRules.BundleDuplicateObject,
        ValidationRules.BundleSpecVersion,
        ValidationRules.UuidVersion,
        ValidationRules.OpenVocab,
        ValidationRules.NotApplicable,
        ValidationRules.Deprecated,
        ValidationRules.HashAlgorithm,
        ValidationRules.ExternalReferenceUrl,
        ValidationRules.KillChainPhaseFormat,
        ValidationRules.MarkingDeprecatedDefinition,
        ValidationRules.ExtensionCustom,
        ValidationRules.CustomPropertyPrefix,
        ValidationRules.CustomPropertyLowercase,
        ValidationRules.CustomObject,
        ValidationRules.MalwareAnalysisProduct,
        ValidationRules.ScoUuidV5,
        ValidationRules.ScoDeterministicId,
        ValidationRules.IpHostBits,
        ValidationRules.NetworkTrafficPorts,
        ValidationRules.ExtensionDefinitionToplevel,
        ValidationRules.ExtensionDefinitionDescription,
        ValidationRules.IndicatorPatternWarning,
    };

    private static readonly StixReader s_reader = new();

    protected static StixValidator Validator { get; } = new();

    /// <summary>The valid example of <paramref name="type"/>.</summary>
    protected static string Example(string type) => StixExamples.ValidObjects[type];

    /// <summary>Quotes a string as a JSON string literal.</summary>
    protected static string Q(string value) => new JsonString(value).ToString();

    /// <summary>A JSON object with one member whose value is the raw JSON <paramref name="value"/>.</summary>
    protected static string Member(string name, string value) => "{" + Q(name) + ":" + value + "}";

    /// <summary>Returns <paramref name="json"/> (an object) with members set to raw JSON values, or removed when the value is null.</summary>
    /// <remarks>
    /// An SCO whose id was its deterministic one gets the deterministic id of the changed object (when one can be
    /// computed), unless the changes set <c>id</c> themselves: each case then breaks only the rule it is about.
    /// </remarks>
    protected static string With(string json, params (string Name, string? Json)[] changes)
    {
        var original = (JsonObject)Parse(json);
        JsonObject obj = original;
        foreach ((string name, string? value) in changes)
        {
            obj = value is null ? obj.Without(name) : obj.With(name, Parse(value));
        }

        if (!changes.Any(c => c.Name == "id")
            && ScoIds.Compute(new StixObject(original)) is { IsComputed: true } before
            && before.Id.Value.ToString() == original.GetString("id")
            && ScoIds.Compute(new StixObject(obj)) is { IsComputed: true } after)
        {
            obj = obj.With("id", after.Id.Value.ToString());
        }

        return obj.ToString();
    }

    /// <summary>Returns the example of <paramref name="type"/> with the changes applied (see <see cref="With"/>).</summary>
    protected static string ExampleWith(string type, params (string Name, string? Json)[] changes) => With(Example(type), changes);

    protected static JsonValue Parse(string json) => s_reader.Parse(Encoding.UTF8.GetBytes(json));

    protected static ValidationReport Validate(string json, StixValidator? validator = null) =>
        (validator ?? Validator).Validate(Parse(json));

    /// <summary>
    /// Asserts that the document breaks exactly the rules in <paramref name="rules"/> (space-separated ids, each reported
    /// in the list its severity puts it in), and that the first of them is reported at <paramref name="path"/>.
    /// </summary>
    protected static void AssertIssues(string json, string rules, string path, StixValidator? validator = null)
    {
        ValidationReport report = Validate(json, validator);
        string[] expected = rules.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var actual = new SortedSet<string>(StringComparer.Ordinal);
        foreach (ValidationIssue issue in report.Errors)
        {
            Assert.False(WarningRules.Contains(issue.Rule), $"{issue.Rule} should be a warning: {issue}");
            actual.Add(issue.Rule);
        }

        foreach (ValidationIssue issue in report.Warnings)
        {
            Assert.True(WarningRules.Contains(issue.Rule), $"{issue.Rule} should be an error: {issue}");
            actual.Add(issue.Rule);
        }

        Assert.True(
            actual.SetEquals(expected),
            $"expected [{string.Join(", ", expected)}], got:\n{Describe(report)}");
        Assert.Contains(
            report.Errors.Concat(report.Warnings),
            issue => issue.Rule == expected[0] && issue.Path == path);
        Assert.Equal(expected.Any(rule => !WarningRules.Contains(rule)), !report.IsValid);
    }

    /// <summary>Asserts that the document has no error and no warning.</summary>
    protected static void AssertClean(string json, StixValidator? validator = null)
    {
        ValidationReport report = Validate(json, validator);
        Assert.True(report.Errors.Count == 0 && report.Warnings.Count == 0, Describe(report));
    }

    protected static string Describe(ValidationReport report) =>
        string.Join("\n", report.Errors.Select(static e => $"error   {e.Rule}  {e}")
            .Concat(report.Warnings.Select(static w => $"warning {w.Rule}  {w}")));

    /// <summary>Builds a table of invalid cases: (case name, JSON, space-separated rule ids, path of the first).</summary>
    protected static TheoryData<string, string, string, string> Invalid(params (string Name, string Json, string Rules, string Path)[] cases)
    {
        var data = new TheoryData<string, string, string, string>();
        foreach ((string name, string json, string rules, string path) in cases)
        {
            data.Add(name, json, rules, path);
        }

        return data;
    }

    /// <summary>Builds a table of valid cases: (case name, JSON) that must produce no issue.</summary>
    protected static TheoryData<string, string> Valid(params (string Name, string Json)[] cases)
    {
        var data = new TheoryData<string, string>();
        foreach ((string name, string json) in cases)
        {
            data.Add(name, json);
        }

        return data;
    }
}
