using System.Buffers;
using System.Text.Json;
using Detente.Stix;
using Detente.Stix.Json;
using Detente.Taxii.Json;

namespace Detente.Taxii;

/// <summary>One version of one object in a manifest: its id, when it was added, its version and media type.</summary>
/// <remarks>TAXII 2.1 §5.3.1, type <c>manifest-record</c>.</remarks>
public sealed class TaxiiManifestRecord
{
    /// <summary>Creates the record.</summary>
    /// <param name="id">The object's id (for STIX, its <c>id</c>).</param>
    /// <param name="dateAdded">When this version was added to the collection.</param>
    /// <param name="version">The object's version (for STIX, <c>modified</c>, else <c>created</c>).</param>
    /// <exception cref="ArgumentException"><paramref name="id"/> or <paramref name="version"/> is empty.</exception>
    public TaxiiManifestRecord(string id, StixTimestamp dateAdded, string version)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentException.ThrowIfNullOrEmpty(version);
        Id = id;
        DateAdded = dateAdded;
        Version = version;
    }

    /// <summary><c>id</c> (required).</summary>
    public string Id { get; }

    /// <summary><c>date_added</c> (required), exactly as written.</summary>
    public StixTimestamp DateAdded { get; }

    /// <summary><c>version</c> (required).</summary>
    public string Version { get; }

    /// <summary><c>media_type</c>: one of the collection's media types.</summary>
    public string? MediaType { get; init; }

    internal void Write(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("id", Id);
        writer.WriteString("date_added", DateAdded.ToString());
        writer.WriteString("version", Version);
        TaxiiJson.WriteOptional(writer, "media_type", MediaType);
        writer.WriteEndObject();
    }

    internal static TaxiiManifestRecord Read(Members m)
    {
        string id = m.RequiredString("id");
        string version = m.RequiredString("version");
        if (id.Length == 0 || version.Length == 0)
        {
            throw Members.Error(m.Member(id.Length == 0 ? "id" : "version"), "must not be empty");
        }

        return new TaxiiManifestRecord(id, m.RequiredTimestamp("date_added"), version)
        {
            MediaType = m.OptionalString("media_type"),
        };
    }
}

/// <summary>The manifest resource: metadata about object versions in a collection, one page of it.</summary>
/// <remarks>TAXII 2.1 §5.3.1; served at <c>GET {api-root}/collections/{id}/manifest/</c>. An empty page is <c>{}</c>.</remarks>
public sealed class TaxiiManifest : ITaxiiResource
{
    /// <summary>Creates the resource.</summary>
    /// <param name="objects">The records, sorted by <c>date_added</c> ascending.</param>
    /// <param name="more">Whether more records match the request.</param>
    /// <exception cref="ArgumentException">An item is null.</exception>
    public TaxiiManifest(IEnumerable<TaxiiManifestRecord> objects, bool more = false)
    {
        Objects = Guard.Copy(objects, nameof(objects));
        More = more;
    }

    /// <summary><c>more</c>: more records match the request than this page holds.</summary>
    public bool More { get; }

    /// <summary><c>objects</c>: the records; empty when none.</summary>
    public IReadOnlyList<TaxiiManifestRecord> Objects { get; }

    /// <inheritdoc/>
    public void Serialize(IBufferWriter<byte> output)
    {
        using var writer = new Utf8JsonWriter(output, TaxiiJson.WriterOptions);
        writer.WriteStartObject();
        if (More)
        {
            writer.WriteBoolean("more", true); // absent means false (TAXII 2.1 §5.3.1)
        }

        if (Objects.Count > 0)
        {
            writer.WriteStartArray("objects");
            foreach (TaxiiManifestRecord record in Objects)
            {
                record.Write(writer);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    /// <inheritdoc/>
    public byte[] Serialize() => TaxiiJson.ToArray(Serialize);

    internal static TaxiiManifest Read(Members m)
    {
        JsonArray? array = m.OptionalArray("objects");
        var records = new TaxiiManifestRecord[array?.Count ?? 0];
        for (int i = 0; i < records.Length; i++)
        {
            records[i] = TaxiiManifestRecord.Read(Members.Of(array![i], $"{m.Member("objects")}[{i}]"));
        }

        return new TaxiiManifest(records, m.OptionalBoolean("more"));
    }
}
