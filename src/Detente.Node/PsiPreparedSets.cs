using Detente.Psi;
using Detente.Storage;

namespace Detente.Node;

/// <summary>
/// The node's prepared responder sets, cached per (principal, set, key epoch) in a least-recently-used cache bounded by
/// <see cref="NodePsiOptions.PreparedSetCacheBytes"/>. Preparing costs one scalar multiplication per element of the
/// node's set; a cached set answers the next session of the same principal, set and epoch without it.
/// </summary>
/// <remarks>
/// A cached set is used only when its stamp equals the stamp read now, before anything else is read: the store's object
/// position (<see cref="IStore.GetObjectLogPositionAsync"/>: any object added, revoked or deleted anywhere moves it), the
/// principal's readable collections and their access, and the egress policy's stamp for the principal
/// (<see cref="IEgressPolicy.DecisionStamp"/>: a new sharing snapshot, or null — not cached — when the decisions depend on
/// the time). The stamp is read before the set is built, so a change during the build leaves a stamp that the next
/// session no longer matches: a stale set is never used, at worst a fresh one is built once more. A new key epoch is a
/// new key in the cache; the sets of older epochs are dropped when a newer epoch's set is stored.
/// </remarks>
internal sealed class PsiPreparedSets(IStore store, PsiSetBuilder builder, IEgressPolicy policy, NodePsiOptions options)
{
    /// <summary>Bytes counted per cached set besides its 32 bytes per element.</summary>
    private const long Overhead = 512;

    private readonly Lock _lock = new();
    private readonly Dictionary<Key, LinkedListNode<Entry>> _entries = [];
    private readonly LinkedList<Entry> _recency = new(); // most recently used first
    private long _bytes;

    /// <summary>Bytes the cached sets take now (as counted for the budget).</summary>
    public long Bytes
    {
        get
        {
            lock (_lock)
            {
                return _bytes;
            }
        }
    }

    /// <summary>The number of cached sets.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>The prepared set of <paramref name="set"/> for <paramref name="principal"/> under <paramref name="epoch"/>'s key:
    /// the cached one when nothing it was built from changed, else built through the gate, prepared and cached.</summary>
    public async Task<(PsiPreparedSet Prepared, bool Cached)> GetAsync(EgressGate gate, NodePrincipal principal, PsiSetKind set, PsiKeyEpoch epoch,
        CancellationToken cancellationToken)
    {
        // The stamp first, everything else after it (see remarks).
        object? decisions = policy.DecisionStamp(principal);
        long position = await store.GetObjectLogPositionAsync(cancellationToken).ConfigureAwait(false);
        IReadOnlyList<CollectionWithAccess> collections = await builder.ReadableCollectionsAsync(principal, cancellationToken).ConfigureAwait(false);
        var key = new Key(principal.Name, principal.Role, set, epoch.Id);
        Stamp? stamp = decisions is null || options.PreparedSetCacheBytes == 0 ? null : new Stamp(position, CollectionsStamp(collections), decisions);
        if (stamp is not null && TryGet(key, stamp) is PsiPreparedSet cached)
        {
            return (cached, true);
        }

        List<PsiElement> elements = await builder.BuildAsync(gate, principal, set, collections, cancellationToken).ConfigureAwait(false);
        PsiPreparedSet prepared = PsiPreparedSet.Prepare(epoch.Key, epoch.Id, elements, OptionsFor(elements.Count));
        if (stamp is not null)
        {
            Store(key, stamp, prepared);
        }

        return (prepared, false);
    }

    /// <summary>The library options a session on a set of <paramref name="count"/> elements needs.</summary>
    public PsiOptions OptionsFor(int count) => new() { MaxSetSize = Math.Max(options.MaxSetSize, Math.Max(1, count)) };

    private static string CollectionsStamp(IReadOnlyList<CollectionWithAccess> collections) =>
        string.Join(',', collections.Select(static c => c.Collection.Id.ToString("N") + ":" + (c.Access.CanRead ? "r" : "-") + (c.Access.CanWrite ? "w" : "-"))
            .Order(StringComparer.Ordinal));

    private PsiPreparedSet? TryGet(Key key, Stamp stamp)
    {
        lock (_lock)
        {
            if (!_entries.TryGetValue(key, out LinkedListNode<Entry>? node))
            {
                return null;
            }

            if (!node.Value.Stamp.Equals(stamp))
            {
                // Something it was built from may have changed: never used again.
                Remove(node);
                return null;
            }

            _recency.Remove(node);
            _recency.AddFirst(node);
            return node.Value.Prepared;
        }
    }

    private void Store(Key key, Stamp stamp, PsiPreparedSet prepared)
    {
        long bytes = checked((prepared.Count * 32L) + Overhead);
        lock (_lock)
        {
            if (_entries.TryGetValue(key, out LinkedListNode<Entry>? old))
            {
                Remove(old);
            }

            // Sets of other epochs will not be asked for again (an epoch is current once).
            foreach (LinkedListNode<Entry> stale in EnumerateNodes().Where(n => n.Value.Key.Epoch != key.Epoch).ToList())
            {
                Remove(stale);
            }

            if (bytes > options.PreparedSetCacheBytes)
            {
                return;
            }

            while (_bytes + bytes > options.PreparedSetCacheBytes && _recency.Last is { } last)
            {
                Remove(last);
            }

            _entries[key] = _recency.AddFirst(new Entry(key, stamp, prepared, bytes));
            _bytes += bytes;
        }
    }

    private IEnumerable<LinkedListNode<Entry>> EnumerateNodes()
    {
        for (LinkedListNode<Entry>? node = _recency.First; node is not null; node = node.Next)
        {
            yield return node;
        }
    }

    private void Remove(LinkedListNode<Entry> node)
    {
        _recency.Remove(node);
        _entries.Remove(node.Value.Key);
        _bytes -= node.Value.Bytes;
    }

    /// <summary>The role is part of the key: one name with tokens of two roles is two readers to the policy.</summary>
    private readonly record struct Key(string Principal, TokenRole Role, PsiSetKind Set, PsiSessionId Epoch);

    /// <summary>What a cached set was built from; equal stamps mean the set is still exactly the reader's.</summary>
    private sealed record Stamp(long ObjectPosition, string Collections, object Decisions);

    private sealed record Entry(Key Key, Stamp Stamp, PsiPreparedSet Prepared, long Bytes);
}
