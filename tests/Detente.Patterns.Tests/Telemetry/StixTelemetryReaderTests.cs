using System.Text;
using Detente.Patterns.Observations;
using Detente.Patterns.Telemetry;
using Detente.Stix;
using Detente.Testing;
using static Detente.Patterns.Tests.Telemetry.TelemetryTestHelpers;

namespace Detente.Patterns.Tests.Telemetry;

public sealed class StixTelemetryReaderTests
{
    [Fact]
    public void A_stix_21_bundle_resolves_object_refs_wherever_the_objects_stand()
    {
        IReadOnlyList<TelemetryRecord> records = new StixTelemetryReader().ReadDocument(Sample("observed-data-21.json"));
        Observation observation = Assert.Single(records).Observation!;
        Assert.Equal(ObservationForm.Referenced, observation.Form);
        Assert.Equal("observed-data--b67d30ff-02ac-498a-92f9-32f845f448cf", observation.Id);
        Assert.Equal("observed-data", observation.Source!.Type);
        Assert.Equal(StixTimestamp.Parse("2024-01-02T03:04:05Z"), observation.FirstObserved);
        Assert.Equal(StixTimestamp.Parse("2024-01-02T03:09:05Z"), observation.LastObserved);
        Assert.Equal(3, observation.NumberObserved);
        Assert.Equal(new SourcePosition(null, null, 0), observation.Position);

        // Listed: the traffic and the domain; the file is missing. Reached: both addresses (through src_ref, dst_ref
        // and resolves_to_refs), each once; the marking a reference names is not an observable.
        Assert.Equal(["network-traffic", "domain-name", "ipv4-addr", "ipv4-addr"], observation.Objects.Select(o => o.Type));
        Assert.Equal([true, true, false, false], observation.Objects.Select(o => o.IsListed));
        Assert.Equal(["file--7a56a3a8-2b5c-5b4f-9f52-0b9d2c5e7f11"], observation.UnresolvedRefs);
        ObservedObject traffic = Assert.Single(observation.OfType("network-traffic"));
        Assert.Equal("203.0.113.7", observation.Resolve(traffic.Json.GetString("dst_ref")!)!.Json.GetString("value"));
        Assert.Empty(observation.OfType("relationship"));
        Assert.Empty(observation.OfType("file"));
    }

    [Fact]
    public void A_stix_20_observed_data_embeds_its_objects_under_keys()
    {
        Observation observation = Assert.Single(new StixTelemetryReader().ReadDocument(Sample("observed-data-20.json"))).Observation!;
        Assert.Equal(ObservationForm.Embedded, observation.Form);
        Assert.Equal(["0", "1", "2", "3"], observation.Objects.Select(o => o.Key));
        Assert.All(observation.Objects, o => Assert.True(o.IsListed));
        ObservedObject traffic = observation.Resolve("2")!;
        Assert.Equal("203.0.113.5", observation.Resolve(traffic.Json.GetString("dst_ref")!)!.Json.GetString("value"));
        Assert.Equal(["9"], observation.UnresolvedRefs); // the file's parent_directory_ref
        Assert.Equal(50, observation.NumberObserved);
        Assert.Equal(new SourcePosition(null, null, 0), observation.Position);
    }

