using System.Globalization;
using System.Text;
using Detente.Stix.Schema;

namespace Detente.Cli.Demo;

/// <summary>A TLP 2.0 level of a demo object.</summary>
internal enum DemoTlp
{
    Clear,
    Green,
    Amber,
    AmberStrict,
    Red,
}

/// <summary>
/// One object a demo node publishes: its STIX JSON (without <c>created_by_ref</c>: the node that receives the post adds its
/// own identity and signs it), what the demo expects of it, and the telemetry that hits it.
/// </summary>
/// <param name="Origin">The node that publishes it.</param>
/// <param name="Id">Its STIX id.</param>
/// <param name="Type">Its STIX type.</param>
/// <param name="Name">A short name, for the report.</param>
/// <param name="Tlp">Its TLP level.</param>
/// <param name="Group">The sharing group whose marking it carries, or null.</param>
/// <param name="Json">The object as posted.</param>
/// <param name="Readers">The partners the scenario expects to receive it (the check; the reason shown comes from the policy).</param>
/// <param name="Hits">For an indicator: the telemetry values that hit it, one event each (zeek field name, value).</param>
internal sealed record DemoObject(string Origin, string Id, string Type, string Name, DemoTlp Tlp, string? Group, string Json,
    IReadOnlyList<string> Readers, IReadOnlyList<(string Field, string Value)> Hits)
{
    /// <summary>The TLP label as the report prints it (with the sharing group, if any).</summary>
    public string Label => DemoContent.TlpName(Tlp) + (Group is null ? string.Empty : " " + Group);
}

/// <summary>
/// The demo's scenario, the same in every run: what each of the three nodes publishes and to whom its operator shares,
/// and Zeek-like telemetry with known hits. Ids, hashes and telemetry come from fixed seeds.
/// </summary>
internal static class DemoContent
{
    public const string UsCert = "us-cert";
    public const string RuCert = "ru-cert";
    public const string UnWg = "un-wg";

    /// <summary>The three nodes, in the order the report lists them.</summary>
    public static IReadOnlyList<string> Nodes { get; } = [UsCert, RuCert, UnWg];

    /// <summary>us-cert's sharing group (members: un-wg) and the marking that names it.</summary>
    public const string Elections = "g-elections";

    /// <summary>The marking-definition id of <see cref="Elections"/>.</summary>
    public const string ElectionsMarking = "marking-definition--3c1b7f2e-8a4d-4e6f-9b0a-1d2c3e4f5a6b";

    /// <summary>ru-cert's sharing group (members: un-wg) and the marking that names it.</summary>
    public const string Ransomware = "g-ransomware";

    /// <summary>The marking-definition id of <see cref="Ransomware"/>.</summary>
    public const string RansomwareMarking = "marking-definition--7e9d1c3b-5a2f-4d8e-a6b4-0f1e2d3c4b5a";

    /// <summary>The collection partners of each node's default collection (they receive its TLP:AMBER objects without a group).</summary>
    public static IReadOnlyList<string> CollectionPartners(string node) => node switch
    {
        UsCert => [RuCert, UnWg],
        RuCert => [UsCert],
        _ => [UsCert, RuCert],
    };

    /// <summary>The sharing groups of each node: (group, marking, members).</summary>
    public static IReadOnlyList<(string Group, string Marking, string[] Members)> Groups(string node) => node switch
    {
        UsCert => [(Elections, ElectionsMarking, [UnWg])],
        RuCert => [(Ransomware, RansomwareMarking, [UnWg])],
        _ => [],
    };

