using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Detente.Psi;

/// <summary>Canonical value forms for <see cref="PsiElement"/>; each returns null with an error message for a bad value.</summary>
internal static class ElementCanonicalizer
{
    private static readonly System.Buffers.SearchValues<char> s_schemeCharacters =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.");

    private static readonly IdnMapping s_idn = new() { AllowUnassigned = false, UseStd3AsciiRules = false };

    // STIX hash-algorithm-ov names, keyed by the name with '-', '_' removed and upper-cased; value: (name, hex digits).
    private static readonly Dictionary<string, (string Name, int HexLength)> s_hashes = new(StringComparer.Ordinal)
    {
        ["MD5"] = ("MD5", 32),
        ["SHA1"] = ("SHA-1", 40),
        ["SHA256"] = ("SHA-256", 64),
        ["SHA512"] = ("SHA-512", 128),
        ["SHA3256"] = ("SHA3-256", 64),
        ["SHA3512"] = ("SHA3-512", 128),
    };

    public static string? Ipv4(string value, out string? error)
    {
        (string address, int? prefix) = SplitPrefix(value);
        if (!TryParseIpv4(address, out uint bits))
        {
            error = $"'{value}' is not a dotted-decimal IPv4 address";
            return null;
        }

        return WithPrefix(value, bits, prefix, out error);
    }

    private static string? WithPrefix(string value, uint bits, int? prefix, out string? error)
    {
        error = null;
        string address = $"{bits >> 24}.{(bits >> 16) & 0xff}.{(bits >> 8) & 0xff}.{bits & 0xff}";
        if (prefix is null || prefix == 32)
        {
            return address;
        }

        if (prefix is < 0 or > 32)
        {
            error = $"'{value}' has a prefix length outside 0..32";
            return null;
        }

        uint mask = prefix == 0 ? 0u : uint.MaxValue << (32 - prefix.Value);
        if ((bits & ~mask) != 0)
        {
            error = $"'{value}' has host bits set beyond its /{prefix} prefix";
            return null;
        }

        return $"{address}/{prefix}";
    }

    public static string? Ipv6(string value, out string? error)
    {
        error = null;
        (string address, int? prefix) = SplitPrefix(value);
        if (address.Contains('%', StringComparison.Ordinal) || !address.Contains(':', StringComparison.Ordinal)
            || !IPAddress.TryParse(address, out IPAddress? ip) || ip.AddressFamily != AddressFamily.InterNetworkV6)
        {
            error = $"'{value}' is not an IPv6 address";
            return null;
        }

        // .NET writes IPv6 per RFC 5952: lower case, leading zeros dropped, the longest zero run as '::'.
        if (prefix is null || prefix == 128)
        {
            return ip.ToString();
        }

        if (prefix is < 0 or > 128)
        {
            error = $"'{value}' has a prefix length outside 0..128";
            return null;
        }

        byte[] bytes = ip.GetAddressBytes();
        for (int bit = prefix.Value; bit < 128; bit++)
        {
            if ((bytes[bit / 8] & (0x80 >> (bit % 8))) != 0)
            {
                error = $"'{value}' has host bits set beyond its /{prefix} prefix";
                return null;
            }
        }

        return $"{ip}/{prefix}";
    }

    public static string? DomainName(string value, out string? error)
    {
        error = null;
        string name = value.EndsWith('.') ? value[..^1] : value;
        if (name.Length == 0)
        {
            error = "a domain name is empty";
            return null;
        }

        string ascii;
        try
        {
            ascii = s_idn.GetAscii(name).ToLowerInvariant();
        }
        catch (ArgumentException)
        {
            error = $"'{value}' is not a domain name";
            return null;
        }

        if (ascii.Length > 253)
        {
            error = $"'{value}' is longer than 253 characters";
            return null;
        }

        foreach (string label in ascii.Split('.'))
        {
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-'
                || !label.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                error = $"'{value}' is not a domain name (label '{label}')";
                return null;
            }
        }

