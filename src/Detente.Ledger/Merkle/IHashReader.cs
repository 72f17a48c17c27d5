namespace Detente.Ledger.Merkle;

/// <summary>Reads stored full-subtree hashes by address: the seam between proof generation and wherever the tree is kept.</summary>
/// <remarks>
/// <see cref="Tiles.TileHashReader"/> reads them from C2SP tiles through an <see cref="Tiles.ITileStore"/>; a node may
/// implement it over its own tables. Implementations must fail (throw) rather than return a hash they do not have.
/// </remarks>
public interface IHashReader
{
    /// <summary>Reads the hash at each address into the same position of <paramref name="destination"/>.</summary>
    /// <exception cref="InvalidOperationException">A hash is not stored (the tree is smaller, or the store is damaged).</exception>
    public ValueTask ReadHashesAsync(ReadOnlyMemory<HashAddress> addresses, Memory<MerkleHash> destination, CancellationToken cancellationToken = default);
}
