using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Detente.Patterns.Indexing;

/// <summary>An IPv4 or IPv6 address as a value: no allocation to parse, compare or hash.</summary>
/// <remarks>
/// Text forms (<see cref="TryParse(ReadOnlySpan{byte}, out IpAddress)"/>): IPv4 dotted decimal, four parts of 0–255
/// without leading zeros (<c>010.0.0.1</c> is refused, as some parsers read it as octal); IPv6 per RFC 4291 §2.2
/// (hex groups of one to four digits in either case, one <c>::</c>, an embedded IPv4 address in the last 32 bits),
/// without a zone (<c>%eth0</c>). An IPv4-mapped IPv6 address (<c>::ffff:192.0.2.1</c>) stays an IPv6 address;
/// <see cref="Unmap"/> turns it into the IPv4 address it carries.
/// </remarks>
public readonly struct IpAddress : IEquatable<IpAddress>
{
    private readonly ulong _high; // IPv6 bits 0–63; 0 for IPv4
    private readonly ulong _low;  // IPv6 bits 64–127; the IPv4 address in the low 32 bits

    private IpAddress(ulong high, ulong low, bool isV6)
    {
        _high = high;
        _low = low;
        IsV6 = isV6;
    }

    /// <summary>True for an IPv6 address, false for IPv4.</summary>
    public bool IsV6 { get; }

    /// <summary>The number of bits in the address: 32 or 128.</summary>
    public int BitLength => IsV6 ? 128 : 32;

    /// <summary>The IPv4 address as a big-endian number (<c>192.0.2.1</c> is <c>0xC0000201</c>); 0 for IPv6.</summary>
    public uint V4 => IsV6 ? 0 : unchecked((uint)_low);

    /// <summary>The IPv6 address as a 128-bit big-endian number; an IPv4 address as its number.</summary>
    public UInt128 Value => new(_high, _low);

    /// <summary>True for an IPv4-mapped IPv6 address, <c>::ffff:0:0/96</c> (RFC 4291 §2.5.5.2).</summary>
    public bool IsV4Mapped => IsV6 && _high == 0 && (_low >> 32) == 0xFFFF;

    /// <summary>An IPv4 address.</summary>
    /// <param name="value">The address as a big-endian number.</param>
    public static IpAddress FromV4(uint value) => new(0, value, isV6: false);

    /// <summary>An IPv6 address.</summary>
    /// <param name="value">The address as a 128-bit big-endian number.</param>
    public static IpAddress FromV6(UInt128 value) => new(unchecked((ulong)(value >> 64)), unchecked((ulong)value), isV6: true);

    /// <summary>The IPv4 address an IPv4-mapped IPv6 address carries; any other address unchanged.</summary>
    public IpAddress Unmap() => IsV4Mapped ? FromV4(unchecked((uint)_low)) : this;

    /// <summary>Parses an address from UTF-8 text (see the remarks on <see cref="IpAddress"/>).</summary>
    public static bool TryParse(ReadOnlySpan<byte> utf8, out IpAddress address)
    {
        if (utf8.IndexOf((byte)':') >= 0)
        {
            return TryParseV6(utf8, out address);
        }

        if (TryParseV4(utf8, out uint v4))
        {
            address = FromV4(v4);
            return true;
        }

        address = default;
        return false;
    }

    /// <summary>Parses an address from text (see the remarks on <see cref="IpAddress"/>).</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out IpAddress address)
    {
        address = default;
        Span<byte> ascii = stackalloc byte[MaxTextLength];
        return TryAscii(text, ascii, out int length) && TryParse(ascii[..length], out address);
    }

    /// <summary>Parses an address.</summary>
    /// <exception cref="FormatException">The text is not an IPv4 or IPv6 address.</exception>
    public static IpAddress Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text.AsSpan(), out IpAddress address) ? address : throw new FormatException($"'{text}' is not an IPv4 or IPv6 address.");
    }

    /// <summary>The longest text any address or prefix this type accepts can have (an IPv6 address with an embedded IPv4 address and a prefix length).</summary>
    internal const int MaxTextLength = 64;

    /// <summary>Copies ASCII <paramref name="text"/> into <paramref name="ascii"/>; false when it is longer or not ASCII.</summary>
    internal static bool TryAscii(ReadOnlySpan<char> text, Span<byte> ascii, out int length)
    {
        length = text.Length;
        if (text.Length > ascii.Length)
        {
            return false;
        }

        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c > 0x7F)
            {
                return false;
            }

            ascii[i] = (byte)c;
        }

        return true;
    }

    internal static bool TryParseV4(ReadOnlySpan<byte> s, out uint value)
    {
        value = 0;
        int part = 0;
        int i = 0;
        while (true)
        {
            int start = i;
            uint octet = 0;
            while (i < s.Length && s[i] is >= (byte)'0' and <= (byte)'9' && i - start < 3)
            {
                octet = (octet * 10) + (uint)(s[i] - '0');
                i++;
            }

            int digits = i - start;
            if (digits == 0 || octet > 255 || (digits > 1 && s[start] == '0'))
            {
                return false;
            }

            value = (value << 8) | octet;
            part++;
            if (part == 4)
            {
                return i == s.Length;
            }

            if (i >= s.Length || s[i] != '.')
            {
                return false;
            }

            i++;
        }
    }

    private static bool TryParseV6(ReadOnlySpan<byte> s, out IpAddress address)
    {
        address = default;
        if (s.Length < 2 || s.Length > 45)
        {
            return false;
        }

        Span<ushort> groups = stackalloc ushort[8];
        int count = 0;
        int gap = -1; // index in groups where "::" stands
        int i = 0;
        if (s[0] == ':')
        {
            if (s[1] != ':')
            {
                return false;
            }

            gap = 0;
            i = 2;
            if (i == s.Length)
            {
                address = FromV6(UInt128.Zero);
                return true;
            }
        }

        while (i < s.Length)
        {
            if (count == 8)
            {
                return false;
            }

            int start = i;
            uint group = 0;
            while (i < s.Length && i - start < 5 && HexValue(s[i]) is int h and >= 0)
            {
                group = (group << 4) | (uint)h;
                i++;
            }

            if (i < s.Length && s[i] == '.')
            {
                // An embedded IPv4 address takes the last two groups.
                if (count > 6 || !TryParseV4(s[start..], out uint v4))
                {
                    return false;
                }

                groups[count++] = (ushort)(v4 >> 16);
                groups[count++] = unchecked((ushort)v4);
                i = s.Length;
                break;
            }

            int digits = i - start;
            if (digits is 0 or > 4)
            {
                return false;
            }

            groups[count++] = (ushort)group;
            if (i == s.Length)
            {
                break;
            }

            if (s[i] != ':' || i + 1 == s.Length)
            {
                return false;
            }

            i++;
            if (s[i] == ':')
            {
                if (gap >= 0)
                {
                    return false; // a second "::"
                }

                gap = count;
                i++;
            }
        }

        if (gap < 0 ? count != 8 : count > 7)
        {
            return false;
        }

        UInt128 bits = UInt128.Zero;
        int zeros = 8 - count;
        for (int g = 0, read = 0; g < 8; g++)
        {
            ushort value = (gap >= 0 && g >= gap && g < gap + zeros) ? (ushort)0 : groups[read++];
            bits = (bits << 16) | value;
        }

        address = FromV6(bits);
        return true;
    }

    private static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };

    /// <summary>Writes the canonical text: dotted decimal, or RFC 5952 for IPv6 (lower case, the longest run of zero groups compressed, an IPv4-mapped address as <c>::ffff:a.b.c.d</c>).</summary>
    /// <returns>The number of bytes written; <paramref name="destination"/> needs at most 45.</returns>
    public int Format(Span<byte> destination)
    {
        if (!IsV6)
        {
            return FormatV4(unchecked((uint)_low), destination);
        }

        Span<ushort> groups = stackalloc ushort[8];
        for (int g = 0; g < 4; g++)
        {
            groups[g] = unchecked((ushort)(_high >> (48 - (16 * g))));
            groups[g + 4] = unchecked((ushort)(_low >> (48 - (16 * g))));
        }

        int written = 0;
        if (IsV4Mapped)
        {
            "::ffff:"u8.CopyTo(destination);
            return 7 + FormatV4(unchecked((uint)_low), destination[7..]);
        }

        // RFC 5952 §4.2: compress the longest run of two or more zero groups, the first one on a tie.
        int bestStart = -1;
        int bestLength = 1;
        for (int g = 0; g < 8;)
        {
            if (groups[g] != 0)
            {
                g++;
                continue;
            }

            int start = g;
            while (g < 8 && groups[g] == 0)
            {
                g++;
            }

            if (g - start > bestLength)
            {
                bestStart = start;
                bestLength = g - start;
            }
        }

        for (int g = 0; g < 8; g++)
        {
            if (g == bestStart)
            {
                destination[written++] = (byte)':';
                destination[written++] = (byte)':';
                g += bestLength - 1;
                continue;
            }

            if (g > 0 && g != bestStart + bestLength)
            {
                destination[written++] = (byte)':';
            }

            written += FormatHex(groups[g], destination[written..]);
        }

        return written;
    }

    private static int FormatV4(uint value, Span<byte> destination)
    {
        int written = 0;
        for (int shift = 24; shift >= 0; shift -= 8)
        {
            uint octet = (value >> shift) & 0xFF;
            if (octet >= 100)
            {
                destination[written++] = (byte)('0' + (octet / 100));
            }

            if (octet >= 10)
            {
                destination[written++] = (byte)('0' + (octet / 10 % 10));
            }

            destination[written++] = (byte)('0' + (octet % 10));
            if (shift > 0)
            {
                destination[written++] = (byte)'.';
            }
        }

        return written;
    }

    private static int FormatHex(ushort value, Span<byte> destination)
    {
        int written = 0;
        bool started = false;
        for (int shift = 12; shift >= 0; shift -= 4)
        {
            int digit = (value >> shift) & 0xF;
            if (digit == 0 && !started && shift > 0)
            {
                continue;
            }

            started = true;
            destination[written++] = (byte)(digit < 10 ? '0' + digit : 'a' + digit - 10);
        }

        return written;
    }

    /// <summary>The canonical text (see <see cref="Format"/>).</summary>
    public override string ToString()
    {
        Span<byte> buffer = stackalloc byte[MaxTextLength];
        return Encoding.ASCII.GetString(buffer[..Format(buffer)]);
    }

    /// <summary>True when both are the same address of the same family.</summary>
    public bool Equals(IpAddress other) => IsV6 == other.IsV6 && _high == other._high && _low == other._low;

    /// <inheritdoc/>
    public override bool Equals([NotNullWhen(true)] object? obj) => obj is IpAddress other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(IsV6, _high, _low);

    /// <summary>Compares addresses.</summary>
    public static bool operator ==(IpAddress left, IpAddress right) => left.Equals(right);

    /// <summary>Compares addresses.</summary>
    public static bool operator !=(IpAddress left, IpAddress right) => !left.Equals(right);

    /// <summary>The address with every bit after the first <paramref name="length"/> cleared.</summary>
    internal IpAddress Mask(int length)
    {
        if (!IsV6)
        {
            uint mask = length == 0 ? 0 : uint.MaxValue << (32 - length);
            return FromV4(unchecked((uint)_low) & mask);
        }

        UInt128 bits = Value;
        UInt128 mask6 = length == 0 ? UInt128.Zero : UInt128.MaxValue << (128 - length);
        return FromV6(bits & mask6);
    }
}
