using System.Text;
using CsCheck;
using Detente.Patterns.Observations;
using Detente.Patterns.Telemetry;
using Detente.Stix;
using Detente.Stix.Identifiers;
using Detente.Testing;
using static Detente.Patterns.Tests.Telemetry.TelemetryTestHelpers;

namespace Detente.Patterns.Tests.Telemetry;

public sealed class FlatObservationTests
{
    [Fact]
    public void A_zeek_conn_line_becomes_network_traffic_between_two_addresses()
    {
        var reader = new FlatEventReader(FlatLogMapping.Zeek, new FieldKeyTable());
        Observation observation = Read(reader, SampleLines("zeek.log").First());
        Assert.Equal(ObservationForm.Flat, observation.Form);
        Assert.Null(observation.Id);
        Assert.Equal("2024-01-02T03:04:05.123456Z", observation.FirstObserved.ToString());
        Assert.Equal(observation.FirstObserved, observation.LastObserved);
        Assert.Equal(1, observation.NumberObserved);
        Assert.Equal(new SourcePosition(1, 0, null), observation.Position);
        Assert.Empty(observation.UnresolvedRefs);

        ObservedObject traffic = Assert.Single(observation.OfType("network-traffic"));
        Assert.Equal(2, observation.OfType("ipv4-addr").Count);
        Assert.Equal("192.168.1.10", observation.Resolve(traffic.Json.GetString("src_ref")!)!.Json.GetString("value"));
        Assert.Equal("203.0.113.7", observation.Resolve(traffic.Json.GetString("dst_ref")!)!.Json.GetString("value"));
        Assert.Equal("{\"type\":\"network-traffic\",\"spec_version\":\"2.1\",\"src_ref\":\"" + traffic.Json.GetString("src_ref") + "\",\"src_port\":52344,\"dst_ref\":\"" + traffic.Json.GetString("dst_ref") + "\",\"dst_port\":443,\"protocols\":[\"tcp\"],\"id\":\"" + traffic.Key + "\"}",
            string.Concat("{", string.Join(",", traffic.Json.Select(m => $"\"{m.Key}\":{m.Value}")), "}"));
        Assert.All(observation.Objects, o =>
        {
            Assert.True(o.IsListed);
            Assert.Equal(o.Key, o.Object.Id);
            Assert.Equal(ScoIds.Compute(o.Object).Id, StixId.Parse(o.Key)); // deterministic ids
        });
    }

    [Fact]
    public void A_zeek_files_line_becomes_a_file_with_normalized_hashes()
    {
        var reader = new FlatEventReader(FlatLogMapping.Zeek, new FieldKeyTable());
        Observation observation = Read(reader, SampleLines("zeek.log").ElementAt(3));
        ObservedObject file = Assert.Single(observation.Objects);
        Assert.Equal("payload.exe", file.Json.GetString("name"));
        Assert.Equal(
            "{\"MD5\":\"d41d8cd98f00b204e9800998ecf8427e\",\"SHA-1\":\"da39a3ee5e6b4b0d3255bfef95601890afd80709\",\"SHA-256\":\"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\"}",
            file.Json["hashes"]!.ToString());
    }

    [Fact]
    public void A_line_with_two_values_for_one_property_gets_two_objects()
    {
        var mapping = FlatLogMapping.Parse("""{"name":"t","timestamp":["ts"],"fields":{"a":"file:name","b":"file:name","c":"file:size"}}"""u8);
        var reader = new FlatEventReader(mapping, new FieldKeyTable());
        Observation two = Read(reader, "{\"ts\":1,\"a\":\"x.exe\",\"b\":\"y.exe\",\"c\":10}"u8.ToArray());
        Assert.Equal(["x.exe", "y.exe"], two.OfType("file").Select(f => f.Json.GetString("name")));
        Observation one = Read(reader, "{\"ts\":1,\"a\":\"x.exe\",\"b\":\"x.exe\",\"c\":10}"u8.ToArray());
        Assert.Single(one.OfType("file"));
    }

    [Fact]
    public void A_malformed_line_gives_an_error_record()
    {
        var reader = new FlatEventReader(FlatLogMapping.Zeek, new FieldKeyTable());
        TelemetryRecord record = reader.ReadObservation("{\"ts\":"u8, 9, 100);
        Assert.Null(record.Observation);
        Assert.Equal(new SourcePosition(9, 100, null), record.Error!.Position);
    }

    [Fact]
    public async Task A_stream_of_lines_becomes_observations_and_errors_in_order()
    {
        var reader = new FlatEventReader(FlatLogMapping.Eve, new FieldKeyTable());
        byte[] text = [.. Sample("eve.json"), .. "not json\n"u8, .. "\n"u8];
        var records = new List<TelemetryRecord>();
        await foreach (TelemetryRecord record in reader.ReadObservationsAsync(new MemoryStream(text), TestContext.Current.CancellationToken))
        {
            records.Add(record);
        }

        Assert.Equal(9, records.Count);
        Assert.All(records.Take(8), r => Assert.NotNull(r.Observation));
        Assert.Equal(9, records[8].Error!.Position.LineNumber);
        Assert.Equal("http://download.example.net/payload.exe?id=7", Assert.Single(records[3].Observation!.OfType("url")).Json.GetString("value"));
    }

    [Fact]
    public void Every_field_the_fast_path_reports_is_a_value_of_the_observation_and_nothing_else()
    {
        Gen<(int Seed, int Kind)> gen = Gen.Select(Gen.Int, Gen.Int[0, 2]);
        Property.ForAll(gen, input =>
        {
            var generator = new TelemetryGenerator(input.Seed, poolSize: 20);
            (FlatLogMapping mapping, Func<string> next) = input.Kind switch
            {
                0 => (FlatLogMapping.Zeek, (Func<string>)generator.ZeekLine),
                1 => (FlatLogMapping.Eve, generator.EveLine),
                _ => (FlatLogMapping.Parse(Sample("custom-mapping.json")), () => Encoding.UTF8.GetString(SampleLines("proxy.log").ElementAt(Math.Abs(input.Seed % 2)))),
            };
            var keys = new FieldKeyTable();
            var reader = new FlatEventReader(mapping, keys);
            for (int i = 0; i < 10; i++)
            {
                byte[] line = Encoding.UTF8.GetBytes(next());
                var sink = new RecordingSink(keys);
                Assert.True(reader.Read(line, 1, 0, ref sink));
                Observation observation = Read(reader, line);

                // What the fast path reports, per key (as a multiset-free set of values).
                var reported = new HashSet<string>(sink.Events[0].Fields.Select(Normalize), StringComparer.Ordinal);

                // What the observation holds at every key the reader can report.
                var held = new HashSet<string>(StringComparer.Ordinal);
                foreach (FieldKey key in reader.Keys)
                {
                    foreach (string value in Values(observation, keys.ObjectType(key), keys.Path(key)))
                    {
                        held.Add($"{keys.ToString(key)} = {value}");
                    }
                }

                Assert.Equal(held.Order(StringComparer.Ordinal), reported.Order(StringComparer.Ordinal));
            }
        }, iterations: 60);

        static string Normalize(string field)
        {
            // RecordingSink quotes strings; the walker does not.
            int equals = field.IndexOf(" = ", StringComparison.Ordinal);
            string value = field[(equals + 3)..];
            return field[..(equals + 3)] + (value.StartsWith('\'') ? value[1..^1] : value);
        }
    }

    private static Observation Read(FlatEventReader reader, byte[] line)
    {
        TelemetryRecord record = reader.ReadObservation(line);
        Assert.Null(record.Error);
        return record.Observation!;
    }
}
