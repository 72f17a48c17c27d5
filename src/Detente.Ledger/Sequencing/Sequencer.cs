using System.Buffers;
using System.Runtime.InteropServices;
using Detente.Ledger.Merkle;
using Detente.Ledger.Notes;
using Detente.Ledger.Tiles;

namespace Detente.Ledger.Sequencing;

/// <summary>The result of appending a batch: what to store, the new edge, the new root and, when sealed, the signed checkpoint.</summary>
/// <param name="PreviousSize">The log size before the batch.</param>
/// <param name="Edge">The log's edge after the batch.</param>
/// <param name="Tiles">Every tile and entry bundle the batch changed, full and partial (<see cref="TileLayout.ChangedTiles"/>).</param>
/// <param name="Root">The root hash after the batch.</param>
/// <param name="Checkpoint">The signed checkpoint note for the new size.</param>
public sealed record SequencedBatch(long PreviousSize, LogEdge Edge, IReadOnlyList<TileData> Tiles, MerkleHash Root, SignedNote Checkpoint)
{
    /// <summary>The batch as one commit for an <see cref="ITileStore"/>.</summary>
    public LogCommit ToCommit() => new(PreviousSize, Edge.Size, Tiles, Checkpoint.ToBytes());
}

/// <summary>Appends batches of entries to a log: a pure function from (edge, entries, key) to tiles, root and checkpoint.</summary>
/// <remarks>
/// Pure given its inputs (Ed25519 signing is deterministic) and free of I/O, so a node can run it inside the storage
/// transaction that also stores the objects the entries describe, and commit both at once; if the transaction fails,
/// the node discards the result and keeps its old edge. Only the right edge of the tree changes: an append writes the
/// new full tiles, the new partial tiles and bundles of the levels it touched, and nothing else.
/// </remarks>
public sealed class Sequencer
{
    private readonly NoteSigner _signer;

    /// <summary>Creates a sequencer for the log <paramref name="origin"/>, signing with <paramref name="signer"/>.</summary>
    /// <remarks>The signer's key name must be the origin (tlog-checkpoint: the key name SHOULD match the origin line).</remarks>
    /// <exception cref="ArgumentException">The origin is not a valid checkpoint origin line, or the signer's name is another.</exception>
    public Sequencer(string origin, NoteSigner signer)
    {
        ArgumentNullException.ThrowIfNull(origin);
        ArgumentNullException.ThrowIfNull(signer);
        _ = new Checkpoint(origin, 0, MerkleHasher.EmptyRoot); // validates the origin line
        if (!string.Equals(signer.Name, origin, StringComparison.Ordinal))
        {
            throw new ArgumentException("The signer's key name must be the log's origin.", nameof(signer));
        }

        Origin = origin;
        _signer = signer;
    }

    /// <summary>The checkpoint origin line.</summary>
    public string Origin { get; }

    /// <summary>Appends <paramref name="entries"/> to the log whose edge is <paramref name="edge"/> and signs a checkpoint of the result.</summary>
    /// <exception cref="ArgumentException">An entry is longer than 65,535 bytes (the entry bundle limit).</exception>
    public SequencedBatch Append(LogEdge edge, IReadOnlyList<ReadOnlyMemory<byte>> entries)
    {
        ArgumentNullException.ThrowIfNull(edge);
        ArgumentNullException.ThrowIfNull(entries);
        (LogEdge next, List<TileData> tiles) = Grow(edge, entries);
        MerkleHash root = next.Root();
        SignedNote checkpoint = _signer.SignNote(new Checkpoint(Origin, next.Size, root).ToText());
        return new SequencedBatch(edge.Size, next, tiles, root, checkpoint);
    }

    /// <summary>Signs a checkpoint of <paramref name="edge"/> as it is (for a log that has no checkpoint yet, or to re-sign after a key change).</summary>
    public SignedNote SignCheckpoint(LogEdge edge)
    {
        ArgumentNullException.ThrowIfNull(edge);
        return _signer.SignNote(new Checkpoint(Origin, edge.Size, edge.Root()).ToText());
    }

