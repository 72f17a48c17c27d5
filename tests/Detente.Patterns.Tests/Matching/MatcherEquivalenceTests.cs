using System.Text;
using CsCheck;
using Detente.Patterns.Evaluation;
using Detente.Patterns.Matching;
using Detente.Patterns.Observations;
using Detente.Patterns.Telemetry;
using Detente.Testing;

namespace Detente.Patterns.Tests.Matching;

/// <summary>The compiled matcher agrees with the general evaluator on random indicator sets and random event streams.</summary>
public sealed class MatcherEquivalenceTests
{
    private static readonly DateTimeOffset s_streamStart = new(2024, 1, 2, 3, 4, 5, TimeSpan.Zero);

    /// <summary>One step of a scenario: add an indicator, revoke one, or match an event.</summary>
    private sealed record Step(int Kind, int Index, int Seed);

    private sealed record Scenario(int Seed, int Format, Step[] Steps)
    {
        public override string ToString() => $"seed {Seed}, format {Format}, {Steps.Length} steps";
    }

    private static readonly Gen<Scenario> s_scenarios = Gen.Select(
        Gen.Int[0, 1_000_000],
        Gen.Int[0, 2],
        Gen.Select(Gen.Frequency((3, Gen.Const(0)), (1, Gen.Const(1)), (6, Gen.Const(2))), Gen.Int[0, 40], Gen.Int, static (k, i, s) => new Step(k, i, s)).Array[20, 60],
        static (seed, format, steps) => new Scenario(seed, format, steps));

    [Fact]
    public void The_compiled_matcher_agrees_with_the_evaluator_on_random_indicators_and_events()
    {
        var counts = new HitCounts();
        Property.ForAll(s_scenarios, s => Check(s, counts), iterations: 100, print: static s => s.ToString());

        // The scenarios are not vacuous: single- and multi-observation indicators hit, on flat and STIX events.
        Assert.True(counts.Single > 0 && counts.Multiple > 0 && counts.Stix > 0, $"{counts.Single} {counts.Multiple} {counts.Stix}");
    }

    private sealed class HitCounts
    {
        public int Single { get; set; }

        public int Multiple { get; set; }

        public int Stix { get; set; }
    }

    private static void Check(Scenario scenario, HitCounts counts)
    {
        var telemetry = new TelemetryGenerator(scenario.Seed, poolSize: 6);
        var keys = new FieldKeyTable();
        FlatEventReader reader = new(scenario.Format == 1 ? FlatLogMapping.Eve : FlatLogMapping.Zeek, keys);
        var set = new IndicatorSet(keys);
        var stix = new StixTelemetryReader();
        var live = new Dictionary<string, (Indicator Indicator, List<Observation> Pending)>(StringComparer.Ordinal);
        long lineNumber = 0;
        foreach (Step step in scenario.Steps)
        {
            switch (step.Kind)
            {
                case 0:
                {
                    Indicator indicator = RandomIndicator(telemetry, step.Index, new Random(step.Seed));
                    set.Add(indicator);
                    live[indicator.Id] = (indicator, []);
                    break;
                }

                case 1:
                {
                    string id = Id(step.Index);
                    Assert.Equal(live.Remove(id), set.Remove(id));
                    break;
                }

                default:
                {
                    lineNumber++;
                    var hits = new List<IndicatorHit>();
                    Observation observation;
                    if (scenario.Format == 2)
                    {
                        string bundle = telemetry.ObservedDataBundle();
                        observation = stix.ReadDocument(Encoding.UTF8.GetBytes(bundle)).Single().Observation!;
                        set.Match(observation, hits);
                    }
                    else
                    {
                        byte[] line = Encoding.UTF8.GetBytes(scenario.Format == 1 ? telemetry.EveLine() : telemetry.ZeekLine());
                        TelemetryRecord record = reader.ReadObservation(line, lineNumber, 0);
                        if (record.Observation is null)
                        {
                            Assert.False(set.MatchFlat(reader, line, lineNumber, 0, hits, out _));
                            continue;
                        }

                        observation = record.Observation;
                        Assert.True(set.MatchFlat(reader, line, lineNumber, 0, hits, out _));
                    }

                    var expected = new SortedSet<string>(StringComparer.Ordinal);
                    foreach ((string id, (Indicator indicator, List<Observation> pending)) in live)
                    {
                        if (!Overlaps(indicator, observation))
                        {
                            continue;
                        }

                        pending.Add(observation);
                        if (PatternEvaluator.Evaluate(indicator.Pattern, pending).IsMatch)
                        {
                            counts.Single += indicator.Pattern.Root is SimpleObservation ? 1 : 0;
                            counts.Multiple += indicator.Pattern.Root is SimpleObservation ? 0 : 1;
                            counts.Stix += scenario.Format == 2 ? 1 : 0;
                            expected.Add(id);
                            pending.Clear();
                        }
                    }

                    var actual = new SortedSet<string>(hits.Select(static h => h.IndicatorId), StringComparer.Ordinal);
                    Assert.Equal(hits.Count, actual.Count); // one hit per indicator and event
                    if (!expected.SetEquals(actual))
                    {
                        Assert.Fail($"line {lineNumber}: expected [{string.Join(", ", expected.Select(e => live[e].Indicator.Pattern))}], "
                            + $"got [{string.Join(", ", actual.Select(a => live.TryGetValue(a, out var l) ? l.Indicator.Pattern.ToString() : a))}]");
                    }

                    break;
                }
            }

        }
    }

