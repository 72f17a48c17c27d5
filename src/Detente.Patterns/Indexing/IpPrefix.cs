using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Detente.Patterns.Indexing;

/// <summary>An IPv4 or IPv6 CIDR block (an address and a prefix length), or a single address (the full length).</summary>
/// <remarks>
/// Text: an address as <see cref="IpAddress"/> reads it, optionally followed by <c>/</c> and a decimal length (0–32 or
/// 0–128, no leading zeros). Bits after the prefix are cleared when parsed: <c>11.22.41.123/20</c> is
/// <c>11.22.32.0/20</c>, as the OASIS reference matcher reads a CIDR constant. <c>/0</c> is accepted and holds every
/// address of its family; the families never contain each other (an IPv4-mapped IPv6 block holds IPv6 addresses only).
/// </remarks>
public readonly struct IpPrefix : IEquatable<IpPrefix>
{
    /// <summary>Creates the block of <paramref name="address"/>'s first <paramref name="length"/> bits.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is negative or beyond the address length.</exception>
    public IpPrefix(IpAddress address, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, address.BitLength);
        Address = address.Mask(length);
        Length = length;
    }

    /// <summary>The first address of the block (the bits after the prefix are zero).</summary>
    public IpAddress Address { get; }

    /// <summary>The prefix length in bits.</summary>
    public int Length { get; }

    /// <summary>True for an IPv6 block.</summary>
    public bool IsV6 => Address.IsV6;

    /// <summary>True when the block is one address (/32 or /128).</summary>
    public bool IsSingleAddress => Length == Address.BitLength;

    /// <summary>The single-address block of <paramref name="address"/>.</summary>
    public static IpPrefix FromAddress(IpAddress address) => new(address, address.BitLength);

    /// <summary>True when every address of <paramref name="other"/> is in this block (same family, prefix at least as long, same leading bits).</summary>
    /// <remarks>STIX 2.1 §9.5: <c>a ISSUBSET b</c> holds when <c>b.Contains(a)</c>.</remarks>
    public bool Contains(IpPrefix other) =>
        other.IsV6 == IsV6 && other.Length >= Length && other.Address.Mask(Length) == Address;

    /// <summary>True when <paramref name="address"/> is in this block.</summary>
    public bool Contains(IpAddress address) => Contains(FromAddress(address));

    /// <summary>Parses an address or CIDR block from UTF-8 text (see the remarks on <see cref="IpPrefix"/>).</summary>
    public static bool TryParse(ReadOnlySpan<byte> utf8, out IpPrefix prefix)
    {
        prefix = default;
        int slash = utf8.IndexOf((byte)'/');
        ReadOnlySpan<byte> addressText = slash < 0 ? utf8 : utf8[..slash];
        if (!IpAddress.TryParse(addressText, out IpAddress address))
        {
            return false;
        }

        int length = address.BitLength;
        if (slash >= 0)
        {
            ReadOnlySpan<byte> digits = utf8[(slash + 1)..];
            if (digits.Length is 0 or > 3 || (digits.Length > 1 && digits[0] == '0'))
            {
                return false;
            }

            length = 0;
            foreach (byte b in digits)
            {
                if (b is < (byte)'0' or > (byte)'9')
                {
                    return false;
                }

                length = (length * 10) + (b - '0');
            }

            if (length > address.BitLength)
            {
                return false;
            }
        }

        prefix = new IpPrefix(address, length);
        return true;
    }

    /// <summary>Parses an address or CIDR block (see the remarks on <see cref="IpPrefix"/>).</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out IpPrefix prefix)
    {
        prefix = default;
        Span<byte> ascii = stackalloc byte[IpAddress.MaxTextLength];
        return IpAddress.TryAscii(text, ascii, out int length) && TryParse(ascii[..length], out prefix);
    }

    /// <summary>Parses an address or CIDR block.</summary>
    /// <exception cref="FormatException">The text is not an address or CIDR block.</exception>
    public static IpPrefix Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text.AsSpan(), out IpPrefix prefix) ? prefix : throw new FormatException($"'{text}' is not an IP address or CIDR block.");
    }

    /// <summary>The canonical text: the address, and <c>/length</c> unless the block is a single address.</summary>
    public override string ToString()
    {
        string address = Address.ToString();
        return IsSingleAddress ? address : new StringBuilder(address).Append('/').Append(Length).ToString();
    }

    /// <summary>True when both are the same block.</summary>
    public bool Equals(IpPrefix other) => Length == other.Length && Address == other.Address;

    /// <inheritdoc/>
    public override bool Equals([NotNullWhen(true)] object? obj) => obj is IpPrefix other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Address, Length);

    /// <summary>Compares blocks.</summary>
    public static bool operator ==(IpPrefix left, IpPrefix right) => left.Equals(right);

    /// <summary>Compares blocks.</summary>
    public static bool operator !=(IpPrefix left, IpPrefix right) => !left.Equals(right);
}
