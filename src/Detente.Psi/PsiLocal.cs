using System.Buffers;

namespace Detente.Psi;

/// <summary>How long each phase of a local run took and what crossed between the sides.</summary>
/// <param name="Result">What the initiator learned.</param>
/// <param name="InitiatorSetSize">The initiator's set size as the responder saw it (distinct, padded).</param>
/// <param name="ResponderSetSize">The responder's set size as the initiator saw it (distinct, padded).</param>
/// <param name="Prepare">Responder: evaluate its set under a fresh key (once per key epoch).</param>
/// <param name="Blind">Initiator: hash to the group and blind.</param>
/// <param name="Evaluate">Responder: multiply by its key (and shuffle, in cardinality mode); write its tags or filter.</param>
/// <param name="Finalize">Initiator: unblind and hash into tags.</param>
/// <param name="Compare">Initiator: read the responder's tags or filter and compare.</param>
/// <param name="BytesToResponder">Bytes of all chunks the initiator sent.</param>
/// <param name="BytesToInitiator">Bytes of all chunks the responder sent.</param>
public sealed record PsiLocalReport(
    PsiResult Result,
    int InitiatorSetSize,
    int ResponderSetSize,
    TimeSpan Prepare,
    TimeSpan Blind,
    TimeSpan Evaluate,
    TimeSpan Finalize,
    TimeSpan Compare,
    long BytesToResponder,
    long BytesToInitiator)
{
    /// <summary>Everything after preparation.</summary>
    public TimeSpan Online => Blind + Evaluate + Finalize + Compare;
}

/// <summary>
/// Runs both sides of a session in one process, phase by phase, passing every chunk through its wire form: for
/// <c>detente psi local</c>, tests and benchmarks. A network run interleaves the same calls.
/// </summary>
public static class PsiLocal
{
    /// <summary>Runs a session of <paramref name="initiator"/>'s set against <paramref name="responder"/>'s.</summary>
    /// <param name="initiator">The initiator's elements.</param>
    /// <param name="responder">The responder's elements.</param>
    /// <param name="mode">What the initiator learns.</param>
    /// <param name="filterBits">Send the responder's tags as a Golomb-compressed set with this P (1..32); null sends the tags.</param>
    /// <param name="initiatorOptions">The initiator's options (padding, chunk size, threads).</param>
    /// <param name="responderOptions">The responder's options.</param>
    /// <param name="timeProvider">Clock for the phase times.</param>
    /// <exception cref="PsiException">A set exceeds a limit.</exception>
    public static PsiLocalReport Run(IReadOnlyList<PsiElement> initiator, IReadOnlyList<PsiElement> responder, PsiMode mode, int? filterBits = null,
        PsiOptions? initiatorOptions = null, PsiOptions? responderOptions = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(initiator);
        ArgumentNullException.ThrowIfNull(responder);
        TimeProvider clock = timeProvider ?? TimeProvider.System;
        PsiSessionId sessionId = PsiSessionId.New();

        long start = clock.GetTimestamp();
        using PsiKey key = PsiKey.Generate();
        PsiPreparedSet prepared = PsiPreparedSet.Prepare(key, sessionId, responder, responderOptions);
        TimeSpan prepare = clock.GetElapsedTime(start);

        start = clock.GetTimestamp();
        var initiatorSession = new PsiInitiatorSession(sessionId, mode, initiator, prepared.Count, initiatorOptions);
        var blinded = new List<byte[]>();
        var buffer = new ArrayBufferWriter<byte>();
        while (initiatorSession.TryWriteBlinded(buffer))
        {
            blinded.Add(Take(buffer));
        }

        TimeSpan blind = clock.GetElapsedTime(start);

        start = clock.GetTimestamp();
        var responderSession = new PsiResponderSession(prepared, sessionId, mode, initiatorSession.SetSize, responderOptions);
        var answers = new List<byte[]>();
        foreach (byte[] frame in blinded)
        {
            responderSession.Evaluate(frame, buffer);
            answers.AddRange(Split(Take(buffer)));
        }

        if (filterBits is int bits)
        {
            responderSession.WriteFilter(buffer, bits);
        }
        else
        {
            responderSession.WriteTags(buffer);
        }

        List<byte[]> responderFrames = Split(Take(buffer));
        TimeSpan evaluate = clock.GetElapsedTime(start);

        start = clock.GetTimestamp();
        foreach (byte[] frame in answers)
        {
            initiatorSession.ReadEvaluated(frame);
        }

        TimeSpan finalize = clock.GetElapsedTime(start);

        start = clock.GetTimestamp();
        foreach (byte[] frame in responderFrames)
        {
            initiatorSession.ReadResponder(frame);
        }

        PsiResult result = initiatorSession.Complete();
        TimeSpan compare = clock.GetElapsedTime(start);

        long toResponder = blinded.Sum(f => (long)f.Length);
        long toInitiator = answers.Sum(f => (long)f.Length) + responderFrames.Sum(f => (long)f.Length);
        return new PsiLocalReport(result, initiatorSession.SetSize, prepared.Count, prepare, blind, evaluate, finalize, compare, toResponder, toInitiator);
    }

    private static byte[] Take(ArrayBufferWriter<byte> buffer)
    {
        byte[] bytes = buffer.WrittenSpan.ToArray();
        buffer.ResetWrittenCount();
        return bytes;
    }

    /// <summary>Splits concatenated frames (the responder may write several per call).</summary>
    private static List<byte[]> Split(byte[] frames)
    {
        var result = new List<byte[]>();
        ReadOnlySpan<byte> rest = frames;
        while (!rest.IsEmpty)
        {
            if (!PsiChunk.TryRead(rest, out _, out _, out int length))
            {
                throw new PsiException("A truncated chunk.");
            }

            result.Add(rest[..length].ToArray());
            rest = rest[length..];
        }

        return result;
    }
}
