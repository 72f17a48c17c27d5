using CsCheck;
using Detente.Stix;
using Detente.Storage.Sql;
using Detente.Testing;

namespace Detente.Storage.Tests;

public sealed class VersionKeyTests
{
    // Timestamps near each other, with 0 to 12 fraction digits and trailing zeros, so that equal instants written
    // differently and fractions that are prefixes of each other are common.
    private static readonly Gen<StixTimestamp> s_timestamp = Gen.Select(Gen.Int[0, 2], Gen.String[Gen.Char['0', '9'], 0, 12], Gen.Int[0, 3],
        (second, fraction, zeros) => StixTimestamp.Parse($"2025-01-01T00:00:0{second}{(fraction.Length + zeros == 0 ? string.Empty : "." + fraction + new string('0', zeros))}Z"));

    [Fact]
    public void Key_order_is_instant_order()
    {
        Property.ForAll(Gen.Select(s_timestamp, s_timestamp), pair =>
        {
            (StixTimestamp a, StixTimestamp b) = pair;
            Assert.Equal(Math.Sign(a.CompareTo(b)), Math.Sign(string.CompareOrdinal(VersionKey.Of(a), VersionKey.Of(b))));
        }, iterations: 5_000);
    }

    [Theory]
    [InlineData("2025-01-01T00:00:00Z", "2025-01-01T00:00:00")]
    [InlineData("2025-01-01T00:00:00.000Z", "2025-01-01T00:00:00")]
    [InlineData("2025-01-01T00:00:00.100Z", "2025-01-01T00:00:00.1")]
    [InlineData("2025-01-01T00:00:00.123456789Z", "2025-01-01T00:00:00.123456789")]
    public void Keys_drop_trailing_zeros(string timestamp, string key) => Assert.Equal(key, VersionKey.Of(StixTimestamp.Parse(timestamp)));

    [Theory]
    [InlineData("2.0", "2.1")]
    [InlineData("2.1", "2.10")]
    [InlineData("2.9", "3.0")]
    [InlineData("draft", "2.0")]
    public void Spec_keys_order_spec_versions(string lower, string higher) => Assert.True(VersionKey.SpecKey(lower) < VersionKey.SpecKey(higher));
}
