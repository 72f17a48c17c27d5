using System.Diagnostics;
using System.Text.Json;
using Detente.Stix;

namespace Detente.Storage;

/// <summary>One STIX object version to add to a collection: its exact UTF-8 JSON and the fields the store indexes.</summary>
/// <remarks>
/// The store keeps <see cref="Json"/> byte for byte and serves exactly those bytes, so a signature over the object
/// stays valid. The version is TAXII's (TAXII 2.1 §3.4.1, <c>match[version]</c>): the object's <c>modified</c>; for an
/// object that is not versioned, its <c>created</c>; for an object with neither, null, and the store then uses the
/// <c>date_added</c> of its first addition, which does not change afterwards.
/// </remarks>
public sealed record ObjectToAdd
{
    /// <summary>Describes an object version.</summary>
    /// <param name="id">The object's STIX id (<c>type--uuid</c>); its type part is the object's type.</param>
    /// <param name="specVersion">The STIX version of the object (<c>2.1</c>); 1–16 characters.</param>
    /// <param name="version">The object's <c>modified</c>, else its <c>created</c>, else null.</param>
    /// <param name="json">The object's exact UTF-8 JSON: one JSON object, nothing around it.</param>
    /// <exception cref="ArgumentException"><paramref name="id"/> is not a STIX id, <paramref name="specVersion"/> is empty or
    /// too long, or <paramref name="json"/> is empty.</exception>
    public ObjectToAdd(string id, string specVersion, StixTimestamp? version, ReadOnlyMemory<byte> json)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(specVersion);
        if (!StixId.TryParse(id, out StixId parsed))
        {
            throw new ArgumentException("The id is not a STIX identifier (type--uuid).", nameof(id));
        }

        if (specVersion.Length is 0 or > 16)
        {
            throw new ArgumentException("The spec_version must be 1–16 characters.", nameof(specVersion));
        }

        if (json.IsEmpty)
        {
            throw new ArgumentException("The object's JSON is empty.", nameof(json));
        }

        // Bytes that are not one JSON object are the caller's bug; checking costs a full scan, so only debug builds do.
        Debug.Assert(IsOneJsonObject(json.Span), "ObjectToAdd.Json must be one UTF-8 JSON object.");
        Id = id;
        Type = parsed.Type;
        SpecVersion = specVersion;
        Version = version;
        Json = json;
    }

    /// <summary>The object's STIX id.</summary>
    public string Id { get; }

    /// <summary>The object's type: the type part of <see cref="Id"/>.</summary>
    public string Type { get; }

    /// <summary>The object's STIX version, e.g. <c>2.1</c>.</summary>
    public string SpecVersion { get; }

    /// <summary>The object's version timestamp, or null when it has neither <c>modified</c> nor <c>created</c>.</summary>
    public StixTimestamp? Version { get; }

    /// <summary>The object's exact UTF-8 JSON.</summary>
    public ReadOnlyMemory<byte> Json { get; }

    /// <summary>
    /// What the node computed from the object to decide about it later without reading its JSON (its sharing-policy
    /// facts), at most <see cref="MaxFactsLength"/> bytes; opaque to the store, which keeps them beside the object and
    /// returns them in <see cref="StoredObject.Facts"/>. Default: none.
    /// </summary>
    /// <exception cref="ArgumentException">Longer than <see cref="MaxFactsLength"/>.</exception>
    public ReadOnlyMemory<byte> Facts
    {
        get;
        init => field = value.Length <= MaxFactsLength ? value : throw new ArgumentException($"Facts are at most {MaxFactsLength} bytes.", nameof(value));
    }

    /// <summary>The most bytes of <see cref="Facts"/>: 1 MiB.</summary>
    public const int MaxFactsLength = 1 << 20;

    /// <summary>
    /// The version's egress class: a small number the node computes from the object alone (its sharing policy's reach of
    /// the version, e.g. "local users only"), opaque to the store, which keeps it beside the version and selects by it
    /// (<see cref="ObjectFilter.EgressClass"/>) with an index. Default 0.
    /// </summary>
    public byte EgressClass { get; init; }

    /// <summary>The parsed object, when the caller has it (<see cref="From"/> keeps it); the store parses
    /// <see cref="Json"/> itself for the transparency log entry otherwise. It must be the object <see cref="Json"/> holds.</summary>
    public StixObject? Parsed { get; init; }

    /// <summary>True when <see cref="Json"/> is the RFC 8785 form of the object (the node stores an object it signed in
    /// that form): the store then commits to those bytes in the transparency log entry instead of canonicalizing the
    /// object again. Set it only when it is so; debug builds check it.</summary>
    public bool JsonIsCanonical { get; init; }

    /// <summary>Describes <paramref name="stixObject"/>, whose exact JSON is <paramref name="json"/>.</summary>
    /// <remarks>
    /// <c>spec_version</c> defaults to <c>2.1</c> when absent (STIX 2.1 §3.2 lets SCOs omit it); the version is
    /// <c>modified</c>, else <c>created</c>, else null.
    /// </remarks>
    /// <exception cref="ArgumentException">The object has no valid id, or <paramref name="json"/> is empty.</exception>
    public static ObjectToAdd From(StixObject stixObject, ReadOnlyMemory<byte> json)
    {
        ArgumentNullException.ThrowIfNull(stixObject);
        string id = stixObject.Id ?? throw new ArgumentException("The object has no id.", nameof(stixObject));
        return new ObjectToAdd(id, stixObject.SpecVersion ?? "2.1", stixObject.Modified ?? stixObject.Created, json) { Parsed = stixObject };
    }

    private static bool IsOneJsonObject(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 1024 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            reader.Skip();
            return !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
