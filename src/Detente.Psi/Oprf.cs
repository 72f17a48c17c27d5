using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace Detente.Psi;

/// <summary>
/// The RFC 9497 OPRF in mode 0x00 (modeOPRF) with the ristretto255-SHA512 suite, parameterized by its context string:
/// the RFC's own (<see cref="Rfc9497"/>, for the test vectors) or Detente's (<see cref="ForDetente"/>), which names
/// Detente, the protocol version and the key context (the session id) so that outputs of one session mean nothing
/// in another.
/// </summary>
/// <remarks>RFC 9497 §3.1 (contextString), §3.3.1 (Blind, BlindEvaluate, Finalize), §3.2.1 (DeriveKeyPair), §4.1 (ristretto255-SHA512).</remarks>
public sealed class Oprf
{
    /// <summary>Bytes of an OPRF output (Nh, SHA-512).</summary>
    public const int OutputLength = 64;

    /// <summary>Longest input: the Finalize transcript encodes its length in two bytes.</summary>
    public const int MaxInputLength = ushort.MaxValue;

    /// <summary>The protocol version Detente names in its context string.</summary>
    public const int DetenteVersion = 1;

    private const string SuiteIdentifier = "ristretto255-SHA512";
    private const int StackLimit = 1024;

    private readonly byte[] _context;
    private readonly byte[] _hashToGroupDst;
    private readonly byte[] _hashToScalarDst;
    private readonly byte[] _deriveKeyPairDst;

    private Oprf(byte[] context)
    {
        Ristretto255.EnsureInitialized();
        _context = context;
        _hashToGroupDst = [.. "HashToGroup-"u8, .. context];
        _hashToScalarDst = [.. "HashToScalar-"u8, .. context];
        _deriveKeyPairDst = [.. "DeriveKeyPair"u8, .. context];
    }

    /// <summary>The RFC's suite: contextString = "OPRFV1-" || I2OSP(0x00, 1) || "-ristretto255-SHA512".</summary>
    public static Oprf Rfc9497 { get; } = new([.. "OPRFV1-"u8, 0x00, .. "-ristretto255-SHA512"u8]);

    /// <summary>
    /// Detente's context: "Detente-PSI-v1-" || I2OSP(0x00, 1) || "-ristretto255-SHA512-" || the 32 hex digits of
    /// <paramref name="keyContext"/> (the session id, or the key epoch id when a prepared set serves several sessions).
    /// </summary>
    public static Oprf ForDetente(PsiSessionId keyContext) =>
        new([.. Encoding.ASCII.GetBytes($"Detente-PSI-v{DetenteVersion}-"), 0x00, .. Encoding.ASCII.GetBytes($"-{SuiteIdentifier}-{keyContext}")]);

    /// <summary>The context string every DST of this instance ends with.</summary>
    public ReadOnlySpan<byte> ContextString => _context;

    /// <summary>HashToGroup(input): expand_message_xmd(SHA-512) to 64 bytes under "HashToGroup-" || contextString, then the ristretto255 one-way map.</summary>
    /// <exception cref="PsiException">The input is longer than <see cref="MaxInputLength"/>.</exception>
    /// <remarks>RFC 9497 §4.1; RFC 9380 §5.3.1; RFC 9496 §4.3.4.</remarks>
    public void HashToGroup(ReadOnlySpan<byte> input, Span<byte> element)
    {
        CheckInput(input);
        Span<byte> uniform = stackalloc byte[Ristretto255.UniformLength];
        ExpandMessageXmd.Sha512(input, _hashToGroupDst, uniform);
        Ristretto255.FromUniformBytes(uniform, element);
    }

    /// <summary>HashToScalar(input): expand_message_xmd(SHA-512) to 64 bytes under <paramref name="dst"/> (default "HashToScalar-" || contextString), reduced.</summary>
    public void HashToScalar(ReadOnlySpan<byte> input, Span<byte> scalar, ReadOnlySpan<byte> dst = default)
    {
        Span<byte> uniform = stackalloc byte[Ristretto255.UniformLength];
        ExpandMessageXmd.Sha512(input, dst.IsEmpty ? _hashToScalarDst : dst, uniform);
        Ristretto255.Reduce(uniform, scalar);
    }

    /// <summary>Blind(input) with the given blind: blindedElement = blind · HashToGroup(input).</summary>
    /// <exception cref="PsiException">The input hashes to the identity (InvalidInputError), or is too long.</exception>
    public void Blind(ReadOnlySpan<byte> input, ReadOnlySpan<byte> blind, Span<byte> blindedElement)
    {
        Span<byte> element = stackalloc byte[Ristretto255.ElementLength];
        HashToGroup(input, element);
        if (!Ristretto255.TryMultiply(blind, element, blindedElement))
        {
            ThrowInvalidInput();
        }
    }

