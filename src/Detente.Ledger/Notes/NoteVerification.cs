namespace Detente.Ledger.Notes;

/// <summary>Why a signed note was not accepted.</summary>
public enum NoteFailure
{
    /// <summary>It was accepted.</summary>
    None,

    /// <summary>No signature is from a known key (C2SP signed-note: the note MUST be rejected).</summary>
    NoKnownSignature,

    /// <summary>A signature from a known key does not verify (the whole note is rejected).</summary>
    InvalidSignature,

    /// <summary>A signature's name and key id match two different known keys.</summary>
    AmbiguousKey,
}

/// <summary>The outcome of checking a signed note's signatures: a value, since a bad note is expected input.</summary>
public sealed class NoteVerification
{
    private NoteVerification(NoteFailure failure, NoteSignature? culprit, string message, IReadOnlyList<NoteSignature> verified, IReadOnlyList<NoteSignature> unknown)
    {
        Failure = failure;
        Culprit = culprit;
        Message = message;
        Verified = verified;
        Unknown = unknown;
    }

    /// <summary>True when at least one known key's signature verified and none failed.</summary>
    public bool IsValid => Failure == NoteFailure.None;

    /// <summary>Why not, when not.</summary>
    public NoteFailure Failure { get; }

    /// <summary>The signature that caused the failure, if one did.</summary>
    public NoteSignature? Culprit { get; }

    /// <summary>A short English explanation.</summary>
    public string Message { get; }

    /// <summary>The signatures from known keys that verified.</summary>
    public IReadOnlyList<NoteSignature> Verified { get; }

    /// <summary>The signatures from keys not known to the verifier, ignored.</summary>
    public IReadOnlyList<NoteSignature> Unknown { get; }

    internal static NoteVerification Succeeded(IReadOnlyList<NoteSignature> verified, IReadOnlyList<NoteSignature> unknown) =>
        new(NoteFailure.None, null, "The note verifies.", verified, unknown);

    internal static NoteVerification Failed(NoteFailure failure, NoteSignature? culprit, string message, IReadOnlyList<NoteSignature>? unknown = null) =>
        new(failure, culprit, message, [], unknown ?? []);
}
