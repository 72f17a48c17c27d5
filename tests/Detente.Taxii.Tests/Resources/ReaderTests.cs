using System.Text;
using Detente.Stix;

namespace Detente.Taxii.Tests.Resources;

public sealed class ReaderTests
{
    private static readonly TaxiiReader s_reader = new();

    /// <summary>(resource, JSON, the path of the error or "" for a JSON-level error).</summary>
    public static TheoryData<string, string, string> Malformed => new()
    {
        { "discovery", "", "" },
        { "discovery", "{\"title\":\"a\"", "" },
        { "discovery", "{\"title\":\"a\",}", "" },
        { "discovery", "{\"title\":\"a\",\"title\":\"b\"}", "" },
        { "discovery", "[]", "$" },
        { "discovery", "\"title\"", "$" },
        { "discovery", "{}", "$.title" },
        { "discovery", "{\"title\":null}", "$.title" },
        { "discovery", "{\"title\":7}", "$.title" },
        { "discovery", "{\"title\":\"a\",\"api_roots\":\"/api/\"}", "$.api_roots" },
        { "discovery", "{\"title\":\"a\",\"api_roots\":[\"/api/\",1]}", "$.api_roots[1]" },
        { "discovery", "{\"title\":\"a\",\"default\":false}", "$.default" },
        { "api-root", "{\"title\":\"a\",\"max_content_length\":1}", "$.versions" },
        { "api-root", "{\"title\":\"a\",\"versions\":[],\"max_content_length\":1}", "$.versions" },
        { "api-root", "{\"title\":\"a\",\"versions\":[\"application/taxii+json;version=2.1\"],\"max_content_length\":0}", "$.max_content_length" },
        { "api-root", "{\"title\":\"a\",\"versions\":[\"application/taxii+json;version=2.1\"],\"max_content_length\":-5}", "$.max_content_length" },
        { "api-root", "{\"title\":\"a\",\"versions\":[\"application/taxii+json;version=2.1\"],\"max_content_length\":1.5}", "$.max_content_length" },
        { "api-root", "{\"title\":\"a\",\"versions\":[\"application/taxii+json;version=2.1\"],\"max_content_length\":\"100\"}", "$.max_content_length" },
        { "api-root", "{\"title\":\"a\",\"versions\":[\"application/taxii+json;version=2.1\"],\"max_content_length\":9007199254740992}", "" },
        { "collections", "{\"collections\":{}}", "$.collections" },
        { "collections", "{\"collections\":[{\"id\":\"x\",\"title\":\"t\",\"can_read\":true,\"can_write\":false},{\"id\":\"y\",\"title\":\"t\",\"can_read\":\"yes\",\"can_write\":false}]}", "$.collections[1].can_read" },
        { "collections", "{\"collections\":[7]}", "$.collections[0]" },
        { "collection", "{\"id\":\"\",\"title\":\"t\",\"can_read\":true,\"can_write\":true}", "$.id" },
        { "collection", "{\"id\":\"x\",\"title\":\"t\",\"can_read\":true}", "$.can_write" },
        { "collection", "{\"id\":\"x\",\"title\":\"t\",\"can_read\":true,\"can_write\":true,\"media_types\":[null]}", "$.media_types[0]" },
        { "manifest", "{\"objects\":[{\"id\":\"x\",\"version\":\"v\"}]}", "$.objects[0].date_added" },
        { "manifest", "{\"objects\":[{\"id\":\"x\",\"date_added\":\"2016-11-04T03:04:05+00:00\",\"version\":\"v\"}]}", "$.objects[0].date_added" },
        { "manifest", "{\"objects\":[{\"id\":\"x\",\"date_added\":\"2016-11-04T03:04:05Z\",\"version\":\"\"}]}", "$.objects[0].version" },
        { "manifest", "{\"more\":\"true\"}", "$.more" },
        { "versions", "{\"versions\":[\"a\",{}]}", "$.versions[1]" },
        { "status", "{\"id\":\"s\",\"status\":\"done\",\"total_count\":0,\"success_count\":0,\"failure_count\":0,\"pending_count\":0}", "$.status" },
        { "status", "{\"id\":\"s\",\"status\":\"complete\",\"total_count\":-1,\"success_count\":0,\"failure_count\":0,\"pending_count\":0}", "$.total_count" },
        { "status", "{\"id\":\"s\",\"status\":\"complete\",\"total_count\":1,\"success_count\":0,\"failure_count\":0}", "$.pending_count" },
        { "status", "{\"id\":\"s\",\"status\":\"complete\",\"request_timestamp\":\"yesterday\",\"total_count\":1,\"success_count\":1,\"failure_count\":0,\"pending_count\":0}", "$.request_timestamp" },
        { "status", "{\"id\":\"s\",\"status\":\"complete\",\"total_count\":1,\"success_count\":1,\"failure_count\":0,\"pending_count\":0,\"successes\":[{\"version\":\"v\"}]}", "$.successes[0].id" },
        { "error", "{\"description\":\"no title\"}", "$.title" },
        { "error", "{\"title\":\"t\",\"http_status\":404.5}", "$.http_status" },
        { "error", "{\"title\":\"t\",\"details\":[]}", "$.details" },
        { "envelope", "{\"objects\":{}}", "$.objects" },
        { "envelope", "{\"objects\":[{\"type\":\"indicator\"},5]}", "$.objects[1]" },
        { "envelope", "{\"more\":1}", "$.more" },
        { "envelope", "{\"next\":5,\"more\":true}", "$.next" },
        { "envelope", "{\"objects\":[{\"a\":1,\"a\":2}]}", "" },
        { "envelope", "{\"objects\":[{\"n\":1e400}]}", "" },
        { "envelope", "{\"objects\":[{\"s\":\"\\ud800\"}]}", "" },
        { "envelope", "{\"objects\":[]} {}", "" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Malformed_input_is_refused_with_where(string resource, string json, string path)
    {
        var e = Assert.Throws<TaxiiFormatException>(() => Read(resource, Encoding.UTF8.GetBytes(json)));

        if (path.Length == 0)
        {
            Assert.Null(e.Path);
            Assert.True(e.BytePosition >= 0, e.Message);
        }
        else
        {
            Assert.Equal(path, e.Path);
            Assert.StartsWith(path + ": ", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Invalid_utf8_is_refused()
    {
        byte[] json = [.. "{\"title\":\""u8, 0xC3, 0x28, .. "\"}"u8];

        Assert.Throws<TaxiiFormatException>(() => s_reader.ReadDiscovery(json));
    }

    [Fact]
    public void Unknown_members_are_ignored_and_optional_nulls_read_as_absent()
    {
        TaxiiDiscovery d = s_reader.ReadDiscovery("{\"title\":\"t\",\"x_example_com_field\":{\"a\":[1]},\"description\":null,\"api_roots\":null}"u8);

        Assert.Null(d.Description);
        Assert.Empty(d.ApiRoots);
        Assert.Equal("{\"title\":\"t\"}", Encoding.UTF8.GetString(d.Serialize()));
    }

    [Fact]
    public void An_empty_optional_list_reads_as_absent_and_is_not_written()
    {
        TaxiiCollections c = s_reader.ReadCollections("{\"collections\":[]}"u8);

        Assert.Empty(c.Collections);
        Assert.Equal("{}", Encoding.UTF8.GetString(c.Serialize()));
    }

    [Fact]
    public void A_numeric_http_status_reads_as_its_decimal_string()
    {
        Assert.Equal("404", s_reader.ReadError("{\"title\":\"Not Found\",\"http_status\":404}"u8).HttpStatus);
    }

    [Fact]
    public void The_byte_limit_is_checked_before_parsing()
    {
        var reader = new TaxiiReader(new StixReaderLimits { MaxBytes = 16 });

        var e = Assert.Throws<TaxiiFormatException>(() => reader.ReadError("{\"title\":\"seventeen+\"}"u8));

        Assert.Contains("limit", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_envelope_with_more_objects_than_the_limit_is_refused()
    {
        var reader = new TaxiiReader(new StixReaderLimits { MaxBundleObjects = 2 });
        byte[] three = "{\"objects\":[{},{},{}]}"u8.ToArray();

        Assert.Equal(2, reader.ReadEnvelope("{\"objects\":[{},{}]}"u8.ToArray()).Objects.Count);
        Assert.Throws<TaxiiFormatException>(() => reader.ReadEnvelope(three));
    }

    [Fact]
    public void Deep_nesting_is_refused()
    {
        var reader = new TaxiiReader(new StixReaderLimits { MaxDepth = 8 });
        string deep = "{\"objects\":[{\"a\":" + new string('[', 10) + new string(']', 10) + "}]}";

        Assert.Throws<TaxiiFormatException>(() => reader.ReadEnvelope(Encoding.UTF8.GetBytes(deep)));
    }

    [Fact]
    public void Envelope_objects_keep_their_bytes_whatever_the_spacing_escapes_and_member_order()
    {
        string first = "{ \"id\" : \"indicator--252c7c11-daf2-42bd-843b-be65edca9f61\",\"type\":\"indic\\u0061tor\" , \"n\": 1.50 }";
        string second = "{\"type\":\"note\",\"content\":\"caf\u00e9 \\\"q\\\" \\/\"}";
        string json = "\uFEFF{\"x_custom\":[{\"objects\":[]}],\"obj\\u0065cts\" : [ " + first + " ,\n" + second + "\n],\"more\":false}";
        byte[] utf8 = Encoding.UTF8.GetBytes(json);

        TaxiiEnvelope envelope = s_reader.ReadEnvelope(utf8);

        Assert.Equal([first, second], envelope.Objects.Select(o => Encoding.UTF8.GetString(o.Json.Span)));
        Assert.Equal("indicator", envelope.Objects[0].Object.Type);
        Assert.False(envelope.More);
    }

    [Fact]
    public void An_empty_next_or_a_next_without_more_is_dropped()
    {
        Assert.Null(s_reader.ReadEnvelope("{\"more\":true,\"next\":\"\"}"u8.ToArray()).Next);
        Assert.Null(s_reader.ReadEnvelope("{\"more\":false,\"next\":\"abc\"}"u8.ToArray()).Next);
        Assert.Equal("abc", s_reader.ReadEnvelope("{\"more\":true,\"next\":\"abc\"}"u8.ToArray()).Next);
    }

    [Fact]
    public async Task A_body_is_read_within_the_limit_and_refused_beyond_it_declared_or_not()
    {
        var reader = new TaxiiReader(new StixReaderLimits { MaxBytes = 64 });
        byte[] small = "{\"objects\":[{\"type\":\"x\"}]}"u8.ToArray();
        byte[] large = Encoding.UTF8.GetBytes("{\"objects\":[{\"type\":\"" + new string('x', 100) + "\"}]}");

        Assert.Single((await reader.ReadEnvelopeAsync(new MemoryStream(small), small.Length, TestContext.Current.CancellationToken)).Objects);
        Assert.Single((await reader.ReadEnvelopeAsync(new MemoryStream(small), null, TestContext.Current.CancellationToken)).Objects);
        await Assert.ThrowsAsync<TaxiiFormatException>(() => reader.ReadEnvelopeAsync(new MemoryStream(large), large.Length, TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<TaxiiFormatException>(() => reader.ReadEnvelopeAsync(new MemoryStream(large), null, TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<TaxiiFormatException>(() => reader.ReadEnvelopeAsync(new MemoryStream(small), small.Length + 1, TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<TaxiiFormatException>(() => reader.ReadEnvelopeAsync(new MemoryStream(small), small.Length - 1, TestContext.Current.CancellationToken));
    }

    internal static ITaxiiResource Read(string resource, byte[] utf8) =>
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