    /// <summary>BlindEvaluate(skS, blindedElement) = skS · blindedElement.</summary>
    /// <returns>False when the blinded element is not a canonical encoding or is the identity (DeserializeError).</returns>
    public static bool TryBlindEvaluate(PsiKey key, ReadOnlySpan<byte> blindedElement, Span<byte> evaluatedElement)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Ristretto255.TryMultiply(key.Scalar, blindedElement, evaluatedElement);
    }

    /// <summary>Finalize(input, blind, evaluatedElement): unblinds with blind⁻¹ and hashes the transcript.</summary>
    /// <returns>False when the evaluated element is not a canonical encoding or is the identity.</returns>
    public static bool TryFinalize(ReadOnlySpan<byte> input, ReadOnlySpan<byte> blind, ReadOnlySpan<byte> evaluatedElement, Span<byte> output)
    {
        Span<byte> inverse = stackalloc byte[Ristretto255.ScalarLength];
        Ristretto255.Invert(blind, inverse);
        Span<byte> unblinded = stackalloc byte[Ristretto255.ElementLength];
        if (!Ristretto255.TryMultiply(inverse, evaluatedElement, unblinded))
        {
            return false;
        }

        HashTranscript(input, unblinded, output);
        return true;
    }

    /// <summary>
    /// The last step of Finalize, for an element already unblinded (N = k · HashToGroup(input)):
    /// Hash(I2OSP(len(input), 2) || input || I2OSP(len(N), 2) || N || "Finalize"). This is also the server-side
    /// evaluation the responder uses for its own set.
    /// </summary>
    public static void HashTranscript(ReadOnlySpan<byte> input, ReadOnlySpan<byte> unblindedElement, Span<byte> output)
    {
        CheckInput(input);
        int length = 2 + input.Length + 2 + unblindedElement.Length + 8;
        byte[]? rented = null;
        Span<byte> buffer = length <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            buffer = buffer[..length];
            BinaryPrimitives.WriteUInt16BigEndian(buffer, (ushort)input.Length);
            input.CopyTo(buffer[2..]);
            int at = 2 + input.Length;
            BinaryPrimitives.WriteUInt16BigEndian(buffer[at..], (ushort)unblindedElement.Length);
            unblindedElement.CopyTo(buffer[(at + 2)..]);
            "Finalize"u8.CopyTo(buffer[(at + 2 + unblindedElement.Length)..]);
            SHA512.HashData(buffer, output);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>DeriveKeyPair(seed, info) (RFC 9497 §3.2.1): a key determined by a 32-byte seed and public info.</summary>
    /// <exception cref="ArgumentException">The seed is not 32 bytes or the info is longer than 65535 bytes.</exception>
    /// <exception cref="PsiException">No non-zero scalar after 256 attempts (DeriveKeyPairError; practically impossible).</exception>
    public PsiKey DeriveKey(ReadOnlySpan<byte> seed, ReadOnlySpan<byte> info)
    {
        if (seed.Length != 32)
        {
            throw new ArgumentException("DeriveKeyPair takes a 32-byte seed.", nameof(seed));
        }

        if (info.Length > ushort.MaxValue)
        {
            throw new ArgumentException("DeriveKeyPair info is at most 65535 bytes.", nameof(info));
        }

        byte[] deriveInput = new byte[seed.Length + 2 + info.Length + 1];
        seed.CopyTo(deriveInput);
        BinaryPrimitives.WriteUInt16BigEndian(deriveInput.AsSpan(seed.Length), (ushort)info.Length);
        info.CopyTo(deriveInput.AsSpan(seed.Length + 2));
        Span<byte> scalar = stackalloc byte[Ristretto255.ScalarLength];
        try
        {
            for (int counter = 0; counter <= 255; counter++)
            {
                deriveInput[^1] = (byte)counter;
                HashToScalar(deriveInput, scalar, _deriveKeyPairDst);
                if (!Ristretto255.IsZero(scalar))
                {
                    return PsiKey.FromScalar(scalar);
                }
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(scalar);
            CryptographicOperations.ZeroMemory(deriveInput);
        }

        throw new PsiException("DeriveKeyPair found no non-zero scalar.");
    }

    private static void CheckInput(ReadOnlySpan<byte> input)
    {
        if (input.Length > MaxInputLength)
        {
            ThrowTooLong(input.Length);
        }
    }

    [DoesNotReturn]
    private static void ThrowTooLong(int length) =>
        throw new PsiException($"An OPRF input is at most {MaxInputLength} bytes, not {length}.");

    [DoesNotReturn]
    private static void ThrowInvalidInput() =>
        throw new PsiException("The input hashes to the identity element (InvalidInputError).");
}
