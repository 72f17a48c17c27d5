using System.Text;
using CsCheck;
using Detente.Patterns.Indexing;
using Detente.Testing;

namespace Detente.Patterns.Tests.Indexing;

public sealed class StixRegexTests
{
    public static TheoryData<string, string, bool> Table => new()
    {
        // The reference matcher's basic tests: MATCHES searches, it is not anchored.
        { "l+", "hello", true },
        { ".lo$", "hello", true },
        { "^ello", "hello", false },
        // PCRE's \d \w \s are ASCII.
        { "^\\d+$", "123", true },
        { "^\\d+$", "١٢٣", false },
        { "^\\w+$", "hello_9", true },
        { "^\\w+$", "héllo", false },
        { "\\s", "a b", true },
        { "\\s", "a\u00A0b", false },
        { "\\s", "\u000B", true },
        { "^\\D+$", "abc", true },
        { "^\\D+$", "a1", false },
        { "^\\W$", "é", true },
        { "^\\S+$", "a\u00A0b", true },
        { "[\\d]", "5", true },
        { "[^\\d]", "5", false },
        { "^[\\w.-]+$", "host-1.example", true },
        { "^[\\s]$", "\u2003", false },
        // PCRE-only escapes get their PCRE meaning.
        { "\\h", "\u00A0", true },
        { "\\h", "\n", false },
        { "\\v", "\n", true },
        { "\\v", "\u000B", true },
        { "\\v", "v", false },
        { "^\\R$", "\r\n", true },
        { "^\\N$", "\n", false },
        { "^\\N$", "x", true },
        // Character codes.
        { "\\x41", "A", true },
        { "^\\x4$", "\u0004", true },
        { "\\x{1F600}", "😀", true },
        { "^\\x{1F600}+$", "😀😀", true },
        { "^😀+$", "😀😀", true },
        { "\\o{101}", "A", true },
        { "\\0101", "\b1", true },
        { "\\cA", "\u0001", true },
        { "\\e", "\u001B", true },
        // Quoting, POSIX classes, literal brackets and braces.
        { "\\Qa.b\\E", "a.b", true },
        { "\\Qa.b\\E", "axb", false },
        { "\\Qa.b", "a.b", true },
        { "[[:alpha:]]+", "abc", true },
        { "^[[:digit:]]{3}$", "123", true },
        { "^[[:xdigit:]]+$", "c0ffee", true },
        { "^[[:alpha:]]$", "é", false },
        { "[]a]", "]", true },
        { "[a[]", "[", true },
        { "^[a-c-[b]]$", "-]", true },
        { "a{,2}", "a{,2}", true },
        { "^a{2}$", "aa", true },
        { "x{", "x{", true },
        // Python/PCRE named groups.
        { "(?P<x>ab)(?P=x)", "abab", true },
        { "(?P<x>ab)(?P=x)", "abba", false },
        { "(?<x>ab)\\k{x}", "abab", true },
        // Flags, lookarounds, comments.
        { "(?i)EVIL", "evil", true },
        { "(?i:EV)IL", "evIL", true },
        { "(?i:EV)IL", "evil", false },
        { "(?s)a.b", "a\nb", true },
        { "a.b", "a\nb", false },
        { "(?m)^b", "a\nb", true },
        { "foo(?=bar)", "foobar", true },
        { "a(?#comment)b", "ab", true },
        { "\\bword\\b", "a word here", true },
        { "\\p{Lu}", "É", true },
        { "\\p{^Lu}", "É", false },
        { "\\pN", "7", true },
        // NFC on both sides.
        { "é", "e\u0301", true },
        { "e\u0301", "é", true },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void Matches_follows_the_table(string pattern, string value, bool expected)
    {
        StixRegex regex = StixRegex.Create(pattern);
        RegexOutcome outcome = expected ? RegexOutcome.Match : RegexOutcome.NoMatch;
        Assert.Equal(outcome, regex.Match(value));
        Assert.Equal(outcome, regex.Match(Encoding.UTF8.GetBytes(value)));
    }

    [Theory]
    [InlineData("a++")]
    [InlineData("a*+")]
    [InlineData("a{2}+")]
    [InlineData("\\K")]
    [InlineData("\\X")]
    [InlineData("\\g1")]
    [InlineData("(?|a|b)")]
    [InlineData("(?R)")]
    [InlineData("(a)(?1)")]
    [InlineData("(?&name)")]
    [InlineData("(?P>name)")]
    [InlineData("(*FAIL)")]
    [InlineData("(?(1)a|b)")]
    [InlineData("(?C1)")]
    [InlineData("\\p{Greek}")]
    [InlineData("\\p{L&}")]
    [InlineData("\\y")]
    [InlineData("\\N{U+0041}")]
    [InlineData("(?U)a")]
    [InlineData("[")]
    [InlineData("[a")]
    [InlineData("(")]
    [InlineData("a)")]
    [InlineData("\\")]
    [InlineData("[😀]")]
    [InlineData("[\\x{1F600}]")]
    [InlineData("[\\k]")]
    [InlineData("*a")]
    [InlineData("\\x{110000}")]
    [InlineData("\\x{D800}")]
    [InlineData("(?#open")]
    public void Expressions_dotnet_cannot_express_faithfully_are_refused(string pattern)
    {
        Assert.False(StixRegex.TryCreate(pattern, out StixRegex? regex, out string? error));
        Assert.Null(regex);
        Assert.False(string.IsNullOrWhiteSpace(error));
        Assert.Throws<ArgumentException>(() => StixRegex.Create(pattern));
    }

    [Fact]
    public void An_expression_with_an_unpaired_surrogate_is_refused()
    {
        Assert.False(StixRegex.TryCreate("a\ud800", out _, out string? error));
        Assert.Contains("surrogate", error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_expression_over_the_length_limit_is_refused()
    {
        Assert.False(StixRegex.TryCreate(new string('a', StixRegex.MaxPatternLength + 1), out _, out string? error));
        Assert.Contains("limit", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("abc", true)]
    [InlineData("^https?://[a-z]+\\.evil$", true)]
    [InlineData("(a)\\1", false)]
    [InlineData("foo(?=bar)", false)]
    [InlineData("(?>a+)b", false)]
    public void The_linear_time_engine_runs_whatever_it_can(string pattern, bool nonBacktracking)
    {
        StixRegex regex = StixRegex.Create(pattern);
        Assert.Equal(nonBacktracking, regex.IsNonBacktracking);
        Assert.Equal(nonBacktracking ? System.Text.RegularExpressions.Regex.InfiniteMatchTimeout : StixRegex.DefaultMatchTimeout, regex.MatchTimeout);
    }

    [Fact]
    public void A_runaway_backtracking_match_reports_a_timeout()
    {
        StixRegex regex = StixRegex.Create("^(\\w+\\s?)*\\1$", TimeSpan.FromMilliseconds(1));
        Assert.False(regex.IsNonBacktracking);
        Assert.Equal(RegexOutcome.Timeout, regex.Match("An input string that takes a very very very very very very very long time to fail!"));
    }

    [Fact]
    public void Binary_values_are_matched_byte_for_code_point()
    {
        StixRegex regex = StixRegex.Create("^\\xff\\x00MZ");
        Assert.Equal(RegexOutcome.Match, regex.MatchBinary([0xFF, 0x00, (byte)'M', (byte)'Z', 0x90]));
        Assert.Equal(RegexOutcome.NoMatch, regex.MatchBinary([0x00, 0xFF]));
    }

    [Theory]
    [InlineData("evil\\.com", "evil.com", false)]
    [InlineData("^https?://evil", "://evil", false)]
    [InlineData("ab+c", "ab", false)]
    [InlineData("abb+c", "abb", false)]
    [InlineData("a|b", "", false)]
    [InlineData("(a|b)cde", "cde", false)]
    [InlineData("(?i)EviL", "evil", true)]
    [InlineData("x(abc)yz", "yz", false)]
    [InlineData("abc?d", "ab", false)]
    [InlineData("abc*def", "def", false)]
    [InlineData("\\d{3}-evil", "-evil", false)]
    [InlineData("(?x)a b c", "", false)]
    [InlineData("[abc]def", "def", false)]
    [InlineData("\\Qa.b\\E+", "a.b", false)]
    [InlineData("caf\\x{E9}", "café", false)]
    [InlineData("(?i)caf\\x{E9}s", "caf", true)]
    [InlineData("a{0,3}bcd", "bcd", false)]
    [InlineData("ab{2}cd", "bcd", false)]
    public void The_required_literal_is_taken_from_the_top_level_only(string pattern, string literal, bool ignoreCase)
    {
        StixRegex regex = StixRegex.Create(pattern);
        Assert.Equal(literal, Encoding.UTF8.GetString(regex.RequiredLiteral));
        Assert.Equal(ignoreCase, regex.RequiredLiteralIgnoresCase);
    }

    [Fact]
    public void Every_match_contains_the_required_literal()
    {
        Gen<string> atom = Gen.OneOf<string>("a", "b", "ab", "é", ".", "\\d", "[ab]", "(a|b)", "(?:ab)", "\\.", "x", "\\Qa.\\E", "(?i)", "|");
        Gen<string> quantifier = Gen.OneOf<string>("", "", "", "*", "+", "?", "{2}", "{0,2}", "+?");
        Gen<string> pattern = Gen.Select(atom, quantifier, static (a, q) => a is "|" or "(?i)" ? a : a + q).Array[1, 6].Select(static p => string.Concat(p));
        Gen<string> value = Gen.OneOf<string>("a", "b", "A", "B", "é", ".", "1", "x", "X").Array[0, 10].Select(static p => string.Concat(p));
        Property.ForAll(Gen.Select(pattern, value), pair =>
        {
            (string p, string v) = pair;
            if (!StixRegex.TryCreate(p, out StixRegex? regex, out _) || regex.Match(v) != RegexOutcome.Match)
            {
                return;
            }

            byte[] bytes = Encoding.UTF8.GetBytes(v);
            bool found = regex.RequiredLiteralIgnoresCase
                ? Encoding.UTF8.GetString(bytes).Contains(Encoding.UTF8.GetString(regex.RequiredLiteral), StringComparison.OrdinalIgnoreCase)
                : bytes.AsSpan().IndexOf(regex.RequiredLiteral) >= 0;
            Assert.True(found, $"'{v}' matches but lacks '{Encoding.UTF8.GetString(regex.RequiredLiteral)}'");
        }, iterations: 1500, print: pair => $"'{pair.Item2}' MATCHES '{pair.Item1}'");
    }
}
