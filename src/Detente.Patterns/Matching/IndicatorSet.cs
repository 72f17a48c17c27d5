using System.Text;
using Detente.Patterns.Indexing;
using Detente.Patterns.Observations;
using Detente.Patterns.Telemetry;
using Detente.Stix;

namespace Detente.Patterns.Matching;

/// <summary>Options of an <see cref="IndicatorSet"/>; each setter rejects nonsense.</summary>
public sealed record IndicatorSetOptions
{
    /// <summary>The defaults documented on each property.</summary>
    public static IndicatorSetOptions Default { get; } = new();

    /// <summary>
    /// The most observations a multi-observation indicator keeps while it waits for the rest of a match; the oldest is
    /// dropped beyond it. Default 1,024.
    /// </summary>
    public int MaxPendingObservations
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 1 << 20);
            field = value;
        }
    } = 1024;

    /// <summary>The clock <see cref="IndicatorSet.RemoveExpired()"/> reads. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider
    {
        get;
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            field = value;
        }
    } = TimeProvider.System;
}

/// <summary>How the compiled matcher handles a comparison expression (the inside of one <c>[…]</c>).</summary>
public enum MatchRoute
{
    /// <summary>Its index hits are the answer for flat log lines: one comparison or an OR of comparisons, each <c>=</c>/<c>IN</c> on strings or integers, <c>ISSUBSET</c> on an address, <c>LIKE</c> or <c>MATCHES</c>.</summary>
    Exact,

    /// <summary>One operand of its AND is indexed; the hits are candidates the general evaluator verifies.</summary>
    Anchored,

    /// <summary>Nothing is indexed; the general evaluator runs it on every event.</summary>
    General,
}

/// <summary>
/// The compiled multi-indicator matcher: indicators compiled into per-field indexes so that the cost of an event does
/// not grow with the number of indicators for the common forms, with the general evaluator for the rest and streaming
/// state for multi-observation patterns. Indicators are added, revoked and expired one at a time, never by a rebuild.
/// </summary>
/// <remarks>
/// <para><b>Routes.</b> Each comparison expression (<c>[…]</c>) of a pattern is a <em>unit</em>: <c>=</c> and <c>IN</c>
/// on strings go to a <see cref="Utf8EqualityIndex"/> (on an address field, constants that are addresses or CIDR
/// blocks go to an <see cref="IpIndex"/>), on integers to an <see cref="Int64EqualityIndex"/>; <c>ISSUBSET</c> on an
/// address to the <see cref="IpIndex"/>; <c>LIKE</c> and <c>MATCHES</c> to a <see cref="SubstringPrefilter"/> whose
/// candidates are checked with <see cref="LikePattern"/> or <see cref="StixRegex"/> (see <see cref="MatchRoute"/>).</para>
/// <para><b>Flat log lines</b> (<see cref="MatchFlat"/>): the reader's fields are probed as they are read, without
/// allocating; exact units are answered from the hits. Only anchored and general units, and multi-observation
/// patterns, build the line's <see cref="Observation"/> for the evaluator. <b>STIX observations</b>
/// (<see cref="Match(Observation, ICollection{IndicatorHit})"/>): the objects' values are probed the same way, and every
/// candidate is verified by the evaluator.</para>
/// <para><b>Multi-observation patterns</b> (observation operators or qualifiers): the observations that satisfy one of
/// the pattern's comparison expressions are kept per indicator; at each new one the evaluator runs the pattern on them,
/// and a match is a hit, after which the kept observations are dropped (a new hit needs new observations). Under a
/// top-level <c>WITHIN</c>, observations ending more than the window before the latest start seen are dropped; at most
/// <see cref="IndicatorSetOptions.MaxPendingObservations"/> are kept (the oldest go first).</para>
/// <para><b>Validity</b> is judged on event times, not on the clock: an observation counts for an indicator when it
/// overlaps [<c>valid_from</c>, <c>valid_until</c>), so old logs are matched against the indicators valid then.
/// <see cref="RemoveExpired()"/> frees indicators whose <c>valid_until</c> has passed on the injected clock.</para>
/// <para>Not thread-safe: one set per stream of events; writers and matching must not overlap.</para>
/// </remarks>
public sealed partial class IndicatorSet
{
    private const byte FlagLive = 1;
    private const byte FlagV20 = 2;
    private const byte FlagStream = 4;

    private readonly FieldKeyTable _keys;
    private readonly IndicatorSetOptions _options;
    private readonly IMatchEvaluator _evaluator;

