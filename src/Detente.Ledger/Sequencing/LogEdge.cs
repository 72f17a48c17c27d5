using Detente.Ledger.Merkle;
using Detente.Ledger.Tiles;

namespace Detente.Ledger.Sequencing;

/// <summary>The right edge of a log: its size, the hashes in its partial tiles and the entries of its partial bundle.</summary>
/// <remarks>
/// Everything an append needs, and no more: the hashes at tile level L of a tree of size s that are not yet in a full
/// tile number floor(s / 256^L) mod 256 (C2SP tlog-tiles, "Partial Tiles"), and they determine the root. Immutable; an
/// append returns a new edge. A node keeps the edge in memory between batches, and after a restart reloads it from the
/// store with <see cref="LoadAsync"/> and checks it against the latest checkpoint.
/// </remarks>
public sealed class LogEdge
{
    private readonly MerkleHash[][] _levels;
    private readonly ReadOnlyMemory<byte>[] _bundle;

    internal LogEdge(long size, MerkleHash[][] levels, ReadOnlyMemory<byte>[] bundle)
    {
        Size = size;
        _levels = levels;
        _bundle = bundle;
    }

    /// <summary>The edge of the empty log.</summary>
    public static LogEdge Empty { get; } = new(0, [], []);

    /// <summary>The number of entries in the log.</summary>
    public long Size { get; }

    /// <summary>The number of tile levels.</summary>
    public int LevelCount => _levels.Length;

    /// <summary>The hashes of the partial tile at <paramref name="level"/> (empty when that level has no partial tile).</summary>
    public ReadOnlySpan<MerkleHash> PartialTile(int level) => level < _levels.Length ? _levels[level] : [];

    /// <summary>The entries of the partial bundle.</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> PartialBundle => _bundle;

    /// <summary>The root hash of the log.</summary>
    public MerkleHash Root()
    {
        if (Size == 0)
        {
            return MerkleHasher.EmptyRoot;
        }

        // The tree decomposes into full subtrees, largest (highest level) first; within a partial tile of width w the
        // bits of w pick groups of 2^j hashes, each the root of one such subtree. Fold them from the right.
        var pieces = new List<MerkleHash>();
        for (int level = _levels.Length - 1; level >= 0; level--)
        {
            MerkleHash[] row = _levels[level];
            int start = 0;
            for (int bit = 7; bit >= 0; bit--)
            {
                int group = 1 << bit;
                if ((row.Length & group) != 0)
                {
                    pieces.Add(MerkleHasher.RootOfLeafHashes(row.AsSpan(start, group)));
                    start += group;
                }
            }
        }

        MerkleHash acc = pieces[^1];
        for (int i = pieces.Count - 2; i >= 0; i--)
        {
            acc = MerkleHasher.HashChildren(pieces[i], acc);
        }

        return acc;
    }

    /// <summary>Reads the edge of the log of <paramref name="size"/> entries from its partial tiles and bundle.</summary>
    /// <exception cref="InvalidOperationException">A partial tile or bundle is missing or malformed.</exception>
    public static async ValueTask<LogEdge> LoadAsync(ITileStore store, long size, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        var reader = new TileHashReader(store, size);
        int levels = TileLayout.LevelCount(size);
        var rows = new MerkleHash[levels][];
        for (int level = 0; level < levels; level++)
        {
            int width = (int)(TileLayout.HashCount(level, size) % TilePath.FullWidth);
            rows[level] = new MerkleHash[width];
            if (width == 0)
            {
                continue;
            }

            ReadOnlyMemory<byte> tile = await reader.ReadTileAsync(
                TilePath.Hashes(level, TileLayout.HashCount(level, size) / TilePath.FullWidth, width), cancellationToken).ConfigureAwait(false);
            for (int i = 0; i < width; i++)
            {
                rows[level][i] = MerkleHash.Read(tile.Span[(i * MerkleHash.Size)..]);
            }
        }

        int entries = (int)(size % TilePath.FullWidth);
        ReadOnlyMemory<byte>[] bundle = [];
        if (entries > 0)
        {
            TilePath path = TilePath.Entries(size / TilePath.FullWidth, entries);
            ReadOnlyMemory<byte>? data = await store.ReadTileAsync(path, cancellationToken).ConfigureAwait(false);
            if (data is not { } bytes)
            {
                throw new InvalidOperationException($"The entry bundle {path} is missing.");
            }

            try
            {
                bundle = EntryBundle.Decode(bytes, entries);
            }
            catch (LedgerFormatException e)
            {
                throw new InvalidOperationException($"The entry bundle {path} is malformed: {e.Message}", e);
            }
        }

        return new LogEdge(size, rows, bundle);
    }
}
