using System.Text;
using CsCheck;
using Detente.Patterns.Indexing;
using Detente.Testing;

namespace Detente.Patterns.Tests.Indexing;

public sealed class AhoCorasickTests
{
    [Fact]
    public void The_automaton_finds_exactly_the_patterns_a_naive_search_finds()
    {
        Gen<string> word = Gen.String[Gen.Char['a', 'd'], 1, 5];
        Gen<string> text = Gen.String[Gen.Char['a', 'e'], 0, 40];
        Property.ForAll(Gen.Select(word.Array[1, 30], text, Gen.Bool), input =>
        {
            (string[] words, string t, bool fold) = input;
            byte[][] patterns = words.Distinct(StringComparer.Ordinal).Select(Encoding.UTF8.GetBytes).ToArray();
            AhoCorasick automaton = AhoCorasick.Build(patterns);
            string scanned = fold ? t.ToUpperInvariant() : t;
            var reporter = new Collect();
            automaton.Scan(Encoding.UTF8.GetBytes(scanned), fold, ref reporter);
            int[] expected = Enumerable.Range(0, patterns.Length)
                .Where(i => t.Contains(Encoding.UTF8.GetString(patterns[i]), StringComparison.Ordinal))
                .ToArray();
            Assert.Equal(expected, reporter.Found.Order().ToArray());
        }, iterations: 1000);
    }

    [Fact]
    public void Each_occurrence_is_reported_at_its_end()
    {
        AhoCorasick automaton = AhoCorasick.Build([.. new[] { "he", "she", "his", "hers" }.Select(Encoding.UTF8.GetBytes)]);
        var reporter = new Collect();
        automaton.Scan("ushers"u8, foldAsciiCase: false, ref reporter);
        Assert.Equal([1, 0, 3], reporter.All); // she and he end at the same byte (longest first), then hers
    }

    [Fact]
    public void Empty_and_repeated_patterns_are_refused()
    {
        Assert.Throws<ArgumentException>(() => AhoCorasick.Build([[]]));
        Assert.Throws<ArgumentException>(() => AhoCorasick.Build(["ab"u8.ToArray(), "ab"u8.ToArray()]));
        Assert.Throws<ArgumentException>(() => AhoCorasick.BuildSorted(["b"u8.ToArray(), "a"u8.ToArray()]));
    }

    private struct Collect : IPatternReporter
    {
        public Collect()
        {
        }

        public List<int> All { get; } = [];

        public readonly HashSet<int> Found => [.. All];

        public readonly void Report(int pattern) => All.Add(pattern);
    }
}
