using System.Security.Cryptography;
using Detente.Stix.Signatures;

namespace Detente.Stix.Tests.Signatures;

public sealed class SigningKeyTests
{
    [Fact]
    public void A_new_signing_key_cannot_be_exported()
    {
        using StixSigningKey key = StixSigningKey.Create();

        Assert.False(key.IsExportable);
        Assert.Throws<InvalidOperationException>(() => key.ExportSeed(new byte[32]));
    }

    [Fact]
    public void An_exportable_key_round_trips_through_its_seed()
    {
        using StixSigningKey key = StixSigningKey.CreateExportable();
        byte[] seed = new byte[32];
        key.ExportSeed(seed);

        using StixSigningKey imported = StixSigningKey.ImportSeed(seed);

        Assert.Equal(key.VerificationKey, imported.VerificationKey);
        Assert.False(imported.IsExportable);
        CryptographicOperations.ZeroMemory(seed);
    }

    [Fact]
    public void New_keys_are_random()
    {
        using StixSigningKey a = StixSigningKey.Create();
        using StixSigningKey b = StixSigningKey.Create();

        Assert.NotEqual(a.KeyId, b.KeyId);
    }

    [Fact]
    public void The_key_id_is_the_lower_case_hex_sha256_of_the_raw_public_key()
    {
        // RFC 8032 §7.1 TEST 1's public key; the expected value computed with Python's hashlib.
        var key = StixVerificationKey.FromRawPublicKey(Convert.FromHexString("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"));

        Assert.Equal("21fe31dfa154a261626bf854046fd2271b7bed4b6abe45aa58877ef47f9721b9", key.KeyId);
        Assert.Equal(key.KeyId, key.ToString());
    }

    [Fact]
    public void A_disposed_key_cannot_sign()
    {
        StixSigningKey key = StixSigningKey.Create();
        key.Dispose();

        Assert.Throws<ObjectDisposedException>(() => key.Sign([1, 2, 3]));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(31)]
    [InlineData(33)]
    [InlineData(64)]
    public void Keys_of_the_wrong_length_are_refused(int length)
    {
        Assert.Throws<ArgumentException>(() => StixVerificationKey.FromRawPublicKey(new byte[length]));
        Assert.False(StixVerificationKey.TryFromRawPublicKey(new byte[length], out _));
        Assert.Throws<ArgumentException>(() => StixSigningKey.ImportSeed(new byte[length]));
    }
}
