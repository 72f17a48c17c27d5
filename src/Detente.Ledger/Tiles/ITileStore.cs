namespace Detente.Ledger.Tiles;

/// <summary>The bytes of one tile or entry bundle, under its path.</summary>
/// <param name="Path">Where it is served: <c>tile/…</c>.</param>
/// <param name="Data">Hashes (32 bytes each) for a hash tile; the length-prefixed entries for a bundle.</param>
public sealed record TileData(TilePath Path, ReadOnlyMemory<byte> Data);

/// <summary>One sequenced batch to make durable at once: the tiles and bundles it wrote and the checkpoint that covers them.</summary>
/// <param name="PreviousSize">The tree size of the checkpoint this batch extends; a store refuses the commit if its checkpoint differs.</param>
/// <param name="NewSize">The tree size after the batch.</param>
/// <param name="Tiles">Every tile and bundle the batch changed (<see cref="TileLayout.ChangedTiles"/>).</param>
/// <param name="Checkpoint">The signed checkpoint note for <paramref name="NewSize"/>.</param>
public sealed record LogCommit(long PreviousSize, long NewSize, IReadOnlyList<TileData> Tiles, ReadOnlyMemory<byte> Checkpoint);

/// <summary>Where a log's tiles, bundles and latest checkpoint are kept: the storage seam of the ledger.</summary>
/// <remarks>
/// <para>
/// Reads serve the C2SP tlog-tiles paths as they are; a tile once written full never changes. A partial tile is kept
/// at least as long as a checkpoint of its size may be asked for (this library never deletes one).
/// </para>
/// <para>
/// <see cref="TryCommitAsync"/> must be atomic: either every tile of the batch and the new checkpoint are stored, or
/// nothing is. It is a compare-and-swap on the checkpoint size, so that two sequencers can never fork the log. A node
/// implements this interface over its own database transaction, in which it also stores the objects the batch logs,
/// so that the store and the log commit together.
/// </para>
/// </remarks>
public interface ITileStore
{
    /// <summary>The bytes at <paramref name="path"/>, or null when there are none.</summary>
    public ValueTask<ReadOnlyMemory<byte>?> ReadTileAsync(TilePath path, CancellationToken cancellationToken = default);

    /// <summary>The latest signed checkpoint, or null for a log that has none yet.</summary>
    public ValueTask<ReadOnlyMemory<byte>?> ReadCheckpointAsync(CancellationToken cancellationToken = default);

    /// <summary>Stores a batch and its checkpoint atomically, if the stored checkpoint still has size <see cref="LogCommit.PreviousSize"/>.</summary>
    /// <returns>False, changing nothing, when the stored checkpoint has another size (another sequencer got there first).</returns>
    public ValueTask<bool> TryCommitAsync(LogCommit commit, CancellationToken cancellationToken = default);
}
