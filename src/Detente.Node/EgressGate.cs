using Detente.Storage;

namespace Detente.Node;

/// <summary>A page of versions the reader may see, and whether another visible one follows.</summary>
/// <param name="Items">At most <c>limit</c> visible versions, oldest <c>date_added</c> first.</param>
/// <param name="More">True when at least one more visible version follows the page.</param>
internal sealed record EgressPage(IReadOnlyList<StoredObject> Items, bool More);

/// <summary>
/// The only way the node reads objects for a reader: every version from the store passes <see cref="IEgressPolicy"/>
/// before it is counted, so pages, <c>more</c>, cursors, headers and "not found" answers reflect visible versions only.
/// </summary>
/// <remarks>An endpoint gets the gate through <see cref="For"/>, which requires its <see cref="RequiresEgressPolicy"/>
/// metadata: an object route cannot read objects without being marked, and the marks are checked by a test.</remarks>
internal sealed class EgressGate(IStore store, IEgressPolicy policy, ILogger<EgressGate> logger)
{
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
    public async Task<EgressPage> ReadPageAsync(NodePrincipal reader, CollectionWithAccess collection, ObjectFilter filter,
        DateTimeOffset? after, int limit, CancellationToken cancellationToken)
    {
        var items = new List<StoredObject>(Math.Min(limit, 1024));
        bool more = false;
        int withheld = 0;
        Func<StoredObject, EgressDecision> decide = policy.For(reader, collection);
        await foreach (StoredObject version in store.ReadObjectsAsync(collection.Collection.Id, filter, after, limit, cancellationToken)
            .ConfigureAwait(false))
        {
            if (!decide(version).Allowed)
            {
                withheld++;
                continue;
            }

            if (items.Count == limit)
            {
                more = true;
                break;
            }

            items.Add(version);
        }

        if (withheld > 0)
        {
            Log.Withheld(logger, reader.Name, collection.Collection.Id, withheld);
        }

        return new EgressPage(items, more);
    }

    /// <summary>True when the reader may see at least one version the filter selects (so that "not found" and "found
    /// but withheld" look the same).</summary>
    public async Task<bool> AnyVisibleAsync(NodePrincipal reader, CollectionWithAccess collection, ObjectFilter filter,
        CancellationToken cancellationToken)
    {
        Func<StoredObject, EgressDecision> decide = policy.For(reader, collection);
        await foreach (StoredObject version in store.ReadObjectsAsync(collection.Collection.Id, filter, null, 1, cancellationToken)
            .ConfigureAwait(false))
        {
            if (decide(version).Allowed)
            {
                return true;
            }
        }

        return false;
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
