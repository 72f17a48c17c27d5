using Detente.Policy.Tests.Vectors;

namespace Detente.Policy.Tests;

public sealed class TlpTests
{
    [Theory]
    [MemberData(nameof(TlpVectors.Tlp2), MemberType = typeof(TlpVectors))]
    public void Tlp_2_marking_ids_map_to_their_levels(string id, TlpLevel level)
    {
        Assert.True(Tlp.TryFromMarkingId(id, out TlpLevel found));
        Assert.Equal(level, found);
        Assert.Equal(id, Tlp.MarkingId(level));
    }

    [Theory]
    [MemberData(nameof(TlpVectors.Tlp1), MemberType = typeof(TlpVectors))]
    public void Tlp_1_marking_ids_map_to_their_tlp_2_equivalents(string id, TlpLevel level)
    {
        Assert.True(Tlp.TryFromMarkingId(id, out TlpLevel found));
        Assert.Equal(level, found);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8488")]
    [InlineData("MARKING-DEFINITION--94868C89-83C2-464B-929B-A1A8AA3C8487")]
    [InlineData(Fixture.Elections)]
    public void Other_ids_are_not_tlp(string? id) => Assert.False(Tlp.TryFromMarkingId(id, out _));

    [Fact]
    public void Levels_are_ordered_from_clear_to_red_and_the_most_restrictive_wins()
    {
        TlpLevel[] ordered = [TlpLevel.Clear, TlpLevel.Green, TlpLevel.Amber, TlpLevel.AmberStrict, TlpLevel.Red];
        for (int i = 0; i < ordered.Length; i++)
        {
            for (int j = 0; j < ordered.Length; j++)
            {
                Assert.Equal(ordered[Math.Max(i, j)], Tlp.MostRestrictive(ordered[i], ordered[j]));
            }
        }

        Assert.Equal(["TLP:CLEAR", "TLP:GREEN", "TLP:AMBER", "TLP:AMBER+STRICT", "TLP:RED"], ordered.Select(Tlp.Name));
    }

    [Fact]
    public void Undefined_levels_are_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Tlp.MarkingId((TlpLevel)9));
}