    [Theory]
    [InlineData("\"first_observed\":\"2024-01-02\",\"last_observed\":\"2024-01-02T00:00:00Z\",\"number_observed\":1,\"object_refs\":[]", "first_observed")]
    [InlineData("\"first_observed\":\"2024-01-02T00:00:00Z\",\"number_observed\":1,\"object_refs\":[]", "last_observed")]
    [InlineData("\"first_observed\":\"2024-01-02T00:00:01Z\",\"last_observed\":\"2024-01-02T00:00:00Z\",\"number_observed\":1,\"object_refs\":[]", "before first_observed")]
    [InlineData("\"first_observed\":\"2024-01-02T00:00:00Z\",\"last_observed\":\"2024-01-02T00:00:00Z\",\"number_observed\":0,\"object_refs\":[]", "number_observed")]
    [InlineData("\"first_observed\":\"2024-01-02T00:00:00Z\",\"last_observed\":\"2024-01-02T00:00:00Z\",\"number_observed\":1.5,\"object_refs\":[]", "number_observed")]
    [InlineData("\"first_observed\":\"2024-01-02T00:00:00Z\",\"last_observed\":\"2024-01-02T00:00:00Z\",\"number_observed\":1000000000,\"object_refs\":[]", "number_observed")]
    [InlineData("\"first_observed\":\"2024-01-02T00:00:00Z\",\"last_observed\":\"2024-01-02T00:00:00Z\",\"number_observed\":1", "object_refs")]
    [InlineData("\"first_observed\":\"2024-01-02T00:00:00Z\",\"last_observed\":\"2024-01-02T00:00:00Z\",\"number_observed\":1,\"object_refs\":\"x\"", "object_refs")]
    [InlineData("\"first_observed\":\"2024-01-02T00:00:00Z\",\"last_observed\":\"2024-01-02T00:00:00Z\",\"number_observed\":1,\"objects\":[]", "objects")]
    [InlineData("\"first_observed\":\"2024-01-02T00:00:00Z\",\"last_observed\":\"2024-01-02T00:00:00Z\",\"number_observed\":1,\"objects\":{\"0\":{\"value\":\"x\"}}", "objects")]
    public void An_observed_data_without_valid_times_count_or_objects_is_an_error(string members, string mentioned)
    {
        string json = $"{{\"type\":\"bundle\",\"id\":\"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d\",\"objects\":[{{\"type\":\"ipv4-addr\",\"id\":\"ipv4-addr--4d22aae0-2bf9-5427-8819-e4f6abf20a53\",\"value\":\"1.2.3.4\"}},{{\"type\":\"observed-data\",\"id\":\"observed-data--b67d30ff-02ac-498a-92f9-32f845f448cf\",{members}}}]}}";
        TelemetryRecord record = Assert.Single(new StixTelemetryReader().ReadDocument(Encoding.UTF8.GetBytes(json)));
        Assert.Null(record.Observation);
        Assert.Contains(mentioned, record.Error!.Message, StringComparison.Ordinal);
        Assert.Equal(1, record.Error.Position.ObjectIndex);
    }

    [Fact]
    public void Unreadable_documents_and_items_are_errors()
    {
        var reader = new StixTelemetryReader();
        Assert.Contains("Malformed JSON", Assert.Single(reader.ReadDocument("{\"type\":"u8)).Error!.Message, StringComparison.Ordinal);
        Assert.Contains("not a STIX object", Assert.Single(reader.ReadDocument("42"u8)).Error!.Message, StringComparison.Ordinal);
        IReadOnlyList<TelemetryRecord> records = reader.ReadDocument("[1, {\"no\":\"type\"}, {\"type\":\"bundle\",\"objects\":{}}]"u8);
        Assert.Equal(3, records.Count);
        Assert.Equal([0, 1, null], records.Select(r => r.Error!.Position.ObjectIndex));
    }

    [Fact]
    public void An_array_of_bundles_is_read_like_the_reference_matcher_input()
    {
        string bundle = Encoding.UTF8.GetString(Sample("observed-data-21.json"));
        IReadOnlyList<TelemetryRecord> records = new StixTelemetryReader().ReadDocument(Encoding.UTF8.GetBytes($"[{bundle},{bundle}]"));
        Assert.Equal(2, records.Count);
        Assert.All(records, r => Assert.Equal(4, r.Observation!.Objects.Count));
    }

    [Fact]
    public async Task Json_lines_resolve_refs_against_earlier_and_later_lines()
    {
        List<TelemetryRecord> records = await ReadAll(new StixTelemetryReader(), Sample("observed-data-lines.jsonl"));

        // Line 2 resolves against line 1. Line 3 waits for line 5's domain, and line 4 waits behind it (input
        // order) until line 5 arrives. Line 6 is not JSON. Line 7 is a bundle. Line 8 ends before it starts. Line 9's address never comes:
        // at the end of the stream it is given with the reference unresolved.
        Assert.Equal(
        [
            "2:observed-data--0a6a9b1e-7f0a-4f52-8b55-6b3a3b8b7e01",
            "3:observed-data--0a6a9b1e-7f0a-4f52-8b55-6b3a3b8b7e02",
            "4:observed-data--0a6a9b1e-7f0a-4f52-8b55-6b3a3b8b7e03",
            "6:error",
            "7:observed-data--0a6a9b1e-7f0a-4f52-8b55-6b3a3b8b7e04",
            "8:error",
            "9:observed-data--0a6a9b1e-7f0a-4f52-8b55-6b3a3b8b7e06",
        ], records.Select(r => $"{(r.Observation?.Position ?? r.Error!.Position).LineNumber}:{r.Observation?.Id ?? "error"}"));
        Assert.Equal("evil.example.com", Assert.Single(records[1].Observation!.Objects).Json.GetString("value"));
        Assert.Empty(records[2].Observation!.UnresolvedRefs);
        Assert.Equal(["ipv4-addr--00000000-0000-5000-8000-00000000dead"], records[6].Observation!.UnresolvedRefs);
        Assert.Empty(records[6].Observation!.Objects);
    }

