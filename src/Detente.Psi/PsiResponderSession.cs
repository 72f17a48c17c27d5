using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace Detente.Psi;

/// <summary>
/// The responder's side of one session: sends its tags (or their Golomb-compressed set) and evaluates the
/// initiator's blinded elements under its key, in order (intersection mode) or shuffled (cardinality mode).
/// </summary>
/// <remarks>
/// Memory: the prepared set, plus in cardinality mode all the evaluated elements (32 bytes × the initiator's set
/// size) until the last blinded chunk has arrived, since the shuffle must cover all of them. In intersection mode
/// one chunk at a time. Any bad chunk ends the session with a <see cref="PsiException"/>.
/// </remarks>
public sealed class PsiResponderSession
{
    private readonly PsiPreparedSet _set;
    private readonly PsiMode _mode;
    private readonly PsiOptions _options;
    private byte[]? _shuffle;
    private int _nextSequence;
    private int _tagSequence;
    private int _received;
    private bool _failed;

    /// <summary>Starts a session.</summary>
    /// <param name="set">The prepared set (its key context names the DST the initiator must use).</param>
    /// <param name="sessionId">The session id; every chunk in and out carries it.</param>
    /// <param name="mode">What the initiator will learn.</param>
    /// <param name="initiatorSetSize">The initiator's announced (padded) set size: exactly this many blinded elements are accepted.</param>
    /// <param name="options">Limits and tuning.</param>
    /// <exception cref="PsiException">The initiator's set is larger than <see cref="PsiOptions.MaxSetSize"/>.</exception>
    public PsiResponderSession(PsiPreparedSet set, PsiSessionId sessionId, PsiMode mode, int initiatorSetSize, PsiOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentOutOfRangeException.ThrowIfNegative(initiatorSetSize);
        _options = options ?? new PsiOptions();
        if (initiatorSetSize > _options.MaxSetSize)
        {
            throw new PsiException($"The initiator's set of {initiatorSetSize} is larger than the limit of {_options.MaxSetSize}.");
        }

        _set = set;
        SessionId = sessionId;
        _mode = mode;
        InitiatorSetSize = initiatorSetSize;
    }

    /// <summary>The session id.</summary>
    public PsiSessionId SessionId { get; }

    /// <summary>The initiator's announced set size.</summary>
    public int InitiatorSetSize { get; }

    /// <summary>All blinded elements have been evaluated and answered.</summary>
    public bool IsComplete { get; private set; }

    private UInt128[] Tags => _mode == PsiMode.Intersection ? _set.IntersectionTags : _set.CardinalityTags;

    /// <summary>Writes all of the responder's tags as <see cref="PsiChunkKind.Tags"/> chunks (16 bytes per element).</summary>
    public void WriteTags(IBufferWriter<byte> output)
    {
        while (TryWriteTags(output))
        {
        }
    }

    /// <summary>
    /// Writes the next <see cref="PsiChunkKind.Tags"/> chunk, so that a stream can be flushed between chunks; false when
    /// all have been written. An empty set writes one empty chunk flagged last.
    /// </summary>
    public bool TryWriteTags(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        UInt128[] tags = Tags;
        int start = _tagSequence * _options.ChunkSize;
        if (start >= tags.Length && (_tagSequence > 0 || tags.Length > 0))
        {
            return false;
        }

        int count = Math.Min(_options.ChunkSize, tags.Length - start);
        var header = new PsiChunkHeader(PsiChunkKind.Tags, start + count == tags.Length, SessionId, _tagSequence++, count);
        Span<byte> span = output.GetSpan(PsiChunk.HeaderLength + header.PayloadLength);
        PsiChunk.WriteHeader(span, header);
        for (int i = 0; i < count; i++)
        {
            BinaryPrimitives.WriteUInt128BigEndian(span.Slice(PsiChunk.HeaderLength + (i * PsiTags.Length), PsiTags.Length), tags[start + i]);
        }

        output.Advance(PsiChunk.HeaderLength + header.PayloadLength);
        return true;
    }

    /// <summary>
    /// Writes the Golomb-compressed set of the responder's tags as <see cref="PsiChunkKind.Filter"/> chunks, for an
    /// initiator that only needs membership (false-positive rate about 2^-<paramref name="bits"/> per element).
    /// </summary>
    public void WriteFilter(IBufferWriter<byte> output, int bits = GolombCodedSet.DefaultBits)
    {
        ArgumentNullException.ThrowIfNull(output);
        byte[] encoded = GolombCodedSet.Encode(Tags, bits);
        int sequence = 0;
        for (int start = 0; start < encoded.Length; start += PsiChunk.MaxItems)
        {
            int count = Math.Min(PsiChunk.MaxItems, encoded.Length - start);
            PsiChunk.Write(output, new PsiChunkHeader(PsiChunkKind.Filter, start + count == encoded.Length, SessionId, sequence++, count),
                encoded.AsSpan(start, count));
        }
    }

