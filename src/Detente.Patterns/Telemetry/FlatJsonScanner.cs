using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text;

namespace Detente.Patterns.Telemetry;

/// <summary>What a JSON value starts with.</summary>
internal enum FlatJsonKind : byte
{
    /// <summary><c>{</c></summary>
    Object,

    /// <summary><c>[</c></summary>
    Array,

    /// <summary><c>"</c></summary>
    String,

    /// <summary><c>-</c> or a digit.</summary>
    Number,

    /// <summary><c>true</c>, <c>false</c> or <c>null</c>.</summary>
    Literal,
}

/// <summary>
/// A forward-only, validating reader of one JSON text (RFC 8259) held in a span, made for flat log lines: it hands out
/// member names and scalar values as spans of the line, and skips the values nobody asked for with a vectorized search
/// for the end of each string instead of a token at a time.
/// </summary>
/// <remarks>
/// It accepts exactly the texts <see cref="System.Text.Json.Utf8JsonReader"/> accepts with comments and trailing commas
/// disallowed and the same maximum depth (the number of objects and arrays open at once): the grammar of RFC 8259, no
/// byte below 0x20 inside a string, only the escapes JSON defines. Like that reader it does not check UTF-8 inside
/// strings, nor surrogate pairs in <c>\u</c> escapes until a string is unescaped (<see cref="Unescape"/>): the caller
/// checks the values it uses. Duplicate member names are not its concern. A text it refuses throws
/// <see cref="FlatLineException"/> with the offset of the first byte that is wrong.
/// Property test: <c>FlatJsonScannerTests</c> (against <see cref="System.Text.Json.Utf8JsonReader"/>).
/// Bench: Patterns/TelemetryBenchmarks.
/// </remarks>
internal ref struct FlatJsonScanner
{
    // The bytes that end a run of plain string content: the closing quote, an escape, or a control character.
    private static readonly SearchValues<byte> s_stringStops = SearchValues.Create(
        [.. Enumerable.Range(0, 0x20).Select(static b => (byte)b), (byte)'"', (byte)'\\']);

    private readonly ReadOnlySpan<byte> _json;
    private readonly int _maxDepth;
    private int _position;
    private int _depth;

    /// <summary>A scanner at the start of <paramref name="json"/>.</summary>
    /// <param name="json">The whole text.</param>
    /// <param name="maxDepth">The most objects and arrays that may be open at once.</param>
    public FlatJsonScanner(ReadOnlySpan<byte> json, int maxDepth)
    {
        _json = json;
        _maxDepth = maxDepth;
    }

    /// <summary>The offset of the next byte to read.</summary>
    public readonly int Position => _position;

    /// <summary>
    /// Reads the start of the text: true when it is an object (then entered); false when its first value is something
    /// else (checked as far as its first token, the way a token reader would see it).
    /// </summary>
    public bool StartRootObject()
    {
        switch (PeekValue())
        {
            case FlatJsonKind.Object:
                EnterContainer();
                return true;
            case FlatJsonKind.Array:
                return false;
            default:
                SkipValue();
                return false;
        }
    }

    /// <summary>After the root object: throws unless only whitespace follows.</summary>
    public void EndRoot()
    {
        SkipWhitespace();
        if (_position < _json.Length)
        {
            Fail();
        }
    }

    /// <summary>
    /// Moves to the next member of the object being read: true with its name (the raw bytes between its quotes) and
    /// the scanner at its value; false at the end of the object, which is then left.
    /// </summary>
    /// <param name="first">True for the object's first member (no comma before it).</param>
    /// <param name="name">The name as written: unescape it with <see cref="Unescape"/> when <paramref name="escaped"/>.</param>
    /// <param name="escaped">True when the name holds an escape.</param>
    public bool NextMember(bool first, out ReadOnlySpan<byte> name, out bool escaped)
    {
        // Compact lines (no whitespace between tokens) take the first branch: a quote, or a comma and a quote.
        ReadOnlySpan<byte> json = _json;
        int p = _position;
        if ((uint)p < (uint)json.Length && json[p] == '"' && first)
        {
            name = ReadString(out escaped);
        }
        else if ((uint)(p + 1) < (uint)json.Length && json[p] == ',' && json[p + 1] == '"' && !first)
        {
            _position = p + 1;
            name = ReadString(out escaped);
        }
        else
        {
            SkipWhitespace();
            if (_position < json.Length && json[_position] == '}')
            {
                _position++;
                _depth--;
                name = default;
                escaped = false;
                return false;
            }

            if (!first)
            {
                Expect((byte)',');
                SkipWhitespace();
            }

            if (_position >= json.Length || json[_position] != '"')
            {
                Fail();
            }

            name = ReadString(out escaped);
        }

        p = _position;
        if ((uint)p < (uint)json.Length && json[p] == ':')
        {
            _position = p + 1;
            return true;
        }

        SkipWhitespace();
        Expect((byte)':');
        return true;
    }

    /// <summary>Moves to the next item of the array being read: true with the scanner at it; false at the end of the
    /// array, which is then left.</summary>
    /// <param name="first">True for the array's first item (no comma before it).</param>
    public bool NextItem(bool first)
    {
        SkipWhitespace();
        if (_position < _json.Length && _json[_position] == ']')
        {
            _position++;
            _depth--;
            return false;
        }

        if (!first)
        {
            Expect((byte)',');
        }

        return true;
    }

    /// <summary>What the value at the scanner starts with (after whitespace); throws when no value starts there.</summary>
    public FlatJsonKind PeekValue()
    {
        SkipWhitespace();
        if (_position >= _json.Length)
        {
            Fail();
        }

        return _json[_position] switch
        {
            (byte)'{' => FlatJsonKind.Object,
            (byte)'[' => FlatJsonKind.Array,
            (byte)'"' => FlatJsonKind.String,
            (byte)'-' or (>= (byte)'0' and <= (byte)'9') => FlatJsonKind.Number,
            (byte)'t' or (byte)'f' or (byte)'n' => FlatJsonKind.Literal,
            _ => Fail<FlatJsonKind>(),
        };
    }

    /// <summary>Enters the object or array at the scanner (after <see cref="PeekValue"/> said which).</summary>
    public void EnterContainer()
    {
        if (_depth >= _maxDepth)
        {
            Fail();
        }

        _depth++;
        _position++;
    }

    /// <summary>Reads the string at the scanner (after <see cref="PeekValue"/>): its raw bytes between the quotes.</summary>
    /// <param name="escaped">True when it holds an escape: unescape it with <see cref="Unescape"/>.</param>
    public ReadOnlySpan<byte> ReadString(out bool escaped)
    {
        int start = ++_position;
        escaped = false;

        // Sixteen bytes at a time: the first quote, backslash or control character among them, if any.
        ref byte json = ref MemoryMarshal.GetReference(_json);
        while (_position + Vector128<byte>.Count <= _json.Length)
        {
            Vector128<byte> chunk = Vector128.LoadUnsafe(ref json, (nuint)_position);
            uint stops = (Vector128.Equals(chunk, Vector128.Create((byte)'"'))
                | Vector128.Equals(chunk, Vector128.Create((byte)'\\'))
                | Vector128.LessThan(chunk, Vector128.Create((byte)0x20))).ExtractMostSignificantBits();
            if (stops == 0)
            {
                _position += Vector128<byte>.Count;
                continue;
            }

            _position += BitOperations.TrailingZeroCount(stops);
            if (_json[_position] == '"')
            {
                _position++;
                return _json[start..(_position - 1)];
            }

            break; // an escape or a control character: the general loop below
        }

        while (true)
        {
            int stop = _json[_position..].IndexOfAny(s_stringStops);
            if (stop < 0)
            {
                _position = _json.Length;
                Fail();
            }

            _position += stop;
            switch (_json[_position])
            {
                case (byte)'"':
                    _position++;
                    return _json[start..(_position - 1)];
                case (byte)'\\':
                    escaped = true;
                    SkipEscape();
                    break;
                default:
                    Fail(); // a control character
                    break;
            }
        }
    }

    /// <summary>Reads the number at the scanner (after <see cref="PeekValue"/>): its bytes, checked against JSON's grammar.</summary>
    public ReadOnlySpan<byte> ReadNumber()
    {
        ReadOnlySpan<byte> json = _json;
        int start = _position;
        int p = start;
        if (json[p] == '-')
        {
            p++;
        }

        if (p < json.Length && json[p] == '0')
        {
            p++;
        }
        else if (!SkipDigits(json, ref p))
        {
            FailAt(p);
        }

        if (p < json.Length && json[p] == '.')
        {
            p++;
            if (!SkipDigits(json, ref p))
            {
                FailAt(p);
            }
        }

        if (p < json.Length && (json[p] | 0x20) == 'e')
        {
            p++;
            if (p < json.Length && json[p] is (byte)'+' or (byte)'-')
            {
                p++;
            }

            if (!SkipDigits(json, ref p))
            {
                FailAt(p);
            }
        }

        _position = p;
        ExpectDelimiter();
        return json[start..p];
    }

    /// <summary>Skips the value at the scanner, checking it whole.</summary>
    public void SkipValue()
    {
        switch (PeekValue())
        {
            case FlatJsonKind.Object:
                EnterContainer();
                for (bool first = true; NextMember(first, out _, out _); first = false)
                {
                    SkipValue();
                }

                break;
            case FlatJsonKind.Array:
                EnterContainer();
                for (bool first = true; NextItem(first); first = false)
                {
                    SkipValue();
                }

                break;
            case FlatJsonKind.String:
                ReadString(out _);
                break;
            case FlatJsonKind.Number:
                ReadNumber();
                break;
            default:
                ReadOnlySpan<byte> rest = _json[_position..];
                int length = rest.StartsWith("true"u8) || rest.StartsWith("null"u8) ? 4 : rest.StartsWith("false"u8) ? 5 : 0;
                if (length == 0)
                {
                    Fail();
                }

                _position += length;
                ExpectDelimiter();
                break;
        }
    }

    /// <summary>
    /// Writes the string <paramref name="raw"/> (as <see cref="ReadString"/> gave it: escapes already checked) with its
    /// escapes replaced, as UTF-8; returns the length written, or -1 when a <c>\u</c> escape is half of a surrogate pair
    /// without its other half.
    /// </summary>
    /// <param name="raw">The string's raw bytes.</param>
    /// <param name="destination">At least <paramref name="raw"/>'s length (unescaping never lengthens).</param>
    public static int Unescape(ReadOnlySpan<byte> raw, Span<byte> destination)
    {
        int written = 0;
        int i = 0;
        while (i < raw.Length)
        {
            int slash = raw[i..].IndexOf((byte)'\\');
            if (slash < 0)
            {
                raw[i..].CopyTo(destination[written..]);
                return written + raw.Length - i;
            }

            raw.Slice(i, slash).CopyTo(destination[written..]);
            written += slash;
            i += slash + 1;
            byte kind = raw[i++];
            if (kind != 'u')
            {
                destination[written++] = kind switch
                {
                    (byte)'b' => (byte)'\b',
                    (byte)'f' => (byte)'\f',
                    (byte)'n' => (byte)'\n',
                    (byte)'r' => (byte)'\r',
                    (byte)'t' => (byte)'\t',
                    _ => kind, // " \ /
                };
                continue;
            }

            int code = Hex4(raw.Slice(i, 4));
            i += 4;
            if (char.IsHighSurrogate((char)code))
            {
                if (i + 6 > raw.Length || raw[i] != '\\' || raw[i + 1] != 'u' || !char.IsLowSurrogate((char)Hex4(raw.Slice(i + 2, 4))))
                {
                    return -1;
                }

                code = char.ConvertToUtf32((char)code, (char)Hex4(raw.Slice(i + 2, 4)));
                i += 6;
            }
            else if (char.IsLowSurrogate((char)code))
            {
                return -1;
            }

            written += new Rune(code).EncodeToUtf8(destination[written..]);
        }

        return written;
    }

    private static int Hex4(ReadOnlySpan<byte> hex) =>
        (HexValue(hex[0]) << 12) | (HexValue(hex[1]) << 8) | (HexValue(hex[2]) << 4) | HexValue(hex[3]);

    private static int HexValue(byte b) => b <= '9' ? b - '0' : (b | 0x20) - 'a' + 10;

    private void SkipEscape()
    {
        // At the backslash.
        if (_position + 1 >= _json.Length)
        {
            _position = _json.Length;
            Fail();
        }

        byte kind = _json[_position + 1];
        switch (kind)
        {
            case (byte)'"' or (byte)'\\' or (byte)'/' or (byte)'b' or (byte)'f' or (byte)'n' or (byte)'r' or (byte)'t':
                _position += 2;
                break;
            case (byte)'u':
                _position += 2;
                for (int k = 0; k < 4; k++, _position++)
                {
                    if (_position >= _json.Length || !char.IsAsciiHexDigit((char)_json[_position]))
                    {
                        Fail();
                    }
                }

                break;
            default:
                _position++;
                Fail();
                break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void SkipWhitespace()
    {
        while (_position < _json.Length && _json[_position] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r')
        {
            _position++;
        }
    }

    private readonly bool At(byte b) => _position < _json.Length && _json[_position] == b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool SkipDigits(ReadOnlySpan<byte> json, ref int p)
    {
        int start = p;
        while ((uint)p < (uint)json.Length && json[p] is >= (byte)'0' and <= (byte)'9')
        {
            p++;
        }

        return p > start;
    }

    private void Expect(byte b)
    {
        if (!At(b))
        {
            Fail();
        }

        _position++;
    }

    private readonly void ExpectDelimiter()
    {
        if (_position < _json.Length && _json[_position] is not ((byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or (byte)',' or (byte)'}' or (byte)']'))
        {
            Fail();
        }
    }

    [DoesNotReturn]
    private void FailAt(int position)
    {
        _position = position;
        Fail();
    }

    [DoesNotReturn]
    private readonly void Fail() => throw new FlatLineException($"The line is not valid JSON (at byte {_position}).");

    [DoesNotReturn]
    private readonly T Fail<T>() => throw new FlatLineException($"The line is not valid JSON (at byte {_position}).");
}

/// <summary>A flat log line that cannot be read; the message says why and where, ready to report.</summary>
internal sealed class FlatLineException(string message) : Exception(message);
