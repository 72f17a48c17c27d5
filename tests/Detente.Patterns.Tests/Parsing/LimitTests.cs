namespace Detente.Patterns.Tests.Parsing;

/// <summary>Length and nesting limits: refused at the position where the limit was reached, never a crash.</summary>
public sealed class LimitTests
{
    [Fact]
    public void The_defaults_are_documented_values()
    {
        Assert.Equal(256 * 1024, PatternLimits.Default.MaxLength);
        Assert.Equal(64, PatternLimits.Default.MaxDepth);
    }

    [Fact]
    public void Limits_refuse_nonsense()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PatternLimits { MaxLength = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new PatternLimits { MaxLength = -1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new PatternLimits { MaxDepth = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new PatternLimits { MaxDepth = PatternLimits.MaxAllowedDepth + 1 });
        Assert.Equal(PatternLimits.MaxAllowedDepth, new PatternLimits { MaxDepth = PatternLimits.MaxAllowedDepth }.MaxDepth);
    }

    [Fact]
    public void A_pattern_over_the_length_limit_is_refused_at_the_limit()
    {
        var limits = new PatternLimits { MaxLength = 20 };
        string text = "[file:name = 'abcdefghij']";

        PatternSyntaxException e = Assert.Throws<PatternSyntaxException>(() => Pattern.Parse(text, limits: limits));

        Assert.Equal(20, e.Position);
        Assert.Equal("a pattern of at most 20 characters", e.Expected);
        Assert.Equal("a longer pattern", e.Found);
        Assert.Equal(text, Pattern.Parse(text, limits: new PatternLimits { MaxLength = text.Length }).ToString());
    }

    [Fact]
    public void Nesting_deeper_than_the_limit_is_refused_at_the_bracket_that_exceeds_it()
    {
        var limits = new PatternLimits { MaxDepth = 3 };
        Assert.Equal("[x-a:p = 1]", Pattern.Parse("(([x-a:p = 1]))", limits: limits).ToString());
        Assert.Equal("[x-a:p = 1]", Pattern.Parse("([(x-a:p = 1)])", limits: limits).ToString());

        PatternSyntaxException e = Assert.Throws<PatternSyntaxException>(() => Pattern.Parse("(([(x-a:p = 1)]))", limits: limits));

        Assert.Equal(3, e.Position);
        Assert.Equal("at most 3 nested brackets and parentheses", e.Expected);
        Assert.Equal("'('", e.Found);
    }

    [Fact]
    public void Siblings_do_not_add_up_to_depth()
    {
        var limits = new PatternLimits { MaxDepth = 3 };
        string text = string.Join(" AND ", Enumerable.Repeat("([(x-a:p = 1)] OR [x-a:p = 2])", 1000));

        Pattern pattern = Pattern.Parse(text, limits: limits);

        Assert.Equal(1000, ((CompoundObservation)pattern.Root).Operands.Length);
    }

    [Theory]
    [InlineData('(')]
    [InlineData('[')]
    public void A_hundred_thousand_open_brackets_are_a_syntax_error_not_a_crash(char open)
    {
        string text = new(open, 100_000);

        PatternSyntaxException e = Assert.Throws<PatternSyntaxException>(() => Pattern.Parse(text));

        Assert.True(e.Position <= 64, e.Message);
    }

    [Fact]
    public void Deep_nesting_at_both_levels_is_refused_at_the_limit()
    {
        string text = "[" + new string('(', 100_000) + "x-a:p = 1" + new string(')', 100_000) + "]";

        PatternSyntaxException e = Assert.Throws<PatternSyntaxException>(() => Pattern.Parse(text));

        Assert.Equal(64, e.Position);
    }

    [Fact]
    public void The_deepest_allowed_nesting_parses_prints_and_compares()
    {
        var limits = new PatternLimits { MaxDepth = PatternLimits.MaxAllowedDepth };
        int half = PatternLimits.MaxAllowedDepth / 2;
        string inner = "[" + new string('(', half - 1) + "x-a:p = 1 AND x-a:q = 2" + new string(')', half - 1) + "]";
        string text = new string('(', half) + inner + " WITHIN 5 SECONDS" + new string(')', half);

        Pattern pattern = Pattern.Parse(text, limits: limits);

        Assert.Equal(pattern, Pattern.Parse(pattern.ToString(), limits: limits));
        Assert.Equal(pattern.GetHashCode(), Pattern.Parse(pattern.ToString(), limits: limits).GetHashCode());
        Assert.True(Detente.Patterns.Validation.PatternValidator.Validate(pattern).IsValid);
    }

    [Fact]
    public void Long_chains_and_long_paths_are_loops_not_recursion()
    {
        string chain = string.Join(" OR ", Enumerable.Repeat("[x-a:p = 1]", 15_000));
        string path = "[x-a:p" + string.Concat(Enumerable.Repeat("[0]", 60_000)) + " = 1]";
        string qualifiers = "[x-a:p = 1]" + string.Concat(Enumerable.Repeat(" WITHIN 5 SECONDS", 15_000));
        string comparisons = "[" + string.Join(" AND ", Enumerable.Repeat("x-a:p = 1", 15_000)) + "]";

        Assert.Equal(15_000, ((CompoundObservation)Pattern.Parse(chain).Root).Operands.Length);
        Assert.Equal(60_001, ((PropertyComparison)((SimpleObservation)Pattern.Parse(path).Root).Comparison).Path.Components.Length);
        Assert.Equal(15_000, ((QualifiedObservation)Pattern.Parse(qualifiers).Root).Qualifiers.Length);
        Pattern many = Pattern.Parse(comparisons);
        Assert.Equal(many, Pattern.Parse(many.ToString()));
        Assert.Equal(14_999, Detente.Patterns.Validation.PatternValidator.Validate(Pattern.Parse(qualifiers)).Errors.Count); // duplicate qualifiers
    }

    [Fact]
    public void A_huge_pattern_at_the_length_limit_parses_in_one_pass()
    {
        string item = "[ipv4-addr:value = '198.51.100.3']";
        int count = (PatternLimits.DefaultMaxLength + 4) / (item.Length + 4);
        string text = string.Join(" OR ", Enumerable.Repeat(item, count));

        Assert.True(text.Length <= PatternLimits.DefaultMaxLength);
        Assert.Equal(count, ((CompoundObservation)Pattern.Parse(text).Root).Operands.Length);
    }
}
