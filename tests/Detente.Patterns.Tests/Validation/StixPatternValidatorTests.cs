using Detente.Patterns.Validation;
using Detente.Stix.Json;
using Detente.Stix.Validation;
using Detente.Testing;

namespace Detente.Patterns.Tests.Validation;

/// <summary>The patterns library behind <see cref="StixValidator"/>: indicators' stix patterns, by their pattern_version.</summary>
public sealed class StixPatternValidatorTests
{
    private static readonly StixPatternValidator s_patterns = new();

    [Fact]
    public void A_valid_pattern_passes()
    {
        Assert.Same(PatternCheck.Valid, s_patterns.Validate("[ipv4-addr:value = '198.51.100.3']", "stix", null));
        Assert.Same(PatternCheck.Valid, s_patterns.Validate("[ipv4-addr:value = '198.51.100.3']", "stix", "2.1"));
    }

    [Fact]
    public void Pattern_version_picks_the_grammar()
    {
        const string V20 = "[file:name = 'a'] START '2016-06-01T00:00:00Z' STOP '2016-07-01T00:00:00Z'";

        Assert.True(s_patterns.Validate(V20, "stix", "2.0").IsValid);
        Assert.False(s_patterns.Validate(V20, "stix", "2.1").IsValid);
        Assert.False(s_patterns.Validate(V20, "stix", null).IsValid);
    }

    [Fact]
    public void An_unknown_pattern_version_is_checked_as_2_1_with_a_warning()
    {
        PatternCheck check = s_patterns.Validate("[ipv4-addr:value = '198.51.100.3']", "stix", "2.2");

        Assert.True(check.IsValid);
        Assert.StartsWith("pattern_version is not 2.0 or 2.1", Assert.Single(check.Warnings), StringComparison.Ordinal);
    }

    [Fact]
    public void Other_pattern_languages_are_not_checked()
    {
        Assert.Same(PatternCheck.Valid, s_patterns.Validate("alert tcp any any -> any 80", "snort", null));
    }

    [Fact]
    public void Messages_give_positions_and_rules_not_the_pattern()
    {
        PatternCheck syntax = s_patterns.Validate("[domain-name:value = 'evil.example'", "stix", "2.1");
        PatternCheck rules = s_patterns.Validate("[domain-name:value = 'evil.example' AND url:value = 'x'] WITHIN 0 SECONDS", "stix", "2.1");

        Assert.Equal("at position 35: expected AND, OR or ']', found end of pattern (pattern.syntax)", Assert.Single(syntax.Errors));
        Assert.Equal(2, rules.Errors.Count);
        Assert.StartsWith("at position 1: comparison expressions joined by AND", rules.Errors[0], StringComparison.Ordinal);
        Assert.EndsWith("(pattern.and-object-types)", rules.Errors[0], StringComparison.Ordinal);
        Assert.All(syntax.Errors.Concat(rules.Errors), static m => Assert.DoesNotContain("evil", m, StringComparison.Ordinal));
    }

    [Fact]
    public void Limits_apply()
    {
        var small = new StixPatternValidator(new PatternLimits { MaxLength = 10 });

        Assert.Equal("at position 10: expected a pattern of at most 10 characters, found a longer pattern (pattern.syntax)",
            Assert.Single(small.Validate("[ipv4-addr:value = '198.51.100.3']", "stix", null).Errors));
    }

    [Fact]
    public void The_stix_validator_reports_pattern_issues_at_the_pattern()
    {
        var validator = new StixValidator(new StixValidatorOptions { PatternValidator = s_patterns });
        JsonObject indicator = (JsonObject)new Detente.Stix.StixReader().Parse(System.Text.Encoding.UTF8.GetBytes(StixExamples.ValidObjects["indicator"]));

        Assert.True(validator.Validate(indicator).IsValid);
        ValidationReport report = validator.Validate(indicator.With("pattern", new JsonString("[file:size = '1' AND url:value = 'x']")));

        ValidationIssue error = Assert.Single(report.Errors);
        Assert.Equal((ValidationRules.IndicatorPattern, "$.pattern"), (error.Rule, error.Path));
        ValidationIssue warning = Assert.Single(report.Warnings);
        Assert.Equal((ValidationRules.IndicatorPatternWarning, "$.pattern"), (warning.Rule, warning.Path));
    }

    [Fact]
    public void Null_arguments_are_caller_bugs()
    {
        Assert.Throws<ArgumentNullException>(() => s_patterns.Validate(null!, "stix", null));
        Assert.Throws<ArgumentNullException>(() => s_patterns.Validate("[a:b = 1]", null!, null));
    }
}
