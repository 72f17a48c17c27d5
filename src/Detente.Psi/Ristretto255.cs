using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using Detente.Psi.Native;

namespace Detente.Psi;

/// <summary>
/// ristretto255 (RFC 9496) group operations over libsodium, with the checks the protocol needs: lengths, canonical
/// encodings and the identity refused. No curve arithmetic is done here; only libsodium's.
/// </summary>
internal static class Ristretto255
{
    /// <summary>Bytes of an encoded group element (Ne).</summary>
    public const int ElementLength = 32;

    /// <summary>Bytes of an encoded scalar (Ns).</summary>
    public const int ScalarLength = 32;

    /// <summary>Bytes of the uniform string the one-way map takes (RFC 9496 §4.3.4).</summary>
    public const int UniformLength = 64;

    static Ristretto255()
    {
        // sodium_init is idempotent and thread-safe; 0 = initialized now, 1 = already, -1 = failure.
        if (Sodium.SodiumInit() < 0)
        {
            throw new PsiException("libsodium could not be initialized.");
        }
    }

    /// <summary>Makes sure libsodium is initialized (runs the static constructor once).</summary>
    public static void EnsureInitialized()
    {
    }

    /// <summary>The RFC 9496 §4.3.4 element derivation from 64 uniform bytes (libsodium's <c>crypto_core_ristretto255_from_hash</c>).</summary>
    public static void FromUniformBytes(ReadOnlySpan<byte> uniform, Span<byte> element)
    {
        CheckLength(uniform, UniformLength);
        CheckLength(element, ElementLength);
        if (Sodium.FromHash(element, uniform) != 0)
        {
            ThrowNative("crypto_core_ristretto255_from_hash");
        }
    }

    /// <summary>True when <paramref name="element"/> is a canonical encoding of a group element other than the identity.</summary>
    /// <remarks>libsodium's check accepts the identity (whose only encoding is 32 zero bytes), so that is refused here.</remarks>
    public static bool IsValidElement(ReadOnlySpan<byte> element) =>
        element.Length == ElementLength && Sodium.IsValidPoint(element) == 1 && !IsZero(element);

    /// <summary>
    /// <paramref name="result"/> = <paramref name="scalar"/> · <paramref name="element"/>; false when the element is not a
    /// canonical encoding or the product is the identity (libsodium refuses both).
    /// </summary>
    public static bool TryMultiply(ReadOnlySpan<byte> scalar, ReadOnlySpan<byte> element, Span<byte> result)
    {
        CheckLength(scalar, ScalarLength);
        CheckLength(result, ElementLength);
        return element.Length == ElementLength && Sodium.ScalarMult(result, scalar, element) == 0;
    }

    /// <summary><paramref name="result"/> = <paramref name="scalar"/> · B for the generator B.</summary>
    public static void MultiplyBase(ReadOnlySpan<byte> scalar, Span<byte> result)
    {
        CheckLength(scalar, ScalarLength);
        CheckLength(result, ElementLength);
        if (Sodium.ScalarMultBase(result, scalar) != 0)
        {
            ThrowNative("crypto_scalarmult_ristretto255_base");
        }
    }

    /// <summary>
    /// <paramref name="result"/> = <paramref name="p"/> + <paramref name="q"/>; false when either is not a canonical
    /// encoding or the sum is the identity.
    /// </summary>
    public static bool TryAdd(ReadOnlySpan<byte> p, ReadOnlySpan<byte> q, Span<byte> result)
    {
        CheckLength(result, ElementLength);
        return p.Length == ElementLength && q.Length == ElementLength && Sodium.Add(result, p, q) == 0 && !IsZero(result);
    }

    /// <summary>
    /// <paramref name="result"/> = <paramref name="p"/> − <paramref name="q"/>; false when either is not a canonical
    /// encoding or the difference is the identity.
    /// </summary>
    public static bool TrySubtract(ReadOnlySpan<byte> p, ReadOnlySpan<byte> q, Span<byte> result)
    {
        CheckLength(result, ElementLength);
        return p.Length == ElementLength && q.Length == ElementLength && Sodium.Sub(result, p, q) == 0 && !IsZero(result);
    }

    /// <summary>A uniformly random non-zero scalar from libsodium's CSPRNG.</summary>
    public static void RandomScalar(Span<byte> scalar)
    {
        CheckLength(scalar, ScalarLength);
        do
        {
            Sodium.ScalarRandom(scalar);
        }
        while (IsZero(scalar));
    }

    /// <summary>The inverse of a non-zero scalar.</summary>
    public static void Invert(ReadOnlySpan<byte> scalar, Span<byte> inverse)
    {
        CheckLength(scalar, ScalarLength);
        CheckLength(inverse, ScalarLength);
        if (Sodium.ScalarInvert(inverse, scalar) != 0)
        {
            ThrowNative("crypto_core_ristretto255_scalar_invert");
        }
    }

    /// <summary>A 64-byte string reduced modulo the group order (RFC 9496 scalar from wide bytes).</summary>
    public static void Reduce(ReadOnlySpan<byte> wide, Span<byte> scalar)
    {
        CheckLength(wide, UniformLength);
        CheckLength(scalar, ScalarLength);
        Sodium.ScalarReduce(scalar, wide);
    }

    /// <summary><paramref name="product"/> = x · y modulo the group order.</summary>
    public static void Multiply(ReadOnlySpan<byte> x, ReadOnlySpan<byte> y, Span<byte> product)
    {
        CheckLength(x, ScalarLength);
        CheckLength(y, ScalarLength);
        CheckLength(product, ScalarLength);
        Sodium.ScalarMul(product, x, y);
    }

    /// <summary>True for the all-zero scalar; constant time.</summary>
    public static bool IsZero(ReadOnlySpan<byte> scalar)
    {
        Span<byte> zero = stackalloc byte[ScalarLength];
        zero.Clear();
        return CryptographicOperations.FixedTimeEquals(scalar, zero);
    }

    private static void CheckLength(ReadOnlySpan<byte> span, int length)
    {
        if (span.Length != length)
        {
            ThrowLength(length, span.Length);
        }
    }

    [DoesNotReturn]
    private static void ThrowLength(int expected, int actual) =>
        throw new ArgumentException($"Expected {expected} bytes, got {actual}.");

    [DoesNotReturn]
    private static void ThrowNative(string function) =>
        throw new PsiException($"libsodium's {function} failed.");
}
