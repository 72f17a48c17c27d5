using System.Security.Cryptography;

namespace Detente.Psi;

/// <summary>
/// The initiator's set, blinded additively ahead of one session: for each element x (deduplicated and padded as the
/// session would) the blinded element H(x) + r·B the session will send and the r·K that unblinds the responder's
/// answer, for the responder's public key K of a key epoch. The session's online blind is then a copy, and its
/// finalize one point subtraction and one SHA-512 per element.
/// </summary>
/// <remarks>
/// <para>
/// Where <see cref="PsiBlinds"/> holds set-independent pairs (r·B, r·K) and leaves the hash to the group and the
/// addition to the session, this type does all of the initiator's per-element group work before the session: one
/// fixed-base and one variable-base multiplication, one hash to the group and one addition per element. The blinded
/// elements are exactly those an additive session would compute (each r fresh from libsodium's CSPRNG, wiped after
/// use), so what either side learns is unchanged (<c>README.md</c>, "Additive blinding").
/// </para>
/// <para>
/// One set serves <b>one</b> session: <see cref="PsiInitiatorSession"/> takes it once and a second session refuses
/// it, since sending the same blinded elements twice would let the responder link the two sessions, and a session
/// with different elements under the same blinds would reveal H(x₁) − H(x₂). The key context (the epoch id) is fixed
/// here because the hash to the group depends on it. Memory: the elements plus 64 bytes per element, the r·K wiped as
/// the answers are unblinded and everything on <see cref="Dispose"/>. Thread-safe.
/// </para>
/// </remarks>
public sealed class PsiBlindedSet : IDisposable
{
    private readonly byte[] _publicKey;
    private readonly byte[] _blinded;
    private readonly byte[] _unmasks;
    private int _taken;
    private bool _disposed;

    private PsiBlindedSet(byte[] publicKey, PsiSessionId keyContext, PsiElement[] inputs, int realCount, byte[] blinded, byte[] unmasks)
    {
        _publicKey = publicKey;
        KeyContext = keyContext;
        Inputs = inputs;
        RealCount = realCount;
        _blinded = blinded;
        _unmasks = unmasks;
    }

    /// <summary>The responder's public key K the set was blinded for (its key commitment).</summary>
    public ReadOnlySpan<byte> ResponderPublicKey => _publicKey;

    /// <summary>The responder's key context (key epoch id) the hash to the group was domain-separated with.</summary>
    public PsiSessionId KeyContext { get; }

    /// <summary>The set size the responder will see (after removing duplicates and padding).</summary>
    public int SetSize => Inputs.Length;

    /// <summary>A session has taken this set (it serves one session only).</summary>
    public bool IsTaken => Volatile.Read(ref _taken) != 0;

    /// <summary>The elements in the order they are sent: the distinct real ones first, then the padding.</summary>
    internal PsiElement[] Inputs { get; }

    /// <summary>How many of <see cref="Inputs"/> are real (the rest is padding).</summary>
    internal int RealCount { get; }

