using System.Globalization;
using System.Text;

namespace Detente.Testing;

/// <summary>
/// Writes realistic telemetry from a seed: Zeek JSON log lines (conn, dns, http, files, ssl), Suricata EVE lines
/// (flow, dns, http, fileinfo, tls, alert, stats), and STIX 2.1 observed-data bundles. Values are drawn from known
/// pools (<see cref="Ipv4"/>, <see cref="Domains"/>, …) so that tests and benchmarks can build indicators that hit
/// or miss, and the same seed gives the same lines every run.
/// </summary>
public sealed class TelemetryGenerator
{
    private static readonly string[] s_words =
    [
        "cdn", "login", "update", "mail", "portal", "static", "api", "secure", "files", "news", "shop", "cloud", "auth",
        "media", "img", "docs", "billing", "support", "vpn", "data",
    ];

    private static readonly string[] s_tlds = ["com", "net", "org", "io", "ru", "cn", "info", "biz"];
    private static readonly string[] s_paths = ["/", "/index.html", "/login.php", "/update/check", "/payload.exe", "/api/v1/items", "/img/logo.png"];

    private readonly Random _random;
    private readonly DateTime _start = new(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc);
    private long _micros;

    /// <summary>Creates a generator whose pools hold <paramref name="poolSize"/> values of each kind.</summary>
    public TelemetryGenerator(int seed, int poolSize = 1000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(poolSize, 1);
        _random = new Random(seed);
        Ipv4 = Enumerable.Range(0, poolSize).Select(_ => Ipv4Address()).Distinct().ToArray();
        Ipv6 = Enumerable.Range(0, poolSize).Select(_ => Ipv6Address()).Distinct().ToArray();
        Domains = Enumerable.Range(0, poolSize).Select(_ => Domain()).Distinct().ToArray();
        Md5 = Enumerable.Range(0, poolSize).Select(_ => Hex(16)).ToArray();
        Sha1 = Enumerable.Range(0, poolSize).Select(_ => Hex(20)).ToArray();
        Sha256 = Enumerable.Range(0, poolSize).Select(_ => Hex(32)).ToArray();
        Urls = Domains.Select(d => $"http://{d}{s_paths[_random.Next(s_paths.Length)]}").ToArray();
    }

    /// <summary>The IPv4 addresses events use.</summary>
    public IReadOnlyList<string> Ipv4 { get; }

    /// <summary>The IPv6 addresses events use (in canonical RFC 5952 form).</summary>
    public IReadOnlyList<string> Ipv6 { get; }

    /// <summary>The domain names events use (lower case).</summary>
    public IReadOnlyList<string> Domains { get; }

    /// <summary>The MD5 values events use (lower-case hex).</summary>
    public IReadOnlyList<string> Md5 { get; }

    /// <summary>The SHA-1 values events use (lower-case hex).</summary>
    public IReadOnlyList<string> Sha1 { get; }

    /// <summary>The SHA-256 values events use (lower-case hex).</summary>
    public IReadOnlyList<string> Sha256 { get; }

    /// <summary>The URLs events use.</summary>
    public IReadOnlyList<string> Urls { get; }

    /// <summary>A Zeek line of a random log: conn (half of them), dns, http, files or ssl.</summary>
    public string ZeekLine() => _random.Next(10) switch
    {
        < 5 => ZeekConnLine(),
        5 or 6 => ZeekDnsLine(),
        7 => ZeekHttpLine(),
        8 => ZeekFilesLine(),
        _ => ZeekSslLine(),
    };

    /// <summary>A Zeek conn.log record.</summary>
    public string ZeekConnLine()
    {
        bool v6 = _random.Next(10) == 0;
        (string orig, string resp) = v6 ? (Pick(Ipv6), Pick(Ipv6)) : ($"192.168.{_random.Next(256)}.{_random.Next(1, 255)}", Pick(Ipv4));
        string proto = _random.Next(4) == 0 ? "udp" : "tcp";
        return string.Create(CultureInfo.InvariantCulture, $"{{\"ts\":{Ts()},\"uid\":\"{Uid()}\",\"id.orig_h\":\"{orig}\",\"id.orig_p\":{_random.Next(1024, 65536)},\"id.resp_h\":\"{resp}\",\"id.resp_p\":{Port()},\"proto\":\"{proto}\",\"service\":\"ssl\",\"duration\":{_random.NextDouble() * 10:0.######},\"orig_bytes\":{_random.Next(100000)},\"resp_bytes\":{_random.Next(1000000)},\"conn_state\":\"SF\",\"local_orig\":true,\"local_resp\":false,\"missed_bytes\":0,\"history\":\"ShADadFf\",\"orig_pkts\":{_random.Next(1, 100)},\"orig_ip_bytes\":{_random.Next(100000)},\"resp_pkts\":{_random.Next(1, 100)},\"resp_ip_bytes\":{_random.Next(1000000)}}}");
    }

