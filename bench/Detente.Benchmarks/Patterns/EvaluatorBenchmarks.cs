using BenchmarkDotNet.Attributes;
using Detente.Patterns;
using Detente.Patterns.Evaluation;
using Detente.Patterns.Observations;
using Detente.Stix;
using Detente.Stix.Json;

namespace Detente.Benchmarks.Patterns;

/// <summary>
/// The general evaluator (the slow path of the matcher, and <c>detente pattern eval</c>): one pattern over one
/// observation, and a FOLLOWEDBY … WITHIN pattern over 1,000 observations one second apart, with the match found
/// (10 % of the observations match each side; the pair that fits the window comes last) and with no match at all
/// (every right-hand observation precedes every left-hand one, so all 250,000 candidate pairs are refused).
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class EvaluatorBenchmarks
{
    private const string Sha = "aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f";

    private Pattern _simple = null!;
    private Observation[] _one = [];
    private Pattern _followedBy = null!;
    private Observation[] _thousand = [];
    private Observation[] _thousandNoMatch = [];

    [GlobalSetup]
    public void Setup()
    {
        _simple = Pattern.Parse($"[file:hashes.'SHA-256' = '{Sha}' AND file:name = 'report.pdf']");
        _one = [Make(0, ("file", "name", "report.pdf"))];
        _followedBy = Pattern.Parse("([ipv4-addr:value = '198.51.100.3'] FOLLOWEDBY [domain-name:value = 'evil.example']) WITHIN 300 SECONDS");

        // 1,000 observations a second apart: every 10th an address hit, every 10th (offset 5) a domain hit; the domain
        // hits come 500 s or more after the address hits except for the last pair, so only the end of the search binds.
        _thousand = new Observation[1000];
        for (int i = 0; i < 1000; i++)
        {
            _thousand[i] = i % 10 == 0 && i < 500 ? Make(i, ("ipv4-addr", "value", "198.51.100.3"))
                : i % 10 == 5 && i >= 500 ? Make(i + 400, ("domain-name", "value", "evil.example"))
                : Make(i, ("ipv4-addr", "value", "203.0.113.9"));
        }

        _thousand[999] = Make(900, ("domain-name", "value", "evil.example"));
        _thousand[998] = Make(899, ("ipv4-addr", "value", "198.51.100.3"));

        // No match: 500 domain hits, then 500 address hits.
        _thousandNoMatch = new Observation[1000];
        for (int i = 0; i < 1000; i++)
        {
            _thousandNoMatch[i] = i < 500 ? Make(i, ("domain-name", "value", "evil.example")) : Make(i, ("ipv4-addr", "value", "198.51.100.3"));
        }

        if (!PatternEvaluator.Evaluate(_simple, _one).IsMatch || !PatternEvaluator.Evaluate(_followedBy, _thousand).IsMatch
            || PatternEvaluator.Evaluate(_followedBy, _thousandNoMatch).Status != EvaluationStatus.NoMatch)
        {
            throw new InvalidOperationException("The benchmark inputs do not give the expected answers.");
        }
    }

    /// <summary>A hash AND a name on one file of one observation.</summary>
    [Benchmark(Baseline = true)]
    public bool OnePatternOneObservation() => PatternEvaluator.Evaluate(_simple, _one).IsMatch;

    /// <summary>FOLLOWEDBY … WITHIN over 1,000 observations, the only binding at the end.</summary>
    [Benchmark]
    public bool FollowedByWithin1000Match() => PatternEvaluator.Evaluate(_followedBy, _thousand).IsMatch;

    /// <summary>FOLLOWEDBY … WITHIN over 1,000 observations, no binding (500 × 500 pairs refused).</summary>
    [Benchmark]
    public bool FollowedByWithin1000NoMatch() => PatternEvaluator.Evaluate(_followedBy, _thousandNoMatch).IsMatch;

    private static Observation Make(int second, (string Type, string Property, string Value) sco)
    {
        JsonObject json = sco.Type == "file"
            ? JsonObject.Create(("type", "file"), ("name", sco.Value), ("hashes", JsonObject.Create(("SHA-256", Sha))))
            : JsonObject.Create(("type", sco.Type), (sco.Property, sco.Value));
        StixTimestamp time = StixTimestamp.FromDateTimeOffset(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero).AddSeconds(second), 0);
        return Observation.Create(time, time, 1, [new ObservedObject("0", new StixObject(json))], ObservationForm.Embedded, $"observed-data--{second}");
    }
}
