using System.Text;
using Detente.Fuzz;
using Detente.Testing;

namespace Detente.Stix.Tests.Fuzz;

/// <summary>
/// Runs every fuzz target over seeded mutations of valid inputs (a few thousand per target, fixed seed), so the
/// default test run exercises the same oracles that long AFL++ runs (tests/Detente.Fuzz/run-afl.sh) use.
/// </summary>
public sealed class FuzzMutationTests
{
    private const int Iterations = 4000;

    public static TheoryData<string> Targets => new(FuzzTargets.All.Keys);

    [Theory]
    [MemberData(nameof(Targets))]
    public void Mutated_inputs_never_break_a_target(string name)
    {
        FuzzTarget target = FuzzTargets.All[name];
        List<byte[]> seeds = Seeds();
        var random = new Random(20261123);
        var reader = new StixReader();
        int accepted = 0;
        for (int i = 0; i < Iterations; i++)
        {
            byte[] input = Mutate(seeds[random.Next(seeds.Count)], seeds, random);
            accepted += Accepts(reader, input) ? 1 : 0;
            try
            {
                target(input);
            }
            catch (Exception e)
            {
                Assert.Fail($"{name} failed on iteration {i} with {e.GetType().Name}: {e.Message}\ninput (base64): {Convert.ToBase64String(input)}");
            }
        }

        if (name == "reader")
        {
            // The mutations must reach the accept path often, or the oracles are never exercised.
            Assert.True(accepted > Iterations / 20, $"only {accepted} of {Iterations} mutated inputs were valid JSON");
        }
    }

    private static bool Accepts(StixReader reader, byte[] input)
    {
        try
        {
            reader.Parse(input);
            return true;
        }
        catch (StixFormatException)
        {
            return false;
        }
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void Corpus_seeds_pass_every_target(string name)
    {
        foreach (byte[] seed in Seeds())
        {
            FuzzTargets.All[name](seed);
        }
    }

    private static List<byte[]> Seeds()
    {
        var seeds = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Corpus")).Select(File.ReadAllBytes).ToList();
        var generator = new StixContentGenerator(seed: 7);
        for (int i = 0; i < 20; i++)
        {
            seeds.Add(Encoding.UTF8.GetBytes(generator.NextObject()));
        }

        seeds.Add("[1e400, 9007199254740993, \"\\ud800\", {\"a\":1,\"a\":2}]"u8.ToArray());
        return seeds;
    }

    private static readonly byte[][] s_tokens =
    [
        "{"u8.ToArray(), "}"u8.ToArray(), "["u8.ToArray(), "]"u8.ToArray(), ","u8.ToArray(), ":"u8.ToArray(),
        "\""u8.ToArray(), "\\u"u8.ToArray(), "\\ud83d"u8.ToArray(), "1e308"u8.ToArray(), "-0"u8.ToArray(),
        "9007199254740993"u8.ToArray(), "null"u8.ToArray(), "\"type\":"u8.ToArray(), "60"u8.ToArray(),
        "--"u8.ToArray(), "Z"u8.ToArray(), ".999999999"u8.ToArray(), [0xFF], [0xC3], [0xEF, 0xBB, 0xBF], [0],
    ];

    private static byte[] Mutate(byte[] seed, List<byte[]> seeds, Random random)
    {
        var data = new List<byte>(seed);
        int steps = 1 + random.Next(4);
        for (int s = 0; s < steps; s++)
        {
            int at = data.Count == 0 ? 0 : random.Next(data.Count);
            switch (random.Next(7))
            {
                case 0 when data.Count > 0:
                    data[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1 when data.Count > 0:
                    data.RemoveRange(at, Math.Min(data.Count - at, 1 + random.Next(8)));
                    break;
                case 2:
                    data.InsertRange(at, s_tokens[random.Next(s_tokens.Length)]);
                    break;
                case 3 when data.Count > 0:
                    data.RemoveRange(at, data.Count - at); // truncate
                    break;
                case 4 when data.Count > 0:
                    data[at] = (byte)random.Next(256);
                    break;
                case 5:
                    byte[] other = seeds[random.Next(seeds.Count)];
                    int from = random.Next(other.Length);
                    data.InsertRange(at, other.AsSpan(from, Math.Min(other.Length - from, 1 + random.Next(64))).ToArray());
                    break;
                default:
                    if (data.Count > 0)
                    {
                        int len = Math.Min(data.Count - at, 1 + random.Next(16));
                        data.InsertRange(at, data.GetRange(at, len)); // duplicate a span
                    }

                    break;
            }
        }

        return data.ToArray();
    }
}
