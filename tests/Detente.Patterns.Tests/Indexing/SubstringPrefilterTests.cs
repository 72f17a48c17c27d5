using System.Text;
using CsCheck;
using Detente.Patterns.Indexing;
using Detente.Testing;

namespace Detente.Patterns.Tests.Indexing;

public sealed class SubstringPrefilterTests
{
    [Fact]
    public void Candidates_are_the_always_checked_entries_then_those_whose_literal_occurs()
    {
        var prefilter = new SubstringPrefilter();
        prefilter.Add(1, LikePattern.Create("%evil.com%"));
        prefilter.Add(2, LikePattern.Create("%"));
        prefilter.Add(3, StixRegex.Create("(?i)malware"));
        prefilter.Add(4, StixRegex.Create("a|b"));
        prefilter.Add(5, LikePattern.Create("%good.org"));
        Assert.Equal(2, prefilter.AlwaysCheckCount);
        Assert.Equal([2, 4, 1], Candidates(prefilter, "http://evil.com/x"));
        Assert.Equal([2, 4, 3], Candidates(prefilter, "http://x/MalWare.exe"));
        Assert.Equal([2, 4], Candidates(prefilter, "nothing here"));
    }

    [Fact]
    public void Short_literals_make_an_entry_always_checked()
    {
        var prefilter = new SubstringPrefilter(minLiteralBytes: 4);
        prefilter.Add(1, LikePattern.Create("%.ru"));
        prefilter.Add(2, LikePattern.Create("%.com"));
        Assert.Equal(1, prefilter.AlwaysCheckCount);
        Assert.Equal([1], Candidates(prefilter, "x.org"));
        Assert.Equal([1, 2], Candidates(prefilter, "x.com"));
    }

    [Fact]
    public void Non_ascii_values_make_every_case_insensitive_entry_a_candidate()
    {
        // .NET's case-insensitive matching pairs U+212A KELVIN SIGN with k: the literal "kit" is not in the bytes.
        StixRegex regex = StixRegex.Create("(?i)kit");
        Assert.Equal(RegexOutcome.Match, regex.Match("\u212Ait"));
        var prefilter = new SubstringPrefilter();
        prefilter.Add(7, regex);
        Assert.Equal([7], Candidates(prefilter, "\u212Ait"));
        Assert.Empty(Candidates(prefilter, "cat"));
        Assert.Equal([7], Candidates(prefilter, "KIT"));
    }

    [Fact]
    public void Values_are_normalized_before_the_search()
    {
        var prefilter = new SubstringPrefilter(minLiteralBytes: 1);
        LikePattern like = LikePattern.Create("%café%");
        prefilter.Add(1, like);
        string decomposed = "un cafe\u0301 noir";
        Assert.True(like.IsMatch(decomposed));
        Assert.Equal([1], Candidates(prefilter, decomposed));
    }

    [Fact]
    public void Adding_twice_and_removing_twice_change_nothing()
    {
        var prefilter = new SubstringPrefilter();
        Assert.True(prefilter.Add(1, LikePattern.Create("%abc%")));
        Assert.False(prefilter.Add(1, LikePattern.Create("%xyz%")));
        Assert.Equal([1], Candidates(prefilter, "abc"));
        Assert.Empty(Candidates(prefilter, "xyz"));
        Assert.True(prefilter.Remove(1));
        Assert.False(prefilter.Remove(1));
        Assert.Empty(Candidates(prefilter, "abc"));
        Assert.Equal(0, prefilter.Count);
    }

    [Fact]
    public void Thousands_of_entries_survive_merges_and_rebuilds()
    {
        var prefilter = new SubstringPrefilter();
        for (int i = 0; i < 5_000; i++)
        {
            prefilter.Add(i, LikePattern.Create($"%host{i:D5}.example%"));
        }

        for (int i = 0; i < 5_000; i += 2)
        {
            Assert.True(prefilter.Remove(i));
        }

        for (int i = 0; i < 5_000; i += 4)
        {
            Assert.True(prefilter.Add(i, LikePattern.Create($"%other{i:D5}.example%")));
        }

        for (int i = 0; i < 5_000; i++)
        {
            int[] expected = i % 2 == 1 ? [i] : [];
            Assert.Equal(expected, Candidates(prefilter, $"http://host{i:D5}.example/"));
            int[] other = i % 4 == 0 ? [i] : [];
            Assert.Equal(other, Candidates(prefilter, $"http://other{i:D5}.example/"));
        }
    }

