namespace Detente.Storage;

/// <summary>A log this node witnesses (cosigns for): its origin, its checkpoint verifier key and the latest checkpoint cosigned.</summary>
/// <param name="Origin">The log's origin line (the key name of <paramref name="VerifierKey"/>).</param>
/// <param name="VerifierKey">The log's checkpoint verifier key, C2SP signed-note form <c>name+hash+base64</c>.</param>
/// <param name="Size">The size of the latest checkpoint this node cosigned for the log; 0 when none yet.</param>
/// <param name="RootHash">That checkpoint's 32-byte root hash; null when none yet.</param>
/// <param name="Checkpoint">That checkpoint as received (signed note bytes); null when none yet.</param>
/// <param name="Cosigned">When this node cosigned it; null when none yet.</param>
/// <param name="Cosignature">The cosignature this node made for it (a signed-note signature line without its newline); null when none
/// yet, or cosigned before the store kept cosignatures (migration 11).</param>
public sealed record WitnessedLogRecord(string Origin, string VerifierKey, long Size, ReadOnlyMemory<byte>? RootHash, ReadOnlyMemory<byte>? Checkpoint,
    DateTimeOffset? Cosigned, string? Cosignature = null);

/// <summary>A witness of this node's log: where to submit checkpoints, its key, and what it cosigned.</summary>
/// <remarks>The credentials to reach it (a bearer token, TLS material) are not here: the node keeps them in its data folder.</remarks>
public sealed record LogWitnessRecord
{
    /// <summary>The witness's name (the key name of <see cref="VerifierKey"/>).</summary>
    public required string Name { get; init; }

    /// <summary>The witness's cosignature verifier key (type 0x04), C2SP signed-note form.</summary>
    public required string VerifierKey { get; init; }

    /// <summary>The witness's submission prefix; checkpoints go to <c>{Url}/add-checkpoint</c> (C2SP tlog-witness).</summary>
    public required Uri Url { get; init; }

    /// <summary>The size the witness last said it cosigned (from a 200 or a 409); 0 at first.</summary>
    public long KnownSize { get; init; }

    /// <summary>The checkpoint size of <see cref="Cosignature"/>; null when the witness has not cosigned yet.</summary>
    public long? CosignedSize { get; init; }

    /// <summary>The witness's latest cosignature, as a signed-note signature line without its newline (verified before it was stored).</summary>
    public string? Cosignature { get; init; }

    /// <summary>When <see cref="Cosignature"/> was received.</summary>
    public DateTimeOffset? Cosigned { get; init; }
}

/// <summary>A witness token found in the store by migration 11, waiting to be moved to the node's data folder.</summary>
/// <param name="Name">The witness's name (<see cref="LogWitnessRecord.Name"/>).</param>
/// <param name="Token">The bearer token as it was stored.</param>
public sealed record LogWitnessTokenToMove(string Name, string Token)
{
    /// <summary>The witness's name; never the token.</summary>
    public override string ToString() => Name + " (token hidden)";
}
