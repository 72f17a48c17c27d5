using System.Diagnostics;
using System.Globalization;
using System.Text;
using Detente.Patterns.Matching;
using Detente.Patterns.Telemetry;
using Detente.Testing;

namespace Detente.Benchmarks.Patterns;

/// <summary>
/// <c>match-run zeek|eve|stix SIZE PASSES</c>: the compiled matcher alone (<see cref="IndicatorSet.MatchFlat"/> or
/// <see cref="IndicatorSet.MatchStix"/>) with SIZE indicators of <see cref="MatcherWorkload"/> loaded, over the same
/// events as <c>matcher-throughput</c> (10,000 lines or 2,000 bundles), PASSES times after two seconds of warm-up.
/// Prints the wall and user CPU time per event and a checksum of the first pass's hits (indicator and event of
/// each), which two builds must print alike. Made for profiling and A/B runs: it times nothing but the match.
/// </summary>
internal static class MatchRun
{
    public static int Run(string[] args)
    {
        if (args.Length != 3 || args[0] is not ("zeek" or "eve" or "stix"))
        {
            Console.Error.WriteLine("usage: match-run zeek|eve|stix SIZE PASSES");
            return 2;
        }

        string format = args[0];
        int size = int.Parse(args[1], CultureInfo.InvariantCulture), passes = int.Parse(args[2], CultureInfo.InvariantCulture);
        var workload = new MatcherWorkload(size);
        var keys = new FieldKeyTable();
        var zeek = new FlatEventReader(FlatLogMapping.Zeek, keys);
        var eve = new FlatEventReader(FlatLogMapping.Eve, keys);
        IndicatorSet set = workload.LoadSet(keys);

        // The same events as matcher-throughput: that run generates Zeek lines, then EVE lines, then bundles.
        TelemetryGenerator telemetry = workload.Telemetry;
        byte[][] zeekLines = TelemetryGenerator.Events(telemetry.ZeekLine, 10_000);
        byte[][] eveLines = TelemetryGenerator.Events(telemetry.EveLine, 10_000);
        byte[][] bundles = TelemetryGenerator.Events(telemetry.ObservedDataBundle, 2_000);
        (byte[][] events, FlatEventReader? reader) = format switch
        {
            "zeek" => (zeekLines, zeek),
            "eve" => (eveLines, (FlatEventReader?)eve),
            _ => (bundles, null),
        };

        var stix = new StixTelemetryReader();
        var hits = new List<IndicatorHit>();
        var errors = new List<TelemetryError>();
        long Pass()
        {
            long checksum = 0;
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

                foreach (IndicatorHit hit in hits)
                {
                    checksum = unchecked(checksum + (((long)i * 1_000_003) ^ StableHash(hit.IndicatorId)));
                }

                checksum = unchecked(checksum + hits.Count);
                hits.Clear();
            }

            return checksum;
        }

        long expected = Pass();
        var warming = Stopwatch.StartNew();
        while (warming.Elapsed < TimeSpan.FromSeconds(2))
        {
            Pass();
        }

        if (errors.Count > 0)
        {
            throw new InvalidOperationException(errors[0].Message);
        }

        using var process = Process.GetCurrentProcess();
        TimeSpan cpu0 = process.UserProcessorTime;
        var wall = Stopwatch.StartNew();
        for (int p = 0; p < passes; p++)
        {
            Pass(); // later passes may differ from the first: streaming indicators keep state across passes
        }

        wall.Stop();
        process.Refresh();
        double cpu = (process.UserProcessorTime - cpu0).TotalNanoseconds;
        double count = (double)events.Length * passes;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"match-run {format} {size}: {count:F0} events, {wall.Elapsed.TotalNanoseconds / count:F0} ns wall, {cpu / count:F0} ns user CPU per event ({1e9 / (cpu / count):N0} events/s of CPU); hit checksum {expected}"));
        return 0;
    }

    /// <summary>FNV-1a over the id's characters: the same in every process (string hash codes are randomized per process).</summary>
    private static long StableHash(string text)
    {
        ulong hash = 14695981039346656037;
        foreach (char c in text)
        {
            hash = unchecked((hash ^ c) * 1099511628211);
        }

        return unchecked((long)hash);
    }
}
