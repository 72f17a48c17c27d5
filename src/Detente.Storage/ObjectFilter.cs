using Detente.Stix;

namespace Detente.Storage;

/// <summary>TAXII's filters for reading objects, manifests and versions (TAXII 2.1 §3.4).</summary>
/// <remarks>
/// All filters must hold (AND); the values of one list are alternatives (OR). An empty list does not filter.
/// The selection, per object id: first the spec versions (<see cref="SpecVersions"/>, by default the object's latest
/// spec version), then the versions among those (<see cref="Versions"/>), then <see cref="AddedAfter"/>, ids and types
/// on each selected version. So with the default <c>last</c>, a version added late that is older than one the
/// collection already holds is not returned: it is not the latest version of its object.
/// Each list holds at most <see cref="MaxValues"/> values.
/// </remarks>
public sealed record ObjectFilter
{
    /// <summary>The most values one list of a filter may hold.</summary>
    public const int MaxValues = 1_000;

    /// <summary>No filter: the latest version of every object, in the latest spec version.</summary>
    public static ObjectFilter None { get; } = new();

    /// <summary>Only versions added strictly after this instant (TAXII <c>added_after</c>), compared at the precision
    /// written: <c>…00.0000015Z</c> excludes a version added at <c>…00.000001Z</c> and includes one at <c>…00.000002Z</c>.</summary>
    public StixTimestamp? AddedAfter { get; init; }

    /// <summary>Only these object ids (TAXII <c>match[id]</c>).</summary>
    public IReadOnlyList<string> Ids { get; init; } = [];

    /// <summary>Only these object types (TAXII <c>match[type]</c>).</summary>
    public IReadOnlyList<string> Types { get; init; } = [];

    /// <summary>Which versions of each object (TAXII <c>match[version]</c>). Default <see cref="VersionFilter.Last"/>.</summary>
    public VersionFilter Versions { get; init; } = VersionFilter.Last;

    /// <summary>Only versions in these STIX versions (TAXII <c>match[spec_version]</c>); when empty, only the versions
    /// in the latest spec version each object has in the collection.</summary>
    public IReadOnlyList<string> SpecVersions { get; init; } = [];

    /// <summary>
    /// Only versions stored with this egress class (<see cref="ObjectToAdd.EgressClass"/>); null: any class. Not a TAXII
    /// filter: the node's egress gate sets it, for a reader its policy denies every version of another class, so that
    /// the store skips those versions in an index (<c>objects_latest_class</c>, <c>objects_class</c>) instead of reading
    /// them. It narrows the versions read, never which version is an object's latest (<see cref="StoredObject.IsLatest"/>,
    /// <see cref="IStore.ReadLatestVersionsAsync"/>, first and last are over every class). Paging cursors do not cover it.
    /// </summary>
    public byte? EgressClass { get; init; }

    /// <summary>The filter of TAXII's versions endpoint (TAXII 2.1 §5.8): every version of one object, in the
    /// requested (or latest) spec versions, optionally added after an instant.</summary>
    public static ObjectFilter VersionsOf(string objectId, StixTimestamp? addedAfter = null, IReadOnlyList<string>? specVersions = null)
    {
        ArgumentNullException.ThrowIfNull(objectId);
        return new ObjectFilter
        {
            Ids = [objectId],
            Versions = VersionFilter.All,
            AddedAfter = addedAfter,
            SpecVersions = specVersions ?? [],
        };
    }
}
