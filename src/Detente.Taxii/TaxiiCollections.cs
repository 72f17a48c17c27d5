using System.Buffers;
using System.Text.Json;
using Detente.Stix.Json;
using Detente.Taxii.Json;

namespace Detente.Taxii;

/// <summary>The collections resource: the collections of an API root the requester may see.</summary>
/// <remarks>TAXII 2.1 §5.1.1; served at <c>GET {api-root}/collections/</c>. With no collections it is <c>{}</c>.</remarks>
public sealed class TaxiiCollections : ITaxiiResource
{
    /// <summary>Creates the resource.</summary>
    /// <exception cref="ArgumentException">An item is null.</exception>
    public TaxiiCollections(IEnumerable<TaxiiCollection> collections)
    {
        Collections = Guard.Copy(collections, nameof(collections));
    }

    /// <summary><c>collections</c>: in a stable order (TAXII 2.1 §3.3); empty when there are none.</summary>
    public IReadOnlyList<TaxiiCollection> Collections { get; }

    /// <inheritdoc/>
    public void Serialize(IBufferWriter<byte> output)
    {
        using var writer = new Utf8JsonWriter(output, TaxiiJson.WriterOptions);
        writer.WriteStartObject();
        if (Collections.Count > 0)
        {
            writer.WriteStartArray("collections");
            foreach (TaxiiCollection collection in Collections)
            {
                collection.Write(writer);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    /// <inheritdoc/>
    public byte[] Serialize() => TaxiiJson.ToArray(Serialize);

    internal static TaxiiCollections Read(Members m)
    {
        JsonArray? array = m.OptionalArray("collections");
        var collections = new TaxiiCollection[array?.Count ?? 0];
        for (int i = 0; i < collections.Length; i++)
        {
            collections[i] = TaxiiCollection.Read(Members.Of(array![i], $"{m.Member("collections")}[{i}]"));
        }

        return new TaxiiCollections(collections);
    }
}
