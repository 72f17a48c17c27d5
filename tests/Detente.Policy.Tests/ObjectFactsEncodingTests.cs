using System.Text;
using CsCheck;
using Detente.Fuzz;
using Detente.Stix;
using Detente.Testing;

namespace Detente.Policy.Tests;

public sealed class ObjectFactsEncodingTests
{
    private static readonly StixReader s_reader = new();

    private static ObjectFacts Small => new()
    {
        Type = "indicator",
        Created = new DateTimeOffset(1, 1, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(1),
        Confidence = 85,
        ObjectMarkingRefs = [Fixture.Green],
        GranularMarkings = [new GranularMarking(null, ["pattern"])],
    };

    [Fact]
    public void Every_example_object_reads_back_as_the_same_facts()
    {
        foreach ((string name, string json) in StixExamples.ValidObjects.Concat(StixExamples.ValidVariants))
        {
            ObjectFacts facts = ObjectFacts.From(s_reader.ReadObject(Encoding.UTF8.GetBytes(json)));
            Assert.True(ObjectFactsEncoding.TryDecode(ObjectFactsEncoding.Encode(facts), out ObjectFacts decoded), name);
            Assert.True(facts.Equals(decoded), name);
        }
    }

    [Fact]
    public void The_format_is_the_documented_one()
    {
        // version 1; present: type, created, confidence; "indicator"; ticks 1; 85; no labels; one marking ref; one lang marking.
        string expected = "01" + "29" + "09" + Convert.ToHexString("indicator"u8) + "0100000000000000" + "55" + "00"
            + "01" + "38" + Convert.ToHexString(Encoding.UTF8.GetBytes(Fixture.Green))
            + "01" + "00" + "01" + "07" + Convert.ToHexString("pattern"u8);
        Assert.Equal(expected, Convert.ToHexString(ObjectFactsEncoding.Encode(Small)));
    }

    [Fact]
    public void Empty_facts_are_three_counts_after_the_header()
    {
        Assert.Equal([1, 0, 0, 0, 0], ObjectFactsEncoding.Encode(default));
        Assert.True(ObjectFactsEncoding.TryDecode([1, 0, 0, 0, 0], out ObjectFacts facts));
        Assert.Equal(default(ObjectFacts), facts);
    }

    [Fact]
    public void Every_truncation_and_every_trailing_byte_is_refused()
    {
        byte[] encoded = ObjectFactsEncoding.Encode(Small);
        for (int length = 0; length < encoded.Length; length++)
        {
            Assert.False(ObjectFactsEncoding.TryDecode(encoded.AsSpan(0, length), out _), $"prefix of {length} bytes");
        }

        Assert.False(ObjectFactsEncoding.TryDecode([.. encoded, 0], out _));
    }

    [Theory]
    [InlineData("02" + "00" + "000000")]          // another format version
    [InlineData("01" + "40" + "000000")]          // an unknown present bit
    [InlineData("01" + "20" + "65" + "000000")]   // confidence 101
    [InlineData("01" + "01" + "8000" + "000000")] // a count with a redundant zero byte
    [InlineData("01" + "01" + "01FF" + "000000")] // a string that is not UTF-8
    [InlineData("01" + "00" + "FFFFFFFF0F" + "0000")] // a count far beyond the bytes left
    [InlineData("01" + "00" + "00" + "00" + "01" + "02" + "00")] // a has-ref flag that is neither 0 nor 1
    [InlineData("01" + "08" + "FFFFFFFFFFFFFFFF" + "000000")] // a negative instant
    public void Corrupt_encodings_are_refused(string hex)
    {
        Assert.False(ObjectFactsEncoding.TryDecode(Convert.FromHexString(hex), out ObjectFacts facts));
        Assert.Equal(default(ObjectFacts), facts);
    }

    [Fact]
    public void Marking_ids_decode_to_one_shared_string() =>
        Assert.Same(
            Decode(ObjectFactsEncoding.Encode(Small)).ObjectMarkingRefs[0],
            Decode(ObjectFactsEncoding.Encode(Small)).ObjectMarkingRefs[0]);

    [Fact]
    public void Mutated_encodings_decode_only_to_their_own_canonical_bytes()
    {
        List<byte[]> seeds = [.. StixExamples.ValidObjects.Values
            .Select(json => ObjectFactsEncoding.Encode(ObjectFacts.Read(Encoding.UTF8.GetBytes(json)))), ObjectFactsEncoding.Encode(Small)];
        FuzzMutator.Run("policy-facts-encoding", static input => FuzzTargets.PolicyFactsEncodingTarget(input), seeds, 20261123, 4000);
    }

    [Fact]
    public void Arbitrary_bytes_never_throw() =>
        Property.ForAll(Gen.Byte.Array[0, 48], static bytes => FuzzTargets.PolicyFactsEncodingTarget(bytes), iterations: 2000);

    private static ObjectFacts Decode(byte[] encoded)
    {
        Assert.True(ObjectFactsEncoding.TryDecode(encoded, out ObjectFacts facts));
        return facts;
    }
}
