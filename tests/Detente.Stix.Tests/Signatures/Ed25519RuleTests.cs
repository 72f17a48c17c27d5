using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using Detente.Stix.Signatures;
using NSec.Cryptography;
using static Detente.Stix.Tests.Signatures.Ed25519TestMath;

namespace Detente.Stix.Tests.Signatures;

/// <summary>
/// The edge cases on which Ed25519 verifiers disagree, each built here from scratch, and the one answer Detente gives.
/// Every case is also put to libsodium (through NSec) directly, to show the pinned rule is libsodium 1.0.22's.
/// </summary>
public sealed class Ed25519RuleTests
{
    private static readonly byte[] s_message = "detente edge case"u8.ToArray();
    private static readonly BigInteger s_a = Expand(SHA256.HashData("detente test key"u8)).Scalar;
    private static readonly byte[] s_publicKey = Encode(Multiply(s_a, B));
    private static readonly BigInteger s_r = ModL(FromLittleEndian(SHA512.HashData("detente test nonce"u8)));

    /// <summary>The canonical encodings of the eight points of small order, and their orders.</summary>
    private static readonly (string Hex, int Order)[] s_smallOrder =
    [
        ("0100000000000000000000000000000000000000000000000000000000000000", 1),
        ("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", 2),
        ("0000000000000000000000000000000000000000000000000000000000000000", 4),
        ("0000000000000000000000000000000000000000000000000000000000000080", 4),
        ("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05", 8),
        ("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85", 8),
        ("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a", 8),
        ("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa", 8),
    ];

    public static TheoryData<string, int> SmallOrderPoints => new(s_smallOrder);

    private static readonly Lazy<Dictionary<string, EdgeCase>> s_cases = new(BuildCases);

    public static TheoryData<string> CaseNames => new(Cases().Keys);

    [Theory]
    [MemberData(nameof(SmallOrderPoints))]
    public void The_small_order_list_holds_exactly_the_points_of_small_order(string hex, int order)
    {
        byte[] encoding = Convert.FromHexString(hex);
        Point point = DecodeStrict(encoding)!.Value;

        Assert.True(SamePoint(Multiply(order, point), Identity));
        Assert.True(order == 1 || !SamePoint(Multiply(order / 2, point), Identity));
        Assert.Equal(encoding, Encode(point));
        Assert.True(Ed25519Rules.IsSmallOrder(encoding));
        Assert.Equal(Ed25519Violation.PublicKeySmallOrder, Ed25519Rules.CheckPublicKey(encoding));
        Assert.False(StixVerificationKey.TryFromRawPublicKey(encoding, out _));
    }

    [Fact]
    public void A_prime_order_point_is_not_taken_for_one_of_small_order()
    {
        Assert.False(Ed25519Rules.IsSmallOrder(s_publicKey));
        Assert.False(HasSmallOrder(DecodeStrict(s_publicKey)!.Value));
    }

    [Theory]
    [InlineData("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f")] // p, i.e. y = 0
    [InlineData("eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f")] // p + 1, i.e. y = 1
    [InlineData("f0ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f")] // p + 3: a point of large order
    [InlineData("ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff")] // 2^255 - 1 with the sign bit
    public void A_non_canonical_point_encoding_is_refused(string hex)
    {
        byte[] encoding = Convert.FromHexString(hex);

        Assert.False(Ed25519Rules.IsCanonicalPoint(encoding));
        Assert.Equal(Ed25519Violation.PublicKeyNotCanonical, Ed25519Rules.CheckPublicKey(encoding));
        Assert.Throws<ArgumentException>(() => StixVerificationKey.FromRawPublicKey(encoding));
    }

    [Theory]
    [InlineData("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", true)] // p - 1
    [InlineData("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", true)] // p - 1, sign bit set
    [InlineData("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", false)]
    [InlineData("ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7e", true)]
    public void Canonical_means_y_below_p(string hex, bool canonical)
    {
        Assert.Equal(canonical, Ed25519Rules.IsCanonicalPoint(Convert.FromHexString(hex)));
    }

