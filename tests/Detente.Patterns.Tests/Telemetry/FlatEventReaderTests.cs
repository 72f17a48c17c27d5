using System.Text;
using Detente.Patterns.Telemetry;
using static Detente.Patterns.Tests.Telemetry.TelemetryTestHelpers;

namespace Detente.Patterns.Tests.Telemetry;

public sealed class FlatEventReaderTests
{
    [Fact]
    public async Task Zeek_logs_map_to_stix_object_paths()
    {
        var keys = new FieldKeyTable();
        var reader = new FlatEventReader(FlatLogMapping.Zeek, keys);
        var sink = new RecordingSink(keys);
        FlatReadSummary summary = await reader.ReadAsync(SampleStream("zeek.log"), sink, TestContext.Current.CancellationToken);
        Assert.Equal(new FlatReadSummary(7, 7, 0), summary);
        Assert.Empty(sink.Errors);

        Assert.Equal(
        [
            "network-traffic:src_ref.value = 192.168.1.10",
            "ipv4-addr:value = 192.168.1.10",
            "network-traffic:src_port = 52344",
            "network-traffic:dst_ref.value = 203.0.113.7",
            "ipv4-addr:value = 203.0.113.7",
            "network-traffic:dst_port = 443",
            "network-traffic:protocols[*] = 'tcp'",
        ], sink.Events[0].Fields);
        Assert.Contains("domain-name:value = 'evil.example.com'", sink.Events[1].Fields);
        Assert.Equal(
        [
            "domain-name:value = 'download.example.net'",
            "url:value = 'http://download.example.net:8080/payload.exe?id=7'",
        ], sink.Events[2].Fields.Where(f => f.StartsWith("domain", StringComparison.Ordinal) || f.StartsWith("url", StringComparison.Ordinal)));
        Assert.Equal(
        [
            "file:name = 'payload.exe'",
            "file:hashes.MD5 = 'd41d8cd98f00b204e9800998ecf8427e'",
            "file:hashes.'SHA-1' = 'da39a3ee5e6b4b0d3255bfef95601890afd80709'",
            "file:hashes.'SHA-256' = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'",
        ], sink.Events[3].Fields);
        Assert.Equal(
        [
            "network-traffic:src_ref.value = 2001:db8::10",
            "ipv6-addr:value = 2001:db8::10",
            "network-traffic:src_port = 60000",
            "network-traffic:dst_ref.value = 2001:db8::7",
            "ipv6-addr:value = 2001:db8::7",
            "network-traffic:dst_port = 443",
            "network-traffic:protocols[*] = 'tcp'",
        ], sink.Events[4].Fields);
        Assert.Contains("ipv4-addr:value = 10.0.0.5", sink.Events[5].Fields);
        Assert.Contains("domain-name:value = 'login.evil.example'", sink.Events[6].Fields);

        Assert.Equal("2024-01-02T03:04:05.123456Z", sink.Events[0].Event.StixTimestamp.ToString());
        Assert.Equal("2024-01-02T03:04:06.5Z", sink.Events[1].Event.StixTimestamp.ToString());
        Assert.Equal("2024-01-02T03:04:07.000001Z", sink.Events[2].Event.StixTimestamp.ToString());
        Assert.Equal("2024-01-02T03:04:09.500000Z", sink.Events[5].Event.StixTimestamp.ToString());
        Assert.Equal(3, sink.Events[2].Event.LineNumber);
        Assert.Equal(Sample("zeek.log").AsSpan().IndexOf("{\"ts\":1704164647.000001"u8), sink.Events[2].Event.ByteOffset);
    }

    [Fact]
    public async Task Suricata_eve_events_map_to_stix_object_paths()
    {
        var keys = new FieldKeyTable();
        var reader = new FlatEventReader(FlatLogMapping.Eve, keys);
        var sink = new RecordingSink(keys);
        FlatReadSummary summary = await reader.ReadAsync(SampleStream("eve.json"), sink, TestContext.Current.CancellationToken);
        Assert.Equal(new FlatReadSummary(8, 8, 0), summary);

        Assert.Equal(
        [
            "network-traffic:src_ref.value = 192.168.1.10",
            "ipv4-addr:value = 192.168.1.10",
            "network-traffic:src_port = 52344",
            "network-traffic:dst_ref.value = 203.0.113.7",
            "ipv4-addr:value = 203.0.113.7",
            "network-traffic:dst_port = 443",
            "network-traffic:protocols[*] = 'tcp'",
        ], sink.Events[0].Fields);
        Assert.Contains("domain-name:value = 'evil.example.com'", sink.Events[1].Fields);
        Assert.Equal(2, sink.Events[2].Fields.Count(f => f == "domain-name:value = 'cdn.example.org'"));
        Assert.Contains("domain-name:value = 'download.example.net'", sink.Events[3].Fields);
        Assert.Contains("url:value = 'http://download.example.net/payload.exe?id=7'", sink.Events[3].Fields);
        Assert.Contains("file:name = '/payload.exe'", sink.Events[4].Fields);
        Assert.Contains("file:hashes.'SHA-1' = 'da39a3ee5e6b4b0d3255bfef95601890afd80709'", sink.Events[4].Fields);
        Assert.Contains("domain-name:value = 'login.evil.example'", sink.Events[5].Fields);
        Assert.Contains("ipv6-addr:value = 2001:db8::7", sink.Events[6].Fields);
        Assert.Empty(sink.Events[7].Fields);

        Assert.Equal("2024-01-02T03:04:05.123456Z", sink.Events[0].Event.StixTimestamp.ToString());
        Assert.Equal("2024-01-02T08:04:07.000000Z", sink.Events[3].Event.StixTimestamp.ToString());
    }