    /// <summary>
    /// Deduplicates and pads <paramref name="elements"/>, hashes each to the group under the DST of
    /// <paramref name="keyContext"/> and blinds it with a fresh pair (r·B, r·K) for <paramref name="responderPublicKey"/>,
    /// over <see cref="PsiOptions.Parallelism"/> threads.
    /// </summary>
    /// <param name="responderPublicKey">The responder's public key K for the key epoch (its key commitment).</param>
    /// <param name="keyContext">The responder's key epoch id (the DST names it).</param>
    /// <param name="elements">The initiator's set; duplicates are removed, the caller's order of first occurrences kept.</param>
    /// <param name="options">Limits (<see cref="PsiOptions.MaxSetSize"/>), padding (<see cref="PsiOptions.PadTo"/>) and threads.</param>
    /// <exception cref="PsiException"><paramref name="responderPublicKey"/> is not a canonical encoding of a group element
    /// other than the identity, the set is larger than <see cref="PsiOptions.MaxSetSize"/>, or an element's blinded form is
    /// the identity (probability about 2^-252).</exception>
    public static PsiBlindedSet Create(ReadOnlySpan<byte> responderPublicKey, PsiSessionId keyContext, IReadOnlyList<PsiElement> elements,
        PsiOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(elements);
        options ??= new PsiOptions();
        Ristretto255.EnsureInitialized();
        if (!Ristretto255.IsValidElement(responderPublicKey))
        {
            throw new PsiException("The responder's public key is not a valid ristretto255 element (a non-canonical encoding or the identity).");
        }

        PsiElement[] inputs = PsiInitiatorSession.DistinctAndPadded(elements, options, out int realCount);
        const int L = Ristretto255.ElementLength;
        byte[] publicKey = responderPublicKey.ToArray();
        byte[] blinded = new byte[inputs.Length * L];
        byte[] unmasks = new byte[inputs.Length * L];
        Oprf oprf = Oprf.ForDetente(keyContext);
        int bad = Batch.Run(inputs.Length, options.Parallelism, (start, end) =>
        {
            Span<byte> scalar = stackalloc byte[Ristretto255.ScalarLength];
            Span<byte> mask = stackalloc byte[L];
            Span<byte> hashed = stackalloc byte[L];
            try
            {
                for (int i = start; i < end; i++)
                {
                    Ristretto255.RandomScalar(scalar);
                    Ristretto255.MultiplyBase(scalar, mask);
                    oprf.HashToGroup(inputs[i].Utf8, hashed);
                    // r·K is the identity only for r = 0, which RandomScalar never returns; H(x) + r·B is the identity with
                    // probability 2^-252.
                    if (!Ristretto255.TryMultiply(scalar, publicKey, unmasks.AsSpan(i * L, L))
                        || !Ristretto255.TryAdd(hashed, mask, blinded.AsSpan(i * L, L)))
                    {
                        return i;
                    }
                }
            }
            finally
            {
                CryptographicOperations.ZeroMemory(scalar);
                CryptographicOperations.ZeroMemory(mask);
            }

            return -1;
        });
        if (bad >= 0)
        {
            CryptographicOperations.ZeroMemory(unmasks);
            throw new PsiException($"Element {bad} could not be blinded (its blinded form is the identity).", bad);
        }

        return new PsiBlindedSet(publicKey, keyContext, inputs, realCount, blinded, unmasks);
    }

    /// <summary>Hands the set to a session; it serves one session only.</summary>
    /// <exception cref="PsiException">A session already took it.</exception>
    internal void Take()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Interlocked.Exchange(ref _taken, 1) != 0)
        {
            throw new PsiException("This blinded set already served a session; blinds are never reused across sessions.");
        }
    }

    /// <summary>The blinded elements [<paramref name="index"/>, +<paramref name="count"/>), as sent.</summary>
    internal ReadOnlySpan<byte> Blinded(int index, int count) =>
        _blinded.AsSpan(index * Ristretto255.ElementLength, count * Ristretto255.ElementLength);

    /// <summary>r·K of element <paramref name="index"/>.</summary>
    internal ReadOnlySpan<byte> Unmask(int index) => _unmasks.AsSpan(index * Ristretto255.ElementLength, Ristretto255.ElementLength);

    /// <summary>Throws once the set has been disposed (its blinds are wiped).</summary>
    internal void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    /// <summary>Wipes the r·K of elements [<paramref name="index"/>, +<paramref name="count"/>) once their answers are unblinded.</summary>
    internal void WipeUnmasks(int index, int count) =>
        CryptographicOperations.ZeroMemory(_unmasks.AsSpan(index * Ristretto255.ElementLength, count * Ristretto255.ElementLength));

    /// <summary>Wipes the blinds; a session using them fails afterwards.</summary>
    public void Dispose()
    {
        _disposed = true;
        Volatile.Write(ref _taken, 1);
        CryptographicOperations.ZeroMemory(_blinded);
        CryptographicOperations.ZeroMemory(_unmasks);
    }
}
