using Detente.Stix.Validation;

namespace Detente.Stix.Tests.Validation;

/// <summary>The value-format checks behind the rules, case by case.</summary>
public sealed class SyntaxTests
{
    [Theory]
    [InlineData("indicator--82e86ebf-5046-4ed4-909d-41936f1b1bb3", true)]
    [InlineData("x-acme-asset--a86fbcdb-a007-4153-a015-15d301d3eb0c", true)]
    [InlineData("ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4", true)]
    [InlineData("indicator--82e86ebf-5046-7ed4-909d-41936f1b1bb3", true)]
    [InlineData("indicator--82e86ebf-5046-0ed4-909d-41936f1b1bb3", false)]
    [InlineData("indicator--82e86ebf-5046-9ed4-909d-41936f1b1bb3", false)]
    [InlineData("indicator--82e86ebf-5046-4ed4-c09d-41936f1b1bb3", false)]
    [InlineData("indicator--82e86ebf-5046-4ed4-909d-41936f1b1bb", false)]
    [InlineData("indicator--82e86ebf5046-4ed4-909d-41936f1b1bb3x", false)]
    [InlineData("indicator--82E86EBF-5046-4ED4-909D-41936F1B1BB3", false)]
    [InlineData("Indicator--82e86ebf-5046-4ed4-909d-41936f1b1bb3", false)]
    [InlineData("in--82e86ebf-5046-4ed4-909d-41936f1b1bb3", false)]
    [InlineData("x--y--82e86ebf-5046-4ed4-909d-41936f1b1bb3", false)]
    [InlineData("--82e86ebf-5046-4ed4-909d-41936f1b1bb3", false)]
    [InlineData("82e86ebf-5046-4ed4-909d-41936f1b1bb3", false)]
    [InlineData("", false)]
    public void Identifiers_are_type_two_hyphens_and_a_lower_case_rfc4122_uuid(string text, bool valid)
    {
        Assert.Equal(valid, Syntax.TryParseIdentifier(text, out _));
    }

    [Theory]
    [InlineData("en", true)]
    [InlineData("de-CH", true)]
    [InlineData("zh-Hant-TW", true)]
    [InlineData("sr-Latn-RS", true)]
    [InlineData("es-419", true)]
    [InlineData("x-klingon", true)]
    [InlineData("i-navajo", true)]
    [InlineData("en-US-x-twain", true)]
    [InlineData("e", false)]
    [InlineData("en_US", false)]
    [InlineData("en-", false)]
    [InlineData("-en", false)]
    [InlineData("en--us", false)]
    [InlineData("x", false)]
    [InlineData("1en", false)]
    [InlineData("en-toolongsubtag", false)]
    [InlineData("", false)]
    public void Language_tags_follow_the_shape_of_rfc5646(string tag, bool valid)
    {
        Assert.Equal(valid, Syntax.IsLanguageTag(tag));
    }

    [Theory]
    [InlineData("198.51.100.3", true, false)]
    [InlineData("0.0.0.0", true, false)]
    [InlineData("255.255.255.255/32", true, false)]
    [InlineData("198.51.100.0/24", true, false)]
    [InlineData("198.51.100.1/24", true, true)]
    [InlineData("10.0.0.0/8", true, false)]
    [InlineData("0.0.0.0/0", true, false)]
    [InlineData("1.2.3.4/0", true, true)]
    [InlineData("198.51.100.256", false, false)]
    [InlineData("198.51.100", false, false)]
    [InlineData("198.51.100.3.4", false, false)]
    [InlineData("198.51.100.03", false, false)]
    [InlineData("198.51.100.3/33", false, false)]
    [InlineData("198.51.100.3/", false, false)]
    [InlineData("198.51.100.3/024", false, false)]
    [InlineData(" 198.51.100.3", false, false)]
    [InlineData("198.51.100.+3", false, false)]
    [InlineData("", false, false)]
    public void Ipv4_addresses_are_dotted_decimal_with_an_optional_prefix(string text, bool valid, bool hostBits)
    {
        Assert.Equal(valid, Syntax.IsIpv4(text, out bool actualHostBits));
        Assert.Equal(hostBits, actualHostBits);
    }

