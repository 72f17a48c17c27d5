namespace Detente.Ledger.Merkle;

/// <summary>Where a stored hash sits: the root of the full subtree of 2^<see cref="Level"/> leaves starting at leaf <c>Index · 2^Level</c>.</summary>
/// <remarks>
/// Only full subtrees have stored hashes: with tiles of height 8, the hashes at levels 0, 8, 16, … are stored in tiles
/// and the ones between are recomputed from them (C2SP tlog-tiles, "Merkle Tree").
/// </remarks>
public readonly record struct HashAddress
{
    /// <summary>Creates an address.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The level is not in 0..62 or the index is negative or too large for the level.</exception>
    public HashAddress(int level, long index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(level);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(level, 62);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(index, long.MaxValue >> level);
        Level = level;
        Index = index;
    }

    /// <summary>The height of the subtree above the leaves (0 for a leaf hash).</summary>
    public int Level { get; }

    /// <summary>The position of the subtree among those of its level, counting from 0 at the left.</summary>
    public long Index { get; }

    /// <summary>The first leaf the subtree covers.</summary>
    public long FirstLeaf => Index << Level;

    /// <summary>The number of leaves the subtree covers.</summary>
    public long LeafCount => 1L << Level;

    /// <summary>A short form for messages: <c>level/index</c>.</summary>
    public override string ToString() => $"{Level}/{Index}";
}
