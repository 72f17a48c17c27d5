using System.Buffers;
using System.Globalization;
using System.Text;

namespace Detente.Stix.Json;

/// <summary>Writes the RFC 8785 JSON Canonicalization Scheme (JCS) form of a <see cref="JsonValue"/>.</summary>
/// <remarks>
/// RFC 8785 §3.2: no whitespace; members sorted by the UTF-16 code units of their names; strings escaped as
/// ECMAScript's <c>JSON.stringify</c> does; numbers laid out as ECMAScript's <c>Number.prototype.toString</c>
/// (§3.2.2.3), that is the shortest round-trip digits in ECMAScript's fixed or exponent layout.
/// </remarks>
public static class JsonCanonicalizer
{
    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Returns the canonical UTF-8 bytes of <paramref name="value"/>.</summary>
    /// <exception cref="ArgumentException">A string holds an unpaired surrogate, which JCS cannot encode.</exception>
    public static byte[] Canonicalize(JsonValue value)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        Canonicalize(value, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes the canonical UTF-8 bytes of <paramref name="value"/> to <paramref name="output"/>.</summary>
    /// <exception cref="ArgumentException">A string holds an unpaired surrogate, which JCS cannot encode.</exception>
    public static void Canonicalize(JsonValue value, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(output);
        Write(value, output);
    }

    private static void Write(JsonValue value, IBufferWriter<byte> output)
    {
        switch (value)
        {
            case JsonObject o:
                WriteObject(o, output);
                break;
            case JsonArray a:
                WriteByte(output, (byte)'[');
                for (int i = 0; i < a.Count; i++)
                {
                    if (i > 0)
                    {
                        WriteByte(output, (byte)',');
                    }

                    Write(a[i], output);
                }

                WriteByte(output, (byte)']');
                break;
            case JsonString s:
                WriteString(s.Value, output);
                break;
            case JsonNumber n:
                WriteNumber(n.Value, output);
                break;
            default:
                WriteAscii(value.Kind switch
                {
                    JsonKind.True => "true",
                    JsonKind.False => "false",
                    _ => "null",
                }, output);
                break;
        }
    }

    private static void WriteObject(JsonObject o, IBufferWriter<byte> output)
    {
        // RFC 8785 §3.2.3: sort by UTF-16 code units; ordinal string comparison is exactly that.
        int count = o.Count;
        int[] order = ArrayPool<int>.Shared.Rent(count);
        try
        {
            for (int i = 0; i < count; i++)
            {
                order[i] = i;
            }

            Array.Sort(order, 0, count, new MemberOrder(o));
            WriteByte(output, (byte)'{');
            for (int i = 0; i < count; i++)
            {
                if (i > 0)
                {
                    WriteByte(output, (byte)',');
                }

                KeyValuePair<string, JsonValue> member = o[order[i]];
                WriteString(member.Key, output);
                WriteByte(output, (byte)':');
                Write(member.Value, output);
            }

            WriteByte(output, (byte)'}');
        }
        finally
        {
            ArrayPool<int>.Shared.Return(order);
        }
    }

    private sealed class MemberOrder(JsonObject o) : IComparer<int>
    {
        public int Compare(int x, int y) => string.CompareOrdinal(o[x].Key, o[y].Key);
    }

    private static void WriteString(string value, IBufferWriter<byte> output)
    {
        WriteByte(output, (byte)'"');
        int start = 0;
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (c >= 0x20 && c != '"' && c != '\\')
            {
                continue;
            }

            WriteUtf8(value.AsSpan(start, i - start), output);
            start = i + 1;
            switch (c)
            {
                case '"': WriteAscii("\\\"", output); break;
                case '\\': WriteAscii("\\\\", output); break;
                case '\b': WriteAscii("\\b", output); break;
                case '\f': WriteAscii("\\f", output); break;
                case '\n': WriteAscii("\\n", output); break;
                case '\r': WriteAscii("\\r", output); break;
                case '\t': WriteAscii("\\t", output); break;
                default:
                    Span<byte> escape = output.GetSpan(6);
                    "\\u00"u8.CopyTo(escape);
                    escape[4] = (byte)"0123456789abcdef"[c >> 4];
                    escape[5] = (byte)"0123456789abcdef"[c & 0xF];
                    output.Advance(6);
                    break;
            }
        }

        WriteUtf8(value.AsSpan(start), output);
        WriteByte(output, (byte)'"');
    }