    [Fact]
    public async Task A_custom_mapping_reads_nested_and_dotted_fields_alike()
    {
        var keys = new FieldKeyTable();
        var reader = new FlatEventReader(FlatLogMapping.Parse(Sample("custom-mapping.json")), keys);
        var sink = new RecordingSink(keys);
        await reader.ReadAsync(SampleStream("proxy.log"), sink, TestContext.Current.CancellationToken);
        Assert.Empty(sink.Errors);
        Assert.Equal(
        [
            "network-traffic:src_ref.value = 10.1.2.3",
            "ipv4-addr:value = 10.1.2.3",
            "network-traffic:dst_ref.value = 'evil.example.com'",
            "domain-name:value = 'evil.example.com'",
            "network-traffic:dst_port = 443",
            "url:value = 'https://evil.example.com/login'",
            "email-message:from_ref.value = 'alice@example.org'",
            "email-addr:value = 'alice@example.org'",
            "x-proxy-event:tags[*] = 'blocked'",
            "x-proxy-event:tags[*] = 'phishing'",
            "x-proxy-event:bytes = 1234",
            "x-proxy-event:score = 0.75",
        ], sink.Events[0].Fields);

        // Dotted names in one member, a MAC address, a port out of range (ignored), a non-hex hash (kept as written).
        Assert.Equal(
        [
            "network-traffic:src_ref.value = 10.1.2.4",
            "ipv4-addr:value = 10.1.2.4",
            "network-traffic:dst_ref.value = '00:1a:2b:3c:4d:5e'",
            "mac-addr:value = '00:1a:2b:3c:4d:5e'",
            "file:hashes.'SHA-256' = 'ab'",
        ], sink.Events[1].Fields);
        Assert.Equal("2024-01-02T02:04:06Z", sink.Events[1].Event.StixTimestamp.ToString());
    }

    [Theory]
    [InlineData("{\"ts\":1704164645.1,\"query\":\"a.example\"", "not valid JSON")]
    [InlineData("[1,2,3]", "not a JSON object")]
    [InlineData("\"text\"", "not a JSON object")]
    [InlineData("{\"ts\":1704164645} {\"ts\":1}", "continues after")]
    [InlineData("{\"ts\":1704164645,\"query\":\"a.example\"} x", "continues after")]
    [InlineData("{\"query\":\"a.example\"}", "no readable time")]
    [InlineData("{\"ts\":\"yesterday\",\"query\":\"a.example\"}", "no readable time")]
    [InlineData("{\"ts\":1704164645,\"query\":\"a.example\",\"query\":1}", null)]
    [InlineData("{\"ts\":1704164645,\"x\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}", "not valid JSON")]
    [InlineData("{\"ts\":1704164645,\"query\":\"a\\ud800b\"}", "not valid Unicode")]
    public void Malformed_lines_are_reported_and_their_fields_discarded(string line, string? reason)
    {
        var keys = new FieldKeyTable();
        var reader = new FlatEventReader(FlatLogMapping.Zeek, keys);
        var sink = new RecordingSink(keys);
        bool read = reader.Read(Encoding.UTF8.GetBytes(line), 12, 3400, ref sink);
        if (reason is null)
        {
            Assert.True(read); // duplicate member names are not this reader's concern: both values are reported
            return;
        }

        Assert.False(read);
        TelemetryError error = Assert.Single(sink.Errors);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.Equal(12, error.Position.LineNumber);
        Assert.Equal(3400, error.Position.ByteOffset);
        Assert.Empty(sink.Events);
    }

