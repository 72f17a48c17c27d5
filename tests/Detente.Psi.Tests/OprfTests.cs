using System.Text;
using Detente.Psi.Tests.Vectors;

namespace Detente.Psi.Tests;

public sealed class OprfTests
{
    [Theory]
    [MemberData(nameof(Rfc9380Vectors.ExpandMessageXmdSha512), MemberType = typeof(Rfc9380Vectors))]
    public void Expand_message_xmd_with_sha512_reproduces_rfc_9380(string message, int length, string expected)
    {
        byte[] output = new byte[length];
        ExpandMessageXmd.Sha512(Encoding.ASCII.GetBytes(message), Encoding.ASCII.GetBytes(Rfc9380Vectors.Dst), output);
        Assert.Equal(expected, Convert.ToHexStringLower(output));
    }

    [Theory]
    [MemberData(nameof(Rfc9496Vectors.FromUniformBytes), MemberType = typeof(Rfc9496Vectors))]
    public void The_one_way_map_reproduces_rfc_9496(string input, string expected)
    {
        byte[] element = new byte[32];
        Ristretto255.FromUniformBytes(Convert.FromHexString(input), element);
        Assert.Equal(expected, Convert.ToHexStringLower(element));
    }

    [Fact]
    public void Multiples_of_the_generator_encode_as_in_rfc_9496()
    {
        Ristretto255.EnsureInitialized();
        Assert.False(Ristretto255.IsValidElement(Convert.FromHexString(Rfc9496Vectors.MultiplesOfGenerator[0])));
        for (int multiple = 1; multiple < Rfc9496Vectors.MultiplesOfGenerator.Length; multiple++)
        {
            byte[] scalar = new byte[32];
            scalar[0] = (byte)multiple;
            byte[] element = new byte[32];
            Ristretto255.MultiplyBase(scalar, element);
            Assert.Equal(Rfc9496Vectors.MultiplesOfGenerator[multiple], Convert.ToHexStringLower(element));
            Assert.True(Ristretto255.IsValidElement(element));
        }
    }

    [Theory]
    [MemberData(nameof(Rfc9496Vectors.InvalidEncodings), MemberType = typeof(Rfc9496Vectors))]
    public void Invalid_encodings_from_rfc_9496_are_refused(string encoding, string reason)
    {
        Assert.NotEmpty(reason);
        byte[] point = Convert.FromHexString(encoding);
        Assert.False(Ristretto255.IsValidElement(point));
        using PsiKey key = PsiKey.Generate();
        Assert.False(Oprf.TryBlindEvaluate(key, point, new byte[32]));
    }

    [Fact]
    public void The_identity_is_refused_as_a_peer_element()
    {
        using PsiKey key = PsiKey.Generate();
        Assert.False(Oprf.TryBlindEvaluate(key, new byte[32], new byte[32]));
        Assert.False(Oprf.TryFinalize([1, 2, 3], ScalarOne(), new byte[32], new byte[64]));
    }

    [Fact]
    public void Derive_key_pair_reproduces_rfc_9497()
    {
        using PsiKey key = Oprf.Rfc9497.DeriveKey(Convert.FromHexString(Rfc9497Vectors.Seed), Convert.FromHexString(Rfc9497Vectors.KeyInfo));
        Assert.Equal(Rfc9497Vectors.SkSm, Convert.ToHexStringLower(key.Scalar));
    }

    [Theory]
    [MemberData(nameof(Rfc9497Vectors.Oprf), MemberType = typeof(Rfc9497Vectors))]
    public void Blind_evaluate_and_finalize_reproduce_rfc_9497(string input, string blind, string blinded, string evaluated, string output)
    {
        using PsiKey key = PsiKey.FromScalar(Convert.FromHexString(Rfc9497Vectors.SkSm));
        byte[] inputBytes = Convert.FromHexString(input);
        byte[] blindBytes = Convert.FromHexString(blind);

        byte[] blindedElement = new byte[32];
        Oprf.Rfc9497.Blind(inputBytes, blindBytes, blindedElement);
        Assert.Equal(blinded, Convert.ToHexStringLower(blindedElement));

        byte[] evaluatedElement = new byte[32];
        Assert.True(Oprf.TryBlindEvaluate(key, blindedElement, evaluatedElement));
        Assert.Equal(evaluated, Convert.ToHexStringLower(evaluatedElement));

        byte[] result = new byte[64];
        Assert.True(Oprf.TryFinalize(inputBytes, blindBytes, evaluatedElement, result));
        Assert.Equal(output, Convert.ToHexStringLower(result));
    }

    [Fact]
    public void Detente_context_names_detente_the_version_and_the_session()
    {
        var session = PsiSessionId.Parse("00112233445566778899aabbccddeeff");
        byte[] expected = [.. "Detente-PSI-v1-"u8, 0x00, .. "-ristretto255-SHA512-00112233445566778899aabbccddeeff"u8];
        Assert.Equal(expected, Oprf.ForDetente(session).ContextString.ToArray());
    }

    [Fact]
    public void Different_sessions_hash_the_same_input_to_different_elements()
    {
        byte[] a = new byte[32];
        byte[] b = new byte[32];
        Oprf.ForDetente(PsiSessionId.Parse("00000000000000000000000000000001")).HashToGroup("domain-name:example.com"u8, a);
        Oprf.ForDetente(PsiSessionId.Parse("00000000000000000000000000000002")).HashToGroup("domain-name:example.com"u8, b);
        Assert.NotEqual(a, b);
    }

    private static byte[] ScalarOne()
    {
        byte[] one = new byte[32];
        one[0] = 1;
        return one;
    }
}