    /// <summary>A Zeek dns.log record.</summary>
    public string ZeekDnsLine()
    {
        string query = Pick(Domains);
        if (_random.Next(8) == 0)
        {
            query = query.ToUpperInvariant() + "."; // resolvers see mixed case and fully qualified names
        }

        return $"{{\"ts\":{Ts()},\"uid\":\"{Uid()}\",\"id.orig_h\":\"192.168.1.{_random.Next(1, 255)}\",\"id.orig_p\":{_random.Next(1024, 65536)},\"id.resp_h\":\"192.168.1.1\",\"id.resp_p\":53,\"proto\":\"udp\",\"trans_id\":{_random.Next(65536)},\"rtt\":0.0123,\"query\":\"{query}\",\"qclass\":1,\"qclass_name\":\"C_INTERNET\",\"qtype\":1,\"qtype_name\":\"A\",\"rcode\":0,\"rcode_name\":\"NOERROR\",\"AA\":false,\"TC\":false,\"RD\":true,\"RA\":true,\"Z\":0,\"answers\":[\"{Pick(Ipv4)}\"],\"TTLs\":[300.0],\"rejected\":false}}";
    }

    /// <summary>A Zeek http.log record.</summary>
    public string ZeekHttpLine()
    {
        string host = Pick(Domains) + (_random.Next(4) == 0 ? ":8080" : string.Empty);
        return $"{{\"ts\":{Ts()},\"uid\":\"{Uid()}\",\"id.orig_h\":\"192.168.1.{_random.Next(1, 255)}\",\"id.orig_p\":{_random.Next(1024, 65536)},\"id.resp_h\":\"{Pick(Ipv4)}\",\"id.resp_p\":80,\"trans_depth\":1,\"method\":\"GET\",\"host\":\"{host}\",\"uri\":\"{s_paths[_random.Next(s_paths.Length)]}?id={_random.Next(1000)}\",\"version\":\"1.1\",\"user_agent\":\"Mozilla/5.0 (Windows NT 10.0; Win64; x64)\",\"request_body_len\":0,\"response_body_len\":{_random.Next(100000)},\"status_code\":200,\"status_msg\":\"OK\",\"tags\":[],\"resp_fuids\":[\"F{Uid()}\"],\"resp_mime_types\":[\"application/x-dosexec\"]}}";
    }

    /// <summary>A Zeek files.log record with MD5, SHA-1 and SHA-256.</summary>
    public string ZeekFilesLine()
    {
        int i = _random.Next(Md5.Count);
        string sha256 = _random.Next(8) == 0 ? Sha256[i].ToUpperInvariant() : Sha256[i];
        return $"{{\"ts\":{Ts()},\"fuid\":\"F{Uid()}\",\"tx_hosts\":[\"{Pick(Ipv4)}\"],\"rx_hosts\":[\"192.168.1.{_random.Next(1, 255)}\"],\"conn_uids\":[\"{Uid()}\"],\"source\":\"HTTP\",\"depth\":0,\"analyzers\":[\"MD5\",\"SHA1\",\"SHA256\",\"PE\"],\"mime_type\":\"application/x-dosexec\",\"filename\":\"invoice-{_random.Next(10000)}.exe\",\"duration\":0.0012,\"is_orig\":false,\"seen_bytes\":{_random.Next(1000000)},\"total_bytes\":{_random.Next(1000000)},\"missing_bytes\":0,\"overflow_bytes\":0,\"timedout\":false,\"md5\":\"{Md5[i]}\",\"sha1\":\"{Sha1[i]}\",\"sha256\":\"{sha256}\"}}";
    }

