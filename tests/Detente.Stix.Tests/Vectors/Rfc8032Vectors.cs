using Detente.Stix.Signatures;
using Detente.Stix.Tests.Signatures;
using NSec.Cryptography;

namespace Detente.Stix.Tests.Vectors;

/// <summary>RFC 8032 §7.1 Ed25519 test vectors TEST 1–3, copied exactly.</summary>
public sealed class Rfc8032Vectors
{
    /// <summary>(SECRET KEY, PUBLIC KEY, MESSAGE, SIGNATURE), hex as printed in the RFC.</summary>
    public static TheoryData<string, string, string, string> Ed25519 => new()
    {
        // -----TEST 1
        {
            "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
            "",
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
        },
        // -----TEST 2
        {
            "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
            "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
            "72",
            "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"
        },
        // -----TEST 3
        {
            "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
            "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
            "af82",
            "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"
        },
    };

    [Theory]
    [MemberData(nameof(Ed25519))]
    public void A_signing_key_from_the_rfc_seed_signs_exactly_as_the_rfc(string secretKey, string publicKey, string message, string signature)
    {
        using StixSigningKey key = StixSigningKey.ImportSeed(Convert.FromHexString(secretKey));

        Assert.Equal(publicKey, Convert.ToHexStringLower(key.VerificationKey.RawPublicKey.Span));
        Assert.Equal(signature, Convert.ToHexStringLower(key.Sign(Convert.FromHexString(message))));
    }

    [Theory]
    [MemberData(nameof(Ed25519))]
    public void The_rfc_signature_is_accepted_under_the_pinned_rule(string secretKey, string publicKey, string message, string signature)
    {
        _ = secretKey;
        var key = StixVerificationKey.FromRawPublicKey(Convert.FromHexString(publicKey));

        Ed25519Violation result = Ed25519Rules.Verify(key.PublicKey, key.RawPublicKey.Span, Convert.FromHexString(message), Convert.FromHexString(signature));

        Assert.Equal(Ed25519Violation.None, result);
    }

    [Theory]
    [MemberData(nameof(Ed25519))]
    public void The_test_arithmetic_reproduces_the_rfc(string secretKey, string publicKey, string message, string signature)
    {
        (System.Numerics.BigInteger a, byte[] prefix) = Ed25519TestMath.Expand(Convert.FromHexString(secretKey));
        byte[] m = Convert.FromHexString(message);
        byte[] pk = Ed25519TestMath.Encode(Ed25519TestMath.Multiply(a, Ed25519TestMath.B));
        System.Numerics.BigInteger r = Ed25519TestMath.ModL(Ed25519TestMath.FromLittleEndian(System.Security.Cryptography.SHA512.HashData([.. prefix, .. m])));

        Assert.Equal(publicKey, Convert.ToHexStringLower(pk));
        Assert.Equal(signature, Convert.ToHexStringLower(Ed25519TestMath.Sign(a, pk, r, m)));
        Assert.True(SignatureAlgorithm.Ed25519.Verify(PublicKey.Import(SignatureAlgorithm.Ed25519, pk, KeyBlobFormat.RawPublicKey), m, Convert.FromHexString(signature)));
    }
}
