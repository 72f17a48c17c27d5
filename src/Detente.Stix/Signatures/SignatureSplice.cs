using System.Text;
using System.Text.Json;

namespace Detente.Stix.Signatures;

/// <summary>
/// The RFC 8785 form of a signed object made from its signing payload: the payload is the JCS form of the object without
/// its signature entry (<see cref="StixSignatures.Unsigned"/>), so the signed object's JCS form is the payload with that
/// one entry inserted where JCS sorts it. One canonicalization then gives both the bytes signed and the bytes stored.
/// </summary>
/// <remarks>
/// JCS sorts members by the UTF-16 code units of their names (RFC 8785 §3.2.3). The payload is walked with
/// <see cref="Utf8JsonReader"/> only to find member boundaries: the top-level <c>extensions</c> member (inserted whole
/// when the payload has none) and, inside it, the place of <see cref="SignatureExtension.Id"/>. Nothing else is rewritten.
/// </remarks>
internal static class SignatureSplice
{
    /// <summary>The deepest payload walked; deeper payloads are canonicalized whole by the caller instead.</summary>
    public const int MaxDepth = 1024;

    private const string ExtensionsName = "extensions";

    /// <summary>
    /// The JCS form of the payload's object with <c>extensions.{<see cref="SignatureExtension.Id"/>}</c> set to the value
    /// whose JCS form is <paramref name="entry"/>. The payload's <c>extensions</c>, when present, must be a JSON object
    /// without that member (as <see cref="StixSignatures.Unsigned"/> leaves it).
    /// </summary>
    /// <exception cref="ArgumentException">The payload is not a JSON object, or its <c>extensions</c> is not an object.</exception>
    /// <exception cref="JsonException">The payload is not JSON, or is nested deeper than <see cref="MaxDepth"/>.</exception>
    public static byte[] Splice(ReadOnlySpan<byte> payload, ReadOnlySpan<byte> entry)
    {
        var reader = new Utf8JsonReader(payload, new JsonReaderOptions { MaxDepth = MaxDepth });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new ArgumentException("The payload is not a JSON object.", nameof(payload));
        }

        bool first = true;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            int start = checked((int)reader.TokenStartIndex);
            int order = CompareName(ref reader, ExtensionsName);
            if (order == 0)
            {
                if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                {
                    throw new ArgumentException("The payload's 'extensions' is not an object.", nameof(payload));
                }

                return SpliceEntry(payload, ref reader, entry);
            }

            if (order > 0)
            {
                // "extensions" goes before this member: "extensions":{"id":entry},
                return Insert(payload, start, prefixComma: false, wrapInExtensions: true, suffixComma: true, entry);
            }

            reader.Skip();
            first = false;
        }

        if (reader.TokenType != JsonTokenType.EndObject)
        {
            throw new ArgumentException("The payload is not a JSON object.", nameof(payload));
        }

        return Insert(payload, checked((int)reader.TokenStartIndex), prefixComma: !first, wrapInExtensions: true, suffixComma: false, entry);
    }

    /// <summary>Inserts <c>"id":entry</c> into the <c>extensions</c> object the reader has just entered.</summary>
    private static byte[] SpliceEntry(ReadOnlySpan<byte> payload, ref Utf8JsonReader reader, ReadOnlySpan<byte> entry)
    {
        bool first = true;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            int start = checked((int)reader.TokenStartIndex);
            int order = CompareName(ref reader, SignatureExtension.Id);
            if (order == 0)
            {
                throw new ArgumentException("The payload already holds the signature entry.", nameof(payload));
            }

            if (order > 0)
            {
                return Insert(payload, start, prefixComma: false, wrapInExtensions: false, suffixComma: true, entry);
            }

            reader.Skip();
            first = false;
        }

        return Insert(payload, checked((int)reader.TokenStartIndex), prefixComma: !first, wrapInExtensions: false, suffixComma: false, entry);
    }

    /// <summary>The order of the property name under the reader against <paramref name="name"/> (ASCII), by UTF-16 code units.</summary>
    private static int CompareName(ref Utf8JsonReader reader, string name)
    {
        ReadOnlySpan<byte> raw = reader.ValueSpan;
        if (!reader.ValueIsEscaped && !reader.HasValueSequence && System.Text.Ascii.IsValid(raw))
        {
            // For ASCII, byte order is UTF-16 code unit order.
            int length = Math.Min(raw.Length, name.Length);
            for (int i = 0; i < length; i++)
            {
                int c = raw[i] - name[i];
                if (c != 0)
                {
                    return c;
                }
            }

            return raw.Length - name.Length;
        }

        return string.CompareOrdinal(reader.GetString(), name);
    }

    private static byte[] Insert(ReadOnlySpan<byte> payload, int at, bool prefixComma, bool wrapInExtensions, bool suffixComma, ReadOnlySpan<byte> entry)
    {
        // "extensions":{ + "id": + entry + }
        int length = payload.Length + entry.Length + SignatureExtension.Id.Length + 3 + (prefixComma ? 1 : 0) + (suffixComma ? 1 : 0)
            + (wrapInExtensions ? ExtensionsName.Length + 5 : 0);
        byte[] result = GC.AllocateUninitializedArray<byte>(length);
        Span<byte> output = result;
        payload[..at].CopyTo(output);
        int p = at;
        if (prefixComma)
        {
            output[p++] = (byte)',';
        }

        if (wrapInExtensions)
        {
            p += Name(output[p..], ExtensionsName);
            output[p++] = (byte)'{';
        }

        p += Name(output[p..], SignatureExtension.Id);
        entry.CopyTo(output[p..]);
        p += entry.Length;
        if (wrapInExtensions)
        {
            output[p++] = (byte)'}';
        }

        if (suffixComma)
        {
            output[p++] = (byte)',';
        }

        payload[at..].CopyTo(output[p..]);
        return p + payload.Length - at == length ? result : throw new InvalidOperationException("The spliced form has an unexpected length.");
    }

    /// <summary>Writes <c>"name":</c> (an ASCII name that needs no escape) and returns the bytes written.</summary>
    private static int Name(Span<byte> output, string name)
    {
        output[0] = (byte)'"';
        int written = Encoding.ASCII.GetBytes(name, output[1..]);
        output[written + 1] = (byte)'"';
        output[written + 2] = (byte)':';
        return written + 3;
    }
}
