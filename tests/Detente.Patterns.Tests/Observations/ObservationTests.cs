using Detente.Patterns.Observations;
using Detente.Stix;
using Detente.Stix.Json;

namespace Detente.Patterns.Tests.Observations;

public sealed class ObservationTests
{
    private static readonly StixTimestamp s_time = StixTimestamp.Parse("2024-01-02T03:04:05Z");

    [Fact]
    public void Objects_are_found_by_key_and_by_type()
    {
        var a = new ObservedObject("ipv4-addr--1", Sco("ipv4-addr", "10.0.0.1"));
        var b = new ObservedObject("ipv4-addr--2", Sco("ipv4-addr", "10.0.0.2"), isListed: false);
        var c = new ObservedObject("domain-name--1", Sco("domain-name", "a.example"));
        Observation observation = Observation.Create(s_time, s_time, 2, [a, b, c], position: new SourcePosition(3, 10, null));
        Assert.Same(b, observation.Resolve("ipv4-addr--2"));
        Assert.Null(observation.Resolve("ipv4-addr--3"));
        Assert.Equal([a, b], observation.OfType("ipv4-addr"));
        Assert.Equal([c], observation.OfType("domain-name"));
        Assert.Empty(observation.OfType("file"));
        Assert.Equal("line 3, byte 10", observation.Position.ToString());
        Assert.Equal(ObservationForm.Flat, observation.Form);
    }

    [Fact]
    public void Creating_an_observation_checks_the_stix_rules()
    {
        var a = new ObservedObject("k", Sco("ipv4-addr", "10.0.0.1"));
        StixTimestamp later = StixTimestamp.Parse("2024-01-02T03:04:06Z");
        Assert.Throws<ArgumentException>(() => Observation.Create(later, s_time, 1, [a]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Observation.Create(s_time, s_time, 0, [a]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Observation.Create(s_time, s_time, Observation.MaxNumberObserved + 1, [a]));
        Assert.Throws<ArgumentException>(() => Observation.Create(s_time, s_time, 1, [a, a]));
        Assert.Throws<ArgumentException>(() => new ObservedObject("", Sco("ipv4-addr", "x")));
        Assert.Throws<ArgumentException>(() => new ObservedObject("k", new StixObject(JsonObject.Create(("value", "x")))));
    }

    [Fact]
    public void Only_observed_data_becomes_an_observation()
    {
        var indicator = new StixObject(JsonObject.Create(("type", "indicator"), ("id", "indicator--1")));
        Assert.False(Observation.TryFromObservedData(indicator, new Dictionary<string, StixObject>(), default, out Observation? observation, out string? error));
        Assert.Null(observation);
        Assert.Contains("not an observed-data", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Positions_print_what_is_known()
    {
        Assert.Equal(string.Empty, SourcePosition.None.ToString());
        Assert.Equal("object 2", new SourcePosition(null, null, 2).ToString());
        Assert.Equal("line 1, byte 0, object 0", new SourcePosition(1, 0, 0).ToString());
    }

    private static StixObject Sco(string type, string value) => new(JsonObject.Create(("type", type), ("value", value)));
}
