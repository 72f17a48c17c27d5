using System.Text;
using Detente.Stix.Json;

namespace Detente.Stix.Tests;

public sealed partial class StixReaderTests
{
    [Fact]
    public void Input_over_the_byte_limit_is_refused_before_parsing()
    {
        StixFormatException e = Refused("[1,2,3,4,5]", new StixReaderLimits { MaxBytes = 10 });
        Assert.Contains("exceeds the limit of 10 bytes", e.Message, StringComparison.Ordinal);
        Assert.Equal(StixLimit.Bytes, e.ExceededLimit);
    }

    [Fact]
    public void Nesting_deeper_than_the_limit_is_refused()
    {
        var limits = new StixReaderLimits { MaxDepth = 3 };
        Assert.NotNull(Parse("[[[1]]]", limits));
        StixFormatException e = Refused("[[[[1]]]]", limits);
        Assert.Contains("deeper than 3", e.Message, StringComparison.Ordinal);
        Assert.Equal(StixLimit.Depth, e.ExceededLimit);
        Assert.Equal(StixLimit.Depth, Refused("{\"a\":{\"b\":{\"c\":{}}}}", limits).ExceededLimit);
    }

    [Fact]
    public void Very_deep_nesting_is_refused_without_exhausting_the_stack()
    {
        Refused(new string('[', 100_000) + new string(']', 100_000));
    }

    [Fact]
    public void A_string_over_the_limit_is_refused()
    {
        var limits = new StixReaderLimits { MaxStringBytes = 8 };
        Assert.NotNull(Parse("\"12345678\"", limits));
        Assert.Equal(StixLimit.StringBytes, Refused("\"123456789\"", limits).ExceededLimit);
        Assert.Equal(StixLimit.StringBytes, Refused("{\"123456789\":1}", limits).ExceededLimit);
    }

    [Fact]
    public void A_bundle_over_the_object_limit_is_refused()
    {
        var limits = new StixReaderLimits { MaxBundleObjects = 2 };
        Assert.NotNull(Parse("{\"type\":\"bundle\",\"objects\":[{},{}]}", limits));
        StixFormatException e = Refused("{\"type\":\"bundle\",\"objects\":[{},{},{}]}", limits);
        Assert.Contains("more than 2 objects", e.Message, StringComparison.Ordinal);
        Assert.Equal(StixLimit.BundleObjects, e.ExceededLimit);
        // Only the bundle's own objects array counts.
        Assert.NotNull(Parse("{\"type\":\"x\",\"y\":{\"objects\":[1,2,3]}}", limits));
    }

