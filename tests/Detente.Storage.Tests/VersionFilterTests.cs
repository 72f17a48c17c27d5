using CsCheck;
using Detente.Stix;
using Detente.Testing;

namespace Detente.Storage.Tests;

public sealed class VersionFilterTests
{
    [Theory]
    [InlineData("last", true, false, false, 0)]
    [InlineData("first,last", true, true, false, 0)]
    [InlineData("all", false, false, true, 0)]
    [InlineData("first,2016-01-01T00:00:00.000Z,2017-01-01T00:00:00Z", false, true, false, 2)]
    public void Taxii_match_version_values_are_read(string text, bool last, bool first, bool all, int timestamps)
    {
        Assert.True(VersionFilter.TryParse(text, out VersionFilter filter));
        Assert.Equal((last, first, all, timestamps), (filter.IncludeLast, filter.IncludeFirst, filter.IncludeAll, filter.Timestamps.Count));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("latest")]
    [InlineData("last,")]
    [InlineData(" last")]
    [InlineData("2016-01-01")]
    public void Other_values_are_refused(string? text)
    {
        Assert.False(VersionFilter.TryParse(text, out VersionFilter filter));
        Assert.Same(VersionFilter.Last, filter);
    }

    [Fact]
    public void Any_text_is_read_or_refused_without_an_exception_and_lists_round_trip()
    {
        Gen<string> items = Gen.OneOf(Gen.Const("first"), Gen.Const("last"), Gen.Const("all"), Gen.Const("2016-01-01T00:00:00.5Z"), Gen.String[Gen.Char, 0, 6]);
        Property.ForAll(items.Array[0, 5], list =>
        {
            string text = string.Join(',', list);
            bool valid = list.Length > 0 && list.All(i => i is "first" or "last" or "all" || StixTimestamp.TryParse(i, out _));
            Assert.Equal(valid, VersionFilter.TryParse(text, out VersionFilter filter));
            if (valid)
            {
                Assert.Equal(list.Contains("first"), filter.IncludeFirst);
                Assert.Equal(list.Contains("last"), filter.IncludeLast);
                Assert.Equal(list.Contains("all"), filter.IncludeAll);
                Assert.Equal(list.Count(i => StixTimestamp.TryParse(i, out _)), filter.Timestamps.Count);
            }
        }, iterations: 2_000);
    }
}