    private static bool Overlaps(Indicator indicator, Observation observation) =>
        (indicator.ValidUntil is not { } until || observation.FirstObserved.Value < until)
        && (indicator.ValidFrom is not { } from || observation.LastObserved.Value >= from);

    private static string Id(int index) => $"indicator--00000000-0000-4000-8000-{index:D12}";

    internal static Indicator RandomIndicator(TelemetryGenerator t, int index, Random random)
    {
        string Pick(IReadOnlyList<string> pool) => pool[random.Next(pool.Count)];
        string Case(string hex) => random.Next(3) == 0 ? hex.ToUpperInvariant() : hex;
        string HashPath() => random.Next(3) switch { 0 => "'SHA-256'", 1 => "sha256", _ => "SHA_256" };
        string Atom() => random.Next(14) switch
        {
            0 => $"ipv4-addr:value = '{Pick(t.Ipv4)}'",
            1 => $"network-traffic:dst_ref.value = '{Pick(t.Ipv4)}'",
            2 => $"ipv4-addr:value ISSUBSET '{Pick(t.Ipv4)}/{random.Next(8, 33)}'",
            3 => $"domain-name:value = '{Pick(t.Domains)}'",
            4 => $"file:hashes.{HashPath()} = '{Case(Pick(t.Sha256))}'",
            5 => $"file:hashes.MD5 IN ('{Pick(t.Md5)}', '{Case(Pick(t.Md5))}')",
            6 => $"network-traffic:dst_port IN ({random.Next(1, 100)}, 443, 80)",
            7 => $"domain-name:value LIKE '%{Pick(t.Domains)[^6..]}'",
            8 => $"url:value MATCHES '{(random.Next(2) == 0 ? "login\\\\.php" : "^http://[a-z]+")}'",
            9 => $"network-traffic:dst_port > {random.Next(0, 70000)}",
            10 => $"ipv4-addr:value != '{Pick(t.Ipv4)}'",
            11 => $"network-traffic:src_ref.value ISSUBSET '192.168.0.0/16'",
            12 => $"ipv6-addr:value = '{Pick(t.Ipv6)}'",
            _ => $"network-traffic:protocols[*] = '{(random.Next(2) == 0 ? "tcp" : "udp")}'",
        };
        string Comparison() => random.Next(6) switch
        {
            0 => $"{Atom()} OR {Atom()}",
            1 => $"{Atom()} AND {Atom()}",
            2 => $"{Atom()} AND domain-name:value NOT LIKE '%.{(random.Next(2) == 0 ? "com" : "net")}'",
            _ => Atom(),
        };
        string text = random.Next(10) switch
        {
            0 => $"[{Comparison()}] FOLLOWEDBY [{Comparison()}]",
            1 => $"([{Comparison()}] AND [{Comparison()}]) WITHIN {random.Next(1, 10)} SECONDS",
            2 => $"[{Comparison()}] REPEATS {random.Next(2, 4)} TIMES",
            3 => $"[{Comparison()}] OR [{Comparison()}]",
            _ => $"[{Comparison()}]",
        };
        DateTimeOffset? from = random.Next(4) == 0 ? s_streamStart.AddSeconds(random.Next(0, 60)) : null;
        DateTimeOffset? until = random.Next(4) == 0 ? (from ?? s_streamStart).AddSeconds(random.Next(1, 60)) : null;
        return new Indicator(Id(index), Pattern.Parse(text), from, until);
    }
}
