using System.Text;
using CsCheck;
using Detente.Fuzz;
using Detente.Patterns.Matching;
using Detente.Patterns.Telemetry;
using Detente.Stix;
using Detente.Testing;

namespace Detente.Patterns.Tests.Matching;

/// <summary>
/// <see cref="IndicatorSet.MatchStix"/> (the fast path over the bytes) gives the same observations, errors and hits as
/// the full path (the document read into observations, each matched), on random indicator sets and documents; the
/// comparison is <see cref="StixMatchTarget.Compare"/>, the oracle of the <c>stix-match</c> fuzz target.
/// </summary>
public sealed class StixFastPathTests
{
    private sealed record Step(int Kind, int Index, int Seed);

    private sealed record Scenario(int Seed, Step[] Steps)
    {
        public override string ToString() => $"seed {Seed}, {Steps.Length} steps";
    }

    private static readonly Gen<Scenario> s_scenarios = Gen.Select(
        Gen.Int[0, 1_000_000],
        Gen.Select(Gen.Frequency((3, Gen.Const(0)), (1, Gen.Const(1)), (8, Gen.Const(2))), Gen.Int[0, 40], Gen.Int, static (k, i, s) => new Step(k, i, s)).Array[20, 60],
        static (seed, steps) => new Scenario(seed, steps));

    [Fact]
    public void The_fast_path_agrees_with_the_full_path_on_random_indicators_and_documents()
    {
        var counts = new Counts();
        Property.ForAll(s_scenarios, s => Check(s, counts), iterations: 150, print: static s => s.ToString());

        // Not vacuous: the fast path answered many documents, others went the full path and hit, some were malformed.
        Assert.True(counts.Fast > 500 && counts.FullWithHits > 50 && counts.Malformed > 50, $"{counts.Fast} {counts.FullWithHits} {counts.Malformed}");
    }

    [Fact]
    public void The_fast_path_answers_most_bundles_of_the_benchmark_workload_and_misses_no_hit()
    {
        var workload = new MatcherWorkload(1_000);
        IndicatorSet fast = Load(workload.Indicators());
        IndicatorSet full = Load(workload.Indicators());
        var reader = new StixTelemetryReader();
        int answered = 0;
        var hits = new List<IndicatorHit>();
        for (int i = 0; i < 2_000; i++)
        {
            byte[] document = Encoding.UTF8.GetBytes(i % 4 == 3 ? workload.Telemetry.ObservedData20() : workload.Telemetry.ObservedDataBundle());
            StixMatchResult result = StixMatchTarget.Compare(fast, full, reader, document, hits);
            Assert.Equal(1, result.Observations);
            answered += result.FastPath ? 1 : 0;
        }

        Assert.True(answered > 1_800, $"the fast path answered {answered} of 2000");
        Assert.True(hits.Count > 20, $"{hits.Count} hits");
    }

    [Fact]
    public void A_document_with_a_candidate_is_read_in_full_and_hits()
    {
        IndicatorSet set = Load([new Indicator("indicator--00000000-0000-4000-8000-000000000001", Pattern.Parse("[domain-name:value = 'evil.example.com']"))]);
        var hits = new List<IndicatorHit>();
        var errors = new List<TelemetryError>();

        StixMatchResult result = set.MatchStix(new StixTelemetryReader(), Document("\"evil.example.com\""), hits, errors);

        Assert.Equal(new StixMatchResult(1, 0, FastPath: false), result);
        Assert.Equal("indicator--00000000-0000-4000-8000-000000000001", Assert.Single(hits).IndicatorId);
        Assert.Empty(errors);
    }

    [Fact]
    public void A_document_without_a_candidate_is_answered_by_the_fast_path()
    {
        IndicatorSet set = Load([new Indicator("indicator--00000000-0000-4000-8000-000000000001", Pattern.Parse("[domain-name:value = 'evil.example.com']"))]);
        var hits = new List<IndicatorHit>();

        StixMatchResult result = set.MatchStix(new StixTelemetryReader(), Document("\"good.example.com\""), hits, []);

        Assert.Equal(new StixMatchResult(1, 0, FastPath: true), result);
        Assert.Empty(hits);
    }

