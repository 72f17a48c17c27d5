namespace Detente.Stix.Signatures;

/// <summary>The outcome of verifying an object's signature by one key.</summary>
public enum SignatureStatus
{
    /// <summary>The object carries a signature by the key, and it is valid.</summary>
    Valid,

    /// <summary>The object carries no Detente signature at all.</summary>
    NoSignature,

    /// <summary>The object carries Detente signatures, none by the key.</summary>
    KeyNotUsed,

    /// <summary>The object carries a well-formed signature by the key that does not verify: the object was changed, or the signature forged.</summary>
    BadSignature,

    /// <summary>The signature extension or one of its signatures is not in the one form Detente accepts.</summary>
    MalformedSignature,
}

/// <summary>The outcome of <see cref="StixSignatures.Verify"/>: a value, since a bad signature from a partner is expected, not exceptional.</summary>
/// <param name="Status">What was found.</param>
/// <param name="KeyId">The key id that was looked for.</param>
/// <param name="Detail">Why, in a sentence (never object contents).</param>
public readonly record struct SignatureCheck(SignatureStatus Status, string KeyId, string Detail)
{
    /// <summary>True when <see cref="Status"/> is <see cref="SignatureStatus.Valid"/>.</summary>
    public bool IsValid => Status == SignatureStatus.Valid;
}

/// <summary>One entry of an object's <c>signatures</c>, as read by <see cref="StixSignatures.Read"/>.</summary>
/// <remarks>Exactly one holds: <see cref="KeyId"/> is set and <see cref="Problem"/> is null (well formed), or the reverse.</remarks>
/// <param name="Index">The entry's position in <c>signatures</c>; -1 when the extension entry itself is malformed.</param>
/// <param name="Value">The entry as written (empty when it is not a string).</param>
/// <param name="KeyId">The signer's key id, when the entry is well formed.</param>
/// <param name="Problem">What is wrong with the entry, when it is not.</param>
public sealed record StixSignatureInfo(int Index, string Value, string? KeyId, string? Problem)
{
    /// <summary>True when the entry is in the one form Detente accepts (whether the signature verifies is another question).</summary>
    public bool IsWellFormed => Problem is null;
}
