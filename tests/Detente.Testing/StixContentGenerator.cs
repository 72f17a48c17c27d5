using System.Globalization;
using System.Text;
using Detente.Stix;
using Detente.Stix.Identifiers;
using Detente.Stix.Json;

namespace Detente.Testing;

/// <summary>
/// Writes realistic, valid STIX 2.1 content from a seed: indicators, malware, threat actors, identities, reports,
/// relationships, sightings and SCOs in a fixed mix, so that benchmarks and tests see the same data every run.
/// </summary>
public sealed class StixContentGenerator
{
    private static readonly string[] s_types =
    [
        "indicator", "indicator", "indicator", "indicator", "ipv4-addr", "ipv4-addr", "domain-name", "domain-name",
        "file", "url", "relationship", "relationship", "malware", "sighting", "identity", "threat-actor", "report",
        "attack-pattern", "vulnerability", "observed-data",
    ];

    private const string Identity = "identity--8c6af861-7b20-41ef-9b59-6344fd872a8f";
    private const string TlpAmber = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421";

    private static readonly StixReader s_reader = new();
    private readonly Random _random;
    private readonly DateTime _epoch = new(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>Creates a generator; the same seed gives the same objects.</summary>
    public StixContentGenerator(int seed)
    {
        _random = new Random(seed);
    }

    /// <summary>The next object, as compact JSON.</summary>
    public string NextObject()
    {
        string type = s_types[_random.Next(s_types.Length)];
        string created = Timestamp(_random.Next(0, 600 * 24 * 3600));
        string modified = Timestamp(_random.Next(600 * 24 * 3600, 700 * 24 * 3600));
        string common = $"\"type\":\"{type}\",\"spec_version\":\"2.1\",\"id\":\"{type}--{Uuid()}\",\"created\":\"{created}\",\"modified\":\"{modified}\",\"created_by_ref\":\"{Identity}\",\"object_marking_refs\":[\"{TlpAmber}\"]";
        string sco = $"\"type\":\"{type}\",\"spec_version\":\"2.1\",\"id\":\"{type}--{Uuid()}\"";
        string json = type switch
        {
            "indicator" => $"{{{common},\"name\":\"Malicious host {Ip()}\",\"description\":\"Command and control server seen in phishing campaign {_random.Next(1000)}.\",\"indicator_types\":[\"malicious-activity\"],\"pattern\":\"[ipv4-addr:value = '{Ip()}'] OR [domain-name:value = '{Domain()}']\",\"pattern_type\":\"stix\",\"valid_from\":\"{created}\",\"confidence\":{_random.Next(101)},\"labels\":[\"c2\",\"phishing\"],\"kill_chain_phases\":[{{\"kill_chain_name\":\"mitre-attack\",\"phase_name\":\"command-and-control\"}}]}}",
            "ipv4-addr" => $"{{{sco},\"value\":\"{Ip()}\"}}",
            "domain-name" => $"{{{sco},\"value\":\"{Domain()}\"}}",
            "url" => $"{{{sco},\"value\":\"https://{Domain()}/login/{_random.Next(100000)}\"}}",
            "file" => $"{{{sco},\"name\":\"invoice-{_random.Next(10000)}.pdf.exe\",\"size\":{_random.Next(1000, 5_000_000)},\"hashes\":{{\"SHA-256\":\"{Hex(32)}\",\"MD5\":\"{Hex(16)}\"}}}}",
            "relationship" => $"{{{common},\"relationship_type\":\"indicates\",\"source_ref\":\"indicator--{Uuid()}\",\"target_ref\":\"malware--{Uuid()}\"}}",
            "malware" => $"{{{common},\"name\":\"Family{_random.Next(500)}\",\"is_family\":true,\"malware_types\":[\"remote-access-trojan\"],\"description\":\"Remote access trojan delivered by macro documents.\"}}",
            "sighting" => $"{{{common},\"sighting_of_ref\":\"indicator--{Uuid()}\",\"count\":{_random.Next(1, 50)},\"first_seen\":\"{created}\",\"last_seen\":\"{modified}\",\"where_sighted_refs\":[\"{Identity}\"]}}",
            "identity" => $"{{{common},\"name\":\"CERT {_random.Next(200)}\",\"identity_class\":\"organization\",\"sectors\":[\"government\"]}}",
            "threat-actor" => $"{{{common},\"name\":\"Actor {_random.Next(300)}\",\"threat_actor_types\":[\"nation-state\"],\"aliases\":[\"APT{_random.Next(100)}\"],\"sophistication\":\"expert\"}}",
            "report" => $"{{{common},\"name\":\"Weekly report {_random.Next(52)}\",\"report_types\":[\"threat-report\"],\"published\":\"{modified}\",\"object_refs\":[\"indicator--{Uuid()}\",\"malware--{Uuid()}\",\"relationship--{Uuid()}\"]}}",
            "attack-pattern" => $"{{{common},\"name\":\"Spearphishing Attachment\",\"external_references\":[{{\"source_name\":\"mitre-attack\",\"external_id\":\"T1566.{_random.Next(1, 4):D3}\",\"url\":\"https://attack.mitre.org/techniques/T1566/\"}}]}}",
            "vulnerability" => $"{{{common},\"name\":\"CVE-2024-{_random.Next(10000, 50000)}\",\"external_references\":[{{\"source_name\":\"cve\",\"external_id\":\"CVE-2024-{_random.Next(10000, 50000)}\"}}]}}",
            _ => $"{{{common},\"first_observed\":\"{created}\",\"last_observed\":\"{modified}\",\"number_observed\":{_random.Next(1, 100)},\"object_refs\":[\"ipv4-addr--{Uuid()}\"]}}",
        };
        return ScoIds.ContributingProperties(type) is null ? json : WithDeterministicId(json);
    }

    /// <summary>Gives an SCO the id a conformant producer computes (STIX 2.1 §2.9), as a careful partner would.</summary>
    private static string WithDeterministicId(string json)
    {
        var o = (JsonObject)s_reader.Parse(Encoding.UTF8.GetBytes(json));
        return ScoIds.TryCompute(new StixObject(o), out StixId id) ? o.With("id", id.ToString()).ToString() : json;
    }

    /// <summary>A bundle of <paramref name="count"/> objects, as compact UTF-8 JSON.</summary>
    public byte[] Bundle(int count)
    {
        var sb = new StringBuilder();
        sb.Append("{\"type\":\"bundle\",\"id\":\"bundle--").Append(Uuid()).Append("\",\"objects\":[");
        for (int i = 0; i < count; i++)
        {
            if (i > 0)
            {
                sb.Append(',');
            }

            sb.Append(NextObject());
        }

        return Encoding.UTF8.GetBytes(sb.Append("]}").ToString());
    }

    /// <summary>Writes <paramref name="count"/> objects as JSON lines to <paramref name="output"/>.</summary>
    public void WriteLines(TextWriter output, long count)
    {
        ArgumentNullException.ThrowIfNull(output);
        for (long i = 0; i < count; i++)
        {
            output.Write(NextObject());
            output.Write('\n');
        }
    }

    private string Uuid()
    {
        Span<byte> bytes = stackalloc byte[16];
        _random.NextBytes(bytes);
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x40); // version 4
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 4122 variant
        return new Guid(bytes, bigEndian: true).ToString("D");
    }

    private string Timestamp(int secondsAfterEpoch) =>
        _epoch.AddSeconds(secondsAfterEpoch).AddMilliseconds(_random.Next(1000))
            .ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fff'Z'", CultureInfo.InvariantCulture);

    private string Ip() => $"{_random.Next(1, 224)}.{_random.Next(256)}.{_random.Next(256)}.{_random.Next(1, 255)}";

    private string Domain() => $"{Word()}-{Word()}.{(_random.Next(3) switch { 0 => "com", 1 => "net", _ => "org" })}";

    private string Word()
    {
        Span<char> chars = stackalloc char[_random.Next(4, 10)];
        for (int i = 0; i < chars.Length; i++)
        {
            chars[i] = (char)('a' + _random.Next(26));
        }

        return chars.ToString();
    }

    private string Hex(int bytes)
    {
        byte[] data = new byte[bytes];
        _random.NextBytes(data);
        return Convert.ToHexStringLower(data);
    }
}