    [Fact]
    public void An_escaped_value_is_unescaped_before_it_is_probed()
    {
        IndicatorSet set = Load([new Indicator("indicator--00000000-0000-4000-8000-000000000001", Pattern.Parse("[domain-name:value = 'evil.example.com']"))]);
        var hits = new List<IndicatorHit>();

        StixMatchResult result = set.MatchStix(new StixTelemetryReader(), Document("\"\\u0065vil.example.com\""), hits, []);

        Assert.False(result.FastPath);
        Assert.Single(hits);
    }

    [Theory]
    [InlineData("{\"type\":\"bundle\",\"objects\":[{\"type\":\"ipv4-addr\",\"type\":\"ipv4-addr\"}]}")] // a duplicate name
    [InlineData("{\"type\":\"bundle\",\"objects\":[{\"id\":\"x\"}]}")] // an item without a type
    [InlineData("{\"type\":\"bundle\",\"objects\":{}}")] // objects is not a list
    [InlineData("{\"type\":\"observed-data\",\"first_observed\":\"2024-01-01T00:00:00Z\",\"last_observed\":\"2023-01-01T00:00:00Z\",\"number_observed\":1,\"object_refs\":[]}")]
    [InlineData("{\"type\":\"observed-data\",\"first_observed\":\"2024-01-01T00:00:00Z\",\"last_observed\":\"2024-01-01T00:00:00Z\",\"number_observed\":1,\"objects\":{\"0\":{\"value\":\"x\"}}}")]
    [InlineData("{\"type\":\"bundle\",\"n\":9007199254740993}")] // an inexact integer
    [InlineData("[1]")]
    [InlineData("{} {}")]
    [InlineData("\"\"")]
    public void A_document_the_full_path_reports_is_not_answered_by_the_fast_path(string json)
    {
        IndicatorSet set = Load([new Indicator("indicator--00000000-0000-4000-8000-000000000001", Pattern.Parse("[domain-name:value = 'evil.example.com']"))]);
        var errors = new List<TelemetryError>();

        StixMatchResult result = set.MatchStix(new StixTelemetryReader(), Encoding.UTF8.GetBytes(json), [], errors);

        Assert.False(result.FastPath);
        Assert.NotEmpty(errors);
        Assert.Equal(errors.Count, result.Errors);
    }

    [Fact]
    public void A_count_written_with_a_fraction_goes_the_full_path()
    {
        IndicatorSet set = Load([new Indicator("indicator--00000000-0000-4000-8000-000000000001", Pattern.Parse("[domain-name:value = 'evil.example.com']"))]);
        byte[] json = Encoding.UTF8.GetBytes("{\"type\":\"observed-data\",\"first_observed\":\"2024-01-01T00:00:00Z\",\"last_observed\":\"2024-01-01T00:00:00Z\",\"number_observed\":1.0,\"object_refs\":[]}");

        StixMatchResult result = set.MatchStix(new StixTelemetryReader(), json, [], []);

        Assert.Equal(new StixMatchResult(1, 0, FastPath: false), result);
    }

    [Fact]
    public void A_set_with_a_general_unit_reads_every_document_in_full()
    {
        IndicatorSet set = Load([new Indicator("indicator--00000000-0000-4000-8000-000000000001", Pattern.Parse("[network-traffic:dst_port > 1000]"))]);

        StixMatchResult result = set.MatchStix(new StixTelemetryReader(), Document("\"good.example.com\""), [], []);

        Assert.False(result.FastPath);
    }

    [Theory]
    [InlineData("SHA-256", false, true)]
    [InlineData("sha_256", false, true)]
    [InlineData("Sha256", false, true)]
    [InlineData("S-H-A-2-5-6", false, true)]
    [InlineData("SHA-512", true, false)] // another algorithm's key is not probed under SHA-256
    [InlineData("SHA-2560", true, false)]
    [InlineData("MD5", true, false)]
    public void A_hash_is_probed_under_the_spellings_of_its_own_algorithm(string key, bool fast, bool hit)
    {
        const string Sha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        IndicatorSet set = Load([new Indicator("indicator--00000000-0000-4000-8000-000000000001", Pattern.Parse($"[file:hashes.'SHA-256' = '{Sha256}']"))]);
        IndicatorSet full = Load([new Indicator("indicator--00000000-0000-4000-8000-000000000001", Pattern.Parse($"[file:hashes.'SHA-256' = '{Sha256}']"))]);
        byte[] document = Encoding.UTF8.GetBytes(
            "{\"type\":\"observed-data\",\"id\":\"observed-data--0b2c3d4e-5f60-4718-8a9b-0c1d2e3f4a5b\",\"first_observed\":\"2024-01-02T03:04:05Z\","
            + "\"last_observed\":\"2024-01-02T03:04:05Z\",\"number_observed\":1,\"objects\":{\"0\":{\"type\":\"file\",\"hashes\":{\"" + key + "\":\""
            + Sha256.ToUpperInvariant() + "\"}}}}");
        var hits = new List<IndicatorHit>();

        StixMatchResult result = StixMatchTarget.Compare(set, full, new StixTelemetryReader(), document, hits);

        Assert.Equal(fast, result.FastPath);
        Assert.Equal(hit ? 1 : 0, hits.Count);
    }

