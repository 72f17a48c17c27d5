using System.Buffers;
using CsCheck;
using Detente.Testing;

namespace Detente.Psi.Tests;

public sealed class BlindedSetTests
{
    private static readonly string[] s_a = [.. PsiSamples.A, "domain-name:example.com"];

    [Fact]
    public void A_set_blinded_ahead_gives_the_same_intersection_as_the_other_blindings()
    {
        var options = new PsiOptions { ChunkSize = 2 };
        PsiLocalReport ahead = PsiLocal.Run(PsiSamples.Elements(s_a), PsiSamples.Elements(PsiSamples.B), PsiMode.Intersection, null, options, options);
        PsiLocalReport pairs = PsiLocal.Run(PsiSamples.Elements(s_a), PsiSamples.Elements(PsiSamples.B), PsiMode.Intersection, null, options, options, blindAhead: false);
        PsiLocalReport multiplicative = PsiLocal.Run(PsiSamples.Elements(s_a), PsiSamples.Elements(PsiSamples.B), PsiMode.Intersection, null, options, options,
            blinding: PsiBlinding.Multiplicative);
        Assert.Equal(5, ahead.Result.Count);
        Assert.Equal(multiplicative.Result.Intersection, ahead.Result.Intersection);
        Assert.Equal(pairs.Result.Intersection, ahead.Result.Intersection);
        Assert.Equal(6, ahead.InitiatorSetSize);
    }

    [Fact]
    public void A_set_blinded_for_an_epoch_meets_the_responders_tags_in_a_session_of_that_epoch()
    {
        var epoch = PsiSessionId.New();
        using PsiKey key = PsiKey.Generate();
        PsiPreparedSet prepared = PsiPreparedSet.Prepare(key, epoch, PsiSamples.Elements(PsiSamples.B));
        using PsiBlindedSet set = PsiBlindedSet.Create(key.PublicKey, epoch, PsiSamples.Elements(s_a));
        Assert.Equal(epoch, set.KeyContext);
        Assert.True(set.ResponderPublicKey.SequenceEqual(key.PublicKey));
        var session = new PsiInitiatorSession(PsiSessionId.New(), set, prepared.Count, new PsiOptions { ChunkSize = 4 });
        Assert.Equal(PsiBlinding.Additive, session.Blinding);
        PsiResult result = PsiExchange.Run(session, prepared);
        Assert.Equal(5, result.Count);
        Assert.Contains(PsiElement.Parse("domain-name:example.com"), result.Intersection);
    }

    [Fact]
    public void A_set_blinded_for_another_epoch_or_key_finds_nothing()
    {
        var epoch = PsiSessionId.New();
        using PsiKey key = PsiKey.Generate();
        using PsiKey other = PsiKey.Generate();
        PsiPreparedSet prepared = PsiPreparedSet.Prepare(key, epoch, PsiSamples.Elements(PsiSamples.B));
        using PsiBlindedSet otherEpoch = PsiBlindedSet.Create(key.PublicKey, PsiSessionId.New(), PsiSamples.Elements(s_a));
        using PsiBlindedSet otherKey = PsiBlindedSet.Create(other.PublicKey, epoch, PsiSamples.Elements(s_a));
        Assert.Equal(0, PsiExchange.Run(new PsiInitiatorSession(PsiSessionId.New(), otherEpoch, prepared.Count), prepared).Count);
        Assert.Equal(0, PsiExchange.Run(new PsiInitiatorSession(PsiSessionId.New(), otherKey, prepared.Count), prepared).Count);
    }

