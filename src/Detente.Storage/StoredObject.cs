using Detente.Stix;

namespace Detente.Storage;

/// <summary>One object version as a collection holds it.</summary>
/// <param name="Id">The object's STIX id.</param>
/// <param name="Type">The object's type.</param>
/// <param name="SpecVersion">The object's STIX version.</param>
/// <param name="Version">The version (TAXII's: <c>modified</c>, else <c>created</c>, else the first <c>date_added</c>), as written.</param>
/// <param name="DateAdded">When the collection received this version: microsecond precision, unique and increasing
/// within the collection. This is also the version's position for paging.</param>
/// <param name="Json">The object's UTF-8 JSON exactly as it was added.</param>
public sealed record StoredObject(string Id, string Type, string SpecVersion, StixTimestamp Version, DateTimeOffset DateAdded,
    ReadOnlyMemory<byte> Json)
{
    /// <summary>What the node computed from the object when it was added (its sharing-policy facts), as it gave them in
    /// <see cref="ObjectToAdd.Facts"/>; empty when it gave none, or for versions stored before the store kept facts.</summary>
    public ReadOnlyMemory<byte> Facts { get; init; }

    /// <summary>True when this is its object's latest version in the collection when it was read: the version
    /// <c>match[version]=last</c> selects without a spec version filter (the latest spec version, then the latest version).</summary>
    /// <remarks>The node's egress gate decides an object by its latest version; for a version that is not the latest it
    /// asks the store for the latest (<see cref="IStore.ReadLatestVersionsAsync"/>).</remarks>
    public bool IsLatest { get; init; }

    /// <summary>The version's media type, <c>application/stix+json;version=</c> and the spec version.</summary>
    public string MediaType => "application/stix+json;version=" + SpecVersion;

    /// <summary>The version's manifest record (TAXII 2.1 §5.3).</summary>
    public ManifestRecord ToManifestRecord() => new(Id, DateAdded, Version, MediaType);
}

/// <summary>A TAXII manifest record: an object version without its content.</summary>
/// <remarks>TAXII 2.1 §5.3.1. The node formats <paramref name="DateAdded"/> with six fraction digits
/// (<c>StixTimestamp.FromDateTimeOffset(dateAdded, 6)</c>).</remarks>
/// <param name="Id">The object's id.</param>
/// <param name="DateAdded">When the collection received this version.</param>
/// <param name="Version">The version.</param>
/// <param name="MediaType">The version's media type.</param>
public sealed record ManifestRecord(string Id, DateTimeOffset DateAdded, StixTimestamp Version, string MediaType);
