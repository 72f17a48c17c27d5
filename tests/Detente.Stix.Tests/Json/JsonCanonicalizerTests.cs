using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Detente.Stix.Json;
using Detente.Stix.Tests.Vectors;

namespace Detente.Stix.Tests.Json;

public sealed class JsonCanonicalizerTests
{
    private static string Canon(string json) => Encoding.UTF8.GetString(JsonCanonicalizer.Canonicalize(new StixReader().Parse(Encoding.UTF8.GetBytes(json))));

    private static string Format(double d)
    {
        Span<char> text = stackalloc char[32];
        return text[..JsonCanonicalizer.FormatNumber(d, text)].ToString();
    }

    private static double FromBits(string hex) => BitConverter.Int64BitsToDouble(BinaryPrimitives.ReadInt64BigEndian(Convert.FromHexString(hex)));

    [Theory]
    [MemberData(nameof(Rfc8785NumberVectors.Finite), MemberType = typeof(Rfc8785NumberVectors))]
    public void Numbers_take_the_ecmascript_layout_of_rfc_8785_appendix_b(string bits, string expected)
    {
        Assert.Equal(expected, Format(FromBits(bits)));
    }

    [Theory]
    [MemberData(nameof(Rfc8785NumberVectors.NotFinite), MemberType = typeof(Rfc8785NumberVectors))]
    public void Non_finite_numbers_have_no_json_form(string bits)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new JsonNumber(FromBits(bits)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Format(FromBits(bits)));
    }

    [Fact]
    public void Numbers_match_ecmascript_number_to_string_on_thousands_of_values()
    {
        // EcmaScriptNumbers.txt was produced by Node.js (make-ecmascript-numbers.js): ECMAScript itself is the oracle.
        string path = Path.Combine(AppContext.BaseDirectory, "Vectors", "EcmaScriptNumbers.txt");
        string[] lines = File.ReadAllLines(path);
        Assert.True(lines.Length > 6000);
        var failures = new List<string>();
        foreach (string line in lines)
        {
            string[] parts = line.Split(' ');
            string actual = Format(FromBits(parts[0]));
            if (actual != parts[1])
            {
                failures.Add($"{parts[0]}: expected {parts[1]}, got {actual}");
            }
        }

        Assert.Empty(failures);
    }

    [Theory]
    [InlineData("1.0", "1")]
    [InlineData("-0", "0")]
    [InlineData("-0.0", "0")]
    [InlineData("1E30", "1e+30")]
    [InlineData("4.50", "4.5")]
    [InlineData("2e-3", "0.002")]
    [InlineData("0.000000000000000000000000001", "1e-27")]
    [InlineData("9007199254740991", "9007199254740991")]
    [InlineData("-9007199254740991", "-9007199254740991")]
    [InlineData("123456789012345678901234e0", "1.2345678901234569e+23")]
    public void Number_literals_canonicalize_to_their_shortest_form(string literal, string expected)
    {
        Assert.Equal(expected, Canon(literal));
    }

    [Theory]
    [InlineData(9007199254740994.0)]
    [InlineData(9007199254740992.0)]
    [InlineData(1e20)]
    [InlineData(-2460999921521626000.0)]
    public void Integers_beyond_two_to_the_53_have_no_json_number(double value)
    {
        // Their canonical form would be an integer literal that the reader refuses as inexact.
        Assert.False(JsonNumber.HasExactForm(value));
        Assert.Throws<ArgumentOutOfRangeException>(() => new JsonNumber(value));
        Assert.True(JsonNumber.HasExactForm(1e21));
        Assert.True(JsonNumber.HasExactForm(9007199254740991.0));
    }

    [Fact]
    public void Members_sort_by_utf16_code_units_not_by_code_points()
    {
        // U+FB33 (one UTF-16 unit, 0xFB33) sorts after U+1F600 (surrogates 0xD83D 0xDE00) in UTF-16 order,
        // although its code point is smaller.
        string json = "{\"\uFB33\":1,\"\U0001F600\":2,\"a\":3,\"\u00e9\":4,\"B\":5}";
        Assert.Equal("{\"B\":5,\"a\":3,\"\u00e9\":4,\"\U0001F600\":2,\"\uFB33\":1}", Canon(json));
    }

    [Fact]
    public void Strings_escape_only_what_json_stringify_escapes()
    {
        string json = "\"\\u0000\\u0008\\u0009\\u000a\\u000c\\u000d\\u001f\\\"\\\\/\\u007f\\u2028\\u00e9\"";
        Assert.Equal("\"\\u0000\\b\\t\\n\\f\\r\\u001f\\\"\\\\/\u007f\u2028\u00e9\"", Canon(json));
    }

    [Fact]
    public void Whitespace_is_removed_and_literals_kept()
    {
        Assert.Equal("[true,false,null,{},[]]", Canon(" [ true , false , null , { } , [ ] ] "));
    }

    [Fact]
    public void An_unpaired_surrogate_built_in_code_has_no_canonical_form()
    {
        var value = new JsonString("a\uD800b");
        Assert.Throws<ArgumentException>(() => JsonCanonicalizer.Canonicalize(value));
    }

    [Fact]
    public void The_buffer_writer_overload_writes_the_same_bytes()
    {
        JsonValue value = new StixReader().Parse("{\"b\":[1,2.5,\"x\"],\"a\":{\"z\":null}}"u8);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(1);
        JsonCanonicalizer.Canonicalize(value, buffer);
        Assert.Equal(JsonCanonicalizer.Canonicalize(value), buffer.WrittenSpan.ToArray());
        Assert.Equal("{\"a\":{\"z\":null},\"b\":[1,2.5,\"x\"]}", value.ToString());
    }

    [Fact]
    public void Format_number_is_culture_invariant()
    {
        CultureInfo saved = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = new CultureInfo("de-DE");
            Assert.Equal("1.5", new JsonNumber(1.5).ToString());
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }
}
