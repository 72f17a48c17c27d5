using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Detente.Patterns.Telemetry;
using Detente.Stix;
using Detente.Testing;

namespace Detente.Benchmarks.Patterns;

/// <summary>
/// Telemetry in, per event: a flat JSON line read and mapped to field keys (the compiled matcher's input; target about
/// 0.5 µs and 0 bytes), the same line built into an observation (the general evaluator's input), and a STIX
/// observed-data bundle read into an observation. Every benchmark reports the time of one event.
/// </summary>
[MemoryDiagnoser]
public class TelemetryBenchmarks
{
    private const int Lines = 10_000;
    private const int Bundles = 2_000;

    private byte[][] _lines = [];
    private byte[][] _bundles = [];
    private FlatEventReader _reader = null!;
    private readonly StixTelemetryReader _stix = new();

    [Params("zeek", "eve")]
    public string Format { get; set; } = "zeek";

    [GlobalSetup]
    public void Setup()
    {
        var generator = new TelemetryGenerator(seed: 42);
        Func<string> next = Format == "zeek" ? generator.ZeekLine : generator.EveLine;
        _lines = Enumerable.Range(0, Lines).Select(_ => Encoding.UTF8.GetBytes(next())).ToArray();
        _bundles = Enumerable.Range(0, Bundles).Select(_ => Encoding.UTF8.GetBytes(generator.ObservedDataBundle())).ToArray();
        FlatLogMapping.TryGetBuiltIn(Format, out FlatLogMapping? mapping);
        _reader = new FlatEventReader(mapping!, new FieldKeyTable());
        Console.WriteLine($"// {Format}: {_lines.Sum(l => (long)l.Length) / Lines} bytes per line, {_bundles.Sum(b => (long)b.Length) / Bundles} bytes per bundle");
    }

    /// <summary>The floor: Utf8JsonReader reading every token of the line and nothing else.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Lines)]
    public long TokenizeOnly()
    {
        long tokens = 0;
        foreach (byte[] line in _lines)
        {
            var reader = new Utf8JsonReader(line);
            while (reader.Read())
            {
                tokens++;
            }
        }

        return tokens;
    }

    /// <summary>The fast path: walk the line once, report mapped fields to a struct sink.</summary>
    [Benchmark(OperationsPerInvoke = Lines)]
    public long FlatReadMap()
    {
        var sink = new CountingSink();
        long number = 0;
        foreach (byte[] line in _lines)
        {
            _reader.Read(line, ++number, 0, ref sink);
        }

        return sink.Fields + sink.Events;
    }

    /// <summary>The slow path: the same line built into an Observation with deterministic SCO ids.</summary>
    [Benchmark(OperationsPerInvoke = Lines)]
    public int FlatToObservation()
    {
        int objects = 0;
        foreach (byte[] line in _lines)
        {
            objects += _reader.ReadObservation(line).Observation!.Objects.Count;
        }

        return objects;
    }

    /// <summary>A STIX 2.1 bundle (observed-data, network-traffic, two addresses, a domain or a file) read into an Observation.</summary>
    [Benchmark(OperationsPerInvoke = Bundles)]
    public int StixObservedDataRead()
    {
        int objects = 0;
        foreach (byte[] bundle in _bundles)
        {
            objects += _stix.ReadDocument(bundle)[0].Observation!.Objects.Count;
        }

        return objects;
    }

    private struct CountingSink : IFlatEventSink
    {
        public long Fields;
        public long Events;

        public void OnField(in FlatField field) => Fields += field.Utf8.Length;

        public void OnEvent(in FlatEvent flatEvent) => Events++;

        public void OnMalformed(TelemetryError error) => throw new InvalidOperationException(error.Message);
    }
}
