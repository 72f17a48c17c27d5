using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Detente.Patterns.Matching;
using Detente.Patterns.Observations;
using Detente.Patterns.Telemetry;
using Detente.Testing;

namespace Detente.Benchmarks.Patterns;

/// <summary>
/// <c>matcher-throughput [SIZE…] [--rounds N]</c>: the compiled matcher's events/s with the realistic mix
/// (<see cref="MatcherWorkload"/>) loaded, per format (Zeek and EVE JSON lines, STIX observed-data bundles), with the
/// baselines measured <em>interleaved</em> with it: each round times one pass of reading only, one pass of building
/// observations (flat formats: the slow path anchored and general units need), and one pass of matching, over the same
/// events, so that a change of load on a shared machine hits all three alike. Prints the median of each over the rounds
/// (default 15) and the median of the per-round difference Match − Read (the matcher's own cost).
/// </summary>
/// <remarks>BenchmarkDotNet runs a baseline and its benchmark minutes apart; on a machine that other builds share, that
/// spread swamped the difference (<see cref="MatcherBenchmarks"/> gives the same figures with allocation counts).</remarks>
internal static class MatcherThroughput
{
    private const int Lines = 10_000;
    private const int Bundles = 2_000;

    public static int Run(string[] args)
    {
        int rounds = 15;
        var sizes = new List<int>();
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--rounds")
            {
                rounds = int.Parse(args[++i], CultureInfo.InvariantCulture);
            }
            else
            {
                sizes.Add(int.Parse(args[i], CultureInfo.InvariantCulture));
            }
        }

        if (sizes.Count == 0)
        {
            sizes.AddRange([1_000, 10_000, 100_000, 1_000_000]);
        }

        Console.WriteLine($"# {Environment.ProcessorCount} processor(s) visible, {rounds} interleaved rounds; ns per event (median over rounds)");
        Console.WriteLine("| indicators | format | events with a hit | Tokenize | Read | Observation / full path | Match | Match CPU | Match − Read | Match events/s | fast path |");
        Console.WriteLine("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (int size in sizes)
        {
            var workload = new MatcherWorkload(size);
            var keys = new FieldKeyTable();
            var zeek = new FlatEventReader(FlatLogMapping.Zeek, keys);
            var eve = new FlatEventReader(FlatLogMapping.Eve, keys);
            IndicatorSet set = workload.LoadSet(keys);

            TelemetryGenerator telemetry = workload.Telemetry;
            Measure(size, "zeek", TelemetryGenerator.Events(telemetry.ZeekLine, Lines), zeek, set, rounds);
            Measure(size, "eve", TelemetryGenerator.Events(telemetry.EveLine, Lines), eve, set, rounds);
            Measure(size, "stix", TelemetryGenerator.Events(telemetry.ObservedDataBundle, Bundles), null, set, rounds);
            GC.KeepAlive(set);
        }

        return 0;
    }


