using Detente.Stix;

namespace Detente.Storage;

/// <summary>What happened to one object of a batch.</summary>
/// <param name="Id">The object's id.</param>
/// <param name="Version">The version as stored: the one given, or the <c>date_added</c> of an object without one.</param>
/// <param name="DateAdded">When the collection first held this version (microsecond precision).</param>
/// <param name="AlreadyPresent">True when the collection already held this (id, version): nothing was written and
/// <paramref name="DateAdded"/> is the original one.</param>
public sealed record AddedObject(string Id, StixTimestamp Version, DateTimeOffset DateAdded, bool AlreadyPresent);

/// <summary>The outcome of adding a batch: one <see cref="AddedObject"/> per input object, in input order.</summary>
/// <param name="Objects">One entry per input object.</param>
public sealed record AddObjectsResult(IReadOnlyList<AddedObject> Objects)
{
    /// <summary>How many versions were new.</summary>
    public int AddedCount => Objects.Count(o => !o.AlreadyPresent);

    /// <summary>How many versions the collection already held.</summary>
    public int AlreadyPresentCount => Objects.Count(o => o.AlreadyPresent);
}
