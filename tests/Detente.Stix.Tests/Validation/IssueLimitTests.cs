using System.Text;
using Detente.Stix.Validation;
using static Detente.Stix.Validation.ValidationRules;

namespace Detente.Stix.Tests.Validation;

/// <summary><see cref="StixValidatorOptions.MaxIssues"/>: a hostile document cannot make the report exhaust memory.</summary>
public sealed class IssueLimitTests : ValidationTestBase
{
    public static TheoryData<string, string, string, string> TooManyIssuesCases => Invalid(
        ("1,001 bad labels", ExampleWith("indicator", ("labels", Ones(1001))), $"{TooManyIssues} {PropertyType}", "$"));

    [Theory]
    [MemberData(nameof(TooManyIssuesCases))]
    public void Too_many_issues_are_reported(string name, string json, string rules, string path)
    {
        _ = name;
        AssertIssues(json, rules, path);
    }

    [Fact]
    public void The_default_limit_is_one_thousand()
    {
        Assert.Equal(1000, StixValidatorOptions.Default.MaxIssues);
        Assert.Equal(1000, new StixValidatorOptions().MaxIssues);
        Assert.Equal(1000, StixValidatorOptions.DefaultMaxIssues);
    }

    [Fact]
    public void A_huge_list_of_bad_items_yields_exactly_max_issues_plus_one()
    {
        string json = ExampleWith("indicator", ("labels", Ones(200_000)));

        ValidationReport report = Validate(json);

        Assert.Empty(report.Warnings);
        Assert.Equal(StixValidatorOptions.DefaultMaxIssues + 1, report.Errors.Count);
        Assert.All(report.Errors.Take(StixValidatorOptions.DefaultMaxIssues), static e => Assert.Equal(PropertyType, e.Rule));
        ValidationIssue last = report.Errors[^1];
        Assert.Equal(TooManyIssues, last.Rule);
        Assert.Equal("$", last.Path);
        Assert.Contains("1000 issues", last.Message, StringComparison.Ordinal);
        Assert.Contains("not recorded", last.Message, StringComparison.Ordinal);
        Assert.False(report.IsValid);
    }

    [Fact]
    public void Errors_and_warnings_count_together()
    {
        // Four open-vocabulary warnings, then four bad-type errors.
        string json = ExampleWith("indicator", ("indicator_types", """["a b","c d","e f","g h"]"""), ("labels", Ones(4)));
        var validator = new StixValidator(new StixValidatorOptions { MaxIssues = 6 });

        ValidationReport report = Validate(json, validator);

        Assert.Equal(6, report.Errors.Count(static e => e.Rule != TooManyIssues) + report.Warnings.Count);
        Assert.Single(report.Errors, static e => e.Rule == TooManyIssues);
        Assert.Contains("6 issues", report.Errors[^1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Exactly_max_issues_adds_nothing()
    {
        string json = ExampleWith("indicator", ("labels", Ones(3)));
        var validator = new StixValidator(new StixValidatorOptions { MaxIssues = 3 });

        ValidationReport report = Validate(json, validator);

        Assert.Equal(3, report.Errors.Count);
        Assert.DoesNotContain(report.Errors, static e => e.Rule == TooManyIssues);
    }

    [Fact]
    public void A_warnings_only_document_past_the_limit_is_invalid()
    {
        string json = ExampleWith("indicator", ("indicator_types", """["a b","c d","e f"]"""));
        var validator = new StixValidator(new StixValidatorOptions { MaxIssues = 2 });

        ValidationReport report = Validate(json, validator);

        Assert.Equal(2, report.Warnings.Count);
        Assert.Equal(TooManyIssues, Assert.Single(report.Errors).Rule);
        Assert.False(report.IsValid);
    }

    [Fact]
    public void The_limit_applies_across_a_bundle_and_each_call_starts_afresh()
    {
        var bundle = new StringBuilder("""{"type":"bundle","id":"bundle--94ab9d9a-3b11-4ac6-8214-079b66c93fcb","objects":[""");
        for (int i = 0; i < 50; i++)
        {
            bundle.Append(i == 0 ? "" : ",").Append(ExampleWith("indicator", ("labels", Ones(10))));
        }

        string json = bundle.Append("]}").ToString();
        var validator = new StixValidator(new StixValidatorOptions { MaxIssues = 25 });

        ValidationReport first = Validate(json, validator);
        ValidationReport second = Validate(json, validator);

        // objects[0]: 10 errors; objects[1]: 10 errors, then a duplicate-object warning; objects[2]: 4 errors, then stop.
        Assert.Equal(26, first.Errors.Count + first.Warnings.Count);
        Assert.Equal("$.objects[1].id", Assert.Single(first.Warnings).Path);
        Assert.Equal("$.objects[2].labels[3]", first.Errors[^2].Path);
        Assert.Equal(TooManyIssues, first.Errors[^1].Rule);
        Assert.Equal(26, second.Errors.Count + second.Warnings.Count);
        AssertClean(Example("indicator"), validator);
    }

    [Fact]
    public void The_final_error_is_at_the_root_given_for_an_object()
    {
        var obj = new StixObject((Detente.Stix.Json.JsonObject)Parse(ExampleWith("indicator", ("labels", Ones(5)))));
        var validator = new StixValidator(new StixValidatorOptions { MaxIssues = 1 });

        ValidationReport report = validator.Validate(obj, "$.objects[7]");

        Assert.Equal(2, report.Errors.Count);
        Assert.Equal("$.objects[7].labels[0]", report.Errors[0].Path);
        Assert.Equal(new ValidationIssue("$.objects[7]", TooManyIssues, report.Errors[1].Message), report.Errors[1]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(int.MinValue)]
    public void A_limit_below_one_is_refused(int value)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new StixValidatorOptions { MaxIssues = value });
    }

    [Fact]
    public void A_limit_of_one_is_accepted()
    {
        Assert.Equal(1, new StixValidatorOptions { MaxIssues = 1 }.MaxIssues);
    }

    private static string Ones(int count)
    {
        var list = new StringBuilder(count * 2 + 2).Append('[');
        for (int i = 0; i < count; i++)
        {
            list.Append(i == 0 ? "1" : ",1");
        }

        return list.Append(']').ToString();
    }
}
