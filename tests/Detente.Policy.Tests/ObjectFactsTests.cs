using System.Text;
using CsCheck;
using Detente.Fuzz;
using Detente.Stix;
using Detente.Stix.Json;
using Detente.Testing;

namespace Detente.Policy.Tests;

public sealed class ObjectFactsTests
{
    private static readonly StixReader s_reader = new();

    private const string Indicator = """
        {
          "type": "indicator", "spec_version": "2.1",
          "id": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
          "created_by_ref": "identity--00000000-0000-4000-8000-000000000001",
          "created": "2026-11-01T10:00:00.000Z", "modified": "2026-11-20T10:00:00.123456Z",
          "confidence": 85, "labels": ["malicious-activity", "apt"],
          "description": "not read", "pattern": "[ipv4-addr:value = '198.51.100.3']", "pattern_type": "stix",
          "valid_from": "2026-11-01T10:00:00Z",
          "object_marking_refs": ["marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"],
          "granular_markings": [
            { "marking_ref": "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1", "selectors": ["description", "labels.[1]"] },
            { "lang": "fr", "selectors": ["pattern"] }
          ],
          "extensions": { "x": { "deep": [[[{ "a": 1 }]]] } }
        }
        """;

    [Fact]
    public void The_policy_members_are_read_and_the_rest_skipped()
    {
        ObjectFacts facts = ObjectFacts.Read(Encoding.UTF8.GetBytes(Indicator));
        Assert.Equal("indicator", facts.Type);
        Assert.Equal("indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", facts.Id);
        Assert.Equal("identity--00000000-0000-4000-8000-000000000001", facts.CreatedByRef);
        Assert.Equal(new DateTimeOffset(2026, 11, 1, 10, 0, 0, TimeSpan.Zero), facts.Created);
        Assert.Equal(new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.Zero).AddTicks(1_234_560), facts.Modified);
        Assert.Equal(85, facts.Confidence);
        Assert.Equal(["malicious-activity", "apt"], facts.Labels);
        Assert.Equal([Fixture.Green], facts.ObjectMarkingRefs);
        Assert.Equal(2, facts.GranularMarkings.Length);
        Assert.Equal(Fixture.Red, facts.GranularMarkings[0].MarkingRef);
        Assert.Equal(["description", "labels.[1]"], facts.GranularMarkings[0].Selectors);
        Assert.Null(facts.GranularMarkings[1].MarkingRef);
        Assert.Equal(facts, ObjectFacts.From(s_reader.ReadObject(Encoding.UTF8.GetBytes(Indicator))));
    }

    [Fact]
    public void Every_example_object_reads_to_the_same_facts_from_bytes_and_from_its_tree()
    {
        foreach ((string name, string json) in StixExamples.ValidObjects.Concat(StixExamples.ValidVariants))
        {
            byte[] bytes = Encoding.UTF8.GetBytes(json);
            Assert.True(ObjectFacts.From(s_reader.ReadObject(bytes)).Equals(ObjectFacts.Read(bytes)), name);
        }
    }

    [Theory]
    [InlineData("""{"type":1,"id":[],"created_by_ref":{},"created":"yesterday","modified":null,"confidence":"high","labels":"x","object_marking_refs":{"a":1},"granular_markings":7}""")]
    [InlineData("""{"confidence":101,"labels":[1,null,{}],"granular_markings":[1,"x",{"marking_ref":3,"selectors":"description"}]}""")]
    [InlineData("""{"confidence":50.5}""")]
    [InlineData("""{"confidence":-1}""")]
    public void Mistyped_members_read_as_absent_as_the_tree_accessors_do(string json)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(json);
        ObjectFacts facts = ObjectFacts.Read(bytes);
        Assert.Null(facts.Type);
        Assert.Null(facts.Confidence);
        Assert.Empty(facts.ObjectMarkingRefs);
        Assert.Equal(ObjectFacts.From(s_reader.ReadObject(bytes)), facts);
    }

    [Fact]
    public void Numbers_that_are_integers_read_as_confidence_whatever_their_spelling()
    {
        Assert.Equal(50, ObjectFacts.Read("""{"confidence":5e1}"""u8).Confidence);
        Assert.Equal(50, ObjectFacts.Read("""{"confidence":50.0}"""u8).Confidence);
        Assert.Equal(0, ObjectFacts.Read("""{"confidence":-0}"""u8).Confidence);
    }

    [Theory]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("\"indicator\"")]
    [InlineData("{\"type\":\"indicator\"")]
    [InlineData("{\"type\":\"indicator\"} {}")]
    [InlineData("{\"type\":\"indicator\",}")]
    [InlineData("{\"object_marking_refs\":[],\"object_marking_refs\":[\"x\"]}")]
    [InlineData("{\"type\":\"a\",\"t\\u0079pe\":\"b\"}")]
    [InlineData("{\"granular_markings\":[{\"marking_ref\":\"a\",\"marking_ref\":\"b\"}]}")]
    [InlineData("{\"type\":\"\\ud800\"}")]
    public void Unreadable_or_ambiguous_bytes_are_a_format_error(string json) =>
        Assert.Throws<StixFormatException>(() => ObjectFacts.Read(Encoding.UTF8.GetBytes(json)));

    [Fact]
    public void A_leading_byte_order_mark_is_skipped_as_the_stix_reader_does()
    {
        byte[] bytes = [0xEF, 0xBB, 0xBF, .. "{\"type\":\"indicator\"}"u8];
        Assert.Equal("indicator", ObjectFacts.Read(bytes).Type);
        Assert.Equal(ObjectFacts.From(s_reader.ReadObject(bytes)), ObjectFacts.Read(bytes));
        Assert.Throws<StixFormatException>(() => ObjectFacts.Read([0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF, .. "{}"u8]));
    }

    [Fact]
    public void Members_the_policy_does_not_read_may_repeat() =>
        Assert.Equal("x", ObjectFacts.Read("""{"a":1,"a":2,"type":"x"}"""u8).Type);

    private static readonly string[] s_names =
        ["type", "id", "created_by_ref", "created", "modified", "confidence", "labels", "object_marking_refs", "granular_markings", "x_other"];

    private static readonly Gen<JsonValue> s_stringish = Gen.Frequency(
        (3, Generators.Pick<JsonValue>("indicator", Fixture.Green, Fixture.Elections, "2026-11-20T10:00:00Z", "2026-11-20T10:00:00.1Z", "description")),
        (1, JsonGenerators.Scalar));

    private static readonly Gen<JsonValue> s_list = Gen.Frequency(
        (3, s_stringish.Array[0, 4].Select(static items => (JsonValue)JsonArray.Create(items))),
        (1, JsonGenerators.Value));

    private static readonly Gen<JsonValue> s_marking = Gen.Select(s_stringish, s_list, Gen.Int[0, 3], static (r, s, shape) => shape switch
    {
        0 => (JsonValue)JsonObject.Create(("marking_ref", r), ("selectors", s)),
        1 => JsonObject.Create(("lang", "fr"), ("selectors", s)),
        2 => JsonObject.Create(("selectors", s), ("marking_ref", r), ("extra", JsonValue.Null)),
        _ => r,
    });

    private static readonly Gen<JsonObject> s_object = Gen.Select(Gen.Int[0, 1023], s_stringish.Array[10], s_list.Array[10],
        s_marking.Array[0, 3], JsonGenerators.Number, static (present, strings, lists, markings, number) =>
        {
            var members = new List<KeyValuePair<string, JsonValue>>();
            for (int i = 0; i < s_names.Length; i++)
            {
                if ((present & (1 << i)) == 0)
                {
                    continue;
                }

                JsonValue value = s_names[i] switch
                {
                    "labels" or "object_marking_refs" => lists[i],
                    "granular_markings" => JsonArray.Create(markings),
                    "confidence" => (i & 1) == 0 ? new JsonNumber(Math.Round(Math.Abs(number) % 120)) : new JsonNumber(number),
                    _ => strings[i],
                };
                members.Add(new(s_names[i], value));
            }

            return JsonObject.Create(members);
        });

    [Fact]
    public void Property_bytes_and_tree_give_the_same_facts()
    {
        Property.ForAll(s_object, static json =>
        {
            byte[] bytes = Encoding.UTF8.GetBytes(json.ToString());
            Assert.Equal(ObjectFacts.From(new StixObject(json)), ObjectFacts.Read(bytes));
            FuzzTargets.PolicyFactsTarget(bytes);
        }, iterations: 1000, print: static j => j.ToString());
    }

    [Fact]
    public void Mutated_objects_only_ever_raise_format_errors_and_agree_with_the_stix_reader()
    {
        List<byte[]> seeds = [.. StixExamples.ValidObjects.Values.Select(Encoding.UTF8.GetBytes), Encoding.UTF8.GetBytes(Indicator)];
        FuzzMutator.Run("policy-facts", static input => FuzzTargets.PolicyFactsTarget(input), seeds, 20261123, 4000);
    }

    [Fact]
    public void Arbitrary_bytes_only_ever_raise_format_errors() =>
        Property.ForAll(Gen.Byte.Array[0, 64], static bytes => FuzzTargets.PolicyFactsTarget(bytes), iterations: 2000);
}
