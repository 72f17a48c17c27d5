using System.Globalization;
using System.Text;
using Detente.Patterns;
using Detente.Patterns.Matching;
using Detente.Patterns.Telemetry;

namespace Detente.Testing;

/// <summary>
/// A seeded workload for the compiled matcher: a realistic indicator mix and telemetry (Zeek and EVE JSON lines, STIX
/// observed-data bundles as JSON lines) with a known, fixed set of values that hit.
/// </summary>
/// <remarks>
/// <para><b>Mix</b> (per 1,000 indicators): 500 IPv4 equalities, 100 CIDR blocks (/24 to /28, half as
/// <c>ipv4-addr:value ISSUBSET</c>, half as <c>network-traffic:dst_ref.value ISSUBSET</c>), 200 domain equalities,
/// 150 file hashes (SHA-256, MD5, SHA-1), and 50 compound patterns: LIKE on domain names, MATCHES on URLs, and
/// <c>([ipv4-addr …] FOLLOWEDBY [domain-name …]) WITHIN 600 SECONDS</c>.</para>
/// <para><b>Hits</b>: the first <see cref="HitValuesPerKind"/> values of the telemetry's IPv4, domain and hash pools are
/// indicators (plus one LIKE, one MATCHES and one FOLLOWEDBY built on them), whatever the size; every other indicator is
/// built from values the telemetry never carries (IPv4 addresses and CIDR blocks outside the pool's /24s and outside
/// 192.0.0.0/8, domain names with a hyphen, random hashes). So the share of events that hit is the same from 10^3 to
/// 10^6 indicators: with the defaults (a pool of 1,000, 10 hit values per kind) about 1 to 3 % of events, depending on
/// the format.</para>
/// </remarks>
public sealed class MatcherWorkload
{
    private static readonly string[] s_words = ["cdn", "login", "update", "mail", "portal", "static", "api", "secure", "files", "news"];
    private static readonly string[] s_tlds = ["com", "net", "org", "io", "ru", "cn", "info", "biz"];

    private readonly string[] _patterns;
    private readonly string[] _ids;