    /// <summary>Appends without signing: the new edge and every tile the append changed.</summary>
    internal static (LogEdge Edge, List<TileData> Tiles) Grow(LogEdge edge, IReadOnlyList<ReadOnlyMemory<byte>> entries)
    {
        foreach (ReadOnlyMemory<byte> entry in entries)
        {
            if (entry.Length > EntryBundle.MaxEntryBytes)
            {
                throw new ArgumentException("An entry is at most 65,535 bytes (C2SP tlog-tiles entry bundles).", nameof(entries));
            }
        }

        var tiles = new List<TileData>();
        var rows = new List<List<MerkleHash>>();
        var dirty = new List<bool>();
        for (int level = 0; level < edge.LevelCount; level++)
        {
            rows.Add([.. edge.PartialTile(level)]);
            dirty.Add(false);
        }

        var bundle = new List<ReadOnlyMemory<byte>>(edge.PartialBundle);
        long size = edge.Size;
        Span<byte> leaf = stackalloc byte[MerkleHash.Size];
        foreach (ReadOnlyMemory<byte> entry in entries)
        {
            MerkleHasher.HashLeaf(entry.Span, leaf);
            bundle.Add(entry);
            if (bundle.Count == TilePath.FullWidth)
            {
                tiles.Add(new TileData(TilePath.Entries(size / TilePath.FullWidth), EntryBundle.Encode(bundle)));
                bundle.Clear();
            }

            Push(rows, dirty, tiles, 0, new MerkleHash(leaf), size);
            size++;
        }

        if (bundle.Count > 0 && size != edge.Size)
        {
            tiles.Add(new TileData(TilePath.Entries(size / TilePath.FullWidth, bundle.Count), EntryBundle.Encode(bundle)));
        }

        for (int level = 0; level < rows.Count; level++)
        {
            if (dirty[level] && rows[level].Count > 0)
            {
                long index = TileLayout.HashCount(level, size) / TilePath.FullWidth;
                tiles.Add(new TileData(TilePath.Hashes(level, index, rows[level].Count), Serialize(CollectionsMarshal.AsSpan(rows[level]))));
            }
        }

        // Bundles first, then tiles level by level, left to right: the order TileLayout.ChangedTiles lists them.
        tiles.Sort(static (a, b) => a.Path.Level != b.Path.Level ? a.Path.Level.CompareTo(b.Path.Level) : a.Path.Index.CompareTo(b.Path.Index));
        MerkleHash[][] levels = rows.Select(static r => r.ToArray()).ToArray();
        return (new LogEdge(size, levels, bundle.ToArray()), tiles);
    }

    /// <summary>Adds a hash at <paramref name="level"/>; a row that fills becomes a full tile whose root moves up a level.</summary>
    private static void Push(List<List<MerkleHash>> rows, List<bool> dirty, List<TileData> tiles, int level, MerkleHash hash, long leafIndex)
    {
        while (true)
        {
            if (level == rows.Count)
            {
                rows.Add([]);
                dirty.Add(false);
            }

            List<MerkleHash> row = rows[level];
            row.Add(hash);
            dirty[level] = true;
            if (row.Count < TilePath.FullWidth)
            {
                return;
            }

            // The row's tile index: the hash just added is number (leafIndex >> 8·level) at this level.
            long index = (leafIndex >> (8 * level)) / TilePath.FullWidth;
            byte[] data = Serialize(CollectionsMarshal.AsSpan(row));
            tiles.Add(new TileData(TilePath.Hashes(level, index), data));
            hash = TileRoot(data);
            row.Clear();
            level++;
        }
    }

    /// <summary>The root of a full tile: the subtree hash eight levels above its hashes.</summary>
    internal static MerkleHash TileRoot(ReadOnlySpan<byte> fullTile)
    {
        byte[] work = ArrayPool<byte>.Shared.Rent(fullTile.Length);
        try
        {
            fullTile.CopyTo(work);
            Span<byte> root = stackalloc byte[MerkleHash.Size];
            MerkleHasher.RootOfRowsInPlace(work.AsSpan(0, fullTile.Length), fullTile.Length / MerkleHash.Size, root);
            return new MerkleHash(root);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(work);
        }
    }

    private static byte[] Serialize(ReadOnlySpan<MerkleHash> hashes)
    {
        byte[] data = new byte[hashes.Length * MerkleHash.Size];
        for (int i = 0; i < hashes.Length; i++)
        {
            hashes[i].CopyTo(data.AsSpan(i * MerkleHash.Size));
        }

        return data;
    }
}