    [Fact]
    public void An_object_over_the_member_limit_is_refused()
    {
        Assert.Equal(StixLimit.ObjectMembers, Refused("{\"a\":1,\"b\":2,\"c\":3}", new StixReaderLimits { MaxObjectMembers = 2 }).ExceededLimit);
        Assert.Null(Refused("{\"a\":1,}").ExceededLimit);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Limits_reject_nonsense(int value)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new StixReaderLimits { MaxBytes = value });
        Assert.Throws<ArgumentOutOfRangeException>(() => new StixReaderLimits { MaxDepth = value });
        Assert.Throws<ArgumentOutOfRangeException>(() => new StixReaderLimits { MaxBundleObjects = value });
        Assert.Throws<ArgumentOutOfRangeException>(() => new StixReaderLimits { MaxStringBytes = value });
        Assert.Throws<ArgumentOutOfRangeException>(() => new StixReaderLimits { MaxObjectMembers = value });
    }

    private static async Task<List<StixInput>> ReadAll(string text, StixReaderLimits? limits = null)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(text));
        var list = new List<StixInput>();
        await foreach (StixInput input in new StixReader(limits).ReadAllAsync(stream, TestContext.Current.CancellationToken))
        {
            list.Add(input);
        }

        return list;
    }

    [Fact]
    public async Task Json_lines_are_read_one_per_line_with_their_numbers()
    {
        List<StixInput> inputs = await ReadAll("{\"a\":1}\r\n\n{\"b\":2}\n  \n[3]");
        Assert.Equal([1L, 3L, 5L], inputs.Select(i => i.LineNumber!.Value));
        Assert.All(inputs, i => Assert.Null(i.Error));
    }

    [Fact]
    public async Task A_bad_json_line_is_reported_and_reading_goes_on()
    {
        List<StixInput> inputs = await ReadAll("{\"a\":1}\n{\"a\":\n{\"c\":3}\n");
        Assert.Equal(3, inputs.Count);
        Assert.Null(inputs[0].Error);
        Assert.Equal(2, inputs[1].Error!.LineNumber);
        Assert.NotNull(inputs[2].Value);
    }

    [Fact]
    public async Task A_json_line_over_the_byte_limit_is_reported_once_and_skipped()
    {
        string longLine = "{\"a\":\"" + new string('x', 200) + "\"}";
        List<StixInput> inputs = await ReadAll("{\"a\":1}\n" + longLine + "\n{\"b\":2}\n", new StixReaderLimits { MaxBytes = 64 });
        Assert.Equal(3, inputs.Count);
        Assert.Contains("exceeds the limit", inputs[1].Error!.Message, StringComparison.Ordinal);
        Assert.Equal(2, inputs[1].LineNumber);
        Assert.Equal(3, inputs[2].LineNumber);
        Assert.NotNull(inputs[2].Value);
    }

    [Fact]
    public async Task A_single_document_on_one_line_has_no_line_number()
    {
        StixInput single = Assert.Single(await ReadAll("{\"a\":1}\n"));
        Assert.Null(single.LineNumber);
        StixInput bad = Assert.Single(await ReadAll("{\"a\":"));
        Assert.Null(bad.LineNumber);
        Assert.Null(bad.Error!.LineNumber);
    }

    [Fact]
    public async Task Blank_input_holds_no_json_value()
    {
        StixInput only = Assert.Single(await ReadAll(" \r\n\n\t"));
        Assert.Contains("holds no JSON value", only.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_lines_after_a_byte_order_mark_and_blank_lines_are_still_json_lines()
    {
        List<StixInput> inputs = await ReadAll("\uFEFF\n\n{\"a\":1}\n{\"b\":2}\n");
        Assert.Equal([3L, 4L], inputs.Select(i => i.LineNumber!.Value));
        Assert.All(inputs, i => Assert.Null(i.Error));
    }

    [Fact]
    public async Task Lines_delivered_a_few_bytes_at_a_time_read_the_same()
    {
        string text = string.Concat(Enumerable.Range(0, 200).Select(i => $"{{\"n\":{i},\"s\":\"{new string('x', i)}\"}}\n"));
        using var stream = new TrickleStream(Encoding.UTF8.GetBytes(text), chunk: 7);
        var numbers = new List<long>();
        await foreach (StixInput input in new StixReader().ReadAllAsync(stream, TestContext.Current.CancellationToken))
        {
            numbers.Add((long)((JsonNumber)((JsonObject)input.Value!)["n"]!).Value);
        }

        Assert.Equal(Enumerable.Range(0, 200).Select(i => (long)i), numbers);
    }

    [Fact]
    public async Task A_pretty_printed_document_delivered_a_few_bytes_at_a_time_is_read_whole()
    {
        using var stream = new TrickleStream(Encoding.UTF8.GetBytes("{\n \"type\": \"bundle\",\n \"objects\": [1, 2]\n}\n"), chunk: 3);
        var inputs = new List<StixInput>();
        await foreach (StixInput input in new StixReader().ReadAllAsync(stream, TestContext.Current.CancellationToken))
        {
            inputs.Add(input);
        }

        Assert.NotNull(Assert.Single(inputs).Value);
    }

    /// <summary>A stream that returns at most <c>chunk</c> bytes per read, as a slow network does.</summary>
    private sealed class TrickleStream(byte[] data, int chunk) : MemoryStream(data)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, chunk));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            base.ReadAsync(buffer, offset, Math.Min(count, chunk), cancellationToken);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, chunk)], cancellationToken);
    }

    [Fact]
    public void A_failed_read_leaves_no_state_behind()
    {
        var reader = new StixReader();
        Assert.Throws<StixFormatException>(() => reader.Parse(Encoding.UTF8.GetBytes("{\"a\":[" + string.Join(",", Enumerable.Range(0, 50_000)) + ",}")));
        Assert.True(reader.Parse("{\"b\":[1]}"u8).Equals(JsonObject.Create(("b", JsonArray.Create(1)))));
    }

    [Fact]
    public async Task A_pretty_printed_document_is_read_whole()
    {
        List<StixInput> inputs = await ReadAll("{\n  \"type\": \"bundle\",\n  \"objects\": []\n}\n");
        StixInput single = Assert.Single(inputs);
        Assert.Null(single.LineNumber);
        Assert.NotNull(single.Value);
    }

    [Fact]
    public async Task A_pretty_printed_document_over_the_limit_is_refused()
    {
        List<StixInput> inputs = await ReadAll("{\n\"a\": \"" + new string('x', 500) + "\"\n}", new StixReaderLimits { MaxBytes = 100 });
        Assert.Contains("exceeds the limit", Assert.Single(inputs).Error!.Message, StringComparison.Ordinal);
    }
}
