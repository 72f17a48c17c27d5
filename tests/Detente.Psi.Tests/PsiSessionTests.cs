using System.Buffers;
using CsCheck;
using Detente.Testing;

namespace Detente.Psi.Tests;

public sealed class PsiSessionTests
{
    [Fact]
    public void Known_sets_give_exactly_their_intersection()
    {
        PsiLocalReport report = PsiLocal.Run(PsiSamples.Elements(PsiSamples.A), PsiSamples.Elements(PsiSamples.B), PsiMode.Intersection);
        string[] expected =
        [
            "ipv4-addr:198.51.100.3", "domain-name:example.com", "file:SHA-256:" + new string('a', 64), "url:http://evil.example/x", "ipv6-addr:2001:db8::1",
        ];
        Assert.Equal(expected.Order(StringComparer.Ordinal), report.Result.Intersection.Select(e => e.ToString()).Order(StringComparer.Ordinal));
        Assert.Equal(5, report.Result.Count);
        Assert.Equal(6, report.InitiatorSetSize);
        Assert.Equal(7, report.ResponderSetSize);
    }

    [Fact]
    public void Known_sets_give_exactly_their_cardinality_and_no_elements()
    {
        PsiLocalReport report = PsiLocal.Run(PsiSamples.Elements(PsiSamples.A), PsiSamples.Elements(PsiSamples.B), PsiMode.Cardinality);
        Assert.Equal(5, report.Result.Count);
        Assert.Empty(report.Result.Intersection);
    }

    [Fact]
    public void Disjoint_and_empty_sets_have_nothing_in_common()
    {
        Assert.Equal(0, PsiLocal.Run(PsiSamples.Elements(["domain-name:a.example"]), PsiSamples.Elements(["domain-name:b.example"]), PsiMode.Intersection).Result.Count);
        Assert.Equal(0, PsiLocal.Run([], PsiSamples.Elements(PsiSamples.B), PsiMode.Intersection).Result.Count);
        Assert.Equal(0, PsiLocal.Run(PsiSamples.Elements(PsiSamples.A), [], PsiMode.Cardinality).Result.Count);
        Assert.Equal(0, PsiLocal.Run([], [], PsiMode.Cardinality).Result.Count);
    }

    [Fact]
    public void Padding_hides_the_set_sizes_and_changes_no_result()
    {
        var options = new PsiOptions { PadTo = 50, ChunkSize = 7 };
        PsiLocalReport report = PsiLocal.Run(PsiSamples.Elements(PsiSamples.A), PsiSamples.Elements(PsiSamples.B), PsiMode.Intersection, null, options, options);
        Assert.Equal(50, report.InitiatorSetSize);
        Assert.Equal(50, report.ResponderSetSize);
        Assert.Equal(5, report.Result.Count);
        Assert.Equal(5, report.Result.Intersection.Count);
        Assert.Equal(5, PsiLocal.Run(PsiSamples.Elements(PsiSamples.A), PsiSamples.Elements(PsiSamples.B), PsiMode.Cardinality, null, options, options).Result.Count);
    }

    [Fact]
    public void A_golomb_compressed_set_gives_the_same_membership()
    {
        PsiLocalReport report = PsiLocal.Run(PsiSamples.Elements(PsiSamples.A), PsiSamples.Elements(PsiSamples.B), PsiMode.Intersection, filterBits: 20);
        Assert.Equal(5, report.Result.Count);
        Assert.True(report.Result.FalsePositiveRate is > 0 and < 1e-5);
    }

    [Fact]
    public void Random_sets_give_their_intersection_and_cardinality()
    {
        Gen<(int Common, int OnlyA, int OnlyB, int Chunk, bool Filter)> gen =
            Gen.Select(Gen.Int[0, 40], Gen.Int[0, 40], Gen.Int[0, 40], Gen.Int[1, 20], Gen.Bool);
        Property.ForAll(gen, c =>
        {
            var common = Enumerable.Range(0, c.Common).Select(i => $"domain-name:common{i}.example").ToList();
            List<PsiElement> a = PsiSamples.Elements(common.Concat(Enumerable.Range(0, c.OnlyA).Select(i => $"ipv4-addr:10.0.{i / 256}.{i % 256}")));
            List<PsiElement> b = PsiSamples.Elements(common.Concat(Enumerable.Range(0, c.OnlyB).Select(i => $"ipv4-addr:10.1.{i / 256}.{i % 256}")));
            var options = new PsiOptions { ChunkSize = c.Chunk, Parallelism = 2 };
            PsiLocalReport intersection = PsiLocal.Run(a, b, PsiMode.Intersection, c.Filter ? 24 : null, options, options);
            Assert.Equal(common.Order(StringComparer.Ordinal), intersection.Result.Intersection.Select(e => e.ToString()).Order(StringComparer.Ordinal));
            Assert.Equal(c.Common, PsiLocal.Run(a, b, PsiMode.Cardinality, c.Filter ? 24 : null, options, options).Result.Count);
        }, iterations: 25);
    }

    [Fact]
    public void Duplicates_count_once()
    {
        PsiLocalReport report = PsiLocal.Run(PsiSamples.Elements(["domain-name:x.example", "domain-name:X.example."]), PsiSamples.Elements(["domain-name:x.example", "domain-name:x.example"]),
            PsiMode.Intersection);
        Assert.Equal(1, report.InitiatorSetSize);
        Assert.Equal(1, report.ResponderSetSize);
        Assert.Single(report.Result.Intersection);
    }

