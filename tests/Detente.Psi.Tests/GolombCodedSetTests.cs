using System.Buffers.Binary;
using CsCheck;
using Detente.Testing;

namespace Detente.Psi.Tests;

public sealed class GolombCodedSetTests
{
    private static UInt128 Tag(ulong high, ulong low) => new(high, low);

    private static byte[] RandomBytes(Random random)
    {
        byte[] bytes = new byte[8];
        random.NextBytes(bytes);
        return bytes;
    }

    [Fact]
    public void Encoding_round_trips_the_sorted_mapped_values()
    {
        Gen<(UInt128[] Tags, int Bits)> gen = Gen.Select(Gen.Select(Gen.ULong, Gen.ULong, Tag).Array[0, 300], Gen.Int[1, 32]);
        Property.ForAll(gen, c =>
        {
            byte[] encoded = GolombCodedSet.Encode(c.Tags, c.Bits);
            ulong range = GolombCodedSet.Range(c.Tags.Length, c.Bits);
            ulong[] expected = c.Tags.Select(t => GolombCodedSet.Map(t, range)).Order().ToArray();
            Assert.Equal(expected, GolombCodedSet.Decode(encoded, out int bits));
            Assert.Equal(c.Bits, bits);
        });
    }

    [Fact]
    public void Members_are_found_and_the_false_positive_rate_is_as_stated()
    {
        var random = new Random(20261123);
        // Full 64-bit halves: NextInt64 alone never sets the top bit, and the map uses the top bits.
        UInt128 Next() => Tag(BinaryPrimitives.ReadUInt64BigEndian(RandomBytes(random)), BinaryPrimitives.ReadUInt64BigEndian(RandomBytes(random)));
        UInt128[] members = Enumerable.Range(0, 20_000).Select(_ => Next()).ToArray();
        UInt128[] others = Enumerable.Range(0, 200_000).Select(_ => Next()).ToArray();
        const int bits = 10;
        byte[] encoded = GolombCodedSet.Encode(members, bits);

        bool[] found = new bool[members.Length];
        Assert.Equal(members.Length, GolombCodedSet.Match(encoded, members, found));
        Assert.All(found, Assert.True);

        // Expected false positives: 200,000 × about 2^-10 ≈ 195; allow a wide margin (the draw is fixed, so this is stable).
        int falsePositives = GolombCodedSet.Match(encoded, others, new bool[others.Length]);
        double expected = others.Length * GolombCodedSet.FalsePositiveRate(members.Length, bits);
        Assert.InRange(falsePositives, expected * 0.7, expected * 1.3);

        // About P + 1.5 bits per element.
        Assert.InRange(encoded.Length * 8.0 / members.Length, bits + 1.3, bits + 1.8);
    }

    [Fact]
    public void Malformed_encodings_are_refused()
    {
        byte[] good = GolombCodedSet.Encode([Tag(1, 2), Tag(ulong.MaxValue / 3, 0), Tag(ulong.MaxValue, 5)], 8);

        Assert.Throws<PsiException>(() => GolombCodedSet.Decode(good.AsSpan(0, 4), out _));
        Assert.Throws<PsiException>(() => GolombCodedSet.Decode(good.AsSpan(0, good.Length - 1), out _));
        Assert.Throws<PsiException>(() => GolombCodedSet.Decode([.. good, 0], out _));

        byte[] badBits = (byte[])good.Clone();
        badBits[4] = 33;
        Assert.Throws<PsiException>(() => GolombCodedSet.Decode(badBits, out _));
        badBits[4] = 0;
        Assert.Throws<PsiException>(() => GolombCodedSet.Decode(badBits, out _));

        byte[] hugeCount = (byte[])good.Clone();
        BinaryPrimitives.WriteInt32BigEndian(hugeCount, int.MaxValue);
        Assert.Throws<PsiException>(() => GolombCodedSet.Decode(hugeCount, out _));

        byte[] allOnes = [0, 0, 0, 3, 8, .. Enumerable.Repeat((byte)0xff, 16)];
        Assert.Throws<PsiException>(() => GolombCodedSet.Decode(allOnes, out _));

        Assert.Throws<PsiException>(() => GolombCodedSet.Decode([0, 0, 0, 0, 8, 0], out _));
        Assert.Empty(GolombCodedSet.Decode([0, 0, 0, 0, 8], out _));
    }

    [Fact]
    public void Non_zero_padding_is_refused()
    {
        byte[] encoded = GolombCodedSet.Encode([Tag(7, 7)], 4); // 1 + 4 bits of code: 3 padding bits
        encoded[^1] |= 1;
        Assert.Contains("padding", Assert.Throws<PsiException>(() => GolombCodedSet.Decode(encoded, out _)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decoding_random_bytes_either_succeeds_with_sorted_values_in_range_or_throws_psi_exception()
    {
        Property.ForAll(Gen.Byte.Array[0, 64], bytes =>
        {
            try
            {
                ulong[] values = GolombCodedSet.Decode(bytes, out int bits);
                ulong range = GolombCodedSet.Range(values.Length, bits);
                Assert.True(values.Zip(values.Skip(1)).All(p => p.First <= p.Second));
                Assert.All(values, v => Assert.True(v < range));
            }
            catch (PsiException)
            {
            }
        }, iterations: 2000);
    }
}
