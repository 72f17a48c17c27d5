using System.Text;
using CsCheck;
using Detente.Patterns.Indexing;
using Detente.Testing;

namespace Detente.Patterns.Tests.Indexing;

public sealed class IpAddressTests
{
    [Theory]
    [MemberData(nameof(Rfc5952Vectors.Canonical), MemberType = typeof(Rfc5952Vectors))]
    public void Ipv6_text_is_canonical_per_rfc_5952(string input, string canonical)
    {
        IpAddress address = IpAddress.Parse(input);
        Assert.True(address.IsV6);
        Assert.Equal(canonical, address.ToString());
        Assert.Equal(address, IpAddress.Parse(canonical));
    }

    [Theory]
    [InlineData("0.0.0.0", 0u)]
    [InlineData("192.0.2.1", 0xC0000201u)]
    [InlineData("255.255.255.255", 0xFFFFFFFFu)]
    [InlineData("10.0.0.1", 0x0A000001u)]
    public void Ipv4_parses_to_its_number(string text, uint value)
    {
        IpAddress address = IpAddress.Parse(text);
        Assert.False(address.IsV6);
        Assert.Equal(value, address.V4);
        Assert.Equal(text, address.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("1.2.3")]
    [InlineData("1.2.3.4.5")]
    [InlineData("256.0.0.1")]
    [InlineData("010.0.0.1")]
    [InlineData("1.2.3.04")]
    [InlineData("1..2.3")]
    [InlineData("1.2.3.4 ")]
    [InlineData(" 1.2.3.4")]
    [InlineData("1.2.3.-4")]
    [InlineData("a.b.c.d")]
    [InlineData("1:2:3:4:5:6:7")]
    [InlineData("1:2:3:4:5:6:7:8:9")]
    [InlineData("1::2::3")]
    [InlineData(":::")]
    [InlineData("1:")]
    [InlineData(":1")]
    [InlineData("1::2:")]
    [InlineData("12345::")]
    [InlineData("g::1")]
    [InlineData("fe80::1%eth0")]
    [InlineData("::1.2.3")]
    [InlineData("1.2.3.4::")]
    [InlineData("1:2:3:4:5:6:7:1.2.3.4")]
    [InlineData("::ffff:256.1.1.1")]
    [InlineData("1:2:3:4:5:6:7:8::")]
    public void Malformed_addresses_are_refused(string text)
    {
        Assert.False(IpAddress.TryParse(text, out _));
        Assert.False(IpAddress.TryParse(Encoding.UTF8.GetBytes(text), out _));
    }

    [Fact]
    public void Non_ascii_text_is_refused()
    {
        Assert.False(IpAddress.TryParse("１.2.3.4", out _));
        Assert.False(IpAddress.TryParse(new string('1', 200), out _));
    }

    [Fact]
    public void An_ipv4_mapped_address_stays_ipv6_until_unmapped()
    {
        IpAddress mapped = IpAddress.Parse("::ffff:10.1.2.3");
        Assert.True(mapped.IsV6);
        Assert.True(mapped.IsV4Mapped);
        Assert.NotEqual(IpAddress.Parse("10.1.2.3"), mapped);
        Assert.Equal(IpAddress.Parse("10.1.2.3"), mapped.Unmap());
        Assert.Equal(IpAddress.Parse("10.1.2.3"), IpAddress.Parse("10.1.2.3").Unmap());
        Assert.Equal(IpAddress.Parse("::1"), IpAddress.Parse("::1").Unmap());
    }

    [Fact]
    public void Every_ipv6_address_round_trips_through_its_text()
    {
        Gen<IpAddress> gen = Gen.Select(Gen.ULong, Gen.ULong, Gen.Int[0, 3], static (high, low, shape) =>
        {
            // Bias towards zero runs so that "::" compression is exercised.
            UInt128 bits = new(shape == 1 ? high & 0xFFFF_0000_0000_FFFF : high, shape == 2 ? low & 0x0000_FFFF_0000_0000 : low);
            return IpAddress.FromV6(shape == 3 ? bits & 0xFFFF : bits);
        });
        Property.ForAll(gen, address =>
        {
            string text = address.ToString();
            Assert.Equal(address, IpAddress.Parse(text));
            Assert.Equal(address, IpAddress.Parse(text.ToUpperInvariant()));
            Assert.Equal(System.Net.IPAddress.Parse(text), System.Net.IPAddress.Parse(Expand(address)));
        }, iterations: 1000, print: a => a.ToString());
    }

    [Fact]
    public void Every_ipv4_address_round_trips_through_its_text()
    {
        Property.ForAll(Gen.UInt, value =>
        {
            IpAddress address = IpAddress.FromV4(value);
            Assert.Equal(address, IpAddress.Parse(address.ToString()));
            Assert.Equal(System.Net.IPAddress.Parse(address.ToString()).GetAddressBytes(), BitConverter.GetBytes(value).Reverse().ToArray());
        }, iterations: 1000);
    }

    [Theory]
    [InlineData("10.0.0.0/8", "10.0.0.0/8")]
    [InlineData("11.22.41.123/20", "11.22.32.0/20")]
    [InlineData("0.0.0.0/0", "0.0.0.0/0")]
    [InlineData("1.2.3.4/0", "0.0.0.0/0")]
    [InlineData("1.2.3.4/32", "1.2.3.4")]
    [InlineData("1.2.3.4", "1.2.3.4")]
    [InlineData("2001:db8::1/32", "2001:db8::/32")]
    [InlineData("::/0", "::/0")]
    [InlineData("2001:db8::1/128", "2001:db8::1")]
    public void Cidr_blocks_clear_the_bits_after_the_prefix(string text, string canonical)
    {
        Assert.Equal(canonical, IpPrefix.Parse(text).ToString());
    }

    [Theory]
    [InlineData("10.0.0.0/33")]
    [InlineData("10.0.0.0/")]
    [InlineData("10.0.0.0/08")]
    [InlineData("10.0.0.0/-1")]
    [InlineData("10.0.0.0/8/8")]
    [InlineData("::/129")]
    [InlineData("/8")]
    public void Malformed_blocks_are_refused(string text)
    {
        Assert.False(IpPrefix.TryParse(text, out _));
    }

    [Fact]
    public void Containment_follows_the_prefix()
    {
        IpPrefix block = IpPrefix.Parse("10.0.0.0/8");
        Assert.True(block.Contains(IpAddress.Parse("10.255.0.1")));
        Assert.True(block.Contains(IpPrefix.Parse("10.1.0.0/16")));
        Assert.True(block.Contains(block));
        Assert.False(block.Contains(IpPrefix.Parse("10.0.0.0/7")));
        Assert.False(block.Contains(IpAddress.Parse("11.0.0.1")));
        Assert.False(block.Contains(IpAddress.Parse("::ffff:10.0.0.1")));
        Assert.True(IpPrefix.Parse("0.0.0.0/0").Contains(IpAddress.Parse("255.255.255.255")));
        Assert.False(IpPrefix.Parse("0.0.0.0/0").Contains(IpAddress.Parse("::1")));
        Assert.False(IpPrefix.Parse("::/0").Contains(IpAddress.Parse("1.2.3.4")));
        Assert.True(IpPrefix.Parse("::ffff:0:0/96").Contains(IpAddress.Parse("::ffff:1.2.3.4")));
    }

    private static string Expand(IpAddress address)
    {
        UInt128 bits = address.Value;
        var groups = new string[8];
        for (int g = 0; g < 8; g++)
        {
            groups[g] = unchecked((ushort)(bits >> (112 - (16 * g)))).ToString("x4", System.Globalization.CultureInfo.InvariantCulture);
        }

        return string.Join(':', groups);
    }
}
