using System.Buffers;
using System.Text.Json;
using Detente.Taxii.Json;

namespace Detente.Taxii;

/// <summary>The versions resource: the versions of one object in a collection, one page of them.</summary>
/// <remarks>TAXII 2.1 §5.8.1; served at <c>GET {api-root}/collections/{id}/objects/{object-id}/versions/</c>.</remarks>
public sealed class TaxiiVersions : ITaxiiResource
{
    /// <summary>Creates the resource.</summary>
    /// <param name="versions">The versions (for STIX, <c>modified</c> timestamps), oldest added first.</param>
    /// <param name="more">Whether more versions match the request.</param>
    /// <exception cref="ArgumentException">An item is null.</exception>
    public TaxiiVersions(IEnumerable<string> versions, bool more = false)
    {
        Versions = Guard.Copy(versions, nameof(versions));
        More = more;
    }

    /// <summary><c>more</c>: more versions match the request than this page holds.</summary>
    public bool More { get; }

    /// <summary><c>versions</c>: empty when none.</summary>
    public IReadOnlyList<string> Versions { get; }

    /// <inheritdoc/>
    public void Serialize(IBufferWriter<byte> output)
    {
        using var writer = new Utf8JsonWriter(output, TaxiiJson.WriterOptions);
        writer.WriteStartObject();
        if (More)
        {
            writer.WriteBoolean("more", true); // absent means false (TAXII 2.1 §5.8.1)
        }

        TaxiiJson.WriteStrings(writer, "versions", Versions);
        writer.WriteEndObject();
    }

    /// <inheritdoc/>
    public byte[] Serialize() => TaxiiJson.ToArray(Serialize);

    internal static TaxiiVersions Read(Members m) => new(m.OptionalStrings("versions"), m.OptionalBoolean("more"));
}
