using System.Security.Cryptography;

namespace Detente.Psi;

/// <summary>
/// The responder's OPRF key: a non-zero ristretto255 scalar k. Its public half k·B is the key commitment that goes
/// into the session's log record. The secret never leaves this object; <see cref="Dispose"/> wipes it.
/// </summary>
public sealed class PsiKey : IDisposable
{
    private readonly byte[] _scalar;
    private readonly byte[] _publicKey;
    private bool _disposed;

    private PsiKey(byte[] scalar)
    {
        _scalar = scalar;
        _publicKey = new byte[Ristretto255.ElementLength];
        Ristretto255.MultiplyBase(_scalar, _publicKey);
    }

    /// <summary>A fresh random key (RFC 9497 §3.2 GenerateKeyPair).</summary>
    public static PsiKey Generate()
    {
        Ristretto255.EnsureInitialized();
        byte[] scalar = new byte[Ristretto255.ScalarLength];
        Ristretto255.RandomScalar(scalar);
        return new PsiKey(scalar);
    }

    /// <summary>A key from its 32-byte little-endian scalar encoding (tests and RFC vectors).</summary>
    /// <exception cref="ArgumentException">Not 32 bytes, not reduced, or zero.</exception>
    internal static PsiKey FromScalar(ReadOnlySpan<byte> scalar)
    {
        Ristretto255.EnsureInitialized();
        if (scalar.Length != Ristretto255.ScalarLength || Ristretto255.IsZero(scalar))
        {
            throw new ArgumentException("A key is a non-zero 32-byte scalar.", nameof(scalar));
        }

        // Reduced means: reducing (scalar || 0^32) gives it back.
        Span<byte> wide = stackalloc byte[Ristretto255.UniformLength];
        wide.Clear();
        scalar.CopyTo(wide);
        Span<byte> reduced = stackalloc byte[Ristretto255.ScalarLength];
        Ristretto255.Reduce(wide, reduced);
        if (!reduced.SequenceEqual(scalar))
        {
            throw new ArgumentException("A key scalar must be reduced modulo the group order.", nameof(scalar));
        }

        return new PsiKey(scalar.ToArray());
    }

    /// <summary>The public key k·B (32 bytes): the commitment to this key.</summary>
    public ReadOnlySpan<byte> PublicKey => _publicKey;

    /// <summary>The secret scalar, for the protocol code only.</summary>
    internal ReadOnlySpan<byte> Scalar
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _scalar;
        }
    }

    /// <summary>Wipes the secret scalar.</summary>
    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(_scalar);
        _disposed = true;
    }
}
