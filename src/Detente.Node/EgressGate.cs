using Detente.Stix;
using Detente.Storage;

namespace Detente.Node;

/// <summary>A page of versions the reader may see, and whether another visible one follows.</summary>
/// <param name="Items">At most <c>limit</c> visible versions, oldest <c>date_added</c> first.</param>
/// <param name="More">True when at least one more visible version follows the page.</param>
/// <param name="Redacted">How many of the items are redacted forms (their bytes are not the stored bytes).</param>
/// <param name="RedactedItems">The items that are redacted forms (by reference), or null when none is.</param>
internal sealed record EgressPage(IReadOnlyList<StoredObject> Items, bool More, int Redacted = 0, IReadOnlySet<StoredObject>? RedactedItems = null)
{
    /// <summary>True when <paramref name="item"/> (an item of the page) is a redacted form, not the stored bytes.</summary>
    public bool IsRedacted(StoredObject item) => RedactedItems?.Contains(item) == true;
}

/// <summary>
/// The only way the node reads objects for a reader: every version from the store passes <see cref="IEgressPolicy"/>
/// before it is counted, so pages, <c>more</c>, cursors, headers and "not found" answers reflect visible versions only.
/// </summary>
/// <remarks>An endpoint gets the gate through <see cref="For"/>, which requires its <see cref="RequiresEgressPolicy"/>
/// metadata: an object route cannot read objects without being marked, and the marks are checked by a test.</remarks>
internal sealed class EgressGate(IStore store, IEgressPolicy policy, NodeOptions options, ILogger<EgressGate> logger)
{
    private readonly NodeSigning? _signing = options.Signing;

    /// <summary>The gate for the endpoint of <paramref name="context"/>.</summary>
    /// <exception cref="InvalidOperationException">The endpoint is not marked <see cref="RequiresEgressPolicy"/>.</exception>
    public static EgressGate For(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<RequiresEgressPolicy>() is null)
        {
            throw new InvalidOperationException("An endpoint that reads objects must carry RequiresEgressPolicy metadata.");
        }

