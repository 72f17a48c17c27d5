using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Detente.Psi;

/// <summary>
/// One set element in its canonical text form, <c>type:value</c>, held as UTF-8: the bytes the OPRF hashes. Equal
/// indicators give equal elements whatever their spelling (see <see cref="Parse"/>).
/// </summary>
/// <remarks>
/// Forms (the STIX 2.1 SCO value forms, canonicalized):
/// <c>ipv4-addr:198.51.100.3</c> (dotted decimal, no leading zeros; a CIDR block keeps its prefix, <c>/32</c> dropped),
/// <c>ipv6-addr:2001:db8::1</c> (RFC 5952; <c>/128</c> dropped), <c>domain-name:example.com</c> (lower case, IDNA
/// A-labels, no trailing dot), <c>email-addr:User@example.com</c> (domain lower-cased, local part kept),
/// <c>url:https://example.com/a?b</c> (scheme and host lower-cased, empty path as <c>/</c>, the rest kept),
/// <c>mac-addr:00:1a:2b:3c:4d:5e</c> (lower case, colons), <c>file:SHA-256:&lt;hex&gt;</c> (hash name as in the
/// STIX hash-algorithm vocabulary: MD5, SHA-1, SHA-256, SHA-512, SHA3-256, SHA3-512; lower-case hex of the right length).
/// </remarks>
public readonly struct PsiElement : IEquatable<PsiElement>
{
    /// <summary>Longest canonical element, in UTF-8 bytes.</summary>
    public const int MaxLength = 2048;

    private readonly byte[]? _utf8;

    private PsiElement(byte[] utf8)
    {
        _utf8 = utf8;
    }

    /// <summary>The canonical form as UTF-8 bytes.</summary>
    public ReadOnlySpan<byte> Utf8 => _utf8;

    /// <summary>Parses and canonicalizes <c>type:value</c>.</summary>
    /// <exception cref="PsiException">The text is not an element of a known type, or its value is malformed.</exception>
    public static PsiElement Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!TryParse(text, out PsiElement element, out string? error))
        {
            throw new PsiException(error);
        }

        return element;
    }

    /// <summary>Parses and canonicalizes <c>type:value</c>; on failure, <paramref name="error"/> says why.</summary>
    public static bool TryParse(string text, out PsiElement element, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        element = default;
        int colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            error = "an element is 'type:value' (for example 'ipv4-addr:198.51.100.3')";
            return false;
        }

        string type = text[..colon];
        string value = text[(colon + 1)..];
        string? canonical = type switch
        {
            "ipv4-addr" => ElementCanonicalizer.Ipv4(value, out error),
            "ipv6-addr" => ElementCanonicalizer.Ipv6(value, out error),
            "domain-name" => ElementCanonicalizer.DomainName(value, out error),
            "email-addr" => ElementCanonicalizer.EmailAddress(value, out error),
            "url" => ElementCanonicalizer.Url(value, out error),
            "mac-addr" => ElementCanonicalizer.MacAddress(value, out error),
            "file" => ElementCanonicalizer.FileHash(value, out error),
            _ => Unknown(type, out error),
        };
        if (canonical is null)
        {
            error ??= $"'{text}' is not a valid element";
            return false;
        }

        byte[] utf8 = Encoding.UTF8.GetBytes($"{type}:{canonical}");
        if (utf8.Length > MaxLength)
        {
            error = $"an element is at most {MaxLength} bytes";
            return false;
        }

        element = new PsiElement(utf8);
        return true;
    }

    /// <summary>
    /// The element an observable names: the object type, the property path of a simple STIX comparison
    /// (<c>value</c>, or <c>hashes.'SHA-256'</c> / <c>hashes.MD5</c> for files) and the value. This is how an
    /// indicator pattern <c>[type:path = 'value']</c> becomes an element.
    /// </summary>
    /// <exception cref="PsiException">The type and path name no element, or the value is malformed.</exception>
    public static PsiElement FromObservable(string objectType, string propertyPath, string value)
    {
        ArgumentNullException.ThrowIfNull(objectType);
        ArgumentNullException.ThrowIfNull(propertyPath);
        ArgumentNullException.ThrowIfNull(value);
        if (objectType == "file" && propertyPath.StartsWith("hashes.", StringComparison.Ordinal))
        {
            string algorithm = propertyPath["hashes.".Length..].Trim('\'');
            return Parse($"file:{algorithm}:{value}");
        }

        if (propertyPath != "value" || objectType == "file")
        {
            throw new PsiException($"'{objectType}:{propertyPath}' names no PSI element (use 'value', or 'hashes.<algorithm>' for files)");
        }

        return Parse($"{objectType}:{value}");
    }

    /// <summary>The canonical form.</summary>
    public override string ToString() => _utf8 is null ? string.Empty : Encoding.UTF8.GetString(_utf8);

    /// <inheritdoc/>
    public bool Equals(PsiElement other) => Utf8.SequenceEqual(other.Utf8);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is PsiElement other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(Utf8);
        return hash.ToHashCode();
    }

    /// <summary>Equality of canonical forms.</summary>
    public static bool operator ==(PsiElement left, PsiElement right) => left.Equals(right);

    /// <summary>Inequality of canonical forms.</summary>
    public static bool operator !=(PsiElement left, PsiElement right) => !left.Equals(right);

    /// <summary>An element from bytes that are already canonical (padding, tests); not checked.</summary>
    internal static PsiElement FromCanonicalBytes(byte[] utf8) => new(utf8);

    private static string? Unknown(string type, out string? error)
    {
        error = $"unknown element type '{type}' (known: ipv4-addr, ipv6-addr, domain-name, email-addr, url, mac-addr, file)";
        return null;
    }
}
