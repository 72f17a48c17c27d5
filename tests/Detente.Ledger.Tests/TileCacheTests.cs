using CsCheck;
using Detente.Ledger.Merkle;
using Detente.Ledger.Tiles;
using Detente.Testing;

namespace Detente.Ledger.Tests;

/// <summary>The shared tile cache: proofs through it equal proofs without it, it is bounded, and it keeps partial tiles under their width.</summary>
public sealed class TileCacheTests
{
    [Fact]
    public async Task Proofs_through_one_shared_cache_equal_the_oracle_for_every_checkpointed_size()
    {
        // One cache serves readers of every tree size of the log, as the node's proof routes share it.
        CancellationToken ct = TestContext.Current.CancellationToken;
        using TestLog log = await TestLog.BuildAsync(70_000, new Random(11));
        List<byte[]> leaves = log.LeafHashes();
        long[] sizes = [.. log.CheckpointSizes];
        var cache = new TileCache(64);
        var cases = Gen.Select(Gen.Int[0, sizes.Length - 1], Gen.Double[0, 1], Gen.Double[0, 1]);
        await Property.ForAllAsync(cases, async c =>
        {
            long size = sizes[c.Item1];
            long index = Math.Min(size - 1, (long)(c.Item2 * size));
            long size1 = Math.Max(1, Math.Min(size, (long)(c.Item3 * (size + 1))));
            var cached = new TileHashReader(log.Store, size, cache);
            var plain = new TileHashReader(log.Store, size);
            MerkleHash root = await MerkleProof.RootAsync(plain, size, ct);
            MerkleHash[] inclusion = await MerkleProof.InclusionAsync(cached, index, size, ct);
            Assert.Equal(await MerkleProof.InclusionAsync(plain, index, size, ct), inclusion);
            Assert.True(MerkleProof.VerifyInclusion(index, size, new MerkleHash(leaves[(int)index]), inclusion, root));
            MerkleHash[] consistency = await MerkleProof.ConsistencyAsync(cached, size1, size, ct);
            Assert.Equal(await MerkleProof.ConsistencyAsync(plain, size1, size, ct), consistency);
            Assert.Equal(root, await MerkleProof.RootAsync(cached, size, ct));
        }, iterations: 200);
        Assert.True(cache.Hits > 0);
        Assert.Equal(new MerkleHash(Reference.Mth(leaves, 0, sizes[^1])), await MerkleProof.RootAsync(new TileHashReader(log.Store, sizes[^1], cache), sizes[^1], ct));
    }

    [Fact]
    public async Task A_second_proof_of_the_same_leaf_reads_no_tile_from_the_store()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using TestLog log = await TestLog.BuildAsync(70_000);
        var counting = new CountingStore(log.Store);
        var cache = new TileCache();
        long size = log.Edge.Size;

        MerkleHash[] first = await MerkleProof.InclusionAsync(new TileHashReader(counting, size, cache), 1234, size, ct);
        int fullReads = counting.FullReads;
        int partialReads = counting.PartialReads;
        Assert.True(fullReads >= 2); // the level-0 and level-1 tiles of leaf 1234
        Assert.True(partialReads >= 1); // the right edge: 70,000 = 273·256 + 112
        MerkleHash[] second = await MerkleProof.InclusionAsync(new TileHashReader(counting, size, cache), 1234, size, ct);

        Assert.Equal(first, second);
        Assert.Equal(fullReads, counting.FullReads);
        Assert.Equal(partialReads, counting.PartialReads);
    }

    [Fact]
    public async Task The_cache_keeps_at_most_its_capacity_and_partial_tiles_under_their_width()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using TestLog log = await TestLog.BuildAsync(3_000);
        var cache = new TileCache(3);
        long size = log.Edge.Size; // 11 full level-0 tiles and a partial one; a partial level-1 tile
        for (long index = 0; index < size; index += 97)
        {
            _ = await MerkleProof.InclusionAsync(new TileHashReader(log.Store, size, cache), index, size, ct);
            Assert.InRange(cache.Count, 0, 3);
        }

        Assert.Equal(3, cache.Count);

        // Two checkpointed sizes inside one level-0 tile: each partial tile is kept under its own width, and proofs at
        // both sizes through the one cache stay those of their own tree.
        using TestLog small = await TestLog.BuildAsync(0);
        await small.AppendAsync(100);
        await small.AppendAsync(100);
        var shared = new TileCache();
        List<byte[]> leaves = small.LeafHashes();
        foreach (long size2 in (long[])[100, 200, 100])
        {
            MerkleHash root = new(Reference.Mth(leaves, 0, size2));
            MerkleHash[] proof = await MerkleProof.InclusionAsync(new TileHashReader(small.Store, size2, shared), 17, size2, ct);
            Assert.True(MerkleProof.VerifyInclusion(17, size2, new MerkleHash(leaves[17]), proof, root));
        }

        Assert.Equal(2, shared.Count);
        Assert.Equal(2, shared.Misses);
    }

    [Fact]
    public async Task A_tile_of_the_wrong_length_is_refused_and_not_cached()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using TestLog log = await TestLog.BuildAsync(600);
        TilePath full = TilePath.Hashes(0, 0);
        ReadOnlyMemory<byte> good = (await log.Store.ReadTileAsync(full, ct))!.Value;
        log.Store.Overwrite(full, good[..^32]);
        var cache = new TileCache();

        InvalidOperationException e = await Assert.ThrowsAsync<InvalidOperationException>(
            async () => await MerkleProof.InclusionAsync(new TileHashReader(log.Store, 600, cache), 5, 600, ct));
        Assert.Contains("instead of", e.Message, StringComparison.Ordinal);
        Assert.Null(cache.Find(full));
    }

    [Fact]
    public async Task A_cached_tile_reads_back_as_the_stored_bytes()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using TestLog log = await TestLog.BuildAsync(600);
        var cache = new TileCache();
        TilePath full = TilePath.Hashes(0, 1);
        ReadOnlyMemory<byte> stored = (await log.Store.ReadTileAsync(full, ct))!.Value;

        ReadOnlyMemory<byte> first = await new TileHashReader(log.Store, 600, cache).ReadTileAsync(full, ct);
        ReadOnlyMemory<byte> second = await new TileHashReader(log.Store, 600, cache).ReadTileAsync(full, ct);

        Assert.True(stored.Span.SequenceEqual(first.Span));
        Assert.True(stored.Span.SequenceEqual(second.Span));
        Assert.Equal(1, cache.Hits);
    }

    [Fact]
    public void A_capacity_below_one_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new TileCache(0));

    private sealed class CountingStore(ITileStore inner) : ITileStore
    {
        public int FullReads { get; private set; }

        public int PartialReads { get; private set; }

        public ValueTask<ReadOnlyMemory<byte>?> ReadTileAsync(TilePath path, CancellationToken cancellationToken = default)
        {
            if (path.IsFull)
            {
                FullReads++;
            }
            else
            {
                PartialReads++;
            }

            return inner.ReadTileAsync(path, cancellationToken);
        }

        public ValueTask<ReadOnlyMemory<byte>?> ReadCheckpointAsync(CancellationToken cancellationToken = default) => inner.ReadCheckpointAsync(cancellationToken);

        public ValueTask<bool> TryCommitAsync(LogCommit commit, CancellationToken cancellationToken = default) => inner.TryCommitAsync(commit, cancellationToken);
    }
}
