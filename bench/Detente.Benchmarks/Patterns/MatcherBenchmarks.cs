using System.Text;
using BenchmarkDotNet.Attributes;
using Detente.Patterns.Matching;
using Detente.Patterns.Observations;
using Detente.Patterns.Telemetry;
using Detente.Testing;

namespace Detente.Benchmarks.Patterns;

/// <summary>
/// The compiled matcher with 10^3 to 10^6 indicators of the realistic mix (<see cref="MatcherWorkload"/>) loaded, per
/// input format: flat Zeek and EVE JSON lines, and STIX observed-data bundles (one per line). <c>Read</c> is the same
/// run's baseline: the same events read by the same reader with no matcher, so <c>Match</c> − <c>Read</c> is the
/// matcher's own cost. Every benchmark reports the time of one event; events/s = 1 / that time.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class MatcherBenchmarks
{
    private const int Lines = 10_000;
    private const int Bundles = 2_000;

    private byte[][] _events = [];
    private FlatEventReader _reader = null!;
    private StixTelemetryReader _stix = null!;
    private readonly List<TelemetryError> _errors = [];
    private IndicatorSet _set = null!;
    private readonly List<IndicatorHit> _hits = [];

    [Params(1_000, 10_000, 100_000, 1_000_000)]
    public int Indicators { get; set; }

    [Params("zeek", "eve", "stix")]
    public string Format { get; set; } = "zeek";

    private int Events => Format == "stix" ? Bundles : Lines;

    [GlobalSetup]
    public void Setup()
    {
        var workload = new MatcherWorkload(Indicators);
        TelemetryGenerator telemetry = workload.Telemetry;
        Func<string> next = Format switch
        {
            "zeek" => telemetry.ZeekLine,
            "eve" => telemetry.EveLine,
            _ => telemetry.ObservedDataBundle,
        };
        _events = TelemetryGenerator.Events(next, Events);
        var keys = new FieldKeyTable();
        _reader = new FlatEventReader(Format == "eve" ? FlatLogMapping.Eve : FlatLogMapping.Zeek, keys);
        _stix = new StixTelemetryReader();
        _set = workload.LoadSet(keys);

        long hitEvents = 0;
        long hits = 0;
        for (int i = 0; i < _events.Length; i++)
        {
            _hits.Clear();
            MatchOne(i);
            hits += _hits.Count;
            hitEvents += _hits.Count > 0 ? 1 : 0;
        }

        Console.WriteLine($"// {Format} with {Indicators} indicators: {_events.Length} events, {hitEvents} with a hit ({100.0 * hitEvents / _events.Length:F2} %), {hits} hits; "
            + $"{_events.Sum(e => (long)e.Length) / _events.Length} bytes per event; {_set.GeneralCount} general units, {_set.StreamingCount} streaming indicators");
    }

    /// <summary>Baseline: the events read by the same reader, no matcher (flat: the fast path's field walk; STIX: the observation).</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Lines)]
    public long Read()
    {
        long total = 0;
        if (Format == "stix")
        {
            for (int r = 0; r < Lines / Bundles; r++)
            {
                foreach (byte[] bundle in _events)
                {
                    total += _stix.ReadDocument(bundle)[0].Observation!.Objects.Count;
                }
            }

            return total;
        }

        var sink = new CountingSink();
        for (int i = 0; i < _events.Length; i++)
        {
            _reader.Read(_events[i], i + 1, 0, ref sink);
        }

        return sink.Fields;
    }

    /// <summary>Each event read and matched against every indicator loaded.</summary>
    [Benchmark(OperationsPerInvoke = Lines)]
    public long Match()
    {
        long total = 0;
        int rounds = Format == "stix" ? Lines / Bundles : 1;
        for (int r = 0; r < rounds; r++)
        {
            for (int i = 0; i < _events.Length; i++)
            {
                MatchOne(i);
                total += _hits.Count;
                _hits.Clear();
            }
        }

        return total;
    }

    private void MatchOne(int i)
    {
        if (Format == "stix")
        {
            _set.MatchStix(_stix, _events[i], _hits, _errors); // the fast path, the full path for candidates
        }
        else
        {
            _set.MatchFlat(_reader, _events[i], i + 1, 0, _hits, out _);
        }
    }

    private struct CountingSink : IFlatEventSink
    {
        public long Fields;

        public void OnField(in FlatField field) => Fields++;

        public readonly void OnEvent(in FlatEvent flatEvent)
        {
        }

        public readonly void OnMalformed(TelemetryError error) => throw new InvalidOperationException(error.Message);
    }
}

/// <summary>
/// What a flat line costs when some indicator cannot be answered by the indexes alone: with 1,000 exact indicators
/// loaded, one more that is <see cref="MatchRoute.General"/> (<c>!=</c>, evaluated on every event) or
/// <see cref="MatchRoute.Anchored"/> (an AND whose indexed operand hits on every line), so that every line is also
/// built into an <see cref="Observation"/> for the evaluator. <c>ExactOnly</c> is the baseline without it.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class MatcherRouteBenchmarks
{
    private const int Lines = 10_000;

    private byte[][] _lines = [];
    private FlatEventReader _reader = null!;
    private IndicatorSet _exact = null!;
    private IndicatorSet _general = null!;
    private IndicatorSet _anchored = null!;
    private readonly List<IndicatorHit> _hits = [];

    [GlobalSetup]
    public void Setup()
    {
        var workload = new MatcherWorkload(1_000);
        _lines = Enumerable.Range(0, Lines).Select(_ => Encoding.UTF8.GetBytes(workload.Telemetry.ZeekConnLine())).ToArray();
        var keys = new FieldKeyTable();
        _reader = new FlatEventReader(FlatLogMapping.Zeek, keys);
        _exact = Build(workload, keys, null);
        _general = Build(workload, keys, "[network-traffic:dst_port != 1]");
        _anchored = Build(workload, keys, "[network-traffic:protocols[*] = 'tcp' AND network-traffic:dst_port > 1]");
        Console.WriteLine($"// routes: {_general.GeneralCount} general unit(s) in the general set");
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Lines)]
    public long ExactOnly() => Run(_exact);

    [Benchmark(OperationsPerInvoke = Lines)]
    public long WithOneGeneral() => Run(_general);

    [Benchmark(OperationsPerInvoke = Lines)]
    public long WithOneAnchored() => Run(_anchored);

    private long Run(IndicatorSet set)
    {
        long total = 0;
        for (int i = 0; i < _lines.Length; i++)
        {
            set.MatchFlat(_reader, _lines[i], i + 1, 0, _hits, out _);
            total += _hits.Count;
            _hits.Clear();
        }

        return total;
    }

    private static IndicatorSet Build(MatcherWorkload workload, FieldKeyTable keys, string? extra)
    {
        var set = new IndicatorSet(keys);
        foreach (Indicator indicator in workload.Indicators())
        {
            set.Add(indicator);
        }

        if (extra is not null)
        {
            set.Add(new Indicator("indicator--00000000-0000-4000-8000-000000000001", Detente.Patterns.Pattern.Parse(extra)));
        }

        return set;
    }
}
