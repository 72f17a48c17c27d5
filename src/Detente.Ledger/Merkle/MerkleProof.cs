namespace Detente.Ledger.Merkle;

/// <summary>RFC 9162 inclusion and consistency proofs: generation from stored hashes, and verification as pure functions.</summary>
/// <remarks>
/// Generation reads only full-subtree hashes (<see cref="IHashReader"/>); the proof nodes on the right edge of a tree
/// whose size is not a power of two are recomputed from them. Verification follows RFC 9162 §2.1.3.2 and §2.1.4.2 to
/// the letter, and a proof of the wrong length is refused.
/// </remarks>
public static class MerkleProof
{
    /// <summary>The root of the tree of the first <paramref name="size"/> leaves.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="size"/> is negative.</exception>
    public static async ValueTask<MerkleHash> RootAsync(IHashReader reader, long size, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        if (size == 0)
        {
            return MerkleHasher.EmptyRoot;
        }

        MerkleHash[] hashes = await ReadRangesAsync(reader, [(0, size)], cancellationToken).ConfigureAwait(false);
        return hashes[0];
    }

    /// <summary>The inclusion proof (audit path) of leaf <paramref name="index"/> in the tree of <paramref name="size"/> leaves.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not below <paramref name="size"/>.</exception>
    public static async ValueTask<MerkleHash[]> InclusionAsync(IHashReader reader, long index, long size, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, size);
        return await ReadRangesAsync(reader, TreeMath.InclusionRanges(index, size), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The consistency proof from the tree of <paramref name="size1"/> leaves to the tree of <paramref name="size2"/>.</summary>
    /// <remarks>Empty when <paramref name="size1"/> is 0 or equals <paramref name="size2"/> (C2SP tlog-witness: "The proof MUST be empty if the old size is zero").</remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="size1"/> is negative or larger than <paramref name="size2"/>.</exception>
    public static async ValueTask<MerkleHash[]> ConsistencyAsync(IHashReader reader, long size1, long size2, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentOutOfRangeException.ThrowIfNegative(size1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(size1, size2);
        if (size1 == 0 || size1 == size2)
        {
            return [];
        }

        return await ReadRangesAsync(reader, TreeMath.ConsistencyRanges(size1, size2), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>True when <paramref name="proof"/> proves that <paramref name="leafHash"/> is leaf <paramref name="index"/> of the tree of <paramref name="size"/> with <paramref name="root"/>.</summary>
    /// <remarks>RFC 9162 §2.1.3.2.</remarks>
    public static bool VerifyInclusion(long index, long size, in MerkleHash leafHash, ReadOnlySpan<MerkleHash> proof, in MerkleHash root) =>
        TryRootFromInclusion(index, size, leafHash, proof, out MerkleHash computed) && computed == root;

    /// <summary>Computes the root that <paramref name="proof"/> implies for the leaf; false when the proof has the wrong shape.</summary>
    /// <remarks>RFC 9162 §2.1.3.2, steps 1–5, without the final comparison.</remarks>
    public static bool TryRootFromInclusion(long index, long size, in MerkleHash leafHash, ReadOnlySpan<MerkleHash> proof, out MerkleHash root)
    {
        root = default;
        if (index < 0 || index >= size)
        {
            return false;
        }

        long fn = index;
        long sn = size - 1;
        Span<byte> r = stackalloc byte[MerkleHash.Size];
        leafHash.CopyTo(r);
        foreach (MerkleHash p in proof)
        {
            if (sn == 0)
            {
                return false;
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                MerkleHasher.HashChildren(p.Bytes, r, r);
                if ((fn & 1) == 0)
                {
                    while ((fn & 1) == 0 && fn != 0)
                    {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            }
            else
            {
                MerkleHasher.HashChildren(r, p.Bytes, r);
            }

            fn >>= 1;
            sn >>= 1;
        }

        if (sn != 0)
        {
            return false;
        }

        root = new MerkleHash(r);
        return true;
    }

    /// <summary>True when <paramref name="proof"/> proves that the tree of <paramref name="size2"/> with <paramref name="root2"/> extends the tree of <paramref name="size1"/> with <paramref name="root1"/>.</summary>
    /// <remarks>
    /// RFC 9162 §2.1.4.2, for 0 &lt; size1 ≤ size2. Equal sizes need an empty proof and equal roots. A proof from the
    /// empty tree is meaningless and refused here, as transparency-dev/merkle refuses it; a caller that accepts growth
    /// from nothing (the tlog-witness old size 0, an auditor without a pin) checks that case itself.
    /// </remarks>
    public static bool VerifyConsistency(long size1, long size2, in MerkleHash root1, in MerkleHash root2, ReadOnlySpan<MerkleHash> proof)
    {
        if (size2 < size1 || size1 <= 0)
        {
            return false;
        }

        if (size1 == size2)
        {
            return proof.IsEmpty && root1 == root2;
        }

        if (proof.IsEmpty)
        {
            return false;
        }

        // Step 2: if first_size is an exact power of two, the proof starts, implicitly, with first_hash.
        bool prepend = (size1 & (size1 - 1)) == 0;
        int count = proof.Length + (prepend ? 1 : 0);
        MerkleHash first = prepend ? root1 : proof[0];
        long fn = size1 - 1;
        long sn = size2 - 1;
        while ((fn & 1) == 1)
        {
            fn >>= 1;
            sn >>= 1;
        }

        Span<byte> fr = stackalloc byte[MerkleHash.Size];
        Span<byte> sr = stackalloc byte[MerkleHash.Size];
        first.CopyTo(fr);
        first.CopyTo(sr);
        for (int i = 1; i < count; i++)
        {
            MerkleHash c = prepend ? proof[i - 1] : proof[i];
            if (sn == 0)
            {
                return false;
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                MerkleHasher.HashChildren(c.Bytes, fr, fr);
                MerkleHasher.HashChildren(c.Bytes, sr, sr);
                if ((fn & 1) == 0)
                {
                    while ((fn & 1) == 0 && fn != 0)
                    {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            }
            else
            {
                MerkleHasher.HashChildren(sr, c.Bytes, sr);
            }

            fn >>= 1;
            sn >>= 1;
        }

        return sn == 0 && fr.SequenceEqual(root1.Bytes) && sr.SequenceEqual(root2.Bytes);
    }

    /// <summary>
    /// True when every leaf of <paramref name="leaves"/> is leaf <c>Index</c> of the tree of <paramref name="size"/> leaves with
    /// <paramref name="root"/>: the root is recomputed once from those leaf hashes and the stored hashes of the subtrees that
    /// hold none of them, so that each interior node above the leaves is hashed once, however many of their audit paths share it.
    /// </summary>
    /// <remarks>
    /// The same tree hash as RFC 9162 §2.1.1 with the given leaves put in: it equals <paramref name="root"/> exactly when the
    /// audit path of every leaf, read from the same stored hashes, verifies (§2.1.3.2). For a set of consecutive leaves (a page)
    /// that is about one hash per leaf plus two paths, instead of one path per leaf. A false answer names no leaf: a caller that
    /// must say which leaf fails verifies their paths one by one. The same index given twice must carry the same hash.
    /// </remarks>
    /// <param name="reader">The stored hashes (only those of subtrees without a given leaf are read).</param>
    /// <param name="size">The tree's size.</param>
    /// <param name="leaves">The leaves, each index below <paramref name="size"/>, in any order; none is true.</param>
    /// <param name="root">The signed root of the tree of <paramref name="size"/>.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <exception cref="ArgumentOutOfRangeException">An index is negative or not below <paramref name="size"/>.</exception>
    /// <exception cref="InvalidOperationException">A stored hash is missing (from <paramref name="reader"/>).</exception>
    public static async ValueTask<bool> VerifyInclusionOfLeavesAsync(IHashReader reader, long size, IReadOnlyList<(long Index, MerkleHash Hash)> leaves,
        MerkleHash root, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(leaves);
        if (leaves.Count == 0)
        {
            return false;
        }

        var sorted = new (long Index, MerkleHash Hash)[leaves.Count];
        int count = 0;
        foreach ((long index, MerkleHash hash) in leaves.OrderBy(l => l.Index))
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index, nameof(leaves));
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, size, nameof(leaves));
            if (count > 0 && sorted[count - 1].Index == index)
            {
                if (sorted[count - 1].Hash != hash)
                {
                    return false;
                }

                continue;
            }

            sorted[count++] = (index, hash);
        }

        // First the ranges that hold no given leaf, left to right, read at once; then the tree folded with them.
        var gaps = new List<(long Lo, long Hi)>();
        CollectGaps(0, size, sorted.AsSpan(0, count), gaps);
        MerkleHash[] gapHashes = gaps.Count == 0 ? [] : await ReadRangesAsync(reader, gaps, cancellationToken).ConfigureAwait(false);
        int next = 0;
        return Fold(0, size, sorted.AsSpan(0, count), gapHashes, ref next) == root;
    }

    /// <summary>The maximal ranges of the tree [<paramref name="lo"/>, <paramref name="hi"/>) that hold none of <paramref name="leaves"/>, in order.</summary>
    private static void CollectGaps(long lo, long hi, ReadOnlySpan<(long Index, MerkleHash Hash)> leaves, List<(long Lo, long Hi)> gaps)
    {
        if (leaves.IsEmpty)
        {
            gaps.Add((lo, hi));
            return;
        }

        if (hi - lo == 1)
        {
            return;
        }

        long middle = lo + TreeMath.Split(hi - lo);
        int left = CountBelow(leaves, middle);
        CollectGaps(lo, middle, leaves[..left], gaps);
        CollectGaps(middle, hi, leaves[left..], gaps);
    }

    /// <summary>MTH of [<paramref name="lo"/>, <paramref name="hi"/>) from the given leaves and, for the ranges without one, the
    /// next of <paramref name="gapHashes"/> (in the order <see cref="CollectGaps"/> listed them).</summary>
    private static MerkleHash Fold(long lo, long hi, ReadOnlySpan<(long Index, MerkleHash Hash)> leaves, MerkleHash[] gapHashes, ref int next)
    {
        if (leaves.IsEmpty)
        {
            return gapHashes[next++];
        }

        if (hi - lo == 1)
        {
            return leaves[0].Hash;
        }

        long middle = lo + TreeMath.Split(hi - lo);
        int left = CountBelow(leaves, middle);
        MerkleHash l = Fold(lo, middle, leaves[..left], gapHashes, ref next);
        MerkleHash r = Fold(middle, hi, leaves[left..], gapHashes, ref next);
        return MerkleHasher.HashChildren(l, r);
    }

    /// <summary>How many of the sorted <paramref name="leaves"/> have an index below <paramref name="bound"/>.</summary>
    private static int CountBelow(ReadOnlySpan<(long Index, MerkleHash Hash)> leaves, long bound)
    {
        int lo = 0;
        int hi = leaves.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (leaves[mid].Index < bound)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    /// <summary>Reads the full subtrees of each range and folds each range into its hash.</summary>
    internal static async ValueTask<MerkleHash[]> ReadRangesAsync(IHashReader reader, List<(long Lo, long Hi)> ranges, CancellationToken cancellationToken)
    {
        var addresses = new List<HashAddress>();
        int[] ends = new int[ranges.Count];
        for (int i = 0; i < ranges.Count; i++)
        {
            TreeMath.AppendRange(ranges[i].Lo, ranges[i].Hi, addresses);
            ends[i] = addresses.Count;
        }

        var hashes = new MerkleHash[addresses.Count];
        await reader.ReadHashesAsync(addresses.ToArray(), hashes, cancellationToken).ConfigureAwait(false);
        return Fold(hashes, ends);
    }

    /// <summary>MTH of a range from its full subtrees left to right: H(a0, H(a1, … H(a[n−2], a[n−1]))).</summary>
    private static MerkleHash[] Fold(MerkleHash[] hashes, int[] ends)
    {
        var result = new MerkleHash[ends.Length];
        int start = 0;
        for (int i = 0; i < ends.Length; i++)
        {
            MerkleHash acc = hashes[ends[i] - 1];
            for (int j = ends[i] - 2; j >= start; j--)
            {
                acc = MerkleHasher.HashChildren(hashes[j], acc);
            }

            result[i] = acc;
            start = ends[i];
        }

        return result;
    }
}
