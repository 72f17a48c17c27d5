using Detente.Stix;

namespace Detente.Patterns.Tests.Parsing;

/// <summary>Constants (STIX 2.1 §9.2) as the grammar's lexer reads them.</summary>
public sealed partial class ParserTests
{
    [Theory]
    [InlineData("''", "")]
    [InlineData("'plain'", "plain")]
    [InlineData(@"'it\'s'", "it's")]
    [InlineData(@"'C:\\Windows'", @"C:\Windows")]
    [InlineData(@"'\\\''", @"\'")]
    [InlineData("'line\nbreak\ttab'", "line\nbreak\ttab")]
    [InlineData("'ünïcödé 名前 😀'", "ünïcödé 名前 😀")]
    [InlineData("'\"double\" % _ /* not a comment */'", "\"double\" % _ /* not a comment */")]
    public void Strings_have_two_escapes_only(string literal, string value)
    {
        Assert.Equal(value, Assert.IsType<StringConstant>(Only($"[file:name = {literal}]").Value).Value);
    }

    [Theory]
    [InlineData("0", 0L)]
    [InlineData("-0", 0L)]
    [InlineData("+7", 7L)]
    [InlineData("-42", -42L)]
    [InlineData("9007199254740991", 9007199254740991L)]
    [InlineData("-9007199254740991", -9007199254740991L)]
    public void Integers_are_within_the_stix_range(string literal, long value)
    {
        Assert.Equal(value, Assert.IsType<IntegerConstant>(Only($"[file:size = {literal}]").Value).Value);
    }

    [Theory]
    [InlineData("7.0", 7.0)]
    [InlineData(".5", 0.5)]
    [InlineData("-.5", -0.5)]
    [InlineData("+0.25", 0.25)]
    [InlineData("00.5", 0.5)]
    [InlineData("-0.0", -0.0)]
    [InlineData("0.1000000000000000055511151231257827", 0.1)]
    [InlineData("123456789012345678901234567890.5", 1.2345678901234568E+29)]
    public void Floats_have_a_decimal_point_and_no_exponent(string literal, double value)
    {
        Assert.Equal(value, Assert.IsType<FloatConstant>(Only($"[x-a:p > {literal}]").Value).Value);
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("false", false)]
    public void Booleans_are_lower_case(string literal, bool value)
    {
        Assert.Equal(value, Assert.IsType<BooleanConstant>(Only($"[process:is_hidden = {literal}]").Value).Value);
    }

    [Theory]
    [InlineData("2014-01-13T07:03:17Z")]
    [InlineData("2014-01-13T07:03:17.1Z")]
    [InlineData("2016-02-29T23:59:59.123456789Z")]
    [InlineData("0001-01-01T00:00:00Z")]
    [InlineData("9999-12-31T23:59:59.999Z")]
    public void Timestamps_are_stix_timestamps_kept_as_written(string text)
    {
        StixTimestamp value = Assert.IsType<TimestampConstant>(Only($"[file:ctime = t'{text}']").Value).Value;

        Assert.Equal(text, value.ToString());
    }

    [Theory]
    [InlineData("b'ABI='", new byte[] { 0x00, 0x12 })]
    [InlineData("b'dGhpcyBpcyBhIHRlc3Q='", new byte[] { 0x74, 0x68, 0x69, 0x73, 0x20, 0x69, 0x73, 0x20, 0x61, 0x20, 0x74, 0x65, 0x73, 0x74 })]
    [InlineData("b'AAAA'", new byte[] { 0, 0, 0 })]
    [InlineData("b'+/8='", new byte[] { 0xFB, 0xFF })]
    [InlineData("b'AB\nI='", new byte[] { 0x00, 0x12 })]
    [InlineData("b'AAAA\r\nAA=='", new byte[] { 0, 0, 0, 0 })]
    public void Binary_constants_are_padded_base64_and_line_feeds_are_ignored(string literal, byte[] bytes)
    {
        var value = Assert.IsType<BinaryConstant>(Only($"[artifact:payload_bin = {literal}]").Value);

        Assert.Equal(BinaryEncoding.Base64, value.Encoding);
        Assert.Equal(bytes, value.Value);
    }

    [Theory]
    [InlineData("h''", new byte[0])]
    [InlineData("h'ffd8'", new byte[] { 0xFF, 0xD8 })]
    [InlineData("h'FFd8'", new byte[] { 0xFF, 0xD8 })]
    [InlineData("h'0012ab'", new byte[] { 0x00, 0x12, 0xAB })]
    public void Hex_constants_have_an_even_number_of_digits(string literal, byte[] bytes)
    {
        var value = Assert.IsType<BinaryConstant>(Only($"[file:magic_number_hex = {literal}]").Value);

        Assert.Equal(BinaryEncoding.Hex, value.Encoding);
        Assert.Equal(bytes, value.Value);
    }

    [Fact]
    public void Binary_and_hex_of_the_same_octets_are_different_constants()
    {
        PatternConstant base64 = Only("[file:magic_number_hex = b'/9g=']").Value;
        PatternConstant hex = Only("[file:magic_number_hex = h'ffd8']").Value;

        Assert.Equal(((BinaryConstant)base64).Value, ((BinaryConstant)hex).Value);
        Assert.NotEqual(base64, hex);
    }

    [Theory]
    [InlineData("[x-a:p = 1]", typeof(IntegerConstant))]
    [InlineData("[x-a:p = 1.5]", typeof(FloatConstant))]
    [InlineData("[x-a:p = 'x']", typeof(StringConstant))]
    [InlineData("[x-a:p = true]", typeof(BooleanConstant))]
    [InlineData("[x-a:p = t'2020-01-01T00:00:00Z']", typeof(TimestampConstant))]
    [InlineData("[x-a:p = b'AAAA']", typeof(BinaryConstant))]
    [InlineData("[x-a:p = h'00']", typeof(BinaryConstant))]
    [InlineData("[x-a:p > 1]", typeof(IntegerConstant))]
    [InlineData("[x-a:p > 'x']", typeof(StringConstant))]
    [InlineData("[x-a:p > t'2020-01-01T00:00:00Z']", typeof(TimestampConstant))]
    [InlineData("[x-a:p > h'00']", typeof(BinaryConstant))]
    public void Equality_takes_every_constant_and_ordering_every_orderable_one(string text, Type type)
    {
        Assert.IsType(type, Only(text).Value);
    }
}
