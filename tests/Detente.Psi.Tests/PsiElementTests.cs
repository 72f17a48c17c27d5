using CsCheck;
using Detente.Testing;

namespace Detente.Psi.Tests;

public sealed class PsiElementTests
{
    public static TheoryData<string, string> Canonical => new()
    {
        { "ipv4-addr:198.51.100.3", "ipv4-addr:198.51.100.3" },
        { "ipv4-addr:198.51.100.0/24", "ipv4-addr:198.51.100.0/24" },
        { "ipv4-addr:198.51.100.3/32", "ipv4-addr:198.51.100.3" },
        { "ipv6-addr:2001:0DB8:0000:0000:0000:0000:0000:0001", "ipv6-addr:2001:db8::1" },
        { "ipv6-addr:2001:db8:0:0:1:0:0:1", "ipv6-addr:2001:db8::1:0:0:1" },
        { "ipv6-addr:2001:db8::/32", "ipv6-addr:2001:db8::/32" },
        { "ipv6-addr:::ffff:192.0.2.1", "ipv6-addr:::ffff:192.0.2.1" },
        { "ipv6-addr:2001:db8::1/128", "ipv6-addr:2001:db8::1" },
        { "domain-name:Example.COM.", "domain-name:example.com" },
        { "domain-name:bücher.example", "domain-name:xn--bcher-kva.example" },
        { "domain-name:_dmarc.example.org", "domain-name:_dmarc.example.org" },
        { "email-addr:Alice@Example.COM", "email-addr:Alice@example.com" },
        { "url:HTTPS://Evil.Example:8443/Path?Q=1#F", "url:https://evil.example:8443/Path?Q=1#F" },
        { "url:http://evil.example", "url:http://evil.example/" },
        { "url:http://evil.example?x", "url:http://evil.example/?x" },
        { "mac-addr:00-1A-2B-3C-4D-5E", "mac-addr:00:1a:2b:3c:4d:5e" },
        { "file:md5:D41D8CD98F00B204E9800998ECF8427E", "file:MD5:d41d8cd98f00b204e9800998ecf8427e" },
        { "file:SHA1:DA39A3EE5E6B4B0D3255BFEF95601890AFD80709", "file:SHA-1:da39a3ee5e6b4b0d3255bfef95601890afd80709" },
        { "file:sha_256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855", "file:SHA-256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
        { "file:SHA3-256:" + new string('F', 64), "file:SHA3-256:" + new string('f', 64) },
    };

    public static TheoryData<string, string> Invalid => new()
    {
        { "198.51.100.3", "'type:value'" },
        { "ip:198.51.100.3", "unknown element type 'ip'" },
        { "ipv4-addr:198.51.100", "not a dotted-decimal IPv4 address" },
        { "ipv4-addr:198.51.100.256", "not a dotted-decimal IPv4 address" },
        { "ipv4-addr:010.0.0.1", "not a dotted-decimal IPv4 address" },
        { "ipv4-addr:0x7f.0.0.1", "not a dotted-decimal IPv4 address" },
        { "ipv4-addr:198.51.100.3/24", "host bits set" },
        { "ipv4-addr:198.51.100.0/33", "prefix length outside" },
        { "ipv6-addr:2001:db8::g", "not an IPv6 address" },
        { "ipv6-addr:198.51.100.3", "not an IPv6 address" },
        { "ipv6-addr:fe80::1%eth0", "not an IPv6 address" },
        { "ipv6-addr:2001:db8::1/64", "host bits set" },
        { "domain-name:", "empty" },
        { "domain-name:a..example", "not a domain name" },
        { "domain-name:-a.example", "not a domain name" },
        { "domain-name:a b.example", "not a domain name" },
        { "email-addr:no-at.example", "not an email address" },
        { "url:evil.example/x", "not an absolute URL" },
        { "url:http:///x", "has no host" },
        { "mac-addr:00:1a:2b:3c:4d", "not a MAC address" },
        { "file:SHA-256:abc", "64 hex digits" },
        { "file:CRC32:00000000", "not a supported hash algorithm" },
        { "file:" + new string('a', 64), "not 'file:<hash algorithm>:<hex>'" },
    };

    [Theory]
    [MemberData(nameof(Canonical))]
    public void Equal_indicators_get_one_canonical_form(string text, string canonical)
    {
        PsiElement element = PsiElement.Parse(text);
        Assert.Equal(canonical, element.ToString());
        Assert.Equal(element, PsiElement.Parse(canonical));
    }

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Bad_elements_are_refused_with_a_reason(string text, string reason)
    {
        Assert.False(PsiElement.TryParse(text, out _, out string? error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
        Assert.Throws<PsiException>(() => PsiElement.Parse(text));
    }

    [Fact]
    public void Canonicalization_is_idempotent()
    {
        Gen<string> ipv4 = Gen.Select(Gen.Int[0, 255], Gen.Int[0, 255], Gen.Int[0, 255], Gen.Int[0, 255], (a, b, c, d) => $"ipv4-addr:{a}.{b}.{c}.{d}");
        Gen<string> ipv6 = Gen.UShort.Array[8].Select(words => "ipv6-addr:" + string.Join(':', words.Select(w => w.ToString("X", System.Globalization.CultureInfo.InvariantCulture))));
        Gen<string> domain = Gen.String[Gen.Char["abcXYZ019-"], 1, 12].Array[1, 4]
            .Where(labels => labels.All(l => l[0] != '-' && l[^1] != '-'))
            .Select(labels => "domain-name:" + string.Join('.', labels));
        Gen<string> hash = Gen.Char["0123456789abcdefABCDEF"].Array[64].Select(h => "file:sha-256:" + new string(h));
        Property.ForAll(Gen.OneOf(ipv4, ipv6, domain, hash), text =>
        {
            PsiElement once = PsiElement.Parse(text);
            Assert.Equal(once, PsiElement.Parse(once.ToString()));
            int colon = text.IndexOf(':', StringComparison.Ordinal);
            Assert.Equal(once, PsiElement.Parse(text[..(colon + 1)] + text[(colon + 1)..].ToUpperInvariant()));
        });
    }

    [Fact]
    public void Observables_from_simple_patterns_become_elements()
    {
        Assert.Equal("ipv4-addr:198.51.100.3", PsiElement.FromObservable("ipv4-addr", "value", "198.51.100.3").ToString());
        Assert.Equal("file:SHA-256:" + new string('a', 64), PsiElement.FromObservable("file", "hashes.'SHA-256'", new string('A', 64)).ToString());
        Assert.Equal("file:MD5:" + new string('0', 32), PsiElement.FromObservable("file", "hashes.MD5", new string('0', 32)).ToString());
        Assert.Throws<PsiException>(() => PsiElement.FromObservable("file", "name", "a.exe"));
        Assert.Throws<PsiException>(() => PsiElement.FromObservable("domain-name", "resolves_to_refs", "x"));
    }

    [Fact]
    public void A_set_file_skips_comments_and_duplicates_and_names_the_bad_line()
    {
        List<PsiElement> set = PsiElementReader.ReadLines(new StringReader("# indicators\n\ndomain-name:a.example\n  domain-name:A.example.  \nipv4-addr:192.0.2.1\n"));
        Assert.Equal(["domain-name:a.example", "ipv4-addr:192.0.2.1"], set.Select(e => e.ToString()));

        PsiException e = Assert.Throws<PsiException>(() => PsiElementReader.ReadLines(new StringReader("domain-name:a.example\n\nipv4-addr:300.1.1.1\n")));
        Assert.Equal(3, e.Position);
        Assert.StartsWith("line 3: ", e.Message, StringComparison.Ordinal);

        Assert.Equal(2, Assert.Throws<PsiException>(() => PsiElementReader.ReadLines(new StringReader("domain-name:a.example\ndomain-name:b.example\n"), maxElements: 1)).Position);
    }
}