    private static byte[] Document(string domainJson) => Encoding.UTF8.GetBytes(
        "{\"type\":\"bundle\",\"id\":\"bundle--6f1d2d7e-5a3e-4c8a-9a55-0c3d5e1b2a01\",\"objects\":["
        + "{\"type\":\"observed-data\",\"id\":\"observed-data--0b2c3d4e-5f60-4718-8a9b-0c1d2e3f4a5b\",\"first_observed\":\"2024-01-02T03:04:05Z\","
        + "\"last_observed\":\"2024-01-02T03:04:05Z\",\"number_observed\":1,\"object_refs\":[\"domain-name--2b3c4d5e-6f70-4182-93a4-b5c6d7e8f901\"]},"
        + "{\"type\":\"domain-name\",\"id\":\"domain-name--2b3c4d5e-6f70-4182-93a4-b5c6d7e8f901\",\"value\":" + domainJson + "}]}");

    private static IndicatorSet Load(IEnumerable<Indicator> indicators)
    {
        var set = new IndicatorSet(new FieldKeyTable());
        using (set.BeginBulkLoad())
        {
            foreach (Indicator indicator in indicators)
            {
                set.Add(indicator);
            }
        }

        return set;
    }

    private sealed class Counts
    {
        public int Fast { get; set; }

        public int FullWithHits { get; set; }

        public int Malformed { get; set; }
    }

    private static void Check(Scenario scenario, Counts counts)
    {
        var telemetry = new TelemetryGenerator(scenario.Seed, poolSize: 6);
        IndicatorSet fast = Load([]);
        IndicatorSet full = Load([]);
        var reader = new StixTelemetryReader(new StixReader(new StixReaderLimits { MaxDepth = 16, MaxStringBytes = 4096 }));
        var seeds = new List<byte[]>();
        foreach (Step step in scenario.Steps)
        {
            var random = new Random(step.Seed);
            switch (step.Kind)
            {
                case 0:
                    Indicator indicator = MatcherEquivalenceTests.RandomIndicator(telemetry, step.Index, random);
                    fast.Add(indicator);
                    full.Add(indicator);
                    break;
                case 1:
                    string id = $"indicator--00000000-0000-4000-8000-{step.Index:D12}";
                    Assert.Equal(full.Remove(id), fast.Remove(id));
                    break;
                default:
                    byte[] document = RandomDocument(telemetry, random, seeds);
                    var hits = new List<IndicatorHit>();
                    StixMatchResult result = StixMatchTarget.Compare(fast, full, reader, document, hits);
                    counts.Fast += result.FastPath ? 1 : 0;
                    counts.Malformed += result.Errors > 0 ? 1 : 0;
                    counts.FullWithHits += hits.Count > 0 ? 1 : 0;
                    break;
            }
        }
    }

    private static byte[] RandomDocument(TelemetryGenerator telemetry, Random random, List<byte[]> seeds)
    {
        string text = random.Next(6) switch
        {
            0 => telemetry.ObservedData20(),
            1 => $"[{telemetry.ObservedData20()},{telemetry.ObservedDataBundle()}]",
            2 => telemetry.ObservedDataBundle().Replace(".", "\\u002e", StringComparison.Ordinal), // escapes everywhere
            3 => telemetry.ObservedDataBundle().Replace("\"value\"", "\"value\":\"x\",\"value\"", StringComparison.Ordinal), // duplicates
            _ => telemetry.ObservedDataBundle(),
        };
        byte[] document = Encoding.UTF8.GetBytes(text);
        seeds.Add(document);
        return random.Next(4) == 0 ? FuzzMutator.Mutate(document, seeds, random) : document;
    }
}
