using Detente.Patterns.Tests.Vectors;
using Detente.Patterns.Validation;

namespace Detente.Patterns.Tests;

/// <summary>Every pattern of STIX 2.1 section 9 parses, prints canonically, and validates.</summary>
public sealed class SpecExampleTests
{
    [Theory]
    [MemberData(nameof(Stix21SpecExamples.Examples), MemberType = typeof(Stix21SpecExamples))]
    public void The_examples_of_section_9_8_parse_and_validate_cleanly(string text)
    {
        Pattern pattern = Pattern.Parse(text);

        Assert.Equal(pattern, Pattern.Parse(pattern.ToString()));
        PatternValidationResult result = PatternValidator.Validate(pattern);
        Assert.True(result.Errors.Count == 0 && result.Warnings.Count == 0, string.Join("\n", result.Errors.Concat(result.Warnings)));
    }

    [Theory]
    [MemberData(nameof(Stix21SpecExamples.TextExamples), MemberType = typeof(Stix21SpecExamples))]
    public void The_examples_in_the_text_of_section_9_parse_and_validate_cleanly(string text)
    {
        Pattern pattern = Pattern.Parse(text);

        Assert.Equal(pattern, Pattern.Parse(pattern.ToString()));
        PatternValidationResult result = PatternValidator.Validate(pattern);
        Assert.True(result.Errors.Count == 0 && result.Warnings.Count == 0, string.Join("\n", result.Errors.Concat(result.Warnings)));
    }

    [Theory]
    [MemberData(nameof(Stix21SpecExamples.OperatorExamples), MemberType = typeof(Stix21SpecExamples))]
    public void The_examples_of_the_operator_table_parse_and_have_no_errors(string text)
    {
        Pattern pattern = Pattern.Parse(text);

        Assert.Equal(pattern, Pattern.Parse(pattern.ToString()));
        PatternValidationResult result = PatternValidator.Validate(pattern);
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
    }

    [Fact]
    public void The_operator_table_s_process_name_is_a_stix_2_0_property_and_warned_about()
    {
        // STIX 2.1 process has no name (it moved to image_ref.name); the table kept the 2.0 example.
        PatternValidationResult result = PatternValidator.Validate("[process:name IN ('proccy', 'proximus', 'badproc')]");

        Assert.Equal(PatternRules.PropertyUnknown, Assert.Single(result.Warnings).Rule);
        Assert.Empty(PatternValidator.Validate("[process:name IN ('proccy', 'proximus', 'badproc')]", PatternVersion.V20).Warnings);
    }

    [Fact]
    public void The_abbreviated_hash_of_the_within_example_parses_and_is_reported()
    {
        PatternValidationResult result = PatternValidator.Validate(Stix21SpecExamples.AbbreviatedHashExample);

        Assert.NotNull(result.Pattern);
        PatternIssue issue = Assert.Single(result.Errors);
        Assert.Equal(PatternRules.HashValue, issue.Rule);
        Assert.Equal(Stix21SpecExamples.AbbreviatedHashExample.IndexOf("'1398", StringComparison.Ordinal), issue.Position);
    }

    [Fact]
    public void Qualifiers_are_not_greedy_as_section_9_5_2_explains()
    {
        // "[ a = 'b' ] FOLLOWEDBY [ c = 'd' ] REPEATS 5 TIMES" is "[ a = 'b' ] FOLLOWEDBY ( [ c = 'd' ] REPEATS 5 TIMES)".
        Pattern pattern = Pattern.Parse("[ x-a:a = 'b' ] FOLLOWEDBY [ x-c:c = 'd' ] REPEATS 5 TIMES");
        Pattern explicitly = Pattern.Parse("[ x-a:a = 'b' ] FOLLOWEDBY ( [ x-c:c = 'd' ] REPEATS 5 TIMES)");
        Pattern grouped = Pattern.Parse("([ x-a:a = 'b' ] FOLLOWEDBY [ x-c:c = 'd' ]) REPEATS 5 TIMES");

        Assert.Equal(explicitly, pattern);
        var followedBy = Assert.IsType<CompoundObservation>(pattern.Root);
        Assert.Equal(ObservationOperator.FollowedBy, followedBy.Operator);
        Assert.IsType<QualifiedObservation>(followedBy.Operands[1]);
        var repeated = Assert.IsType<QualifiedObservation>(grouped.Root);
        Assert.IsType<CompoundObservation>(repeated.Expression);
        Assert.NotEqual(pattern, grouped);
    }
}
