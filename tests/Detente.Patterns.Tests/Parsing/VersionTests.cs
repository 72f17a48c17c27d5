using Detente.Stix;

namespace Detente.Patterns.Tests.Parsing;

/// <summary>The differences between the STIX 2.1 and 2.0 grammars: EXISTS, and how START and STOP write their times.</summary>
public sealed class VersionTests
{
    [Fact]
    public void Stix_2_0_start_and_stop_take_strings_holding_timestamps()
    {
        Pattern pattern = Pattern.Parse("[file:name = 'foo.dll'] START '2016-06-01T00:00:00Z' STOP '2016-07-01T00:00:00.000Z'", PatternVersion.V20);

        var window = Assert.IsType<StartStopQualifier>(Assert.Single(Assert.IsType<QualifiedObservation>(pattern.Root).Qualifiers));
        Assert.Equal(StixTimestamp.Parse("2016-06-01T00:00:00Z"), window.Start);
        Assert.Equal("2016-07-01T00:00:00.000Z", window.Stop.ToString());
        Assert.Equal(PatternVersion.V20, pattern.Version);
        Assert.Equal("[file:name = 'foo.dll'] START '2016-06-01T00:00:00Z' STOP '2016-07-01T00:00:00.000Z'", pattern.ToString());
    }

    [Fact]
    public void The_same_tree_prints_in_each_version_s_syntax()
    {
        Pattern v21 = Pattern.Parse("[file:name = 'foo.dll'] START t'2016-06-01T00:00:00Z' STOP t'2016-07-01T00:00:00Z'");
        Pattern v20 = Pattern.Parse("[file:name = 'foo.dll'] START '2016-06-01T00:00:00Z' STOP '2016-07-01T00:00:00Z'", PatternVersion.V20);

        Assert.Equal(v21.Root, v20.Root);
        Assert.NotEqual(v21, v20); // the versions differ
        Assert.Equal(v20, Pattern.Parse(new Pattern(v21.Root, PatternVersion.V20).ToString(), PatternVersion.V20));
    }

    [Fact]
    public void Exists_is_an_identifier_in_stix_2_0()
    {
        Pattern pattern = Pattern.Parse("[EXISTS:EXISTS = 1]", PatternVersion.V20);

        var comparison = (PropertyComparison)((SimpleObservation)pattern.Root).Comparison;
        Assert.Equal("EXISTS", comparison.Path.ObjectType);
        Assert.Equal("EXISTS", comparison.Path.Components[0].Name);
        Assert.Equal("[EXISTS:'EXISTS' = 1]", pattern.ToString());
        Assert.Equal(pattern, Pattern.Parse(pattern.ToString(), PatternVersion.V20));
    }

    [Fact]
    public void A_stix_2_0_pattern_cannot_hold_exists()
    {
        var root = new SimpleObservation(new ExistsComparison(new ObjectPath("file", PathComponent.OfProperty("name"))));

        Assert.Throws<ArgumentException>(() => new Pattern(root, PatternVersion.V20));
        Assert.Equal("[EXISTS file:name]", new Pattern(root).ToString());
    }

    [Theory]
    [InlineData("[file:size = 1] WITHIN 5 SECONDS")]
    [InlineData("[file:hashes.'SHA-256' = 'x' OR file:size NOT IN (1, 2)] FOLLOWEDBY [x-a:p LIKE 'a%'] REPEATS 2 TIMES")]
    [InlineData("[file:ctime > t'2020-01-01T00:00:00Z' AND file:magic_number_hex = h'ff']")]
    public void Everything_else_is_shared(string text)
    {
        Assert.Equal(Pattern.Parse(text).Root, Pattern.Parse(text, PatternVersion.V20).Root);
    }
}
