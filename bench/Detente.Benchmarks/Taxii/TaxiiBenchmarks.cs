using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using Detente.Stix;
using Detente.Stix.Json;
using Detente.Taxii;
using Detente.Taxii.Query;
using Detente.Testing;

namespace Detente.Benchmarks.Taxii;

/// <summary>
/// The TAXII server's hot path: one page of 100 stored objects written as an envelope, the Accept header checked,
/// the query string parsed; and the client's side, one such page read. Pages/s = 1 s / mean time.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class TaxiiBenchmarks
{
    private const string TypicalAccept = "application/taxii+json;version=2.1";
    private const string BrowserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8";
    private const string Query = "?added_after=2024-01-01T00%3A00%3A05.123456Z&limit=100&next=MTIzNDU2Nzg5&match[type]=indicator,malware&match[spec_version]=2.1";

    private byte[][] _objects = [];
    private byte[] _envelope = [];
    private readonly ArrayBufferWriter<byte> _output = new(256 * 1024);
    private readonly TaxiiReader _reader = new();
    private readonly StixReader _stix = new();

    [GlobalSetup]
    public void Setup()
    {
        var generator = new StixContentGenerator(seed: 42);
        _objects = Enumerable.Range(0, 100).Select(_ => Encoding.UTF8.GetBytes(generator.NextObject())).ToArray();
        WriteEnvelope();
        _envelope = _output.WrittenSpan.ToArray();
    }

    /// <summary>100 pre-serialized objects (≈ 420 bytes each) into a reused buffer, with more and next.</summary>
    [Benchmark]
    public int WriteEnvelope()
    {
        _output.ResetWrittenCount();
        var writer = new TaxiiEnvelopeWriter(_output);
        foreach (byte[] o in _objects)
        {
            writer.WriteObject(o);
        }

        writer.Complete(more: true, next: "MTIzNDU2Nzg5");
        return _output.WrittenCount;
    }

    /// <summary>Baseline for <see cref="WriteEnvelope"/>: the same bytes copied into the same buffer, nothing else.</summary>
    [Benchmark]
    public int CopyOnly()
    {
        _output.ResetWrittenCount();
        foreach (byte[] o in _objects)
        {
            _output.Write(o);
        }

        return _output.WrittenCount;
    }

    [Benchmark]
    public bool AcceptTypical() => TaxiiMediaTypes.AcceptsTaxii21(TypicalAccept);

    [Benchmark]
    public bool AcceptBrowser() => TaxiiMediaTypes.AcceptsTaxii21(BrowserAccept);

    [Benchmark]
    public bool ContentType() => TaxiiMediaTypes.IsTaxii21ContentType("application/taxii+json; version=2.1; charset=utf-8");

    [Benchmark]
    public int ParseQuery() => TaxiiObjectQuery.TryParse(Query, TaxiiQueryEndpoint.Objects, out TaxiiObjectQuery? q, out _) ? q.Types.Count : -1;

    /// <summary>Baseline for <see cref="ReadEnvelope"/>: the same JSON read into a tree by the STIX reader, no more.</summary>
    [Benchmark]
    public JsonValue StixParseOnly() => _stix.Parse(_envelope);

    /// <summary>The client's side: one page of 100 objects read, each parsed and kept as its exact bytes.</summary>
    [Benchmark]
    public int ReadEnvelope() => _reader.ReadEnvelope(_envelope).Objects.Count;
}