        return context.RequestServices.GetRequiredService<EgressGate>();
    }

    /// <summary>
    /// Reads the visible versions that <paramref name="filter"/> selects after <paramref name="after"/>: the first
    /// <paramref name="limit"/> of them, then on until one more visible version shows that <c>more</c> is true.
    /// </summary>
    /// <remarks>A version is visible when the policy allows it <em>and</em> allows its object's latest version: when the
    /// latest version is withheld, the whole object is, on every route and whatever <c>match[version]</c> selects, so
    /// that no answer reveals that a newer version exists. <c>match[version]=first</c> (and <c>last</c> within an explicit
    /// <c>match[spec_version]</c>) selects the earliest (latest) version <em>the reader may see</em>, so that no answer
    /// reveals that a withheld older version exists either.</remarks>
    public async Task<EgressPage> ReadPageAsync(NodePrincipal reader, CollectionWithAccess collection, ObjectFilter filter,
        DateTimeOffset? after, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        (List<StoredObject> items, bool more, HashSet<StoredObject> redacted) = await ReadVisibleAsync(reader, collection, filter, after, limit,
            limit + 1, cancellationToken).ConfigureAwait(false);
        if (more)
        {
            redacted.Remove(items[^1]);
            items.RemoveAt(items.Count - 1);
        }

        return new EgressPage(items, more, redacted.Count, redacted.Count == 0 ? null : redacted);
    }

    /// <summary>True when the reader may see at least one version the filter selects (so that "not found" and "found
    /// but withheld" look the same).</summary>
    public async Task<bool> AnyVisibleAsync(NodePrincipal reader, CollectionWithAccess collection, ObjectFilter filter,
        CancellationToken cancellationToken) =>
        (await ReadVisibleAsync(reader, collection, filter, null, 1, 1, cancellationToken).ConfigureAwait(false)).Full;

    /// <summary>
    /// Reads versions in chunks of at most the number still wanted (so no more than a page and one are ever read past
    /// what is visible), resolves the latest version of the chunk's objects that are not their own latest with one
    /// store lookup, and keeps the visible ones until <paramref name="wanted"/> are found.
    /// </summary>
    /// <returns>The visible versions found (at most <paramref name="wanted"/>), and whether all of them were found.</returns>
    private async Task<(List<StoredObject> Items, bool Full, HashSet<StoredObject> Redacted)> ReadVisibleAsync(NodePrincipal reader, CollectionWithAccess collection,
        ObjectFilter filter, DateTimeOffset? after, int pageSizeHint, int wanted, CancellationToken cancellationToken)
    {
        Guid collectionId = collection.Collection.Id;
        // "first" (and "last" within an explicit spec version) are computed over the versions the reader may see: the
        // store then reads every version, and the gate selects.
        VersionFilter versionFilter = filter.Versions;
        bool selectVisible = !versionFilter.IncludeAll && (versionFilter.IncludeFirst || (versionFilter.IncludeLast && filter.SpecVersions.Count > 0));
        // Versions of another egress class are ones the policy denies this reader anyway: the store skips them in an index.
        byte? egressClass = policy.EgressClassFor(reader);
        ObjectFilter storeFilter = (selectVisible ? filter with { Versions = VersionFilter.All } : filter) with { EgressClass = egressClass };
        var bounds = new Dictionary<string, VisibleBounds?>(StringComparer.Ordinal);
        var items = new List<StoredObject>(Math.Min(wanted, 1025));
        var chunk = new List<StoredObject>(Math.Min(wanted, ObjectFilter.MaxValues));
        var served = new List<StoredObject?>(Math.Min(wanted, ObjectFilter.MaxValues));
        var redacted = new HashSet<StoredObject>(ReferenceEqualityComparer.Instance);
        // The decision on each object's latest version, for this request (an object's versions share it).
        var latestAllowed = new Dictionary<string, bool>(StringComparer.Ordinal);
        var lookup = new HashSet<string>(StringComparer.Ordinal);
        Func<StoredObject, EgressDecision> decide = policy.For(reader, collection);
        int withheld = 0;
        IAsyncEnumerator<StoredObject> versions = store.ReadObjectsAsync(collectionId, storeFilter, after, pageSizeHint, cancellationToken)
            .GetAsyncEnumerator(cancellationToken);
        await using (versions.ConfigureAwait(false))
        {
            bool end = false;
            while (!end && items.Count < wanted)
            {
                chunk.Clear();
                while (chunk.Count < Math.Min(wanted - items.Count, ObjectFilter.MaxValues))
                {
                    if (!await versions.MoveNextAsync().ConfigureAwait(false))
                    {
                        end = true;
                        break;
                    }

                    chunk.Add(versions.Current);
                }

                // Every version is decided once; the latest versions in the chunk decide for their objects, and the
                // others' latest versions are looked up.
                lookup.Clear();
                served.Clear();
                foreach (StoredObject version in chunk)
                {
                    StoredObject? own = Serve(version, decide, redacted);
                    served.Add(own);
                    if (version.IsLatest)
                    {
                        latestAllowed.TryAdd(version.Id, own is not null);
                    }
                }

                foreach (StoredObject version in chunk)
                {
                    if (!version.IsLatest && !latestAllowed.ContainsKey(version.Id))
                    {
                        lookup.Add(version.Id);
                    }
                }

                if (lookup.Count > 0)
                {
                    IReadOnlyDictionary<string, StoredObject> latest = await store.ReadLatestVersionsAsync(collectionId, lookup, cancellationToken)
                        .ConfigureAwait(false);
                    foreach (string id in lookup)
                    {
                        // An object deleted since its version was read has no latest version: withheld.
                        latestAllowed[id] = latest.TryGetValue(id, out StoredObject? last) && Serve(last, decide, null) is not null;
                    }
                }

                if (selectVisible)
                {
                    await ReadVisibleBoundsAsync(collectionId, filter.SpecVersions, egressClass, chunk, served, decide, bounds, cancellationToken)
                        .ConfigureAwait(false);
                }

                for (int i = 0; i < chunk.Count; i++)
                {
                    if (served[i] is { } version && latestAllowed[chunk[i].Id]
                        && (!selectVisible || Selects(versionFilter, chunk[i].Version, bounds[chunk[i].Id])))
                    {
                        items.Add(version);
                    }
                    else
                    {
                        withheld++;
                    }
                }
            }
        }

        if (withheld > 0)
        {
            Log.Withheld(logger, reader.Name, collectionId, withheld);
        }

        redacted.IntersectWith(items);
        return (items, items.Count >= wanted, redacted);
    }

    /// <summary>The earliest and latest version of an object among those the reader may see (in the selected spec versions).</summary>
    private readonly record struct VisibleBounds(StixTimestamp First, StixTimestamp Last);

    /// <summary>Whether <paramref name="filter"/> selects <paramref name="version"/> when "first" and "last" mean the
    /// earliest and latest of the reader's visible versions (<paramref name="visible"/>).</summary>
    private static bool Selects(VersionFilter filter, StixTimestamp version, VisibleBounds? visible)
    {
        if (visible is not { } b)
        {
            return false;
        }

        if ((filter.IncludeFirst && version == b.First) || (filter.IncludeLast && version == b.Last))
        {
            return true;
        }

        foreach (StixTimestamp t in filter.Timestamps)
        {
            if (t == version)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Finds, for each object of the chunk with a version the reader may see and no bounds yet, its earliest and latest
    /// visible version: one store read of every version of those objects (in the filter's spec versions, whatever
    /// <c>added_after</c> says, since "first" is the first of all versions), streamed, each decided, at most
    /// <see cref="ObjectFilter.MaxValues"/> objects per read.
    /// </summary>
    private async Task ReadVisibleBoundsAsync(Guid collectionId, IReadOnlyList<string> specVersions, byte? egressClass, List<StoredObject> chunk,
        List<StoredObject?> served, Func<StoredObject, EgressDecision> decide, Dictionary<string, VisibleBounds?> bounds,
        CancellationToken cancellationToken)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < chunk.Count; i++)
        {
            if (served[i] is not null && !bounds.ContainsKey(chunk[i].Id))
            {
                ids.Add(chunk[i].Id);
            }
        }

        if (ids.Count == 0)
        {
            return;
        }

        foreach (string id in ids)
        {
            bounds[id] = null;
        }

        var versions = new ObjectFilter { Ids = [.. ids], Versions = VersionFilter.All, SpecVersions = specVersions, EgressClass = egressClass };
        await foreach (StoredObject version in store.ReadObjectsAsync(collectionId, versions, null, 0, cancellationToken).ConfigureAwait(false))
        {
            if (Serve(version, decide, null) is null)
            {
                continue;
            }

            bounds[version.Id] = bounds[version.Id] is { } b
                ? new VisibleBounds(version.Version < b.First ? version.Version : b.First, version.Version > b.Last ? version.Version : b.Last)
                : new VisibleBounds(version.Version, version.Version);
        }
    }

    /// <summary>What the reader is served of <paramref name="version"/>: the version itself, its redacted form (added to
    /// <paramref name="redacted"/>; signed by the node when it is the creator), or null when it is withheld (also when its redacted
    /// form would not be valid STIX, or would lose another organization's signature: <see cref="NodeRedaction"/>).</summary>
    private StoredObject? Serve(StoredObject version, Func<StoredObject, EgressDecision> decide, HashSet<StoredObject>? redacted)
    {
        EgressDecision decision = decide(version);
        if (!decision.Allowed)
        {
            return null;
        }

        if (decision.Redactions.IsEmpty)
        {
            return version;
        }

        if (NodeRedaction.Apply(version, decision.Redactions, _signing).Json is not { } json)
        {
            return null;
        }

        StoredObject trimmed = version with { Json = json };
        redacted?.Add(trimmed);
        return trimmed;
    }

    /// <summary>Whether <paramref name="reader"/> may read the log's checkpoint, tiles and entry bundles (a path-level decision).</summary>
    public bool MayReadLog(NodePrincipal reader) => policy.DecideLog(reader).Allowed;

    /// <summary>
    /// Whether <paramref name="reader"/> may read the log records of a PSI session, salts included: only the session's
    /// parties — the principal that ran it (<paramref name="initiator"/>) and administrators of this node (the responder) —
    /// and only when it may read the log at all. Everyone else sees the session's entries as salted hashes only.
    /// </summary>
    public bool MayReadPsiSessionRecord(NodePrincipal reader, string? initiator)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return MayReadLog(reader) && (reader.IsAdmin || string.Equals(reader.Name, initiator, StringComparison.Ordinal));
    }

    /// <summary>
    /// Whether <paramref name="reader"/> may see a status resource: only the principal that made the request, and
    /// administrators. A status lists only the ids and versions its requester sent, with the same outcome for a version
    /// that was new and one the collection already held, so it tells its reader nothing about others' objects.
    /// </summary>
    public static bool MayReadStatus(NodePrincipal reader, StatusResource status) =>
        reader.IsAdmin || string.Equals(reader.Name, status.Principal, StringComparison.Ordinal);
}
