using System.Text;
using Detente.Stix.Json;

namespace Detente.Stix.Tests;

public sealed partial class StixReaderTests
{
    private static JsonValue Parse(string json, StixReaderLimits? limits = null) =>
        new StixReader(limits).Parse(Encoding.UTF8.GetBytes(json));

    private static StixFormatException Refused(string json, StixReaderLimits? limits = null) =>
        Assert.Throws<StixFormatException>(() => Parse(json, limits));

    [Fact]
    public void Duplicate_member_names_are_refused()
    {
        StixFormatException e = Refused("{\"type\":\"indicator\",\"id\":\"x\",\"type\":\"malware\"}");
        Assert.Contains("Duplicate member name 'type'", e.Message, StringComparison.Ordinal);
        Assert.Equal(29, e.BytePosition);
    }

    [Fact]
    public void Duplicate_member_names_are_refused_in_large_objects_too()
    {
        string members = string.Join(",", Enumerable.Range(0, 40).Select(i => $"\"m{i}\":{i}"));
        Refused("{" + members + ",\"m7\":1}");
        Assert.Equal(40, ((JsonObject)Parse("{" + members + "}")).Count);
    }

    [Fact]
    public void Names_that_differ_only_by_escaping_are_duplicates()
    {
        Refused("{\"abc\":1,\"a\\u0062c\":2}");
    }

    [Theory]
    [InlineData("9007199254740993")]
    [InlineData("-9007199254740993")]
    [InlineData("18446744073709551616")]
    [InlineData("100000000000000000000000000000")]
    [InlineData("1e20")]
    [InlineData("9007199254740994.0")]
    [InlineData("9007199254740993.0")]
    [InlineData("9007199254740992")]
    public void Integers_beyond_two_to_the_53_are_refused_not_rounded(string literal)
    {
        StixFormatException e = Refused("{\"size\":" + literal + "}");
        Assert.Contains("2^53", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("9007199254740991")]
    [InlineData("-9007199254740991")]
    [InlineData("9007199254740991.0")]
    [InlineData("1E30")]
    [InlineData("1.5e300")]
    public void Exact_integers_and_floating_point_literals_are_accepted(string literal)
    {
        Assert.IsType<JsonNumber>(Parse(literal));
    }

    [Fact]
    public void Numbers_beyond_the_double_range_are_refused()
    {
        Refused("1e400");
        Refused("-1e400");
    }

    [Theory]
    [InlineData("{\"a\":1,}")]
    [InlineData("{\"a\":1} {}")]
    [InlineData("[1,2")]
    [InlineData("{'a':1}")]
    [InlineData("{\"a\":01}")]
    [InlineData("{\"a\":NaN}")]
    [InlineData("/* c */ {}")]
    [InlineData("")]
    [InlineData("   ")]
    public void Malformed_json_is_refused_with_a_position(string json)
    {
        StixFormatException e = Refused(json);
        Assert.True(e.BytePosition >= 0);
    }

    [Fact]
    public void An_unpaired_surrogate_escape_is_refused()
    {
        Refused("{\"a\":\"\\ud800\"}");
        Refused("{\"\\udc00\":1}");
    }

    [Fact]
    public void Invalid_utf8_is_refused()
    {
        byte[] json = [(byte)'"', 0xC3, 0x28, (byte)'"'];
        Assert.Throws<StixFormatException>(() => new StixReader().Parse(json));
    }

    [Fact]
    public void A_byte_order_mark_is_skipped()
    {
        byte[] json = [0xEF, 0xBB, 0xBF, .. "{\"a\":1}"u8];
        Assert.Single((JsonObject)new StixReader().Parse(json));
    }

    [Fact]
    public void Member_order_is_kept_as_read()
    {
        var o = (JsonObject)Parse("{\"z\":1,\"a\":2,\"m\":3}");
        Assert.Equal(["z", "a", "m"], o.Names);
    }

    [Fact]
    public void A_bundle_reads_its_objects_in_order()
    {
        StixBundle bundle = new StixReader().ReadBundle(
            "{\"type\":\"bundle\",\"id\":\"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d\",\"objects\":[{\"type\":\"a\"},{\"type\":\"b\"}]}"u8);
        Assert.Equal(["a", "b"], bundle.Objects.Select(o => o.Type));
    }

    [Fact]
    public void A_bundle_of_non_objects_is_refused()
    {
        Assert.Throws<StixFormatException>(() => new StixReader().ReadBundle("{\"type\":\"bundle\",\"objects\":[1]}"u8));
        Assert.Throws<StixFormatException>(() => new StixReader().ReadBundle("{\"type\":\"indicator\"}"u8));
        Assert.Throws<StixFormatException>(() => new StixReader().ReadObject("[]"u8));
    }
}
