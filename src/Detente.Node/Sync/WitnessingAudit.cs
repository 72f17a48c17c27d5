using Detente.Ledger.Merkle;
using Detente.Ledger.Notes;
using Detente.Ledger.Tiles;
using Detente.Ledger.Witnessing;
using Detente.Storage;

namespace Detente.Node.Sync;

/// <summary>
/// The node's witness behind the audit: after a partner's checkpoint verified in a sync, the node cosigns it when the
/// operator has named that log as one it witnesses (<c>detente witness add VKEY</c>), with the consistency proof from
/// the size it last cosigned, made from the partner's tiles. A log the node does not witness is left alone.
/// </summary>
/// <remarks>The checks and the compare-and-swap are <see cref="NodeWitness.CosignAsync"/>'s, exactly those of the
/// <c>add-checkpoint</c> route; a refusal (such as a log that moved backwards from what this witness cosigned) throws,
/// and the sync logs it without failing.</remarks>
public sealed class WitnessingAudit : IAuditWitness
{
    private readonly IStore _store;
    private readonly Func<NodeWitness?> _witness;

    /// <summary>The audit witness of a node's store, cosigning with <paramref name="witness"/> (as <c>detente sync</c> builds it from the
    /// data folder's key: <see cref="NodeWitness.ForStoreAsync"/>).</summary>
    public WitnessingAudit(IStore store, NodeWitness witness)
        : this(store, () => witness)
    {
        ArgumentNullException.ThrowIfNull(witness);
    }

    /// <summary>The audit witness of a running node, whose witness exists once it has started.</summary>
    internal WitnessingAudit(IStore store, Func<NodeWitness?> witness)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _witness = witness;
    }

    /// <inheritdoc/>
    public async Task CheckpointVerifiedAsync(string partner, ReadOnlyMemory<byte> checkpoint, ITileStore partnerTiles,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(partner);
        ArgumentNullException.ThrowIfNull(partnerTiles);
        SignedNote note = SignedNote.Parse(checkpoint.Span);
        Checkpoint parsed = Checkpoint.FromNote(note);
        if (await _store.GetWitnessedLogAsync(parsed.Origin, cancellationToken).ConfigureAwait(false) is not { } witnessed)
        {
            return;
        }

        NodeWitness cosigner = _witness() ?? throw new InvalidOperationException("The node's witness is not running.");
        long oldSize = witnessed.RootHash is null ? 0 : witnessed.Size;
        if (oldSize == parsed.Size && witnessed.Checkpoint is { } last && last.Span.SequenceEqual(checkpoint.Span))
        {
            return;
        }

        MerkleHash[] proof = oldSize == 0 || oldSize >= parsed.Size
            ? []
            : await MerkleProof.ConsistencyAsync(new TileHashReader(partnerTiles, parsed.Size), oldSize, parsed.Size, cancellationToken)
                .ConfigureAwait(false);
        WitnessResponse answer = await cosigner.CosignAsync(note, oldSize, proof, cancellationToken).ConfigureAwait(false);
        if (answer.StatusCode != 200)
        {
            throw new InvalidOperationException(
                $"The witness refused {partner}'s checkpoint of size {parsed.Size} from size {oldSize}: {answer.StatusCode} {answer.Message}");
        }
    }
}
