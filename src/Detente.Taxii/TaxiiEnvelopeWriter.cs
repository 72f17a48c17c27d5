using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Detente.Stix;

namespace Detente.Taxii;

/// <summary>
/// Streams an envelope to an <see cref="IBufferWriter{T}"/>: objects are appended as pre-serialized UTF-8 JSON,
/// copied byte for byte, then <c>more</c> and <c>next</c> close it.
/// </summary>
/// <remarks>
/// <para>TAXII 2.1 §3.7. The members come in the order <c>objects</c>, <c>more</c>, <c>next</c> (JSON member order
/// carries no meaning), so a server can write objects as it reads them from its store and decide <c>more</c> at the
/// end. <c>more</c> is written only when true (absent means false, as in the spec's examples); an empty last
/// page is <c>{}</c>.</para>
/// <para>Per object the writer only copies: no parsing, no allocation. The bytes must be one complete JSON object in
/// UTF-8 (as stored); only their first and last bytes are checked. Bench: Taxii/TaxiiBenchmarks.WriteEnvelope</para>
/// </remarks>
public sealed class TaxiiEnvelopeWriter
{
    private static ReadOnlySpan<byte> ObjectsStart => "\"objects\":["u8;

    private readonly IBufferWriter<byte> _output;
    private int _count;
    private bool _completed;

    /// <summary>Starts an envelope on <paramref name="output"/>.</summary>
    public TaxiiEnvelopeWriter(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
        Span<byte> span = output.GetSpan(1);
        span[0] = (byte)'{';
        output.Advance(1);
    }

    /// <summary>The number of objects written so far.</summary>
    public int ObjectCount => _count;

    /// <summary>Appends one object, given as its exact JSON (UTF-8): e.g. the bytes a store kept.</summary>
    /// <exception cref="ArgumentException"><paramref name="utf8Json"/> does not start with <c>{</c> and end with <c>}</c>.</exception>
    /// <exception cref="InvalidOperationException">The envelope is complete.</exception>
    public void WriteObject(ReadOnlySpan<byte> utf8Json)
    {
        if (utf8Json.Length < 2 || utf8Json[0] != (byte)'{' || utf8Json[^1] != (byte)'}')
        {
            ThrowNotAnObject();
        }

        ThrowIfCompleted();
        int prefix = _count == 0 ? ObjectsStart.Length : 1;
        Span<byte> span = _output.GetSpan(prefix + utf8Json.Length);
        if (_count == 0)
        {
            ObjectsStart.CopyTo(span);
        }
        else
        {
            span[0] = (byte)',';
        }

        utf8Json.CopyTo(span[prefix..]);
        _output.Advance(prefix + utf8Json.Length);
        _count++;
    }

    /// <summary>Appends one object as its RFC 8785 canonical JSON.</summary>
    /// <exception cref="InvalidOperationException">The envelope is complete.</exception>
    public void WriteObject(StixObject stixObject)
    {
        ArgumentNullException.ThrowIfNull(stixObject);
        ThrowIfCompleted();
        Span<byte> span = _output.GetSpan(ObjectsStart.Length);
        if (_count == 0)
        {
            ObjectsStart.CopyTo(span);
            _output.Advance(ObjectsStart.Length);
        }
        else
        {
            span[0] = (byte)',';
            _output.Advance(1);
        }

        stixObject.Canonicalize(_output);
        _count++;
    }

    /// <summary>Closes the objects list and writes <c>more</c> and <c>next</c>, ending the envelope.</summary>
    /// <param name="more">Whether more objects match the request.</param>
    /// <param name="next">The token for the next page; only when <paramref name="more"/> is true.</param>
    /// <exception cref="ArgumentException"><paramref name="next"/> is empty, or given without <paramref name="more"/>.</exception>
    /// <exception cref="InvalidOperationException">The envelope is complete already.</exception>
    public void Complete(bool more = false, string? next = null)
    {
        TaxiiEnvelope.CheckNext(more, next);
        ThrowIfCompleted();
        _completed = true;
        if (_count > 0)
        {
            Write("]"u8);
        }

        if (more)
        {
            Write(_count > 0 ? ",\"more\":true"u8 : "\"more\":true"u8);
        }

        if (next is not null) // only with more, so a member precedes it
        {
            Write(",\"next\":"u8);
            // Once per envelope; the relaxed encoder escapes only what JSON requires.
            JsonEncodedText encoded = JsonEncodedText.Encode(next, JavaScriptEncoder.UnsafeRelaxedJsonEscaping);
            Write("\""u8);
            Write(encoded.EncodedUtf8Bytes);
            Write("\""u8);
        }

        Write("}"u8);
    }

    private void Write(ReadOnlySpan<byte> bytes)
    {
        Span<byte> span = _output.GetSpan(bytes.Length);
        bytes.CopyTo(span);
        _output.Advance(bytes.Length);
    }

    private void ThrowIfCompleted()
    {
        if (_completed)
        {
            ThrowCompleted();
        }
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowCompleted() => throw new InvalidOperationException("The envelope is complete.");

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowNotAnObject() =>
        throw new ArgumentException("An envelope object must be one JSON object: '{' … '}'.", "utf8Json");
}
