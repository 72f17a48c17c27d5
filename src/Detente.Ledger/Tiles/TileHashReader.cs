using Detente.Ledger.Merkle;

namespace Detente.Ledger.Tiles;

/// <summary>Reads stored hashes from the tiles of a tree of a known size, recomputing the levels between tile levels.</summary>
/// <remarks>
/// The hash at tree level 8·L + k (0 ≤ k &lt; 8) is the Merkle root of 2^k consecutive hashes of a level-L tile. Tiles
/// are read once per reader and checked for length; a partial tile that is gone is read from its full tile instead
/// (C2SP tlog-tiles allows a log to delete partial tiles once the full one exists). Create one reader per proof or per
/// request: it caches what it read. Given a <see cref="TileCache"/> shared by the readers of one log, it takes hash
/// tiles from there instead (full ones, and partial ones under their width), with the hashes inside them already
/// computed, so that a proof from cached tiles does no read and no hashing.
/// </remarks>
public sealed class TileHashReader : IHashReader
{
    private readonly ITileStore _store;
    private readonly TileCache? _shared;
    private readonly Dictionary<TilePath, ReadOnlyMemory<byte>> _cache = [];

    /// <summary>Creates a reader for the tree of <paramref name="treeSize"/> leaves stored in <paramref name="store"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="treeSize"/> is negative.</exception>
    public TileHashReader(ITileStore store, long treeSize)
        : this(store, treeSize, null)
    {
    }

    /// <summary>Creates a reader for the tree of <paramref name="treeSize"/> leaves stored in <paramref name="store"/>, taking full
    /// tiles from <paramref name="cache"/> (the cache of this log's tiles) when given.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="treeSize"/> is negative.</exception>
    public TileHashReader(ITileStore store, long treeSize, TileCache? cache)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentOutOfRangeException.ThrowIfNegative(treeSize);
        _store = store;
        _shared = cache;
        TreeSize = treeSize;
    }

    /// <summary>The size of the tree the reader reads.</summary>
    public long TreeSize { get; }

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">A hash lies outside the tree, or its tile is missing or has the wrong length.</exception>
    public async ValueTask ReadHashesAsync(ReadOnlyMemory<HashAddress> addresses, Memory<MerkleHash> destination, CancellationToken cancellationToken = default)
    {
        if (destination.Length < addresses.Length)
        {
            throw new ArgumentException("The destination is shorter than the address list.", nameof(destination));
        }

        for (int i = 0; i < addresses.Length; i++)
        {
            HashAddress address = addresses.Span[i];
            if (address.FirstLeaf > TreeSize - address.LeafCount)
            {
                throw new InvalidOperationException($"The hash {address} is not in a tree of {TreeSize} leaves.");
            }

            int tileLevel = address.Level / 8;
            int k = address.Level % 8;
            long first = address.Index << k;
            TilePath path = TileLayout.TileAt(tileLevel, first / TilePath.FullWidth, TreeSize);
            if (_shared is not null)
            {
                byte[] kept = await ReadSharedAsync(path, cancellationToken).ConfigureAwait(false);
                destination.Span[i] = TileCache.HashAt(kept, (int)(first % TilePath.FullWidth), k);
                continue;
            }

            ReadOnlyMemory<byte> tile = await ReadTileAsync(path, cancellationToken).ConfigureAwait(false);
            destination.Span[i] = HashWithin(tile.Span, (int)(first % TilePath.FullWidth), 1 << k);
        }
    }

    /// <summary>Reads and checks one hash tile (a full tile stands in for a missing partial one).</summary>
    /// <exception cref="InvalidOperationException">The tile is missing or has the wrong length.</exception>
    public async ValueTask<ReadOnlyMemory<byte>> ReadTileAsync(TilePath path, CancellationToken cancellationToken = default)
    {
        if (_shared is not null && !path.IsEntryBundle)
        {
            return TileCache.TileBytes(await ReadSharedAsync(path, cancellationToken).ConfigureAwait(false), path.Width);
        }

        if (_cache.TryGetValue(path, out ReadOnlyMemory<byte> cached))
        {
            return cached;
        }

        ReadOnlyMemory<byte>? data = await _store.ReadTileAsync(path, cancellationToken).ConfigureAwait(false);
        int expected = path.Width * MerkleHash.Size;
        if (data is null && !path.IsFull)
        {
            data = await _store.ReadTileAsync(path.AsFull(), cancellationToken).ConfigureAwait(false);
            if (data is { } full && full.Length == TilePath.FullWidth * MerkleHash.Size)
            {
                data = full[..expected];
            }
        }

        if (data is not { } bytes)
        {
            throw new InvalidOperationException($"The tile {path} is missing.");
        }

        if (bytes.Length != expected)
        {
            throw new InvalidOperationException($"The tile {path} has {bytes.Length} bytes instead of {expected}.");
        }

        _cache[path] = bytes;
        return bytes;
    }

    /// <summary>A hash tile with its inner hashes, from the shared cache or read, checked and added to it (a partial tile
    /// that is gone is served by its full tile, whose first rows hold the partial tile's hashes).</summary>
    private async ValueTask<byte[]> ReadSharedAsync(TilePath path, CancellationToken cancellationToken)
    {
        if (_shared!.Find(path) is { } kept)
        {
            return kept;
        }

        int expected = path.Width * MerkleHash.Size;
        ReadOnlyMemory<byte>? data = await _store.ReadTileAsync(path, cancellationToken).ConfigureAwait(false);
        if (data is null && !path.IsFull)
        {
            TilePath full = path.AsFull();
            if (_shared.Find(full) is { } keptFull)
            {
                return keptFull;
            }

            if (await _store.ReadTileAsync(full, cancellationToken).ConfigureAwait(false) is { } fullData)
            {
                if (fullData.Length == TilePath.FullWidth * MerkleHash.Size)
                {
                    return _shared.Add(full, fullData.Span);
                }

                data = fullData;
            }
        }

        if (data is not { } bytes)
        {
            throw new InvalidOperationException($"The tile {path} is missing.");
        }

        if (bytes.Length != expected)
        {
            throw new InvalidOperationException($"The tile {path} has {bytes.Length} bytes instead of {expected}.");
        }

        return _shared.Add(path, bytes.Span);
    }

    private static MerkleHash HashWithin(ReadOnlySpan<byte> tile, int start, int count)
    {
        if (count == 1)
        {
            return MerkleHash.Read(tile[(start * MerkleHash.Size)..]);
        }

        Span<byte> work = stackalloc byte[count * MerkleHash.Size];
        tile.Slice(start * MerkleHash.Size, count * MerkleHash.Size).CopyTo(work);
        Span<byte> root = stackalloc byte[MerkleHash.Size];
        MerkleHasher.RootOfRowsInPlace(work, count, root);
        return new MerkleHash(root);
    }
}
