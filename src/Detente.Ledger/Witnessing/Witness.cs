using Detente.Ledger.Merkle;
using Detente.Ledger.Notes;

namespace Detente.Ledger.Witnessing;

/// <summary>What a witness remembers of one log: the latest checkpoint it cosigned.</summary>
/// <param name="Origin">The log's origin line.</param>
/// <param name="Size">The size of the latest cosigned checkpoint.</param>
/// <param name="RootHash">Its root hash.</param>
public sealed record WitnessRecord(string Origin, long Size, MerkleHash RootHash);

/// <summary>A log a witness will cosign for: its origin and the keys that sign its checkpoints.</summary>
/// <param name="Origin">The origin line of its checkpoints.</param>
/// <param name="Keys">Its checkpoint verifier keys (type 0x01).</param>
public sealed record WitnessedLog(string Origin, IReadOnlyList<NoteVerifierKey> Keys);

/// <summary>The answer to an <c>add-checkpoint</c> request: status, body, and the record to store on success.</summary>
/// <param name="StatusCode">200, 400, 403, 404, 409 or 422, as C2SP tlog-witness v1.0.0 assigns them.</param>
/// <param name="ContentType">The body's content type.</param>
/// <param name="Body">The body: cosignature lines (200), the latest size (409 on size mismatch), or an explanation.</param>
/// <param name="NewRecord">On 200, the record the caller must persist (atomically with the check) before answering.</param>
/// <param name="Message">A short English explanation for logs.</param>
public sealed record WitnessResponse(int StatusCode, string ContentType, ReadOnlyMemory<byte> Body, WitnessRecord? NewRecord, string Message);

/// <summary>The witness side of C2SP tlog-witness v1.0.0 <c>add-checkpoint</c>: verify, check consistency, cosign.</summary>
/// <remarks>
/// The state (the last record per origin) is passed in and out, never kept here: the caller reads the record, calls
/// <see cref="AddCheckpoint(AddCheckpointRequest, Checkpoint, WitnessRecord)"/>, and on 200 stores <see cref="WitnessResponse.NewRecord"/>, all under one lock or
/// transaction, or two concurrent requests could roll the record back (tlog-witness, the race in "add-checkpoint").
/// </remarks>
public sealed class Witness
{
    private readonly Cosigner _cosigner;
    private readonly Dictionary<string, WitnessedLog> _logs;

    /// <summary>Creates a witness that cosigns with <paramref name="cosigner"/> for <paramref name="logs"/>.</summary>
    /// <exception cref="ArgumentException">Two logs share an origin.</exception>
    public Witness(Cosigner cosigner, IEnumerable<WitnessedLog> logs)
    {
        ArgumentNullException.ThrowIfNull(cosigner);
        ArgumentNullException.ThrowIfNull(logs);
        _cosigner = cosigner;
        _logs = new Dictionary<string, WitnessedLog>(StringComparer.Ordinal);
        foreach (WitnessedLog log in logs)
        {
            if (!_logs.TryAdd(log.Origin, log))
            {
                throw new ArgumentException($"Two logs have the origin {log.Origin}.", nameof(logs));
            }
        }
    }

    /// <summary>The witness's cosignature verifier key.</summary>
    public NoteVerifierKey VerifierKey => _cosigner.VerifierKey;

    /// <summary>Handles a request body; <paramref name="last"/> is the stored record for the checkpoint's origin, or null.</summary>
    public WitnessResponse AddCheckpoint(ReadOnlySpan<byte> body, Func<string, WitnessRecord?> last)
    {
        ArgumentNullException.ThrowIfNull(last);
        AddCheckpointRequest request;
        Checkpoint checkpoint;
        try
        {
            request = AddCheckpointRequest.Parse(body);
            checkpoint = Checkpoint.FromNote(request.Note);
        }
        catch (LedgerFormatException e)
        {
            return Text(400, $"Malformed request: {e.Message}");
        }

        return AddCheckpoint(request, checkpoint, last(checkpoint.Origin));
    }

    /// <summary>Handles a parsed request; <paramref name="last"/> is the stored record for the checkpoint's origin, or null.</summary>
    /// <exception cref="ArgumentException"><paramref name="last"/> is for another origin.</exception>
    public WitnessResponse AddCheckpoint(AddCheckpointRequest request, Checkpoint checkpoint, WitnessRecord? last)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(checkpoint);
        if (last is not null && !string.Equals(last.Origin, checkpoint.Origin, StringComparison.Ordinal))
        {
            throw new ArgumentException("The record is for another origin.", nameof(last));
        }

        if (!_logs.TryGetValue(checkpoint.Origin, out WitnessedLog? log))
        {
            return Text(404, "Unknown log origin.");
        }

        NoteVerification verification = request.Note.Verify(log.Keys);
        if (!verification.IsValid)
        {
            return Text(403, $"The checkpoint signature does not verify: {verification.Message}");
        }

        if (request.OldSize > checkpoint.Size)
        {
            return Text(400, "The old size is larger than the checkpoint size.");
        }

        long lastSize = last?.Size ?? 0;
        if (request.OldSize != lastSize)
        {
            return new WitnessResponse(409, WitnessResponses.SizeContentType, WitnessResponses.FormatSize(lastSize), null,
                $"The old size {request.OldSize} is not the latest cosigned size {lastSize}.");
        }

        if (last is not null && last.Size == checkpoint.Size && last.RootHash != checkpoint.RootHash)
        {
            return Text(409, "The checkpoint has the latest cosigned size but another root hash.");
        }

        // From old size 0 the proof MUST be empty (tlog-witness); otherwise it is an RFC 9162 consistency proof.
        bool consistent = request.OldSize == 0
            ? request.Proof.Count == 0
            : MerkleProof.VerifyConsistency(request.OldSize, checkpoint.Size, last!.RootHash, checkpoint.RootHash, request.Proof.ToArray());
        if (!consistent)
        {
            return Text(422, "The consistency proof does not verify.");
        }

        NoteSignature cosignature = _cosigner.Cosign(request.Note.Text);
        return new WitnessResponse(200, "text/plain; charset=utf-8", WitnessResponses.FormatCosignatures([cosignature]),
            new WitnessRecord(checkpoint.Origin, checkpoint.Size, checkpoint.RootHash), "Cosigned.");
    }

    private static WitnessResponse Text(int status, string message) =>
        new(status, "text/plain; charset=utf-8", System.Text.Encoding.UTF8.GetBytes(message + "\n"), null, message);
}
