using Detente.Stix.Validation;
using static Detente.Stix.Validation.ValidationRules;

namespace Detente.Stix.Tests.Validation;

/// <summary>Issue paths and messages quote outside input; they must never carry its control characters.</summary>
public sealed class IssueTextTests : ValidationTestBase
{
    [Fact]
    public void A_property_name_with_a_newline_cannot_fake_an_issue_line()
    {
        string json = ExampleWith("indicator", ("x_a\nerror: $.id: forged", "1"));

        ValidationReport report = Validate(json);

        ValidationIssue issue = Assert.Single(report.Errors, static e => e.Rule == CustomPropertyName);
        Assert.Equal("$['x_a\\u000aerror: $.id: forged']", issue.Path);
        AssertPrintable(report);
    }

    [Fact]
    public void A_value_with_terminal_escapes_is_quoted_escaped()
    {
        string json = ExampleWith("indicator", ("indicator_types", """["\u001b[31mred\u202E"]"""));

        ValidationReport report = Validate(json);

        ValidationIssue issue = Assert.Single(report.Warnings, static w => w.Rule == OpenVocab);
        Assert.Equal("$.indicator_types[0]", issue.Path);
        Assert.StartsWith("\"\\u001b[31mred\\u202e\" is not in", issue.Message, StringComparison.Ordinal);
        AssertPrintable(report);
    }

    [Fact]
    public void Quotes_and_backslashes_in_bracketed_names_stay_escaped()
    {
        string json = ExampleWith("indicator", ("x_it's\\", "1"));

        ValidationReport report = Validate(json);

        Assert.Contains(report.Errors, static e => e.Rule == CustomPropertyName && e.Path == "$['x_it\\'s\\\\']");
    }

    [Fact]
    public void A_very_long_member_name_is_cut_in_paths()
    {
        string name = "x_" + new string('-', 100_000);
        string json = ExampleWith("indicator", (name, "1"));

        ValidationReport report = Validate(json);

        ValidationIssue issue = Assert.Single(report.Errors, static e => e.Rule == CustomPropertyName);
        Assert.Equal("$['" + name[..256] + "…']", issue.Path);
    }

    [Fact]
    public void Control_characters_in_every_issue_of_a_hostile_object_are_escaped()
    {
        string json = """
            {"type":"x-\u001b","id":"x--\n","labels":[1],"x_\u2028":{"a\u0000b":null},
             "granular_markings":[{"marking_ref":"marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da","selectors":["no\u0085pe"]}],
             "extensions":{"\u202Eext":{"extension_type":"\u0007"}}}
            """;

        ValidationReport report = Validate(json);

        Assert.False(report.IsValid);
        AssertPrintable(report);
    }

    private static void AssertPrintable(ValidationReport report)
    {
        foreach (ValidationIssue issue in report.Errors.Concat(report.Warnings))
        {
            foreach (char c in issue.Path + issue.Message)
            {
                Assert.False(char.IsControl(c) || c is '\u2028' or '\u2029' or (>= '\u202a' and <= '\u202e'), $"raw U+{(int)c:X4} in {issue}");
            }
        }
    }
}
