using CsCheck;
using Detente.Ledger.Merkle;
using Detente.Ledger.Tests.Vectors;
using Detente.Ledger.Tiles;
using Detente.Testing;

namespace Detente.Ledger.Tests;

public sealed class TileTests
{
    [Theory]
    [MemberData(nameof(TlogTilesVectors.Paths), MemberType = typeof(TlogTilesVectors))]
    public void Tile_paths_parse_and_format_as_the_spec_writes_them(string text, int level, long index, int width)
    {
        TilePath path = TilePath.Parse(text);
        Assert.Equal(new TilePath(level, index, width), path);
        Assert.Equal(text, path.ToString());
    }

    [Theory]
    [InlineData("tile/0/x000/001")] // leading zero group
    [InlineData("tile/0/x000/000")]
    [InlineData("tile/00/000")] // leading zero in the level
    [InlineData("tile/64/000")] // level above 63
    [InlineData("tile/-1/000")]
    [InlineData("tile/0/1")] // groups are 3 digits
    [InlineData("tile/0/0001")]
    [InlineData("tile/0/x001/1")]
    [InlineData("tile/0/001/001")] // all but the last start with x
    [InlineData("tile/0/X001/000")]
    [InlineData("tile/0/x001/x000")] // the last has no x
    [InlineData("tile/0/000.p/256")] // a full tile has no .p
    [InlineData("tile/0/000.p/0")]
    [InlineData("tile/0/000.p/007")]
    [InlineData("tile/0/000.p/")]
    [InlineData("tile/0/000.p")]
    [InlineData("tile/0/x001.p/5")]
    [InlineData("tile/0/000/")]
    [InlineData("/tile/0/000")]
    [InlineData("tile/0/000 ")]
    [InlineData("tile/0/٠٠٠")] // non-ASCII digits
    [InlineData("tile/Entries/000")]
    [InlineData("tile/entries")]
    [InlineData("tile/0")]
    [InlineData("tile/0/x9/x223/x372/x036/x854/x775/808")]
    [InlineData("tile/0/x009/x223/x372/x036/x854/x775/808")] // long.MaxValue + 1
    [InlineData("")]
    public void Non_canonical_tile_paths_are_refused(string text)
    {
        Assert.False(TilePath.TryParse(text, out _));
        Assert.Throws<LedgerFormatException>(() => TilePath.Parse(text));
    }

    [Fact]
    public void Every_tile_path_roundtrips()
    {
        var paths = Gen.Select(Gen.Int[-1, 63], Gen.Long[0, long.MaxValue], Gen.Int[1, 256]);
        Property.ForAll(paths, p =>
        {
            var path = new TilePath(p.Item1, p.Item2 >> Random.Shared.Next(0, 63), p.Item3);
            Assert.Equal(path, TilePath.Parse(path.ToString()));
        }, iterations: 1000);
    }

    [Theory]
    [MemberData(nameof(TlogTilesVectors.Layouts), MemberType = typeof(TlogTilesVectors))]
    public void Tree_layouts_follow_the_spec_examples(long size, int level, long fullTiles, int partialWidth)
    {
        TilePath[] atLevel = TileLayout.AllTiles(size).Where(p => p.Level == level).ToArray();
        Assert.Equal(fullTiles, atLevel.LongCount(static p => p.IsFull));
        Assert.Equal(partialWidth, atLevel.Where(static p => !p.IsFull).Select(static p => p.Width).SingleOrDefault());
    }

    [Fact]
    public void An_append_changes_only_the_right_edge()
    {
        // From 250 to 70,000: bundles 0..273 (273 partial), level-0 tiles 0..273, level-1 tile 0 (full) and 1 (partial), level 2 (partial).
        TilePath[] changed = TileLayout.ChangedTiles(250, 70_000).ToArray();
        Assert.Equal(274, changed.Count(static p => p.IsEntryBundle));
        Assert.Equal(TilePath.Entries(0), changed[0]);
        Assert.Equal(TilePath.Entries(273, 112), changed.Last(static p => p.IsEntryBundle));
        Assert.Equal(274, changed.Count(static p => p.Level == 0));
        Assert.Equal([TilePath.Hashes(1, 0), TilePath.Hashes(1, 1, 17)], changed.Where(static p => p.Level == 1));
        Assert.Equal([TilePath.Hashes(2, 0, 1)], changed.Where(static p => p.Level == 2));

        // One more entry: the partial bundle and level-0 tile grow; nothing above changes.
        Assert.Equal([TilePath.Entries(273, 113), TilePath.Hashes(0, 273, 113)], TileLayout.ChangedTiles(70_000, 70_001));
        Assert.Empty(TileLayout.ChangedTiles(5, 5));
    }

    [Fact]
    public async Task A_full_tile_stands_in_for_a_partial_one_that_was_deleted()
    {
        byte[] full = new byte[TilePath.FullWidth * MerkleHash.Size];
        new Random(3).NextBytes(full);
        var store = new MemoryTileStore();
        store.Overwrite(TilePath.Hashes(0, 0), full);
        var reader = new TileHashReader(store, 10);
        ReadOnlyMemory<byte> tile = await reader.ReadTileAsync(TilePath.Hashes(0, 0, 10), TestContext.Current.CancellationToken);
        Assert.Equal(full.AsSpan(0, 10 * MerkleHash.Size).ToArray(), tile.ToArray());
    }

    [Fact]
    public async Task A_missing_or_short_tile_is_an_error_not_a_hash()
    {
        var store = new MemoryTileStore();
        var reader = new TileHashReader(store, 10);
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await MerkleProof.RootAsync(reader, 10, TestContext.Current.CancellationToken));
        store.Overwrite(TilePath.Hashes(0, 0, 10), new byte[(10 * MerkleHash.Size) - 1]);
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await MerkleProof.RootAsync(new TileHashReader(store, 10), 10, TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await MerkleProof.InclusionAsync(new TileHashReader(store, 10), 3, 11, TestContext.Current.CancellationToken));
    }
}