    /// <summary>A Zeek ssl.log record with a server name.</summary>
    public string ZeekSslLine() =>
        $"{{\"ts\":{Ts()},\"uid\":\"{Uid()}\",\"id.orig_h\":\"192.168.1.{_random.Next(1, 255)}\",\"id.orig_p\":{_random.Next(1024, 65536)},\"id.resp_h\":\"{Pick(Ipv4)}\",\"id.resp_p\":443,\"version\":\"TLSv12\",\"cipher\":\"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256\",\"curve\":\"secp256r1\",\"server_name\":\"{Pick(Domains)}\",\"resumed\":false,\"established\":true,\"ssl_history\":\"CsxknGIi\"}}";

    /// <summary>A Suricata EVE line of a random event type.</summary>
    public string EveLine()
    {
        string common = $"\"timestamp\":\"{Iso("+0000")}\",\"flow_id\":{_random.NextInt64(1, long.MaxValue / 2)},\"in_iface\":\"eth0\"";
        string endpoints = $"\"src_ip\":\"192.168.1.{_random.Next(1, 255)}\",\"src_port\":{_random.Next(1024, 65536)},\"dest_ip\":\"{Pick(Ipv4)}\",\"dest_port\":{Port()}";
        return _random.Next(12) switch
        {
            < 4 => $"{{{common},\"event_type\":\"flow\",{endpoints},\"proto\":\"TCP\",\"app_proto\":\"tls\",\"flow\":{{\"pkts_toserver\":{_random.Next(1, 100)},\"pkts_toclient\":{_random.Next(1, 100)},\"bytes_toserver\":{_random.Next(100000)},\"bytes_toclient\":{_random.Next(1000000)},\"start\":\"{Iso("+0000")}\",\"end\":\"{Iso("+0000")}\",\"age\":3,\"state\":\"closed\",\"reason\":\"timeout\",\"alerted\":false}}}}",
            4 or 5 => $"{{{common},\"event_type\":\"dns\",{endpoints},\"proto\":\"UDP\",\"dns\":{{\"type\":\"query\",\"id\":{_random.Next(65536)},\"rrname\":\"{Pick(Domains)}\",\"rrtype\":\"A\",\"tx_id\":0}}}}",
            6 => $"{{{common},\"event_type\":\"dns\",{endpoints},\"proto\":\"UDP\",\"dns\":{{\"version\":3,\"type\":\"request\",\"tx_id\":0,\"id\":{_random.Next(65536)},\"flags\":\"100\",\"rd\":true,\"opcode\":0,\"rcode\":\"NOERROR\",\"queries\":[{{\"rrname\":\"{Pick(Domains)}\",\"rrtype\":\"A\"}}]}}}}",
            7 => $"{{{common},\"event_type\":\"http\",{endpoints},\"proto\":\"TCP\",\"tx_id\":0,\"http\":{{\"hostname\":\"{Pick(Domains)}\",\"url\":\"{s_paths[_random.Next(s_paths.Length)]}\",\"http_user_agent\":\"curl/8.5.0\",\"http_content_type\":\"text/html\",\"http_method\":\"GET\",\"protocol\":\"HTTP/1.1\",\"status\":200,\"length\":{_random.Next(100000)}}}}}",
            8 => FileInfo(common, endpoints),
            9 => $"{{{common},\"event_type\":\"tls\",{endpoints},\"proto\":\"TCP\",\"tls\":{{\"subject\":\"CN={Pick(Domains)}\",\"issuerdn\":\"CN=R3, O=Let's Encrypt, C=US\",\"serial\":\"04:A1:3C\",\"fingerprint\":\"{Hex(20)}\",\"sni\":\"{Pick(Domains)}\",\"version\":\"TLS 1.2\",\"notbefore\":\"2024-01-01T00:00:00\",\"notafter\":\"2024-04-01T00:00:00\"}}}}",
            10 => $"{{{common},\"event_type\":\"alert\",{endpoints},\"proto\":\"TCP\",\"alert\":{{\"action\":\"allowed\",\"gid\":1,\"signature_id\":{_random.Next(2000000, 2100000)},\"rev\":3,\"signature\":\"ET MALWARE Possible beacon\",\"category\":\"A Network Trojan was detected\",\"severity\":1}},\"app_proto\":\"tls\"}}",
            _ => $"{{\"timestamp\":\"{Iso("+0000")}\",\"event_type\":\"stats\",\"stats\":{{\"uptime\":{_random.Next(100000)},\"capture\":{{\"kernel_packets\":{_random.Next(1000000)},\"kernel_drops\":0}}}}}}",
        };
    }