    /// <summary>What <paramref name="node"/> publishes before the first sync.</summary>
    public static IReadOnlyList<DemoObject> Seed(string node)
    {
        var make = new Maker(node, node switch { UsCert => 1001, RuCert => 2002, _ => 3003 });
        string[] all = [.. Nodes.Where(n => n != node)];
        switch (node)
        {
            case UsCert:
            {
                DemoObject c2 = make.Indicator("GreyFox loader C2 server", DemoTlp.Clear, null, all, "[ipv4-addr:value = '203.0.113.10']",
                    make.Repeat("id.resp_h", "203.0.113.10", 12));
                DemoObject phishing = make.Indicator("GreyFox phishing domain", DemoTlp.Green, null, all, "[domain-name:value = 'login-update.example']",
                    make.Repeat("query", "login-update.example", 9));
                DemoObject loader = make.Malware("GreyFox loader", "dropper", DemoTlp.Green, all);
                string sha256 = make.Hex(32);
                return
                [
                    c2,
                    phishing,
                    loader,
                    make.Relationship(phishing, "indicates", loader, DemoTlp.Green, all),
                    make.Indicator("GreyFox dropper (SHA-256)", DemoTlp.Amber, null, [RuCert, UnWg], $"[file:hashes.'SHA-256' = '{sha256}']",
                        make.Repeat("sha256", sha256, 4)),
                    make.Indicator("Scanner of election infrastructure", DemoTlp.Amber, Elections, [UnWg], "[ipv4-addr:value ISSUBSET '198.51.100.64/28']",
                        make.InRange("id.resp_h", "198.51.100.", 64, 16, 7)),
                    make.AttackPattern("Spearphishing with election-themed attachments", DemoTlp.AmberStrict),
                    make.Indicator("Sinkhole of a sensitive source", DemoTlp.Red, null, [], "[ipv4-addr:value = '192.0.2.55']",
                        make.Repeat("id.resp_h", "192.0.2.55", 3)),
                ];
            }

            case RuCert:
            {
                DemoObject c2 = make.Indicator("NightBear ransomware C2 server", DemoTlp.Clear, null, all, "[ipv4-addr:value = '192.0.2.77']",
                    make.Repeat("id.resp_h", "192.0.2.77", 10));
                DemoObject portal = make.Indicator("NightBear payment portal", DemoTlp.Green, null, all, "[domain-name:value = 'pay-decrypt.example']",
                    make.Repeat("query", "pay-decrypt.example", 6));
                DemoObject ransomware = make.Malware("NightBear ransomware", "ransomware", DemoTlp.Green, all);
                string md5 = make.Hex(16);
                return
                [
                    c2,
                    portal,
                    ransomware,
                    make.Relationship(c2, "indicates", ransomware, DemoTlp.Green, all),
                    make.Indicator("NightBear sample (MD5)", DemoTlp.Amber, null, [UsCert], $"[file:hashes.MD5 = '{md5}']", make.Repeat("md5", md5, 5)),
                    make.Indicator("NightBear affiliate infrastructure", DemoTlp.Amber, Ransomware, [UnWg], "[ipv4-addr:value ISSUBSET '203.0.113.128/28']",
                        make.InRange("id.resp_h", "203.0.113.", 128, 16, 8)),
                    make.AttackPattern("Data encrypted for impact, internal playbook", DemoTlp.AmberStrict),
                    make.Indicator("Informant's drop server", DemoTlp.Red, null, [], "[domain-name:value = 'drop.informant.example']",
                        make.Repeat("query", "drop.informant.example", 2)),
                ];
            }

            default:
            {
                string sha1 = make.Hex(20);
                return
                [
                    make.Indicator("Scanner seen by both parties", DemoTlp.Clear, null, all, "[ipv4-addr:value = '198.51.100.200']",
                        make.Repeat("id.resp_h", "198.51.100.200", 11)),
                    make.Indicator("Conference watering hole", DemoTlp.Green, null, all, "[domain-name:value = 'conference-news.example']",
                        make.Repeat("query", "conference-news.example", 5)),
                    make.Indicator("Wiper reported to the working group (SHA-1)", DemoTlp.Amber, null, all, $"[file:hashes.'SHA-1' = '{sha1}']",
                        make.Repeat("sha1", sha1, 3)),
                    make.AttackPattern("Supply-chain compromise, mediation notes", DemoTlp.AmberStrict),
                    make.Indicator("Observer's own honeypot", DemoTlp.Red, null, [], "[ipv4-addr:value = '192.0.2.200']",
                        make.Repeat("id.resp_h", "192.0.2.200", 4)),
                ];
            }
        }
    }