        return ascii;
    }

    public static string? EmailAddress(string value, out string? error)
    {
        int at = value.LastIndexOf('@');
        if (at <= 0 || value.AsSpan(0, at).ContainsAny(" \t\r\n"))
        {
            error = $"'{value}' is not an email address";
            return null;
        }

        string? domain = DomainName(value[(at + 1)..], out error);
        return domain is null ? null : $"{value[..at]}@{domain}";
    }

    public static string? Url(string value, out string? error)
    {
        error = null;
        int schemeEnd = value.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0 || !char.IsAsciiLetter(value[0])
            || value.AsSpan(0, schemeEnd).ContainsAnyExcept(s_schemeCharacters)
            || value.AsSpan().ContainsAny(" \t\r\n"))
        {
            error = $"'{value}' is not an absolute URL ('scheme://host/...')";
            return null;
        }

        string scheme = value[..schemeEnd].ToLowerInvariant();
        int authorityStart = schemeEnd + 3;
        int authorityEnd = value.IndexOfAny(['/', '?', '#'], authorityStart);
        if (authorityEnd < 0)
        {
            authorityEnd = value.Length;
        }

        string authority = value[authorityStart..authorityEnd];
        int userEnd = authority.LastIndexOf('@');
        string user = userEnd >= 0 ? authority[..(userEnd + 1)] : string.Empty;
        string hostPort = authority[(userEnd + 1)..];
        if (hostPort.Length == 0)
        {
            error = $"'{value}' has no host";
            return null;
        }

        string rest = value[authorityEnd..];
        if (rest.Length == 0 || rest[0] != '/')
        {
            rest = "/" + rest;
        }

        return $"{scheme}://{user}{hostPort.ToLowerInvariant()}{rest}";
    }

    public static string? MacAddress(string value, out string? error)
    {
        error = null;
        string[] parts = value.Split(':', '-');
        if (parts.Length != 6 || !parts.All(p => p.Length == 2 && p.All(char.IsAsciiHexDigit)))
        {
            error = $"'{value}' is not a MAC address (six hex octets)";
            return null;
        }

        return string.Join(':', parts).ToLowerInvariant();
    }

    public static string? FileHash(string value, out string? error)
    {
        error = null;
        int colon = value.LastIndexOf(':');
        if (colon <= 0)
        {
            error = $"'file:{value}' is not 'file:<hash algorithm>:<hex>' (for example 'file:SHA-256:<64 hex digits>')";
            return null;
        }

        string key = value[..colon].Replace("-", string.Empty, StringComparison.Ordinal)
            .Replace("_", string.Empty, StringComparison.Ordinal).ToUpperInvariant();
        if (!s_hashes.TryGetValue(key, out (string Name, int HexLength) algorithm))
        {
            error = $"'{value[..colon]}' is not a supported hash algorithm (MD5, SHA-1, SHA-256, SHA-512, SHA3-256, SHA3-512)";
            return null;
        }

        string hex = value[(colon + 1)..];
        if (hex.Length != algorithm.HexLength || !hex.All(char.IsAsciiHexDigit))
        {
            error = $"a {algorithm.Name} hash is {algorithm.HexLength} hex digits";
            return null;
        }

        return $"{algorithm.Name}:{hex.ToLowerInvariant()}";
    }

    private static (string Address, int? Prefix) SplitPrefix(string value)
    {
        int slash = value.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            return (value, null);
        }

        string digits = value[(slash + 1)..];
        bool ok = digits.Length is > 0 and <= 3 && digits.All(char.IsAsciiDigit) && !(digits.Length > 1 && digits[0] == '0');
        return (value[..slash], ok ? int.Parse(digits, CultureInfo.InvariantCulture) : -1);
    }

    private static bool TryParseIpv4(string text, out uint bits)
    {
        bits = 0;
        string[] parts = text.Split('.');
        if (parts.Length != 4)
        {
            return false;
        }

        foreach (string part in parts)
        {
            // Leading zeros are refused: some parsers read them as octal, so their meaning is ambiguous.
            if (part.Length is 0 or > 3 || !part.All(char.IsAsciiDigit) || (part.Length > 1 && part[0] == '0'))
            {
                return false;
            }

            int octet = int.Parse(part, CultureInfo.InvariantCulture);
            if (octet > 255)
            {
                return false;
            }

            bits = (bits << 8) | (uint)octet;
        }

        return true;
    }
}
