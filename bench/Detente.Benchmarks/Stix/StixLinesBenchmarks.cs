using System.Text;
using BenchmarkDotNet.Attributes;
using Detente.Stix;
using Detente.Testing;

namespace Detente.Benchmarks.Stix;

/// <summary>Stream JSON lines through the reader: allocations per object should not depend on the line count.</summary>
[MemoryDiagnoser]
public class StixLinesBenchmarks
{
    private byte[] _lines = [];
    private readonly StixReader _reader = new();

    [Params(10_000, 100_000)]
    public int Objects { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        using var writer = new StringWriter();
        new StixContentGenerator(seed: 42).WriteLines(writer, Objects);
        _lines = Encoding.UTF8.GetBytes(writer.ToString());
    }

    [Benchmark]
    public async Task<int> ReadLines()
    {
        int count = 0;
        using var stream = new MemoryStream(_lines, writable: false);
        await foreach (StixInput input in _reader.ReadAllAsync(stream))
        {
            if (input.Value is not null)
            {
                count++;
            }
        }

        return count;
    }
}
