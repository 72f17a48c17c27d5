using Detente.Ledger.Merkle;
using Detente.Ledger.Tests.Vectors;

namespace Detente.Ledger.Tests;

/// <summary>The transparency-dev/merkle vectors (RFC 6962/9162 hashing, proofs, and malformed proofs).</summary>
public sealed class MerkleVectorTests
{
    private static readonly byte[][] s_leafHashes =
        TransparencyDevMerkleVectors.LeafInputs.Select(static hex => MerkleHasher.HashLeaf(Convert.FromHexString(hex)).ToArray()).ToArray();

    public static TheoryData<int> Sizes => new(Enumerable.Range(0, 9));

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Roots_of_the_reference_leaves_match(int size)
    {
        MerkleHash expected = MerkleHash.FromHex(TransparencyDevMerkleVectors.RootHashes[size]);
        Assert.Equal(expected, MerkleHasher.RootOfLeafHashes(Reference.AsHashes(s_leafHashes.Take(size))));
        Assert.Equal(expected, new MerkleHash(Reference.Mth(s_leafHashes, 0, size)));
    }

    [Fact]
    public void The_empty_root_is_the_hash_of_nothing() =>
        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", MerkleHasher.EmptyRoot.ToHex());

    [Theory]
    [MemberData(nameof(TransparencyDevMerkleVectors.ReferenceInclusionProofs), MemberType = typeof(TransparencyDevMerkleVectors))]
    public async Task Inclusion_proofs_match_the_reference(long index, long size, string[] expectedHex)
    {
        MerkleHash[] proof = await MerkleProof.InclusionAsync(new OracleHashReader(s_leafHashes[..(int)size]), index, size, TestContext.Current.CancellationToken);
        Assert.Equal(expectedHex, proof.Select(static h => h.ToHex()));
        MerkleHash root = MerkleHash.FromHex(TransparencyDevMerkleVectors.RootHashes[size]);
        Assert.True(MerkleProof.VerifyInclusion(index, size, new MerkleHash(s_leafHashes[index]), proof, root));
    }

    [Theory]
    [MemberData(nameof(TransparencyDevMerkleVectors.ReferenceConsistencyProofs), MemberType = typeof(TransparencyDevMerkleVectors))]
    public async Task Consistency_proofs_match_the_reference(long size1, long size2, string[] expectedHex)
    {
        MerkleHash[] proof = await MerkleProof.ConsistencyAsync(new OracleHashReader(s_leafHashes[..(int)size2]), size1, size2, TestContext.Current.CancellationToken);
        Assert.Equal(expectedHex, proof.Select(static h => h.ToHex()));
        Assert.True(MerkleProof.VerifyConsistency(size1, size2,
            MerkleHash.FromHex(TransparencyDevMerkleVectors.RootHashes[size1]), MerkleHash.FromHex(TransparencyDevMerkleVectors.RootHashes[size2]), proof));
    }

    [Theory]
    [MemberData(nameof(TransparencyDevMerkleVectors.Inclusion), MemberType = typeof(TransparencyDevMerkleVectors))]
    public void Inclusion_verification_agrees_with_the_vector(string name, ulong leafIndex, ulong treeSize, string root, string leafHash, string[] proof, bool wantError)
    {
        MerkleHash[] hashes = Hashes([root, leafHash, .. proof]);
        bool verified = AllHashes([leafHash, .. proof]) && leafIndex <= long.MaxValue && treeSize <= long.MaxValue
            && MerkleProof.VerifyInclusion((long)leafIndex, (long)treeSize, hashes[1], hashes[2..], hashes[0]);
        Assert.True(verified != wantError, $"{name}: verified = {verified}, the vector wants an error = {wantError}");
    }

    [Theory]
    [MemberData(nameof(TransparencyDevMerkleVectors.Consistency), MemberType = typeof(TransparencyDevMerkleVectors))]
    public void Consistency_verification_agrees_with_the_vector(string name, ulong size1, ulong size2, string root1, string root2, string[] proof, bool wantError)
    {
        MerkleHash[] hashes = Hashes([root1, root2, .. proof]);
        bool verified = AllHashes(proof) && size1 <= long.MaxValue && size2 <= long.MaxValue
            && MerkleProof.VerifyConsistency((long)size1, (long)size2, hashes[0], hashes[1], hashes[2..]);
        Assert.True(verified != wantError, $"{name}: verified = {verified}, the vector wants an error = {wantError}");
    }

    // A leaf hash or proof node that is not 32 bytes cannot even be made into a MerkleHash (the constructor refuses
    // it), so such a vector can only fail: transparency-dev refuses those lengths too.
    private static bool AllHashes(string[] base64) => base64.All(static b => Convert.FromBase64String(b).Length == MerkleHash.Size);

    // Roots, however, are compared as opaque values there, and some are deliberately not 32 bytes ("don't care 1"),
    // which a MerkleHash cannot hold. Such a value stands for an opaque hash that equals only itself, so it is mapped to SHA-256(0xFF ‖ value):
    // equal values stay equal, different ones stay different, and the 0xFF prefix (neither a leaf's 0x00 nor a node's
    // 0x01, and never empty) keeps them from being any hash of these trees, the empty root included.
    private static MerkleHash[] Hashes(string[] base64) =>
        base64.Select(static b =>
        {
            byte[] bytes = Convert.FromBase64String(b);
            return new MerkleHash(bytes.Length == MerkleHash.Size ? bytes : System.Security.Cryptography.SHA256.HashData([0xFF, .. bytes]));
        }).ToArray();
}
