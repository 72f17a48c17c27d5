using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Detente.Stix.Validation;

/// <summary>Allocation-free syntax checks for the value formats STIX 2.1 relies on.</summary>
/// <remarks>
/// Per-object code: no regular expressions, no LINQ. Each check states what it accepts; where the specification
/// points to an RFC, the check follows the RFC's grammar as far as a validator reasonably can without being stricter
/// than the data producers actually emit.
/// </remarks>
internal static class Syntax
{
    private const int UuidLength = 36;

    /// <summary>Checks a STIX identifier: <c>type--UUID</c>, the type 3–250 of a–z, 0–9 and single hyphens, the UUID an
    /// RFC 4122 UUID (variant 10xx, version 1–8) in lower case.</summary>
    /// <param name="text">The identifier.</param>
    /// <param name="separator">The index of the <c>--</c> before the UUID.</param>
    public static bool TryParseIdentifier(string text, out int separator)
    {
        separator = text.Length - UuidLength - 2;
        if (separator < 3 || text[separator] != '-' || text[separator + 1] != '-')
        {
            return false;
        }

        return IsTypeName(text.AsSpan(0, separator), requireLetterStart: false) && IsUuid(text.AsSpan(separator + 2));
    }

    /// <summary>The version digit of the UUID in an identifier that <see cref="TryParseIdentifier"/> accepted.</summary>
    public static int UuidVersion(string identifier) => identifier[identifier.Length - UuidLength + 14] - '0';

    /// <summary>A lower-case RFC 4122 UUID (8-4-4-4-12 hex digits, variant 10xx, version 1–8).</summary>
    public static bool IsUuid(ReadOnlySpan<char> uuid)
    {
        if (uuid.Length != UuidLength)
        {
            return false;
        }

        for (int i = 0; i < uuid.Length; i++)
        {
            char c = uuid[i];
            bool dash = i is 8 or 13 or 18 or 23;
            if (dash ? c != '-' : !IsLowerHex(c))
            {
                return false;
            }
        }

        // Version 1–8 (RFC 4122 defines 1–5, RFC 9562 adds 6–8 in the same variant); variant bits 10xx.
        return uuid[14] is >= '1' and <= '8' && uuid[19] is '8' or '9' or 'a' or 'b';
    }

    /// <summary>A STIX type name (§3.1): 3–250 characters of a–z, 0–9 and hyphens, no two hyphens in a row; an object's
    /// own type must also begin with a letter.</summary>
    public static bool IsTypeName(ReadOnlySpan<char> type, bool requireLetterStart)
    {
        if (type.Length is < 3 or > 250 || (requireLetterStart && !char.IsAsciiLetterLower(type[0])))
        {
            return false;
        }

        char previous = '\0';
        foreach (char c in type)
        {
            if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-') || (c == '-' && previous == '-'))
            {
                return false;
            }

            previous = c;
        }

        return true;
    }

    /// <summary>A property name (§3.1, §11.1): 3–250 ASCII letters, digits and underscores, starting with a letter.</summary>
    public static bool IsPropertyName(string name) => StixType.IsValidPropertyName(name) && char.IsAsciiLetter(name[0]);