    [Fact]
    public void Invalid_utf8_in_a_mapped_value_makes_the_line_malformed()
    {
        var keys = new FieldKeyTable();
        var reader = new FlatEventReader(FlatLogMapping.Zeek, keys);
        var sink = new RecordingSink(keys);
        byte[] line = [.. "{\"ts\":1704164645,\"id.orig_h\":\"10.0.0.1\",\"query\":\"a"u8, 0xFF, .. "\"}"u8];
        Assert.False(reader.Read(line, 1, 0, ref sink));
        Assert.Contains("UTF-8", Assert.Single(sink.Errors).Message, StringComparison.Ordinal);
        Assert.Equal(2, sink.Discarded);

        // In a member nobody maps, the bytes are not looked at.
        byte[] unmapped = [.. "{\"ts\":1704164645,\"note\":\"a"u8, 0xFF, .. "\"}"u8];
        Assert.True(reader.Read(unmapped, 2, 0, ref sink));
    }

    [Fact]
    public async Task Reading_goes_on_after_malformed_blank_and_overlong_lines()
    {
        string text = string.Join('\n',
            "\uFEFF{\"ts\":1704164645,\"query\":\"first.example\"}",
            "",
            "   ",
            "{\"ts\":1704164645,\"query\":",
            "{\"ts\":1704164646,\"query\":\"" + new string('x', 300) + "\"}",
            "{\"ts\":1704164647,\"query\":\"second.example\"}\r",
            "{\"ts\":1704164648,\"query\":\"last.example\"}");
        var keys = new FieldKeyTable();
        var reader = new FlatEventReader(FlatLogMapping.Zeek, keys, new FlatLogOptions { MaxLineBytes = 200 });
        var sink = new RecordingSink(keys);
        FlatReadSummary summary = await reader.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(text)), sink, TestContext.Current.CancellationToken);
        Assert.Equal(new FlatReadSummary(7, 3, 2), summary);
        Assert.Equal([4L, 5L], sink.Errors.Select(e => e.Position.LineNumber!.Value));
        Assert.Contains("longer than 200", sink.Errors[1].Message, StringComparison.Ordinal);
        Assert.Equal(["first.example", "second.example", "last.example"], sink.Events.Select(e => e.Fields.Single()[21..^1]));
        Assert.Equal([1L, 6L, 7L], sink.Events.Select(e => e.Event.LineNumber));
    }

    [Fact]
    public async Task An_overlong_line_spanning_many_buffers_is_skipped_in_bounded_memory()
    {
        var keys = new FieldKeyTable();
        var reader = new FlatEventReader(FlatLogMapping.Zeek, keys, new FlatLogOptions { MaxLineBytes = 1000 });
        var sink = new RecordingSink(keys);
        byte[] huge = Encoding.UTF8.GetBytes("{\"ts\":1,\"query\":\"" + new string('y', 300_000) + "\"}\n{\"ts\":1704164645,\"query\":\"after.example\"}\n");
        FlatReadSummary summary = await reader.ReadAsync(new MemoryStream(huge), sink, TestContext.Current.CancellationToken);
        Assert.Equal(new FlatReadSummary(2, 1, 1), summary);
        Assert.Equal(0, sink.Errors[0].Position.ByteOffset);
        Assert.Equal(2, sink.Events[0].Event.LineNumber);
        Assert.Equal(300_020, sink.Events[0].Event.ByteOffset);
    }

    [Theory]
    [InlineData("1704164645", "2024-01-02T03:04:05Z")]
    [InlineData("1704164645.1", "2024-01-02T03:04:05.1Z")]
    [InlineData("1704164645.123456789", "2024-01-02T03:04:05.1234567Z")]
    [InlineData("\"1704164645.25\"", "2024-01-02T03:04:05.25Z")]
    [InlineData("1.704164645e9", "2024-01-02T03:04:05.000000Z")]
    [InlineData("\"2024-01-02T03:04:05Z\"", "2024-01-02T03:04:05Z")]
    [InlineData("\"2024-01-02t03:04:05.5z\"", "2024-01-02T03:04:05.5Z")]
    [InlineData("\"2024-01-02 03:04:05\"", "2024-01-02T03:04:05Z")]
    [InlineData("\"2024-01-02T03:04:05.123456+0000\"", "2024-01-02T03:04:05.123456Z")]
    [InlineData("\"2024-01-02T03:04:05+02:30\"", "2024-01-02T00:34:05Z")]
    [InlineData("\"2024-01-02T03:04:05-05\"", "2024-01-02T08:04:05Z")]
    [InlineData("\"2024-01-02T03:04:05,5Z\"", "2024-01-02T03:04:05.5Z")]
    public void Times_are_read_in_every_form_logs_write(string json, string expected)
    {
        Assert.Equal(expected, ReadTime(json));
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("\"2024-13-02T03:04:05Z\"")]
    [InlineData("\"2024-02-30T03:04:05Z\"")]
    [InlineData("\"2024-01-02T03:04:60Z\"")]
    [InlineData("\"2024-01-02T03:04:05+2400\"")]
    [InlineData("\"2024-01-02T03:04:05.Z\"")]
    [InlineData("\"2024-01-02T03:04:05 UTC\"")]
    [InlineData("\"0001-01-01T00:00:00+01:00\"")]
    [InlineData("999999999999999")]
    [InlineData("true")]
    [InlineData("\"\"")]
    public void Unreadable_times_make_the_line_malformed(string json)
    {
        Assert.Null(ReadTime(json));
    }

    [Fact]
    public void The_first_listed_time_field_wins_wherever_it_stands()
    {
        var keys = new FieldKeyTable();
        var reader = new FlatEventReader(FlatLogMapping.JsonLines, keys);
        var sink = new RecordingSink(keys);
        Assert.True(reader.Read("{\"time\":\"2024-01-01T00:00:00Z\",\"ts\":1704164645,\"timestamp\":\"2024-05-05T05:05:05Z\"}"u8, 1, 0, ref sink));
        Assert.True(reader.Read("{\"time\":\"2024-01-01T00:00:00Z\",\"ts\":1704164645,\"timestamp\":\"bad\"}"u8, 2, 0, ref sink));
        Assert.Equal("2024-05-05T05:05:05Z", sink.Events[0].Event.StixTimestamp.ToString());
        Assert.Equal("2024-01-02T03:04:05Z", sink.Events[1].Event.StixTimestamp.ToString());
    }

    [Fact]
    public void Escaped_names_and_values_are_unescaped_before_mapping()
    {
        var keys = new FieldKeyTable();
        var reader = new FlatEventReader(FlatLogMapping.Zeek, keys);
        var sink = new RecordingSink(keys);
        Assert.True(reader.Read("{\"t\\u0073\":1704164645,\"qu\\u0065ry\":\"EVIL\\u002eexample\",\"id.resp_h\":\"10.0.0.\\u0031\"}"u8, 1, 0, ref sink));
        Assert.Equal(
        [
            "domain-name:value = 'evil.example'",
            "network-traffic:dst_ref.value = 10.0.0.1",
            "ipv4-addr:value = 10.0.0.1",
        ], sink.Events[0].Fields);
    }

    [Fact]
    public void Values_of_the_wrong_kind_are_ignored()
    {
        var keys = new FieldKeyTable();
        var reader = new FlatEventReader(FlatLogMapping.Zeek, keys);
        var sink = new RecordingSink(keys);
        Assert.True(reader.Read("{\"ts\":1704164645,\"query\":{\"a\":1},\"id.resp_p\":\"http\",\"id.orig_p\":-1,\"id.orig_h\":null,\"proto\":6,\"host\":\"[::1]:80\",\"md5\":\"\",\"id.resp_h\":\"\"}"u8, 1, 0, ref sink));
        Assert.Empty(sink.Events[0].Fields);
    }

    [Fact]
    public void Reading_a_line_allocates_nothing_once_warm()
    {
        var keys = new FieldKeyTable();
        var generator = new Detente.Testing.TelemetryGenerator(seed: 3, poolSize: 50);
        foreach ((FlatLogMapping mapping, Func<string> next) in new (FlatLogMapping, Func<string>)[] { (FlatLogMapping.Zeek, generator.ZeekLine), (FlatLogMapping.Eve, generator.EveLine) })
        {
            var reader = new FlatEventReader(mapping, keys);
            byte[][] lines = Enumerable.Range(0, 200).Select(_ => Encoding.UTF8.GetBytes(next())).ToArray();
            var sink = new CountingSink();
            foreach (byte[] line in lines)
            {
                reader.Read(line, 1, 0, ref sink);
            }

            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int round = 0; round < 5; round++)
            {
                foreach (byte[] line in lines)
                {
                    reader.Read(line, 1, 0, ref sink);
                }
            }

            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
            Assert.True(sink.Fields > 1000, $"only {sink.Fields} fields");
            Assert.Equal(0, sink.Malformed);
        }
    }

    private static string? ReadTime(string json)
    {
        var keys = new FieldKeyTable();
        var reader = new FlatEventReader(FlatLogMapping.Zeek, keys);
        var sink = new RecordingSink(keys);
        return reader.Read(Encoding.UTF8.GetBytes($"{{\"ts\":{json}}}"), 1, 0, ref sink) ? sink.Events[0].Event.StixTimestamp.ToString() : null;
    }

    private struct CountingSink : IFlatEventSink
    {
        public long Fields;
        public long Events;
        public long Malformed;

        public void OnField(in FlatField field) => Fields += field.Utf8.Length > 0 ? 1 : 0;

        public void OnEvent(in FlatEvent flatEvent) => Events++;

        public void OnMalformed(TelemetryError error) => Malformed++;
    }
}
