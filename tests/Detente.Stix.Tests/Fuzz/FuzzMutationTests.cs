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
            byte[] input = FuzzMutator.Mutate(seeds[random.Next(seeds.Count)], seeds, random);
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
}