    // Indicators, by slot.
    private Guid[] _uuid = [];
    private long[] _validFrom = [];
    private long[] _validUntil = [];
    private byte[]?[] _text = [];
    private byte[] _flags = [];
    private int[] _unitOf = [];
    private int[] _generation = [];
    private int[] _emitStamp = [];
    private int _slotHigh;
    private readonly Stack<int> _freeSlots = new();
    private readonly Dictionary<Guid, int> _slotByUuid = [];
    private readonly Dictionary<string, int> _slotByOtherId = new(StringComparer.Ordinal);
    private readonly Dictionary<int, string> _otherId = [];
    private readonly Dictionary<int, StreamState> _streams = [];
    private readonly PriorityQueue<(int Slot, int Generation), long> _expiry = new();

    // Units (comparison expressions), by unit id.
    private int[] _unitIndicator = [];
    private byte[] _unitRoute = [];
    private ComparisonExpression?[] _unitComparison = [];
    private int[] _unitFirstAtom = [];
    private int[] _unitStamp = [];
    private int _unitHigh;
    private readonly Stack<int> _freeUnits = new();
    private readonly List<int> _generalUnits = [];

    // Atoms (index entries), by atom id.
    private int[] _atomUnit = [];
    private int[] _atomNext = [];
    private int _atomHigh;
    private readonly Stack<int> _freeAtoms = new();
    private readonly Dictionary<int, object> _atomCheck = [];

    // Indexes, by field key.
    private KeyIndexes?[] _byKey = [];
    private readonly Dictionary<string, List<(FieldKey Key, PropertyPath Path)>> _keysByType = new(StringComparer.Ordinal);

    // Per-event scratch.
    private readonly HitBuffer _hits = new(64);
    private readonly HitBuffer _candidates = new(64);
    private readonly List<int> _matchedUnits = [];
    private readonly List<int> _relevantStreams = [];
    private int _stamp;
    private byte[] _valueBuffer = new byte[256];
    private BulkLoad? _bulk;

    /// <summary>Creates an empty set whose indexes use <paramref name="keys"/>, the key table the telemetry readers share.</summary>
    /// <param name="keys">The field key table of the readers that will feed this set (create the readers first: see <c>Matching/README.md</c>).</param>
    /// <param name="options">Options; the defaults when null.</param>
    public IndicatorSet(FieldKeyTable keys, IndicatorSetOptions? options = null)
        : this(keys, options, EvaluatorBridge.Instance)
    {
    }

    internal IndicatorSet(FieldKeyTable keys, IndicatorSetOptions? options, IMatchEvaluator evaluator)
    {
        ArgumentNullException.ThrowIfNull(keys);
        _keys = keys;
        _options = options ?? IndicatorSetOptions.Default;
        _evaluator = evaluator;
    }

    /// <summary>The field key table.</summary>
    public FieldKeyTable Keys => _keys;

    /// <summary>The number of indicators held.</summary>
    public int Count => _slotByUuid.Count + _slotByOtherId.Count;

    /// <summary>The number of indicators whose pattern has observation operators or qualifiers (kept with streaming state).</summary>
    public int StreamingCount => _streams.Count;

    /// <summary>The number of comparison expressions the evaluator runs on every event (<see cref="MatchRoute.General"/>).</summary>
    public int GeneralCount => _generalUnits.Count;

    /// <summary>True when the set holds an indicator with <paramref name="id"/>.</summary>
    public bool Contains(string id) => TryFind(id, out _);

    /// <summary>
    /// Adds <paramref name="indicator"/>, replacing an indicator with the same id (a new version). The pattern is compiled
    /// into the indexes; nothing else is rebuilt.
    /// </summary>
    /// <param name="indicator">The indicator.</param>
    /// <returns>True when it was added; false when it replaced one with the same id.</returns>
    public bool Add(Indicator indicator)
    {
        ArgumentNullException.ThrowIfNull(indicator);
        bool replaced = Remove(indicator.Id);
        int slot = NewSlot();
        string id = indicator.Id;
        if (StixId.TryParse(id, out StixId stixId) && stixId.Type == "indicator" && string.Equals(stixId.ToString(), id, StringComparison.Ordinal))
        {
            _uuid[slot] = stixId.Uuid;
            _slotByUuid.Add(stixId.Uuid, slot);
        }
        else
        {
            _uuid[slot] = Guid.Empty;
            _otherId.Add(slot, id);
            _slotByOtherId.Add(id, slot);
        }

        _validFrom[slot] = indicator.ValidFrom?.UtcTicks ?? long.MinValue;
        _validUntil[slot] = indicator.ValidUntil?.UtcTicks ?? long.MaxValue;
        _generation[slot]++;
        Pattern pattern = indicator.Pattern;
        byte flags = FlagLive;
        if (pattern.Version == PatternVersion.V20)
        {
            flags |= FlagV20;
        }

        if (pattern.Root is SimpleObservation simple)
        {
            int unit = CompileUnit(slot, simple.Comparison, keepComparison: false);
            _unitOf[slot] = unit;
            _text[slot] = (MatchRoute)_unitRoute[unit] == MatchRoute.Exact ? Encoding.UTF8.GetBytes(pattern.ToString()) : null;
        }
        else
        {
            flags |= FlagStream;
            _unitOf[slot] = -1;
            _text[slot] = null;
            var legs = new List<ComparisonExpression>();
            CollectLegs(pattern.Root, legs);
            int[] units = new int[legs.Count];
            for (int i = 0; i < units.Length; i++)
            {
                units[i] = CompileUnit(slot, legs[i], keepComparison: true);
            }

            _streams.Add(slot, new StreamState(pattern, units, TopLevelWindow(pattern.Root)));
        }

        _flags[slot] = flags;
        if (indicator.ValidUntil is { } until)
        {
            _expiry.Enqueue((slot, _generation[slot]), until.UtcTicks);
        }

        return !replaced;
    }

