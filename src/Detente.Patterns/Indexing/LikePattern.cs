using System.Text;

namespace Detente.Patterns.Indexing;

/// <summary>A STIX <c>LIKE</c> pattern, compiled once: the exact match function and the literal a prefilter can look for.</summary>
/// <remarks>
/// <para>STIX 2.1 §9.5: <c>a LIKE b</c> holds when <c>a</c> matches <c>b</c> as SQL LIKE does: <c>%</c> matches any run
/// of characters, the empty run included, and <c>_</c> exactly one character. The whole value must match. Decisions:</para>
/// <list type="bullet">
/// <item>A character is a Unicode code point (a UTF-8 sequence, or a surrogate pair in UTF-16), not a byte: <c>'_'</c>
/// matches <c>é</c> and <c>😀</c>.</item>
/// <item>Both the pattern and the value are put in Unicode Normalization Form C before matching, as the OASIS reference
/// matcher does, so <c>e</c> + U+0301 matches <c>é</c>.</item>
/// <item>Matching is case-sensitive.</item>
/// <item>There is no escape character: every <c>%</c> and <c>_</c> is a wildcard (STIX defines none, and SQL's
/// <c>ESCAPE</c> clause has no STIX syntax).</item>
/// <item><c>%</c> and <c>_</c> match line breaks too (the reference matcher, which translates LIKE to a Python regex,
/// does not).</item>
/// </list>
/// <para>The match is linear in practice (greedy with one backtracking point per <c>%</c>), never exponential.
/// Thread-safe: instances are immutable.</para>
/// </remarks>
public sealed class LikePattern
{
    private readonly byte[] _utf8;
    private readonly byte[] _literal;

    private LikePattern(string pattern)
    {
        Pattern = pattern;
        _utf8 = Encoding.UTF8.GetBytes(pattern);
        _literal = LongestLiteral(_utf8);
    }

    /// <summary>The pattern in Normalization Form C.</summary>
    public string Pattern { get; }

    /// <summary>
    /// The longest run of the pattern without wildcards, as UTF-8 (the first on a tie; empty when the pattern is only
    /// wildcards). Every value the pattern matches contains it.
    /// </summary>
    public ReadOnlySpan<byte> RequiredLiteral => _literal;

    /// <summary>Compiles <paramref name="pattern"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="pattern"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="pattern"/> holds an unpaired surrogate (it is not Unicode text).</exception>
    public static LikePattern Create(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        if (TextNormalization.HasUnpairedSurrogate(pattern))
        {
            throw new ArgumentException("A LIKE pattern must be Unicode text (it holds an unpaired surrogate).", nameof(pattern));
        }

        return new LikePattern(TextNormalization.ToNfc(pattern));
    }

    /// <summary>True when <paramref name="value"/> matches the pattern.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is null.</exception>
    public bool IsMatch(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Match(_utf8, TextNormalization.ToNfc(Encoding.UTF8.GetBytes(value)));
    }

    /// <summary>True when the UTF-8 <paramref name="utf8Value"/> matches the pattern.</summary>
    /// <remarks>Allocation-free for ASCII values and values already in NFC. Bench: Patterns/IndexPrefilterBenchmarks.LikeMatch.</remarks>
    public bool IsMatch(ReadOnlySpan<byte> utf8Value) => Match(_utf8, TextNormalization.ToNfc(utf8Value));

    /// <summary>The pattern text.</summary>
    public override string ToString() => Pattern;

    private static bool Match(ReadOnlySpan<byte> pattern, ReadOnlySpan<byte> value)
    {
        int p = 0;
        int v = 0;
        int starP = -1; // the pattern position just after the last '%'
        int starV = 0;  // the value position that '%' is currently taken to end at
        while (v < value.Length)
        {
            if (p < pattern.Length)
            {
                byte c = pattern[p];
                if (c == '%')
                {
                    starP = ++p;
                    starV = v;
                    continue;
                }

                if (c == '_')
                {
                    p++;
                    v = Math.Min(value.Length, v + SequenceLength(value[v]));
                    continue;
                }

                if (c == value[v])
                {
                    p++;
                    v++;
                    continue;
                }
            }

            if (starP < 0)
            {
                return false;
            }

            // Let the last '%' take one more character and try again from there.
            starV = Math.Min(value.Length, starV + SequenceLength(value[starV]));
            p = starP;
            v = starV;
        }

        while (p < pattern.Length && pattern[p] == '%')
        {
            p++;
        }

        return p == pattern.Length;
    }

    /// <summary>The length of the UTF-8 sequence that starts with <paramref name="lead"/> (1 for a byte that cannot start one).</summary>
    private static int SequenceLength(byte lead) => lead switch
    {
        < 0xC2 => 1,
        < 0xE0 => 2,
        < 0xF0 => 3,
        < 0xF5 => 4,
        _ => 1,
    };

    private static byte[] LongestLiteral(ReadOnlySpan<byte> pattern)
    {
        int bestStart = 0;
        int bestLength = 0;
        int start = 0;
        for (int i = 0; i <= pattern.Length; i++)
        {
            if (i == pattern.Length || pattern[i] is (byte)'%' or (byte)'_')
            {
                if (i - start > bestLength)
                {
                    bestStart = start;
                    bestLength = i - start;
                }

                start = i + 1;
            }
        }

        return pattern.Slice(bestStart, bestLength).ToArray();
    }
}
