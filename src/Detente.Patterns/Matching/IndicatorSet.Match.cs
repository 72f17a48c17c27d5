using System.Text;
using Detente.Patterns.Evaluation;
using Detente.Patterns.Indexing;
using Detente.Patterns.Observations;
using Detente.Patterns.Telemetry;
using Detente.Stix;
using Detente.Stix.Json;

namespace Detente.Patterns.Matching;

/// <summary>Matching events: flat log lines (fast path) and STIX observations.</summary>
public sealed partial class IndicatorSet
{
    private static readonly string[] s_noIds = [];

    private FlatEventReader? _lastReader;

    /// <summary>
    /// Reads one flat log line with <paramref name="reader"/> and adds a hit to <paramref name="hits"/> for each indicator it
    /// matches (once per indicator).
    /// </summary>
    /// <param name="reader">The reader of the line's format; it must use this set's <see cref="Keys"/>.</param>
    /// <param name="line">The line, without its line break.</param>
    /// <param name="lineNumber">Its one-based number, for hits and errors.</param>
    /// <param name="byteOffset">Its offset in the stream.</param>
    /// <param name="hits">Receives the hits.</param>
    /// <param name="error">Why the line is malformed, or null.</param>
    /// <returns>True when the line was an event; false when it was malformed (then nothing was matched).</returns>
    /// <remarks>
    /// Allocation-free when no anchored or general unit and no multi-observation pattern is involved, and no indicator
    /// hits. Bench: Patterns/MatcherBenchmarks.FlatLines.
    /// </remarks>
    /// <exception cref="ArgumentException"><paramref name="reader"/> uses another key table.</exception>
    public bool MatchFlat(FlatEventReader reader, ReadOnlySpan<byte> line, long lineNumber, long byteOffset, ICollection<IndicatorHit> hits, out TelemetryError? error)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(hits);
        if (!ReferenceEquals(reader.KeyTable, _keys))
        {
            throw new ArgumentException("The reader uses another key table than the set.", nameof(reader));
        }

        if (!ReferenceEquals(reader, _lastReader))
        {
            RefreshKeys(); // a reader interns its keys when it is created
            _lastReader = reader;
        }

        _hits.Clear();
        var sink = new FlatSink(this);
        if (!reader.Read(line, lineNumber, byteOffset, ref sink))
        {
            error = sink.Error;
            _hits.Clear();
            return false;
        }

        error = null;
        FlatEvent flatEvent = sink.Event;
        NextStamp();
        Observation? observation = null;
        foreach (int atom in _hits.AsSpan())
        {
            int unit = _atomUnit[atom];
            if (_unitStamp[unit] != _stamp)
            {
                _unitStamp[unit] = _stamp;
                _matchedUnits.Add(unit);
            }
        }

        // Exact units are answered by the index; anchored and general ones need the observation.
        int matched = _matchedUnits.Count;
        for (int i = 0; i < matched; i++)
        {
            int unit = _matchedUnits[i];
            if ((MatchRoute)_unitRoute[unit] == MatchRoute.Exact || Verify(unit, Build(reader, line, lineNumber, byteOffset, ref observation)))
            {
                UnitMatched(unit, flatEvent.Timestamp, flatEvent.Position, flatEvent.StixTimestamp, hits);
            }
        }

        foreach (int unit in _generalUnits)
        {
            if (_unitStamp[unit] != _stamp && Verify(unit, Build(reader, line, lineNumber, byteOffset, ref observation)))
            {
                _unitStamp[unit] = _stamp;
                UnitMatched(unit, flatEvent.Timestamp, flatEvent.Position, flatEvent.StixTimestamp, hits);
            }
        }

        foreach (int slot in _relevantStreams)
        {
            Feed(slot, Build(reader, line, lineNumber, byteOffset, ref observation), hits);
        }

