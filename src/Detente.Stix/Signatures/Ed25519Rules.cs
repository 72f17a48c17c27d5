using System.Diagnostics.CodeAnalysis;
using NSec.Cryptography;

namespace Detente.Stix.Signatures;

/// <summary>Why an Ed25519 signature was not accepted under Detente's pinned verification rule.</summary>
internal enum Ed25519Violation
{
    /// <summary>Accepted.</summary>
    None,

    /// <summary>The public key is not 32 bytes or the signature not 64.</summary>
    Length,

    /// <summary>S, the second half of the signature, is not below the group order L.</summary>
    ScalarNotReduced,

    /// <summary>The public key's y coordinate is not below p.</summary>
    PublicKeyNotCanonical,

    /// <summary>The public key is one of the eight points of small order.</summary>
    PublicKeySmallOrder,

    /// <summary>R's y coordinate is not below p.</summary>
    RNotCanonical,

    /// <summary>R is one of the eight points of small order.</summary>
    RSmallOrder,

    /// <summary>The cofactorless equation does not hold (or A is not on the curve).</summary>
    EquationFails,
}

/// <summary>Detente's one rule for accepting an Ed25519 signature, enforced the same way whatever the library version.</summary>
/// <remarks>
/// <para>
/// Ed25519 verifiers disagree on edge cases (RFC 8032 §5.1.7 leaves room; see Chalkias, Garillot and Nikolaenko,
/// "Taming the many EdDSAs", 2020). Detente pins the rule of libsodium 1.0.22's <c>crypto_sign_verify_detached</c>
/// (built without <c>ED25519_COMPAT</c>), which NSec 26.4 calls. With A the public key, R and S the halves of the
/// signature, M the message, L the group order and p = 2^255 − 19, a signature is accepted if and only if:
/// </para>
/// <list type="number">
/// <item>the key is 32 bytes and the signature 64;</item>
/// <item>S &lt; L (no malleable S + L);</item>
/// <item>A and R are canonical encodings: y (the low 255 bits) &lt; p;</item>
/// <item>neither A nor R is of small order: y is not 0, 1, p − 1, or the y of an order-8 point (the sign bit is not
/// looked at, so all eight small-order points and their sign-flipped encodings are refused);</item>
/// <item>A decodes to a curve point; and</item>
/// <item>the cofactorless equation holds as bytes: encode([S]B − [k]A) = R, where k = SHA-512(R ‖ A ‖ M) mod L.</item>
/// </list>
/// <para>
/// Rules 1–4 are checked here, on the bytes, before the library is called, so a library that stops checking them
/// (libsodium's development branch, for one, accepts a non-canonical R) changes nothing. Rules 5 and 6 need curve
/// arithmetic and are left to libsodium; because a library that moved to the cofactored equation
/// (<c>[8]([S]B − [k]A − R)</c> is the identity) would accept more, the first verification runs a self-test with a
/// signature whose R has a small-order component (valid only under the cofactored equation) and refuses to verify
/// anything if the library accepts it.
/// </para>
/// <para>
/// Mixed-order public keys (a prime-order point plus a small-order one) are not refused, as libsodium does not
/// refuse them; under the cofactorless equation they verify only when 8 divides k, the same on every node.
/// </para>
/// </remarks>
internal static class Ed25519Rules
{
    /// <summary>The y coordinates (little-endian, sign bit clear) of the eight points of small order.</summary>
    private static readonly byte[][] s_smallOrderY =
    [
        // 0: the two points of order 4, (±sqrt(-1), 0).
        Convert.FromHexString("0000000000000000000000000000000000000000000000000000000000000000"),
        // 1: the identity (order 1).
        Convert.FromHexString("0100000000000000000000000000000000000000000000000000000000000000"),
        // p - 1: the point of order 2, (0, -1).
        Convert.FromHexString("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
        // The two y values of the four points of order 8.
        Convert.FromHexString("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05"),
        Convert.FromHexString("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a"),
    ];

    /// <summary>L = 2^252 + 27742317777372353535851937790883648493, little-endian.</summary>
    private static readonly byte[] s_order = Convert.FromHexString("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010");

    private static readonly Lazy<string?> s_selfTest = new(RunSelfTest, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Checks rules 1–4 for a public key alone.</summary>
    public static Ed25519Violation CheckPublicKey(ReadOnlySpan<byte> publicKey)
    {
        if (publicKey.Length != 32)
        {
            return Ed25519Violation.Length;
        }

        if (!IsCanonicalPoint(publicKey))
        {
            return Ed25519Violation.PublicKeyNotCanonical;
        }

        return IsSmallOrder(publicKey) ? Ed25519Violation.PublicKeySmallOrder : Ed25519Violation.None;
    }

    /// <summary>Checks rules 1–4, the ones that need no curve arithmetic.</summary>
    public static Ed25519Violation CheckEncodings(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != 64)
        {
            return Ed25519Violation.Length;
        }

        Ed25519Violation key = CheckPublicKey(publicKey);
        if (key != Ed25519Violation.None)
        {
            return key;
        }

        ReadOnlySpan<byte> r = signature[..32];
        if (!IsReducedScalar(signature[32..]))
        {
            return Ed25519Violation.ScalarNotReduced;
        }

        if (!IsCanonicalPoint(r))
        {
            return Ed25519Violation.RNotCanonical;
        }

        return IsSmallOrder(r) ? Ed25519Violation.RSmallOrder : Ed25519Violation.None;
    }

    /// <summary>Verifies under the pinned rule.</summary>
    /// <exception cref="InvalidOperationException">The Ed25519 implementation failed the self-test (it is not cofactorless).</exception>
    public static Ed25519Violation Verify(PublicKey publicKey, ReadOnlySpan<byte> rawPublicKey, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        EnsureConformingImplementation();
        Ed25519Violation violation = CheckEncodings(rawPublicKey, signature);
        if (violation != Ed25519Violation.None)
        {
            return violation;
        }

        return SignatureAlgorithm.Ed25519.Verify(publicKey, data, signature) ? Ed25519Violation.None : Ed25519Violation.EquationFails;
    }

    /// <summary>A short English description of <paramref name="violation"/>.</summary>
    public static string Describe(Ed25519Violation violation) => violation switch
    {
        Ed25519Violation.None => "The signature is valid.",
        Ed25519Violation.Length => "The public key is not 32 bytes or the signature is not 64 bytes.",
        Ed25519Violation.ScalarNotReduced => "The signature's S is not below the group order L.",
        Ed25519Violation.PublicKeyNotCanonical => "The public key is not a canonical point encoding (y >= p).",
        Ed25519Violation.PublicKeySmallOrder => "The public key is a point of small order.",
        Ed25519Violation.RNotCanonical => "The signature's R is not a canonical point encoding (y >= p).",
        Ed25519Violation.RSmallOrder => "The signature's R is a point of small order.",
        _ => "The signature does not verify (cofactorless equation).",
    };

    /// <summary>Throws unless the library verifies by the cofactorless equation; runs once.</summary>
    /// <exception cref="InvalidOperationException">The Ed25519 implementation failed the self-test.</exception>
    public static void EnsureConformingImplementation()
    {
        string? failure = s_selfTest.Value;
        if (failure is not null)
        {
            ThrowNonConforming(failure);
        }
    }

    /// <summary>True when the little-endian y (bit 255 ignored) is below p = 2^255 − 19.</summary>
    internal static bool IsCanonicalPoint(ReadOnlySpan<byte> encoding)
    {
        // y >= p only when bytes 31..1 are 7f ff .. ff (bit 255 masked) and byte 0 is at least 0xed.
        if ((encoding[31] & 0x7F) != 0x7F)
        {
            return true;
        }

        for (int i = 30; i > 0; i--)
        {
            if (encoding[i] != 0xFF)
            {
                return true;
            }
        }

        return encoding[0] < 0xED;
    }

    /// <summary>True when the y coordinate (bit 255 ignored) is that of a point of small order; assumes a canonical encoding.</summary>
    internal static bool IsSmallOrder(ReadOnlySpan<byte> encoding)
    {
        Span<byte> y = stackalloc byte[32];
        encoding.CopyTo(y);
        y[31] &= 0x7F;
        foreach (byte[] candidate in s_smallOrderY)
        {
            if (y.SequenceEqual(candidate))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when the little-endian scalar is below L.</summary>
    internal static bool IsReducedScalar(ReadOnlySpan<byte> scalar)
    {
        for (int i = 31; i >= 0; i--)
        {
            if (scalar[i] != s_order[i])
            {
                return scalar[i] < s_order[i];
            }
        }

        return false; // equal to L
    }

    private static string? RunSelfTest()
    {
        // RFC 8032 §7.1 TEST 1 must verify.
        PublicKey rfc = PublicKey.Import(
            SignatureAlgorithm.Ed25519,
            Convert.FromHexString("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"),
            KeyBlobFormat.RawPublicKey);
        byte[] rfcSignature = Convert.FromHexString(
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
        if (!SignatureAlgorithm.Ed25519.Verify(rfc, [], rfcSignature))
        {
            return "it rejects RFC 8032 §7.1 TEST 1";
        }

        // R = [r]B + T, T of order 8, S = r + k·a: [S]B − [k]A = R − T ≠ R, yet [8]([S]B − [k]A − R) is the identity.
        // Only a cofactored verifier accepts it. Built by Detente's tests (Ed25519RuleTests) and checked there.
        PublicKey mixed = PublicKey.Import(SignatureAlgorithm.Ed25519, MixedOrderR.PublicKey, KeyBlobFormat.RawPublicKey);
        if (SignatureAlgorithm.Ed25519.Verify(mixed, MixedOrderR.Message, MixedOrderR.Signature))
        {
            return "it accepts a signature whose R has a small-order component (it uses the cofactored equation)";
        }

        return null;
    }

    [DoesNotReturn]
    private static void ThrowNonConforming(string failure) =>
        throw new InvalidOperationException(
            $"The Ed25519 implementation does not follow Detente's pinned verification rule: {failure}. " +
            "Verifying with it would let nodes disagree on which signatures are valid; use the libsodium version NSec.Cryptography pins.");

    /// <summary>The self-test's mixed-order-R signature (see <see cref="RunSelfTest"/>).</summary>
    internal static class MixedOrderR
    {
        /// <summary>A = [a]B for a = SHA-512("detente conformance: secret scalar") mod L.</summary>
        public static byte[] PublicKey { get; } = Convert.FromHexString("0b19d10314c8c2aebb22e8989454b519b9dea83f9637a7b5becbbc413d2848e1");

        /// <summary>The message.</summary>
        public static byte[] Message { get; } = "detente: cofactorless"u8.ToArray();

        /// <summary>R ‖ S with R = [r]B + T (r = SHA-512("detente conformance: nonce") mod L, T the order-8 point with y = 26e8…05, x even).</summary>
        public static byte[] Signature { get; } = Convert.FromHexString(
            "b663ccbebbb99b7f2c9cae9d20621ffe4d4c362ac91db45aab0a050672c5b0a9" +
            "6aa95f2131b89b1016c01472ab0a04738ac1ff49ee29a3e457fdc1934f7f1b03");
    }
}
