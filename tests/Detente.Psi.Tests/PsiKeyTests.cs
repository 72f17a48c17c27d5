namespace Detente.Psi.Tests;

public sealed class PsiKeyTests
{
    [Fact]
    public void A_key_scalar_must_be_non_zero_and_reduced()
    {
        Assert.Throws<ArgumentException>(() => PsiKey.FromScalar(new byte[32]));
        Assert.Throws<ArgumentException>(() => PsiKey.FromScalar(new byte[31]));
        byte[] unreduced = Enumerable.Repeat((byte)0xff, 32).ToArray();
        Assert.Throws<ArgumentException>(() => PsiKey.FromScalar(unreduced));
    }

    [Fact]
    public void The_public_key_is_the_scalar_times_the_generator()
    {
        byte[] two = new byte[32];
        two[0] = 2;
        using PsiKey key = PsiKey.FromScalar(two);
        Assert.Equal(Vectors.Rfc9496Vectors.MultiplesOfGenerator[2], Convert.ToHexStringLower(key.PublicKey));
    }

    [Fact]
    public void A_disposed_key_cannot_be_used()
    {
        PsiKey key = PsiKey.Generate();
        key.Dispose();
        Assert.Throws<ObjectDisposedException>(() => Oprf.TryBlindEvaluate(key, new byte[32], new byte[32]));
    }

    [Fact]
    public void Session_ids_round_trip_as_hex_and_bytes()
    {
        var id = PsiSessionId.New();
        Assert.Equal(id, PsiSessionId.Parse(id.ToString()));
        byte[] bytes = new byte[16];
        id.WriteTo(bytes);
        Assert.Equal(id, PsiSessionId.Read(bytes));
        Assert.Throws<PsiException>(() => PsiSessionId.Parse("00112233445566778899AABBCCDDEEFF"));
        Assert.Throws<PsiException>(() => PsiSessionId.Parse("0011"));
    }
}
