using System.Text;
using Detente.Stix;
using Detente.Stix.Json;
using Detente.Taxii.Tests.Vectors;

namespace Detente.Taxii.Tests.Resources;

/// <summary>Each example of the spec reads, and writing what was read gives the same members with the same values.</summary>
public sealed class SpecExampleTests
{
    private static readonly TaxiiReader s_reader = new();

    public static TheoryData<string, string> Examples => new()
    {
        { "discovery", TaxiiSpecExamples.Discovery },
        { "api-root", TaxiiSpecExamples.ApiRoot },
        { "status", TaxiiSpecExamples.Status },
        { "status", TaxiiSpecExamples.AddObjectsStatus },
        { "collections", TaxiiSpecExamples.Collections },
        { "collection", TaxiiSpecExamples.Collection },
        { "manifest", TaxiiSpecExamples.Manifest },
        { "envelope", TaxiiSpecExamples.Envelope },
        { "envelope", TaxiiSpecExamples.EmptyEnvelope },
        { "versions", TaxiiSpecExamples.Versions },
        { "error", TaxiiSpecExamples.Error },
    };

    [Theory]
    [MemberData(nameof(Examples))]
    public void The_writer_gives_back_the_members_of_the_spec_example(string resource, string json)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(json);
        ITaxiiResource read = Read(resource, utf8);

        byte[] written = read.Serialize();

        // Same members, same values; order and whitespace carry no meaning (TAXII 2.1 §1.5.2).
        JsonValue expected = new StixReader().Parse(utf8);
        JsonValue actual = new StixReader().Parse(written);
        Assert.Equal(expected, actual);
        Assert.Equal(written, Read(resource, written).Serialize());
    }

    public static TheoryData<string, string, string> GoldenExamples => new()
    {
        { "discovery", TaxiiSpecExamples.Discovery, "discovery" },
        { "api-root", TaxiiSpecExamples.ApiRoot, "api-root" },
        { "status", TaxiiSpecExamples.Status, "status" },
        { "status", TaxiiSpecExamples.AddObjectsStatus, "status-add-objects" },
        { "collections", TaxiiSpecExamples.Collections, "collections" },
        { "collection", TaxiiSpecExamples.Collection, "collection" },
        { "manifest", TaxiiSpecExamples.Manifest, "manifest" },
        { "envelope", TaxiiSpecExamples.Envelope, "envelope" },
        { "versions", TaxiiSpecExamples.Versions, "versions" },
        { "error", TaxiiSpecExamples.Error, "error" },
    };

    [Theory]
    [MemberData(nameof(GoldenExamples))]
    public void The_writer_output_for_each_spec_example_is_byte_for_byte_the_golden_file(string resource, string json, string name)
    {
        byte[] written = Read(resource, Encoding.UTF8.GetBytes(json)).Serialize();

        string? difference = Detente.Testing.Golden.Compare($"tests/Detente.Taxii.Tests/Golden/{name}.json", written);
        Assert.True(difference is null, difference);
    }

    [Fact]
    public void The_discovery_example_reads_to_its_values()
    {
        TaxiiDiscovery discovery = s_reader.ReadDiscovery(Encoding.UTF8.GetBytes(TaxiiSpecExamples.Discovery));

        Assert.Equal("Some TAXII Server", discovery.Title);
        Assert.Equal("https://example.com/api2/", discovery.Default);
        Assert.Equal(["https://example.com/api1/", "https://example.com/api2/", "https://example.net/trustgroup1/"], discovery.ApiRoots);
    }

    [Fact]
    public void The_api_root_example_supports_taxii_2_1()
    {
        TaxiiApiRoot root = s_reader.ReadApiRoot(Encoding.UTF8.GetBytes(TaxiiSpecExamples.ApiRoot));

        Assert.True(root.SupportsTaxii21);
        Assert.Equal(104857600, root.MaxContentLength);
    }

    [Fact]
    public void The_status_example_reads_counts_lists_and_the_five_digit_timestamp_exactly()
    {
        TaxiiStatus status = s_reader.ReadStatus(Encoding.UTF8.GetBytes(TaxiiSpecExamples.Status));

        Assert.Equal(TaxiiRequestStatus.Pending, status.Status);
        Assert.False(status.IsComplete);
        Assert.Equal("2016-11-02T12:34:34.12345Z", status.RequestTimestamp.ToString());
        Assert.Equal((4, 1, 1, 2), (status.TotalCount, status.SuccessCount, status.FailureCount, status.PendingCount));
        Assert.Equal("Unable to process object", Assert.Single(status.Failures).Message);
        Assert.Equal(2, status.Pendings.Count);
    }

    [Fact]
    public void A_status_detail_without_a_version_reads_as_in_the_add_objects_example()
    {
        TaxiiStatus status = s_reader.ReadStatus(Encoding.UTF8.GetBytes(TaxiiSpecExamples.AddObjectsStatus));

        TaxiiStatusDetails success = Assert.Single(status.Successes);
        Assert.Null(success.Version);
        Assert.Empty(status.Failures);
    }

    [Fact]
    public void The_manifest_example_as_printed_is_refused_for_its_timestamps()
    {
        var e = Assert.Throws<TaxiiFormatException>(() => s_reader.ReadManifest(Encoding.UTF8.GetBytes(TaxiiSpecExamples.ManifestAsPrinted)));

        Assert.Equal("$.objects[0].date_added", e.Path);
    }

    [Fact]
    public void The_error_example_keeps_http_status_as_a_string_and_its_details()
    {
        TaxiiError error = s_reader.ReadError(Encoding.UTF8.GetBytes(TaxiiSpecExamples.Error));

        Assert.Equal("409", error.HttpStatus);
        Assert.Equal("somevalue", error.Details!.GetString("somekey1"));
    }

    [Fact]
    public void The_envelope_example_keeps_the_object_bytes_as_written()
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(TaxiiSpecExamples.Envelope);
        TaxiiEnvelope envelope = s_reader.ReadEnvelope(utf8);

        Assert.True(envelope.More);
        Assert.Equal("123456789", envelope.Next);
        TaxiiEnvelopeObject item = Assert.Single(envelope.Objects);
        string text = Encoding.UTF8.GetString(item.Json.Span);
        Assert.StartsWith("{\n      \"type\": \"indicator\",", text, StringComparison.Ordinal);
        Assert.EndsWith("}", text, StringComparison.Ordinal);
        Assert.Equal(TaxiiSpecExamples.Envelope.IndexOf("{\n      \"type\"", StringComparison.Ordinal), Encoding.UTF8.GetString(utf8).IndexOf(text, StringComparison.Ordinal));
        Assert.Equal("indicator--252c7c11-daf2-42bd-843b-be65edca9f61", item.Object.Id);
    }

    private static ITaxiiResource Read(string resource, byte[] utf8) =>
        resource switch
        {
            "discovery" => s_reader.ReadDiscovery(utf8),
            "api-root" => s_reader.ReadApiRoot(utf8),
            "status" => s_reader.ReadStatus(utf8),
            "collections" => s_reader.ReadCollections(utf8),
            "collection" => s_reader.ReadCollection(utf8),
            "manifest" => s_reader.ReadManifest(utf8),
            "envelope" => s_reader.ReadEnvelope(utf8),
            "versions" => s_reader.ReadVersions(utf8),
            "error" => s_reader.ReadError(utf8),
            _ => throw new ArgumentOutOfRangeException(nameof(resource)),
        };
}