    [Theory]
    [InlineData("2001:db8::1", true, false)]
    [InlineData("::", true, false)]
    [InlineData("::/0", true, false)]
    [InlineData("2001:db8::/32", true, false)]
    [InlineData("2001:db8::1/128", true, false)]
    [InlineData("2001:db8::1/64", true, true)]
    [InlineData("2001:0db8:0000:0000:0000:ff00:0042:8329", true, false)]
    [InlineData("::ffff:198.51.100.3", true, false)]
    [InlineData("2001:db8::1/129", false, false)]
    [InlineData("2001:db8:::1", false, false)]
    [InlineData("fe80::1%eth0", false, false)]
    [InlineData("[2001:db8::1]", false, false)]
    [InlineData("198.51.100.3", false, false)]
    [InlineData("2001:db8::g", false, false)]
    public void Ipv6_addresses_are_rfc4291_text_with_an_optional_prefix(string text, bool valid, bool hostBits)
    {
        Assert.Equal(valid, Syntax.IsIpv6(text, out bool actualHostBits));
        Assert.Equal(hostBits, actualHostBits);
    }

    [Theory]
    [InlineData("00:00:ab:cd:ef:01", true)]
    [InlineData("00:00:AB:CD:EF:01", false)]
    [InlineData("0:0:ab:cd:ef:1", false)]
    [InlineData("00-00-ab-cd-ef-01", false)]
    [InlineData("0000.abcd.ef01", false)]
    [InlineData("00:00:ab:cd:ef:01:02", false)]
    public void Mac_addresses_are_lower_case_colon_delimited_mac48(string text, bool valid)
    {
        Assert.Equal(valid, Syntax.IsMacAddress(text));
    }

    [Theory]
    [InlineData("example.com", true)]
    [InlineData("localhost", true)]
    [InlineData("a.b.c.d.example", true)]
    [InlineData("xn--bcher-kva.example", true)]
    [InlineData("bücher.example", true)]
    [InlineData("例え.テスト", true)]
    [InlineData("_dmarc.example.com", true)]
    [InlineData("example.com.", true)]
    [InlineData("198.51.100.3", true)]
    [InlineData("-example.com", false)]
    [InlineData("example-.com", false)]
    [InlineData("exa mple.com", false)]
    [InlineData("example..com", false)]
    [InlineData(".example.com", false)]
    [InlineData("*.example.com", false)]
    [InlineData("example.com/path", false)]
    [InlineData("", false)]
    [InlineData(".", false)]
    public void Domain_names_are_dot_separated_labels(string text, bool valid)
    {
        Assert.Equal(valid, Syntax.IsDomainName(text));
    }

    [Theory]
    [InlineData("https://example.com", true)]
    [InlineData("http://198.51.100.3:8080/a?b=c#d", true)]
    [InlineData("ftp://ftp.example.org/file", true)]
    [InlineData("file:///etc/hosts", true)]
    [InlineData("urn:isbn:0451450523", true)]
    [InlineData("https://例え.テスト/パス", true)]
    [InlineData("example.com", false)]
    [InlineData("https://", false)]
    [InlineData("https:example.com", false)]
    [InlineData("https://:80/", false)]
    [InlineData("1http://example.com", false)]
    [InlineData("https://example.com/a b", false)]
    [InlineData("https://example.com/<script>", false)]
    [InlineData("https:", false)]
    [InlineData("", false)]
    public void Urls_are_absolute_rfc3986_uris(string text, bool valid)
    {
        Assert.Equal(valid, Syntax.IsUrl(text));
    }

    [Theory]
    [InlineData("jane.smith@example.com", true)]
    [InlineData("j+tag@example.com", true)]
    [InlineData("\"jane smith\"@example.com", true)]
    [InlineData("root@[198.51.100.3]", true)]
    [InlineData("Jane Smith <jane.smith@example.com>", false)]
    [InlineData("jane.smith@", false)]
    [InlineData("@example.com", false)]
    [InlineData("jane..smith@example.com", false)]
    [InlineData("jane smith@example.com", false)]
    [InlineData("jane.smith@exa mple.com", false)]
    [InlineData("jane.smith", false)]
    public void Email_addresses_are_rfc5322_addr_specs(string text, bool valid)
    {
        Assert.Equal(valid, Syntax.IsEmailAddress(text));
    }

