using Detente.Ledger.Merkle;
using Detente.Ledger.Tiles;

namespace Detente.Node.Sync;

/// <summary>
/// A partner's tiles and entry bundles for one sync, read through <see cref="ITileStore"/> and kept in a small
/// least-recently-used cache: a sync reads its pages in <c>date_added</c> order, which is the partner's log order within a
/// collection, so consecutive pages share their bundles and every upper tile.
/// </summary>
/// <remarks>A tile path names fixed bytes (a full tile never changes; a partial one is the tile of one tree size), so a
/// cached tile is never stale; what a tile is worth is decided by the verification that uses it, not by the cache. Memory
/// is bounded by the capacities: at most <see cref="HashTileCapacity"/> hash tiles (8 KiB each) and
/// <see cref="BundleCapacity"/> entry bundles.</remarks>
internal sealed class PartnerTileCache : ITileStore
{
    /// <summary>Hash tiles kept.</summary>
    public const int HashTileCapacity = 256;

    /// <summary>Entry bundles kept.</summary>
    public const int BundleCapacity = 16;

    private readonly Func<TilePath, CancellationToken, Task<ReadOnlyMemory<byte>?>> _read;
    private readonly Lru _hashes = new(HashTileCapacity);
    private readonly Lru _bundles = new(BundleCapacity);

    /// <summary>A cache over <paramref name="read"/> (the partner's tile read, with the sync's retries).</summary>
    public PartnerTileCache(Func<TilePath, CancellationToken, Task<ReadOnlyMemory<byte>?>> read)
    {
        _read = read;
    }

    /// <inheritdoc/>
    public async ValueTask<ReadOnlyMemory<byte>?> ReadTileAsync(TilePath path, CancellationToken cancellationToken = default)
    {
        Lru cache = path.IsEntryBundle ? _bundles : _hashes;
        lock (cache)
        {
            if (cache.TryGet(path, out ReadOnlyMemory<byte> cached))
            {
                return cached;
            }
        }

        ReadOnlyMemory<byte>? read = await _read(path, cancellationToken).ConfigureAwait(false);
        if (read is { } data)
        {
            lock (cache)
            {
                cache.Add(path, data);
            }
        }

        return read;
    }

    /// <summary>Not used: the sync reads the checkpoint itself.</summary>
    /// <exception cref="NotSupportedException">Always.</exception>
    public ValueTask<ReadOnlyMemory<byte>?> ReadCheckpointAsync(CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("The sync reads the partner's checkpoint itself.");

    /// <summary>Not supported: a partner's log is read-only.</summary>
    /// <exception cref="NotSupportedException">Always.</exception>
    public ValueTask<bool> TryCommitAsync(LogCommit commit, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("A partner's log is read-only.");

    private sealed class Lru(int capacity)
    {
        private readonly Dictionary<TilePath, LinkedListNode<(TilePath Path, ReadOnlyMemory<byte> Data)>> _index = [];
        private readonly LinkedList<(TilePath Path, ReadOnlyMemory<byte> Data)> _order = new();

        public bool TryGet(TilePath path, out ReadOnlyMemory<byte> data)
        {
            if (_index.TryGetValue(path, out LinkedListNode<(TilePath Path, ReadOnlyMemory<byte> Data)>? node))
            {
                _order.Remove(node);
                _order.AddFirst(node);
                data = node.Value.Data;
                return true;
            }

            data = default;
            return false;
        }

        public void Add(TilePath path, ReadOnlyMemory<byte> data)
        {
            if (_index.ContainsKey(path))
            {
                return;
            }

            if (_index.Count >= capacity)
            {
                _index.Remove(_order.Last!.Value.Path);
                _order.RemoveLast();
            }

            _index[path] = _order.AddFirst((path, data));
        }
    }
}

/// <summary>
/// The hashes of one tree size read from a partner's tiles, each node hash computed once: the proofs of consecutive leaves
/// share most of their path, and a tile's inner nodes are otherwise recomputed for every proof.
/// </summary>
/// <remarks>For one page: it keeps every hash it computed (a page of a thousand leaves needs a few thousand).</remarks>
internal sealed class MemoizedHashReader(IHashReader inner) : IHashReader
{
    private readonly Dictionary<HashAddress, MerkleHash> _known = [];

    /// <inheritdoc/>
    public async ValueTask ReadHashesAsync(ReadOnlyMemory<HashAddress> addresses, Memory<MerkleHash> destination, CancellationToken cancellationToken = default)
    {
        if (destination.Length < addresses.Length)
        {
            throw new ArgumentException("The destination is shorter than the address list.", nameof(destination));
        }

        List<int>? missing = null;
        for (int i = 0; i < addresses.Length; i++)
        {
            if (_known.TryGetValue(addresses.Span[i], out MerkleHash hash))
            {
                destination.Span[i] = hash;
            }
            else
            {
                (missing ??= []).Add(i);
            }
        }

        if (missing is null)
        {
            return;
        }

        HashAddress[] wanted = [.. missing.Select(i => addresses.Span[i])];
        var read = new MerkleHash[wanted.Length];
        await inner.ReadHashesAsync(wanted, read, cancellationToken).ConfigureAwait(false);
        for (int j = 0; j < wanted.Length; j++)
        {
            _known[wanted[j]] = read[j];
            destination.Span[missing[j]] = read[j];
        }
    }
}
