using System.Diagnostics;
using System.Numerics;

namespace Detente.Ledger.Merkle;

/// <summary>Index arithmetic of RFC 9162 trees: splits, subtree ranges and the full subtrees that compose them.</summary>
internal static class TreeMath
{
    /// <summary>The largest power of two strictly smaller than <paramref name="n"/> (n ≥ 2): RFC 9162's k.</summary>
    public static long Split(long n)
    {
        Debug.Assert(n >= 2);
        return 1L << (63 - BitOperations.LeadingZeroCount((ulong)(n - 1)));
    }

    /// <summary>Appends the full subtrees that make up the range [lo, hi), left to right (greedy, largest aligned first).</summary>
    public static void AppendRange(long lo, long hi, List<HashAddress> output)
    {
        Debug.Assert(0 <= lo && lo < hi);
        while (lo < hi)
        {
            int level = lo == 0 ? 62 : BitOperations.TrailingZeroCount(lo);
            while ((1L << level) > hi - lo)
            {
                level--;
            }

            output.Add(new HashAddress(level, lo >> level));
            lo += 1L << level;
        }
    }

    /// <summary>The subtree ranges of an inclusion proof for leaf <paramref name="index"/> in a tree of <paramref name="size"/>, in proof order.</summary>
    /// <remarks>RFC 9162 §2.1.3.1: PATH(m, D[n]) = PATH(m, D[0:k]) : MTH(D[k:n]) for m &lt; k, else PATH(m − k, D[k:n]) : MTH(D[0:k]).</remarks>
    public static List<(long Lo, long Hi)> InclusionRanges(long index, long size)
    {
        var ranges = new List<(long, long)>();
        long lo = 0;
        long hi = size;
        while (hi - lo > 1)
        {
            long k = Split(hi - lo);
            if (index < lo + k)
            {
                ranges.Add((lo + k, hi));
                hi = lo + k;
            }
            else
            {
                ranges.Add((lo, lo + k));
                lo += k;
            }
        }

        ranges.Reverse();
        return ranges;
    }

    /// <summary>The subtree ranges of a consistency proof from <paramref name="size1"/> to <paramref name="size2"/> (0 &lt; size1 &lt; size2).</summary>
    /// <remarks>
    /// RFC 9162 §2.1.4.1: SUBPROOF(m, D[n], true) = {} and SUBPROOF(m, D[n], false) = {MTH(D[n])} when m = n; otherwise
    /// SUBPROOF(m, D[0:k], b) : MTH(D[k:n]) for m ≤ k, or SUBPROOF(m − k, D[k:n], false) : MTH(D[0:k]) for m &gt; k.
    /// </remarks>
    public static List<(long Lo, long Hi)> ConsistencyRanges(long size1, long size2)
    {
        Debug.Assert(0 < size1 && size1 < size2);
        var ranges = new List<(long, long)>();
        long lo = 0;
        long hi = size2;
        long m = size1;
        bool known = true;
        while (m != hi - lo)
        {
            long k = Split(hi - lo);
            if (m <= k)
            {
                ranges.Add((lo + k, hi));
                hi = lo + k;
            }
            else
            {
                ranges.Add((lo, lo + k));
                m -= k;
                lo += k;
                known = false;
            }
        }

        if (!known)
        {
            ranges.Add((lo, hi));
        }

        ranges.Reverse();
        return ranges;
    }
}
