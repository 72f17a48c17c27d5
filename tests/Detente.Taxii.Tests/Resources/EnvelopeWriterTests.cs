using System.Buffers;
using System.Text;
using Detente.Stix;
using Detente.Stix.Json;

namespace Detente.Taxii.Tests.Resources;

public sealed class EnvelopeWriterTests
{
    private static string Write(Action<TaxiiEnvelopeWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>();
        body(new TaxiiEnvelopeWriter(buffer));
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    [Fact]
    public void An_empty_last_page_is_an_empty_object()
    {
        Assert.Equal("{}", Write(w => w.Complete()));
        Assert.Equal("{}", Encoding.UTF8.GetString(TaxiiEnvelope.Empty.Serialize()));
    }

    [Fact]
    public void Objects_are_copied_byte_for_byte_and_more_and_next_come_last()
    {
        string json = Write(w =>
        {
            w.WriteObject("{ \"type\" : \"note\" }"u8);
            w.WriteObject("{\"type\":\"x\",\"k\":\"caf\u00e9\"}"u8);
            w.Complete(more: true, next: "p\"2\u00e9");
        });

        Assert.Equal("{\"objects\":[{ \"type\" : \"note\" },{\"type\":\"x\",\"k\":\"caf\u00e9\"}],\"more\":true,\"next\":\"p\\\"2\u00e9\"}", json);
        TaxiiEnvelope read = new TaxiiReader().ReadEnvelope(Encoding.UTF8.GetBytes(json));
        Assert.Equal("p\"2\u00e9", read.Next);
    }

    [Fact]
    public void More_without_objects_is_written_alone()
    {
        Assert.Equal("{\"more\":true,\"next\":\"n\"}", Write(w => w.Complete(true, "n")));
        Assert.Equal("{\"more\":true}", Write(w => w.Complete(true)));
        Assert.Equal("{\"objects\":[{}]}", Write(w =>
        {
            w.WriteObject("{}"u8);
            w.Complete(false);
        }));
    }

    [Fact]
    public void A_stix_object_is_written_in_its_canonical_form()
    {
        var o = new StixObject(JsonObject.Create(("type", "note"), ("id", "note--6d4ec0ab-ff9a-4f39-a9bc-2bd1a3d1c1ec"), ("a", 1.0)));

        Assert.Equal("{\"objects\":[{\"a\":1,\"id\":\"note--6d4ec0ab-ff9a-4f39-a9bc-2bd1a3d1c1ec\",\"type\":\"note\"}]}", Write(w =>
        {
            w.WriteObject(o);
            w.Complete();
        }));
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("[]")]
    [InlineData(" {}")]
    [InlineData("{} ")]
    [InlineData("\"{}\"")]
    public void Anything_but_one_object_is_refused(string json)
    {
        var w = new TaxiiEnvelopeWriter(new ArrayBufferWriter<byte>());

        Assert.Throws<ArgumentException>(() => w.WriteObject(Encoding.UTF8.GetBytes(json)));
    }

    [Fact]
    public void Next_needs_more_and_a_value()
    {
        Assert.Throws<ArgumentException>(() => new TaxiiEnvelopeWriter(new ArrayBufferWriter<byte>()).Complete(false, "n"));
        Assert.Throws<ArgumentException>(() => new TaxiiEnvelopeWriter(new ArrayBufferWriter<byte>()).Complete(true, ""));
        Assert.Throws<ArgumentException>(() => TaxiiEnvelope.Create(Array.Empty<StixObject>(), false, "n"));
    }

    [Fact]
    public void A_complete_envelope_takes_nothing_more()
    {
        var w = new TaxiiEnvelopeWriter(new ArrayBufferWriter<byte>());
        w.Complete();

        Assert.Throws<InvalidOperationException>(() => w.WriteObject("{}"u8));
        Assert.Throws<InvalidOperationException>(() => w.Complete());
    }

    [Fact]
    public void Objects_read_from_one_envelope_are_forwarded_in_another_unchanged()
    {
        byte[] received = "{\"objects\":[{\"type\" :\"a\"},  {\"type\":\"b\" }],\"more\":true,\"next\":\"7\"}"u8.ToArray();
        TaxiiEnvelope read = new TaxiiReader().ReadEnvelope(received);

        TaxiiEnvelope forwarded = TaxiiEnvelope.Create(read.Objects.Reverse());

        Assert.Equal("{\"objects\":[{\"type\":\"b\" },{\"type\" :\"a\"}]}", Encoding.UTF8.GetString(forwarded.Serialize()));
    }

    [Fact]
    public void Writing_a_page_of_objects_allocates_nothing_per_object()
    {
        byte[][] objects = Enumerable.Range(0, 100).Select(i => Encoding.UTF8.GetBytes($"{{\"type\":\"indicator\",\"n\":{i}}}")).ToArray();
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        void WritePage()
        {
            buffer.ResetWrittenCount();
            var writer = new TaxiiEnvelopeWriter(buffer);
            foreach (byte[] o in objects)
            {
                writer.WriteObject(o);
            }

            writer.Complete(true, "next-page");
        }

        WritePage(); // warm up
        long before = GC.GetAllocatedBytesForCurrentThread();
        WritePage();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // The writer itself and the encoded 'next': a fixed cost per envelope, far below one allocation per object.
        Assert.True(allocated < 400, $"{allocated} bytes allocated for a page of 100 objects");
    }
}
