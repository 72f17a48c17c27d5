using System.Text;
using Detente.Fuzz;
using Detente.Testing;

namespace Detente.Stix.Tests.Fuzz;

/// <summary>
/// Runs every fuzz target over seeded mutations of valid inputs (a few thousand per target, fixed seed), so the
/// default test run exercises the same oracles that long AFL++ runs (tests/Detente.Fuzz/run-afl.sh) use. Targets whose
/// inputs are not STIX (TAXII, policy, PSI and ledger wire forms) run in their own libraries' test projects, from seeds
/// of their own kind.
/// </summary>
public sealed class FuzzMutationTests
{
    private const int Iterations = 4000;

    private static readonly string[] s_testedElsewhere = ["taxii-", "accept", "policy-", "psi-", "ledger-"];

    public static TheoryData<string> Targets =>
        new(FuzzTargets.All.Keys.Where(static k => !s_testedElsewhere.Any(p => k.StartsWith(p, StringComparison.Ordinal))));

    [Theory]
    [MemberData(nameof(Targets))]
    public void Mutated_inputs_never_break_a_target(string name)
    {
        FuzzTarget target = FuzzTargets.All[name];
        var reader = new StixReader();
        int accepted = 0;
        FuzzMutator.Run(name, input =>
        {
            accepted += Accepts(reader, input) ? 1 : 0;
            target(input);
        }, Seeds(), 20261123, Iterations);

        if (name == "reader")
        {
            // The mutations must reach the accept path often, or the oracles are never exercised.
            Assert.True(accepted > Iterations / 20, $"only {accepted} of {Iterations} mutated inputs were valid JSON");
        }
    }

    [Fact]
    public void A_target_that_throws_fails_the_run_with_the_iteration_and_the_input()
    {
        PropertyFailedException e = Assert.Throws<PropertyFailedException>(() =>
            FuzzMutator.Run("throwing", static input => throw new InvalidOperationException("boom"), [[0x7B, 0x7D]], 1, 10));
        Assert.StartsWith("throwing failed on iteration 0 with InvalidOperationException: boom", e.Message, StringComparison.Ordinal);
        Assert.Contains("input (base64): ", e.Message, StringComparison.Ordinal);
        Assert.IsType<InvalidOperationException>(e.InnerException);
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
