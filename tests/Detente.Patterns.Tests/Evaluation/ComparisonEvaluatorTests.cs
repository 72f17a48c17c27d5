using Detente.Patterns.Evaluation;
using Detente.Patterns.Observations;

namespace Detente.Patterns.Tests.Evaluation;

/// <summary>Each comparison operator against each kind of constant and property value (STIX 2.1 §9.2, §9.6.1).</summary>
public sealed class ComparisonEvaluatorTests
{
    private const string File = """{"type":"file","name":"report.pdf","size":1024,"ratio":0.5,"is_signed":true,"created":"2024-01-02T03:04:05.250Z","magic_number_hex":"25504446","payload_bin":"SGVsbG8=","hashes":{"SHA-256":"AEC070645FE53EE3B3763059376134F058CC337247C978ADD178B6CCDFB0019F","ssdeep":"3:AXGBicFlgVNhBGcL6wCrFQEv:AXGHsNhxLsr2C"},"tags":["a","b","c"]}""";

    public static TheoryData<string, bool> Cases => new()
    {
        // Strings: exact, ordered by code point.
        { "file:name = 'report.pdf'", true },
        { "file:name = 'Report.pdf'", false },
        { "file:name != 'Report.pdf'", true },
        { "file:name != 'report.pdf'", false },
        { "file:name > 'report.pd'", true },
        { "file:name < 'report.pdf'", false },
        { "file:name <= 'report.pdf'", true },
        { "file:name >= 'reports'", false },
        { "file:name NOT = 'report.pdf'", false },
        { "file:name NOT != 'report.pdf'", true },

        // Integers and floats against JSON numbers.
        { "file:size = 1024", true },
        { "file:size = 1024.0", true },
        { "file:size != 1023", true },
        { "file:size > 1023", true },
        { "file:size >= 1024.5", false },
        { "file:size < 1024.5", true },
        { "file:ratio = 0.5", true },
        { "file:ratio < 1", true },
        { "file:ratio NOT < 1", false },

        // Incompatible types: false for every operator, != included (§9.6.1); NOT negates that.
        { "file:size = '1024'", false },
        { "file:size != '1024'", false },
        { "file:size > '1'", false },
        { "file:name = 5", false },
        { "file:name != 5", false },
        { "file:size NOT = '1024'", true },
        { "file:is_signed = 'true'", false },

        // Booleans.
        { "file:is_signed = true", true },
        { "file:is_signed = false", false },
        { "file:is_signed != false", true },

        // Timestamps: a string property read as a timestamp, compared exactly whatever its precision.
        { "file:created = t'2024-01-02T03:04:05.25Z'", true },
        { "file:created = t'2024-01-02T03:04:05.250000001Z'", false },
        { "file:created > t'2024-01-02T03:04:05Z'", true },
        { "file:created < t'2024-01-02T03:04:05.2501Z'", true },
        { "file:created != t'2024-01-02T03:04:05Z'", true },
        { "file:created = '2024-01-02T03:04:05.250Z'", true },
        { "file:size = t'2024-01-02T03:04:05Z'", false },

        // Binary properties (*_hex, *_bin) against binary, hex and string constants.
        { "file:magic_number_hex = h'25504446'", true },
        { "file:magic_number_hex = b'JVBERg=='", true },
        { "file:magic_number_hex = '%PDF'", true },
        { "file:magic_number_hex = h'255044'", false },
        { "file:magic_number_hex > h'255044'", true },
        { "file:magic_number_hex < h'26'", true },
        { "file:payload_bin = 'Hello'", true },
        { "file:payload_bin = b'SGVsbG8='", true },
        { "file:payload_bin = 'SGVsbG8='", false },
        { "file:payload_bin != h'00'", true },
        { "file:payload_bin MATCHES '^Hel+o$'", true },
        { "file:payload_bin = 'Hëllo'", false },
        { "file:payload_bin != 'Hëllo'", true },
        { "file:payload_bin = 'H\u0100llo'", false },
        { "file:payload_bin != 'H\u0100llo'", false },
        { "file:name != h'00'", true },

        // A binary constant against an ordinary string: its code points as octets when all are below U+0100.
        { "file:name = h'7265706f72742e706466'", true },
        { "file:name = b'cmVwb3J0LnBkZg=='", true },
        { "file:name > h'72'", true },

        // Hashes: hex values ignore case; names match the algorithm ignoring case, '-' and '_'.
        { "file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f'", true },
        { "file:hashes.sha256 = 'AEC070645FE53EE3B3763059376134F058CC337247C978ADD178B6CCDFB0019F'", true },
        { "file:hashes.SHA_256 IN ('00', 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f')", true },
        { "file:hashes.'SHA-256' != 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f'", false },
        { "file:hashes.MD5 = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f'", false },
        { "file:hashes.SSDEEP = '3:AXGBicFlgVNhBGcL6wCrFQEv:AXGHsNhxLsr2C'", true },
        { "file:hashes.SSDEEP = '3:axgbicflgvnhbgcl6wcrfqev:axghsnhxlsr2c'", false },

        // IN.
        { "file:name IN ('a', 'report.pdf')", true },
        { "file:name IN ('a', 'b')", false },
        { "file:name NOT IN ('a', 'b')", true },
        { "file:size IN (1, 2, 1024)", true },
        { "file:size IN ('1024')", false },

        // LIKE.
        { "file:name LIKE 'report.%'", true },
        { "file:name LIKE '%.pd_'", true },
        { "file:name LIKE 'REPORT%'", false },
        { "file:name NOT LIKE '%.exe'", true },
        { "file:size LIKE '1%'", false },

        // MATCHES.
        { "file:name MATCHES '\\\\.pdf$'", true },
        { "file:name MATCHES 'port'", true },
        { "file:name MATCHES '^port'", false },
        { "file:name MATCHES '(?i)^REPORT'", true },
        { "file:size MATCHES '1'", false },

        // Lists: [n], [*], and a whole list compared without an index.
        { "file:tags[0] = 'a'", true },
        { "file:tags[2] = 'c'", true },
        { "file:tags[3] = 'c'", false },
        { "file:tags[-1] = 'c'", false },
        { "file:tags[*] = 'b'", true },
        { "file:tags[*] = 'd'", false },
        { "file:tags[*] != 'a'", true },
        { "file:tags[*] NOT = 'a'", true },
        { "file:tags = 'a'", false },
        { "file:name[0] = 'r'", false },

        // Missing properties: every comparison false, NOT and != included; NOT EXISTS true.
        { "file:missing = 'x'", false },
        { "file:missing != 'x'", false },
        { "file:missing NOT = 'x'", false },
        { "file:missing NOT IN ('x')", false },
        { "EXISTS file:name", true },
        { "NOT EXISTS file:name", false },
        { "EXISTS file:missing", false },
        { "NOT EXISTS file:missing", true },
        { "EXISTS file:hashes.sha256", true },

        // Boolean operators inside the brackets.
        { "file:name = 'report.pdf' AND file:size = 1024", true },
        { "file:name = 'report.pdf' AND file:size = 1", false },
        { "file:name = 'x' OR file:size = 1024", true },
        { "(file:name = 'x' OR file:size = 1024) AND file:is_signed = true", true },

        // Another object type never matches.
        { "directory:name = 'report.pdf'", false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Comparison_on_a_file(string comparison, bool expected)
    {
        Assert.Equal(expected, Obs.Holds(comparison, File));
    }

    public static TheoryData<string, string, bool> AddressCases => new()
    {
        { "ipv4-addr:value = '198.51.100.1'", "198.51.100.1", true },
        { "ipv4-addr:value = '198.51.100.1/32'", "198.51.100.1", true },
        { "ipv4-addr:value = '198.51.100.0/24'", "198.51.100.0/24", true },
        { "ipv4-addr:value = '198.51.100.0/24'", "198.51.100.1", false },
        { "ipv4-addr:value != '198.51.100.1/32'", "198.51.100.1", false },
        { "ipv4-addr:value IN ('10.0.0.1', '198.51.100.1/32')", "198.51.100.1", true },
        { "ipv6-addr:value = '2001:DB8::1'", "2001:db8:0:0::1", true },
        { "ipv6-addr:value = '2001:db8::1/128'", "2001:db8::1", true },
        { "ipv4-addr:value ISSUBSET '198.51.100.0/24'", "198.51.100.255", true },
        { "ipv4-addr:value ISSUBSET '198.51.100.0/24'", "198.51.101.0", false },
        { "ipv4-addr:value ISSUBSET '198.51.100.7/24'", "198.51.100.9", true },
        { "ipv4-addr:value ISSUBSET '198.51.100.0/24'", "198.51.100.0/23", false },
        { "ipv4-addr:value ISSUBSET '198.51.100.0/24'", "198.51.100.128/25", true },
        { "ipv4-addr:value ISSUBSET '0.0.0.0/0'", "203.0.113.9", true },
        { "ipv4-addr:value ISSUPERSET '198.51.100.9'", "198.51.100.0/24", true },
        { "ipv4-addr:value ISSUPERSET '198.51.100.0/23'", "198.51.100.0/24", false },
        { "ipv4-addr:value NOT ISSUBSET '10.0.0.0/8'", "198.51.100.1", true },
        { "ipv4-addr:value ISSUBSET '10.0.0.0/8'", "not an address", false },
        { "ipv6-addr:value ISSUBSET '2001:db8::/32'", "2001:db8:ffff::1", true },
        { "ipv6-addr:value ISSUBSET '2001:db8::/32'", "2001:db9::1", false },
        { "ipv6-addr:value ISSUBSET '::/0'", "198.51.100.1", false },
        { "ipv6-addr:value ISSUPERSET '2001:db8:1::/48'", "2001:db8::/32", true },
    };

    [Theory]
    [MemberData(nameof(AddressCases))]
    public void Addresses_compare_as_addresses(string comparison, string value, bool expected)
    {
        string type = comparison.StartsWith("ipv6", StringComparison.Ordinal) ? "ipv6-addr" : "ipv4-addr";
        Assert.Equal(expected, Obs.Holds(comparison, $$"""{"type":"{{type}}","value":"{{value}}"}"""));
    }

    [Fact]
    public void A_malformed_timestamp_compared_with_a_timestamp_is_unknown()
    {
        Observation o = Obs.At("2024-01-01T00:00:00Z", """{"type":"file","created":"yesterday"}""");
        Assert.Equal(ComparisonOutcome.Unknown, Obs.Compare("file:created = t'2024-01-02T03:04:05Z'", o));
        Assert.Equal(ComparisonOutcome.Unknown, Obs.Compare("file:created NOT > t'2024-01-02T03:04:05Z'", o));
        Assert.Equal(ComparisonOutcome.Unknown, Obs.Compare("file:created != t'2024-01-02T03:04:05Z'", o));
        Pattern pattern = Pattern.Parse("[file:created = t'2024-01-02T03:04:05Z']");
        Assert.False(ComparisonEvaluator.Matches(((SimpleObservation)pattern.Root).Comparison, o));
        ComparisonEvaluator.Evaluate(((SimpleObservation)pattern.Root).Comparison, o, out string? reason);
        Assert.Contains("created", reason, StringComparison.Ordinal);

        // The same value compared with a string is an ordinary string comparison.
        Assert.Equal(ComparisonOutcome.False, Obs.Compare("file:created = '2024-01-02T03:04:05Z'", o));
    }

    [Fact]
    public void Malformed_binary_data_compared_with_binary_is_unknown()
    {
        Observation o = Obs.At("2024-01-01T00:00:00Z", """{"type":"file","magic_number_hex":"zz"}""", """{"type":"artifact","payload_bin":"***"}""");
        Assert.Equal(ComparisonOutcome.Unknown, Obs.Compare("file:magic_number_hex = h'00'", o));
        Assert.Equal(ComparisonOutcome.Unknown, Obs.Compare("artifact:payload_bin MATCHES 'a'", o));
        Assert.Equal(ComparisonOutcome.Unknown, Obs.Compare("artifact:payload_bin > 'a'", o));
    }

    [Fact]
    public void Kleene_logic_lets_a_decided_operand_win()
    {
        Observation o = Obs.At("2024-01-01T00:00:00Z", """{"type":"file","name":"a","created":"bad"}""");
        Assert.Equal(ComparisonOutcome.True, Obs.Compare("file:created = t'2024-01-02T03:04:05Z' OR file:name = 'a'", o));
        Assert.Equal(ComparisonOutcome.False, Obs.Compare("file:created = t'2024-01-02T03:04:05Z' AND file:name = 'b'", o));
        Assert.Equal(ComparisonOutcome.Unknown, Obs.Compare("file:created = t'2024-01-02T03:04:05Z' AND file:name = 'a'", o));
        Assert.Equal(ComparisonOutcome.Unknown, Obs.Compare("file:created = t'2024-01-02T03:04:05Z' OR file:name = 'b'", o));
    }

    [Fact]
    public void A_match_in_another_object_decides_an_unknown_one()
    {
        Observation o = Obs.At("2024-01-01T00:00:00Z", """{"type":"file","created":"bad"}""", """{"type":"file","created":"2024-01-02T03:04:05Z"}""");
        Assert.Equal(ComparisonOutcome.True, Obs.Compare("file:created = t'2024-01-02T03:04:05Z'", o));
    }

    [Fact]
    public void And_inside_brackets_needs_one_object_and_or_does_not()
    {
        Observation o = Obs.At("2024-01-01T00:00:00Z", """{"type":"file","name":"a"}""", """{"type":"file","size":5}""");
        Assert.Equal(ComparisonOutcome.False, Obs.Compare("file:name = 'a' AND file:size = 5", o));
        Assert.Equal(ComparisonOutcome.True, Obs.Compare("file:name = 'a' OR file:size = 6", o));
        Assert.Equal(ComparisonOutcome.True, Obs.Compare("file:name = 'b' OR file:size = 5", o));
        Observation two = Obs.At("2024-01-01T00:00:00Z", """{"type":"ipv4-addr","value":"10.0.0.1"}""", """{"type":"domain-name","value":"a.example"}""");
        Assert.Equal(ComparisonOutcome.True, Obs.Compare("ipv4-addr:value = '10.0.0.2' OR domain-name:value = 'a.example'", two));
        Assert.Equal(ComparisonOutcome.False, Obs.Compare("ipv4-addr:value = '10.0.0.1' AND domain-name:value = 'a.example'", two));
    }

    [Fact]
    public void Like_and_matches_compare_unicode_normal_forms()
    {
        // "é" precomposed in the value, decomposed in the pattern (and the other way round).
        Assert.True(Obs.Holds("file:name LIKE 'caf\u0065\u0301%'", """{"type":"file","name":"café.txt"}"""));
        Assert.True(Obs.Holds("file:name MATCHES '^caf\u00e9'", """{"type":"file","name":"cafe\u0301.txt"}"""));

        // Equality stays exact.
        Assert.False(Obs.Holds("file:name = 'caf\u0065\u0301.txt'", """{"type":"file","name":"café.txt"}"""));
    }

    [Fact]
    public void A_matches_expression_that_does_not_compile_is_unknown()
    {
        Observation o = Obs.At("2024-01-01T00:00:00Z", """{"type":"file","name":"a"}""");
        Assert.Equal(ComparisonOutcome.Unknown, Obs.Compare("file:name MATCHES 'a++'", o));
        Pattern pattern = Pattern.Parse("[file:name MATCHES 'a++']");
        ComparisonEvaluator.Evaluate(((SimpleObservation)pattern.Root).Comparison, o, out string? reason);
        Assert.Contains("MATCHES", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Strings_order_by_code_point_not_by_utf16_unit()
    {
        // U+FF61 is above U+1F600 in UTF-16 units (0xFF61 > 0xD83D) but below it as a code point.
        Assert.True(Obs.Holds("file:name < '\U0001F600'", """{"type":"file","name":"\uFF61"}"""));
        Assert.False(Obs.Holds("file:name > '\U0001F600'", """{"type":"file","name":"\uFF61"}"""));
    }

    [Fact]
    public void Arguments_are_checked()
    {
        Observation o = Obs.At("2024-01-01T00:00:00Z", """{"type":"file","name":"a"}""");
        Assert.Throws<ArgumentNullException>(() => ComparisonEvaluator.Matches(null!, o));
        Assert.Throws<ArgumentNullException>(() => ComparisonEvaluator.Matches(((SimpleObservation)Pattern.Parse("[file:name = 'a']").Root).Comparison, null!));
    }
}
