namespace Detente.Testing;

/// <summary>The seeded mutations the test suite runs fuzz targets over (long runs use AFL++: tests/Detente.Fuzz/run-afl.sh).</summary>
public static class FuzzMutator
{
    private static readonly byte[][] s_tokens =
    [
        "{"u8.ToArray(), "}"u8.ToArray(), "["u8.ToArray(), "]"u8.ToArray(), ","u8.ToArray(), ":"u8.ToArray(),
        "\""u8.ToArray(), "\\u"u8.ToArray(), "\\ud83d"u8.ToArray(), "1e308"u8.ToArray(), "-0"u8.ToArray(),
        "9007199254740993"u8.ToArray(), "null"u8.ToArray(), "\"type\":"u8.ToArray(), "60"u8.ToArray(),
        "--"u8.ToArray(), "Z"u8.ToArray(), ".999999999"u8.ToArray(), [0xFF], [0xC3], [0xEF, 0xBB, 0xBF], [0],
        ";"u8.ToArray(), "="u8.ToArray(), "q=0"u8.ToArray(), "*/*"u8.ToArray(), "&"u8.ToArray(), "%"u8.ToArray(), "match["u8.ToArray(),
    ];

    /// <summary>
    /// One to four mutations of <paramref name="seed"/>: bit flips, deletions, inserted JSON and header tokens,
    /// truncation, random bytes, splices from <paramref name="seeds"/>, duplicated spans.
    /// </summary>
    public static byte[] Mutate(byte[] seed, IReadOnlyList<byte[]> seeds, Random random)
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

    /// <summary>
    /// Runs <paramref name="target"/> over <paramref name="iterations"/> mutations of <paramref name="seeds"/> drawn
    /// from <paramref name="randomSeed"/>; with <paramref name="tokens"/>, a third of the inputs also get one of them
    /// inserted at a random place. Anything the target throws becomes a <see cref="PropertyFailedException"/> naming the iteration and the input (base64),
    /// so the failure can be replayed.
    /// </summary>
    public static void Run(string name, Action<byte[]> target, IReadOnlyList<byte[]> seeds, int randomSeed, int iterations,
        IReadOnlyList<byte[]>? tokens = null)
    {
        var random = new Random(randomSeed);
        for (int i = 0; i < iterations; i++)
        {
            byte[] input = Mutate(seeds[random.Next(seeds.Count)], seeds, random);
            if (tokens is not null && random.Next(3) == 0)
            {
                int at = random.Next(input.Length + 1);
                input = [.. input[..at], .. tokens[random.Next(tokens.Count)], .. input[at..]];
            }

            try
            {
                target(input);
            }
            catch (Exception e)
            {
                throw new PropertyFailedException(
                    $"{name} failed on iteration {i} with {e.GetType().Name}: {e.Message}\ninput (base64): {Convert.ToBase64String(input)}", e);
            }
        }
    }
}