    [Fact]
    public void A_deferred_batch_is_searched_before_and_after_it_is_merged()
    {
        var prefilter = new SubstringPrefilter();
        IDisposable batch = prefilter.DeferMerges();
        using (prefilter.DeferMerges())
        {
            for (int i = 0; i < 1_000; i++)
            {
                prefilter.Add(i, LikePattern.Create($"%batch{i:D4}.example%"));
            }
        }

        Assert.Equal([417], Candidates(prefilter, "http://batch0417.example/"));
        batch.Dispose();
        batch.Dispose();
        Assert.Equal([417], Candidates(prefilter, "http://batch0417.example/"));
        Assert.True(prefilter.Remove(417));
        Assert.Empty(Candidates(prefilter, "http://batch0417.example/"));
        Assert.Equal([418], Candidates(prefilter, "http://batch0418.example/"));
    }

    [Fact]
    public void Candidates_always_include_the_entries_that_match()
    {
        Gen<string> likeAtom = Gen.OneOf<string>("a", "b", "ab", "é", "%", "_", "ba", "😀");
        Gen<string> regexAtom = Gen.OneOf<string>("a", "b", "ab", "é", ".", "[ab]", "(a|b)", "b+", "a?", "(?i)", "|", "\\d");
        Gen<(bool, string)> entry = Gen.Frequency(
            (1, likeAtom.Array[0, 6].Select(static a => (true, string.Concat(a)))),
            (1, regexAtom.Array[1, 5].Select(static a => (false, string.Concat(a)))));
        Gen<string> value = Gen.OneOf<string>("a", "b", "A", "B", "é", "e\u0301", "😀", "1", "\u212A").Array[0, 12].Select(static a => string.Concat(a));
        Gen<int[]> script = Gen.Int[0, 99].Array[50, 700];
        Property.ForAll(Gen.Select(entry.Array[60], value.Array[20], script), input =>
        {
            ((bool IsLike, string Text)[] pool, string[] values, int[] steps) = input;
            var prefilter = new SubstringPrefilter(minLiteralBytes: 2);
            var live = new Dictionary<int, Func<string, bool>>();
            foreach (int step in steps)
            {
                int id = step % 40;
                if (step < 60)
                {
                    (bool isLike, string text) = pool[step];
                    Func<string, bool> matches;
                    if (isLike)
                    {
                        LikePattern like = LikePattern.Create(text);
                        matches = like.IsMatch;
                        Assert.Equal(!live.ContainsKey(id), prefilter.Add(id, like));
                    }
                    else
                    {
                        if (!StixRegex.TryCreate(text, out StixRegex? regex, out _))
                        {
                            continue;
                        }

                        matches = v => regex.Match(v) == RegexOutcome.Match;
                        Assert.Equal(!live.ContainsKey(id), prefilter.Add(id, regex));
                    }

                    live.TryAdd(id, matches);
                }
                else if (step < 85)
                {
                    Assert.Equal(live.Remove(id), prefilter.Remove(id));
                }
                else
                {
                    string v = values[step % values.Length];
                    int[] candidates = Candidates(prefilter, v);
                    Assert.Equal(candidates.Length, candidates.Distinct().Count());
                    Assert.All(candidates, c => Assert.True(live.ContainsKey(c), $"{c} was removed"));
                    foreach ((int id2, Func<string, bool> matches) in live)
                    {
                        if (matches(v))
                        {
                            Assert.Contains(id2, candidates);
                        }
                    }
                }

                Assert.Equal(live.Count, prefilter.Count);
            }
        }, iterations: 40);
    }

    private static int[] Candidates(SubstringPrefilter prefilter, string value)
    {
        var hits = new HitBuffer();
        prefilter.Candidates(Encoding.UTF8.GetBytes(value), hits);
        return hits.AsSpan().ToArray();
    }
}