    /// <summary>What ru-cert publishes after the first sync; the first object is the one it then rewrites in its own store.</summary>
    public static IReadOnlyList<DemoObject> Update()
    {
        var make = new Maker(RuCert, 2102);
        return
        [
            make.Indicator("NightBear new C2 server", DemoTlp.Green, null, [UsCert, UnWg], "[ipv4-addr:value = '192.0.2.78']", []),
            make.Indicator("NightBear mirror of the payment portal", DemoTlp.Clear, null, [UsCert, UnWg], "[domain-name:value = 'pay-decrypt2.example']", []),
        ];
    }

    /// <summary>What ru-cert publishes after it was caught.</summary>
    public static IReadOnlyList<DemoObject> AfterTamper()
    {
        var make = new Maker(RuCert, 2202);
        return [make.Indicator("NightBear third C2 server", DemoTlp.Clear, null, [UsCert, UnWg], "[ipv4-addr:value = '192.0.2.79']", [])];
    }

    /// <summary>The TLP 2.0 marking-definition id of a level.</summary>
    public static string Marking(DemoTlp tlp) => tlp switch
    {
        DemoTlp.Clear => TlpMarkings.Tlp2Clear,
        DemoTlp.Green => TlpMarkings.Tlp2Green,
        DemoTlp.Amber => TlpMarkings.Tlp2Amber,
        DemoTlp.AmberStrict => TlpMarkings.Tlp2AmberStrict,
        _ => TlpMarkings.Tlp2Red,
    };

    /// <summary>The level's name as TLP 2.0 writes it.</summary>
    public static string TlpName(DemoTlp tlp) => tlp switch
    {
        DemoTlp.Clear => "TLP:CLEAR",
        DemoTlp.Green => "TLP:GREEN",
        DemoTlp.Amber => "TLP:AMBER",
        DemoTlp.AmberStrict => "TLP:AMBER+STRICT",
        _ => "TLP:RED",
    };

    /// <summary>
    /// Zeek JSON log lines (conn, dns, files) of one day on a network: <paramref name="noise"/> events that hit nothing (internal
    /// addresses, benign names, random hashes), with one event for each hit of <paramref name="objects"/> mixed in at
    /// seeded places.
    /// </summary>
    public static string Telemetry(IEnumerable<DemoObject> objects, int noise)
    {
        var random = new Random(4242);
        var events = new List<(string Field, string Value)>(noise);
        string[] benign = ["www.example.org", "updates.example.net", "mail.example.com", "cdn.example.org", "intranet.example"];
        for (int i = 0; i < noise; i++)
        {
            events.Add((i % 5) switch
            {
                0 or 1 or 2 => ("id.resp_h", string.Create(CultureInfo.InvariantCulture, $"10.{random.Next(0, 256)}.{random.Next(0, 256)}.{random.Next(1, 255)}")),
                3 => ("query", benign[random.Next(benign.Length)]),
                _ => ("sha256", Hex(random, 32)),
            });
        }

        foreach (DemoObject o in objects)
        {
            foreach ((string field, string value) in o.Hits)
            {
                events.Insert(random.Next(events.Count + 1), (field, value));
            }
        }

        var text = new StringBuilder(events.Count * 160);
        double ts = 1768003200; // 2026-01-10T00:00:00Z, after the indicators' valid_from
        for (int i = 0; i < events.Count; i++)
        {
            ts += 1 + (random.Next(0, 1000) / 1000.0);
            string time = ts.ToString("0.000", CultureInfo.InvariantCulture);
            string uid = "C" + Hex(random, 8);
            string client = string.Create(CultureInfo.InvariantCulture, $"10.1.{random.Next(0, 32)}.{random.Next(2, 250)}");
            (string field, string value) = events[i];
            text.Append(field switch
            {
                "id.resp_h" => $$"""{"ts":{{time}},"uid":"{{uid}}","id.orig_h":"{{client}}","id.orig_p":{{random.Next(1024, 65535)}},"id.resp_h":"{{value}}","id.resp_p":443,"proto":"tcp","conn_state":"SF"}""",
                "query" => $$"""{"ts":{{time}},"uid":"{{uid}}","id.orig_h":"{{client}}","id.orig_p":{{random.Next(1024, 65535)}},"id.resp_h":"10.0.0.53","id.resp_p":53,"proto":"udp","query":"{{value}}","qtype_name":"A","rcode_name":"NOERROR"}""",
                _ => $$"""{"ts":{{time}},"fuid":"F{{uid}}","source":"HTTP","mime_type":"application/x-dosexec","filename":"update.bin","{{field}}":"{{value}}"}""",
            });
            text.Append('\n');
        }

        return text.ToString();
    }

