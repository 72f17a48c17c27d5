using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Detente.Psi;

/// <summary>
/// The initiator's side of one session: blinds its elements chunk by chunk, unblinds the responder's answers into
/// tags, reads the responder's tags (or their Golomb-compressed set) and compares.
/// </summary>
/// <remarks>
/// Intersection mode blinds each element either additively with precomputed <see cref="PsiBlinds"/> (H(x) + r·B,
/// unblinded with − r·K: no scalar multiplication online) or multiplicatively with its own random scalar (RFC 9497
/// Blind), keeping the inverses of the chunks not yet answered (32 bytes per element in flight). Cardinality mode blinds every element with one scalar,
/// since the answers come back shuffled. Memory besides the elements: 16 bytes per element for its tag and 16 per
/// responder tag (or the compressed set, about (P + 1.5) bits per responder element).
/// </remarks>
public sealed class PsiInitiatorSession
{
    private readonly Oprf _oprf;
    private readonly PsiMode _mode;
    private readonly PsiOptions _options;
    private readonly PsiElement[] _inputs;
    private readonly int _realCount;
    private readonly UInt128[] _tags;
    private readonly Dictionary<int, byte[]> _inverses = [];
    private readonly byte[] _blind = new byte[Ristretto255.ScalarLength];
    private readonly byte[] _inverse = new byte[Ristretto255.ScalarLength];
    private readonly int _responderSetSize;
    private readonly PsiBlinds? _additive;
    private readonly int _additiveOffset;
    private readonly PsiBlindedSet? _blindedSet;
    private int _blindSequence;
    private int _sent;
    private int _evaluatedSequence;
    private int _evaluated;
    private int _responderSequence;
    private int _responderItems;
    private PsiChunkKind? _responderKind;
    private bool _responderDone;
    private UInt128[]? _responderTags;
    private ArrayBufferWriter<byte>? _filter;
    private bool _failed;

    /// <summary>Starts a session with a per-session key: the key context is the session id.</summary>
    /// <inheritdoc cref="PsiInitiatorSession(PsiSessionId, PsiSessionId, PsiMode, IReadOnlyList{PsiElement}, int, PsiOptions?)"/>
    public PsiInitiatorSession(PsiSessionId sessionId, PsiMode mode, IReadOnlyList<PsiElement> elements, int responderSetSize, PsiOptions? options = null)
        : this(sessionId, sessionId, mode, elements, responderSetSize, options)
    {
    }

    /// <summary>Starts a session.</summary>
    /// <param name="sessionId">The session id; every chunk in and out carries it.</param>
    /// <param name="keyContext">The responder's key context (the DST names it): the session id, or its key epoch id.</param>
    /// <param name="mode">What the initiator will learn.</param>
    /// <param name="elements">The initiator's set; duplicates are removed.</param>
    /// <param name="responderSetSize">The responder's announced (padded) set size.</param>
    /// <param name="options">Limits, padding and tuning.</param>
    /// <exception cref="PsiException">A set is larger than <see cref="PsiOptions.MaxSetSize"/>.</exception>
    public PsiInitiatorSession(PsiSessionId sessionId, PsiSessionId keyContext, PsiMode mode, IReadOnlyList<PsiElement> elements, int responderSetSize,
        PsiOptions? options = null)
        : this(sessionId, keyContext, mode, DistinctAndPadded(elements, options ?? new PsiOptions(), out int realCount), realCount, responderSetSize, options)
    {
    }

    /// <summary>
    /// Starts an intersection-mode session over a set blinded ahead of it (<see cref="PsiBlindedSet"/>): the online blind
    /// sends the precomputed blinded elements, and each answer is unblinded with one subtraction.
    /// </summary>
    /// <param name="sessionId">The session id; every chunk in and out carries it.</param>
    /// <param name="set">The initiator's set, blinded for the responder's public key and key epoch; a set serves one session.</param>
    /// <param name="responderSetSize">The responder's announced (padded) set size.</param>
    /// <param name="options">Limits and tuning (the set's padding was fixed when it was blinded).</param>
    /// <exception cref="PsiException">The responder's set is larger than <see cref="PsiOptions.MaxSetSize"/>, or
    /// <paramref name="set"/> already served a session.</exception>
    /// <remarks>The caller checks that <see cref="PsiBlindedSet.ResponderPublicKey"/> is the key the responder announced
    /// for the session and <see cref="PsiBlindedSet.KeyContext"/> its key epoch; otherwise the result is empty, not a leak.</remarks>
    public PsiInitiatorSession(PsiSessionId sessionId, PsiBlindedSet set, int responderSetSize, PsiOptions? options = null)
        : this(sessionId, (set ?? throw new ArgumentNullException(nameof(set))).KeyContext, PsiMode.Intersection, set.Inputs, set.RealCount,
            responderSetSize, options)
    {
        set.Take();
        _blindedSet = set;
    }

