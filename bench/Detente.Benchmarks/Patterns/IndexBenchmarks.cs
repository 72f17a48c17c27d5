using System.Text;
using BenchmarkDotNet.Attributes;
using Detente.Patterns.Indexing;
using Detente.Testing;

namespace Detente.Benchmarks.Patterns;

/// <summary>
/// The compiled matcher's indexes at 10^3 to 10^6 entries: the cost of one probe should not grow with the size, and
/// the memory per entry (printed by the setup as "bytes/entry") should stay well under the 300 bytes an indicator may
/// take. Half the probes hit. Every benchmark reports the time of one probe (or of one entry for the builds).
/// </summary>
[MemoryDiagnoser]
public class IndexBenchmarks
{
    private const int Probes = 4096;

    private Utf8EqualityIndex _hashes = null!;
    private IpIndex _addresses = null!;
    private byte[][] _hashProbes = [];
    private IpPrefix[] _addressProbes = [];
    private byte[][] _hashKeys = [];
    private IpPrefix[] _blocks = [];
    private readonly HitBuffer _hits = new(64);

    [Params(1_000, 10_000, 100_000, 1_000_000)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _hashKeys = Enumerable.Range(0, Size).Select(_ => Encoding.ASCII.GetBytes(Hex(random, 32))).ToArray();
        _blocks = Enumerable.Range(0, Size).Select(i => Block(random, i)).ToArray();

        long before = GC.GetTotalMemory(forceFullCollection: true);
        _hashes = BuildHashes();
        long hashBytes = GC.GetTotalMemory(forceFullCollection: true) - before;
        before = GC.GetTotalMemory(forceFullCollection: true);
        _addresses = BuildAddresses();
        long addressBytes = GC.GetTotalMemory(forceFullCollection: true) - before;
        Console.WriteLine($"// bytes/entry at {Size}: SHA-256 equality {hashBytes / (double)Size:F1} (MemoryBytes {_hashes.MemoryBytes / (double)Size:F1}), IP {addressBytes / (double)Size:F1} (MemoryBytes {_addresses.MemoryBytes / (double)Size:F1})");

        _hashProbes = Enumerable.Range(0, Probes).Select(i => i % 2 == 0 ? _hashKeys[random.Next(Size)] : Encoding.ASCII.GetBytes(Hex(random, 32))).ToArray();
        _addressProbes = Enumerable.Range(0, Probes).Select(i => i % 2 == 0 ? Inside(random, _blocks[random.Next(Size)]) : IpPrefix.FromAddress(IpAddress.FromV4((uint)random.NextInt64(0, 1L << 32)))).ToArray();
    }

    /// <summary>One SHA-256 lookup (64 hex bytes) in the equality index.</summary>
    [Benchmark(OperationsPerInvoke = Probes)]
    public int EqualityLookup()
    {
        int found = 0;
        foreach (byte[] probe in _hashProbes)
        {
            _hits.Clear();
            found += _hashes.Lookup(probe, _hits) ? 1 : 0;
        }

        return found;
    }

    /// <summary>One address lookup in the IP index (exact /32 entries, /24 and /16 subset entries).</summary>
    [Benchmark(OperationsPerInvoke = Probes)]
    public int IpLookup()
    {
        int found = 0;
        foreach (IpPrefix probe in _addressProbes)
        {
            _hits.Clear();
            _addresses.Lookup(probe, _hits);
            found += _hits.Count;
        }

        return found;
    }

    /// <summary>Adding one SHA-256 entry, as the compile step does (the whole index built from empty; time per entry).</summary>
    [Benchmark]
    public long BuildEqualityIndex() => BuildHashes().Count;

    /// <summary>Adding one IP entry (the whole index built from empty).</summary>
    [Benchmark]
    public long BuildIpIndex() => BuildAddresses().Count;

    private Utf8EqualityIndex BuildHashes()
    {
        var index = new Utf8EqualityIndex();
        for (int i = 0; i < _hashKeys.Length; i++)
        {
            index.Add(_hashKeys[i], i);
        }

        return index;
    }

    private IpIndex BuildAddresses()
    {
        var index = new IpIndex();
        for (int i = 0; i < _blocks.Length; i++)
        {
            index.Add(_blocks[i], i, _blocks[i].IsSingleAddress ? IpMatch.Equal : IpMatch.Subset);
        }

        return index;
    }

