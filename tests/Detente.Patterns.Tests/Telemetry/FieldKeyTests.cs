using System.Text;
using Detente.Patterns.Telemetry;

namespace Detente.Patterns.Tests.Telemetry;

public sealed class FieldKeyTests
{
    [Theory]
    [InlineData("value", "value")]
    [InlineData("hashes.'SHA-256'", "hashes.'SHA-256'")]
    [InlineData("hashes.'MD5'", "hashes.MD5")]
    [InlineData("'hashes'.MD5", "hashes.MD5")]
    [InlineData("dst_ref.value", "dst_ref.value")]
    [InlineData("protocols[*]", "protocols[*]")]
    [InlineData("protocols[0]", "protocols[0]")]
    [InlineData("extensions.'http-request-ext'.request_header.'Accept-Encoding'", "extensions.'http-request-ext'.request_header.'Accept-Encoding'")]
    [InlineData("body_multipart[*].body_raw_ref.name", "body_multipart[*].body_raw_ref.name")]
    [InlineData("x.'it''s'", null)]
    [InlineData("x.'it\\'s'", "x.'it\\'s'")]
    [InlineData("x.'back\\\\slash'", "x.'back\\\\slash'")]
    [InlineData("x.'9lives'", "x.'9lives'")]
    [InlineData("", null)]
    [InlineData("a.", null)]
    [InlineData(".a", null)]
    [InlineData("a[", null)]
    [InlineData("a[01]", null)]
    [InlineData("a[-1]", null)]
    [InlineData("a[x]", null)]
    [InlineData("[*]", null)]
    [InlineData("9a", null)]
    [InlineData("a-b", null)]
    [InlineData("a.''", null)]
    [InlineData("a.'open", null)]
    public void Paths_parse_to_a_canonical_text(string text, string? canonical)
    {
        Assert.Equal(canonical is not null, PropertyPath.TryParse(text, out PropertyPath? path));
        Assert.Equal(canonical, path?.ToString());
        if (path is not null)
        {
            Assert.Equal(path, PropertyPath.Parse(path.ToString()));
        }
    }

    [Fact]
    public void Paths_built_from_steps_equal_parsed_ones()
    {
        PropertyPath built = PropertyPath.Create(PathStep.Property("hashes"), PathStep.Property("SHA-256"));
        Assert.Equal(PropertyPath.Parse("hashes.'SHA-256'"), built);
        Assert.Equal(PropertyPath.Parse("hashes.'SHA-256'").GetHashCode(), built.GetHashCode());
        Assert.Throws<ArgumentException>(() => PropertyPath.Create(PathStep.AnyIndex));
        Assert.Throws<ArgumentException>(() => PropertyPath.Create(Array.Empty<PathStep>()));
        Assert.Throws<ArgumentException>(() => PathStep.Property(""));
        Assert.Throws<ArgumentOutOfRangeException>(() => PathStep.At(-1));
    }

    [Fact]
    public void The_same_pair_always_gets_the_same_key()
    {
        var table = new FieldKeyTable();
        FieldKey a = table.Intern("file:hashes.'MD5'");
        FieldKey b = table.Intern("file", PropertyPath.Parse("hashes.MD5"));
        FieldKey c = table.Intern("artifact:hashes.MD5");
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.Equal(new FieldKey(0), a);
        Assert.Equal(new FieldKey(1), c);
        Assert.Equal(2, table.Count);
        Assert.Equal("file:hashes.MD5", table.ToString(a));
        Assert.Equal("file", table.ObjectType(a));
        Assert.True(table.TryGet("artifact", PropertyPath.Parse("'hashes'.'MD5'"), out FieldKey found));
        Assert.Equal(c, found);
        Assert.False(table.TryGet("url", PropertyPath.Parse("value"), out _));
        Assert.Throws<FormatException>(() => table.Intern("no-path"));
        Assert.Throws<ArgumentException>(() => table.Intern("Not A Type", PropertyPath.Parse("value")));
        Assert.Throws<ArgumentOutOfRangeException>(() => table.ObjectType(new FieldKey(7)));
    }

    [Theory]
    [InlineData("file:hashes.MD5", "D41D8CD98F00B204E9800998ECF8427E", "d41d8cd98f00b204e9800998ecf8427e")]
    [InlineData("file:hashes.SSDEEP", "3:AXGBicFlgVNhBGcL6wCrFQEv:AXGHsNhxLsr2C", "3:AXGBicFlgVNhBGcL6wCrFQEv:AXGHsNhxLsr2C")]
    [InlineData("file:hashes.TLSH", "T1A2B3", "T1A2B3")]
    [InlineData("file:extensions.'windows-pebinary-ext'.sections[*].hashes.'SHA-256'", "ABCDEF", "abcdef")]
    [InlineData("file:name", "ABCDEF", "ABCDEF")]
    [InlineData("domain-name:value", "EVIL.example", "EVIL.example")]
    public void Only_hex_hash_values_are_normalized(string objectPath, string value, string normalized)
    {
        var table = new FieldKeyTable();
        FieldKey key = table.Intern(objectPath);
        Assert.Equal(normalized, table.NormalizeValue(key, value));
        if (table.Normalization(key) == ValueNormalization.HexHash)
        {
            byte[] destination = new byte[value.Length];
            FieldValues.NormalizeHash(Encoding.UTF8.GetBytes(value), destination);
            Assert.Equal(normalized, Encoding.UTF8.GetString(destination));
        }
    }

    [Theory]
    [InlineData("2001:DB8::1", "2001:db8:0::1", true)]
    [InlineData("10.0.0.1", "10.0.0.1/32", true)]
    [InlineData("10.0.0.0/8", "10.1.0.0/8", true)]
    [InlineData("10.0.0.1", "10.0.0.2", false)]
    [InlineData("010.0.0.1", "10.0.0.1", false)]
    [InlineData("::ffff:10.0.0.1", "10.0.0.1", false)]
    [InlineData("evil.example", "evil.example", true)]
    public void Addresses_compare_as_addresses_when_both_parse(string a, string b, bool equal)
    {
        Assert.Equal(equal, FieldValues.AddressesEqual(a, b));
        Assert.Equal(equal, FieldValues.AddressesEqual(b, a));
    }
}
