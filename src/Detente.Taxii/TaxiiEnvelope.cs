using System.Buffers;
using Detente.Stix;
using Detente.Taxii.Json;

namespace Detente.Taxii;

/// <summary>One STIX object in an envelope: its exact JSON bytes and the object they parse to.</summary>
/// <remarks>
/// Bytes read from a peer stay exactly as received, so storing and forwarding them never changes what was signed or
/// hashed by anyone on the way. An object created locally carries its RFC 8785 canonical form.
/// </remarks>
public sealed class TaxiiEnvelopeObject
{
    internal TaxiiEnvelopeObject(StixObject value, ReadOnlyMemory<byte> json)
    {
        Object = value;
        Json = json;
    }

    /// <summary>The object, parsed.</summary>
    public StixObject Object { get; }

    /// <summary>The object's JSON, byte for byte as it stood in the envelope (one JSON object, UTF-8).</summary>
    public ReadOnlyMemory<byte> Json { get; }
}

/// <summary>The envelope: a page of STIX objects, and whether (and where) more follow.</summary>
/// <remarks>
/// TAXII 2.1 §3.7; the body of <c>GET …/objects/</c>, <c>GET …/objects/{object-id}/</c> and
/// <c>POST …/objects/</c>. Servers stream envelopes with <see cref="TaxiiEnvelopeWriter"/> instead of building one.
/// </remarks>
public sealed class TaxiiEnvelope : ITaxiiResource
{
    internal TaxiiEnvelope(TaxiiEnvelopeObject[] objects, bool more, string? next)
    {
        Objects = objects;
        More = more;
        Next = next;
    }

    /// <summary>An envelope with no objects and nothing more: <c>{}</c>.</summary>
    public static TaxiiEnvelope Empty { get; } = new([], false, null);

    /// <summary><c>more</c>: more objects match the request than this page holds.</summary>
    public bool More { get; }

    /// <summary><c>next</c>: the server's opaque token for the next page; only with <see cref="More"/>.</summary>
    public string? Next { get; }

    /// <summary><c>objects</c>: the objects, oldest added first; empty when none.</summary>
    public IReadOnlyList<TaxiiEnvelopeObject> Objects { get; }

    /// <summary>An envelope of <paramref name="objects"/>, each carried as its RFC 8785 canonical JSON.</summary>
    /// <exception cref="ArgumentException">An object is null, or <paramref name="next"/> is given without <paramref name="more"/>, or is empty.</exception>
    public static TaxiiEnvelope Create(IEnumerable<StixObject> objects, bool more = false, string? next = null)
    {
        StixObject[] list = Guard.Copy(objects, nameof(objects));
        CheckNext(more, next);
        var items = new TaxiiEnvelopeObject[list.Length];
        for (int i = 0; i < list.Length; i++)
        {
            items[i] = new TaxiiEnvelopeObject(list[i], list[i].Canonicalize());
        }

        return new TaxiiEnvelope(items, more, next);
    }

    /// <summary>An envelope of objects taken from other envelopes, each keeping its exact JSON (e.g. to forward them).</summary>
    /// <exception cref="ArgumentException">An object is null, or <paramref name="next"/> is given without <paramref name="more"/>, or is empty.</exception>
    public static TaxiiEnvelope Create(IEnumerable<TaxiiEnvelopeObject> objects, bool more = false, string? next = null)
    {
        TaxiiEnvelopeObject[] list = Guard.Copy(objects, nameof(objects));
        CheckNext(more, next);
        return new TaxiiEnvelope(list, more, next);
    }

    /// <summary>Writes the envelope; each object's <see cref="TaxiiEnvelopeObject.Json"/> is copied as it is.</summary>
    public void Serialize(IBufferWriter<byte> output)
    {
        var writer = new TaxiiEnvelopeWriter(output);
        foreach (TaxiiEnvelopeObject item in Objects)
        {
            writer.WriteObject(item.Json.Span);
        }

        writer.Complete(More, Next);
    }

    /// <inheritdoc/>
    public byte[] Serialize() => TaxiiJson.ToArray(Serialize);

    internal static void CheckNext(bool more, string? next)
    {
        if (next is not null && (!more || next.Length == 0))
        {
            throw new ArgumentException(next.Length == 0 ? "'next' must not be empty." : "'next' is given only when 'more' is true.", nameof(next));
        }
    }
}