    [Fact]
    public void A_blinded_set_serves_one_session_only()
    {
        using PsiKey key = PsiKey.Generate();
        var epoch = PsiSessionId.New();
        using PsiBlindedSet set = PsiBlindedSet.Create(key.PublicKey, epoch, PsiSamples.Elements(s_a));
        Assert.False(set.IsTaken);
        _ = new PsiInitiatorSession(PsiSessionId.New(), set, 7);
        Assert.True(set.IsTaken);
        PsiException e = Assert.Throws<PsiException>(() => new PsiInitiatorSession(PsiSessionId.New(), set, 7));
        Assert.Contains("never reused", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Blinded_elements_of_equal_inputs_differ_between_sets()
    {
        using PsiKey key = PsiKey.Generate();
        var epoch = PsiSessionId.New();
        using PsiBlindedSet first = PsiBlindedSet.Create(key.PublicKey, epoch, PsiSamples.Elements(["domain-name:same.example"]));
        using PsiBlindedSet second = PsiBlindedSet.Create(key.PublicKey, epoch, PsiSamples.Elements(["domain-name:same.example"]));
        Assert.NotEqual(FirstChunk(first), FirstChunk(second));
    }

    [Fact]
    public void A_blinded_set_is_padded_as_a_session_would_be()
    {
        using PsiKey key = PsiKey.Generate();
        var epoch = PsiSessionId.New();
        PsiPreparedSet prepared = PsiPreparedSet.Prepare(key, epoch, PsiSamples.Elements(PsiSamples.B));
        using PsiBlindedSet set = PsiBlindedSet.Create(key.PublicKey, epoch, PsiSamples.Elements(s_a), new PsiOptions { PadTo = 50 });
        Assert.Equal(50, set.SetSize);
        var session = new PsiInitiatorSession(PsiSessionId.New(), set, prepared.Count);
        Assert.Equal(50, session.SetSize);
        Assert.Equal(5, PsiExchange.Run(session, prepared).Count);
        Assert.Throws<PsiException>(() => PsiBlindedSet.Create(key.PublicKey, epoch, PsiSamples.Elements(s_a), new PsiOptions { MaxSetSize = 5 }));
    }

    [Fact]
    public void A_public_key_that_is_not_a_valid_element_is_refused()
    {
        var epoch = PsiSessionId.New();
        Assert.Throws<PsiException>(() => PsiBlindedSet.Create(new byte[32], epoch, PsiSamples.Elements(s_a)));
        byte[] nonCanonical = Convert.FromHexString("ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
        Assert.Throws<PsiException>(() => PsiBlindedSet.Create(nonCanonical, epoch, PsiSamples.Elements(s_a)));
        Assert.Throws<PsiException>(() => PsiBlindedSet.Create(new byte[31], epoch, PsiSamples.Elements(s_a)));
    }

    [Fact]
    public void A_malformed_or_identity_point_from_the_responder_is_refused()
    {
        foreach (string bad in PsiSamples.BadPoints)
        {
            var epoch = PsiSessionId.New();
            using PsiKey key = PsiKey.Generate();
            PsiPreparedSet prepared = PsiPreparedSet.Prepare(key, epoch, PsiSamples.Elements(PsiSamples.B));
            using PsiBlindedSet set = PsiBlindedSet.Create(key.PublicKey, epoch, PsiSamples.Elements(s_a));
            var id = PsiSessionId.New();
            var initiator = new PsiInitiatorSession(id, set, prepared.Count);
            PsiExchange.AssertBadAnswerRefused(initiator, prepared, bad);
            Assert.Throws<InvalidOperationException>(() => initiator.Complete());
        }
    }

    [Fact]
    public void A_disposed_blinded_set_serves_no_session()
    {
        using PsiKey key = PsiKey.Generate();
        var epoch = PsiSessionId.New();
        PsiBlindedSet set = PsiBlindedSet.Create(key.PublicKey, epoch, PsiSamples.Elements(s_a));
        var session = new PsiInitiatorSession(PsiSessionId.New(), set, 7);
        set.Dispose();
        Assert.Throws<ObjectDisposedException>(() => session.TryWriteBlinded(new ArrayBufferWriter<byte>()));
        Assert.Throws<ObjectDisposedException>(() => new PsiInitiatorSession(PsiSessionId.New(), set, 7));
    }

    [Fact]
    public void Every_blinding_gives_the_intersection_of_random_sets_through_the_pipeline()
    {
        // Chunks of 1 to 5 items keep several chunks in every queue of the pipeline at once.
        Gen<(int Common, int OnlyA, int OnlyB, int Chunk, int Blinding)> gen =
            Gen.Select(Gen.Int[0, 60], Gen.Int[0, 60], Gen.Int[0, 30], Gen.Int[1, 5], Gen.Int[0, 2]);
        Property.ForAll(gen, c =>
        {
            var common = Enumerable.Range(0, c.Common).Select(i => $"domain-name:common{i}.example").ToList();
            List<PsiElement> a = PsiSamples.Elements(common.Concat(Enumerable.Range(0, c.OnlyA).Select(i => $"ipv4-addr:10.0.{i / 256}.{i % 256}")));
            List<PsiElement> b = PsiSamples.Elements(common.Concat(Enumerable.Range(0, c.OnlyB).Select(i => $"ipv4-addr:10.1.{i / 256}.{i % 256}")));
            var options = new PsiOptions { ChunkSize = c.Chunk, Parallelism = 2 };
            PsiLocalReport report = PsiLocal.Run(a, b, PsiMode.Intersection, null, options, options,
                blinding: c.Blinding == 2 ? PsiBlinding.Multiplicative : PsiBlinding.Additive, blindAhead: c.Blinding == 0);
            Assert.Equal(common.Order(StringComparer.Ordinal), report.Result.Intersection.Select(e => e.ToString()).Order(StringComparer.Ordinal));
            long blindedBytes = (a.Count * 32L) + (PsiChunk.HeaderLength * Chunks(a.Count, c.Chunk));
            Assert.Equal(blindedBytes, report.BytesToResponder);
            Assert.Equal(blindedBytes + (b.Count * 16L) + (PsiChunk.HeaderLength * Chunks(b.Count, c.Chunk)), report.BytesToInitiator);
        }, iterations: 20);
    }

    private static long Chunks(int items, int chunk) => Math.Max(1, (items + chunk - 1) / chunk);

    private static byte[] FirstChunk(PsiBlindedSet set)
    {
        var session = new PsiInitiatorSession(PsiSessionId.New(), set, 1);
        var buffer = new ArrayBufferWriter<byte>();
        Assert.True(session.TryWriteBlinded(buffer));
        return buffer.WrittenSpan[PsiChunk.HeaderLength..].ToArray();
    }
}