    private PsiInitiatorSession(PsiSessionId sessionId, PsiSessionId keyContext, PsiMode mode, PsiElement[] inputs, int realCount, int responderSetSize,
        PsiOptions? options)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(responderSetSize);
        _options = options ?? new PsiOptions();
        if (inputs.Length > _options.MaxSetSize || responderSetSize > _options.MaxSetSize)
        {
            throw new PsiException($"A set is larger than the limit of {_options.MaxSetSize}.");
        }

        _inputs = inputs;
        _realCount = realCount;
        SessionId = sessionId;
        _oprf = Oprf.ForDetente(keyContext);
        _mode = mode;
        _responderSetSize = responderSetSize;
        _tags = new UInt128[inputs.Length];
        if (mode == PsiMode.Cardinality)
        {
            Ristretto255.RandomScalar(_blind);
            Ristretto255.Invert(_blind, _inverse);
        }
    }

    /// <summary>
    /// The distinct elements in the caller's order (first occurrence of each), then random dummies up to
    /// <see cref="PsiOptions.PadTo"/>; what a session sends, and what <see cref="PsiBlindedSet"/> blinds ahead of one.
    /// </summary>
    /// <exception cref="PsiException">The set, or its padding, is larger than <see cref="PsiOptions.MaxSetSize"/>.</exception>
    internal static PsiElement[] DistinctAndPadded(IReadOnlyList<PsiElement> elements, PsiOptions options, out int realCount)
    {
        ArgumentNullException.ThrowIfNull(elements);
        var distinct = new HashSet<PsiElement>(elements);
        if (distinct.Count > options.MaxSetSize)
        {
            throw new PsiException($"A set is larger than the limit of {options.MaxSetSize}.");
        }

        realCount = 0;
        int size = Math.Max(distinct.Count, options.PadTo);
        if (size > options.MaxSetSize)
        {
            throw new PsiException($"Padding to {size} exceeds the limit of {options.MaxSetSize}.");
        }

        var inputs = new PsiElement[size];
        foreach (PsiElement element in elements)
        {
            // Keep the caller's order, first occurrence of each element.
            if (distinct.Remove(element))
            {
                inputs[realCount++] = element;
            }
        }

        for (int i = realCount; i < size; i++)
        {
            // "pad" is no element type, so a dummy never equals a real element of either side.
            inputs[i] = PsiElement.FromCanonicalBytes(Encoding.ASCII.GetBytes($"pad:{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))}"));
        }

        return inputs;
    }

    /// <summary>
    /// Starts an intersection-mode session with additive blinding: each element is blinded with the next unused pair of
    /// <paramref name="blinds"/>, computed for the responder's public key of this key epoch.
    /// </summary>
    /// <param name="sessionId">The session id; every chunk in and out carries it.</param>
    /// <param name="keyContext">The responder's key epoch id (the DST names it).</param>
    /// <param name="elements">The initiator's set; duplicates are removed.</param>
    /// <param name="responderSetSize">The responder's announced (padded) set size.</param>
    /// <param name="blinds">Pairs (r·B, r·K) for the responder's key K; the session takes <see cref="SetSize"/> of them.</param>
    /// <param name="options">Limits, padding and tuning.</param>
    /// <exception cref="PsiException">A set is larger than <see cref="PsiOptions.MaxSetSize"/>, or too few blinds remain.</exception>
    /// <remarks>The caller checks that <see cref="PsiBlinds.ResponderPublicKey"/> is the key the responder announced for
    /// the session; with another key the result is empty, not a leak.</remarks>
    public PsiInitiatorSession(PsiSessionId sessionId, PsiSessionId keyContext, IReadOnlyList<PsiElement> elements, int responderSetSize, PsiBlinds blinds,
        PsiOptions? options = null)
        : this(sessionId, keyContext, PsiMode.Intersection, elements, responderSetSize, options)
    {
        ArgumentNullException.ThrowIfNull(blinds);
        _additiveOffset = blinds.Take(_inputs.Length);
        _additive = blinds;
    }

    /// <summary>The session id.</summary>
    public PsiSessionId SessionId { get; }

    /// <summary>How this session blinds its elements.</summary>
    public PsiBlinding Blinding => _additive is null && _blindedSet is null ? PsiBlinding.Multiplicative : PsiBlinding.Additive;

    /// <summary>The set size the responder sees (after removing duplicates and padding).</summary>
    public int SetSize => _inputs.Length;

    /// <summary>Every evaluated chunk and the responder's last chunk have been read, and nothing failed.</summary>
    public bool CanComplete => !_failed && _evaluated == _inputs.Length && _responderDone;

    /// <summary>
    /// Writes the next <see cref="PsiChunkKind.Blinded"/> chunk; false when all have been written. An empty set
    /// writes one empty chunk flagged last.
    /// </summary>
    public bool TryWriteBlinded(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        ThrowIfFailed();
        if (_sent == _inputs.Length && (_blindSequence > 0 || _inputs.Length > 0))
        {
            return false;
        }

        int offset = _sent;
        int count = Math.Min(_options.ChunkSize, _inputs.Length - offset);
        if (_blindedSet is not null)
        {
            // Blinded ahead of the session: the online blind is a copy.
            _blindedSet.ThrowIfDisposed();
            PsiChunk.Write(output, new PsiChunkHeader(PsiChunkKind.Blinded, offset + count == _inputs.Length, SessionId, _blindSequence++, count),
                _blindedSet.Blinded(offset, count));
            _sent += count;
            return true;
        }

        byte[] blinded = new byte[count * Ristretto255.ElementLength];
        bool multiplicative = _mode == PsiMode.Intersection && _additive is null;
        byte[]? inverses = multiplicative ? new byte[count * Ristretto255.ScalarLength] : null;
        byte[]? blinds = multiplicative ? new byte[count * Ristretto255.ScalarLength] : null;
        PsiElement[] inputs = _inputs;
        Oprf oprf = _oprf;
        byte[] sessionBlind = _blind;
        PsiBlinds? additive = _additive;
        int pair = _additiveOffset + offset;
        int bad = Batch.Run(count, _options.Parallelism, (start, end) =>
        {
            if (additive is not null)
            {
                Span<byte> point = stackalloc byte[Ristretto255.ElementLength];
                for (int i = start; i < end; i++)
                {
                    oprf.HashToGroup(inputs[offset + i].Utf8, point);
                    if (!Ristretto255.TryAdd(point, additive.Mask(pair + i), blinded.AsSpan(i * Ristretto255.ElementLength, Ristretto255.ElementLength)))
                    {
                        return i;
                    }
                }

                return -1;
            }

            Span<byte> hashed = stackalloc byte[Ristretto255.ElementLength];
            for (int i = start; i < end; i++)
            {
                Span<byte> blind = blinds is null ? sessionBlind : blinds.AsSpan(i * Ristretto255.ScalarLength, Ristretto255.ScalarLength);
                if (blinds is not null)
                {
                    Ristretto255.RandomScalar(blind);
                }

                oprf.HashToGroup(inputs[offset + i].Utf8, hashed);
                if (!Ristretto255.TryMultiply(blind, hashed, blinded.AsSpan(i * Ristretto255.ElementLength, Ristretto255.ElementLength)))
                {
                    return i;
                }
            }

            if (blinds is not null)
            {
                InvertAll(blinds, inverses!, start, end);
            }

            return -1;
        });
        if (blinds is not null)
        {
            CryptographicOperations.ZeroMemory(blinds);
        }

        additive?.WipeMasks(pair, count);
        if (bad >= 0)
        {
            _failed = true;
            throw new PsiException($"Element {offset + bad} hashes to the identity element (or its blinded form is the identity).", offset + bad);
        }

        if (inverses is not null)
        {
            _inverses[_blindSequence] = inverses;
        }

        PsiChunk.Write(output, new PsiChunkHeader(PsiChunkKind.Blinded, offset + count == _inputs.Length, SessionId, _blindSequence++, count), blinded);
        _sent += count;
        return true;
    }

    /// <summary>Reads one <see cref="PsiChunkKind.Evaluated"/> chunk from the responder and turns its elements into tags.</summary>
    /// <exception cref="PsiException">The chunk is malformed, of another session, out of order, answers a chunk not sent,
    /// or holds an element that is not a valid ristretto255 encoding or is the identity.</exception>
    public void ReadEvaluated(ReadOnlySpan<byte> frame)
    {
        ThrowIfFailed();
        try
        {
            PsiChunkHeader header = PsiChunk.ReadWhole(frame, out ReadOnlySpan<byte> payload);
            PsiResponderSession.CheckHeader(header, PsiChunkKind.Evaluated, SessionId, _evaluatedSequence, _evaluated, _inputs.Length);
            byte[]? inverses = null;
            _blindedSet?.ThrowIfDisposed();
            if (_mode == PsiMode.Intersection && _additive is null && _blindedSet is null)
            {
                if (!_inverses.Remove(header.Sequence, out inverses) || inverses.Length != header.Count * Ristretto255.ScalarLength)
                {
                    throw new PsiException($"evaluated chunk {header.Sequence} does not answer a blinded chunk of {header.Count} elements", _evaluated);
                }
            }
            else if (_evaluated + header.Count > _sent)
            {
                throw new PsiException("evaluated elements arrived for blinded elements not yet sent", _evaluated);
            }

            int offset = _evaluated;
            // The pieces below run on other threads, which cannot capture a span: a pooled copy, returned at the end.
            byte[] evaluated = ArrayPool<byte>.Shared.Rent(payload.Length);
            payload.CopyTo(evaluated);
            PsiElement[] inputs = _inputs;
            UInt128[] tags = _tags;
            byte[] sessionInverse = _inverse;
            PsiMode mode = _mode;
            PsiBlinds? additive = _additive;
            PsiBlindedSet? blindedSet = _blindedSet;
            int pair = _additiveOffset + offset;
            int bad = Batch.Run(header.Count, _options.Parallelism, (start, end) =>
            {
                Span<byte> unblinded = stackalloc byte[Ristretto255.ElementLength];
                for (int i = start; i < end; i++)
                {
                    if (additive is not null || blindedSet is not null)
                    {
                        // E − r·K = k·H(x); the identity (whose encoding is all zeros) is refused as from any peer.
                        ReadOnlySpan<byte> answer = evaluated.AsSpan(i * Ristretto255.ElementLength, Ristretto255.ElementLength);
                        ReadOnlySpan<byte> unmask = additive is not null ? additive.Unmask(pair + i) : blindedSet!.Unmask(offset + i);
                        if (Ristretto255.IsZero(answer) || !Ristretto255.TrySubtract(answer, unmask, unblinded))
                        {
                            return i;
                        }

                        tags[offset + i] = PsiTags.Intersection(inputs[offset + i].Utf8, unblinded);
                        continue;
                    }

                    ReadOnlySpan<byte> inverse = inverses is null ? sessionInverse : inverses.AsSpan(i * Ristretto255.ScalarLength, Ristretto255.ScalarLength);
                    if (!Ristretto255.TryMultiply(inverse, evaluated.AsSpan(i * Ristretto255.ElementLength, Ristretto255.ElementLength), unblinded))
                    {
                        return i;
                    }

                    tags[offset + i] = mode == PsiMode.Intersection
                        ? PsiTags.Intersection(inputs[offset + i].Utf8, unblinded)
                        : PsiTags.Cardinality(unblinded);
                }

                return -1;
            });
            ArrayPool<byte>.Shared.Return(evaluated);
            if (inverses is not null)
            {
                CryptographicOperations.ZeroMemory(inverses);
            }

            additive?.WipeUnmasks(pair, header.Count);
            blindedSet?.WipeUnmasks(offset, header.Count);
            if (bad >= 0)
            {
                PsiResponderSession.ThrowBadElement("evaluated", offset + bad);
            }

            _evaluatedSequence++;
            _evaluated += header.Count;
        }
        catch (PsiException)
        {
            _failed = true;
            throw;
        }
    }

    /// <summary>Reads one <see cref="PsiChunkKind.Tags"/> or <see cref="PsiChunkKind.Filter"/> chunk from the responder (one kind per session).</summary>
    /// <exception cref="PsiException">The chunk is malformed, of another session, out of order, of the other kind, or beyond the announced size.</exception>
    public void ReadResponder(ReadOnlySpan<byte> frame)
    {
        ThrowIfFailed();
        try
        {
            PsiChunkHeader header = PsiChunk.ReadWhole(frame, out ReadOnlySpan<byte> payload);
            if (_responderDone)
            {
                throw new PsiException("a responder chunk after the last one", _responderItems);
            }

            _responderKind ??= header.Kind is PsiChunkKind.Tags or PsiChunkKind.Filter
                ? header.Kind
                : throw new PsiException($"expected a Tags or Filter chunk, got {header.Kind}", 0);
            if (_responderKind == PsiChunkKind.Tags)
            {
                PsiResponderSession.CheckHeader(header, PsiChunkKind.Tags, SessionId, _responderSequence, _responderItems, _responderSetSize);
                _responderTags ??= new UInt128[_responderSetSize];
                for (int i = 0; i < header.Count; i++)
                {
                    _responderTags[_responderItems + i] = BinaryPrimitives.ReadUInt128BigEndian(payload.Slice(i * PsiTags.Length, PsiTags.Length));
                }
            }
            else
            {
                // The filter's size is bounded by the responder's set size: with P <= 32, a value costs P + 1 bits plus
                // its share of the unary quotients (at most one bit per element in total, plus one).
                long limit = GolombCodedSet.HeaderLength + (((long)_responderSetSize * 34) / 8) + 8;
                if (header.Kind != PsiChunkKind.Filter || header.SessionId != SessionId || header.Sequence != _responderSequence || _responderItems + header.Count > limit
                    || (header.Count == 0 && !header.IsLast))
                {
                    throw new PsiException($"Filter chunk {header.Sequence} is of another kind or session, out of order, empty, or beyond {limit} bytes", _responderItems);
                }
                _filter ??= new ArrayBufferWriter<byte>();
                _filter.Write(payload);
            }

            _responderSequence++;
            _responderItems += header.Count;
            _responderDone = header.IsLast;
        }
        catch (PsiException)
        {
            _failed = true;
            throw;
        }
    }

    /// <summary>Compares, once every evaluated chunk and the responder's last chunk have been read.</summary>
    /// <exception cref="InvalidOperationException">Chunks are missing.</exception>
    /// <exception cref="PsiException">The responder's filter is malformed or describes another set size.</exception>
    public PsiResult Complete()
    {
        ThrowIfFailed();
        if (_evaluated != _inputs.Length || !_responderDone)
        {
            throw new InvalidOperationException("The session is not complete: evaluated or responder chunks are missing.");
        }

        int compared = _mode == PsiMode.Intersection ? _realCount : _inputs.Length;
        bool[] member = new bool[compared];
        int count;
        double falsePositiveRate = 0;
        if (_responderKind == PsiChunkKind.Tags)
        {
            UInt128[] responder = _responderTags ?? [];
            Array.Sort(responder);
            count = 0;
            for (int i = 0; i < compared; i++)
            {
                if (Array.BinarySearch(responder, _tags[i]) >= 0)
                {
                    member[i] = true;
                    count++;
                }
            }
        }
        else
        {
            ReadOnlySpan<byte> filter = _filter!.WrittenSpan;
            var reader = new GolombCodedSet.Reader(filter);
            if (reader.Count != _responderSetSize)
            {
                _failed = true;
                throw new PsiException($"The filter holds {reader.Count} elements, not the announced {_responderSetSize}.");
            }

            count = GolombCodedSet.Match(filter, _tags.AsSpan(0, compared), member);
            falsePositiveRate = GolombCodedSet.FalsePositiveRate(reader.Count, reader.Bits);
        }

        var common = new List<PsiElement>();
        if (_mode == PsiMode.Intersection)
        {
            for (int i = 0; i < compared; i++)
            {
                if (member[i])
                {
                    common.Add(_inputs[i]);
                }
            }
        }

        return new PsiResult(_mode, count, common, falsePositiveRate);
    }

    /// <summary>Montgomery's batch inversion over [start, end): three scalar products per element and one inversion.</summary>
    private static void InvertAll(byte[] scalars, byte[] inverses, int start, int end)
    {
        const int L = Ristretto255.ScalarLength;
        // inverses[i] = scalars[start] · … · scalars[i]
        scalars.AsSpan(start * L, L).CopyTo(inverses.AsSpan(start * L, L));
        for (int i = start + 1; i < end; i++)
        {
            Ristretto255.Multiply(inverses.AsSpan((i - 1) * L, L), scalars.AsSpan(i * L, L), inverses.AsSpan(i * L, L));
        }

        // No output span aliases an input: libsodium does not promise that in-place products work.
        Span<byte> accumulator = stackalloc byte[L];
        Span<byte> next = stackalloc byte[L];
        Ristretto255.Invert(inverses.AsSpan((end - 1) * L, L), accumulator);
        for (int i = end - 1; i > start; i--)
        {
            // accumulator = (scalars[start] · … · scalars[i])⁻¹, so scalars[i]⁻¹ = accumulator · inverses[i - 1]
            Ristretto255.Multiply(accumulator, scalars.AsSpan(i * L, L), next);
            Ristretto255.Multiply(accumulator, inverses.AsSpan((i - 1) * L, L), inverses.AsSpan(i * L, L));
            next.CopyTo(accumulator);
        }

        accumulator.CopyTo(inverses.AsSpan(start * L, L));
        CryptographicOperations.ZeroMemory(accumulator);
        CryptographicOperations.ZeroMemory(next);
    }

    private void ThrowIfFailed()
    {
        if (_failed)
        {
            throw new InvalidOperationException("The session failed.");
        }
    }
}
