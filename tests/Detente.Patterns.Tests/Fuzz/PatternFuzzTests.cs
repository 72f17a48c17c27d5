using System.Text;
using CsCheck;
using Detente.Fuzz;
using Detente.Testing;

namespace Detente.Patterns.Tests.Fuzz;

/// <summary>
/// Random text and mutations of valid patterns never make the parser or validator throw anything but
/// <see cref="PatternSyntaxException"/>; whatever is accepted round-trips (the oracles of the <c>pattern</c> fuzz target).
/// </summary>
public sealed class PatternFuzzTests
{
    private const int Iterations = 4000;

    private static readonly string[] s_tokens =
    [
        "[", "]", "(", ")", ":", ".", ",", "*", "=", "==", "!=", "<>", "<", "<=", ">", ">=", "'", "\\", "\\'", "\\\\",
        "AND", "OR", "NOT", "FOLLOWEDBY", "LIKE", "MATCHES", "ISSUBSET", "ISSUPERSET", "EXISTS", "IN", "START", "STOP",
        "WITHIN", "SECONDS", "REPEATS", "TIMES", "LAST", "true", "false", "t'", "b'", "h'", "2016-06-01T00:00:00Z", "AA==",
        "ff", "0", "-1", "+.5", "9007199254740992", "2147483648", "file", "x-a", "hashes", "'SHA-256'", "[*]", "[0]", " ",
        "\n", "/*", "*/", "//", "\u2028", "é", "😀", "\uD800", "\0",
    ];

    /// <summary>Strings assembled from the grammar's own tokens reach deep into the parser, unlike uniform noise.</summary>
    private static readonly Gen<string> s_tokenSoup = Gen.Frequency(
        (6, Gen.Int[0, s_tokens.Length - 1].Select(static i => s_tokens[i])),
        (1, JsonGenerators.String))
        .Array[0, 40].Select(static parts => string.Concat(parts));

    [Fact]
    public void Random_token_sequences_only_ever_raise_syntax_errors()
    {
        int accepted = 0;
        Property.ForAll(s_tokenSoup, text =>
        {
            FuzzTargets.PatternTarget(Encoding.UTF8.GetBytes(text));
            accepted += Pattern.TryParse(text, out _) ? 1 : 0;
        }, iterations: Iterations);
        Assert.True(accepted >= 0);
    }

    [Fact]
    public void Arbitrary_strings_only_ever_raise_syntax_errors()
    {
        Property.ForAll(JsonGenerators.String, static text => FuzzTargets.PatternTarget(Encoding.UTF8.GetBytes(text)), iterations: Iterations);
        Property.ForAll(Gen.Byte.Array[0, 64], static bytes => FuzzTargets.PatternTarget(bytes), iterations: Iterations);
    }

    [Fact]
    public void Mutations_of_valid_patterns_only_ever_raise_syntax_errors()
    {
        List<string> seeds = Seeds();
        var random = new Random(20261123);
        int accepted = 0;
        for (int i = 0; i < Iterations; i++)
        {
            string input = Mutate(seeds[random.Next(seeds.Count)], random);
            accepted += Pattern.TryParse(input, out _) ? 1 : 0;
            try
            {
                FuzzTargets.PatternTarget(Encoding.UTF8.GetBytes(input));
            }
            catch (Exception e)
            {
                Assert.Fail($"iteration {i}: {e.GetType().Name}: {e.Message}\ninput (base64): {Convert.ToBase64String(Encoding.UTF8.GetBytes(input))}");
            }
        }

        // Mutations must often stay valid, or the round-trip oracle is never exercised.
        Assert.True(accepted > Iterations / 10, $"only {accepted} of {Iterations} mutated patterns parsed");
    }

    [Fact]
    public void Corpus_seeds_parse_and_pass_the_target()
    {
        string[] files = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Corpus"), "pattern-*.txt");

        Assert.NotEmpty(files);
        foreach (string file in files)
        {
            byte[] bytes = File.ReadAllBytes(file);
            Assert.True(Pattern.TryParse(Encoding.UTF8.GetString(bytes), out _), file);
            FuzzTargets.PatternTarget(bytes);
        }
    }

    [Fact]
    public void Every_generated_tree_s_text_passes_the_target()
    {
        Property.ForAll(PatternGenerators.Pattern, static p => FuzzTargets.PatternTarget(Encoding.UTF8.GetBytes(p.ToString())), iterations: 300);
    }

    private static List<string> Seeds()
    {
        var seeds = new List<string>(PatternGenerators.IndicatorPatterns(200, seed: 5));
        foreach (TheoryDataRow<string> row in Vectors.Stix21SpecExamples.Examples)
        {
            seeds.Add(row.Data);
        }

        foreach (string file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Corpus"), "pattern-*.txt"))
        {
            seeds.Add(File.ReadAllText(file));
        }

        return seeds;
    }

    private static string Mutate(string seed, Random random)
    {
        var text = new StringBuilder(seed);
        int steps = 1 + random.Next(3);
        for (int s = 0; s < steps; s++)
        {
            int at = text.Length == 0 ? 0 : random.Next(text.Length);
            switch (random.Next(6))
            {
                case 0 when text.Length > 0:
                    text.Remove(at, Math.Min(text.Length - at, 1 + random.Next(6)));
                    break;
                case 1:
                    text.Insert(at, s_tokens[random.Next(s_tokens.Length)]);
                    break;
                case 2 when text.Length > 0:
                    text[at] = (char)random.Next(0x20, 0x7F);
                    break;
                case 3 when text.Length > 0:
                    text.Length = at; // truncate
                    break;
                case 4 when text.Length > 0:
                    // Replace one token-looking word with another: keeps the pattern grammatical more often.
                    int end = at;
                    while (end < text.Length && char.IsAsciiLetterOrDigit(text[end]))
                    {
                        end++;
                    }

                    text.Remove(at, end - at).Insert(at, s_tokens[random.Next(s_tokens.Length)]);
                    break;
                default:
                    int length = Math.Min(text.Length - at, 1 + random.Next(24));
                    text.Insert(at, text.ToString(at, length)); // duplicate a span
                    break;
            }
        }

        return text.ToString();
    }
}