    public static bool HasUpperCase(string text)
    {
        foreach (char c in text)
        {
            if (char.IsAsciiLetterUpper(c))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A dictionary key (§2.3): at most 250 ASCII letters, digits, hyphens and underscores.</summary>
    public static bool IsDictionaryKey(string key) => key.Length <= 250 && IsKeyCharacters(key);

    /// <summary>A hash algorithm name (§2.7): 3–250 ASCII letters, digits, hyphens and underscores.</summary>
    public static bool IsHashKey(string key) => key.Length is >= 3 and <= 250 && IsKeyCharacters(key);

    /// <summary>
    /// Lower case with hyphens between words: no upper-case letter, white space or underscore (the SHOULD of §2.11
    /// for kill chain names, §2.14 for vocabulary values, §4.12 for malware-analysis products).
    /// </summary>
    public static bool IsLowerHyphenated(string value)
    {
        foreach (char c in value)
        {
            if (char.IsUpper(c) || char.IsWhiteSpace(c) || c == '_')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A custom extension name (§11.3): 3–250 of a–z, 0–9 and hyphens, ending in <c>-ext</c>.</summary>
    public static bool IsCustomExtensionName(string name) =>
        name.EndsWith("-ext", StringComparison.Ordinal) && IsTypeName(name, requireLetterStart: false);

    /// <summary>RFC 4648 base64 with padding (§2.1).</summary>
    public static bool IsBase64(string text)
    {
        if (text.Length % 4 != 0)
        {
            return false;
        }

        int padding = 0;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '=')
            {
                padding++;
                if (i < text.Length - 2)
                {
                    return false;
                }
            }
            else if (padding > 0 || !(char.IsAsciiLetterOrDigit(c) || c == '+' || c == '/'))
            {
                return false;
            }
        }

        return padding <= 2;
    }

    /// <summary>STIX hex (§2.8): an even number of the digits 0–9 and the lower-case letters a–f.</summary>
    public static bool IsHex(string text)
    {
        if (text.Length % 2 != 0)
        {
            return false;
        }

        foreach (char c in text)
        {
            if (!IsLowerHex(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Checks a hash value against its algorithm; unknown algorithms accept any string.</summary>
    /// <returns>Null when the value fits, otherwise what it should look like.</returns>
    public static string? CheckHashValue(string algorithm, string value) => algorithm switch
    {
        "MD5" => HexOfLength(value, 32) ? null : "32 hexadecimal digits",
        "SHA-1" => HexOfLength(value, 40) ? null : "40 hexadecimal digits",
        "SHA-256" or "SHA3-256" => HexOfLength(value, 64) ? null : "64 hexadecimal digits",
        "SHA-512" or "SHA3-512" => HexOfLength(value, 128) ? null : "128 hexadecimal digits",
        "SSDEEP" => IsSsdeep(value) ? null : "an ssdeep digest (blocksize:hash:hash)",
        "TLSH" => IsTlsh(value) ? null : "a TLSH digest (70 hexadecimal digits, optionally after T1)",
        _ => null,
    };

    /// <summary>An RFC 5646 language tag, checked for shape: <c>en</c>, <c>de-CH</c>, <c>zh-Hant-TW</c>, <c>x-klingon</c>.</summary>
    /// <remarks>Subtags are not looked up in the IANA registry.</remarks>
    public static bool IsLanguageTag(string tag)
    {
        if (tag.Length == 0 || tag.Length > 255 || tag[0] == '-' || tag[^1] == '-')
        {
            return false;
        }

        int index = 0;
        int subtag = 0;
        bool privateUse = false;
        while (index < tag.Length)
        {
            int end = tag.IndexOf('-', index);
            if (end < 0)
            {
                end = tag.Length;
            }

            ReadOnlySpan<char> part = tag.AsSpan(index, end - index);
            if (part.Length is 0 or > 8)
            {
                return false;
            }

            foreach (char c in part)
            {
                if (!char.IsAsciiLetterOrDigit(c))
                {
                    return false;
                }
            }

            if (subtag == 0)
            {
                // Primary language: 2–8 letters, or "x" (private use) / "i" (grandfathered) followed by subtags.
                privateUse = part.Length == 1 && (part[0] is 'x' or 'X' or 'i' or 'I');
                if (!privateUse && (part.Length < 2 || !IsAsciiLetters(part)))
                {
                    return false;
                }
            }

            subtag++;
            index = end + 1;
        }

        return !privateUse || subtag > 1;
    }

    /// <summary>An IPv4 address in dotted-decimal form, optionally with a CIDR prefix length 0–32.</summary>
    /// <param name="text">The value.</param>
    /// <param name="hostBitsSet">True when a prefix is given and the address has bits set beyond it.</param>
    public static bool IsIpv4(string text, out bool hostBitsSet)
    {
        hostBitsSet = false;
        ReadOnlySpan<char> span = text;
        int slash = span.IndexOf('/');
        int prefix = 32;
        if (slash >= 0)
        {
            if (!TryParseSmallNumber(span[(slash + 1)..], 32, out prefix))
            {
                return false;
            }

            span = span[..slash];
        }

        uint address = 0;
        int octets = 0;
        while (true)
        {
            int dot = span.IndexOf('.');
            ReadOnlySpan<char> part = dot < 0 ? span : span[..dot];
            if (!TryParseSmallNumber(part, 255, out int octet))
            {
                return false;
            }

            address = (address << 8) | (uint)octet;
            octets++;
            if (dot < 0)
            {
                break;
            }

            span = span[(dot + 1)..];
        }

        if (octets != 4)
        {
            return false;
        }

        uint hostMask = prefix == 0 ? uint.MaxValue : (1u << (32 - prefix)) - 1;
        hostBitsSet = prefix < 32 && (address & hostMask) != 0;
        return true;
    }

    /// <summary>An IPv6 address (RFC 4291 text form, no zone index), optionally with a CIDR prefix length 0–128.</summary>
    public static bool IsIpv6(string text, out bool hostBitsSet)
    {
        hostBitsSet = false;
        ReadOnlySpan<char> span = text;
        int slash = span.IndexOf('/');
        int prefix = 128;
        if (slash >= 0)
        {
            if (!TryParseSmallNumber(span[(slash + 1)..], 128, out prefix))
            {
                return false;
            }

            span = span[..slash];
        }

        // IPAddress also accepts zone indexes, brackets and bare IPv4; STIX wants the plain RFC 4291 form.
        if (span.IndexOf(':') < 0 || span.IndexOfAny('%', '[', ']') >= 0
            || !IPAddress.TryParse(span, out IPAddress? address) || address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        UInt128 value = BinaryPrimitives.ReadUInt128BigEndian(bytes);
        UInt128 hostMask = prefix == 0 ? UInt128.MaxValue : (UInt128.One << (128 - prefix)) - UInt128.One;
        hostBitsSet = prefix < 128 && (value & hostMask) != UInt128.Zero;
        return true;
    }

    /// <summary>A MAC-48 address as STIX requires it (§6.10): six lower-case two-digit hex groups joined by colons.</summary>
    public static bool IsMacAddress(string text)
    {
        if (text.Length != 17)
        {
            return false;
        }

        for (int i = 0; i < text.Length; i++)
        {
            if (i % 3 == 2 ? text[i] != ':' : !IsLowerHex(text[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A domain name (RFC 1034 labels, RFC 5890 internationalized labels): dot-separated labels of 1–63
    /// characters, letters, digits, hyphens and underscores (or non-ASCII letters of a U-label), no label starting or
    /// ending with a hyphen, at most 253 characters; one trailing dot is allowed.</summary>
    public static bool IsDomainName(ReadOnlySpan<char> name)
    {
        if (name.Length > 0 && name[^1] == '.')
        {
            name = name[..^1];
        }

        if (name.Length is 0 or > 253)
        {
            return false;
        }

        foreach (Range range in name.Split('.'))
        {
            ReadOnlySpan<char> label = name[range];
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-')
            {
                return false;
            }

            foreach (char c in label)
            {
                bool ok = char.IsAsciiLetterOrDigit(c) || c is '-' or '_' || (c > 0x7F && char.IsLetterOrDigit(c))
                    || (c > 0x7F && char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.NonSpacingMark
                        or System.Globalization.UnicodeCategory.SpacingCombiningMark);
                if (!ok)
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>An absolute URL (RFC 3986 §1.1.3): a scheme, a colon and a non-empty remainder with no whitespace,
    /// control characters, or the delimiters &lt; &gt; and "; http(s) URLs need a host.</summary>
    /// <remarks>Non-ASCII characters are tolerated (IRIs are common in threat data and lose nothing here).</remarks>
    public static bool IsUrl(string text)
    {
        int colon = text.IndexOf(':');
        if (colon < 1 || colon == text.Length - 1 || !char.IsAsciiLetter(text[0]))
        {
            return false;
        }

        for (int i = 1; i < colon; i++)
        {
            char c = text[i];
            if (!(char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '.'))
            {
                return false;
            }
        }

        foreach (char c in text)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c) || c is '<' or '>' or '"')
            {
                return false;
            }
        }

        ReadOnlySpan<char> scheme = text.AsSpan(0, colon);
        if (scheme.Equals("http", StringComparison.OrdinalIgnoreCase) || scheme.Equals("https", StringComparison.OrdinalIgnoreCase))
        {
            ReadOnlySpan<char> rest = text.AsSpan(colon + 1);
            if (!rest.StartsWith("//"))
            {
                return false;
            }

            rest = rest[2..];
            int end = rest.IndexOfAny('/', '?', '#');
            ReadOnlySpan<char> authority = end < 0 ? rest : rest[..end];
            int at = authority.LastIndexOf('@');
            if (at >= 0)
            {
                authority = authority[(at + 1)..];
            }

            if (authority.IsEmpty || authority[0] == ':')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>An RFC 5322 addr-spec (<c>local@domain</c>), without a display name or angle brackets.</summary>
    public static bool IsEmailAddress(string text)
    {
        int at = text.LastIndexOf('@');
        if (at < 1 || at == text.Length - 1)
        {
            return false;
        }

        ReadOnlySpan<char> local = text.AsSpan(0, at);
        ReadOnlySpan<char> domain = text.AsSpan(at + 1);
        bool quoted = local.Length >= 2 && local[0] == '"' && local[^1] == '"';
        if (!quoted)
        {
            foreach (char c in local)
            {
                if (char.IsWhiteSpace(c) || char.IsControl(c) || c is '<' or '>' or '(' or ')' or ',' or ';' or ':' or '\\' or '"' or '[' or ']' or '@')
                {
                    return false;
                }
            }

            if (local[0] == '.' || local[^1] == '.' || local.Contains("..", StringComparison.Ordinal))
            {
                return false;
            }
        }

        if (domain[0] == '[')
        {
            // A domain literal, e.g. [192.0.2.1].
            return domain.Length > 2 && domain[^1] == ']' && domain[1..^1].IndexOfAny(" []") < 0;
        }

        return IsDomainName(domain);
    }

    /// <summary>A CPE 2.3 formatted string (NISTIR 7695): <c>cpe:2.3:</c>, a part of a, o, h, * or -, and 11 more
    /// colon-separated components (colons inside a component are escaped with a backslash).</summary>
    public static bool IsCpe23(string text)
    {
        if (!text.StartsWith("cpe:2.3:", StringComparison.Ordinal) || text.Length < 10 || text[9] != ':'
            || text[8] is not ('a' or 'o' or 'h' or '*' or '-'))
        {
            return false;
        }

        int colons = 0;
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\')
            {
                i++;
            }
            else if (text[i] == ':')
            {
                colons++;
            }
        }

        return colons == 12;
    }

    private static bool IsKeyCharacters(string key)
    {
        foreach (char c in key)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsLowerHex(char c) => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f';

    private static bool IsAsciiLetters(ReadOnlySpan<char> text)
    {
        foreach (char c in text)
        {
            if (!char.IsAsciiLetter(c))
            {
                return false;
            }
        }

        return true;
    }

    private static bool HexOfLength(string text, int length)
    {
        if (text.Length != length)
        {
            return false;
        }

        foreach (char c in text)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsTlsh(string text)
    {
        ReadOnlySpan<char> digest = text.Length == 72 && text[0] is 'T' or 't' && text[1] == '1' ? text.AsSpan(2) : text;
        if (digest.Length != 70)
        {
            return false;
        }

        foreach (char c in digest)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsSsdeep(string text)
    {
        // blocksize ":" base64 ":" base64, as ssdeep prints it.
        int first = text.IndexOf(':');
        int second = first < 0 ? -1 : text.IndexOf(':', first + 1);
        if (first < 1 || second < 0 || second == first + 1 || text.IndexOf(':', second + 1) >= 0 || text.Length > 148)
        {
            return false;
        }

        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            bool ok = i < first ? char.IsAsciiDigit(c) : c == ':' || char.IsAsciiLetterOrDigit(c) || c is '+' or '/';
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A decimal number 0..<paramref name="max"/> without sign or leading zeros.</summary>
    private static bool TryParseSmallNumber(ReadOnlySpan<char> digits, int max, out int value)
    {
        value = 0;
        if (digits.Length is 0 or > 3 || (digits.Length > 1 && digits[0] == '0'))
        {
            return false;
        }

        foreach (char c in digits)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        return value <= max;
    }
}