    private static void WriteUtf8(ReadOnlySpan<char> chars, IBufferWriter<byte> output)
    {
        if (chars.IsEmpty)
        {
            return;
        }

        int max = checked(chars.Length * 3);
        Span<byte> span = output.GetSpan(max);
        int written;
        try
        {
            written = s_strictUtf8.GetBytes(chars, span);
        }
        catch (EncoderFallbackException e)
        {
            throw new ArgumentException("A string holds an unpaired UTF-16 surrogate, which has no canonical JSON form.", e);
        }

        output.Advance(written);
    }

    /// <summary>Writes a finite double as ECMAScript's Number.prototype.toString does (RFC 8785 §3.2.2.3).</summary>
    internal static void WriteNumber(double value, IBufferWriter<byte> output)
    {
        Span<char> text = stackalloc char[32];
        int length = FormatNumber(value, text);
        Span<byte> span = output.GetSpan(length);
        for (int i = 0; i < length; i++)
        {
            span[i] = (byte)text[i];
        }

        output.Advance(length);
    }

    /// <summary>Formats a finite double in ECMAScript layout into <paramref name="destination"/> (32 chars suffice).</summary>
    internal static int FormatNumber(double value, Span<char> destination)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "JSON numbers are finite.");
        }

        if (value == 0)
        {
            destination[0] = '0';
            return 1;
        }

        // .NET's "R" gives the shortest round-trip digits (the same digits ECMAScript picks); only the layout
        // differs. Split them into a digit string and the position n of the decimal point (ECMA-262 §6.1.6.1.20).
        Span<char> r = stackalloc char[32];
        bool ok = value.TryFormat(r, out int rLength, "R", CultureInfo.InvariantCulture);
        System.Diagnostics.Debug.Assert(ok);
        ReadOnlySpan<char> text = r[..rLength];
        int pos = 0;
        if (text[0] == '-')
        {
            destination[pos++] = '-';
            text = text[1..];
        }

        int exponent = 0;
        int e = text.IndexOfAny('E', 'e');
        if (e >= 0)
        {
            exponent = int.Parse(text[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            text = text[..e];
        }

        Span<char> digits = stackalloc char[24];
        int k = 0;
        int n = exponent;
        bool seenPoint = false;
        bool leading = true;
        foreach (char c in text)
        {
            if (c == '.')
            {
                seenPoint = true;
                continue;
            }

            if (!seenPoint)
            {
                n++;
            }

            if (leading && c == '0')
            {
                n--; // a leading zero moves the point one place left relative to the first significant digit
                continue;
            }

            leading = false;
            digits[k++] = c;
        }

        while (k > 1 && digits[k - 1] == '0')
        {
            k--;
        }

        ReadOnlySpan<char> d = digits[..k];
        if (k <= n && n <= 21)
        {
            d.CopyTo(destination[pos..]);
            pos += k;
            destination.Slice(pos, n - k).Fill('0');
            pos += n - k;
        }
        else if (0 < n && n <= 21)
        {
            d[..n].CopyTo(destination[pos..]);
            pos += n;
            destination[pos++] = '.';
            d[n..].CopyTo(destination[pos..]);
            pos += k - n;
        }
        else if (-6 < n && n <= 0)
        {
            destination[pos++] = '0';
            destination[pos++] = '.';
            destination.Slice(pos, -n).Fill('0');
            pos += -n;
            d.CopyTo(destination[pos..]);
            pos += k;
        }
        else
        {
            destination[pos++] = d[0];
            if (k > 1)
            {
                destination[pos++] = '.';
                d[1..].CopyTo(destination[pos..]);
                pos += k - 1;
            }

            destination[pos++] = 'e';
            destination[pos++] = n - 1 >= 0 ? '+' : '-';
            Math.Abs(n - 1).TryFormat(destination[pos..], out int written, "D", CultureInfo.InvariantCulture);
            pos += written;
        }

        return pos;
    }

    private static void WriteByte(IBufferWriter<byte> output, byte b)
    {
        output.GetSpan(1)[0] = b;
        output.Advance(1);
    }

    private static void WriteAscii(string s, IBufferWriter<byte> output)
    {
        Span<byte> span = output.GetSpan(s.Length);
        for (int i = 0; i < s.Length; i++)
        {
            span[i] = (byte)s[i];
        }

        output.Advance(s.Length);
    }
}
