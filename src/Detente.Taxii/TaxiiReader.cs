using System.Text.Json;
using Detente.Stix;
using Detente.Stix.Json;
using Detente.Taxii.Http;
using Detente.Taxii.Json;

namespace Detente.Taxii;

/// <summary>Reads TAXII 2.1 resources from untrusted UTF-8 JSON, within <see cref="StixReaderLimits"/>.</summary>
/// <remarks>
/// <para>The JSON is read by <see cref="StixReader"/>, so the same rules hold as for STIX content: RFC 8259 only,
/// valid UTF-8, no duplicate member names, integers within ±(2^53 − 1), and every limit checked before memory is
/// spent on what it bounds (<see cref="StixReaderLimits.MaxBundleObjects"/> bounds an envelope's objects).</para>
/// <para>Then the resource's members are checked against its table in the spec: required members present,
/// every member of its type. Unknown members are ignored (TAXII 2.1 §7.1.1); an optional member set to
/// <c>null</c> counts as absent; an empty list counts as absent. Anything else is a <see cref="TaxiiFormatException"/>
/// with the byte position (JSON errors) or the member's path (<c>$.collections[2].can_read</c>).</para>
/// </remarks>
public sealed class TaxiiReader
{
    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    private readonly StixReader _json;

    /// <summary>Creates a reader with <paramref name="limits"/> (the defaults when null).</summary>
    public TaxiiReader(StixReaderLimits? limits = null)
    {
        _json = new StixReader(limits);
    }

    /// <summary>The limits this reader enforces.</summary>
    public StixReaderLimits Limits => _json.Limits;

    /// <summary>Reads a discovery resource (TAXII 2.1 §4.1.1).</summary>
    /// <exception cref="TaxiiFormatException">The input is not a readable discovery resource.</exception>
    public TaxiiDiscovery ReadDiscovery(ReadOnlySpan<byte> utf8Json) => TaxiiDiscovery.Read(Root(utf8Json));

    /// <summary>Reads an API root resource (TAXII 2.1 §4.2.1).</summary>
    /// <exception cref="TaxiiFormatException">The input is not a readable API root resource.</exception>
    public TaxiiApiRoot ReadApiRoot(ReadOnlySpan<byte> utf8Json) => TaxiiApiRoot.Read(Root(utf8Json));

    /// <summary>Reads a collections resource (TAXII 2.1 §5.1.1).</summary>
    /// <exception cref="TaxiiFormatException">The input is not a readable collections resource.</exception>
    public TaxiiCollections ReadCollections(ReadOnlySpan<byte> utf8Json) => TaxiiCollections.Read(Root(utf8Json));

    /// <summary>Reads a collection resource (TAXII 2.1 §5.2.1).</summary>
    /// <exception cref="TaxiiFormatException">The input is not a readable collection resource.</exception>
    public TaxiiCollection ReadCollection(ReadOnlySpan<byte> utf8Json) => TaxiiCollection.Read(Root(utf8Json));

    /// <summary>Reads a manifest resource (TAXII 2.1 §5.3.1).</summary>
    /// <exception cref="TaxiiFormatException">The input is not a readable manifest resource.</exception>
    public TaxiiManifest ReadManifest(ReadOnlySpan<byte> utf8Json) => TaxiiManifest.Read(Root(utf8Json));

    /// <summary>Reads a versions resource (TAXII 2.1 §5.8.1).</summary>
    /// <exception cref="TaxiiFormatException">The input is not a readable versions resource.</exception>
    public TaxiiVersions ReadVersions(ReadOnlySpan<byte> utf8Json) => TaxiiVersions.Read(Root(utf8Json));

    /// <summary>Reads a status resource (TAXII 2.1 §4.3.1).</summary>
    /// <exception cref="TaxiiFormatException">The input is not a readable status resource.</exception>
    public TaxiiStatus ReadStatus(ReadOnlySpan<byte> utf8Json) => TaxiiStatus.Read(Root(utf8Json));

    /// <summary>Reads an error message (TAXII 2.1 §3.6.1).</summary>
    /// <exception cref="TaxiiFormatException">The input is not a readable error message.</exception>
    public TaxiiError ReadError(ReadOnlySpan<byte> utf8Json) => TaxiiError.Read(Root(utf8Json));