    [Fact]
    public void A_malformed_point_from_the_initiator_is_refused_with_its_index()
    {
        (PsiResponderSession responder, byte[] frame) = OneBlindedChunk(PsiMode.Intersection);
        // Element 1 becomes a non-canonical encoding (RFC 9496 A.2).
        Convert.FromHexString("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f").CopyTo(frame, PsiChunk.HeaderLength + 32);
        PsiException e = Assert.Throws<PsiException>(() => responder.Evaluate(frame, new ArrayBufferWriter<byte>()));
        Assert.Equal(1, e.Position);
        Assert.Contains("not a valid ristretto255 element", e.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => responder.Evaluate(frame, new ArrayBufferWriter<byte>()));
    }

    [Fact]
    public void The_identity_from_the_initiator_is_refused()
    {
        (PsiResponderSession responder, byte[] frame) = OneBlindedChunk(PsiMode.Cardinality);
        Array.Clear(frame, PsiChunk.HeaderLength + 64, 32);
        Assert.Equal(2, Assert.Throws<PsiException>(() => responder.Evaluate(frame, new ArrayBufferWriter<byte>())).Position);
    }

    [Fact]
    public void A_malformed_or_identity_point_from_the_responder_is_refused()
    {
        foreach (string bad in PsiSamples.BadPoints)
        {
            var id = PsiSessionId.New();
            using PsiKey key = PsiKey.Generate();
            PsiPreparedSet set = PsiPreparedSet.Prepare(key, id, PsiSamples.Elements(PsiSamples.B));
            var initiator = new PsiInitiatorSession(id, PsiMode.Intersection, PsiSamples.Elements(PsiSamples.A), set.Count);
            PsiExchange.AssertBadAnswerRefused(initiator, set, bad);
        }
    }

    [Fact]
    public void Chunks_of_another_session_out_of_order_or_beyond_the_announced_size_are_refused()
    {
        (PsiResponderSession responder, byte[] frame) = OneBlindedChunk(PsiMode.Intersection);
        byte[] otherSession = (byte[])frame.Clone();
        otherSession[8] ^= 1;
        Assert.Contains("belongs to session", Assert.Throws<PsiException>(() => responder.Evaluate(otherSession, new ArrayBufferWriter<byte>())).Message,
            StringComparison.Ordinal);

        (responder, frame) = OneBlindedChunk(PsiMode.Intersection);
        byte[] outOfOrder = (byte[])frame.Clone();
        outOfOrder[27] = 1;
        Assert.Contains("expected Blinded chunk 0", Assert.Throws<PsiException>(() => responder.Evaluate(outOfOrder, new ArrayBufferWriter<byte>())).Message,
            StringComparison.Ordinal);

        var id = PsiSessionId.New();
        using PsiKey key = PsiKey.Generate();
        var small = new PsiResponderSession(PsiPreparedSet.Prepare(key, id, PsiSamples.Elements(PsiSamples.B)), id, PsiMode.Intersection, initiatorSetSize: 2);
        var initiator = new PsiInitiatorSession(id, PsiMode.Intersection, PsiSamples.Elements(PsiSamples.A), 7);
        var buffer = new ArrayBufferWriter<byte>();
        initiator.TryWriteBlinded(buffer);
        Assert.Contains("more than the announced 2", Assert.Throws<PsiException>(() => small.Evaluate(buffer.WrittenSpan, new ArrayBufferWriter<byte>())).Message,
            StringComparison.Ordinal);
    }

    [Fact]
    public void Sets_over_the_limit_are_refused()
    {
        var options = new PsiOptions { MaxSetSize = 3 };
        using PsiKey key = PsiKey.Generate();
        Assert.Throws<PsiException>(() => PsiPreparedSet.Prepare(key, PsiSessionId.New(), PsiSamples.Elements(PsiSamples.B), options));
        Assert.Throws<PsiException>(() => new PsiInitiatorSession(PsiSessionId.New(), PsiMode.Intersection, PsiSamples.Elements(PsiSamples.A), 2, options));
        Assert.Throws<PsiException>(() => new PsiInitiatorSession(PsiSessionId.New(), PsiMode.Intersection, PsiSamples.Elements(PsiSamples.A.Take(2)), 4, options));
    }

    [Fact]
    public void A_different_key_context_finds_nothing()
    {
        var id = PsiSessionId.New();
        using PsiKey key = PsiKey.Generate();
        PsiPreparedSet set = PsiPreparedSet.Prepare(key, PsiSessionId.New(), PsiSamples.Elements(PsiSamples.B));
        var initiator = new PsiInitiatorSession(id, PsiMode.Intersection, PsiSamples.Elements(PsiSamples.A), set.Count);
        var responder = new PsiResponderSession(set, id, PsiMode.Intersection, initiator.SetSize);
        var buffer = new ArrayBufferWriter<byte>();
        initiator.TryWriteBlinded(buffer);
        byte[] blinded = buffer.WrittenSpan.ToArray();
        buffer.ResetWrittenCount();
        responder.Evaluate(blinded, buffer);
        initiator.ReadEvaluated(buffer.WrittenSpan);
        buffer.ResetWrittenCount();
        responder.WriteTags(buffer);
        initiator.ReadResponder(buffer.WrittenSpan);
        Assert.Equal(0, initiator.Complete().Count);
    }

    private static (PsiResponderSession Responder, byte[] Frame) OneBlindedChunk(PsiMode mode)
    {
        var id = PsiSessionId.New();
        PsiKey key = PsiKey.Generate();
        PsiPreparedSet set = PsiPreparedSet.Prepare(key, id, PsiSamples.Elements(PsiSamples.B));
        var initiator = new PsiInitiatorSession(id, mode, PsiSamples.Elements(PsiSamples.A), set.Count);
        var buffer = new ArrayBufferWriter<byte>();
        Assert.True(initiator.TryWriteBlinded(buffer));
        return (new PsiResponderSession(set, id, mode, initiator.SetSize), buffer.WrittenSpan.ToArray());
    }
}
