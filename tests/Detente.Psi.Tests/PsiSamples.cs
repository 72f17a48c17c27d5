namespace Detente.Psi.Tests;

/// <summary>Two small sets in mixed spellings whose canonical forms share five elements, as the session tests use them.</summary>
internal static class PsiSamples
{
    /// <summary>The initiator's set: six elements, five of them also in <see cref="B"/> once canonicalized.</summary>
    public static readonly string[] A =
    [
        "ipv4-addr:198.51.100.3", "domain-name:Example.COM", "file:sha256:" + new string('A', 64), "url:HTTP://Evil.example/x",
        "ipv6-addr:2001:0db8:0000:0000:0000:0000:0000:0001", "domain-name:only-a.example",
    ];

    /// <summary>The responder's set: seven elements.</summary>
    public static readonly string[] B =
    [
        "domain-name:example.com.", "ipv4-addr:198.51.100.3", "file:SHA-256:" + new string('a', 64), "ipv6-addr:2001:db8::1",
        "url:http://evil.example/x", "domain-name:only-b.example", "ipv4-addr:203.0.113.9",
    ];

    /// <summary>The identity and a non-canonical encoding: what a peer may never send as a group element.</summary>
    public static readonly string[] BadPoints =
    [
        "0000000000000000000000000000000000000000000000000000000000000000",
        "0100000000000000000000000000000000000000000000000000000000000000",
    ];

    /// <summary>Parses <paramref name="texts"/> as elements.</summary>
    public static List<PsiElement> Elements(IEnumerable<string> texts) => texts.Select(PsiElement.Parse).ToList();
}