    [Fact]
    public void S_must_be_below_the_group_order()
    {
        byte[] l = ToLittleEndian(L);
        byte[] belowL = ToLittleEndian(L - 1);

        Assert.False(Ed25519Rules.IsReducedScalar(l));
        Assert.True(Ed25519Rules.IsReducedScalar(belowL));
        Assert.False(Ed25519Rules.IsReducedScalar(ToLittleEndian(L + 1)));
        Assert.True(Ed25519Rules.IsReducedScalar(new byte[32]));
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Each_edge_case_is_decided_by_the_pinned_rule(string name)
    {
        EdgeCase c = Cases()[name];
        var key = StixVerificationKey.CreateUnchecked(c.PublicKey);

        Ed25519Violation actual = Ed25519Rules.Verify(key.PublicKey, c.PublicKey, c.Message, c.Signature);

        Assert.Equal(c.Expected, actual);
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Libsodium_alone_gives_the_same_answer_as_the_pinned_rule(string name)
    {
        EdgeCase c = Cases()[name];
        PublicKey key = PublicKey.Import(SignatureAlgorithm.Ed25519, c.PublicKey, KeyBlobFormat.RawPublicKey);

        bool accepted = SignatureAlgorithm.Ed25519.Verify(key, c.Message, c.Signature);

        Assert.Equal(c.Expected == Ed25519Violation.None, accepted);
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Each_edge_case_is_one_that_a_lenient_verifier_would_decide_otherwise(string name)
    {
        EdgeCase c = Cases()[name];
        if (c.LenientlyAccepted is null)
        {
            return; // an ordinary case (a valid signature, a wrong key, a changed message)
        }

        bool lenient = c.LenientlyAccepted == Equation.Cofactorless
            ? VerifyCofactorlessLeniently(c.PublicKey, c.Message, c.Signature)
            : VerifyCofactored(c.PublicKey, c.Message, c.Signature) == true;

        Assert.True(lenient);
        Assert.NotEqual(Ed25519Violation.None, c.Expected);
    }

    [Fact]
    public void The_self_test_vector_is_what_it_claims_to_be()
    {
        BigInteger a = ModL(FromLittleEndian(SHA512.HashData("detente conformance: secret scalar"u8)));
        BigInteger r = ModL(FromLittleEndian(SHA512.HashData("detente conformance: nonce"u8)));
        Point t8 = DecodeStrict(Convert.FromHexString("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05"))!.Value;
        byte[] publicKey = Encode(Multiply(a, B));

        byte[] signature = Sign(a, publicKey, r, Ed25519Rules.MixedOrderR.Message, t8);

        Assert.Equal(Ed25519Rules.MixedOrderR.PublicKey, publicKey);
        Assert.Equal(Ed25519Rules.MixedOrderR.Signature, signature);
        Assert.True(VerifyCofactored(publicKey, Ed25519Rules.MixedOrderR.Message, signature));
        Assert.False(VerifyCofactorless(publicKey, Ed25519Rules.MixedOrderR.Message, signature));
        Assert.Equal(Ed25519Violation.None, Ed25519Rules.CheckEncodings(publicKey, signature));
    }

    [Fact]
    public void The_installed_library_passes_the_self_test()
    {
        Ed25519Rules.EnsureConformingImplementation();
    }

    [Fact]
    public void Every_single_bit_flip_of_a_valid_signature_is_refused()
    {
        byte[] signature = Sign(s_a, s_publicKey, s_r, s_message);
        var key = StixVerificationKey.CreateUnchecked(s_publicKey);
        Assert.Equal(Ed25519Violation.None, Ed25519Rules.Verify(key.PublicKey, s_publicKey, s_message, signature));

        for (int bit = 0; bit < 512; bit++)
        {
            byte[] flipped = (byte[])signature.Clone();
            flipped[bit / 8] ^= (byte)(1 << (bit % 8));

            Assert.NotEqual(Ed25519Violation.None, Ed25519Rules.Verify(key.PublicKey, s_publicKey, s_message, flipped));
        }
    }

    private static bool VerifyCofactorlessLeniently(byte[] publicKey, byte[] message, byte[] signature)
    {
        // What a verifier that reduces y modulo p and S modulo L, and checks no orders, computes.
        Point? a = DecodeLenient(publicKey), r = DecodeLenient(signature[..32]);
        if (a is null || r is null)
        {
            return false;
        }

        BigInteger k = Challenge(signature[..32], publicKey, message);
        BigInteger s = FromLittleEndian(signature.AsSpan(32));
        return SamePoint(Multiply(s, B), Add(r.Value, Multiply(k, a.Value)));
    }

    private static Dictionary<string, EdgeCase> Cases() => s_cases.Value;

    private static Dictionary<string, EdgeCase> BuildCases()
    {
        var cases = new Dictionary<string, EdgeCase>(StringComparer.Ordinal);
        byte[] valid = Sign(s_a, s_publicKey, s_r, s_message);
        cases["a valid signature"] = new(s_publicKey, s_message, valid, Ed25519Violation.None, null);
        cases["a changed message"] = new(s_publicKey, "detente edge casf"u8.ToArray(), valid, Ed25519Violation.EquationFails, null);

        byte[] otherKey = Encode(Multiply(Expand(SHA256.HashData("another key"u8)).Scalar, B));
        cases["another key's public key"] = new(otherKey, s_message, valid, Ed25519Violation.EquationFails, null);

        // S + L: the same point [S]B, a second byte string for the same signature (malleability).
        BigInteger s = FromLittleEndian(valid.AsSpan(32));
        cases["S + L"] = new(s_publicKey, s_message, [.. valid[..32], .. ToLittleEndian(s + L)], Ed25519Violation.ScalarNotReduced, Equation.Cofactorless);

        // Small-order A: [k]A is small, so R = [r]B with S = r satisfies the equation (always for the identity).
        foreach ((string hex, int order) in SmallOrder())
        {
            byte[] a = Convert.FromHexString(hex);
            byte[] sig = [.. Encode(Multiply(s_r, B)), .. ToLittleEndian(s_r)];
            cases[$"small-order A of order {order} ({hex[..8]}…{hex[^2..]})"] =
                new(a, s_message, sig, Ed25519Violation.PublicKeySmallOrder, order == 1 ? Equation.Cofactorless : Equation.Cofactored);
        }

        // Sign-flipped encodings of the x = 0 points, and non-canonical encodings of small-order points.
        foreach (string hex in (ReadOnlySpan<string>)[
            "0100000000000000000000000000000000000000000000000000000000000080",
            "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"])
        {
            byte[] sig = [.. Encode(Multiply(s_r, B)), .. ToLittleEndian(s_r)];
            cases[$"sign-flipped small-order A ({hex[..8]}…{hex[^2..]})"] = new(Convert.FromHexString(hex), s_message, sig, Ed25519Violation.PublicKeySmallOrder, Equation.Cofactored);
        }

        foreach ((string hex, Ed25519Violation violation) in (ReadOnlySpan<(string, Ed25519Violation)>)[
            ("eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", Ed25519Violation.PublicKeyNotCanonical), // p + 1 ≡ identity
            ("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", Ed25519Violation.PublicKeyNotCanonical)]) // p ≡ y 0
        {
            byte[] sig = [.. Encode(Multiply(s_r, B)), .. ToLittleEndian(s_r)];
            cases[$"non-canonical small-order A ({hex[..8]}…)"] = new(Convert.FromHexString(hex), s_message, sig, violation, hex.StartsWith("ee", StringComparison.Ordinal) ? Equation.Cofactorless : Equation.Cofactored);
        }

        // Small-order R with S = k·a: [S]B = [k]A, so R + [k]A = [S]B exactly when R is the identity; cofactored otherwise.
        foreach ((string hex, int order) in SmallOrder())
        {
            byte[] r = Convert.FromHexString(hex);
            BigInteger k = Challenge(r, s_publicKey, s_message);
            cases[$"small-order R of order {order} ({hex[..8]}…{hex[^2..]})"] = new(
                s_publicKey, s_message, [.. r, .. ToLittleEndian(ModL(k * s_a))], Ed25519Violation.RSmallOrder,
                order == 1 ? Equation.Cofactorless : Equation.Cofactored);
        }

        // Non-canonical R: the identity written as p + 1, with S = k·a; a verifier that reduces y accepts it.
        {
            byte[] r = Convert.FromHexString("eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
            BigInteger k = Challenge(r, s_publicKey, s_message);
            cases["non-canonical R (p + 1, the identity)"] = new(s_publicKey, s_message, [.. r, .. ToLittleEndian(ModL(k * s_a))], Ed25519Violation.RNotCanonical, Equation.Cofactorless);
        }

        // Mixed-order R = [r]B + T: only the cofactored equation holds.
        Point t8 = DecodeStrict(Convert.FromHexString("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a"))!.Value;
        cases["mixed-order R"] = new(s_publicKey, s_message, Sign(s_a, s_publicKey, s_r, s_message, t8), Ed25519Violation.EquationFails, Equation.Cofactored);

        // Mixed-order A = [a]B + T: [S]B − [k]A = R − [k]T, which is R exactly when 8 divides k.
        byte[] mixedA = Encode(Add(Multiply(s_a, B), t8));
        (byte[] divisible, byte[] notDivisible) = MixedOrderKeySignatures(mixedA);
        cases["mixed-order A, 8 divides k"] = new(mixedA, MessageFor(divisible), divisible[^64..], Ed25519Violation.None, null);
        cases["mixed-order A, 8 does not divide k"] = new(mixedA, MessageFor(notDivisible), notDivisible[^64..], Ed25519Violation.EquationFails, Equation.Cofactored);

        // A canonical y with no x: not a point at all.
        byte[] offCurve = Convert.FromHexString("0200000000000000000000000000000000000000000000000000000000000000");
        Assert.Null(DecodeStrict(offCurve));
        cases["A off the curve (y = 2)"] = new(offCurve, s_message, valid, Ed25519Violation.EquationFails, null);

        return cases;
    }

    private static (string Hex, int Order)[] SmallOrder() => s_smallOrder;

    /// <summary>Two signatures by the mixed-order key: message index (4 bytes) followed by the 64-byte signature.</summary>
    private static (byte[] Divisible, byte[] NotDivisible) MixedOrderKeySignatures(byte[] mixedA)
    {
        byte[]? divisible = null, notDivisible = null;
        for (int i = 0; divisible is null || notDivisible is null; i++)
        {
            byte[] message = Encoding.ASCII.GetBytes($"mixed {i}");
            byte[] signature = Sign(s_a, mixedA, s_r, message);
            bool eightDividesK = Challenge(signature[..32], mixedA, message) % 8 == 0;
            byte[] tagged = [.. BitConverter.GetBytes(i), .. signature];
            if (eightDividesK)
            {
                divisible ??= tagged;
            }
            else
            {
                notDivisible ??= tagged;
            }
        }

        return (divisible, notDivisible);
    }

    private static byte[] MessageFor(byte[] tagged) => Encoding.ASCII.GetBytes($"mixed {BitConverter.ToInt32(tagged, 0)}");

    private enum Equation
    {
        Cofactorless,
        Cofactored,
    }

    /// <summary>A built case; <see cref="LenientlyAccepted"/> says which lenient equation would accept what the rule refuses.</summary>
    private sealed record EdgeCase(byte[] PublicKey, byte[] Message, byte[] Signature, Ed25519Violation Expected, Equation? LenientlyAccepted);
}
