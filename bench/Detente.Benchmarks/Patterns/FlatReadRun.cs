using System.Diagnostics;
using System.Globalization;
using System.Text;
using Detente.Patterns.Telemetry;
using Detente.Testing;

namespace Detente.Benchmarks.Patterns;

/// <summary>
/// <c>flat-read zeek|eve LINES PASSES</c>: the flat reader alone (<see cref="FlatEventReader.Read"/> to a counting sink)
/// over LINES seeded telemetry lines of the benchmark workload, PASSES times after one warm-up pass. Prints the wall and
/// the process CPU time per line. Made to run under <c>perf stat -e instructions:u</c>, whose count does not depend on
/// the machine's load: the reading dominates it for large LINES × PASSES.
/// </summary>
internal static class FlatReadRun
{
    public static int Run(string[] args)
    {
        if (args.Length != 3 || args[0] is not ("zeek" or "eve"))
        {
            Console.Error.WriteLine("usage: flat-read zeek|eve LINES PASSES");
            return 2;
        }

        int lines = int.Parse(args[1], CultureInfo.InvariantCulture), passes = int.Parse(args[2], CultureInfo.InvariantCulture);
        var telemetry = new TelemetryGenerator(seed: 7, poolSize: 1000);
        byte[][] events = [.. Enumerable.Range(0, lines).Select(_ => Encoding.UTF8.GetBytes(args[0] == "zeek" ? telemetry.ZeekLine() : telemetry.EveLine()))];
        var reader = new FlatEventReader(args[0] == "zeek" ? FlatLogMapping.Zeek : FlatLogMapping.Eve, new FieldKeyTable());
        long fields = ReadAll(reader, events);
        TimeSpan cpu0 = Process.GetCurrentProcess().UserProcessorTime;
        var wall = Stopwatch.StartNew();
        for (int p = 0; p < passes; p++)
        {
            fields += ReadAll(reader, events);
        }

        wall.Stop();
        double cpu = (Process.GetCurrentProcess().UserProcessorTime - cpu0).TotalSeconds;
        double reads = (double)lines * passes;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"flat-read {args[0]}: {reads:F0} lines ({events.Sum(static e => (long)e.Length) / lines} bytes on average), "
            + $"{wall.Elapsed.TotalSeconds * 1e9 / reads:F0} ns wall, {cpu * 1e9 / reads:F0} ns user CPU per line; {fields} fields"));
        return 0;
    }

    private static long ReadAll(FlatEventReader reader, byte[][] events)
    {
        var sink = new CountingSink();
        for (int i = 0; i < events.Length; i++)
        {
            reader.Read(events[i], i + 1, 0, ref sink);
        }

        return sink.Fields;
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
