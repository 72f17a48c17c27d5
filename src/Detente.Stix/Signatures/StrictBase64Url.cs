using System.Buffers.Text;

namespace Detente.Stix.Signatures;

/// <summary>base64url (RFC 4648 §5) as RFC 7515 §2 uses it: no padding, and one encoding per byte string.</summary>
/// <remarks>
/// Decoding refuses what a lenient decoder would let through, so that a signature has exactly one textual form:
/// padding (<c>=</c>), whitespace, characters outside <c>A–Z a–z 0–9 - _</c>, a length of 1 modulo 4, and non-zero
/// unused bits in the last character (RFC 4648 §3.5 "canonical encoding"). The BCL's <see cref="Base64Url"/> decoder
/// accepts padding and skips whitespace, so those are checked here before it runs.
/// </remarks>
internal static class StrictBase64Url
{
    /// <summary>Encodes without padding.</summary>
    public static string Encode(ReadOnlySpan<byte> data) => Base64Url.EncodeToString(data);

    /// <summary>The number of bytes a text of <paramref name="textLength"/> characters decodes to, or -1 when no text has that length.</summary>
    public static int DecodedLength(int textLength) => (textLength % 4) switch
    {
        0 => textLength / 4 * 3,
        2 => (textLength / 4 * 3) + 1,
        3 => (textLength / 4 * 3) + 2,
        _ => -1,
    };

    /// <summary>Decodes canonical unpadded base64url; false for anything else.</summary>
    public static bool TryDecode(ReadOnlySpan<char> text, out byte[] data)
    {
        data = [];
        int length = DecodedLength(text.Length);
        if (length < 0)
        {
            return false;
        }

        int last = -1;
        foreach (char c in text)
        {
            last = Value(c);
            if (last < 0)
            {
                return false;
            }
        }

        // The last character carries 2 (length % 4 == 2) or 4 (== 3) bits of data; the rest must be zero.
        int unusedMask = (text.Length % 4) switch
        {
            2 => 0x0F,
            3 => 0x03,
            _ => 0x00,
        };
        if (last >= 0 && (last & unusedMask) != 0)
        {
            return false;
        }

        var buffer = new byte[length];
        if (Base64Url.DecodeFromChars(text, buffer, out int consumed, out int written) != System.Buffers.OperationStatus.Done
            || consumed != text.Length || written != length)
        {
            return false;
        }

        data = buffer;
        return true;
    }

    private static int Value(char c) => c switch
    {
        >= 'A' and <= 'Z' => c - 'A',
        >= 'a' and <= 'z' => c - 'a' + 26,
        >= '0' and <= '9' => c - '0' + 52,
        '-' => 62,
        '_' => 63,
        _ => -1,
    };
}
