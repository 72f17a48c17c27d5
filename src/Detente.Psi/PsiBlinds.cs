using System.Security.Cryptography;

namespace Detente.Psi;

/// <summary>
/// The initiator's precomputed additive blinds for one responder key K = k·B (one key epoch): pairs (r·B, r·K), each
/// with its own fresh random scalar r. A session blinds an element with H(x) + r·B and unblinds the responder's
/// answer k·(H(x) + r·B) with − r·K, so the online work is one point addition and one subtraction per element instead
/// of two variable-base scalar multiplications.
/// </summary>
/// <remarks>
/// Every pair is handed out once (<see cref="Remaining"/> counts down) and wiped after use: a pair used for two
/// elements x₁, x₂ would let the responder compute H(x₁) − H(x₂) from the two blinded elements and test guesses of
/// both, and scalars with a known relation (r₂ = r₁ + c) leak the same way; fresh uniform scalars from libsodium's
/// CSPRNG make each blinded element uniform and independent of the others. The pairs are secret (r·B unblinds the
/// element) and are wiped by <see cref="Dispose"/>. Memory: 64 bytes per pair. Thread-safe.
/// </remarks>
public sealed class PsiBlinds : IDisposable
{
    private readonly byte[] _publicKey;
    private readonly byte[] _masks;
    private readonly byte[] _unmasks;
    private int _taken;
    private bool _disposed;

    private PsiBlinds(byte[] publicKey, byte[] masks, byte[] unmasks, int count)
    {
        _publicKey = publicKey;
        _masks = masks;
        _unmasks = unmasks;
        Count = count;
    }

    /// <summary>The responder's public key K these blinds were computed for (its key commitment).</summary>
    public ReadOnlySpan<byte> ResponderPublicKey => _publicKey;

    /// <summary>Pairs computed.</summary>
    public int Count { get; }

    /// <summary>Pairs not yet handed to a session.</summary>
    public int Remaining => Count - Math.Min(Count, Volatile.Read(ref _taken));

    /// <summary>
    /// Computes <paramref name="count"/> pairs (r·B, r·K) for the responder key <paramref name="responderPublicKey"/>: one
    /// fixed-base and one variable-base multiplication per pair, over <see cref="PsiOptions.Parallelism"/> threads.
    /// </summary>
    /// <exception cref="PsiException"><paramref name="responderPublicKey"/> is not a canonical encoding of a group element
    /// other than the identity, or <paramref name="count"/> exceeds <see cref="PsiOptions.MaxSetSize"/>.</exception>
    public static PsiBlinds Precompute(ReadOnlySpan<byte> responderPublicKey, int count, PsiOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        options ??= new PsiOptions();
        Ristretto255.EnsureInitialized();
        if (!Ristretto255.IsValidElement(responderPublicKey))
        {
            throw new PsiException("The responder's public key is not a valid ristretto255 element (a non-canonical encoding or the identity).");
        }

        if (count > options.MaxSetSize)
        {
            throw new PsiException($"{count} blinds exceed the limit of {options.MaxSetSize}.");
        }

        const int L = Ristretto255.ElementLength;
        byte[] publicKey = responderPublicKey.ToArray();
        byte[] masks = new byte[count * L];
        byte[] unmasks = new byte[count * L];
        int bad = Batch.Run(count, options.Parallelism, (start, end) =>
        {
            Span<byte> scalar = stackalloc byte[Ristretto255.ScalarLength];
            try
            {
                for (int i = start; i < end; i++)
                {
                    Ristretto255.RandomScalar(scalar);
                    Ristretto255.MultiplyBase(scalar, masks.AsSpan(i * L, L));
                    if (!Ristretto255.TryMultiply(scalar, publicKey, unmasks.AsSpan(i * L, L)))
                    {
                        return i;
                    }
                }
            }
            finally
            {
                CryptographicOperations.ZeroMemory(scalar);
            }

            return -1;
        });
        if (bad >= 0)
        {
            // r·K is the identity only for r = 0, which RandomScalar never returns.
            throw new PsiException($"Blind {bad} could not be computed.", bad);
        }

        return new PsiBlinds(publicKey, masks, unmasks, count);
    }

    /// <summary>Hands out <paramref name="count"/> unused pairs; returns the index of the first.</summary>
    /// <exception cref="PsiException">Fewer than <paramref name="count"/> pairs remain.</exception>
    internal int Take(int count)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        while (true)
        {
            int taken = Volatile.Read(ref _taken);
            if (count > Count - Math.Min(Count, taken))
            {
                throw new PsiException($"Only {Count - Math.Min(Count, taken)} precomputed blinds remain; the session needs {count}.");
            }

            if (Interlocked.CompareExchange(ref _taken, taken + count, taken) == taken)
            {
                return taken;
            }
        }
    }

    /// <summary>r·B of pair <paramref name="index"/>.</summary>
    internal ReadOnlySpan<byte> Mask(int index) => _masks.AsSpan(index * Ristretto255.ElementLength, Ristretto255.ElementLength);

    /// <summary>r·K of pair <paramref name="index"/>.</summary>
    internal ReadOnlySpan<byte> Unmask(int index) => _unmasks.AsSpan(index * Ristretto255.ElementLength, Ristretto255.ElementLength);

    /// <summary>Wipes the r·B of pairs [<paramref name="index"/>, +<paramref name="count"/>) once their elements are blinded.</summary>
    internal void WipeMasks(int index, int count) =>
        CryptographicOperations.ZeroMemory(_masks.AsSpan(index * Ristretto255.ElementLength, count * Ristretto255.ElementLength));

    /// <summary>Wipes the r·K of pairs [<paramref name="index"/>, +<paramref name="count"/>) once their answers are unblinded.</summary>
    internal void WipeUnmasks(int index, int count) =>
        CryptographicOperations.ZeroMemory(_unmasks.AsSpan(index * Ristretto255.ElementLength, count * Ristretto255.ElementLength));

    /// <summary>Wipes every pair; sessions using them fail afterwards.</summary>
    public void Dispose()
    {
        _disposed = true;
        Volatile.Write(ref _taken, int.MaxValue);
        CryptographicOperations.ZeroMemory(_masks);
        CryptographicOperations.ZeroMemory(_unmasks);
    }
}
