using System.Text;
using Detente.Fuzz;
using Detente.Testing;

namespace Detente.Patterns.Tests.Telemetry;

/// <summary>
/// Runs the flat-line fuzz target (tests/Detente.Fuzz, <c>run-afl.sh flat</c>) over seeded mutations of generated Zeek
/// and EVE lines, so the default test run exercises its oracles.
/// </summary>
public sealed class FlatFuzzTests
{
    private const int Iterations = 3000;

    private static readonly byte[][] s_tokens =
    [
        "{"u8.ToArray(), "}"u8.ToArray(), "["u8.ToArray(), "]"u8.ToArray(), ","u8.ToArray(), ":"u8.ToArray(), "\""u8.ToArray(),
        "\\u"u8.ToArray(), "\\ud800"u8.ToArray(), "\\u002e"u8.ToArray(), "null"u8.ToArray(), "1e400"u8.ToArray(), "-0"u8.ToArray(),
        "\"ts\":"u8.ToArray(), "\"id.orig_h\":"u8.ToArray(), "\"query\":"u8.ToArray(), "::ffff:"u8.ToArray(), ".."u8.ToArray(),
        "+0000"u8.ToArray(), "Z"u8.ToArray(), [0xFF], [0xC3], [0xEF, 0xBB, 0xBF], [0], "\"dns\":{\"queries\":[{\"rrname\":"u8.ToArray(),
    ];

    [Fact]
    public void Mutated_log_lines_never_break_the_flat_reader()
    {
        var generator = new TelemetryGenerator(seed: 11, poolSize: 20);
        var seeds = new List<byte[]>();
        for (int i = 0; i < 30; i++)
        {
            seeds.Add(Encoding.UTF8.GetBytes(generator.ZeekLine()));
            seeds.Add(Encoding.UTF8.GetBytes(generator.EveLine()));
        }

        seeds.AddRange(Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Telemetry", "Samples"), "*.log").SelectMany(File.ReadAllLines).Select(Encoding.UTF8.GetBytes));
        var random = new Random(20261123);
        int accepted = 0;
        var reader = new Detente.Patterns.Telemetry.FlatEventReader(Detente.Patterns.Telemetry.FlatLogMapping.Zeek, new Detente.Patterns.Telemetry.FieldKeyTable());
        for (int i = 0; i < Iterations; i++)
        {
            byte[] input = Mutate(seeds[random.Next(seeds.Count)], seeds, random);
            accepted += reader.ReadObservation(input).Observation is not null ? 1 : 0;
            try
            {
                FlatLineTarget.Fuzz(input);
            }
            catch (Exception e)
            {
                Assert.Fail($"flat failed on iteration {i} with {e.GetType().Name}: {e.Message}\ninput (base64): {Convert.ToBase64String(input)}");
            }
        }

        // The oracles run only on accepted lines: enough must survive mutation.
        Assert.True(accepted > Iterations / 10, $"only {accepted} of {Iterations} mutated lines were accepted");
    }

    private static byte[] Mutate(byte[] seed, List<byte[]> seeds, Random random)
    {
        var data = new List<byte>(seed);
        int steps = 1 + random.Next(3);
        for (int s = 0; s < steps; s++)
        {
            int at = data.Count == 0 ? 0 : random.Next(data.Count);
            switch (random.Next(6))
            {
                case 0 when data.Count > 0:
                    data[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1 when data.Count > 0:
                    data.RemoveRange(at, Math.Min(data.Count - at, 1 + random.Next(6)));
                    break;
                case 2:
                    data.InsertRange(at, s_tokens[random.Next(s_tokens.Length)]);
                    break;
                case 3:
                    byte[] other = seeds[random.Next(seeds.Count)];
                    int from = random.Next(other.Length);
                    data.InsertRange(at, other.AsSpan(from, Math.Min(other.Length - from, 1 + random.Next(40))).ToArray());
                    break;
                default:
                    // A harmless change that keeps the line valid: swap two digits.
                    int digit = data.FindIndex(at, b => b is >= (byte)'0' and <= (byte)'9');
                    if (digit >= 0)
                    {
                        data[digit] = (byte)('0' + random.Next(10));
                    }

                    break;
            }
        }

        return data.ToArray();
    }
}
