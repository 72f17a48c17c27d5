using Detente.Patterns.Evaluation;
using Detente.Patterns.Observations;
using Detente.Patterns.Tests.Vectors;

namespace Detente.Patterns.Tests.Evaluation;

/// <summary>Every example pattern of STIX 2.1 §9 evaluated over observations that match it and observations that do not.</summary>
public sealed class SpecExampleEvaluationTests
{
    private const string T0 = "2024-03-01T10:00:00Z";
    private const string T1 = "2024-03-01T10:01:00Z";
    private const string T2 = "2024-03-01T10:02:00Z";
    private const string Sha = "aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f";

    public static TheoryData<string, Observation[], Observation[]> Cases()
    {
        var data = new TheoryData<string, Observation[], Observation[]>();
        string[] examples = [.. Stix21SpecExamples.Examples.Select(static row => row.Data)];

        // 1: a SHA-256 hash.
        data.Add(examples[0],
            [Obs.At(T0, $$$"""{"type":"file","hashes":{"SHA-256":"{{{Sha}}}"}}""")],
            [Obs.At(T0, $$$"""{"type":"file","hashes":{"SHA-256":"{{{Sha[..^1]}}}e"}}""")]);

        // 2: a sender domain and an attachment name, through references.
        data.Add(examples[1],
            [Obs.At(T0,
                """{"type":"email-message","from_ref":"1","body_multipart":[{"body":"hi"},{"body_raw_ref":"2"}]}""",
                """{"type":"email-addr","value":"boss@example.com"}""",
                """{"type":"file","name":"Final Report 2024.exe"}""")],
            [Obs.At(T0,
                """{"type":"email-message","from_ref":"1","body_multipart":[{"body_raw_ref":"2"}]}""",
                """{"type":"email-addr","value":"boss@example.org"}""",
                """{"type":"file","name":"Final Report 2024.exe"}""")]);

        // 3: hash AND mime type on the same file.
        data.Add(examples[2],
            [Obs.At(T0, $$$"""{"type":"file","mime_type":"application/x-pdf","hashes":{"SHA-256":"{{{Sha}}}"}}""")],
            [Obs.At(T0, $$$"""{"type":"file","hashes":{"SHA-256":"{{{Sha}}}"}}""", """{"type":"file","mime_type":"application/x-pdf"}""")]);

        // 4: two observations (one may satisfy the OR through its MD5).
        data.Add(examples[3],
            [Obs.At(T0, """{"type":"file","hashes":{"MD5":"cead3f77f6cda6ec00f57d76c9a6879f"}}"""), Obs.At(T1, $$$"""{"type":"file","hashes":{"SHA-256":"{{{Sha}}}"}}""")],
            [Obs.At(T0, $$$"""{"type":"file","hashes":{"MD5":"cead3f77f6cda6ec00f57d76c9a6879f","SHA-256":"{{{Sha}}}"}}""")]);

        // 5: a file, then a registry key within 300 s.
        data.Add(examples[4],
            [Obs.At(T0, """{"type":"file","hashes":{"MD5":"79054025255fb1a26e4bc422aef54eb4"}}"""), Obs.At("2024-03-01T10:05:00Z", """{"type":"windows-registry-key","key":"HKEY_LOCAL_MACHINE\\foo\\bar"}""")],
            [Obs.At(T0, """{"type":"file","hashes":{"MD5":"79054025255fb1a26e4bc422aef54eb4"}}"""), Obs.At("2024-03-01T10:05:01Z", """{"type":"windows-registry-key","key":"HKEY_LOCAL_MACHINE\\foo\\bar"}""")]);

        // 6: three user accounts in three observations.
        data.Add(examples[5],
            [User(T0, "1007", "Peter"), User(T1, "1008", "Paul"), User(T2, "1009", "Mary")],
            [User(T0, "1007", "Peter"), User(T1, "1008", "Paul"), User(T2, "1009", "Marie")]);

        // 7: a pcap artifact whose payload starts with the pcap magic.
        data.Add(examples[6],
            [Obs.At(T0, """{"type":"artifact","mime_type":"application/vnd.tcpdump.pcap","payload_bin":"1MOyoQIABAAAAAAA"}""")],
            [Obs.At(T0, """{"type":"artifact","mime_type":"application/vnd.tcpdump.pcap","payload_bin":"1MOyoQIAAwAAAAAA"}""")]);

        // 8: a file and its parent directory.
        data.Add(examples[7],
            [Obs.At(T0, """{"type":"file","name":"foo.dll","parent_directory_ref":"1"}""", """{"type":"directory","path":"C:\\Windows\\System32"}""")],
            [Obs.At(T0, """{"type":"file","name":"foo.dll","parent_directory_ref":"1"}""", """{"type":"directory","path":"C:\\Windows\\SysWOW64"}""")]);

        // 9: any section with high entropy.
        data.Add(examples[8],
            [Obs.At(T0, """{"type":"file","extensions":{"windows-pebinary-ext":{"sections":[{"entropy":1.5},{"entropy":7.5}]}}}""")],
            [Obs.At(T0, """{"type":"file","extensions":{"windows-pebinary-ext":{"sections":[{"entropy":1.5},{"entropy":7.0}]}}}""")]);

        // 10: a bitmap whose magic number (hex) is ffd8.
        data.Add(examples[9],
            [Obs.At(T0, """{"type":"file","mime_type":"image/bmp","magic_number_hex":"FFD8"}""")],
            [Obs.At(T0, """{"type":"file","mime_type":"image/bmp","magic_number_hex":"ffd9"}""")]);

        // 11: traffic to an IPv4 address (compared as an address with the /32 constant).
        data.Add(examples[10],
            [Obs.At(T0, """{"type":"network-traffic","dst_ref":"1"}""", """{"type":"ipv4-addr","value":"203.0.113.33"}""")],
            [Obs.At(T0, """{"type":"network-traffic","dst_ref":"1"}""", """{"type":"ipv4-addr","value":"203.0.113.34"}""")]);

        // 12: five connections to example.com within 30 minutes (one observed-data seen 5 times suffices).
        data.Add(examples[11],
            [Obs.Span(T0, T1, 5, """{"type":"network-traffic","dst_ref":"1"}""", """{"type":"domain-name","value":"example.com"}""")],
            [Obs.Span(T0, T1, 4, """{"type":"network-traffic","dst_ref":"1"}""", """{"type":"domain-name","value":"example.com"}""")]);

        // 13: a domain resolving to an address.
        data.Add(examples[12],
            [Obs.At(T0, """{"type":"domain-name","value":"www.5z8.info","resolves_to_refs":["1","2"]}""", """{"type":"ipv4-addr","value":"198.51.100.2"}""", """{"type":"ipv4-addr","value":"198.51.100.1"}""")],
            [Obs.At(T0, """{"type":"domain-name","value":"www.5z8.info","resolves_to_refs":["1"]}""", """{"type":"ipv4-addr","value":"198.51.100.2"}""", """{"type":"ipv4-addr","value":"198.51.100.1"}""")]);

        // 14: one of two URLs.
        data.Add(examples[13],
            [Obs.At(T0, """{"type":"url","value":"http://example.com/bar"}""")],
            [Obs.At(T0, """{"type":"url","value":"http://example.com/baz"}""")]);

        // 15: a certificate's issuer and serial number.
        data.Add(examples[14],
            [Obs.At(T0, """{"type":"x509-certificate","issuer":"CN=WEBMAIL","serial_number":"4c:0b:1d:19:74:86:a7:66:b4:1a:bf:40:27:21:76:28"}""")],
            [Obs.At(T0, """{"type":"x509-certificate","issuer":"CN=WEBMAIL","serial_number":"4C:0B:1D:19:74:86:A7:66:B4:1A:BF:40:27:21:76:28"}""")]);

        // 16: one of two registry keys.
        data.Add(examples[15],
            [Obs.At(T0, """{"type":"windows-registry-key","key":"HKEY_CURRENT_USER\\Software\\CryptoLocker\\Files"}""")],
            [Obs.At(T0, """{"type":"windows-registry-key","key":"HKEY_CURRENT_USER\\Software\\CryptoLocker"}""")]);

        // 17: (name OR size) AND a creation time.
        data.Add(examples[16],
            [Obs.At(T0, """{"type":"file","size":371712,"created":"2014-01-13T07:03:17.000Z"}""")],
            [Obs.At(T0, """{"type":"file","name":"pdf.exe","created":"2014-01-13T07:03:18Z"}""")]);

        // 18: a sender and a subject.
        data.Add(examples[17],
            [Obs.At(T0, """{"type":"email-message","sender_ref":"1","subject":"Conference Info"}""", """{"type":"email-addr","value":"jdoe@example.com"}""")],
            [Obs.At(T0, """{"type":"email-message","from_ref":"1","subject":"Conference Info"}""", """{"type":"email-addr","value":"jdoe@example.com"}""")]);

        // 19: a custom object.
        data.Add(examples[18],
            [Obs.At(T0, """{"type":"x-usb-device","usbdrive":{"serial_number":"575833314133343231313937"}}""")],
            [Obs.At(T0, """{"type":"x-usb-device","usbdrive":{"serial":"575833314133343231313937"}}""")]);

        // 20: A FOLLOWEDBY (B WITHIN 300 SECONDS): the qualifier binds to the right operand only.
        const string First = "certutil.exe>-add GlobalSign.cer -c -s -r localMachine Root";
        const string Second = "certutil.exe>-add GlobalSign.cer -c -s -r localMachineTrustedPublisher";
        data.Add(examples[19],
            [Obs.At(T0, $$$"""{"type":"process","command_line":"{{{First}}}"}"""), Obs.At("2024-03-02T10:00:00Z", $$$"""{"type":"process","command_line":"{{{Second}}}"}""")],
            [Obs.At(T1, $$$"""{"type":"process","command_line":"{{{First}}}"}"""), Obs.At(T0, $$$"""{"type":"process","command_line":"{{{Second}}}"}""")]);

        // 21: traffic into an IPv6 /64.
        data.Add(examples[20],
            [Obs.At(T0, """{"type":"network-traffic","dst_ref":"1"}""", """{"type":"ipv6-addr","value":"2001:db8:dead:beef::1"}""")],
            [Obs.At(T0, """{"type":"network-traffic","dst_ref":"1"}""", """{"type":"ipv6-addr","value":"2001:db8:dead:bef0::1"}""")]);

        // 22: (file AND registry key) OR a process whose image has one of two names.
        data.Add(examples[21],
            [Obs.At(T0, """{"type":"process","image_ref":"1"}""", """{"type":"file","name":"procfoo"}""")],
            [Obs.At(T0, """{"type":"file","name":"foo.dll"}""", """{"type":"windows-registry-key","key":"HKEY_LOCAL_MACHINE\\foo"}""")]);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_example_matches_its_observations_and_not_the_near_misses(string pattern, Observation[] matching, Observation[] nearMiss)
    {
        PatternEvaluation hit = PatternEvaluator.Evaluate(Pattern.Parse(pattern), matching);
        Assert.Equal(EvaluationStatus.Match, hit.Status);
        Assert.Equal(EvaluationStatus.NoMatch, PatternEvaluator.Evaluate(Pattern.Parse(pattern), nearMiss).Status);
    }

    [Fact]
    public void Every_example_has_a_case()
    {
        Assert.Equal(Stix21SpecExamples.Examples.Count, Cases().Count);
    }

    [Fact]
    public void The_text_examples_evaluate()
    {
        Observation a = Obs.At(T0, """{"type":"ipv4-addr","value":"198.51.100.5"}""");
        Observation b = Obs.At("2024-03-01T10:05:00Z", """{"type":"ipv4-addr","value":"198.51.100.10"}""");
        Observation late = Obs.At("2024-03-01T10:05:01Z", """{"type":"ipv4-addr","value":"198.51.100.10"}""");
        Assert.True(Obs.Eval("([ipv4-addr:value = '198.51.100.5'] FOLLOWEDBY [ipv4-addr:value = '198.51.100.10'])", a, b).IsMatch);
        Assert.False(Obs.Eval("([ipv4-addr:value = '198.51.100.10'] FOLLOWEDBY [ipv4-addr:value = '198.51.100.5'])", a, b).IsMatch);
        Assert.True(Obs.Eval("([ipv4-addr:value = '198.51.100.5' ] AND [ipv4-addr:value = '198.51.100.10']) WITHIN 300 SECONDS", b, a).IsMatch);
        Assert.False(Obs.Eval("([ipv4-addr:value = '198.51.100.5' ] AND [ipv4-addr:value = '198.51.100.10']) WITHIN 300 SECONDS", a, late).IsMatch);
        Observation dll = Obs.At("2016-06-15T00:00:00Z", """{"type":"file","name":"foo.dll"}""");
        Observation dllLate = Obs.At("2016-07-01T00:00:00Z", """{"type":"file","name":"foo.dll"}""");
        const string Window = "[file:name = 'foo.dll'] START t'2016-06-01T00:00:00Z' STOP t'2016-07-01T00:00:00Z'";
        Assert.True(Obs.Eval(Window, dll).IsMatch);
        Assert.False(Obs.Eval(Window, dllLate).IsMatch);
        Assert.True(Obs.Eval("[file:size = 25536]", Obs.At(T0, """{"type":"file","size":25536}""")).IsMatch);
        Assert.True(Obs.Eval("[ network-traffic:src_ref.value = '203.0.113.10' AND network-traffic:dst_ref.value = '198.51.100.58' ]",
            Obs.At(T0, """{"type":"network-traffic","src_ref":"1","dst_ref":"2"}""", """{"type":"ipv4-addr","value":"203.0.113.10"}""", """{"type":"ipv4-addr","value":"198.51.100.58"}""")).IsMatch);
    }

    [Fact]
    public void The_operator_table_examples_evaluate()
    {
        Assert.True(Obs.Holds("file:size != 4112", """{"type":"file","size":4113}"""));
        Assert.True(Obs.Holds("file:size > 256", """{"type":"file","size":257}"""));
        Assert.True(Obs.Holds("file:size < 1024", """{"type":"file","size":1023}"""));
        Assert.True(Obs.Holds("file:size <= 25145", """{"type":"file","size":25145}"""));
        Assert.True(Obs.Holds("file:size >= 33312", """{"type":"file","size":33312}"""));
        Assert.True(Obs.Holds("process:name IN ('proccy', 'proximus', 'badproc')", """{"type":"process","name":"proximus"}"""));
        Assert.True(Obs.Holds(@"directory:path LIKE 'C:\\Windows\\%\\foo'", """{"type":"directory","path":"C:\\Windows\\System32\\foo"}"""));
        Assert.True(Obs.Holds(@"directory:path MATCHES '^C:\\\\Windows\\w+$'", """{"type":"directory","path":"C:\\WindowsXP"}"""));
        Assert.True(Obs.Holds("ipv4-addr:value ISSUBSET '198.51.100.0/24'", """{"type":"ipv4-addr","value":"198.51.100.77"}"""));
        Assert.True(Obs.Holds("ipv4-addr:value ISSUPERSET '198.51.100.0/24'", """{"type":"ipv4-addr","value":"198.51.0.0/16"}"""));
        Assert.True(Obs.Holds("EXISTS windows-registry-key:values", """{"type":"windows-registry-key","values":[]}"""));
        Assert.False(Obs.Holds("EXISTS windows-registry-key:values", """{"type":"windows-registry-key","key":"k"}"""));
    }

    private static Observation User(string time, string id, string login) =>
        Obs.At(time, $$$"""{"type":"user-account","account_type":"unix","user_id":"{{{id}}}","account_login":"{{{login}}}"}""");
}