    [Fact]
    public async Task An_observed_data_stops_waiting_after_the_window()
    {
        var options = new StixTelemetryOptions { ResolveWindowLines = 1 };
        List<TelemetryRecord> records = await ReadAll(new StixTelemetryReader(options: options), Sample("observed-data-lines.jsonl"));
        Observation waited = records.Single(r => r.Observation?.Id == "observed-data--0a6a9b1e-7f0a-4f52-8b55-6b3a3b8b7e02").Observation!;
        Assert.Equal(["domain-name--3c10e93f-798e-5a26-a0c1-08156efab7f5"], waited.UnresolvedRefs);
    }

    [Fact]
    public async Task Remembered_objects_are_bounded()
    {
        var options = new StixTelemetryOptions { MaxRememberedObjects = 1, ResolveWindowLines = 0 };
        string lines = string.Join('\n',
            "{\"type\":\"ipv4-addr\",\"id\":\"ipv4-addr--4d22aae0-2bf9-5427-8819-e4f6abf20a53\",\"value\":\"1.1.1.1\"}",
            "{\"type\":\"ipv4-addr\",\"id\":\"ipv4-addr--4d22aae0-2bf9-5427-8819-e4f6abf20a54\",\"value\":\"2.2.2.2\"}",
            "{\"type\":\"observed-data\",\"id\":\"observed-data--b67d30ff-02ac-498a-92f9-32f845f448cf\",\"first_observed\":\"2024-01-02T00:00:00Z\",\"last_observed\":\"2024-01-02T00:00:00Z\",\"number_observed\":1,\"object_refs\":[\"ipv4-addr--4d22aae0-2bf9-5427-8819-e4f6abf20a53\",\"ipv4-addr--4d22aae0-2bf9-5427-8819-e4f6abf20a54\"]}");
        Observation observation = Assert.Single(await ReadAll(new StixTelemetryReader(options: options), Encoding.UTF8.GetBytes(lines))).Observation!;
        Assert.Equal("2.2.2.2", Assert.Single(observation.Objects).Json.GetString("value"));
        Assert.Equal(["ipv4-addr--4d22aae0-2bf9-5427-8819-e4f6abf20a53"], observation.UnresolvedRefs);
    }

    [Fact]
    public async Task A_pretty_printed_document_is_read_whole()
    {
        List<TelemetryRecord> records = await ReadAll(new StixTelemetryReader(), Sample("observed-data-21.json"));
        Assert.Equal(4, Assert.Single(records).Observation!.Objects.Count);
    }

    [Fact]
    public async Task Generated_bundles_read_as_one_observation_each()
    {
        var generator = new TelemetryGenerator(seed: 5, poolSize: 10);
        byte[] lines = TelemetryGenerator.Lines(generator.ObservedDataBundle, 50);
        List<TelemetryRecord> records = await ReadAll(new StixTelemetryReader(), lines);
        Assert.Equal(50, records.Count);
        Assert.All(records, r =>
        {
            Assert.Empty(r.Observation!.UnresolvedRefs);
            Assert.Equal(4, r.Observation.Objects.Count);
        });
    }

    private static async Task<List<TelemetryRecord>> ReadAll(StixTelemetryReader reader, byte[] input)
    {
        var records = new List<TelemetryRecord>();
        await foreach (TelemetryRecord record in reader.ReadAllAsync(new MemoryStream(input), TestContext.Current.CancellationToken))
        {
            records.Add(record);
        }

        return records;
    }
}
