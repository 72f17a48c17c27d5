namespace Detente.Ledger.Tiles;

/// <summary>Which tiles a tree of a given size has, and which ones an append changes.</summary>
/// <remarks>
/// C2SP tlog-tiles: tile n at level l holds MTH(D[(n·256 + i)·256^l : (n·256 + i + 1)·256^l]) for i in 0..255; a tree
/// of size s has floor(s / 256^(l+1)) full tiles at level l and a partial one of floor(s / 256^l) mod 256 hashes.
/// Entry bundles follow level 0.
/// </remarks>
public static class TileLayout
{
    /// <summary>The number of hashes a tree of <paramref name="size"/> leaves has at tile level <paramref name="level"/> (tree level 8·level).</summary>
    public static long HashCount(int level, long size)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(level);
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        return 8 * level >= 63 ? 0 : size >> (8 * level);
    }

    /// <summary>The number of tile levels a tree of <paramref name="size"/> leaves has (0 for the empty tree).</summary>
    public static int LevelCount(long size)
    {
        int levels = 0;
        while (HashCount(levels, size) > 0)
        {
            levels++;
        }

        return levels;
    }

    /// <summary>The tile <paramref name="index"/> at <paramref name="level"/> as it stands in a tree of <paramref name="size"/>: full, or partial at the right edge.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The tree has no hash in that tile.</exception>
    public static TilePath TileAt(int level, long index, long size)
    {
        long count = HashCount(level == TilePath.EntriesLevel ? 0 : level, size);
        long available = count - (index * TilePath.FullWidth);
        if (index < 0 || available <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(index), $"A tree of {size} leaves has no tile {index} at level {level}.");
        }

        return new TilePath(level, index, (int)Math.Min(available, TilePath.FullWidth));
    }

    /// <summary>Every tile and entry bundle of a tree of <paramref name="size"/> leaves, bundles first, then levels upward, left to right.</summary>
    public static IEnumerable<TilePath> AllTiles(long size)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        return Changed(0, size);
    }

    /// <summary>The tiles and bundles that growing a tree from <paramref name="oldSize"/> to <paramref name="newSize"/> writes (only the right edge changes).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The sizes are negative or shrink.</exception>
    public static IEnumerable<TilePath> ChangedTiles(long oldSize, long newSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(oldSize);
        ArgumentOutOfRangeException.ThrowIfLessThan(newSize, oldSize);
        return Changed(oldSize, newSize);
    }

    private static IEnumerable<TilePath> Changed(long oldSize, long newSize)
    {
        for (int level = TilePath.EntriesLevel; level < TilePath.MaxLevel; level++)
        {
            int hashLevel = Math.Max(level, 0);
            long before = HashCount(hashLevel, oldSize);
            long after = HashCount(hashLevel, newSize);
            if (after == 0)
            {
                yield break;
            }

            if (after == before)
            {
                continue;
            }

            // Hashes before..after-1 are new at this level; they fall in tiles before/256 .. (after-1)/256.
            for (long n = before / TilePath.FullWidth; n <= (after - 1) / TilePath.FullWidth; n++)
            {
                yield return new TilePath(level, n, (int)Math.Min(after - (n * TilePath.FullWidth), TilePath.FullWidth));
            }
        }
    }
}
