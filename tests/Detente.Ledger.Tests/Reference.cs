using System.Security.Cryptography;
using Detente.Ledger.Merkle;

namespace Detente.Ledger.Tests;

/// <summary>
/// An independent oracle: RFC 9162 §2.1 written as the recursive definitions (MTH, PATH, PROOF/SUBPROOF) over leaf
/// hashes, with its own SHA-256 calls. Slow and obviously right; the library is checked against it.
/// </summary>
internal static class Reference
{
    public static byte[] Leaf(ReadOnlySpan<byte> data) => SHA256.HashData([0x00, .. data]);

    public static byte[] Node(byte[] left, byte[] right) => SHA256.HashData([0x01, .. left, .. right]);

    // Memoized per leaf list: the recursive definitions recompute the same subtrees many times.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IReadOnlyList<byte[]>, Dictionary<(long, long), byte[]>> s_memo = [];

    public static byte[] Mth(IReadOnlyList<byte[]> leafHashes, long lo, long hi)
    {
        Dictionary<(long, long), byte[]> memo = s_memo.GetOrCreateValue(leafHashes);
        lock (memo)
        {
            if (memo.TryGetValue((lo, hi), out byte[]? known))
            {
                return known;
            }
        }

        byte[] hash = MthUncached(leafHashes, lo, hi);
        lock (memo)
        {
            memo[(lo, hi)] = hash;
        }

        return hash;
    }

    private static byte[] MthUncached(IReadOnlyList<byte[]> leafHashes, long lo, long hi)
    {
        long n = hi - lo;
        if (n == 0)
        {
            return SHA256.HashData(ReadOnlySpan<byte>.Empty);
        }

        if (n == 1)
        {
            return leafHashes[(int)lo];
        }

        long k = 1;
        while (k * 2 < n)
        {
            k *= 2;
        }

        return Node(Mth(leafHashes, lo, lo + k), Mth(leafHashes, lo + k, hi));
    }

    public static List<byte[]> Path(IReadOnlyList<byte[]> leaves, long m, long lo, long hi)
    {
        long n = hi - lo;
        if (n <= 1)
        {
            return [];
        }

        long k = 1;
        while (k * 2 < n)
        {
            k *= 2;
        }

        if (m < k)
        {
            List<byte[]> path = Path(leaves, m, lo, lo + k);
            path.Add(Mth(leaves, lo + k, hi));
            return path;
        }

        List<byte[]> right = Path(leaves, m - k, lo + k, hi);
        right.Add(Mth(leaves, lo, lo + k));
        return right;
    }

    public static List<byte[]> Proof(IReadOnlyList<byte[]> leaves, long m, long n) => SubProof(leaves, m, 0, n, true);

    private static List<byte[]> SubProof(IReadOnlyList<byte[]> leaves, long m, long lo, long hi, bool b)
    {
        long n = hi - lo;
        if (m == n)
        {
            return b ? [] : [Mth(leaves, lo, hi)];
        }

        long k = 1;
        while (k * 2 < n)
        {
            k *= 2;
        }

        if (m <= k)
        {
            List<byte[]> proof = SubProof(leaves, m, lo, lo + k, b);
            proof.Add(Mth(leaves, lo + k, hi));
            return proof;
        }

        List<byte[]> right = SubProof(leaves, m - k, lo + k, hi, false);
        right.Add(Mth(leaves, lo, lo + k));
        return right;
    }

    public static MerkleHash[] AsHashes(IEnumerable<byte[]> hashes) => hashes.Select(static h => new MerkleHash(h)).ToArray();
}

/// <summary>An <see cref="IHashReader"/> that computes every stored hash with the oracle from leaf hashes.</summary>
internal sealed class OracleHashReader(IReadOnlyList<byte[]> leafHashes) : IHashReader
{
    public int Reads { get; private set; }

    public ValueTask ReadHashesAsync(ReadOnlyMemory<HashAddress> addresses, Memory<MerkleHash> destination, CancellationToken cancellationToken = default)
    {
        for (int i = 0; i < addresses.Length; i++)
        {
            HashAddress a = addresses.Span[i];
            if (a.FirstLeaf + a.LeafCount > leafHashes.Count)
            {
                throw new InvalidOperationException($"{a} is outside the tree.");
            }

            destination.Span[i] = new MerkleHash(Reference.Mth(leafHashes, a.FirstLeaf, a.FirstLeaf + a.LeafCount));
            Reads++;
        }

        return ValueTask.CompletedTask;
    }
}