    private static void Measure(int size, string format, byte[][] events, FlatEventReader? reader, IndicatorSet set, int rounds)
    {
        var stix = new StixTelemetryReader();
        var hits = new List<IndicatorHit>();
        int passes = reader is null ? 5 : 1; // about the same time per pass: a bundle costs several lines

        long Read()
        {
            long total = 0;
            if (reader is null)
            {
                foreach (byte[] e in events)
                {
                    total += stix.ReadDocument(e)[0].Observation!.Objects.Count;
                }

                return total;
            }

            var sink = new CountingSink();
            for (int i = 0; i < events.Length; i++)
            {
                reader.Read(events[i], i + 1, 0, ref sink);
            }

            return sink.Fields;
        }

        var errors = new List<TelemetryError>();
        long fastDocuments = 0;

        // The floor under any reader: Utf8JsonReader reading every token of the event and nothing else.
        long Tokenize()
        {
            long tokens = 0;
            foreach (byte[] e in events)
            {
                var json = new Utf8JsonReader(e);
                while (json.Read())
                {
                    tokens++;
                }
            }

            return tokens;
        }

        long Build()
        {
            long total = 0;
            if (reader is null)
            {
                // The STIX full path: the document read into observations, each matched.
                foreach (byte[] e in events)
                {
                    foreach (TelemetryRecord record in stix.ReadDocument(e))
                    {
                        set.Match(record.Observation!, hits);
                    }

                    total += hits.Count;
                    hits.Clear();
                }

                return total;
            }

            for (int i = 0; i < events.Length; i++)
            {
                total += reader!.ReadObservation(events[i], i + 1, 0).Observation!.Objects.Count;
            }

            return total;
        }

        long Match()
        {
            long total = 0;
            for (int i = 0; i < events.Length; i++)
            {
                if (reader is null)
                {
                    set.MatchStix(stix, events[i], hits, errors);
                }
                else
                {
                    set.MatchFlat(reader, events[i], i + 1, 0, hits, out _);
                }

                total += hits.Count;
                hits.Clear();
            }

            return total;
        }

        // Events with at least one hit, counted once before timing.
        long hitEvents = 0;
        for (int i = 0; i < events.Length; i++)
        {
            if (reader is null)
            {
                fastDocuments += set.MatchStix(stix, events[i], hits, errors).FastPath ? 1 : 0;
            }
            else
            {
                set.MatchFlat(reader, events[i], i + 1, 0, hits, out _);
            }

            hitEvents += hits.Count > 0 ? 1 : 0;
            hits.Clear();
        }

        // At least three passes and two seconds: on a loaded machine tiered compilation needs time to reach its
        // optimized code, and the first format measured would otherwise be timed partly at tier 0.
        var warming = Stopwatch.StartNew();
        for (int warm = 0; warm < 3 || warming.Elapsed < TimeSpan.FromSeconds(2); warm++)
        {
            Tokenize();
            Read();
            Match();
            Build();
        }

        if (errors.Count > 0)
        {
            throw new InvalidOperationException(errors[0].Message);
        }

        var tokenize = new List<double>();
        var read = new List<double>();
        var build = new List<double>();
        var match = new List<double>();
        var matchCpu = new List<double>();
        var own = new List<double>();
        for (int r = 0; r < rounds; r++)
        {
            (double tokenizeNs, _) = Time(Tokenize, passes, events.Length);
            (double readNs, _) = Time(Read, passes, events.Length);
            tokenize.Add(tokenizeNs);
            (double buildNs, _) = Time(Build, passes, events.Length);
            (double matchNs, double matchCpuNs) = Time(Match, passes, events.Length);
            read.Add(readNs);
            build.Add(buildNs);
            match.Add(matchNs);
            matchCpu.Add(matchCpuNs);
            own.Add(matchNs - readNs);
        }

        double m = Median(match);
        string fast = reader is null ? $"{100.0 * fastDocuments / events.Length:F1} %" : "—";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {size:N0} | {format} | {100.0 * hitEvents / events.Length:F2} % | {Median(tokenize):F0} | {Median(read):F0} | {Median(build):F0} | {m:F0} | {Median(matchCpu):F0} | {Median(own):F0} | {1e9 / m:N0} | {fast} |"));
    }

    /// <summary>Wall-clock and user CPU nanoseconds per event of <paramref name="passes"/> passes.</summary>
    private static (double Wall, double UserCpu) Time(Func<long> pass, int passes, int events)
    {
        long sink = 0;
        using var process = Process.GetCurrentProcess();
        TimeSpan cpuBefore = process.UserProcessorTime;
        var stopwatch = Stopwatch.StartNew();
        for (int p = 0; p < passes; p++)
        {
            sink += pass();
        }

        stopwatch.Stop();
        process.Refresh();
        TimeSpan cpu = process.UserProcessorTime - cpuBefore;
        GC.KeepAlive(sink);
        double count = (double)passes * events;
        return (stopwatch.Elapsed.TotalNanoseconds / count, cpu.TotalNanoseconds / count);
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values.Count % 2 == 1 ? values[values.Count / 2] : (values[(values.Count / 2) - 1] + values[values.Count / 2]) / 2;
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
