using System.Text;
using Detente.Stix;
using Detente.Stix.Json;
using Detente.Stix.Signatures;
using static Detente.Policy.Tests.Fixture;

namespace Detente.Policy.Tests;

public sealed class RedactionTests
{
    private static readonly StixReader s_reader = new();

    private static StixObject Object(string json) => s_reader.ReadObject(Encoding.UTF8.GetBytes(json));

    private static readonly StixObject s_report = Object($$"""
        {
          "type": "report", "spec_version": "2.1", "id": "report--84e4d88f-44ea-4bcd-bbf3-b2c1c320bcb3",
          "created": "2026-11-01T10:00:00.000Z", "modified": "2026-11-01T10:00:00.000Z",
          "name": "Campaign against the election commission", "description": "Source: a named informant.",
          "published": "2026-11-01T10:00:00Z", "object_refs": ["indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"],
          "labels": ["elections", "sensitive-source"],
          "external_references": [
            { "source_name": "cert-fr", "url": "https://example.org/public" },
            { "source_name": "internal", "url": "https://intranet.example/secret" }
          ],
          "object_marking_refs": ["{{Green}}"],
          "granular_markings": [
            { "marking_ref": "{{Red}}", "selectors": ["description", "external_references.[1].url"] },
            { "marking_ref": "{{Amber}}", "selectors": ["labels.[1]", "name"] },
            { "lang": "fr", "selectors": ["labels.[0]"] }
          ],
          "extensions": {
            "{{SignatureExtension.Id}}": { "extension_type": "property-extension", "signatures": ["e30..AA"] }
          }
        }
        """);

    [Fact]
    public void The_selected_properties_go_and_so_do_their_markings_and_the_signature()
    {
        StixObject redacted = Redaction.Apply(s_report, ["description", "external_references.[1].url"]);
        Assert.Null(redacted["description"]);
        var references = (JsonArray)redacted["external_references"]!;
        Assert.Equal("https://example.org/public", ((JsonObject)references[0]).GetString("url"));
        Assert.False(((JsonObject)references[1]).ContainsKey("url"));
        Assert.Equal("internal", ((JsonObject)references[1]).GetString("source_name"));
        Assert.Null(redacted["extensions"]); // only the signature was there
        var markings = (JsonArray)redacted["granular_markings"]!;
        Assert.Equal(2, markings.Count); // the RED marking selected only removed parts
        Assert.Equal(Amber, ((JsonObject)markings[0]).GetString("marking_ref"));

        Assert.NotNull(s_report["description"]); // the input is unchanged
        Assert.Equal(redacted, Redaction.Apply(s_report, ["description", "external_references.[1].url"]));
    }

    [Fact]
    public void A_selector_ending_in_a_list_index_removes_the_whole_list()
    {
        StixObject redacted = Redaction.Apply(s_report, ["labels.[1]"]);
        Assert.Null(redacted["labels"]);
        var markings = (JsonArray)redacted["granular_markings"]!;
        JsonObject amber = markings.Cast<JsonObject>().Single(static m => m.GetString("marking_ref") == Amber);
        Assert.Equal(JsonArray.Create("name"), amber["selectors"]);
        Assert.DoesNotContain(markings.Cast<JsonObject>(), static m => m.ContainsKey("lang")); // its only selector was under labels
    }

    [Fact]
    public void Selectors_that_do_not_fit_the_object_remove_nothing()
    {
        Assert.Same(s_report, Redaction.Apply(s_report, []));
        Assert.Same(s_report, Redaction.Apply(s_report, ["nothing_here", "name.[0]", "external_references.[7].url", "description.x", "[0]"]));
    }

    [Fact]
    public void Other_extensions_are_kept()
    {
        StixObject extended = s_report.With("extensions", ((JsonObject)s_report["extensions"]!).With("x-ext", JsonObject.Create(("a", 1))));
        var extensions = (JsonObject)Redaction.Apply(extended, ["description"])["extensions"]!;
        Assert.Equal(["x-ext"], extensions.Names);
    }

    [Fact]
    public void The_redacted_object_is_allowed_as_it_is()
    {
        SharingPolicy policy = Fixture.Policy;
        PolicyPrincipal reader = policy.Principal("ru-cert"); // a partner of the collection: AMBER parts are fine, RED ones not
        PolicyDecision decision = policy.Decide(reader, ObjectFacts.From(s_report));
        Assert.Equal(PolicyOutcome.AllowWithRedaction, decision.Outcome);
        Assert.Equal(["description", "external_references.[1].url"], decision.Redactions);

        StixObject redacted = Redaction.Apply(s_report, decision.Redactions);
        PolicyDecision again = policy.Decide(reader, ObjectFacts.From(redacted));
        Assert.Equal(PolicyOutcome.Allow, again.Outcome);
        Assert.Equal(ObjectFacts.From(redacted), ObjectFacts.Read(Encoding.UTF8.GetBytes(redacted.ToString())));
    }

    [Theory]
    [InlineData("description", "description")]
    [InlineData("external_references.[0].url", "external_references.url")]
    [InlineData("labels.[12]", "labels")]
    [InlineData("a.[0].[1].b", "a.b")]
    [InlineData("a.[x].b", "a.[x].b")]
    public void Indices_are_left_out_of_the_form_rules_are_written_in(string selector, string expected) =>
        Assert.Equal(expected, Redaction.WithoutIndices(selector));
}
