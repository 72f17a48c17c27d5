using Detente.Ledger.Merkle;

namespace Detente.Ledger.Tiles;

/// <summary>
/// A bounded, thread-safe cache of one log's hash tiles, each kept with every hash inside it (for a full tile the 255
/// node hashes between its 256 hashes and its root), so that a proof reads a hash at any of the tile's eight inner
/// levels without reading the tile again or hashing. Shared by every <see cref="TileHashReader"/> of one log.
/// </summary>
/// <remarks>
/// <para>
/// A tile path names fixed bytes: a full tile never changes (C2SP tlog-tiles), and a partial tile's path carries its
/// width, so <c>tile/1/000.p/134</c> is always the same 134 hashes; a cached tile is therefore never stale. Partial tiles
/// are kept under their width like any other (a newer tree size asks for another width, and the old entry ages out).
/// Entry bundles are never cached here. One cache serves one log (the tile path is the key): never share it between the
/// stores of different logs.
/// </para>
/// <para>
/// Memory is bounded by <see cref="Capacity"/>: each tile, full or partial, takes <see cref="BytesPerTile"/> bytes (16,352) plus about
/// 100 bytes of bookkeeping, so the default capacity of 1,024 tiles holds at most about 16.1 MiB. When full, the least
/// recently used tile is dropped. A tile is checked for length before it is kept; what it is worth is decided by the
/// proof that uses it, exactly as without the cache.
/// </para>
/// </remarks>
public sealed class TileCache
{
    /// <summary>The default number of tiles kept: 1,024 (about 16 MiB).</summary>
    public const int DefaultCapacity = 1_024;

    /// <summary>The hashes kept per tile: its 256 hashes and the 255 above them up to its root.</summary>
    public const int HashesPerTile = (2 * TilePath.FullWidth) - 1;

    /// <summary>The bytes kept per tile: <see cref="HashesPerTile"/> × 32 = 16,352.</summary>
    public const int BytesPerTile = HashesPerTile * MerkleHash.Size;

    private readonly Dictionary<TilePath, LinkedListNode<Entry>> _index = [];
    private readonly LinkedList<Entry> _order = new();
    private long _hits;
    private long _misses;

    /// <summary>Creates a cache of at most <paramref name="capacity"/> full tiles.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is not positive.</exception>
    public TileCache(int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        Capacity = capacity;
    }

    /// <summary>The most tiles kept.</summary>
    public int Capacity { get; }

    /// <summary>The tiles kept now.</summary>
    public int Count
    {
        get
        {
            lock (_index)
            {
                return _index.Count;
            }
        }
    }

    /// <summary>How many lookups found their tile.</summary>
    public long Hits => Interlocked.Read(ref _hits);

    /// <summary>How many lookups did not find their tile (and read it from the store).</summary>
    public long Misses => Interlocked.Read(ref _misses);

    /// <summary>The kept hashes of the hash tile <paramref name="path"/>, or null when it is not kept.</summary>
    internal byte[]? Find(TilePath path)
    {
        lock (_index)
        {
            if (_index.TryGetValue(path, out LinkedListNode<Entry>? node))
            {
                _order.Remove(node);
                _order.AddFirst(node);
                _hits++;
                return node.Value.Hashes;
            }

            _misses++;
            return null;
        }
    }

    /// <summary>Keeps the hash tile <paramref name="path"/> whose hashes are <paramref name="tile"/>, with its inner hashes.</summary>
    /// <returns>The kept hashes (<see cref="BytesPerTile"/> bytes: the tile's rows, bottom up; row k holds width / 2^k hashes).</returns>
    internal byte[] Add(TilePath path, ReadOnlySpan<byte> tile)
    {
        if (path.IsEntryBundle || tile.Length != path.Width * MerkleHash.Size)
        {
            throw new ArgumentException("Only a hash tile of 32 bytes a hash is cached.", nameof(tile));
        }

        byte[] hashes = Expand(tile, path.Width);
        lock (_index)
        {
            if (_index.TryGetValue(path, out LinkedListNode<Entry>? present))
            {
                return present.Value.Hashes;
            }

            if (_index.Count >= Capacity)
            {
                _index.Remove(_order.Last!.Value.Path);
                _order.RemoveLast();
            }

            _index[path] = _order.AddFirst(new Entry(path, hashes));
        }

        return hashes;
    }

    /// <summary>The hash of 2^<paramref name="k"/> consecutive tile hashes from <paramref name="start"/> (a multiple of 2^k) in kept hashes.</summary>
    internal static MerkleHash HashAt(byte[] hashes, int start, int k)
    {
        int row = RowOffset(k) + (start >> k);
        return new MerkleHash(hashes.AsSpan(row * MerkleHash.Size, MerkleHash.Size));
    }

    /// <summary>The tile's own <paramref name="width"/> hashes (its first row) in kept hashes.</summary>
    internal static ReadOnlyMemory<byte> TileBytes(byte[] hashes, int width) => hashes.AsMemory(0, width * MerkleHash.Size);

    /// <summary>The index of the first hash of row <paramref name="k"/> (row 0: the tile's hashes; row 8: its root).</summary>
    private static int RowOffset(int k) => (2 * TilePath.FullWidth) - ((2 * TilePath.FullWidth) >> k);

    private static byte[] Expand(ReadOnlySpan<byte> tile, int width)
    {
        byte[] hashes = new byte[BytesPerTile];
        tile.CopyTo(hashes);
        for (int k = 1; k <= 8; k++)
        {
            int below = RowOffset(k - 1);
            int row = RowOffset(k);
            int count = width >> k; // only whole subtrees: a partial tile's last odd hash has no parent inside the tile
            for (int i = 0; i < count; i++)
            {
                ReadOnlySpan<byte> left = hashes.AsSpan((below + (2 * i)) * MerkleHash.Size, MerkleHash.Size);
                ReadOnlySpan<byte> right = hashes.AsSpan((below + (2 * i) + 1) * MerkleHash.Size, MerkleHash.Size);
                MerkleHasher.HashChildren(left, right, hashes.AsSpan((row + i) * MerkleHash.Size, MerkleHash.Size));
            }
        }

        return hashes;
    }

    private readonly record struct Entry(TilePath Path, byte[] Hashes);
}