    /// <summary>Removes (revokes) the indicator with <paramref name="id"/>: its index entries are removed one by one.</summary>
    /// <returns>False when the set holds no such indicator.</returns>
    public bool Remove(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (!TryFind(id, out int slot))
        {
            return false;
        }

        RemoveSlot(slot);
        return true;
    }

    /// <summary>Removes the indicators whose <c>valid_until</c> is not after <paramref name="now"/>.</summary>
    /// <returns>The number removed.</returns>
    /// <remarks>Cost: logarithmic per indicator removed; indicators that are not due are not looked at.</remarks>
    public int RemoveExpired(DateTimeOffset now)
    {
        int removed = 0;
        long ticks = now.UtcTicks;
        while (_expiry.TryPeek(out (int Slot, int Generation) item, out long until) && until <= ticks)
        {
            _expiry.Dequeue();
            if ((_flags[item.Slot] & FlagLive) != 0 && _generation[item.Slot] == item.Generation)
            {
                RemoveSlot(item.Slot);
                removed++;
            }
        }

        return removed;
    }

    /// <summary>Removes the indicators whose <c>valid_until</c> has passed on the injected clock (<see cref="IndicatorSetOptions.TimeProvider"/>).</summary>
    /// <returns>The number removed.</returns>
    public int RemoveExpired() => RemoveExpired(_options.TimeProvider.GetUtcNow());

    /// <summary>
    /// Defers the merges of the <c>LIKE</c>/<c>MATCHES</c> prefilters until the returned object is disposed, so that a bulk
    /// load builds each automaton once.
    /// </summary>
    /// <exception cref="InvalidOperationException">A bulk load is already under way.</exception>
    public IDisposable BeginBulkLoad()
    {
        if (_bulk is not null)
        {
            throw new InvalidOperationException("A bulk load is already under way.");
        }

        _bulk = new BulkLoad(this);
        foreach (KeyIndexes? k in _byKey)
        {
            if (k?.Substrings is { } prefilter)
            {
                _bulk.Scopes.Add(prefilter.DeferMerges());
            }
        }

        return _bulk;
    }

    /// <summary>The route of each comparison expression of the indicator with <paramref name="id"/>, in pattern order (for diagnostics and tests).</summary>
    /// <exception cref="KeyNotFoundException">The set holds no such indicator.</exception>
    public IReadOnlyList<MatchRoute> RoutesOf(string id)
    {
        if (!TryFind(id, out int slot))
        {
            throw new KeyNotFoundException("The set holds no indicator with that id.");
        }

        if (_streams.TryGetValue(slot, out StreamState? stream))
        {
            return [.. stream.Units.Select(u => (MatchRoute)_unitRoute[u])];
        }

        return [(MatchRoute)_unitRoute[_unitOf[slot]]];
    }

    /// <summary>An estimate of the bytes the indexes hold (tables, key arenas, automata), not counting per-indicator records.</summary>
    public long IndexMemoryBytes
    {
        get
        {
            long bytes = 0;
            foreach (KeyIndexes? k in _byKey)
            {
                if (k is not null)
                {
                    bytes += (k.Strings?.MemoryBytes ?? 0) + (k.Integers?.MemoryBytes ?? 0) + (k.Addresses?.MemoryBytes ?? 0) + (k.Substrings?.MemoryBytes ?? 0);
                }
            }

            return bytes;
        }
    }

    private bool TryFind(string id, out int slot)
    {
        if (StixId.TryParse(id, out StixId stixId) && stixId.Type == "indicator" && string.Equals(stixId.ToString(), id, StringComparison.Ordinal))
        {
            return _slotByUuid.TryGetValue(stixId.Uuid, out slot);
        }

        return _slotByOtherId.TryGetValue(id, out slot);
    }

