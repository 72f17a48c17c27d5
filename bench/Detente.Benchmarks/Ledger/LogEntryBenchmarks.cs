using System.Text;
using BenchmarkDotNet.Attributes;
using Detente.Ledger.Entries;
using Detente.Stix;
using Detente.Testing;

namespace Detente.Benchmarks.Ledger;

/// <summary>A salted log entry of one stored object (the example indicator, signed as the node signs what it originates):
/// from the object, which canonicalizes it, and from its RFC 8785 bytes, which the store already has when it stored the
/// object in that form (<c>ObjectToAdd.JsonIsCanonical</c>).</summary>
[MemoryDiagnoser]
public class LogEntryBenchmarks
{
    private static readonly DateTimeOffset s_time = new(2026, 11, 24, 0, 0, 0, TimeSpan.Zero);
    private StixObject _object = null!;
    private byte[] _canonical = [];

    [GlobalSetup]
    public void Setup()
    {
        StixObject indicator = new StixReader().ReadObject(Encoding.UTF8.GetBytes(StixExamples.ValidObjects["indicator"]));
        using var key = Detente.Stix.Signatures.StixSigningKey.Create();
        _object = Detente.Stix.Signatures.StixSignatures.Sign(indicator, key);
        _canonical = _object.Canonicalize();
    }

    [Benchmark(Baseline = true)]
    public LogEntry FromObject() => LogEntry.CreateSalted("bench.example/log", LogAction.Publish, s_time, _object, out _);

    [Benchmark]
    public LogEntry FromCanonicalBytes() => LogEntry.CreateSalted("bench.example/log", LogAction.Publish, s_time, _object, _canonical, out _);
}
