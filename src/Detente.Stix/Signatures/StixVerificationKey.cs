using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using NSec.Cryptography;

namespace Detente.Stix.Signatures;

/// <summary>An Ed25519 public key that verifies Detente object signatures, with its key id.</summary>
/// <remarks>
/// RFC 8037 §2 (OKP, crv Ed25519): the key is the 32-byte encoding of RFC 8032 §5.1.5. The key id (the JWS
/// <c>kid</c>) is the lower-case hex SHA-256 of those 32 bytes. A key that no signature could ever be valid for under
/// Detente's rule (not canonical, or of small order; see <see cref="StixSignatures"/>) is refused when created.
/// </remarks>
public sealed class StixVerificationKey : IEquatable<StixVerificationKey>
{
    private readonly byte[] _raw;

    private StixVerificationKey(byte[] raw)
    {
        _raw = raw;
        KeyId = ComputeKeyId(raw);
        PublicKey = PublicKey.Import(SignatureAlgorithm.Ed25519, raw, KeyBlobFormat.RawPublicKey);
    }

    /// <summary>The key id: lower-case hex SHA-256 of the 32-byte public key (64 characters).</summary>
    public string KeyId { get; }

    /// <summary>The 32-byte public key.</summary>
    public ReadOnlyMemory<byte> RawPublicKey => _raw;

    internal PublicKey PublicKey { get; }

    /// <summary>Creates a verification key from a 32-byte Ed25519 public key.</summary>
    /// <exception cref="ArgumentException">The key is not 32 bytes, not a canonical point encoding, or a point of small order.</exception>
    public static StixVerificationKey FromRawPublicKey(ReadOnlySpan<byte> publicKey)
    {
        Ed25519Violation violation = Ed25519Rules.CheckPublicKey(publicKey);
        if (violation != Ed25519Violation.None)
        {
            throw new ArgumentException(Ed25519Rules.Describe(violation), nameof(publicKey));
        }

        return new StixVerificationKey(publicKey.ToArray());
    }

    /// <summary>Creates a verification key from a 32-byte Ed25519 public key; false when <see cref="FromRawPublicKey"/> would throw.</summary>
    public static bool TryFromRawPublicKey(ReadOnlySpan<byte> publicKey, [NotNullWhen(true)] out StixVerificationKey? key)
    {
        key = Ed25519Rules.CheckPublicKey(publicKey) == Ed25519Violation.None ? new StixVerificationKey(publicKey.ToArray()) : null;
        return key is not null;
    }

    /// <summary>The key id of a 32-byte public key: lower-case hex SHA-256.</summary>
    /// <exception cref="ArgumentException">The key is not 32 bytes.</exception>
    public static string ComputeKeyId(ReadOnlySpan<byte> publicKey)
    {
        if (publicKey.Length != 32)
        {
            throw new ArgumentException("An Ed25519 public key is 32 bytes.", nameof(publicKey));
        }

        return Convert.ToHexStringLower(SHA256.HashData(publicKey));
    }

    /// <summary>Wraps any 32 bytes, even a key <see cref="FromRawPublicKey"/> refuses (for tests of the verifier's own checks).</summary>
    internal static StixVerificationKey CreateUnchecked(ReadOnlySpan<byte> publicKey) => new(publicKey.ToArray());

    /// <summary>True when both hold the same public key.</summary>
    public bool Equals(StixVerificationKey? other) => other is not null && _raw.AsSpan().SequenceEqual(other._raw);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is StixVerificationKey other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => BitConverter.ToInt32(_raw, 0);

    /// <summary>The key id.</summary>
    public override string ToString() => KeyId;
}
