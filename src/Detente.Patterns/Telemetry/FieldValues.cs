using System.Text;
using Detente.Patterns.Indexing;

namespace Detente.Patterns.Telemetry;

/// <summary>The value rules the compiled matcher, the evaluator and the telemetry readers share.</summary>
/// <remarks>
/// <list type="bullet">
/// <item><b>Strings</b> compare exactly (ordinal; for UTF-8, byte for byte), as STIX 2.1 §9 compares them: no case
/// folding, no Unicode normalization for <c>=</c> and <c>IN</c>.</item>
/// <item><b>Hash values</b> (the value of a key of a <c>hashes</c> dictionary) made only of hex digits name bytes, so
/// they compare ignoring case: both sides are lower-cased (<see cref="NormalizeHash(string)"/>). Other hash values
/// (SSDEEP, TLSH with its <c>T1</c> prefix) compare exactly. STIX's JSON schema accepts hex in either case, and the
/// spec does not say how to compare it; a matcher that missed <c>D41D8CD9…</c> for <c>d41d8cd9…</c> would be useless.</item>
/// <item><b>Addresses</b> (<c>ipv4-addr:value</c>, <c>ipv6-addr:value</c>, and a reference's <c>value</c> when it is an
/// address) compare as addresses when both sides parse (<see cref="IpPrefix"/>): <c>2001:DB8::1</c> equals
/// <c>2001:db8:0::1</c>, and a bare address equals its /32 or /128 block; otherwise as strings
/// (<see cref="AddressesEqual"/>).</item>
/// </list>
/// </remarks>
public static class FieldValues
{
    /// <summary>The hash value lower-cased when it is made only of hex digits; otherwise unchanged.</summary>
    public static string NormalizeHash(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        foreach (char c in value)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return value;
            }
        }

        return value.ToLowerInvariant();
    }

    /// <summary>Writes the normalized hash value (see <see cref="NormalizeHash(string)"/>) of UTF-8 <paramref name="value"/> to <paramref name="destination"/>.</summary>
    /// <returns>The number of bytes written (the length of <paramref name="value"/>).</returns>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <paramref name="value"/>.</exception>
    public static int NormalizeHash(ReadOnlySpan<byte> value, Span<byte> destination)
    {
        if (destination.Length < value.Length)
        {
            throw new ArgumentException("The destination is too short.", nameof(destination));
        }

        bool hex = true;
        foreach (byte b in value)
        {
            hex &= char.IsAsciiHexDigit((char)b);
        }

        if (!hex)
        {
            value.CopyTo(destination);
        }
        else
        {
            Ascii.ToLower(value, destination, out _);
        }

        return value.Length;
    }

    /// <summary>The address rule: equal blocks when both parse as addresses or CIDR blocks, otherwise ordinal string equality.</summary>
    public static bool AddressesEqual(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return IpPrefix.TryParse(a, out IpPrefix pa) && IpPrefix.TryParse(b, out IpPrefix pb)
            ? pa == pb
            : string.Equals(a, b, StringComparison.Ordinal);
    }
}
