using System.Diagnostics;
using System.Globalization;
using Detente.Patterns;
using Detente.Patterns.Matching;
using Detente.Patterns.Telemetry;
using Detente.Testing;

namespace Detente.Benchmarks.Patterns;

/// <summary>
/// <c>matcher-memory [SIZE…] [--runs N]</c>: compiles the realistic indicator mix (<see cref="MatcherWorkload"/>) at each
/// size from pattern text into an <see cref="IndicatorSet"/>, N times (default 3), and prints the median time to parse
/// and add all of them (wall clock, and the process's CPU time, which a shared machine disturbs less), and the memory the set retains (<see cref="GC.GetTotalMemory(bool)"/> after a full collection,
/// before and after; the pattern texts are alive at both, the parsed indicators at neither). BenchmarkDotNet measures
/// allocation, not what stays alive, hence this separate mode.
/// </summary>
internal static class MatcherMemory
{
    public static int Run(string[] args)
    {
        int runs = 3;
        var sizes = new List<int>();
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--runs")
            {
                runs = int.Parse(args[++i], CultureInfo.InvariantCulture);
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

        Console.WriteLine($"# {Environment.ProcessorCount} processor(s) visible, server GC {System.Runtime.GCSettings.IsServerGC}, {runs} run(s) per size");
        Console.WriteLine("| indicators | compile wall (median) | CPU (median) | CPU per indicator | retained bytes/indicator (median) | index estimate bytes/indicator | general units | streaming |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (int size in sizes)
        {
            var times = new List<double>();
            var cpus = new List<double>();
            var bytes = new List<double>();
            double estimate = 0;
            int general = 0;
            int streaming = 0;
            for (int run = 0; run < runs; run++)
            {
                (double seconds, double cpu, double retained, double index, int g, int s) = Once(size);
                times.Add(seconds);
                cpus.Add(cpu);
                bytes.Add(retained);
                estimate = index;
                general = g;
                streaming = s;
            }

            double cpuTime = Median(cpus);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {size:N0} | {Median(times):F3} s | {cpuTime:F3} s | {cpuTime * 1e6 / size:F2} µs | {Median(bytes):F1} | {estimate:F1} | {general} | {streaming} |"));
        }

        return 0;
    }

    private static (double Seconds, double Cpu, double Retained, double Index, int General, int Streaming) Once(int size)
    {
        (string[] patterns, string[] ids) = Generate(size);
        var keys = new FieldKeyTable();
        _ = new FlatEventReader(FlatLogMapping.Zeek, keys); // readers first, as the CLI does: they intern their keys
        _ = new FlatEventReader(FlatLogMapping.Eve, keys);
        long before = GC.GetTotalMemory(forceFullCollection: true);
        TimeSpan cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var stopwatch = Stopwatch.StartNew();
        var set = new IndicatorSet(keys);
        using (set.BeginBulkLoad())
        {
            for (int i = 0; i < patterns.Length; i++)
            {
                set.Add(new Indicator(ids[i], Pattern.Parse(patterns[i])));
            }
        }

        stopwatch.Stop();
        TimeSpan cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        long after = GC.GetTotalMemory(forceFullCollection: true);
        double retained = (after - before) / (double)size;
        double index = set.IndexMemoryBytes / (double)size;
        var result = (stopwatch.Elapsed.TotalSeconds, cpu.TotalSeconds, retained, index, set.GeneralCount, set.StreamingCount);
        GC.KeepAlive(set);
        GC.KeepAlive(patterns); // alive at both measurements, so that only the set is counted
        GC.KeepAlive(ids);
        return result;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static (string[] Patterns, string[] Ids) Generate(int size)
    {
        var workload = new MatcherWorkload(size);
        return ([.. workload.Patterns], [.. workload.Ids]);
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values.Count % 2 == 1 ? values[values.Count / 2] : (values[(values.Count / 2) - 1] + values[values.Count / 2]) / 2;
    }
}