    /// <summary>
    /// Evaluates one <see cref="PsiChunkKind.Blinded"/> chunk. In intersection mode writes the matching
    /// <see cref="PsiChunkKind.Evaluated"/> chunk; in cardinality mode writes nothing until the last blinded chunk,
    /// then all evaluated chunks, shuffled.
    /// </summary>
    /// <exception cref="PsiException">The chunk is malformed, of another session, out of order, beyond the announced size,
    /// or holds an element that is not a valid ristretto255 encoding or is the identity.</exception>
    /// <exception cref="InvalidOperationException">The session already failed or is complete.</exception>
    public void Evaluate(ReadOnlySpan<byte> frame, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (_failed || IsComplete)
        {
            throw new InvalidOperationException(_failed ? "The session failed." : "The session is complete.");
        }

        try
        {
            EvaluateChunk(frame, output);
        }
        catch (PsiException)
        {
            _failed = true;
            _shuffle = null;
            throw;
        }
    }

    private void EvaluateChunk(ReadOnlySpan<byte> frame, IBufferWriter<byte> output)
    {
        PsiChunkHeader header = PsiChunk.ReadWhole(frame, out ReadOnlySpan<byte> payload);
        CheckHeader(header, PsiChunkKind.Blinded, SessionId, _nextSequence, _received, InitiatorSetSize);
        _nextSequence++;
        int offset = _received;
        _received += header.Count;

        byte[] blinded = ArrayPool<byte>.Shared.Rent(payload.Length);
        byte[] evaluated = _mode == PsiMode.Cardinality
            ? _shuffle ??= new byte[InitiatorSetSize * Ristretto255.ElementLength]
            : ArrayPool<byte>.Shared.Rent(payload.Length);
        int target = _mode == PsiMode.Cardinality ? offset * Ristretto255.ElementLength : 0;
        try
        {
            payload.CopyTo(blinded);
            PsiKey key = _set.Key;
            int bad = Batch.Run(header.Count, _options.Parallelism, (start, end) =>
            {
                ReadOnlySpan<byte> scalar = key.Scalar;
                for (int i = start; i < end; i++)
                {
                    if (!Ristretto255.TryMultiply(scalar, blinded.AsSpan(i * Ristretto255.ElementLength, Ristretto255.ElementLength),
                        evaluated.AsSpan(target + (i * Ristretto255.ElementLength), Ristretto255.ElementLength)))
                    {
                        return i;
                    }
                }

                return -1;
            });
            if (bad >= 0)
            {
                ThrowBadElement("blinded", offset + bad);
            }

            if (_mode == PsiMode.Intersection)
            {
                PsiChunk.Write(output, header with { Kind = PsiChunkKind.Evaluated }, evaluated.AsSpan(0, payload.Length));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(blinded);
            if (_mode == PsiMode.Intersection)
            {
                ArrayPool<byte>.Shared.Return(evaluated);
            }
        }

        if (header.IsLast)
        {
            if (_mode == PsiMode.Cardinality)
            {
                WriteShuffled(output);
            }

            IsComplete = true;
        }
    }

    private void WriteShuffled(IBufferWriter<byte> output)
    {
        byte[] all = _shuffle ?? [];
        int count = InitiatorSetSize;
        Span<byte> swap = stackalloc byte[Ristretto255.ElementLength];
        // Fisher–Yates with a CSPRNG: the initiator must not be able to tell which answer is whose.
        for (int i = count - 1; i > 0; i--)
        {
            int j = RandomNumberGenerator.GetInt32(i + 1);
            Span<byte> a = all.AsSpan(i * Ristretto255.ElementLength, Ristretto255.ElementLength);
            Span<byte> b = all.AsSpan(j * Ristretto255.ElementLength, Ristretto255.ElementLength);
            a.CopyTo(swap);
            b.CopyTo(a);
            swap.CopyTo(b);
        }

        int sequence = 0;
        int start = 0;
        do
        {
            int n = Math.Min(_options.ChunkSize, count - start);
            PsiChunk.Write(output, new PsiChunkHeader(PsiChunkKind.Evaluated, start + n == count, SessionId, sequence++, n),
                all.AsSpan(start * Ristretto255.ElementLength, n * Ristretto255.ElementLength));
            start += n;
        }
        while (start < count);
        _shuffle = null;
    }

    /// <summary>The checks every received chunk passes: kind, session, order, size, and the last flag exactly at the end.</summary>
    internal static void CheckHeader(PsiChunkHeader header, PsiChunkKind kind, PsiSessionId sessionId, int sequence, long received, long total)
    {
        if (header.Kind != kind)
        {
            Throw($"expected a {kind} chunk, got {header.Kind}", received);
        }

        if (header.SessionId != sessionId)
        {
            Throw($"the chunk belongs to session {header.SessionId}, not {sessionId}", received);
        }

        if (header.Sequence != sequence)
        {
            Throw($"expected {kind} chunk {sequence}, got {header.Sequence}", received);
        }

        if (received + header.Count > total)
        {
            Throw($"{kind} chunks carry more than the announced {total} items", received);
        }

        if (header.IsLast != (received + header.Count == total))
        {
            Throw(header.IsLast
                ? $"the last {kind} chunk arrived after {received + header.Count} of {total} items"
                : $"{kind} chunk {sequence} completes the {total} items but is not flagged last", received);
        }

        if (header.Count == 0 && total != 0)
        {
            Throw($"an empty {kind} chunk", received);
        }
    }

    [DoesNotReturn]
    internal static void ThrowBadElement(string what, long index) =>
        throw new PsiException($"{what} element {index} from the peer is not a valid ristretto255 element (a non-canonical encoding or the identity)", index);

    [DoesNotReturn]
    private static void Throw(string message, long position) => throw new PsiException(message, position);
}
