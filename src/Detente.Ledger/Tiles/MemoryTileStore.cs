namespace Detente.Ledger.Tiles;

/// <summary>An <see cref="ITileStore"/> in memory, for tests, tools and benchmarks.</summary>
/// <remarks>Thread-safe; commits are atomic under one lock. The stored arrays are copies, so callers may reuse their buffers.</remarks>
public sealed class MemoryTileStore : ITileStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<TilePath, byte[]> _tiles = [];
    private byte[]? _checkpoint;
    private long _size;

    /// <summary>The number of stored tiles and bundles.</summary>
    public int TileCount
    {
        get
        {
            lock (_lock)
            {
                return _tiles.Count;
            }
        }
    }

    /// <inheritdoc/>
    public ValueTask<ReadOnlyMemory<byte>?> ReadTileAsync(TilePath path, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            // Spelled out: a null byte[] would otherwise convert to an empty ReadOnlyMemory, not to null.
            return ValueTask.FromResult(_tiles.TryGetValue(path, out byte[]? data) ? new ReadOnlyMemory<byte>(data) : (ReadOnlyMemory<byte>?)null);
        }
    }

    /// <inheritdoc/>
    public ValueTask<ReadOnlyMemory<byte>?> ReadCheckpointAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return ValueTask.FromResult(_checkpoint is null ? (ReadOnlyMemory<byte>?)null : new ReadOnlyMemory<byte>(_checkpoint));
        }
    }

    /// <inheritdoc/>
    public ValueTask<bool> TryCommitAsync(LogCommit commit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(commit);
        lock (_lock)
        {
            if (commit.PreviousSize != _size)
            {
                return ValueTask.FromResult(false);
            }

            foreach (TileData tile in commit.Tiles)
            {
                _tiles[tile.Path] = tile.Data.ToArray();
            }

            _checkpoint = commit.Checkpoint.ToArray();
            _size = commit.NewSize;
            return ValueTask.FromResult(true);
        }
    }

    /// <summary>Replaces the bytes at <paramref name="path"/> without any check: for tests that damage a log on purpose.</summary>
    public void Overwrite(TilePath path, ReadOnlyMemory<byte> data)
    {
        lock (_lock)
        {
            _tiles[path] = data.ToArray();
        }
    }

    /// <summary>Replaces the checkpoint without any check: for tests that damage a log on purpose.</summary>
    public void OverwriteCheckpoint(ReadOnlyMemory<byte> checkpoint)
    {
        lock (_lock)
        {
            _checkpoint = checkpoint.ToArray();
        }
    }

    /// <summary>Removes the bytes at <paramref name="path"/>: for tests of a log with missing tiles.</summary>
    public bool Remove(TilePath path)
    {
        lock (_lock)
        {
            return _tiles.Remove(path);
        }
    }
}
