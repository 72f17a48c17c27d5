using System.Collections.Immutable;
using CsCheck;
using Detente.Patterns.Parsing;
using Detente.Testing;

namespace Detente.Patterns.Tests;

/// <summary>The canonical form: one text per pattern, which parses back to an equal pattern.</summary>
public sealed class PrinterTests
{
    public static TheoryData<string, string> Canonical => new()
    {
        { "[file:size=1]", "[file:size = 1]" },
        { "  [ file:size  ==  +1 ]  ", "[file:size = 1]" },
        { "[file:size <> 1]", "[file:size != 1]" },
        { "[file:name NOT LIKE 'a%' AND file:size NOT IN(1,2)]", "[file:name NOT LIKE 'a%' AND file:size NOT IN (1, 2)]" },
        { "[file:'name' = 'x']", "[file:name = 'x']" },
        { "[file:hashes.'MD5' = 'x']", "[file:hashes.MD5 = 'x']" },
        { "[file:hashes.'SHA-256' = 'x']", "[file:hashes.'SHA-256' = 'x']" },
        { "[file:'AND' = 1]", "[file:'AND' = 1]" },
        { "[file:'true'.'EXISTS'.'a.b'.'' = 1]", "[file:'true'.'EXISTS'.'a.b'.'' = 1]" },
        { "[file:'it\\'s'[ * ][ 3 ] = 1]", "[file:'it\\'s'[*][3] = 1]" },
        { "[file:name = 'it\\'s \\\\']", "[file:name = 'it\\'s \\\\']" },
        { "[x-a:p = 7.0]", "[x-a:p = 7.0]" },
        { "[x-a:p = -.5]", "[x-a:p = -0.5]" },
        { "[x-a:p = +00.250]", "[x-a:p = 0.25]" },
        { "[x-a:p = -0.0]", "[x-a:p = -0.0]" },
        { "[x-a:p = 123456789012345678901234567890.5]", "[x-a:p = 123456789012345680000000000000.0]" },
        { "[x-a:p = 0.000000000000000000000000001]", "[x-a:p = 0.000000000000000000000000001]" },
        { "[x-a:p = b'AB\nI=']", "[x-a:p = b'ABI=']" },
        { "[x-a:p = b'QR==']", "[x-a:p = b'QQ==']" },
        { "[x-a:p = h'FFD8']", "[x-a:p = h'ffd8']" },
        { "[x-a:p = t'2016-06-01T00:00:00.000Z']", "[x-a:p = t'2016-06-01T00:00:00.000Z']" },
        { "[x-a:p IN ()]", "[x-a:p IN ()]" },
        { "[EXISTS x-a:p]", "[EXISTS x-a:p]" },
        { "[NOT EXISTS x-a:p]", "[NOT EXISTS x-a:p]" },
        { "[x-a:p = 1] WITHIN 5.0 SECONDS", "[x-a:p = 1] WITHIN 5 SECONDS" },
        { "[x-a:p = 1] WITHIN 0.5 SECONDS", "[x-a:p = 1] WITHIN 0.5 SECONDS" },
        { "[x-a:p = 1] WITHIN 100000000000000000000000 SECONDS", "[x-a:p = 1] WITHIN 100000000000000000000000 SECONDS" },
        { "[x-a:p = 1] REPEATS +5 TIMES", "[x-a:p = 1] REPEATS 5 TIMES" },
        { "(([x-a:p = 1]))", "[x-a:p = 1]" },
        { "([x-a:p = 1]) WITHIN 5 SECONDS", "[x-a:p = 1] WITHIN 5 SECONDS" },
        { "([x-a:p = 1] AND [x-a:p = 2]) AND [x-a:p = 3]", "([x-a:p = 1] AND [x-a:p = 2]) AND [x-a:p = 3]" },
        { "[x-a:p = 1] AND ([x-a:p = 2] AND [x-a:p = 3])", "[x-a:p = 1] AND ([x-a:p = 2] AND [x-a:p = 3])" },
        { "([x-a:p = 1] AND [x-a:p = 2]) OR [x-a:p = 3]", "[x-a:p = 1] AND [x-a:p = 2] OR [x-a:p = 3]" },
        { "[x-a:p = 1] AND ([x-a:p = 2] OR [x-a:p = 3])", "[x-a:p = 1] AND ([x-a:p = 2] OR [x-a:p = 3])" },
        { "([x-a:p = 1] OR [x-a:p = 2]) FOLLOWEDBY [x-a:p = 3]", "[x-a:p = 1] OR [x-a:p = 2] FOLLOWEDBY [x-a:p = 3]" },
        { "[x-a:p = 1] FOLLOWEDBY ([x-a:p = 2] FOLLOWEDBY [x-a:p = 3])", "[x-a:p = 1] FOLLOWEDBY ([x-a:p = 2] FOLLOWEDBY [x-a:p = 3])" },
        { "([x-a:p = 1] OR [x-a:p = 2]) WITHIN 5 SECONDS", "([x-a:p = 1] OR [x-a:p = 2]) WITHIN 5 SECONDS" },
        { "[(x-a:p = 1 OR x-a:p = 2) AND x-a:p = 3]", "[(x-a:p = 1 OR x-a:p = 2) AND x-a:p = 3]" },
        { "[(x-a:p = 1 AND x-a:p = 2) OR x-a:p = 3]", "[x-a:p = 1 AND x-a:p = 2 OR x-a:p = 3]" },
        { "[(x-a:p = 1 AND x-a:p = 2) AND x-a:p = 3]", "[(x-a:p = 1 AND x-a:p = 2) AND x-a:p = 3]" },
        { "[((x-a:p = 1))]", "[x-a:p = 1]" },
        { "/* c */ [x-a:p = 1] // c", "[x-a:p = 1]" },
    };

