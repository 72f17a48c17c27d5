using CsCheck;
using Detente.Ledger.Merkle;
using Detente.Ledger.Tiles;
using Detente.Testing;

namespace Detente.Ledger.Tests;

/// <summary>Proofs read from tiles equal the RFC 9162 oracle's and verify, for random sizes and around tile boundaries.</summary>
public sealed class ProofPropertyTests
{
    public static TheoryData<long> BoundarySizes => new(new long[] { 1, 2, 3, 255, 256, 257, 511, 512, 513, 65535, 65536, 65537 });

    [Theory]
    [MemberData(nameof(BoundarySizes))]
    public async Task Every_proof_around_a_tile_boundary_matches_the_oracle_and_verifies(long size)
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using TestLog log = await TestLog.BuildAsync(size);
        List<byte[]> leaves = log.LeafHashes();
        var reader = new TileHashReader(log.Store, size);
        MerkleHash root = new(Reference.Mth(leaves, 0, size));
        Assert.Equal(root, log.Edge.Root());
        Assert.Equal(root, await MerkleProof.RootAsync(reader, size, ct));

        // Indices and older sizes at and around every tile boundary, and both ends.
        long[] points = [0, 1, 254, 255, 256, 257, 511, 512, 65534, 65535, 65536, size - 2, size - 1, size];
        foreach (long index in points.Where(p => p >= 0 && p < size).Distinct())
        {
            MerkleHash[] proof = await MerkleProof.InclusionAsync(reader, index, size, ct);
            Assert.Equal(Reference.AsHashes(Reference.Path(leaves, index, 0, size)), proof);
            Assert.True(MerkleProof.VerifyInclusion(index, size, new MerkleHash(leaves[(int)index]), proof, root));
        }