    private static IpPrefix Block(Random random, int i)
    {
        var address = IpAddress.FromV4((uint)random.NextInt64(0, 1L << 32));
        return (i % 10) switch
        {
            < 7 => IpPrefix.FromAddress(address),
            < 9 => new IpPrefix(address, 24),
            _ => new IpPrefix(address, 16),
        };
    }

    private static IpPrefix Inside(Random random, IpPrefix block) =>
        IpPrefix.FromAddress(IpAddress.FromV4(block.Address.V4 | (uint)(random.Next() & (int)((1L << (32 - block.Length)) - 1))));

    internal static string Hex(Random random, int bytes)
    {
        byte[] data = new byte[bytes];
        random.NextBytes(data);
        return Convert.ToHexStringLower(data);
    }
}

/// <summary>
/// The LIKE/MATCHES prefilter at 10^3 to 10^5 entries (LIKE '%domain%' literals from the telemetry pools): one value
/// scanned for every entry's literal at once. The cost should follow the value's length, not the entry count.
/// </summary>
[MemoryDiagnoser]
public class IndexPrefilterBenchmarks
{
    private const int Probes = 1024;

    private SubstringPrefilter _prefilter = null!;
    private byte[][] _values = [];
    private LikePattern[] _patterns = [];
    private StixRegex _regex = null!;
    private readonly HitBuffer _hits = new(64);

    [Params(1_000, 10_000, 100_000)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var generator = new TelemetryGenerator(seed: 42, poolSize: Size);
        var random = new Random(7);
        _patterns = generator.Domains.Select(d => LikePattern.Create($"%{d}/%")).ToArray();
        long before = GC.GetTotalMemory(forceFullCollection: true);
        _prefilter = Build();
        long bytes = GC.GetTotalMemory(forceFullCollection: true) - before;
        Console.WriteLine($"// prefilter bytes/entry at {Size}: {bytes / (double)_patterns.Length:F1} (MemoryBytes {_prefilter.MemoryBytes / (double)_patterns.Length:F1})");
        _regex = StixRegex.Create("^https?://[a-z0-9.-]+\\.(ru|cn|biz)/[a-z/]*\\.(exe|php)");
        _values = Enumerable.Range(0, Probes)
            .Select(i => Encoding.UTF8.GetBytes(i % 2 == 0 ? generator.Urls[random.Next(generator.Urls.Count)] : $"http://unknown{i}.example.com/index.html?q={i}"))
            .ToArray();
    }

    /// <summary>The candidates for one URL value (about 40 bytes).</summary>
    [Benchmark(OperationsPerInvoke = Probes)]
    public int PrefilterCandidates()
    {
        int candidates = 0;
        foreach (byte[] value in _values)
        {
            _hits.Clear();
            _prefilter.Candidates(value, _hits);
            candidates += _hits.Count;
        }

        return candidates;
    }

    /// <summary>The exact LIKE check of one value against one pattern (what each candidate costs).</summary>
    [Benchmark(OperationsPerInvoke = Probes)]
    public int LikeMatch()
    {
        int matches = 0;
        for (int i = 0; i < _values.Length; i++)
        {
            matches += _patterns[i % _patterns.Length].IsMatch(_values[i]) ? 1 : 0;
        }

        return matches;
    }

    /// <summary>One MATCHES check (linear-time engine) of one value.</summary>
    [Benchmark(OperationsPerInvoke = Probes)]
    public int RegexMatch()
    {
        int matches = 0;
        foreach (byte[] value in _values)
        {
            matches += _regex.Match(value) == RegexOutcome.Match ? 1 : 0;
        }

        return matches;
    }

    /// <summary>Adding every entry in one deferred batch, as the compile step's initial load does (one automaton build).</summary>
    [Benchmark]
    public int BuildPrefilter() => Build().Count;

    /// <summary>Adding every entry one at a time, levels merged as they grow (the incremental path).</summary>
    [Benchmark]
    public int BuildPrefilterOneByOne()
    {
        var prefilter = new SubstringPrefilter();
        for (int i = 0; i < _patterns.Length; i++)
        {
            prefilter.Add(i, _patterns[i]);
        }

        return prefilter.Count;
    }

    private SubstringPrefilter Build()
    {
        var prefilter = new SubstringPrefilter();
        using (prefilter.DeferMerges())
        {
            for (int i = 0; i < _patterns.Length; i++)
            {
                prefilter.Add(i, _patterns[i]);
            }
        }

        return prefilter;
    }
}