    [Theory]
    [InlineData("aGVsbG8=", true)]
    [InlineData("aGVsbG8h", true)]
    [InlineData("aGVsbA==", true)]
    [InlineData("", true)]
    [InlineData("aGVsbG8", false)]
    [InlineData("aGVs bG8=", false)]
    [InlineData("aGV=bG8=", false)]
    [InlineData("aGVsb===", false)]
    [InlineData("aGVsbG8-", false)]
    public void Binary_is_padded_rfc4648_base64(string text, bool valid)
    {
        Assert.Equal(valid, Syntax.IsBase64(text));
    }

    [Theory]
    [InlineData("00ff", true)]
    [InlineData("", true)]
    [InlineData("00FF", false)]
    [InlineData("0ff", false)]
    [InlineData("0x00", false)]
    public void Hex_is_an_even_number_of_lower_case_digits(string text, bool valid)
    {
        Assert.Equal(valid, Syntax.IsHex(text));
    }

    [Theory]
    [InlineData("MD5", "3773a88f65a5e780c8dff9cdc3a056f3", true)]
    [InlineData("MD5", "3773a88f65a5e780c8dff9cdc3a056f", false)]
    [InlineData("SHA-1", "a94a8fe5ccb19ba61c4c0873d391e987982fbbd3", true)]
    [InlineData("SHA-256", "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08", true)]
    [InlineData("SHA-256", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a0", false)]
    [InlineData("SSDEEP", "96:s4Ud1Lj96tHHlZDrwciQmA+4uy1I0G4HYuL8N3TzS8QsO/wqWXLcMSx:sF1LjEtHHlZDrJzrhuyZvHYm8tKp/RWO", true)]
    [InlineData("SSDEEP", "96:abc", false)]
    [InlineData("TLSH", "T1B4A0222B3C2B1E1A0F2C09D2F70B8D7E64E0F0E2A3B4C5D6E7F8091A2B3C4D5E6F7081", true)]
    [InlineData("TLSH", "B4A0222B3C2B1E1A0F2C09D2F70B8D7E64E0F0E2A3B4C5D6E7F8091A2B3C4D5E6F7081", true)]
    [InlineData("TLSH", "T2B4A0222B3C2B1E1A0F2C09D2F70B8D7E64E0F0E2A3B4C5D6E7F8091A2B3C4D5E6F7081", false)]
    [InlineData("x_acme_hash", "anything at all", true)]
    public void Hash_values_have_the_format_of_their_algorithm(string algorithm, string value, bool valid)
    {
        Assert.Equal(valid, Syntax.CheckHashValue(algorithm, value) is null);
    }

    [Theory]
    [InlineData("cpe:2.3:o:microsoft:windows_10:21h2:*:*:*:enterprise:*:x64:*", true)]
    [InlineData("cpe:2.3:a:vendor:product\\:with\\:colons:1.0:*:*:*:*:*:*:*", true)]
    [InlineData("cpe:2.3:x:microsoft:windows_10:21h2:*:*:*:enterprise:*:x64:*", false)]
    [InlineData("cpe:/o:microsoft:windows_10", false)]
    [InlineData("cpe:2.3:o:microsoft:windows_10", false)]
    public void Cpe_values_are_cpe23_formatted_strings(string text, bool valid)
    {
        Assert.Equal(valid, Syntax.IsCpe23(text));
    }

    [Theory]
    [InlineData("abc", true)]
    [InlineData("x_acme_score", true)]
    [InlineData("Name", true)]
    [InlineData("ab", false)]
    [InlineData("_abc", false)]
    [InlineData("1abc", false)]
    [InlineData("a-bc", false)]
    [InlineData("a bc", false)]
    public void Property_names_are_three_to_250_word_characters_starting_with_a_letter(string name, bool valid)
    {
        Assert.Equal(valid, Syntax.IsPropertyName(name));
    }
}
