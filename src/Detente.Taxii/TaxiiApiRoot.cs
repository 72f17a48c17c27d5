using System.Buffers;
using System.Text.Json;
using Detente.Taxii.Json;

namespace Detente.Taxii;

/// <summary>The API root resource: an API root's name, TAXII versions and largest accepted request body.</summary>
/// <remarks>TAXII 2.1 §4.2.1; served at <c>GET {api-root}/</c>.</remarks>
public sealed class TaxiiApiRoot : ITaxiiResource
{
    /// <summary>Creates the resource.</summary>
    /// <param name="title">A human-readable name of the API root.</param>
    /// <param name="versions">The TAXII media types the API root supports, with their version parameter; at least one.</param>
    /// <param name="maxContentLength">The largest request body, in bytes, the API root accepts; positive.</param>
    /// <exception cref="ArgumentException"><paramref name="versions"/> is empty or holds a null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxContentLength"/> is not in 1 … 2^53 − 1.</exception>
    public TaxiiApiRoot(string title, IEnumerable<string> versions, long maxContentLength)
    {
        ArgumentNullException.ThrowIfNull(title);
        Title = title;
        string[] list = Guard.Copy(versions, nameof(versions));
        Versions = list.Length > 0 ? list : throw new ArgumentException("An API root supports at least one version.", nameof(versions));
        MaxContentLength = Guard.Integer(maxContentLength, 1, nameof(maxContentLength));
    }

    /// <summary><c>title</c> (required).</summary>
    public string Title { get; }

    /// <summary><c>description</c>.</summary>
    public string? Description { get; init; }

    /// <summary><c>versions</c> (required): e.g. <c>application/taxii+json;version=2.1</c>.</summary>
    public IReadOnlyList<string> Versions { get; }

    /// <summary><c>max_content_length</c> (required): the largest request body in bytes.</summary>
    public long MaxContentLength { get; }

    /// <summary>True when <see cref="Versions"/> lists TAXII 2.1 (<c>application/taxii+json;version=2.1</c>).</summary>
    public bool SupportsTaxii21 => Versions.Any(TaxiiMediaTypes.IsExplicitTaxii21);

    /// <inheritdoc/>
    public void Serialize(IBufferWriter<byte> output)
    {
        using var writer = new Utf8JsonWriter(output, TaxiiJson.WriterOptions);
        writer.WriteStartObject();
        writer.WriteString("title", Title);
        TaxiiJson.WriteOptional(writer, "description", Description);
        TaxiiJson.WriteStrings(writer, "versions", Versions);
        writer.WriteNumber("max_content_length", MaxContentLength);
        writer.WriteEndObject();
    }

    /// <inheritdoc/>
    public byte[] Serialize() => TaxiiJson.ToArray(Serialize);

    internal static TaxiiApiRoot Read(Members m) =>
        new(m.RequiredString("title"), m.RequiredStrings("versions"), m.RequiredInteger("max_content_length", 1))
        {
            Description = m.OptionalString("description"),
        };
}
