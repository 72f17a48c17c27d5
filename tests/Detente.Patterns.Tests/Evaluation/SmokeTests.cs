using Detente.Patterns.Evaluation;

namespace Detente.Patterns.Tests.Evaluation;

public sealed class SmokeTests
{
    [Fact]
    public void A_simple_comparison_matches_an_object_of_its_type()
    {
        Assert.True(Obs.Holds("ipv4-addr:value = '198.51.100.3'", """{"type":"ipv4-addr","value":"198.51.100.3"}"""));
        Assert.False(Obs.Holds("ipv4-addr:value = '198.51.100.4'", """{"type":"ipv4-addr","value":"198.51.100.3"}"""));
    }

    [Fact]
    public void Followed_by_within_binds_two_observations()
    {
        var a = Obs.At("2024-01-01T00:00:00Z", """{"type":"domain-name","value":"a.example"}""");
        var b = Obs.At("2024-01-01T00:00:05Z", """{"type":"domain-name","value":"b.example"}""");
        PatternEvaluation r = Obs.Eval("([domain-name:value = 'a.example'] FOLLOWEDBY [domain-name:value = 'b.example']) WITHIN 5 SECONDS", a, b);
        Assert.True(r.IsMatch);
        Assert.Equal([a, b], r.Bindings);
        Assert.False(Obs.Eval("([domain-name:value = 'a.example'] FOLLOWEDBY [domain-name:value = 'b.example']) WITHIN 4 SECONDS", a, b).IsMatch);
        Assert.False(Obs.Eval("[domain-name:value = 'b.example'] FOLLOWEDBY [domain-name:value = 'a.example']", a, b).IsMatch);
    }
}
