using System.Text;
using Detente.Stix.Json;

namespace Detente.Stix.Signatures;

/// <summary>The one JWS form Detente writes and accepts: compact serialization, detached payload, EdDSA.</summary>
/// <remarks>
/// RFC 7515 §7.1 and Appendix F: <c>BASE64URL(header) '..' BASE64URL(signature)</c>, signed over
/// <c>ASCII(BASE64URL(header) '.' BASE64URL(payload))</c>. The protected header is exactly the RFC 8785 form of
/// <c>{"alg":"EdDSA","kid":K}</c> (RFC 8037 §3.1), K being 64 lower-case hex digits. Any other header (another
/// <c>alg</c>, a <c>crit</c>, any further parameter, duplicate members, whitespace, another member order) is refused,
/// so a signature has exactly one textual form and every node reads it the same way.
/// </remarks>
internal static class DetachedJws
{
    /// <summary>Longer entries are refused before decoding (a well-formed one is 206 characters).</summary>
    public const int MaxLength = 512;

    private static readonly StixReader s_headerReader = new(new StixReaderLimits { MaxBytes = MaxLength, MaxDepth = 4 });

    /// <summary>The protected header for <paramref name="keyId"/>, base64url-encoded.</summary>
    public static string EncodedHeader(string keyId) =>
        StrictBase64Url.Encode(Encoding.UTF8.GetBytes(string.Concat("{\"alg\":\"EdDSA\",\"kid\":\"", keyId, "\"}")));

    /// <summary>The JWS signing input: <c>ASCII(encodedHeader '.' BASE64URL(payload))</c>.</summary>
    public static byte[] SigningInput(string encodedHeader, ReadOnlySpan<byte> payload)
    {
        string encodedPayload = StrictBase64Url.Encode(payload);
        var input = new byte[encodedHeader.Length + 1 + encodedPayload.Length];
        Encoding.ASCII.GetBytes(encodedHeader, input);
        input[encodedHeader.Length] = (byte)'.';
        Encoding.ASCII.GetBytes(encodedPayload, input.AsSpan(encodedHeader.Length + 1));
        return input;
    }

    /// <summary>The compact serialization with the payload left out.</summary>
    public static string Compact(string encodedHeader, ReadOnlySpan<byte> signature) =>
        string.Concat(encodedHeader, "..", StrictBase64Url.Encode(signature));

    /// <summary>Reads a compact detached JWS; on failure <paramref name="problem"/> says what is wrong.</summary>
    public static bool TryParse(string compact, out string encodedHeader, out string keyId, out byte[] signature, out string? problem)
    {
        encodedHeader = string.Empty;
        keyId = string.Empty;
        signature = [];
        problem = Parse(compact, ref encodedHeader, ref keyId, ref signature);
        return problem is null;
    }

    private static string? Parse(string compact, ref string encodedHeader, ref string keyId, ref byte[] signature)
    {
        if (compact.Length > MaxLength)
        {
            return $"The signature is longer than {MaxLength} characters.";
        }

        int first = compact.IndexOf('.', StringComparison.Ordinal);
        int second = first < 0 ? -1 : compact.IndexOf('.', first + 1);
        if (first < 0 || second < 0 || compact.IndexOf('.', second + 1) >= 0)
        {
            return "The signature is not a JWS compact serialization (three parts separated by '.').";
        }

        if (second != first + 1)
        {
            return "The JWS payload is not detached (the middle part must be empty).";
        }

        string header = compact[..first];
        if (!StrictBase64Url.TryDecode(header, out byte[] headerBytes))
        {
            return "The protected header is not canonical unpadded base64url.";
        }

        if (!StrictBase64Url.TryDecode(compact.AsSpan(second + 1), out byte[] signatureBytes))
        {
            return "The signature part is not canonical unpadded base64url.";
        }

        string? headerProblem = CheckHeader(headerBytes, out string kid);
        if (headerProblem is not null)
        {
            return headerProblem;
        }

        if (signatureBytes.Length != 64)
        {
            return "An Ed25519 signature is 64 bytes.";
        }

        encodedHeader = header;
        keyId = kid;
        signature = signatureBytes;
        return null;
    }

    private static string? CheckHeader(byte[] utf8, out string keyId)
    {
        keyId = string.Empty;
        JsonValue parsed;
        try
        {
            parsed = s_headerReader.Parse(utf8);
        }
        catch (StixFormatException e)
        {
            // Duplicate member names end here: the reader refuses them.
            return "The protected header is not JSON without duplicate members: " + e.Message;
        }

        if (parsed is not JsonObject header)
        {
            return "The protected header is not a JSON object.";
        }

        if (header.ContainsKey("crit"))
        {
            return "The protected header has 'crit'; no JWS extension is understood.";
        }

        if (header.GetString("alg") is not "EdDSA")
        {
            return "The protected header's 'alg' is not 'EdDSA'.";
        }

        if (header["kid"] is not JsonString { Value: string kid } || !IsKeyId(kid))
        {
            return "The protected header's 'kid' is not 64 lower-case hex digits.";
        }

        foreach (string name in header.Names)
        {
            if (name is not ("alg" or "kid"))
            {
                return $"The protected header has a parameter other than 'alg' and 'kid' ('{Printable.Escape(name, 32, '\'')}').";
            }
        }

        if (!JsonCanonicalizer.Canonicalize(header).AsSpan().SequenceEqual(utf8))
        {
            return "The protected header is not in RFC 8785 canonical form.";
        }

        keyId = kid;
        return null;
    }

    /// <summary>True for 64 lower-case hex digits, the form of a key id.</summary>
    public static bool IsKeyId(string text)
    {
        if (text.Length != 64)
        {
            return false;
        }

        foreach (char c in text)
        {
            if (c is not ((>= '0' and <= '9') or (>= 'a' and <= 'f')))
            {
                return false;
            }
        }

        return true;
    }
}