        foreach (long size1 in points.Where(p => p > 0 && p <= size).Distinct())
        {
            MerkleHash[] proof = await MerkleProof.ConsistencyAsync(reader, size1, size, ct);
            Assert.Equal(Reference.AsHashes(Reference.Proof(leaves, size1, size)), proof);
            Assert.True(MerkleProof.VerifyConsistency(size1, size, new MerkleHash(Reference.Mth(leaves, 0, size1)), root, proof));
        }
    }

    [Fact]
    public async Task Every_inclusion_and_consistency_proof_verifies_for_random_sizes()
    {
        // One log of 3,000 entries built in random batches; every checkpointed size is a tree whose tiles exist.
        CancellationToken ct = TestContext.Current.CancellationToken;
        using TestLog log = await TestLog.BuildAsync(3000, new Random(7));
        List<byte[]> leaves = log.LeafHashes();
        long[] sizes = [.. log.CheckpointSizes];
        var cases = Gen.Select(Gen.Int[0, sizes.Length - 1], Gen.Double[0, 1], Gen.Double[0, 1]);
        await Property.ForAllAsync(cases, async c =>
        {
            long size = sizes[c.Item1];
            long index = Math.Min(size - 1, (long)(c.Item2 * size));
            long size1 = Math.Max(1, Math.Min(size, (long)(c.Item3 * (size + 1))));
            var reader = new TileHashReader(log.Store, size);
            MerkleHash root = new(Reference.Mth(leaves, 0, size));
            MerkleHash[] inclusion = await MerkleProof.InclusionAsync(reader, index, size, ct);
            Assert.True(MerkleProof.VerifyInclusion(index, size, new MerkleHash(leaves[(int)index]), inclusion, root));
            MerkleHash[] consistency = await MerkleProof.ConsistencyAsync(reader, size1, size, ct);
            Assert.True(MerkleProof.VerifyConsistency(size1, size, new MerkleHash(Reference.Mth(leaves, 0, size1)), root, consistency));
        }, iterations: 150);
    }

    [Fact]
    public void Any_single_bit_change_to_an_inclusion_proof_or_its_inputs_is_rejected()
    {
        byte[][] leaves = Enumerable.Range(0, 300).Select(static i => Reference.Leaf(TestLog.EntryBytes(i))).ToArray();
        var cases = Gen.Select(Gen.Int[1, 300], Gen.Double[0, 1], Gen.Int[0, 1000], Gen.Int[0, 255]);
        Property.ForAll(cases, c =>
        {
            (int size, double at, int target, int bit) = c;
            long index = Math.Min(size - 1, (long)(at * size));
            MerkleHash[] proof = Reference.AsHashes(Reference.Path(leaves, index, 0, size));
            MerkleHash leaf = new(leaves[index]);
            MerkleHash root = new(Reference.Mth(leaves, 0, size));
            Assert.True(MerkleProof.VerifyInclusion(index, size, leaf, proof, root));

            // Flip one bit in the proof, the leaf hash or the root.
            int slots = proof.Length + 2;
            int slot = target % slots;
            if (slot < proof.Length)
            {
                proof[slot] = Flip(proof[slot], bit);
            }
            else if (slot == proof.Length)
            {
                leaf = Flip(leaf, bit);
            }
            else
            {
                root = Flip(root, bit);
            }

            Assert.False(MerkleProof.VerifyInclusion(index, size, leaf, proof, root));
        }, iterations: 300);
    }

    [Fact]
    public void Any_single_bit_change_to_a_consistency_proof_or_its_roots_is_rejected()
    {
        byte[][] leaves = Enumerable.Range(0, 300).Select(static i => Reference.Leaf(TestLog.EntryBytes(i))).ToArray();
        var cases = Gen.Select(Gen.Int[2, 300], Gen.Double[0, 1], Gen.Int[0, 1000], Gen.Int[0, 255]);
        Property.ForAll(cases, c =>
        {
            (int size2, double at, int target, int bit) = c;
            long size1 = Math.Max(1, Math.Min(size2 - 1, (long)(at * size2)));
            MerkleHash[] proof = Reference.AsHashes(Reference.Proof(leaves, size1, size2));
            MerkleHash root1 = new(Reference.Mth(leaves, 0, size1));
            MerkleHash root2 = new(Reference.Mth(leaves, 0, size2));
            Assert.True(MerkleProof.VerifyConsistency(size1, size2, root1, root2, proof));

            int slots = proof.Length + 2;
            int slot = target % slots;
            if (slot < proof.Length)
            {
                proof[slot] = Flip(proof[slot], bit);
            }
            else if (slot == proof.Length)
            {
                root1 = Flip(root1, bit);
            }
            else
            {
                root2 = Flip(root2, bit);
            }

            Assert.False(MerkleProof.VerifyConsistency(size1, size2, root1, root2, proof));
        }, iterations: 300);
    }

    [Fact]
    public void A_proof_for_another_index_or_size_or_of_another_length_is_rejected()
    {
        byte[][] leaves = Enumerable.Range(0, 64).Select(static i => Reference.Leaf(TestLog.EntryBytes(i))).ToArray();
        for (int size = 1; size <= 64; size++)
        {
            MerkleHash root = new(Reference.Mth(leaves, 0, size));
            for (int index = 0; index < size; index++)
            {
                MerkleHash[] proof = Reference.AsHashes(Reference.Path(leaves, index, 0, size));
                MerkleHash leaf = new(leaves[index]);
                Assert.True(MerkleProof.VerifyInclusion(index, size, leaf, proof, root));
                Assert.False(MerkleProof.VerifyInclusion(index + 1, size, leaf, proof, root));
                Assert.False(MerkleProof.VerifyInclusion(index, size, leaf, [.. proof, root], root));
                if (proof.Length > 0)
                {
                    Assert.False(MerkleProof.VerifyInclusion(index, size, leaf, proof[..^1], root));
                }
            }
        }
    }

    internal static MerkleHash Flip(MerkleHash hash, int bit)
    {
        byte[] bytes = hash.ToArray();
        bytes[bit / 8 % MerkleHash.Size] ^= (byte)(1 << (bit % 8));
        return new MerkleHash(bytes);
    }
}
