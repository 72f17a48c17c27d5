using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Detente.Stix;
using Detente.Stix.Validation;
using Detente.Testing;

namespace Detente.Benchmarks.Stix;

/// <summary>
/// Parse + validate a generated bundle of mixed STIX objects (the target: 100,000 objects/s per core).
/// JsonDocumentParse is the baseline measured in the same run: System.Text.Json reading the same bytes into its
/// read-only DOM, without member-name checks, limits, immutable values or validation.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class StixValidationBenchmarks
{
    private byte[] _bundle = [];
    private StixBundle _parsed = null!;
    private readonly StixReader _reader = new(new StixReaderLimits { MaxBytes = 1L << 30, MaxBundleObjects = 1_000_000 });
    private readonly StixValidator _validator = new();

    [Params(100_000)]
    public int Objects { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _bundle = new StixContentGenerator(seed: 42).Bundle(Objects);
        _parsed = _reader.ReadBundle(_bundle);
        ValidationReport report = _validator.Validate(_parsed);
        if (!report.IsValid)
        {
            throw new InvalidOperationException("The generated bundle must be valid: " + report.Errors[0]);
        }
    }

    [Benchmark(Baseline = true)]
    public int JsonDocumentParse()
    {
        using JsonDocument document = JsonDocument.Parse(_bundle, new JsonDocumentOptions { MaxDepth = 64 });
        return document.RootElement.GetProperty("objects").GetArrayLength();
    }

    [Benchmark]
    public int Parse() => _reader.ReadBundle(_bundle).Objects.Count;

    [Benchmark]
    public int Validate() => _validator.Validate(_parsed).Warnings.Count;

    [Benchmark]
    public int ParseAndValidate() => _validator.Validate(_reader.ReadBundle(_bundle)).Errors.Count;
}