    [Theory]
    [MemberData(nameof(Canonical))]
    public void Patterns_print_in_canonical_form(string text, string canonical)
    {
        Pattern pattern = Pattern.Parse(text);

        Assert.Equal(canonical, pattern.ToString());
        Assert.Equal(pattern, Pattern.Parse(canonical));
        Assert.Equal(canonical, Pattern.Parse(canonical).ToString());
    }

    [Fact]
    public void Printing_then_parsing_gives_an_equal_pattern_for_random_trees()
    {
        Property.ForAll(PatternGenerators.Pattern, static pattern =>
        {
            string text = pattern.ToString();
            Pattern again = Pattern.Parse(text, pattern.Version, new PatternLimits { MaxLength = int.MaxValue });

            Assert.Equal(pattern, again);
            Assert.Equal(pattern.GetHashCode(), again.GetHashCode());
            Assert.Equal(text, again.ToString());
        }, iterations: 1000, print: static p => $"{p.Version}: {p}");
    }

    [Fact]
    public void Equal_patterns_print_the_same_text_and_different_ones_differ()
    {
        Property.ForAll(Gen.Select(PatternGenerators.Pattern, PatternGenerators.Pattern), static pair =>
        {
            (Pattern a, Pattern b) = pair;
            Assert.Equal(a.Equals(b), a.ToString() == b.ToString() && a.Version == b.Version);
            Assert.True(a.Equals(a) && a.ToString() == a.ToString());
        }, iterations: 300);
        Assert.NotEqual(Pattern.Parse("[x-a:p = -0.0]").ToString(), Pattern.Parse("[x-a:p = 0.0]").ToString());
        Assert.NotEqual(Pattern.Parse("[x-a:p = -0.0]"), Pattern.Parse("[x-a:p = 0.0]"));
        Assert.NotEqual(Pattern.Parse("[x-a:p = t'2020-01-01T00:00:00Z']"), Pattern.Parse("[x-a:p = t'2020-01-01T00:00:00.0Z']"));
    }

    [Fact]
    public void Every_double_prints_as_a_grammar_float_that_reads_back_exactly()
    {
        Property.ForAll(JsonGenerators.Number, static value =>
        {
            string text = PatternPrinter.FormatFloat(value);

            Assert.Matches(@"\A-?[0-9]+\.[0-9]+\z", text);
            Assert.Equal(value, double.Parse(text, System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(double.IsNegative(value), text[0] == '-');
        }, iterations: 2000);
        Assert.Equal("17976931348623157" + new string('0', 292) + ".0", PatternPrinter.FormatFloat(double.MaxValue));
        Assert.Equal("0." + new string('0', 323) + "5", PatternPrinter.FormatFloat(double.Epsilon));
    }

    [Fact]
    public void Nodes_print_their_own_fragment()
    {
        Pattern pattern = Pattern.Parse("[file:hashes.'SHA-256' = 'ab' AND file:size IN (1, 2)] START t'2016-06-01T00:00:00Z' STOP t'2016-07-01T00:00:00Z'");
        var qualified = (QualifiedObservation)pattern.Root;
        var and = (CompoundComparison)((SimpleObservation)qualified.Expression).Comparison;
        var hash = (PropertyComparison)and.Operands[0];

        Assert.Equal("file:hashes.'SHA-256' = 'ab' AND file:size IN (1, 2)", and.ToString());
        Assert.Equal("file:hashes.'SHA-256'", hash.Path.ToString());
        Assert.Equal(".'SHA-256'", hash.Path.Components[1].ToString());
        Assert.Equal("'ab'", hash.Value.ToString());
        Assert.Equal("START t'2016-06-01T00:00:00Z' STOP t'2016-07-01T00:00:00Z'", qualified.Qualifiers[0].ToString());
        Assert.Equal("[*]", PathComponent.AnyIndex.ToString());
        Assert.Equal("[-1]", PathComponent.OfIndex(-1).ToString());
        Assert.Equal("(1, 2)", ((PropertyComparison)and.Operands[1]).Value.ToString());
    }

    [Fact]
    public void Trees_built_in_code_print_with_the_parentheses_they_need()
    {
        var a = new SimpleObservation(new PropertyComparison(new ObjectPath("x-a", PathComponent.OfProperty("p")), ComparisonOperator.Equal, new IntegerConstant(1)));
        var or = new CompoundObservation(ObservationOperator.Or, a, a);
        var and = new CompoundObservation(ObservationOperator.And, or, a, new CompoundObservation(ObservationOperator.And, a, a));
        var qualified = new QualifiedObservation(new QualifiedObservation(and, new WithinQualifier(5)), new RepeatsQualifier(2));

        var pattern = new Pattern(qualified);

        Assert.Equal("((([x-a:p = 1] OR [x-a:p = 1]) AND [x-a:p = 1] AND ([x-a:p = 1] AND [x-a:p = 1])) WITHIN 5 SECONDS) REPEATS 2 TIMES", pattern.ToString());
        Assert.Equal(pattern, Pattern.Parse(pattern.ToString()));
        Assert.Equal(ImmutableArray.Create<ObservationExpression>(or, a, and.Operands[2]), and.Operands);
    }
}
