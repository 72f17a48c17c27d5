using System.Text;
using Detente.Patterns.Evaluation;
using Detente.Patterns.Observations;
using Detente.Patterns.Telemetry;

namespace Detente.Patterns.Tests.Evaluation;

/// <summary>Object paths through <c>*_ref</c> and <c>*_refs</c> (STIX 2.1 §9.7.2), in STIX 2.1 and 2.0 content.</summary>
public sealed class ReferenceTests
{
    private const string Traffic = """{"type":"network-traffic","src_ref":"0s","dst_ref":"0d","dst_port":443}""";
    private const string Source = """{"type":"ipv4-addr","value":"10.0.0.1","resolves_to_refs":["mac"]}""";
    private const string Destination = """{"type":"ipv4-addr","value":"203.0.113.9"}""";
    private const string Mac = """{"type":"mac-addr","value":"00:11:22:33:44:55"}""";

    private static Observation Network() => Observation.Create(
        Detente.Stix.StixTimestamp.Parse("2024-01-01T00:00:00Z"),
        Detente.Stix.StixTimestamp.Parse("2024-01-01T00:00:00Z"),
        1,
        [new ObservedObject("t", Obs.Object(Traffic)), new ObservedObject("0s", Obs.Object(Source)), new ObservedObject("0d", Obs.Object(Destination)), new ObservedObject("mac", Obs.Object(Mac))],
        ObservationForm.Embedded);

    [Theory]
    [InlineData("network-traffic:src_ref.value = '10.0.0.1'", true)]
    [InlineData("network-traffic:dst_ref.value = '203.0.113.9/32'", true)]
    [InlineData("network-traffic:dst_ref.value ISSUBSET '203.0.113.0/24'", true)]
    [InlineData("network-traffic:src_ref.value = '203.0.113.9'", false)]
    [InlineData("network-traffic:src_ref.type = 'ipv4-addr'", true)]
    [InlineData("network-traffic:src_ref.resolves_to_refs[*].value = '00:11:22:33:44:55'", true)]
    [InlineData("network-traffic:src_ref.resolves_to_refs[0].value = '00:11:22:33:44:55'", true)]
    [InlineData("network-traffic:src_ref.resolves_to_refs[1].value = '00:11:22:33:44:55'", false)]
    [InlineData("network-traffic:src_ref = '0s'", true)]
    [InlineData("network-traffic:src_ref.resolves_to_refs[0] = 'mac'", true)]
    [InlineData("network-traffic:src_ref.resolves_to_refs.value = '00:11:22:33:44:55'", false)]
    [InlineData("network-traffic:src_ref.value = '10.0.0.1' AND network-traffic:dst_ref.value = '203.0.113.9'", true)]
    [InlineData("network-traffic:src_ref.value = '10.0.0.1' AND network-traffic:dst_port = 80", false)]
    [InlineData("EXISTS network-traffic:src_ref.value", true)]
    [InlineData("EXISTS network-traffic:src_ref.missing", false)]
    [InlineData("ipv4-addr:value = '10.0.0.1'", true)]
    public void Paths_follow_references_in_the_same_observation(string comparison, bool expected)
    {
        Assert.Equal(expected ? ComparisonOutcome.True : ComparisonOutcome.False, Obs.Compare(comparison, Network()));
    }

    [Fact]
    public void An_unresolvable_reference_reaches_nothing()
    {
        Observation o = Obs.At("2024-01-01T00:00:00Z", """{"type":"network-traffic","src_ref":"9"}""");
        Assert.Equal(ComparisonOutcome.False, Obs.Compare("network-traffic:src_ref.value = '10.0.0.1'", o));
        Assert.Equal(ComparisonOutcome.False, Obs.Compare("network-traffic:src_ref.value != '10.0.0.1'", o));
        Assert.Equal(ComparisonOutcome.True, Obs.Compare("NOT EXISTS network-traffic:src_ref.value", o));
        Assert.Equal(ComparisonOutcome.True, Obs.Compare("network-traffic:src_ref = '9'", o));
    }

    [Fact]
    public void References_are_not_followed_into_another_observation()
    {
        Observation traffic = Obs.At("2024-01-01T00:00:00Z", """{"type":"network-traffic","src_ref":"1"}""");
        Observation address = Obs.At("2024-01-01T00:00:00Z", """{"type":"ipv4-addr","value":"10.0.0.1"}""", """{"type":"ipv4-addr","value":"10.0.0.2"}""");
        Assert.False(Obs.Eval("[network-traffic:src_ref.value = '10.0.0.2']", traffic, address).IsMatch);
    }

    [Fact]
    public void Stix21_bundles_and_stix20_objects_give_the_same_answers()
    {
        const string Bundle21 = """
            {"type":"bundle","id":"bundle--6c0f4f4e-0e8c-4d5b-9f3a-4bb0a0c1a1a1","objects":[
              {"type":"observed-data","spec_version":"2.1","id":"observed-data--b67d30ff-02ac-498a-92f9-32f845f448cf","created":"2024-01-01T00:00:00Z","modified":"2024-01-01T00:00:00Z",
               "first_observed":"2024-01-01T00:00:00Z","last_observed":"2024-01-01T00:00:00Z","number_observed":1,
               "object_refs":["network-traffic--2568d22a-8998-58eb-99ec-3c8ca74f527d"]},
              {"type":"network-traffic","spec_version":"2.1","id":"network-traffic--2568d22a-8998-58eb-99ec-3c8ca74f527d","src_ref":"ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd","protocols":["tcp"]},
              {"type":"ipv4-addr","spec_version":"2.1","id":"ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd","value":"198.51.100.3"}
            ]}
            """;
        const string ObservedData20 = """
            {"type":"observed-data","id":"observed-data--c67d30ff-02ac-498a-92f9-32f845f448cf","created":"2024-01-01T00:00:00Z","modified":"2024-01-01T00:00:00Z",
             "first_observed":"2024-01-01T00:00:00Z","last_observed":"2024-01-01T00:00:00Z","number_observed":1,
             "objects":{"0":{"type":"network-traffic","src_ref":"1","protocols":["tcp"]},"1":{"type":"ipv4-addr","value":"198.51.100.3"}}}
            """;
        var reader = new StixTelemetryReader();
        Observation o21 = Assert.Single(reader.ReadDocument(Encoding.UTF8.GetBytes(Bundle21))).Observation!;
        Observation o20 = Assert.Single(reader.ReadDocument(Encoding.UTF8.GetBytes(ObservedData20))).Observation!;
        string[] patterns =
        [
            "[network-traffic:src_ref.value = '198.51.100.3']",
            "[network-traffic:src_ref.value ISSUBSET '198.51.100.0/24' AND network-traffic:protocols[*] = 'tcp']",
            "[ipv4-addr:value = '198.51.100.3']",
            "[network-traffic:protocols[0] = 'udp']",
        ];
        bool[] expected = [true, true, true, false];
        for (int i = 0; i < patterns.Length; i++)
        {
            Assert.Equal(expected[i], Obs.Eval(patterns[i], o21).IsMatch);
            Assert.Equal(expected[i], Obs.Eval(patterns[i], o20).IsMatch);
        }
    }
}