    /// <summary>A STIX 2.1 bundle of one observed-data with its SCOs (network traffic between two addresses, and a domain or a file).</summary>
    public string ObservedDataBundle()
    {
        string src = Pick(Ipv4);
        string dst = Pick(Ipv4);
        string srcId = $"ipv4-addr--{Guid()}";
        string dstId = $"ipv4-addr--{Guid()}";
        string trafficId = $"network-traffic--{Guid()}";
        string extraId;
        string extra;
        if (_random.Next(2) == 0)
        {
            extraId = $"domain-name--{Guid()}";
            extra = $"{{\"type\":\"domain-name\",\"spec_version\":\"2.1\",\"id\":\"{extraId}\",\"value\":\"{Pick(Domains)}\",\"resolves_to_refs\":[\"{dstId}\"]}}";
        }
        else
        {
            int i = _random.Next(Sha256.Count);
            extraId = $"file--{Guid()}";
            extra = $"{{\"type\":\"file\",\"spec_version\":\"2.1\",\"id\":\"{extraId}\",\"name\":\"invoice-{_random.Next(10000)}.exe\",\"hashes\":{{\"MD5\":\"{Md5[i]}\",\"SHA-256\":\"{Sha256[i]}\"}}}}";
        }

        string time = Iso("Z");
        return $"{{\"type\":\"bundle\",\"id\":\"bundle--{Guid()}\",\"objects\":[" +
            $"{{\"type\":\"observed-data\",\"spec_version\":\"2.1\",\"id\":\"observed-data--{Guid()}\",\"created\":\"{time}\",\"modified\":\"{time}\",\"first_observed\":\"{time}\",\"last_observed\":\"{time}\",\"number_observed\":{_random.Next(1, 5)},\"object_refs\":[\"{trafficId}\",\"{extraId}\"]}}," +
            $"{{\"type\":\"network-traffic\",\"spec_version\":\"2.1\",\"id\":\"{trafficId}\",\"src_ref\":\"{srcId}\",\"dst_ref\":\"{dstId}\",\"src_port\":{_random.Next(1024, 65536)},\"dst_port\":{Port()},\"protocols\":[\"ipv4\",\"tcp\"]}}," +
            $"{{\"type\":\"ipv4-addr\",\"spec_version\":\"2.1\",\"id\":\"{srcId}\",\"value\":\"{src}\"}}," +
            $"{{\"type\":\"ipv4-addr\",\"spec_version\":\"2.1\",\"id\":\"{dstId}\",\"value\":\"{dst}\"}}," +
            extra + "]}";
    }

    /// <summary>
    /// A STIX 2.0-style observed-data with embedded <c>objects</c> (keys "0", "1", …): network traffic between two
    /// addresses (IPv4 or IPv6), and a domain with a URL or a file with hashes (algorithm names spelled in various ways).
    /// </summary>
    public string ObservedData20()
    {
        bool v6 = _random.Next(5) == 0;
        string type = v6 ? "ipv6-addr" : "ipv4-addr";
        string src = v6 ? Pick(Ipv6) : Pick(Ipv4);
        string dst = v6 ? Pick(Ipv6) : Pick(Ipv4);
        string extra = _random.Next(2) == 0
            ? $"\"3\":{{\"type\":\"domain-name\",\"value\":\"{Pick(Domains)}\",\"resolves_to_refs\":[\"1\"]}},\"4\":{{\"type\":\"url\",\"value\":\"{Pick(Urls)}\"}}"
            : $"\"3\":{{\"type\":\"file\",\"name\":\"a.exe\",\"hashes\":{{\"{(_random.Next(2) == 0 ? "MD5" : "md5")}\":\"{Pick(Md5)}\",\"{(_random.Next(2) == 0 ? "SHA-256" : "sha256")}\":\"{Pick(Sha256).ToUpperInvariant()}\"}}}}";
        string time = Iso("Z");
        return $"{{\"type\":\"observed-data\",\"id\":\"observed-data--{Guid()}\",\"created\":\"{time}\",\"modified\":\"{time}\",\"first_observed\":\"{time}\",\"last_observed\":\"{time}\",\"number_observed\":{_random.Next(1, 5)},\"objects\":{{" +
            $"\"0\":{{\"type\":\"{type}\",\"value\":\"{src}\"}},\"1\":{{\"type\":\"{type}\",\"value\":\"{dst}\"}}," +
            $"\"2\":{{\"type\":\"network-traffic\",\"src_ref\":\"0\",\"dst_ref\":\"1\",\"dst_port\":{Port()},\"protocols\":[\"ipv4\",\"{(_random.Next(4) == 0 ? "udp" : "tcp")}\"]}}," +
            extra + "}}";
    }

