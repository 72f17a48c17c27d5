using CsCheck;
using Detente.Ledger.Merkle;
using Detente.Ledger.Tiles;
using Detente.Testing;

namespace Detente.Ledger.Tests;

/// <summary>The multi-leaf inclusion check (<see cref="MerkleProof.VerifyInclusionOfLeavesAsync"/>): a page of leaves verified
/// at once against the signed root, from the same tiles the per-leaf audit paths are read from.</summary>
public sealed class PageInclusionTests
{
    [Theory]
    [InlineData(700, 200, 260)] // across the tile boundary at 256
    [InlineData(700, 0, 700)] // the whole log
    [InlineData(513, 400, 113)] // at the log's right edge (a partial tile)
    [InlineData(513, 512, 1)] // the last leaf alone
    [InlineData(1, 0, 1)]
    [InlineData(66000, 65000, 1000)] // across a level-1 tile boundary, at the right edge
    public async Task A_page_of_consecutive_leaves_verifies(long size, long first, int count)
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using Tree tree = await Tree.BuildAsync(size);
        (List<byte[]> hashes, TileHashReader reader, MerkleHash root) = (tree.Hashes, tree.Reader, tree.Root);
        List<(long Index, MerkleHash Hash)> page = Page(hashes, first, count);

        Assert.True(await MerkleProof.VerifyInclusionOfLeavesAsync(reader, size, page, root, ct));
    }

    [Theory]
    [InlineData(700, 200, 260)]
    [InlineData(513, 400, 113)]
    public async Task A_wrong_leaf_anywhere_in_the_page_fails(long size, long first, int count)
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using Tree tree = await Tree.BuildAsync(size);
        (List<byte[]> hashes, TileHashReader reader, MerkleHash root) = (tree.Hashes, tree.Reader, tree.Root);
        for (int position = 0; position < count; position++)
        {
            List<(long Index, MerkleHash Hash)> page = Page(hashes, first, count);
            page[position] = (page[position].Index, Flip(page[position].Hash, position % 256));
            Assert.False(await MerkleProof.VerifyInclusionOfLeavesAsync(reader, size, page, root, ct), $"a wrong leaf at {first + position}");
        }
    }

    [Theory]
    [InlineData(700, 200, 260)]
    [InlineData(513, 400, 113)]
    [InlineData(66000, 65000, 1000)]
    public async Task A_wrong_stored_hash_read_for_the_page_fails(long size, long first, int count)
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using Tree tree = await Tree.BuildAsync(size);
        (List<byte[]> hashes, TestLog log, MerkleHash root) = (tree.Hashes, tree.Log, tree.Root);
        List<(long Index, MerkleHash Hash)> page = Page(hashes, first, count);
        var counting = new CorruptingReader(new TileHashReader(log.Store, size), -1);
        Assert.True(await MerkleProof.VerifyInclusionOfLeavesAsync(counting, size, page, root, ct));
        Assert.NotEqual(0, counting.Reads);

        // Each path node the check reads (the roots of the subtrees beside the page), wrong in turn.
        for (int target = 0; target < counting.Reads; target++)
        {
            var corrupting = new CorruptingReader(new TileHashReader(log.Store, size), target);
            Assert.False(await MerkleProof.VerifyInclusionOfLeavesAsync(corrupting, size, page, root, ct), $"a wrong path node (read {target})");
        }
    }

    [Fact]
    public async Task Any_set_of_leaves_verifies_exactly_when_every_leaf_is_right()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using TestLog log = await TestLog.BuildAsync(1500, new Random(11));
        List<byte[]> hashes = log.LeafHashes();
        long[] sizes = [.. log.CheckpointSizes];
        var cases = Gen.Select(Gen.Int[0, sizes.Length - 1], Gen.Int[1, 1000].Array[1, 40], Gen.Int[-1, 39], Gen.Int[0, 255]);
        await Property.ForAllAsync(cases, async c =>
        {
            (int s, int[] picks, int wrong, int bit) = c;
            long size = sizes[s];
            var reader = new TileHashReader(log.Store, size);
            MerkleHash root = new(Reference.Mth(hashes, 0, size));
            List<(long Index, MerkleHash Hash)> leaves = [.. picks.Select(p => (long)(p % size)).Distinct().Select(i => (i, new MerkleHash(hashes[(int)i])))];
            bool expected = true;
            if (wrong >= 0 && wrong < leaves.Count)
            {
                leaves[wrong] = (leaves[wrong].Index, Flip(leaves[wrong].Hash, bit));
                expected = false;
            }

            Assert.Equal(expected, await MerkleProof.VerifyInclusionOfLeavesAsync(reader, size, leaves, root, ct));
        }, iterations: 150);
    }

    [Fact]
    public async Task A_leaf_given_twice_must_carry_the_same_hash_and_an_index_past_the_size_is_refused()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using Tree tree = await Tree.BuildAsync(300);
        (List<byte[]> hashes, TileHashReader reader, MerkleHash root) = (tree.Hashes, tree.Reader, tree.Root);
        MerkleHash leaf = new(hashes[10]);

        Assert.True(await MerkleProof.VerifyInclusionOfLeavesAsync(reader, 300, [(10, leaf), (10, leaf)], root, ct));
        Assert.False(await MerkleProof.VerifyInclusionOfLeavesAsync(reader, 300, [(10, leaf), (10, Flip(leaf, 3))], root, ct));
        Assert.False(await MerkleProof.VerifyInclusionOfLeavesAsync(reader, 300, [], root, ct));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () =>
            await MerkleProof.VerifyInclusionOfLeavesAsync(reader, 300, [(300, leaf)], root, ct));
        Assert.False(await MerkleProof.VerifyInclusionOfLeavesAsync(reader, 300, [(11, leaf)], root, ct));
    }

    [Fact]
    public async Task A_missing_tile_is_an_error_not_an_answer()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using TestLog log = await TestLog.BuildAsync(700);
        List<byte[]> hashes = log.LeafHashes();

        // A tree larger than the tiles hold: the hashes beside the page cannot be read.
        var reader = new TileHashReader(log.Store, 1400);
        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
            await MerkleProof.VerifyInclusionOfLeavesAsync(reader, 1400, Page(hashes, 0, 10), default, ct));
    }

    /// <summary>A log of <c>size</c> entries with its leaf hashes, a reader of its tiles and its root.</summary>
    private sealed record Tree(TestLog Log, List<byte[]> Hashes, TileHashReader Reader, MerkleHash Root) : IDisposable
    {
        public static async Task<Tree> BuildAsync(long size)
        {
            TestLog log = await TestLog.BuildAsync(size);
            List<byte[]> hashes = log.LeafHashes();
            return new Tree(log, hashes, new TileHashReader(log.Store, size), new MerkleHash(Reference.Mth(hashes, 0, size)));
        }

        public void Dispose() => Log.Dispose();
    }

    private static List<(long Index, MerkleHash Hash)> Page(List<byte[]> hashes, long first, int count) =>
        [.. Enumerable.Range(0, count).Select(i => (first + i, new MerkleHash(hashes[(int)(first + i)])))];

    private static MerkleHash Flip(MerkleHash hash, int bit)
    {
        byte[] bytes = hash.Bytes.ToArray();
        bytes[(bit / 8) % bytes.Length] ^= (byte)(1 << (bit % 8));
        return new MerkleHash(bytes);
    }

    /// <summary>Counts the hashes read, and flips a bit of the one read at position <c>target</c> (none when negative).</summary>
    private sealed class CorruptingReader(IHashReader inner, int target) : IHashReader
    {
        public int Reads { get; private set; }

        public async ValueTask ReadHashesAsync(ReadOnlyMemory<HashAddress> addresses, Memory<MerkleHash> destination, CancellationToken cancellationToken = default)
        {
            await inner.ReadHashesAsync(addresses, destination, cancellationToken);
            for (int i = 0; i < addresses.Length; i++)
            {
                if (Reads == target)
                {
                    destination.Span[i] = Flip(destination.Span[i], 5);
                }

                Reads++;
            }
        }
    }
}
