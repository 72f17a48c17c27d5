using System.Text;
using Detente.Fuzz;
using Detente.Taxii.Tests.Vectors;
using Detente.Testing;

namespace Detente.Taxii.Tests.Fuzz;

/// <summary>
/// Runs the TAXII fuzz targets over seeded mutations of TAXII inputs (the spec's examples, the corpus, typical
/// headers and queries), so the default test run exercises the oracles that long AFL++ runs use.
/// </summary>
public sealed class TaxiiFuzzTests
{
    private const int Iterations = 4000;

    public static TheoryData<string> Targets => new("taxii-envelope", "taxii-status", "accept", "taxii-query");

    [Theory]
    [MemberData(nameof(Targets))]
    public void Mutated_inputs_never_break_a_target(string name)
    {
        FuzzTarget target = FuzzTargets.All[name];
        FuzzMutator.Run(name, input => target(input), Seeds(), 20261124, Iterations);
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void Seeds_pass_every_target(string name)
    {
        foreach (byte[] seed in Seeds())
        {
            FuzzTargets.All[name](seed);
        }
    }

    [Fact]
    public void The_envelope_and_status_seeds_are_accepted_so_the_oracles_run()
    {
        var reader = new TaxiiReader();
        Assert.Equal(2, reader.ReadEnvelope(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Corpus", "taxii-envelope.json"))).Objects.Count);
        Assert.Equal(4, reader.ReadStatus(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Corpus", "taxii-status.json"))).TotalCount);
    }

    private static List<byte[]> Seeds()
    {
        var seeds = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Corpus")).Select(File.ReadAllBytes).ToList();
        string[] texts =
        [
            TaxiiSpecExamples.Envelope, TaxiiSpecExamples.Status, TaxiiSpecExamples.AddObjectsStatus, TaxiiSpecExamples.EmptyEnvelope,
            "application/taxii+json;version=2.1", "application/taxii+json; charset=utf-8", "*/*;q=0.1, application/taxii+json;q=0",
            "match[id]=indicator--3600ad1b-fff1-4c98-bcc9-4de3bc2e2ffb&match[version]=all", "limit=5&next=a%2Bb",
        ];
        seeds.AddRange(texts.Select(Encoding.UTF8.GetBytes));
        return seeds;
    }
}