    /// <summary>Takes <paramref name="count"/> events from <paramref name="next"/>, each as its own UTF-8 array.</summary>
    public static byte[][] Events(Func<string> next, int count)
    {
        ArgumentNullException.ThrowIfNull(next);
        var events = new byte[count][];
        for (int i = 0; i < count; i++)
        {
            events[i] = Encoding.UTF8.GetBytes(next());
        }

        return events;
    }

    /// <summary>Writes <paramref name="count"/> lines from <paramref name="next"/> as UTF-8, each ending with a line feed.</summary>
    public static byte[] Lines(Func<string> next, int count)
    {
        ArgumentNullException.ThrowIfNull(next);
        var text = new StringBuilder();
        for (int i = 0; i < count; i++)
        {
            text.Append(next()).Append('\n');
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private string FileInfo(string common, string endpoints)
    {
        int i = _random.Next(Md5.Count);
        return $"{{{common},\"event_type\":\"fileinfo\",{endpoints},\"proto\":\"TCP\",\"http\":{{\"hostname\":\"{Pick(Domains)}\",\"url\":\"/payload.exe\",\"http_method\":\"GET\",\"status\":200}},\"app_proto\":\"http\",\"fileinfo\":{{\"filename\":\"/payload.exe\",\"sid\":[],\"gaps\":false,\"state\":\"CLOSED\",\"md5\":\"{Md5[i]}\",\"sha1\":\"{Sha1[i]}\",\"sha256\":\"{Sha256[i]}\",\"stored\":false,\"size\":{_random.Next(1000000)},\"tx_id\":0}}}}";
    }

    private string Pick(IReadOnlyList<string> pool) => pool[_random.Next(pool.Count)];

    private int Port() => _random.Next(5) switch
    {
        0 => 80,
        1 => 443,
        2 => 53,
        3 => 8080,
        _ => _random.Next(1, 65536),
    };

    private string Ts()
    {
        _micros += _random.Next(1, 2_000_000);
        long seconds = 1_704_164_645 + (_micros / 1_000_000);
        return string.Create(CultureInfo.InvariantCulture, $"{seconds}.{_micros % 1_000_000:D6}");
    }

    private string Iso(string zone)
    {
        _micros += _random.Next(1, 2_000_000);
        DateTime time = _start.AddTicks(_micros * 10);
        return time.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'ffffff", CultureInfo.InvariantCulture) + zone;
    }

    private string Uid() => "C" + Convert.ToBase64String(BitConverter.GetBytes(_random.NextInt64())).TrimEnd('=').Replace('+', 'x').Replace('/', 'y');

    private string Guid()
    {
        byte[] bytes = new byte[16];
        _random.NextBytes(bytes);
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40); // version 4 (Guid's byte order: version in byte 7)
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new System.Guid(bytes).ToString("D");
    }

    private string Hex(int bytes)
    {
        byte[] data = new byte[bytes];
        _random.NextBytes(data);
        return Convert.ToHexStringLower(data);
    }

    private string Ipv4Address() => $"{_random.Next(1, 224)}.{_random.Next(256)}.{_random.Next(256)}.{_random.Next(1, 255)}";

    private string Ipv6Address() => $"2001:db8:{_random.Next(1, 65536):x}::{_random.Next(1, 65536):x}";

    private string Domain() => $"{s_words[_random.Next(s_words.Length)]}{_random.Next(100000)}.{s_words[_random.Next(s_words.Length)]}.{s_tlds[_random.Next(s_tlds.Length)]}";
}