    private static string Hex(Random random, int bytes)
    {
        byte[] buffer = new byte[bytes];
        random.NextBytes(buffer);
        return Convert.ToHexStringLower(buffer);
    }

    /// <summary>Makes one node's objects from a seed: the same ids and values in every run.</summary>
    private sealed class Maker(string origin, int seed)
    {
        private const string Created = "2026-01-05T08:00:00.000Z";
        private readonly Random _random = new(seed);

        public string Hex(int bytes) => DemoContent.Hex(_random, bytes);

        public IReadOnlyList<(string, string)> Repeat(string field, string value, int times) => [.. Enumerable.Repeat((field, value), times)];

        /// <summary><paramref name="times"/> addresses of <c>prefix</c>.<paramref name="first"/> … +<paramref name="count"/>.</summary>
        public IReadOnlyList<(string, string)> InRange(string field, string prefix, int first, int count, int times) =>
            [.. Enumerable.Range(0, times).Select(_ => (field, prefix + (first + _random.Next(count)).ToString(CultureInfo.InvariantCulture)))];

        public DemoObject Indicator(string name, DemoTlp tlp, string? group, IReadOnlyList<string> readers, string pattern,
            IReadOnlyList<(string, string)> hits) =>
            Make("indicator", name, tlp, group, readers, hits,
                $",\"name\":\"{name}\",\"indicator_types\":[\"malicious-activity\"],\"pattern\":\"{pattern}\",\"pattern_type\":\"stix\",\"pattern_version\":\"2.1\",\"valid_from\":\"2026-01-05T00:00:00Z\"");

        public DemoObject Malware(string name, string kind, DemoTlp tlp, IReadOnlyList<string> readers) =>
            Make("malware", name, tlp, null, readers, [], $",\"name\":\"{name}\",\"is_family\":true,\"malware_types\":[\"{kind}\"]");

        public DemoObject AttackPattern(string name, DemoTlp tlp) => Make("attack-pattern", name, tlp, null, [], [], $",\"name\":\"{name}\"");

        public DemoObject Relationship(DemoObject source, string type, DemoObject target, DemoTlp tlp, IReadOnlyList<string> readers) =>
            Make("relationship", $"{source.Name} {type} {target.Name}", tlp, null, readers, [],
                $",\"relationship_type\":\"{type}\",\"source_ref\":\"{source.Id}\",\"target_ref\":\"{target.Id}\"");

        private DemoObject Make(string type, string name, DemoTlp tlp, string? group, IReadOnlyList<string> readers, IReadOnlyList<(string, string)> hits,
            string properties)
        {
            string id = type + "--" + NewUuid();
            string markings = "\"" + Marking(tlp) + "\"" + (group is null ? string.Empty
                : ",\"" + (group == Elections ? ElectionsMarking : RansomwareMarking) + "\"");
            string json = $$"""{"type":"{{type}}","spec_version":"2.1","id":"{{id}}","created":"{{Created}}","modified":"{{Created}}"{{properties}},"object_marking_refs":[{{markings}}]}""";
            return new DemoObject(origin, id, type, name, tlp, group, json, readers, hits);
        }

        /// <summary>A version 4 UUID from the seeded generator (RFC 9562 §5.4 layout), so ids repeat from run to run.</summary>
        private string NewUuid()
        {
            Span<byte> bytes = stackalloc byte[16];
            _random.NextBytes(bytes);
            bytes[6] = (byte)((bytes[6] & 0x0F) | 0x40);
            bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
            return new Guid(bytes, bigEndian: true).ToString("D");
        }
    }
}
