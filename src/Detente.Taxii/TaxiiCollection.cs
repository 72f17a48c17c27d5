using System.Buffers;
using System.Text.Json;
using Detente.Taxii.Json;

namespace Detente.Taxii;

/// <summary>The collection resource: a collection's id, names, media types and what the requester may do with it.</summary>
/// <remarks>TAXII 2.1 §5.2.1; served at <c>GET {api-root}/collections/{id}/</c> and inside <see cref="TaxiiCollections"/>.</remarks>
public sealed class TaxiiCollection : ITaxiiResource
{
    /// <summary>Creates the resource.</summary>
    /// <param name="id">The collection's identifier (an RFC 4122 UUID).</param>
    /// <param name="title">A human-readable name.</param>
    /// <param name="canRead">Whether the requester may get objects from the collection.</param>
    /// <param name="canWrite">Whether the requester may add objects to the collection.</param>
    /// <exception cref="ArgumentException"><paramref name="id"/> is empty.</exception>
    public TaxiiCollection(string id, string title, bool canRead, bool canWrite)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentNullException.ThrowIfNull(title);
        Id = id;
        Title = title;
        CanRead = canRead;
        CanWrite = canWrite;
    }

    /// <summary><c>id</c> (required).</summary>
    public string Id { get; }

    /// <summary><c>title</c> (required).</summary>
    public string Title { get; }

    /// <summary><c>description</c>.</summary>
    public string? Description { get; init; }

    /// <summary><c>alias</c>: a name unique within the API root that may stand for the id in URLs.</summary>
    public string? Alias { get; init; }

    /// <summary><c>can_read</c> (required).</summary>
    public bool CanRead { get; }

    /// <summary><c>can_write</c> (required).</summary>
    public bool CanWrite { get; }

    /// <summary><c>media_types</c>: the media types of the objects; empty means <c>application/stix+json</c>.</summary>
    /// <exception cref="ArgumentException">An item is null.</exception>
    public IReadOnlyList<string> MediaTypes { get; init => field = Guard.Copy(value, nameof(MediaTypes)); } = [];

    /// <inheritdoc/>
    public void Serialize(IBufferWriter<byte> output)
    {
        using var writer = new Utf8JsonWriter(output, TaxiiJson.WriterOptions);
        Write(writer);
    }

    /// <inheritdoc/>
    public byte[] Serialize() => TaxiiJson.ToArray(Serialize);

    internal void Write(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("id", Id);
        writer.WriteString("title", Title);
        TaxiiJson.WriteOptional(writer, "description", Description);
        TaxiiJson.WriteOptional(writer, "alias", Alias);
        writer.WriteBoolean("can_read", CanRead);
        writer.WriteBoolean("can_write", CanWrite);
        TaxiiJson.WriteStrings(writer, "media_types", MediaTypes);
        writer.WriteEndObject();
    }

    internal static TaxiiCollection Read(Members m)
    {
        string id = m.RequiredString("id");
        if (id.Length == 0)
        {
            throw Members.Error(m.Member("id"), "must not be empty");
        }

        return new TaxiiCollection(id, m.RequiredString("title"), m.RequiredBoolean("can_read"), m.RequiredBoolean("can_write"))
        {
            Description = m.OptionalString("description"),
            Alias = m.OptionalString("alias"),
            MediaTypes = m.OptionalStrings("media_types"),
        };
    }
}