    /// <summary>Builds <paramref name="indicatorCount"/> indicators and a telemetry generator with the same seed.</summary>
    /// <param name="indicatorCount">How many indicators (at least <see cref="MinimumCount"/>).</param>
    /// <param name="seed">The seed of the indicators and of the telemetry.</param>
    /// <param name="poolSize">The number of values of each kind the telemetry draws from.</param>
    /// <param name="hitValuesPerKind">How many values of each pool (IPv4, domains, file hashes) are indicators.</param>
    public MatcherWorkload(int indicatorCount, int seed = 42, int poolSize = 1000, int hitValuesPerKind = 10)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(hitValuesPerKind, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(hitValuesPerKind, poolSize / 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(indicatorCount, MinimumCountFor(hitValuesPerKind));
        HitValuesPerKind = hitValuesPerKind;
        Telemetry = new TelemetryGenerator(seed, poolSize);
        var random = new Random(seed ^ 0x5EED);
        _patterns = new string[indicatorCount];
        _ids = new string[indicatorCount];
        var pool24 = new HashSet<uint>(Telemetry.Ipv4.Select(a => Ipv4(a) >> 8));
        var poolAddresses = new HashSet<string>(Telemetry.Ipv4, StringComparer.Ordinal);
        int n = 0;

        // The values that hit, first, so that every size holds them all.
        for (int i = 0; i < hitValuesPerKind; i++)
        {
            _patterns[n++] = $"[ipv4-addr:value = '{Telemetry.Ipv4[i]}']";
            _patterns[n++] = $"[domain-name:value = '{Telemetry.Domains[i]}']";
            _patterns[n++] = (i % 3) switch
            {
                0 => $"[file:hashes.'SHA-256' = '{Telemetry.Sha256[i]}']",
                1 => $"[file:hashes.MD5 = '{Telemetry.Md5[i]}']",
                _ => $"[file:hashes.'SHA-1' = '{Telemetry.Sha1[i]}']",
            };
        }

        string likeDomain = Telemetry.Domains[hitValuesPerKind];
        _patterns[n++] = $"[domain-name:value LIKE '{likeDomain[..likeDomain.IndexOf('.', StringComparison.Ordinal)]}.%']";
        _patterns[n++] = $"[url:value MATCHES '^https?://{RegexEscape(Telemetry.Domains[hitValuesPerKind + 1])}(:[0-9]+)?/']";
        _patterns[n++] = $"([ipv4-addr:value = '{Telemetry.Ipv4[hitValuesPerKind]}'] FOLLOWEDBY [domain-name:value = '{Telemetry.Domains[hitValuesPerKind + 2]}']) WITHIN 600 SECONDS";
        HitIndicatorCount = n;

        while (n < indicatorCount)
        {
            int kind = random.Next(1000);
            _patterns[n++] = kind switch
            {
                < 500 => $"[ipv4-addr:value = '{MissAddress(random, poolAddresses)}']",
                < 550 => $"[ipv4-addr:value ISSUBSET '{MissBlock(random, pool24)}']",
                < 600 => $"[network-traffic:dst_ref.value ISSUBSET '{MissBlock(random, pool24)}']",
                < 800 => $"[domain-name:value = '{MissDomain(random)}']",
                < 900 => $"[file:hashes.'SHA-256' = '{Hex(random, 32)}']",
                < 930 => $"[file:hashes.MD5 = '{Hex(random, 16)}']",
                < 950 => $"[file:hashes.'SHA-1' = '{Hex(random, 20)}']",
                < 967 => $"[domain-name:value LIKE '%-{Hex(random, 3)}.{s_tlds[random.Next(s_tlds.Length)]}']",
                < 984 => $"[url:value MATCHES '^https?://[a-z0-9.]+-{Hex(random, 3)}\\\\.[a-z]+/']",
                _ => $"([ipv4-addr:value = '{MissAddress(random, poolAddresses)}'] FOLLOWEDBY [domain-name:value = '{MissDomain(random)}']) WITHIN 600 SECONDS",
            };
        }

        for (int i = 0; i < indicatorCount; i++)
        {
            _ids[i] = "indicator--" + Uuid(random);
        }
    }

    /// <summary>The fewest indicators a workload with the default <see cref="HitValuesPerKind"/> holds: the hitting ones.</summary>
    public static int MinimumCount => MinimumCountFor(10);

    /// <summary>The telemetry generator (its pools hold the values that hit).</summary>
    public TelemetryGenerator Telemetry { get; }

    /// <summary>How many values of each kind hit.</summary>
    public int HitValuesPerKind { get; }

    /// <summary>How many indicators (the first ones) are built on values the telemetry carries.</summary>
    public int HitIndicatorCount { get; }

    /// <summary>The pattern of each indicator.</summary>
    public IReadOnlyList<string> Patterns => _patterns;

    /// <summary>The id of each indicator (<c>indicator--</c> and a seeded version 4 UUID).</summary>
    public IReadOnlyList<string> Ids => _ids;

    /// <summary>The indicators, parsed (STIX 2.1 grammar, no validity window).</summary>
    public IEnumerable<Indicator> Indicators()
    {
        for (int i = 0; i < _patterns.Length; i++)
        {
            yield return new Indicator(_ids[i], Pattern.Parse(_patterns[i]));
        }
    }

    /// <summary>A compiled set over <paramref name="keys"/> holding every indicator, added in one bulk load.</summary>
    public IndicatorSet LoadSet(FieldKeyTable keys)
    {
        var set = new IndicatorSet(keys);
        using (set.BeginBulkLoad())
        {
            foreach (Indicator indicator in Indicators())
            {
                set.Add(indicator);
            }
        }

        return set;
    }

    /// <summary>Indicator <paramref name="i"/> as a STIX 2.1 indicator object on one line.</summary>
    public string IndicatorJson(int i)
    {
        var text = new StringBuilder();
        text.Append("{\"type\":\"indicator\",\"spec_version\":\"2.1\",\"id\":\"").Append(_ids[i])
            .Append("\",\"created\":\"2024-01-01T00:00:00.000Z\",\"modified\":\"2024-01-01T00:00:00.000Z\",\"pattern\":\"");
        foreach (char c in _patterns[i])
        {
            _ = c switch
            {
                '"' => text.Append("\\\""),
                '\\' => text.Append("\\\\"),
                _ => text.Append(c),
            };
        }

        return text.Append("\",\"pattern_type\":\"stix\",\"pattern_version\":\"2.1\",\"valid_from\":\"2024-01-01T00:00:00Z\"}").ToString();
    }

    /// <summary>Every indicator as a STIX object, one per line (UTF-8, each line ending with a line feed).</summary>
    public byte[] IndicatorLines() => TelemetryGenerator.Lines(new Counter(this).Next, _patterns.Length);

    private static int MinimumCountFor(int hitValuesPerKind) => (3 * hitValuesPerKind) + 3;

    private static uint Ipv4(string address)
    {
        string[] parts = address.Split('.');
        return (uint.Parse(parts[0], CultureInfo.InvariantCulture) << 24) | (uint.Parse(parts[1], CultureInfo.InvariantCulture) << 16)
            | (uint.Parse(parts[2], CultureInfo.InvariantCulture) << 8) | uint.Parse(parts[3], CultureInfo.InvariantCulture);
    }

    private static string Dotted(uint address) =>
        string.Create(CultureInfo.InvariantCulture, $"{address >> 24}.{(address >> 16) & 0xFF}.{(address >> 8) & 0xFF}.{address & 0xFF}");

    /// <summary>A unicast address that no event carries: outside the pool and outside 192.0.0.0/8 (the events' sources).</summary>
    private static string MissAddress(Random random, HashSet<string> pool)
    {
        while (true)
        {
            uint address = (uint)random.NextInt64(1L << 24, 224L << 24) | 1;
            string text = Dotted(address);
            if ((address >> 24) != 192 && !pool.Contains(text))
            {
                return text;
            }
        }
    }

    /// <summary>A /24 to /28 block that holds no address an event carries.</summary>
    private static string MissBlock(Random random, HashSet<uint> pool24)
    {
        while (true)
        {
            uint address = (uint)random.NextInt64(1L << 24, 224L << 24);
            int length = random.Next(24, 29);
            if ((address >> 24) != 192 && !pool24.Contains(address >> 8))
            {
                uint mask = uint.MaxValue << (32 - length);
                return Dotted(address & mask) + "/" + length.ToString(CultureInfo.InvariantCulture);
            }
        }
    }

    /// <summary>A domain name with a hyphen: the telemetry's names have none.</summary>
    private static string MissDomain(Random random) =>
        string.Create(CultureInfo.InvariantCulture, $"{s_words[random.Next(s_words.Length)]}-{Hex(random, 3)}.{s_words[random.Next(s_words.Length)]}.{s_tlds[random.Next(s_tlds.Length)]}");

    private static string RegexEscape(string domain) => domain.Replace(".", "\\\\.", StringComparison.Ordinal);

    private static string Hex(Random random, int bytes)
    {
        Span<byte> buffer = stackalloc byte[bytes];
        random.NextBytes(buffer);
        return Convert.ToHexStringLower(buffer);
    }

    private static string Uuid(Random random)
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40); // version 4 (Guid's byte order: version in byte 7)
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes).ToString("D");
    }

    private sealed class Counter(MatcherWorkload workload)
    {
        private int _next;

        public string Next() => workload.IndicatorJson(_next++);
    }
}
