using System.Buffers;

namespace Detente.Psi;

/// <summary>How long each phase of a local run took and what crossed between the sides.</summary>
/// <param name="Result">What the initiator learned.</param>
/// <param name="InitiatorSetSize">The initiator's set size as the responder saw it (distinct, padded).</param>
/// <param name="ResponderSetSize">The responder's set size as the initiator saw it (distinct, padded).</param>
/// <param name="Prepare">Responder: evaluate its set under a fresh key (once per key epoch).</param>
/// <param name="Precompute">Initiator: the additive blinds (r·B, r·K) for the responder's key (once per key epoch; zero for multiplicative blinding).</param>
/// <param name="Blind">Initiator: hash to the group and blind.</param>
/// <param name="Evaluate">Responder: multiply by its key (and shuffle, in cardinality mode).</param>
/// <param name="Finalize">Initiator: unblind and hash into tags.</param>
/// <param name="Compare">Responder: write its tags or filter; initiator: read them and compare.</param>
/// <param name="BytesToResponder">Bytes of all chunks the initiator sent.</param>
/// <param name="BytesToInitiator">Bytes of all chunks the responder sent.</param>
public sealed record PsiLocalReport(
    PsiResult Result,
    int InitiatorSetSize,
    int ResponderSetSize,
    TimeSpan Prepare,
    TimeSpan Precompute,
    TimeSpan Blind,
    TimeSpan Evaluate,
    TimeSpan Finalize,
    TimeSpan Compare,
    long BytesToResponder,
    long BytesToInitiator)
{
    /// <summary>Everything after preparation and precomputation.</summary>
    public TimeSpan Online => Blind + Evaluate + Finalize + Compare;
}

/// <summary>
/// Runs both sides of a session in one process, passing every chunk through its wire form: for <c>detente psi local</c>,
/// tests and benchmarks. Chunks are handled as a network run would: one blinded chunk is blinded, evaluated and
/// finalized before the next, so only one chunk is in flight (in cardinality mode the responder holds all answers
/// until the last chunk, as it must). The time of each phase is summed over the chunks.
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
    /// <param name="blinding">How the initiator blinds in intersection mode; cardinality mode always blinds multiplicatively
    /// with one scalar (the answers come back shuffled, so per-element blinds could not be matched to them).</param>
    /// <exception cref="PsiException">A set exceeds a limit.</exception>
    public static PsiLocalReport Run(IReadOnlyList<PsiElement> initiator, IReadOnlyList<PsiElement> responder, PsiMode mode, int? filterBits = null,
        PsiOptions? initiatorOptions = null, PsiOptions? responderOptions = null, TimeProvider? timeProvider = null,
        PsiBlinding blinding = PsiBlinding.Additive)
    {
        ArgumentNullException.ThrowIfNull(initiator);
        ArgumentNullException.ThrowIfNull(responder);
        TimeProvider clock = timeProvider ?? TimeProvider.System;
        PsiSessionId sessionId = PsiSessionId.New();

        long start = clock.GetTimestamp();
        using PsiKey key = PsiKey.Generate();
        PsiPreparedSet prepared = PsiPreparedSet.Prepare(key, sessionId, responder, responderOptions);
        TimeSpan prepare = clock.GetElapsedTime(start);

        // The local run is its own key epoch: the session id serves as the epoch id.
        start = clock.GetTimestamp();
        using PsiBlinds? blinds = mode == PsiMode.Intersection && blinding == PsiBlinding.Additive
            ? PsiBlinds.Precompute(key.PublicKey, Math.Max(new HashSet<PsiElement>(initiator).Count, initiatorOptions?.PadTo ?? 0), initiatorOptions)
            : null;
        TimeSpan precompute = clock.GetElapsedTime(start);

        start = clock.GetTimestamp();
        PsiInitiatorSession initiatorSession = blinds is null
            ? new PsiInitiatorSession(sessionId, mode, initiator, prepared.Count, initiatorOptions)
            : new PsiInitiatorSession(sessionId, sessionId, initiator, prepared.Count, blinds, initiatorOptions);
        var responderSession = new PsiResponderSession(prepared, sessionId, mode, initiatorSession.SetSize, responderOptions);
        TimeSpan blind = clock.GetElapsedTime(start);
        TimeSpan evaluate = TimeSpan.Zero;
        TimeSpan finalize = TimeSpan.Zero;
        long toResponder = 0;
        long toInitiator = 0;
        var request = new ArrayBufferWriter<byte>();
        var response = new ArrayBufferWriter<byte>();
        while (true)
        {
            start = clock.GetTimestamp();
            request.ResetWrittenCount();
            bool more = initiatorSession.TryWriteBlinded(request);
            blind += clock.GetElapsedTime(start);
            if (!more)
            {
                break;
            }

            toResponder += request.WrittenCount;
            start = clock.GetTimestamp();
            response.ResetWrittenCount();
            responderSession.Evaluate(request.WrittenSpan, response);
            evaluate += clock.GetElapsedTime(start);

            toInitiator += response.WrittenCount;
            start = clock.GetTimestamp();
            ForEachFrame(response.WrittenSpan, initiatorSession.ReadEvaluated);
            finalize += clock.GetElapsedTime(start);
        }

        start = clock.GetTimestamp();
        response.ResetWrittenCount();
        if (filterBits is int bits)
        {
            responderSession.WriteFilter(response, bits);
            toInitiator += response.WrittenCount;
            ForEachFrame(response.WrittenSpan, initiatorSession.ReadResponder);
        }
        else
        {
            while (responderSession.TryWriteTags(response))
            {
                toInitiator += response.WrittenCount;
                ForEachFrame(response.WrittenSpan, initiatorSession.ReadResponder);
                response.ResetWrittenCount();
            }
        }

        PsiResult result = initiatorSession.Complete();
        TimeSpan compare = clock.GetElapsedTime(start);
        return new PsiLocalReport(result, initiatorSession.SetSize, prepared.Count, prepare, precompute, blind, evaluate, finalize, compare, toResponder, toInitiator);
    }

    private delegate void FrameReader(ReadOnlySpan<byte> frame);

    /// <summary>Hands each frame of <paramref name="frames"/> to <paramref name="read"/> (the responder may write several per call).</summary>
    private static void ForEachFrame(ReadOnlySpan<byte> frames, FrameReader read)
    {
        while (!frames.IsEmpty)
        {
            if (!PsiChunk.TryRead(frames, out _, out _, out int length))
            {
                throw new PsiException("A truncated chunk.");
            }

            read(frames[..length]);
            frames = frames[length..];
        }
    }
}
