using System.Text;
using Detente.Patterns.Telemetry;

namespace Detente.Patterns.Tests.Telemetry;

public sealed class MappingTests
{
    [Theory]
    [InlineData("zeek")]
    [InlineData("eve")]
    [InlineData("jsonl")]
    public void Built_in_mappings_are_found_by_name(string name)
    {
        Assert.True(FlatLogMapping.TryGetBuiltIn(name, out FlatLogMapping? mapping));
        Assert.Equal(name, mapping.Name);
        Assert.NotEmpty(mapping.Fields);
        Assert.NotEmpty(new FlatEventReader(mapping, new FieldKeyTable()).Keys);
    }

    [Fact]
    public void An_unknown_built_in_is_not_found()
    {
        Assert.False(FlatLogMapping.TryGetBuiltIn("syslog", out FlatLogMapping? mapping));
        Assert.Null(mapping);
    }

    [Theory]
    [InlineData("""{"name":"x","timestamp":["ts"],"fields":{"a":"ipv4-addr:value"},"extra":1}""", "Unknown member 'extra'")]
    [InlineData("""{"timestamp":["ts"],"fields":{"a":"ipv4-addr:value"}}""", "'name'")]
    [InlineData("""{"name":"x","fields":{"a":"ipv4-addr:value"}}""", "'timestamp'")]
    [InlineData("""{"name":"x","timestamp":[],"fields":{"a":"ipv4-addr:value"}}""", "at least one field")]
    [InlineData("""{"name":"x","timestamp":["ts"]}""", "'fields'")]
    [InlineData("""{"name":"x","timestamp":["ts"],"fields":{"a":"no-colon"}}""", "object path")]
    [InlineData("""{"name":"x","timestamp":["ts"],"fields":{"a":"Bad_Type:value"}}""", "object path")]
    [InlineData("""{"name":"x","timestamp":["ts"],"fields":{"a":"file:hashes.x.y"}}""", "not supported")]
    [InlineData("""{"name":"x","timestamp":["ts"],"fields":{"a":"network-traffic:dst_ref"}}""", "not supported")]
    [InlineData("""{"name":"x","timestamp":["ts"],"fields":{"a":"network-traffic:dst_ref.name"}}""", "not supported")]
    [InlineData("""{"name":"x","timestamp":["ts"],"fields":{"a":"domain-name:resolves_to_refs[*]"}}""", "not supported")]
    [InlineData("""{"name":"x","timestamp":["ts"],"fields":{"a":"file:x[2]"}}""", "not supported")]
    [InlineData("""{"name":"x","timestamp":["ts"],"fields":{"a":[]}}""", "maps to no object path")]
    [InlineData("""{"name":"x","timestamp":["ts"],"fields":{"a":1}}""", "string or an array")]
    [InlineData("""{"name":"x","timestamp":["ts"],"fields":{"a..b":"url:value"}}""", "not a field path")]
    [InlineData("""{"name":"x","timestamp":["ts"],"fields":{"[*].b":"url:value"}}""", "not a field path")]
    [InlineData("""{"name":"x","timestamp":["ts"],"fields":{"a[1]":"url:value"}}""", "not a field path")]
    [InlineData("""{"name":"x","timestamp":["ts"],"fields":{"a.b.c.d.e.f.g.h.i":"url:value"}}""", "not a field path")]
    [InlineData("""{"name":"x","timestamp":["ts"],"fields":{"a":"file:name","b":"file:name.x"}}""", "mapped both as a value and as a dictionary")]
    [InlineData("""{"name":"x","timestamp":["ts"],"fields":{"a":"file:x[*]","b":"file:x"}}""", "mapped both as a list and as a value")]
    [InlineData("""{"name":"x","timestamp":["ts"],"fields":{"a":"url:value"},"urls":[{"host":"h","path":"p"}]}""", "scheme")]
    [InlineData("""{"name":"x","timestamp":["ts"],"fields":{"a":"url:value"},"urls":[{"scheme":"1http","host":"h","path":"p"}]}""", "scheme")]
    [InlineData("""{"name":"x","timestamp":["ts"],"fields":{"a":"url:value"},"urls":{}}""", "'urls' must be an array")]
    [InlineData("""[1]""", "JSON object")]
    [InlineData("""{"name":"x","name":"y"}""", "Duplicate")]
    public void Invalid_mappings_are_refused_with_every_problem_listed(string json, string problem)
    {
        Assert.False(FlatLogMapping.TryParse(Encoding.UTF8.GetBytes(json), out FlatLogMapping? mapping, out IReadOnlyList<string> errors));
        Assert.Null(mapping);
        Assert.Contains(errors, e => e.Contains(problem, StringComparison.Ordinal));
        FormatException thrown = Assert.Throws<FormatException>(() => FlatLogMapping.Parse(Encoding.UTF8.GetBytes(json)));
        Assert.Contains(problem, thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Several_problems_are_listed_at_once()
    {
        Assert.False(FlatLogMapping.TryParse("""{"name":"","timestamp":[],"fields":{"a":"x"},"more":1}"""u8, out _, out IReadOnlyList<string> errors));
        Assert.Equal(4, errors.Count);
    }

    [Fact]
    public void A_field_may_have_several_targets()
    {
        FlatLogMapping mapping = FlatLogMapping.Parse("""{"name":"x","timestamp":["ts"],"fields":{"ip":["ipv4-addr:value","network-traffic:dst_ref.value"]}}"""u8);
        FlatFieldMapping field = Assert.Single(mapping.Fields);
        Assert.Equal(["ipv4-addr:value", "network-traffic:dst_ref.value"], field.Targets);
    }
}
