using Detente.Ledger;
using Detente.Ledger.Merkle;
using Detente.Ledger.Notes;
using Detente.Ledger.Witnessing;
using Detente.Storage;

namespace Detente.Node;

/// <summary>
/// The node as a witness of other logs (C2SP tlog-witness v1.0.0, tlog-cosignature v1.0.1): verifies a checkpoint of a log
/// it was told to witness (<c>detente witness add</c>), checks its consistency with the last checkpoint it cosigned for that
/// origin, cosigns it with the node key, and records it in the store as a compare-and-swap, so that two concurrent requests
/// for one origin cannot both advance from the same old size.
/// </summary>
/// <remarks>
/// Served as <c>POST /log/witness/add-checkpoint</c> (submission prefix <c>/log/witness</c>), and callable in process
/// (<see cref="CosignAsync"/>) by code that fetched and verified a partner's checkpoint itself. The cosignature key is the
/// node's Ed25519 key under the witness name (<see cref="DefaultName"/>); its verifier key (type 0x04) is what partners
/// configure as this node's witness key (<c>detente witness key</c>).
/// </remarks>
public sealed class NodeWitness
{
    /// <summary>The most times a request is re-checked after losing the compare-and-swap to a concurrent one.</summary>
    private const int MaxAttempts = 8;

    private readonly IStore _store;
    private readonly Cosigner _cosigner;
    private readonly TimeProvider _time;

    /// <summary>Creates the witness over <paramref name="store"/>, cosigning with <paramref name="cosigner"/>.</summary>
    public NodeWitness(IStore store, Cosigner cosigner, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(cosigner);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _store = store;
        _cosigner = cosigner;
        _time = timeProvider;
    }

    /// <summary>The witness's cosignature verifier key (type 0x04), C2SP signed-note form.</summary>
    public NoteVerifierKey VerifierKey => _cosigner.VerifierKey;

    /// <summary>
    /// The witness name of a node whose log has origin <paramref name="logOrigin"/>: the origin with a final <c>/log</c>
    /// replaced by <c>/witness</c> (<c>taxii.example.org/log</c> → <c>taxii.example.org/witness</c>), else the origin followed by
    /// <c>/witness</c>.
    /// </summary>
    public static string DefaultName(string logOrigin)
    {
        ArgumentException.ThrowIfNullOrEmpty(logOrigin);
        return logOrigin.EndsWith("/log", StringComparison.Ordinal) ? logOrigin[..^4] + "/witness" : logOrigin + "/witness";
    }

    /// <summary>
    /// The witness of the node whose store is <paramref name="store"/> and whose key is <paramref name="nodeKey"/>, as the running
    /// node makes it (the witness name derived from the log's origin, <see cref="DefaultName"/>); null while the log has no
    /// origin (the node never started). For tools that act for the node outside it (<c>detente sync</c>).
    /// </summary>
    public static async Task<NodeWitness?> ForStoreAsync(IStore store, Stix.Signatures.StixSigningKey nodeKey, TimeProvider timeProvider,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(nodeKey);
        ArgumentNullException.ThrowIfNull(timeProvider);
        return await store.GetLogOriginAsync(cancellationToken).ConfigureAwait(false) is { } origin
            ? new NodeWitness(store, new Cosigner(DefaultName(origin), nodeKey, timeProvider), timeProvider)
            : null;
    }

    /// <summary>Handles an <c>add-checkpoint</c> request body: the status, content type and body to answer, as the spec assigns them.</summary>
    public async Task<WitnessResponse> AddCheckpointAsync(ReadOnlyMemory<byte> body, CancellationToken cancellationToken = default)
    {
        AddCheckpointRequest request;
        Checkpoint checkpoint;
        try
        {
            request = AddCheckpointRequest.Parse(body.Span);
            checkpoint = Checkpoint.FromNote(request.Note);
        }
        catch (LedgerFormatException e)
        {
            return Text(400, "Malformed request: " + e.Message);
        }

        return await HandleAsync(request, checkpoint, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Cosigns a witnessed log's checkpoint that in-process code obtained and checked itself, with the consistency proof from
    /// <paramref name="oldSize"/> (the size this witness last cosigned for the origin, <see cref="LastCosignedAsync"/>).
    /// Exactly the checks and the state update of <see cref="AddCheckpointAsync"/>.
    /// </summary>
    /// <returns>The witness's answer: on 200 its body holds the cosignature line; 409 carries the size to retry from.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The proof has more than 63 hashes or the old size is negative.</exception>
    public async Task<WitnessResponse> CosignAsync(SignedNote signedCheckpoint, long oldSize, IReadOnlyList<MerkleHash> consistencyProof,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(signedCheckpoint);
        var request = new AddCheckpointRequest(oldSize, consistencyProof, signedCheckpoint);
        Checkpoint checkpoint;
        try
        {
            checkpoint = Checkpoint.FromNote(signedCheckpoint);
        }
        catch (LedgerFormatException e)
        {
            return Text(400, "Malformed checkpoint: " + e.Message);
        }

        return await HandleAsync(request, checkpoint, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The latest checkpoint this witness cosigned for <paramref name="origin"/>, or null (never, or not witnessed).</summary>
    public async Task<WitnessRecord?> LastCosignedAsync(string origin, CancellationToken cancellationToken = default)
    {
        WitnessedLogRecord? stored = await _store.GetWitnessedLogAsync(origin, cancellationToken).ConfigureAwait(false);
        return stored is { RootHash: { } root } ? new WitnessRecord(stored.Origin, stored.Size, new MerkleHash(root.Span)) : null;
    }

    private async Task<WitnessResponse> HandleAsync(AddCheckpointRequest request, Checkpoint checkpoint, CancellationToken cancellationToken)
    {
        for (int attempt = 0; ; attempt++)
        {
            WitnessedLogRecord? stored = await _store.GetWitnessedLogAsync(checkpoint.Origin, cancellationToken).ConfigureAwait(false);
            if (stored is null || !NoteVerifierKey.TryParse(stored.VerifierKey, out NoteVerifierKey? key))
            {
                return new Witness(_cosigner, []).AddCheckpoint(request, checkpoint, null);
            }

            WitnessRecord? last = stored.RootHash is { } root ? new WitnessRecord(stored.Origin, stored.Size, new MerkleHash(root.Span)) : null;
            WitnessResponse response = new Witness(_cosigner, [new WitnessedLog(stored.Origin, [key])]).AddCheckpoint(request, checkpoint, last);
            if (response.NewRecord is not { } record)
            {
                return response;
            }

            if (await _store.AdvanceWitnessedLogAsync(record.Origin, stored.Size, record.Size, record.RootHash.ToArray(), request.Note.ToBytes(),
                _time.GetUtcNow(), System.Text.Encoding.UTF8.GetString(response.Body.Span).TrimEnd('\n'), cancellationToken).ConfigureAwait(false))
            {
                return response;
            }

            // Another request moved the record between the check and the update: check again against what it stored. The
            // cosignature made for the stale state is dropped, never returned.
            if (attempt == MaxAttempts)
            {
                WitnessedLogRecord? now = await _store.GetWitnessedLogAsync(checkpoint.Origin, cancellationToken).ConfigureAwait(false);
                long size = now?.Size ?? 0;
                return new WitnessResponse(409, WitnessResponses.SizeContentType, WitnessResponses.FormatSize(size), null,
                    "The witnessed log's record kept moving; retry from the size given.");
            }
        }
    }

    private static WitnessResponse Text(int status, string message) =>
        new(status, "text/plain; charset=utf-8", System.Text.Encoding.UTF8.GetBytes(message + "\n"), null, message);
}
