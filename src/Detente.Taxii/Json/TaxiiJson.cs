using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Detente.Stix.Json;

namespace Detente.Taxii.Json;

/// <summary>How TAXII resources are written: compact UTF-8 JSON, non-ASCII and <c>+</c> written as themselves.</summary>
/// <remarks>
/// The relaxed encoder escapes only what JSON requires (quote, backslash, control characters) and characters outside
/// the Basic Multilingual Plane; TAXII bodies are never embedded in HTML, so the default encoder's escaping of
/// <c>&lt;</c>, <c>&amp;</c>, <c>+</c> and non-ASCII text would only make them harder to read.
/// </remarks>
internal static class TaxiiJson
{
    public static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
    };

    /// <summary>Writes <paramref name="write"/>'s output to a new array.</summary>
    public static byte[] ToArray(Action<IBufferWriter<byte>> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        write(buffer);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes <c>"name":[...]</c> unless <paramref name="values"/> is empty (TAXII 2.1 §2: no empty lists).</summary>
    public static void WriteStrings(Utf8JsonWriter writer, string name, IReadOnlyList<string> values)
    {
        if (values.Count == 0)
        {
            return;
        }

        writer.WriteStartArray(name);
        foreach (string value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }

    /// <summary>Writes <c>"name":"value"</c> when <paramref name="value"/> is not null.</summary>
    public static void WriteOptional(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    /// <summary>Writes a parsed JSON value exactly (its RFC 8785 form).</summary>
    public static void WriteValue(Utf8JsonWriter writer, string name, JsonValue value)
    {
        writer.WritePropertyName(name);
        writer.WriteRawValue(JsonCanonicalizer.Canonicalize(value), skipInputValidation: true);
    }
}
