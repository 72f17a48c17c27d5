using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace Detente.Psi;

/// <summary>How long each phase of a local run took and what crossed between the sides.</summary>
/// <param name="Result">What the initiator learned.</param>
/// <param name="InitiatorSetSize">The initiator's set size as the responder saw it (distinct, padded).</param>
/// <param name="ResponderSetSize">The responder's set size as the initiator saw it (distinct, padded).</param>
/// <param name="Prepare">Responder, once per key epoch: evaluate its set under the epoch's key.</param>
/// <param name="Precompute">Initiator, per session but before it (it needs only the responder's public key and key epoch):
/// the additive blinds, with the set hashed to the group and blinded when the set is known; zero for multiplicative blinding.</param>
/// <param name="Blind">Initiator: the time spent writing blinded chunks (hash to the group and blind, or a copy when blinded ahead).</param>
/// <param name="Evaluate">Responder: the time spent multiplying by its key (and shuffling, in cardinality mode).</param>
/// <param name="Finalize">Initiator: the time spent unblinding answers into tags.</param>
/// <param name="Compare">Responder: write its tags or filter; initiator: read them and compare.</param>
/// <param name="Online">The session's wall-clock time, from its start to the result: blind, evaluate and finalize overlap
/// (chunk N + 1 is blinded while chunk N is evaluated and chunk N − 1 finalized), so this is less than their sum.</param>
/// <param name="BytesToResponder">Bytes of all chunks the initiator sent.</param>
/// <param name="BytesToInitiator">Bytes of all chunks the responder sent.</param>
/// <param name="PrepareCpu">The process's CPU time (user and system, all threads) during <paramref name="Prepare"/>.</param>
/// <param name="PrecomputeCpu">The process's CPU time during <paramref name="Precompute"/>.</param>
/// <param name="OnlineCpu">The process's CPU time during <paramref name="Online"/>: close to twice the wall time when both
/// cores are kept busy.</param>
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
    TimeSpan Online,
    long BytesToResponder,
    long BytesToInitiator,
    TimeSpan PrepareCpu = default,
    TimeSpan PrecomputeCpu = default,
    TimeSpan OnlineCpu = default)
{
    /// <summary>Everything one session costs its two sides: the initiator's precomputation plus the online part.</summary>
    public TimeSpan PerSession => Precompute + Online;
}

/// <summary>
/// Runs both sides of a session in one process, passing every chunk through its wire form: for <c>detente psi local</c>,
/// tests and benchmarks. The phases run as a pipeline, as they would between two machines: one thread blinds chunks,
/// one evaluates them, one finalizes the answers, with at most <see cref="ChunksInFlight"/> chunks queued between two
/// stages, so both cores stay busy across phase boundaries and memory stays bounded. In cardinality mode the responder
/// holds all answers until the last chunk, as it must. Each phase's time is its busy time summed over the chunks;
/// <see cref="PsiLocalReport.Online"/> is the wall-clock time.
/// </summary>
public static class PsiLocal
{
    /// <summary>Chunks queued between two stages of the pipeline (blinded, then evaluated).</summary>
    public const int ChunksInFlight = 2;

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
    /// <param name="blindAhead">With additive blinding: hash the set to the group and blind it during the precomputation
    /// (<see cref="PsiBlindedSet"/>, the default), or precompute set-independent pairs and hash online (<see cref="PsiBlinds"/>).</param>
    /// <exception cref="PsiException">A set exceeds a limit.</exception>
    public static PsiLocalReport Run(IReadOnlyList<PsiElement> initiator, IReadOnlyList<PsiElement> responder, PsiMode mode, int? filterBits = null,
        PsiOptions? initiatorOptions = null, PsiOptions? responderOptions = null, TimeProvider? timeProvider = null,
        PsiBlinding blinding = PsiBlinding.Additive, bool blindAhead = true)
    {
        ArgumentNullException.ThrowIfNull(initiator);
        ArgumentNullException.ThrowIfNull(responder);
        TimeProvider clock = timeProvider ?? TimeProvider.System;
        PsiSessionId sessionId = PsiSessionId.New();

        TimeSpan cpu = Environment.CpuUsage.TotalTime;
        long start = clock.GetTimestamp();
        using PsiKey key = PsiKey.Generate();
        PsiPreparedSet prepared = PsiPreparedSet.Prepare(key, sessionId, responder, responderOptions);
        TimeSpan prepare = clock.GetElapsedTime(start);
        TimeSpan prepareCpu = Environment.CpuUsage.TotalTime - cpu;

        // The local run is its own key epoch: the session id serves as the epoch id.
        bool additive = mode == PsiMode.Intersection && blinding == PsiBlinding.Additive;
        cpu = Environment.CpuUsage.TotalTime;
        start = clock.GetTimestamp();
        using PsiBlindedSet? blindedSet = additive && blindAhead ? PsiBlindedSet.Create(key.PublicKey, sessionId, initiator, initiatorOptions) : null;
        using PsiBlinds? blinds = additive && !blindAhead
            ? PsiBlinds.Precompute(key.PublicKey, Math.Max(new HashSet<PsiElement>(initiator).Count, initiatorOptions?.PadTo ?? 0), initiatorOptions)
            : null;
        TimeSpan precompute = clock.GetElapsedTime(start);
        TimeSpan precomputeCpu = Environment.CpuUsage.TotalTime - cpu;

        cpu = Environment.CpuUsage.TotalTime;
        long online = clock.GetTimestamp();
        start = online;
        PsiInitiatorSession initiatorSession = blindedSet is not null
            ? new PsiInitiatorSession(sessionId, blindedSet, prepared.Count, initiatorOptions)
            : blinds is not null
                ? new PsiInitiatorSession(sessionId, sessionId, initiator, prepared.Count, blinds, initiatorOptions)
                : new PsiInitiatorSession(sessionId, mode, initiator, prepared.Count, initiatorOptions);
        var responderSession = new PsiResponderSession(prepared, sessionId, mode, initiatorSession.SetSize, responderOptions);
        TimeSpan setup = clock.GetElapsedTime(start);
        var pipeline = new Pipeline(initiatorSession, responderSession, clock);
        pipeline.Run();

        start = clock.GetTimestamp();
        long toInitiator = pipeline.BytesToInitiator;
        var response = new ArrayBufferWriter<byte>();
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
        return new PsiLocalReport(result, initiatorSession.SetSize, prepared.Count, prepare, precompute, setup + pipeline.Blind, pipeline.Evaluate,
            pipeline.Finalize, compare, clock.GetElapsedTime(online), pipeline.BytesToResponder, toInitiator, prepareCpu, precomputeCpu,
            Environment.CpuUsage.TotalTime - cpu);
    }

