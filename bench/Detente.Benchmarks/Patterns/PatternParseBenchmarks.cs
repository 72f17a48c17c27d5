using BenchmarkDotNet.Attributes;
using Detente.Patterns;
using Detente.Patterns.Validation;
using Detente.Testing;

namespace Detente.Benchmarks.Patterns;

/// <summary>
/// Parse (and validate) a million indicator patterns, as the matcher will when it compiles a partner's indicators
/// (issue 3 target: 10^6 simple patterns well under 3 s on one core). Inputs are seeded (PatternGenerators, seed 42):
/// Ipv4 is <c>[ipv4-addr:value = 'a.b.c.d']</c> only; Mixed is the realistic mix of IndicatorPatterns (IP, domain, URL
/// and hash equalities, OR lists, AND, ISSUBSET/IN, FOLLOWEDBY … WITHIN, MATCHES/LIKE).
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class PatternParseBenchmarks
{
    private string[] _ipv4 = [];
    private string[] _mixed = [];
    private Pattern[] _parsed = [];

    [Params(1_000_000)]
    public int Patterns { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _ipv4 = PatternGenerators.Ipv4Patterns(Patterns, seed: 42);
        _mixed = PatternGenerators.IndicatorPatterns(Patterns, seed: 42);
        _parsed = new Pattern[Patterns];
        for (int i = 0; i < _mixed.Length; i++)
        {
            _parsed[i] = Pattern.Parse(_mixed[i]);
            if (!PatternValidator.Validate(_parsed[i]).IsValid)
            {
                throw new InvalidOperationException("The generated patterns must be valid: " + _mixed[i]);
            }
        }
    }

    [Benchmark(Baseline = true)]
    public int ParseIpv4()
    {
        int count = 0;
        foreach (string text in _ipv4)
        {
            count += Pattern.Parse(text).Root is SimpleObservation ? 1 : 0;
        }

        return count;
    }

    [Benchmark]
    public int ParseMixed()
    {
        int count = 0;
        foreach (string text in _mixed)
        {
            count += Pattern.Parse(text).Root is SimpleObservation ? 1 : 0;
        }

        return count;
    }

    [Benchmark]
    public int ValidateMixed()
    {
        int count = 0;
        foreach (Pattern pattern in _parsed)
        {
            count += PatternValidator.Validate(pattern).Warnings.Count;
        }

        return count;
    }

    [Benchmark]
    public int PrintMixed()
    {
        int length = 0;
        foreach (Pattern pattern in _parsed)
        {
            length += pattern.ToString().Length;
        }

        return length;
    }
}
