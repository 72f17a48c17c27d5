using BenchmarkDotNet.Attributes;
using Detente.Stix;
using Detente.Stix.Json;
using Detente.Testing;

namespace Detente.Benchmarks.Stix;

/// <summary>Parse and canonicalize a large generated bundle of mixed STIX objects. Objects/s = Objects / mean time.</summary>
[MemoryDiagnoser]
public class StixBundleBenchmarks
{
    private byte[] _bundle = [];
    private StixBundle _parsed = null!;
    private readonly StixReader _reader = new(new StixReaderLimits { MaxBytes = 1L << 30, MaxBundleObjects = 1_000_000 });

    [Params(1_000, 100_000)]
    public int Objects { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _bundle = new StixContentGenerator(seed: 42).Bundle(Objects);
        _parsed = _reader.ReadBundle(_bundle);
    }

    [Benchmark]
    public int Parse() => _reader.ReadBundle(_bundle).Objects.Count;

    [Benchmark]
    public long Canonicalize()
    {
        long total = 0;
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(1 << 16);
        foreach (StixObject o in _parsed.Objects)
        {
            buffer.ResetWrittenCount();
            o.Canonicalize(buffer);
            total += buffer.WrittenCount;
        }

        return total;
    }
}
