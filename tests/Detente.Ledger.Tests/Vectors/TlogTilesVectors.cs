namespace Detente.Ledger.Tests.Vectors;

/// <summary>Examples from C2SP tlog-tiles (c2sp.org/tlog-tiles, C2SP/C2SP <c>tlog-tiles.md</c> at 5ba5ee8), re-typed.</summary>
public static class TlogTilesVectors
{
    /// <summary>"index 1234067 will be encoded as x001/x234/067", and paths built by the same rules.</summary>
    public static TheoryData<string, int, long, int> Paths => new()
    {
        { "tile/0/x001/x234/067", 0, 1234067, 256 },
        { "tile/0/000", 0, 0, 256 },
        { "tile/0/999", 0, 999, 256 },
        { "tile/0/x001/000", 0, 1000, 256 },
        { "tile/1/x123/456.p/17", 1, 123456, 17 },
        { "tile/63/001.p/1", 63, 1, 1 },
        { "tile/entries/x001/x234/067", -1, 1234067, 256 },
        { "tile/entries/000.p/255", -1, 0, 255 },
        { "tile/2/x009/x223/x372/x036/x854/x775/807", 2, long.MaxValue, 256 },
    };

    /// <summary>
    /// "a tree of size 70,000 will be represented by 273 full level 0 tiles, one partial level 0 tile of width 112, one
    /// full level 1 tile, one partial level 1 tile of width 17, and one partial level 2 tile of width 1", and "a tree of
    /// size 256 will be represented by a full level 0 tile and a partial level 1 tile of width 1": (size, level, full
    /// tiles, partial width).
    /// </summary>
    public static TheoryData<long, int, long, int> Layouts => new()
    {
        { 70_000, 0, 273, 112 },
        { 70_000, 1, 1, 17 },
        { 70_000, 2, 0, 1 },
        { 70_000, 3, 0, 0 },
        { 256, 0, 1, 0 },
        { 256, 1, 0, 1 },
        { 256, 2, 0, 0 },
    };
}