    private string IdOf(int slot) =>
        _uuid[slot] == Guid.Empty && _otherId.TryGetValue(slot, out string? other) ? other : new StixId("indicator", _uuid[slot]).ToString();

    private bool ValidFor(int slot, DateTimeOffset first, DateTimeOffset last) =>
        first.UtcTicks < _validUntil[slot] && last.UtcTicks >= _validFrom[slot];

    private int NewSlot()
    {
        if (_freeSlots.TryPop(out int slot))
        {
            return slot;
        }

        slot = _slotHigh++;
        if (slot == _uuid.Length)
        {
            int size = Math.Max(16, _uuid.Length * 2);
            Array.Resize(ref _uuid, size);
            Array.Resize(ref _validFrom, size);
            Array.Resize(ref _validUntil, size);
            Array.Resize(ref _text, size);
            Array.Resize(ref _flags, size);
            Array.Resize(ref _unitOf, size);
            Array.Resize(ref _generation, size);
            Array.Resize(ref _emitStamp, size);
        }

        return slot;
    }

    private void RemoveSlot(int slot)
    {
        if (_streams.Remove(slot, out StreamState? stream))
        {
            foreach (int unit in stream.Units)
            {
                RemoveUnit(unit);
            }
        }
        else
        {
            int unit = _unitOf[slot];
            if (_unitComparison[unit] is null)
            {
                // An exact unit keeps no tree: compile its pattern again to find the same index entries.
                _unitComparison[unit] = ((SimpleObservation)ParseKept(slot).Root).Comparison;
            }

            RemoveUnit(unit);
        }

        if (_uuid[slot] == Guid.Empty && _otherId.Remove(slot, out string? other))
        {
            _slotByOtherId.Remove(other);
        }
        else
        {
            _slotByUuid.Remove(_uuid[slot]);
        }

        _flags[slot] = 0;
        _text[slot] = null;
        _unitOf[slot] = -1;
        _freeSlots.Push(slot);
    }

    /// <summary>The pattern of an exact single-observation indicator, parsed again from the text kept for it.</summary>
    private Pattern ParseKept(int slot) =>
        Pattern.Parse(Encoding.UTF8.GetString(_text[slot]!), (_flags[slot] & FlagV20) != 0 ? PatternVersion.V20 : PatternVersion.V21);

    private static void CollectLegs(ObservationExpression expression, List<ComparisonExpression> legs)
    {
        switch (expression)
        {
            case SimpleObservation simple:
                legs.Add(simple.Comparison);
                break;
            case CompoundObservation compound:
                foreach (ObservationExpression operand in compound.Operands)
                {
                    CollectLegs(operand, legs);
                }

                break;
            case QualifiedObservation qualified:
                CollectLegs(qualified.Expression, legs);
                break;
        }
    }

    /// <summary>The WITHIN window of the whole pattern in ticks: its root's last qualifier, when that is WITHIN; otherwise none.</summary>
    private static long? TopLevelWindow(ObservationExpression root)
    {
        if (root is QualifiedObservation { Qualifiers: [.., WithinQualifier within] })
        {
            double ticks = Math.Ceiling(within.Seconds * TimeSpan.TicksPerSecond);
            return ticks < long.MaxValue / 4 ? (long)ticks : null;
        }

        return null;
    }

    private sealed class KeyIndexes
    {
        public Utf8EqualityIndex? Strings { get; set; }

        public Int64EqualityIndex? Integers { get; set; }

        public IpIndex? Addresses { get; set; }

        public SubstringPrefilter? Substrings { get; set; }

        public bool IsAddressKey { get; init; }
    }

    private sealed class StreamState(Pattern pattern, int[] units, long? window)
    {
        public Pattern Pattern { get; } = pattern;

        public int[] Units { get; } = units;

        public long? Window { get; } = window;

        public List<Observation> Pending { get; } = [];

        /// <summary>For each pending observation, the legs it satisfied (bit i: <see cref="Units"/>[i]).</summary>
        public List<ulong> PendingLegs { get; } = [];

        /// <summary>The legs the current event satisfied.</summary>
        public ulong EventLegs { get; set; }

        /// <summary>The bit of a leg's unit; every bit for a pattern of more than 64 legs (which is then always evaluated).</summary>
        public ulong LegBit(int unit)
        {
            int leg = Array.IndexOf(Units, unit);
            return Units.Length > 64 || leg < 0 ? ulong.MaxValue : 1UL << leg;
        }

        public long Watermark { get; set; } = long.MinValue;
    }

    private sealed class BulkLoad(IndicatorSet set) : IDisposable
    {
        private bool _disposed;

        public List<IDisposable> Scopes { get; } = [];

        public void Dispose()
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            set._bulk = null;
            foreach (IDisposable scope in Scopes)
            {
                scope.Dispose();
            }
        }
    }
}
