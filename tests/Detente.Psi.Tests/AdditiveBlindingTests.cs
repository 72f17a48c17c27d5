using System.Buffers;

namespace Detente.Psi.Tests;

public sealed class AdditiveBlindingTests
{
    [Fact]
    public void Additive_and_multiplicative_blinding_give_the_same_intersection()
    {
        var options = new PsiOptions { ChunkSize = 2 };
        PsiLocalReport additive = PsiLocal.Run(PsiSamples.Elements(PsiSamples.A), PsiSamples.Elements(PsiSamples.B), PsiMode.Intersection, null, options, options, blinding: PsiBlinding.Additive);
        PsiLocalReport multiplicative = PsiLocal.Run(PsiSamples.Elements(PsiSamples.A), PsiSamples.Elements(PsiSamples.B), PsiMode.Intersection, null, options, options, blinding: PsiBlinding.Multiplicative);
        Assert.Equal(5, additive.Result.Count);
        Assert.Equal(multiplicative.Result.Intersection, additive.Result.Intersection);
    }

    [Fact]
    public void Additive_unblinding_yields_the_responders_own_tags()
    {
        // The initiator's tags for common elements must equal the responder's: Finalize(x, k·H(x)) on both sides.
        var epoch = PsiSessionId.New();
        using PsiKey key = PsiKey.Generate();
        PsiPreparedSet set = PsiPreparedSet.Prepare(key, epoch, PsiSamples.Elements(PsiSamples.B));
        using PsiBlinds blinds = PsiBlinds.Precompute(key.PublicKey, 20);
        for (int session = 0; session < 3; session++)
        {
            // Three sessions of one epoch draw different pairs from one pool.
            PsiResult result = RunAdditive(set, epoch, PsiSamples.Elements(PsiSamples.A), blinds);
            Assert.Equal(5, result.Count);
        }

        Assert.Equal(2, blinds.Remaining);
    }

    [Fact]
    public void A_pair_is_never_handed_out_twice()
    {
        using PsiKey key = PsiKey.Generate();
        using PsiBlinds blinds = PsiBlinds.Precompute(key.PublicKey, 8);
        var id = PsiSessionId.New();
        _ = new PsiInitiatorSession(id, id, PsiSamples.Elements(PsiSamples.A), 7, blinds);
        Assert.Equal(2, blinds.Remaining);
        PsiException e = Assert.Throws<PsiException>(() => new PsiInitiatorSession(id, id, PsiSamples.Elements(PsiSamples.A), 7, blinds));
        Assert.Contains("Only 2 precomputed blinds remain", e.Message, StringComparison.Ordinal);
        Assert.Equal(2, blinds.Remaining);
    }

    [Fact]
    public void Blinded_elements_of_equal_inputs_differ()
    {
        using PsiKey key = PsiKey.Generate();
        using PsiBlinds blinds = PsiBlinds.Precompute(key.PublicKey, 4);
        var id = PsiSessionId.New();
        byte[] first = OneBlinded(id, blinds);
        byte[] second = OneBlinded(id, blinds);
        Assert.NotEqual(first, second);
    }

    [Fact]
    public void A_public_key_that_is_not_a_valid_element_is_refused()
    {
        Assert.Throws<PsiException>(() => PsiBlinds.Precompute(new byte[32], 1));
        byte[] nonCanonical = Convert.FromHexString("ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
        Assert.Throws<PsiException>(() => PsiBlinds.Precompute(nonCanonical, 1));
        Assert.Throws<PsiException>(() => PsiBlinds.Precompute(new byte[31], 1));
    }

    [Fact]
    public void A_malformed_or_identity_point_from_the_responder_is_refused_with_additive_blinding()
    {
        foreach (string bad in PsiSamples.BadPoints)
        {
            var id = PsiSessionId.New();
            using PsiKey key = PsiKey.Generate();
            PsiPreparedSet set = PsiPreparedSet.Prepare(key, id, PsiSamples.Elements(PsiSamples.B));
            using PsiBlinds blinds = PsiBlinds.Precompute(key.PublicKey, 6);
            var initiator = new PsiInitiatorSession(id, id, PsiSamples.Elements(PsiSamples.A), set.Count, blinds);
            PsiExchange.AssertBadAnswerRefused(initiator, set, bad);
            Assert.Throws<InvalidOperationException>(() => initiator.Complete());
        }
    }

    [Fact]
    public void Blinds_for_another_key_find_nothing()
    {
        var epoch = PsiSessionId.New();
        using PsiKey key = PsiKey.Generate();
        using PsiKey other = PsiKey.Generate();
        PsiPreparedSet set = PsiPreparedSet.Prepare(key, epoch, PsiSamples.Elements(PsiSamples.B));
        using PsiBlinds blinds = PsiBlinds.Precompute(other.PublicKey, 6);
        Assert.Equal(0, RunAdditive(set, epoch, PsiSamples.Elements(PsiSamples.A), blinds).Count);
    }

    [Fact]
    public void Disposed_blinds_serve_no_session()
    {
        using PsiKey key = PsiKey.Generate();
        PsiBlinds blinds = PsiBlinds.Precompute(key.PublicKey, 6);
        blinds.Dispose();
        Assert.Equal(0, blinds.Remaining);
        var id = PsiSessionId.New();
        Assert.Throws<ObjectDisposedException>(() => new PsiInitiatorSession(id, id, PsiSamples.Elements(PsiSamples.A), 7, blinds));
    }

    private static byte[] OneBlinded(PsiSessionId id, PsiBlinds blinds)
    {
        var initiator = new PsiInitiatorSession(id, id, PsiSamples.Elements(["domain-name:same.example"]), 1, blinds);
        var buffer = new ArrayBufferWriter<byte>();
        Assert.True(initiator.TryWriteBlinded(buffer));
        return buffer.WrittenSpan[PsiChunk.HeaderLength..].ToArray();
    }

    private static PsiResult RunAdditive(PsiPreparedSet set, PsiSessionId epoch, List<PsiElement> elements, PsiBlinds blinds) =>
        PsiExchange.Run(new PsiInitiatorSession(PsiSessionId.New(), epoch, elements, set.Count, blinds, new PsiOptions { ChunkSize = 4 }), set);
}