        _matchedUnits.Clear();
        _relevantStreams.Clear();
        _hits.Clear();
        return true;
    }

    /// <summary>
    /// Reads every line of <paramref name="stream"/> with <paramref name="reader"/> and matches it (<see cref="MatchFlat"/>):
    /// hits and malformed lines are handed to the callbacks as they are found; reading goes on after a malformed line.
    /// </summary>
    /// <param name="reader">The reader of the stream's format; it must use this set's <see cref="Keys"/>.</param>
    /// <param name="stream">JSON lines (LF or CR LF; a UTF-8 byte order mark at the start is skipped; blank lines are skipped).</param>
    /// <param name="onHit">Receives each hit.</param>
    /// <param name="onError">Receives each malformed line, with its line number and byte offset.</param>
    /// <param name="onProgress">When not null, receives the number of lines read so far, every 65,536 lines.</param>
    /// <param name="cancellationToken">Stops the reading.</param>
    /// <returns>The numbers of lines, events and malformed lines.</returns>
    public async Task<FlatReadSummary> MatchFlatAsync(
        FlatEventReader reader,
        Stream stream,
        Action<IndicatorHit> onHit,
        Action<TelemetryError> onError,
        Action<long>? onProgress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(onHit);
        ArgumentNullException.ThrowIfNull(onError);
        using var splitter = new LineSplitter(stream, reader.Options.MaxLineBytes);
        var lines = new MatchLines(this, reader, onHit, onError, onProgress);
        long count = await splitter.ReadAsync(lines, cancellationToken).ConfigureAwait(false);
        return new FlatReadSummary(count, lines.Events, lines.Malformed);
    }

    /// <summary>Matches one STIX observation (an observed-data with its objects) and adds a hit to <paramref name="hits"/> for each indicator it matches.</summary>
    /// <remarks>The objects' values are probed in the indexes; every candidate is verified by the general evaluator.</remarks>
    public void Match(Observation observation, ICollection<IndicatorHit> hits)
    {
        ArgumentNullException.ThrowIfNull(observation);
        ArgumentNullException.ThrowIfNull(hits);
        _hits.Clear();
        foreach (ObservedObject o in observation.Objects)
        {
            if (_keysByType.TryGetValue(o.Type, out List<(FieldKey Key, PropertyPath Path)>? keys))
            {
                foreach ((FieldKey key, PropertyPath path) in keys)
                {
                    Walk(observation, o.Json, path.Steps, 0, _byKey[key.Id]!, key, resolve: false);
                }
            }
        }

        NextStamp();
        foreach (int atom in _hits.AsSpan())
        {
            int unit = _atomUnit[atom];
            if (_unitStamp[unit] != _stamp)
            {
                _unitStamp[unit] = _stamp;
                _matchedUnits.Add(unit);
            }
        }

        foreach (int unit in _matchedUnits)
        {
            if (Verify(unit, observation))
            {
                UnitMatched(unit, observation, hits);
            }
        }

        foreach (int unit in _generalUnits)
        {
            if (_unitStamp[unit] != _stamp && Verify(unit, observation))
            {
                _unitStamp[unit] = _stamp;
                UnitMatched(unit, observation, hits);
            }
        }

        foreach (int slot in _relevantStreams)
        {
            Feed(slot, observation, hits);
        }

        _matchedUnits.Clear();
        _relevantStreams.Clear();
        _hits.Clear();
    }

    private Observation Build(FlatEventReader reader, ReadOnlySpan<byte> line, long lineNumber, long byteOffset, ref Observation? observation) =>
        observation ??= reader.ReadObservation(line, lineNumber, byteOffset).Observation
            ?? throw new InvalidOperationException("The reader refused a line it had read.");

    private bool Verify(int unit, Observation observation)
    {
        ComparisonExpression comparison = _unitComparison[unit]
            ?? ((SimpleObservation)ParseKept(_unitIndicator[unit]).Root).Comparison;
        return _evaluator.Matches(comparison, observation);
    }

    private void UnitMatched(int unit, DateTimeOffset time, SourcePosition position, StixTimestamp stixTime, ICollection<IndicatorHit> hits)
    {
        int slot = _unitIndicator[unit];
        if ((_flags[slot] & FlagStream) != 0)
        {
            MarkRelevant(slot, unit);
        }
        else if (_emitStamp[slot] != _stamp && ValidFor(slot, time, time))
        {
            _emitStamp[slot] = _stamp;
            hits.Add(new IndicatorHit(IdOf(slot), position, stixTime, stixTime, s_noIds));
        }
    }

    private void UnitMatched(int unit, Observation observation, ICollection<IndicatorHit> hits)
    {
        int slot = _unitIndicator[unit];
        if ((_flags[slot] & FlagStream) != 0)
        {
            MarkRelevant(slot, unit);
        }
        else if (_emitStamp[slot] != _stamp && ValidFor(slot, observation.FirstObserved.Value, observation.LastObserved.Value))
        {
            _emitStamp[slot] = _stamp;
            hits.Add(new IndicatorHit(IdOf(slot), observation.Position, observation.FirstObserved, observation.LastObserved,
                observation.Id is null ? s_noIds : [observation.Id]));
        }
    }

    private void MarkRelevant(int slot, int unit)
    {
        StreamState stream = _streams[slot];
        if (_emitStamp[slot] != _stamp)
        {
            _emitStamp[slot] = _stamp;
            _relevantStreams.Add(slot);
            stream.EventLegs = 0;
        }

        stream.EventLegs |= stream.LegBit(unit);
    }

    /// <summary>Gives a multi-observation indicator an observation that satisfies one of its comparison expressions, and reports a hit when the pattern matches.</summary>
    private void Feed(int slot, Observation observation, ICollection<IndicatorHit> hits)
    {
        if (!ValidFor(slot, observation.FirstObserved.Value, observation.LastObserved.Value))
        {
            return;
        }

        StreamState stream = _streams[slot];
        List<Observation> pending = stream.Pending;
        List<ulong> legs = stream.PendingLegs;
        pending.Add(observation);
        legs.Add(stream.EventLegs);
        if (stream.Window is long window)
        {
            stream.Watermark = Math.Max(stream.Watermark, observation.FirstObserved.Value.UtcTicks);
            long horizon = stream.Watermark - window;
            int kept = 0;
            for (int i = 0; i < pending.Count; i++)
            {
                if (pending[i].LastObserved.Value.UtcTicks >= horizon)
                {
                    pending[kept] = pending[i];
                    legs[kept++] = legs[i];
                }
            }

            pending.RemoveRange(kept, pending.Count - kept);
            legs.RemoveRange(kept, legs.Count - kept);
        }

        if (pending.Count > _options.MaxPendingObservations)
        {
            legs.RemoveRange(0, pending.Count - _options.MaxPendingObservations);
            pending.RemoveRange(0, pending.Count - _options.MaxPendingObservations);
        }

        // The evaluator runs only when every leg the pattern needs has an observation kept for it: an observation is
        // kept with the legs (comparison expressions) it satisfied, so a pattern whose legs cannot all be bound cannot
        // match yet. Bench: matcher-throughput (the workload's FOLLOWEDBY indicators).
        ulong seen = 0;
        foreach (ulong l in legs)
        {
            seen |= l;
        }

        int leg = 0;
        if (!CanMatch(stream.Pattern.Root, seen, ref leg) || !_evaluator.Matches(stream.Pattern, pending, out IReadOnlyList<Observation> binding))
        {
            return;
        }

        StixTimestamp first = observation.FirstObserved;
        StixTimestamp last = observation.LastObserved;
        var ids = new List<string>();
        foreach (Observation o in binding.Count > 0 ? binding : [observation])
        {
            first = o.FirstObserved < first ? o.FirstObserved : first;
            last = o.LastObserved > last ? o.LastObserved : last;
            if (o.Id is not null && !ids.Contains(o.Id))
            {
                ids.Add(o.Id);
            }
        }

        hits.Add(new IndicatorHit(IdOf(slot), observation.Position, first, last, ids));
        pending.Clear();
        legs.Clear();
    }

    /// <summary>
    /// Whether the pattern can match when the legs in <paramref name="seen"/> (bit i: the i-th comparison expression in
    /// pre-order) have observations: AND and FOLLOWEDBY need every operand, OR one; qualifiers only restrict. A pattern
    /// with more than 64 legs is always evaluated (every bit set, see <see cref="StreamState.LegBit"/>).
    /// </summary>
    private static bool CanMatch(ObservationExpression expression, ulong seen, ref int leg)
    {
        switch (expression)
        {
            case SimpleObservation:
                int bit = leg++;
                return bit >= 64 || ((seen >> bit) & 1) != 0;
            case QualifiedObservation qualified:
                return CanMatch(qualified.Expression, seen, ref leg);
            case CompoundObservation compound:
                bool any = false;
                bool all = true;
                foreach (ObservationExpression operand in compound.Operands)
                {
                    bool can = CanMatch(operand, seen, ref leg); // every operand is visited: leg numbers are pre-order
                    any |= can;
                    all &= can;
                }

                return compound.Operator == ObservationOperator.Or ? any : all;
            default:
                return true;
        }
    }

    private void NextStamp()
    {
        if (++_stamp == int.MaxValue)
        {
            Array.Clear(_unitStamp);
            Array.Clear(_emitStamp);
            _stamp = 1;
        }
    }

    /// <summary>Probes the index of one field with a value reported by a flat reader. Per field, no allocation.</summary>
    private void Probe(in FlatField field)
    {
        int id = field.Key.Id;
        if ((uint)id >= (uint)_byKey.Length || _byKey[id] is not KeyIndexes indexes)
        {
            return;
        }

        switch (field.Kind)
        {
            case FlatValueKind.Address:
                indexes.Addresses?.Lookup(field.Address, _hits);
                if (indexes.Substrings is { } addressPrefilter)
                {
                    CheckSubstrings(addressPrefilter, field.Utf8);
                }

                break;
            case FlatValueKind.String:
                indexes.Strings?.Lookup(field.Utf8, _hits);
                if (indexes.Substrings is { } prefilter)
                {
                    CheckSubstrings(prefilter, field.Utf8);
                }

                break;
            case FlatValueKind.Integer:
                indexes.Integers?.Lookup(field.Integer, _hits);
                break;
            case FlatValueKind.Number when indexes.Integers is { } integers && Math.Floor(field.Number) == field.Number && Math.Abs(field.Number) <= IntegerConstant.MaxValue:
                integers.Lookup((long)field.Number, _hits); // 80.0 equals 80, as the evaluator compares numbers
                break;
        }
    }

    private void CheckSubstrings(SubstringPrefilter prefilter, ReadOnlySpan<byte> value)
    {
        _candidates.Clear();
        prefilter.Candidates(value, _candidates);
        foreach (int atom in _candidates.AsSpan())
        {
            bool match = _atomCheck[atom] switch
            {
                LikePattern like => like.IsMatch(value),
                StixRegex regex => regex.Match(value) == RegexOutcome.Match,
                _ => false,
            };
            if (match)
            {
                _hits.Add(atom);
            }
        }
    }

    /// <summary>Follows a property path through a STIX object (and the references it names) and probes each value found.</summary>
    private void Walk(Observation observation, JsonValue current, IReadOnlyList<PathStep> steps, int step, KeyIndexes indexes, FieldKey key, bool resolve)
    {
        if (resolve && step < steps.Count)
        {
            if (current is not JsonString reference || observation.Resolve(reference.Value) is not ObservedObject target)
            {
                return;
            }

            current = target.Json;
        }

        if (step == steps.Count)
        {
            ProbeJson(current, indexes, key);
            return;
        }

        PathStep next = steps[step];
        switch (next.Kind)
        {
            case PathStepKind.Property when current is JsonObject o
                && (o.TryGetValue(next.Name!, out JsonValue? member) || (step > 0 && steps[step - 1].Name == "hashes" && (member = ComparisonEvaluator.HashKey(o, next.Name!)) is not null)):
                Walk(observation, member, steps, step + 1, indexes, key, next.Name!.EndsWith("_ref", StringComparison.Ordinal));
                break;
            case PathStepKind.AnyIndex when current is JsonArray items:
                bool refs = step > 0 && steps[step - 1].Name is string list && list.EndsWith("_refs", StringComparison.Ordinal);
                foreach (JsonValue item in items)
                {
                    Walk(observation, item, steps, step + 1, indexes, key, refs);
                }

                break;
        }
    }

    private void ProbeJson(JsonValue value, KeyIndexes indexes, FieldKey key)
    {
        switch (value)
        {
            case JsonString s:
                if (indexes.Addresses is { } addresses && IpPrefix.TryParse(s.Value, out IpPrefix block))
                {
                    addresses.Lookup(block, _hits);
                }

                string normalized = _keys.NormalizeValue(key, s.Value);
                int length = Encoding.UTF8.GetMaxByteCount(normalized.Length);
                if (length > _valueBuffer.Length)
                {
                    _valueBuffer = new byte[Math.Max(length, _valueBuffer.Length * 2)];
                }

                int written = Encoding.UTF8.GetBytes(normalized, _valueBuffer);
                ReadOnlySpan<byte> utf8 = _valueBuffer.AsSpan(0, written);
                indexes.Strings?.Lookup(utf8, _hits);
                indexes.Substrings?.Candidates(utf8, _hits); // candidates only: the evaluator verifies
                break;
            case JsonNumber n when indexes.Integers is { } integers && n.TryGetInt64(out long integer):
                integers.Lookup(integer, _hits);
                break;
        }
    }

    /// <summary>The lines of <see cref="MatchFlatAsync"/>: each matched, hits and errors handed on as they are found.</summary>
    private sealed class MatchLines(IndicatorSet set, FlatEventReader reader, Action<IndicatorHit> onHit, Action<TelemetryError> onError, Action<long>? onProgress)
        : ILineHandler
    {
        private readonly List<IndicatorHit> _hits = [];
        private long _reported;

        public long Events { get; private set; }

        public long Malformed { get; private set; }

        public void OnLine(ReadOnlySpan<byte> line, long lineNumber, long byteOffset)
        {
            Progress(lineNumber);
            if (!set.MatchFlat(reader, line, lineNumber, byteOffset, _hits, out TelemetryError? error))
            {
                Malformed++;
                onError(error!);
                return;
            }

            Events++;
            foreach (IndicatorHit hit in _hits)
            {
                onHit(hit);
            }

            _hits.Clear();
        }

        public void OnTooLong(SourcePosition position)
        {
            Progress(position.LineNumber ?? 0);
            Malformed++;
            onError(reader.TooLong(position));
        }

        /// <summary>Every 65,536 lines (counted once per block, blank lines included).</summary>
        private void Progress(long lineNumber)
        {
            if (onProgress is not null && (lineNumber >> 16) != (_reported >> 16))
            {
                _reported = lineNumber;
                onProgress(lineNumber);
            }
        }
    }

    /// <summary>Receives a flat reader's fields and probes the indexes as they come.</summary>
    private struct FlatSink(IndicatorSet set) : IFlatEventSink
    {
        public FlatEvent Event { get; private set; }

        public TelemetryError? Error { get; private set; }

        public readonly void OnField(in FlatField field) => set.Probe(in field);

        public void OnEvent(in FlatEvent flatEvent) => Event = flatEvent;

        public void OnMalformed(TelemetryError error) => Error = error;
    }
}
