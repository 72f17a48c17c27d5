using System.Text;
using CsCheck;
using Detente.Patterns.Indexing;
using Detente.Testing;

namespace Detente.Patterns.Tests.Indexing;

public sealed class LikePatternTests
{
    public static TheoryData<string, string, bool> Table => new()
    {
        // STIX 2.1 §9.5 and the reference matcher's tests.
        { "he%", "hello", true },
        { "he__o", "hello", true },
        { "he_o", "hello", false },
        { "%", "", true },
        { "%%", "x", true },
        { "", "", true },
        { "", "a", false },
        { "_", "", false },
        { "_%_", "ab", true },
        { "_%_", "a", false },
        { "%.ru", "evil.ru", true },
        { "%.ru", "evil.ru.com", false },
        { "a%b%c", "aXbYc", true },
        { "a%b%c", "acb", false },
        { "%ab", "aab", true },
        { "a%aab", "aaab", true },
        { "%a%a%a%b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaac", false },
        // No escape character: % and _ are always wildcards.
        { "100%", "100", true },
        { "100%", "100%", true },
        { "a_c", "a_c", true },
        // A character is a code point.
        { "_", "é", true },
        { "_", "😀", true },
        { "__", "😀", false },
        { "x_y", "x😀y", true },
        // Line breaks are characters like any other.
        { "a_c", "a\nc", true },
        { "%", "line1\nline2", true },
        // Case-sensitive.
        { "ABC", "abc", false },
        // Unicode NFC on both sides (the reference matcher's normalization tests).
        { "e\u0301", "é", true },
        { "é", "e\u0301", true },
        { "\u1e0d\u0307", "d\u0323\u0307", true },
        { "\u1e0b\u0323", "\u1e0d\u0307", true },
        { "_", "e\u0301", true },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void Like_follows_the_table(string pattern, string value, bool expected)
    {
        LikePattern like = LikePattern.Create(pattern);
        Assert.Equal(expected, like.IsMatch(value));
        Assert.Equal(expected, like.IsMatch(Encoding.UTF8.GetBytes(value)));
    }

    [Theory]
    [InlineData("%.evil.com/%", ".evil.com/")]
    [InlineData("a_bc%d", "bc")]
    [InlineData("%", "")]
    [InlineData("_x_yz", "yz")]
    [InlineData("abc", "abc")]
    [InlineData("ab_cd", "ab")]
    [InlineData("%é%", "é")]
    public void The_required_literal_is_the_longest_run_without_wildcards(string pattern, string literal)
    {
        Assert.Equal(literal, Encoding.UTF8.GetString(LikePattern.Create(pattern).RequiredLiteral));
    }

    [Fact]
    public void A_pattern_with_an_unpaired_surrogate_is_refused()
    {
        Assert.Throws<ArgumentException>(() => LikePattern.Create("a\ud800%"));
    }

    [Fact]
    public void Like_agrees_with_a_naive_code_point_matcher()
    {
        Gen<string> pattern = Gen.OneOf<string>("a", "b", "é", "😀", "%", "_").Array[0, 7].Select(static p => string.Concat(p));
        Gen<string> value = Gen.OneOf<string>("a", "b", "é", "😀").Array[0, 8].Select(static p => string.Concat(p));
        Property.ForAll(Gen.Select(pattern, value), pair =>
        {
            (string p, string v) = pair;
            bool expected = Naive(Runes(p), Runes(v));
            LikePattern like = LikePattern.Create(p);
            Assert.Equal(expected, like.IsMatch(v));
            if (expected)
            {
                Assert.True(Encoding.UTF8.GetBytes(v).AsSpan().IndexOf(like.RequiredLiteral) >= 0, "a match lacks the required literal");
            }
        }, iterations: 3000, print: pair => $"'{pair.Item1}' LIKE '{pair.Item2}'");
    }

    private static int[] Runes(string s) => s.EnumerateRunes().Select(r => r.Value).ToArray();

    private static bool Naive(ReadOnlySpan<int> p, ReadOnlySpan<int> v)
    {
        if (p.IsEmpty)
        {
            return v.IsEmpty;
        }

        if (p[0] == '%')
        {
            for (int i = 0; i <= v.Length; i++)
            {
                if (Naive(p[1..], v[i..]))
                {
                    return true;
                }
            }

            return false;
        }

        return !v.IsEmpty && (p[0] == '_' || p[0] == v[0]) && Naive(p[1..], v[1..]);
    }
}
