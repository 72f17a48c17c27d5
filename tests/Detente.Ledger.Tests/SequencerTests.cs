using Detente.Ledger.Merkle;
using Detente.Ledger.Notes;
using Detente.Ledger.Sequencing;
using Detente.Ledger.Tiles;

namespace Detente.Ledger.Tests;

public sealed class SequencerTests
{
    [Fact]
    public async Task Each_batch_writes_exactly_the_tiles_the_layout_says_change()
    {
        using TestLog log = await TestLog.BuildAsync(70_001, new Random(11));
        foreach (SequencedBatch batch in log.Batches)
        {
            Assert.Equal(TileLayout.ChangedTiles(batch.PreviousSize, batch.Edge.Size), batch.Tiles.Select(static t => t.Path));
            foreach (TileData tile in batch.Tiles.Where(static t => !t.Path.IsEntryBundle))
            {
                Assert.Equal(tile.Path.Width * MerkleHash.Size, tile.Data.Length);
            }
        }
    }

    [Fact]
    public async Task The_tiles_hold_the_rfc_9162_hashes_of_the_entries()
    {
        using TestLog log = await TestLog.BuildAsync(66_000, new Random(5));
        List<byte[]> leaves = log.LeafHashes();
        CancellationToken ct = TestContext.Current.CancellationToken;
        foreach (TilePath path in TileLayout.AllTiles(log.Edge.Size))
        {
            ReadOnlyMemory<byte> data = (await log.Store.ReadTileAsync(path, ct))!.Value;
            if (path.IsEntryBundle)
            {
                ReadOnlyMemory<byte>[] entries = EntryBundle.Decode(data, path.Width);
                for (int i = 0; i < entries.Length; i++)
                {
                    Assert.Equal(log.Entries[(int)((path.Index * 256) + i)], entries[i].ToArray());
                }

                continue;
            }

            // Spot-check: the first and last hash of every tile, against the oracle.
            foreach (int i in new[] { 0, path.Width - 1 })
            {
                long first = ((path.Index * 256) + i) << (8 * path.Level);
                byte[] expected = Reference.Mth(leaves, first, first + (1L << (8 * path.Level)));
                Assert.Equal(expected, data.Slice(i * MerkleHash.Size, MerkleHash.Size).ToArray());
            }
        }

        Assert.Equal(new MerkleHash(Reference.Mth(leaves, 0, leaves.Count)), log.Edge.Root());
    }

    [Fact]
    public async Task How_entries_are_batched_does_not_change_the_log()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using TestLog one = await TestLog.BuildAsync(5_000);
        using TestLog many = await TestLog.BuildAsync(5_000, new Random(99));
        Assert.True(many.Batches.Count > 5);
        foreach (TilePath path in TileLayout.AllTiles(5_000))
        {
            Assert.Equal((await one.Store.ReadTileAsync(path, ct))!.Value.ToArray(), (await many.Store.ReadTileAsync(path, ct))!.Value.ToArray());
        }

        Assert.Equal(one.Batches[^1].Checkpoint.ToBytes(), many.Batches[^1].Checkpoint.ToBytes());
    }

    [Fact]
    public async Task The_checkpoint_is_signed_and_names_the_new_size_and_root()
    {
        using TestLog log = await TestLog.BuildAsync(1234, new Random(2));
        foreach (SequencedBatch batch in log.Batches)
        {
            Assert.True(batch.Checkpoint.Verify([log.Signer.VerifierKey]).IsValid);
            Checkpoint checkpoint = Checkpoint.FromNote(batch.Checkpoint);
            Assert.Equal(TestLog.Origin, checkpoint.Origin);
            Assert.Equal(batch.Edge.Size, checkpoint.Size);
            Assert.Equal(batch.Root, checkpoint.RootHash);
        }
    }

    [Fact]
    public async Task An_edge_reloaded_from_the_store_continues_the_log_identically()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        foreach (long size in new long[] { 0, 1, 255, 256, 257, 65_535, 65_536, 65_537 })
        {
            using TestLog log = await TestLog.BuildAsync(size, new Random(3));
            LogEdge loaded = await LogEdge.LoadAsync(log.Store, size, ct);
            Assert.Equal(log.Edge.Size, loaded.Size);
            Assert.Equal(log.Edge.Root(), loaded.Root());
            ReadOnlyMemory<byte>[] next = [TestLog.EntryBytes(size), TestLog.EntryBytes(size + 1)];
            SequencedBatch fromMemory = log.Sequencer.Append(log.Edge, next);
            SequencedBatch fromStore = log.Sequencer.Append(loaded, next);
            Assert.Equal(fromMemory.Tiles.Select(static t => t.Path), fromStore.Tiles.Select(static t => t.Path));
            Assert.Equal(fromMemory.Tiles.Select(static t => t.Data.ToArray()), fromStore.Tiles.Select(static t => t.Data.ToArray()));
            Assert.Equal(fromMemory.Checkpoint.ToBytes(), fromStore.Checkpoint.ToBytes());
        }
    }

    [Fact]
    public async Task A_commit_that_does_not_extend_the_stored_checkpoint_changes_nothing()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using TestLog log = await TestLog.BuildAsync(10);
        SequencedBatch stale = log.Sequencer.Append(LogEdge.Empty, [TestLog.EntryBytes(0)]);
        int tiles = log.Store.TileCount;
        byte[] checkpoint = (await log.Store.ReadCheckpointAsync(ct))!.Value.ToArray();
        Assert.False(await log.Store.TryCommitAsync(stale.ToCommit(), ct));
        Assert.Equal(tiles, log.Store.TileCount);
        Assert.Equal(checkpoint, (await log.Store.ReadCheckpointAsync(ct))!.Value.ToArray());
    }

    [Fact]
    public void An_entry_a_bundle_cannot_hold_is_refused_and_an_empty_batch_changes_nothing()
    {
        using var log = new TestLog();
        Assert.Throws<ArgumentException>(() => log.Sequencer.Append(LogEdge.Empty, [new byte[65_536]]));
        SequencedBatch empty = log.Sequencer.Append(LogEdge.Empty, []);
        Assert.Empty(empty.Tiles);
        Assert.Equal(0, empty.Edge.Size);
        Assert.Equal(MerkleHasher.EmptyRoot, empty.Root);
        Assert.Equal(65_535, log.Sequencer.Append(LogEdge.Empty, [new byte[65_535]]).Edge.PartialBundle[0].Length);
    }
}