    /// <summary>
    /// Three stages on their own threads: blind → evaluate → finalize, with bounded queues between them. The initiator's
    /// session serves one caller at a time, so its two stages take turns on it under a lock (a blinded-ahead chunk is a copy).
    /// The first failure stops every stage and is rethrown.
    /// </summary>
    private sealed class Pipeline(PsiInitiatorSession initiator, PsiResponderSession responder, TimeProvider clock)
    {
        private readonly Lock _initiatorLock = new();
        private readonly BlockingCollection<byte[]> _blinded = new(ChunksInFlight);
        private readonly BlockingCollection<byte[]> _evaluated = new(ChunksInFlight);
        private readonly CancellationTokenSource _failed = new();
        private ExceptionDispatchInfo? _failure;

        public TimeSpan Blind { get; private set; }

        public TimeSpan Evaluate { get; private set; }

        public TimeSpan Finalize { get; private set; }

        public long BytesToResponder { get; private set; }

        public long BytesToInitiator { get; private set; }

        public void Run()
        {
            Thread[] threads =
            [
                new(() => Stage(BlindAll)) { IsBackground = true, Name = "psi-blind" },
                new(() => Stage(EvaluateAll)) { IsBackground = true, Name = "psi-evaluate" },
                new(() => Stage(FinalizeAll)) { IsBackground = true, Name = "psi-finalize" },
            ];
            foreach (Thread thread in threads)
            {
                thread.Start();
            }

            foreach (Thread thread in threads)
            {
                thread.Join();
            }

            _failed.Dispose();
            _blinded.Dispose();
            _evaluated.Dispose();
            _failure?.Throw();
        }

        private void Stage(Action body)
        {
            try
            {
                body();
            }
            catch (OperationCanceledException) when (_failed.IsCancellationRequested)
            {
                // Another stage failed first; its exception is the one rethrown.
            }
            catch (Exception e)
            {
                // A stage's thread is a boundary: whatever it throws goes back to the caller of Run, not to the process.
                Interlocked.CompareExchange(ref _failure, ExceptionDispatchInfo.Capture(e), null);
                _failed.Cancel();
            }
        }

        private void BlindAll()
        {
            var frame = new ArrayBufferWriter<byte>();
            try
            {
                while (true)
                {
                    frame.ResetWrittenCount();
                    bool more;
                    lock (_initiatorLock)
                    {
                        // Timed inside the lock: waiting for the finalizer is not blinding.
                        long start = clock.GetTimestamp();
                        more = initiator.TryWriteBlinded(frame);
                        Blind += clock.GetElapsedTime(start);
                    }

                    if (!more)
                    {
                        break;
                    }

                    BytesToResponder += frame.WrittenCount;
                    _blinded.Add(frame.WrittenSpan.ToArray(), _failed.Token);
                }
            }
            finally
            {
                _blinded.CompleteAdding();
            }
        }

        private void EvaluateAll()
        {
            var response = new ArrayBufferWriter<byte>();
            try
            {
                foreach (byte[] frame in _blinded.GetConsumingEnumerable(_failed.Token))
                {
                    long start = clock.GetTimestamp();
                    response.ResetWrittenCount();
                    responder.Evaluate(frame, response);
                    Evaluate += clock.GetElapsedTime(start);
                    if (response.WrittenCount > 0)
                    {
                        BytesToInitiator += response.WrittenCount;
                        _evaluated.Add(response.WrittenSpan.ToArray(), _failed.Token);
                    }
                }
            }
            finally
            {
                _evaluated.CompleteAdding();
            }
        }

        private void FinalizeAll()
        {
            foreach (byte[] frames in _evaluated.GetConsumingEnumerable(_failed.Token))
            {
                lock (_initiatorLock)
                {
                    long start = clock.GetTimestamp();
                    ForEachFrame(frames, initiator.ReadEvaluated);
                    Finalize += clock.GetElapsedTime(start);
                }
            }
        }
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
