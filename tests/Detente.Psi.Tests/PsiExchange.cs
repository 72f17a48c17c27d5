using System.Buffers;

namespace Detente.Psi.Tests;

/// <summary>Both sides of an intersection session in memory, in chunks of four: the exchange the blinding tests share.</summary>
internal static class PsiExchange
{
    /// <summary>Runs <paramref name="initiator"/> against a responder over <paramref name="prepared"/>; returns its result.</summary>
    public static PsiResult Run(PsiInitiatorSession initiator, PsiPreparedSet prepared)
    {
        var responder = new PsiResponderSession(prepared, initiator.SessionId, PsiMode.Intersection, initiator.SetSize, new PsiOptions { ChunkSize = 4 });
        var request = new ArrayBufferWriter<byte>();
        var response = new ArrayBufferWriter<byte>();
        while (initiator.TryWriteBlinded(request))
        {
            responder.Evaluate(request.WrittenSpan, response);
            initiator.ReadEvaluated(response.WrittenSpan);
            request.ResetWrittenCount();
            response.ResetWrittenCount();
        }

        responder.WriteTags(response);
        ReadOnlySpan<byte> frames = response.WrittenSpan;
        while (!frames.IsEmpty)
        {
            Assert.True(PsiChunk.TryRead(frames, out _, out _, out int length));
            initiator.ReadResponder(frames[..length]);
            frames = frames[length..];
        }

        return initiator.Complete();
    }

    /// <summary>
    /// Sends the first chunk of <paramref name="initiator"/> to a responder over <paramref name="prepared"/>, puts
    /// <paramref name="badPoint"/> (hex) in place of the fourth evaluated element and asserts that the initiator refuses
    /// the answer at that position.
    /// </summary>
    public static void AssertBadAnswerRefused(PsiInitiatorSession initiator, PsiPreparedSet prepared, string badPoint)
    {
        var responder = new PsiResponderSession(prepared, initiator.SessionId, PsiMode.Intersection, initiator.SetSize);
        var buffer = new ArrayBufferWriter<byte>();
        Assert.True(initiator.TryWriteBlinded(buffer));
        byte[] blinded = buffer.WrittenSpan.ToArray();
        buffer.ResetWrittenCount();
        responder.Evaluate(blinded, buffer);
        byte[] evaluated = buffer.WrittenSpan.ToArray();
        Convert.FromHexString(badPoint).CopyTo(evaluated, PsiChunk.HeaderLength + (3 * 32));
        Assert.Equal(3, Assert.Throws<PsiException>(() => initiator.ReadEvaluated(evaluated)).Position);
    }
}