    /// <summary>Reads an envelope (TAXII 2.1 §3.7), keeping each object's exact bytes.</summary>
    /// <remarks>
    /// Each <see cref="TaxiiEnvelopeObject.Json"/> is a slice of <paramref name="utf8Json"/>, which must therefore
    /// not be changed or reused while the envelope is in use. Every object must be a JSON object; whether it is
    /// valid STIX is for <c>StixValidator</c> to say, object by object.
    /// </remarks>
    /// <exception cref="TaxiiFormatException">The input is not a readable envelope.</exception>
    public TaxiiEnvelope ReadEnvelope(ReadOnlyMemory<byte> utf8Json)
    {
        Members m = Root(utf8Json.Span);
        bool more = m.OptionalBoolean("more");
        string? next = m.OptionalString("next");
        if (next is { Length: 0 })
        {
            next = null; // an empty token gives nothing to continue from: the same as none
        }

        JsonArray? array = m.OptionalArray("objects");
        if (array is null || array.Count == 0)
        {
            return new TaxiiEnvelope([], more, more ? next : null);
        }

        var parsed = new StixObject[array.Count];
        for (int i = 0; i < parsed.Length; i++)
        {
            parsed[i] = array[i] is JsonObject o
                ? new StixObject(o)
                : throw Members.Error($"$.objects[{i}]", "must be a JSON object (a STIX object)");
        }

        ReadOnlyMemory<byte>[] slices = SliceObjects(utf8Json, parsed.Length);
        var objects = new TaxiiEnvelopeObject[parsed.Length];
        for (int i = 0; i < objects.Length; i++)
        {
            objects[i] = new TaxiiEnvelopeObject(parsed[i], slices[i]);
        }

        return new TaxiiEnvelope(objects, more, more ? next : null);
    }

    /// <summary>Reads an envelope from a request or response body of at most <see cref="StixReaderLimits.MaxBytes"/> bytes.</summary>
    /// <param name="body">The body; read to its end.</param>
    /// <param name="contentLength">The declared length, when known: a body declared too long is refused before it is read.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="TaxiiFormatException">The body is too long or not a readable envelope.</exception>
    public async Task<TaxiiEnvelope> ReadEnvelopeAsync(Stream body, long? contentLength = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        using BodyBuffer buffer = await BodyBuffer.ReadAsync(body, Limits.MaxBytes, contentLength, cancellationToken).ConfigureAwait(false);
        return ReadEnvelope(buffer.ToExactArray());
    }

    private Members Root(ReadOnlySpan<byte> utf8Json)
    {
        JsonValue value;
        try
        {
            value = _json.Parse(utf8Json);
        }
        catch (StixFormatException e)
        {
            throw new TaxiiFormatException(e.Message, e.BytePosition, null, e);
        }

        return Members.Of(value, "$");
    }

    /// <summary>
    /// Finds the bytes of each item of the top-level <c>objects</c> array. The input has been read by the
    /// <see cref="StixReader"/> already, so it is well formed, within the depth limit, and has one <c>objects</c>.
    /// </summary>
    private ReadOnlyMemory<byte>[] SliceObjects(ReadOnlyMemory<byte> utf8Json, int count)
    {
        var slices = new ReadOnlyMemory<byte>[count];
        ReadOnlySpan<byte> span = utf8Json.Span;
        int offset = span.StartsWith(Utf8Bom) ? Utf8Bom.Length : 0;
        var reader = new Utf8JsonReader(span[offset..], new JsonReaderOptions { MaxDepth = Limits.MaxDepth + 1 });
        reader.Read(); // the envelope's '{'
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            bool isObjects = reader.ValueTextEquals("objects"u8);
            reader.Read();
            if (!isObjects)
            {
                reader.Skip();
                continue;
            }

            int i = 0;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                int start = checked((int)reader.TokenStartIndex);
                reader.Skip();
                int end = checked((int)reader.BytesConsumed);
                slices[i++] = utf8Json.Slice(offset + start, end - start);
            }

            break;
        }

        return slices;
    }
}
