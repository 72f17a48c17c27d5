using System.Text;

namespace Detente.Patterns.Indexing;

/// <summary>
/// Narrows the <c>LIKE</c> and <c>MATCHES</c> entries worth checking for a value: each entry names a literal its
/// matches must contain, and a lookup returns the entries whose literal occurs in the value, plus the entries that have
/// no usable literal ("always check"). Only those need the real <see cref="LikePattern"/> or <see cref="StixRegex"/>.
/// </summary>
/// <remarks>
/// <para>Guarantee: the candidates are a superset of the entries that match (tested as a property). Values are put
/// in Unicode NFC before the search, as LIKE and MATCHES compare them. A case-insensitive literal (from a regex with the
/// <c>i</c> flag) is lower-case ASCII and is searched ignoring ASCII case; a value with non-ASCII text makes every
/// case-insensitive entry a candidate, because .NET's case-insensitive matching also pairs some non-ASCII characters
/// with ASCII letters (K and U+212A KELVIN SIGN).</para>
/// <para>Structure: the literals live in Aho–Corasick automata (one pass over the value finds all of them, whatever
/// their number) arranged as levels of geometrically decreasing size, plus a short list searched directly. An addition
/// goes to the list; a full list becomes the newest level, and the two newest levels are merged (rebuilt) while the
/// newer is over a quarter of the older. A removal only forgets the entry; the automata are rebuilt without removed
/// entries once those make up a third of them. So there are O(log n) levels, each entry takes part in O(log n)
/// rebuilds in all, and no change costs a full rebuild except that purge, amortized over a third of the entries.
/// Bench: Patterns/IndexPrefilterBenchmarks.PrefilterCandidates.</para>
/// <para>Lookups are read-only and may run in parallel while nothing is added or removed.</para>
/// </remarks>
public sealed class SubstringPrefilter
{
    private const int TailLimit = 32;
    private const int LevelRatio = 4;
    private const int RebuildMinimum = 256;

    private readonly Dictionary<int, EntryInfo> _entries = [];
    private readonly List<int> _alwaysCheck = [];
    private readonly List<TierItem> _tail = [];
    private readonly List<Tier> _levels = []; // oldest (largest) first; each at most a quarter of the one before
    private int _version;
    private int _deadInTiers;
    private int _deferring;

    /// <summary>Creates a prefilter.</summary>
    /// <param name="minLiteralBytes">Literals shorter than this (in UTF-8 bytes) are not worth searching for: such entries are always checked. Default 3.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="minLiteralBytes"/> is below 1.</exception>
    public SubstringPrefilter(int minLiteralBytes = 3)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(minLiteralBytes, 1);
        MinLiteralBytes = minLiteralBytes;
    }

    /// <summary>The shortest literal searched for; shorter ones make their entry always checked.</summary>
    public int MinLiteralBytes { get; }

    /// <summary>The number of entries.</summary>
    public int Count => _entries.Count;

    /// <summary>The number of entries without a usable literal, returned by every lookup.</summary>
    public int AlwaysCheckCount => _alwaysCheck.Count;

    /// <summary>The bytes held by the automata and the entry table (an estimate of the table's share).</summary>
    public long MemoryBytes
    {
        get
        {
            long bytes = _levels.Sum(static l => l.MemoryBytes) + (_alwaysCheck.Capacity * 4L);
            foreach (EntryInfo info in _entries.Values)
            {
                bytes += 48 + (info.Literal?.Length ?? 0);
            }

            return bytes;
        }
    }

    /// <summary>Adds a LIKE entry with the pattern's <see cref="LikePattern.RequiredLiteral"/>.</summary>
    /// <returns>False when <paramref name="entry"/> is already present (nothing changes).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="entry"/> is not a valid id (<see cref="IndexEntry"/>).</exception>
    public bool Add(int entry, LikePattern pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        return Add(entry, pattern.RequiredLiteral, ignoreAsciiCase: false);
    }

    /// <summary>Adds a MATCHES entry with the expression's <see cref="StixRegex.RequiredLiteral"/>.</summary>
    /// <returns>False when <paramref name="entry"/> is already present (nothing changes).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="entry"/> is not a valid id (<see cref="IndexEntry"/>).</exception>
    public bool Add(int entry, StixRegex regex)
    {
        ArgumentNullException.ThrowIfNull(regex);
        return Add(entry, regex.RequiredLiteral, regex.RequiredLiteralIgnoresCase);
    }

    /// <summary>Adds an entry whose matches all contain <paramref name="literal"/> (UTF-8, in NFC).</summary>
    /// <param name="entry">The entry id.</param>
    /// <param name="literal">The required literal; empty or shorter than <see cref="MinLiteralBytes"/> makes the entry always checked.</param>
    /// <param name="ignoreAsciiCase">The literal is lower-case and may occur in any ASCII case.</param>
    /// <returns>False when <paramref name="entry"/> is already present (nothing changes).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="entry"/> is not a valid id (<see cref="IndexEntry"/>).</exception>
    public bool Add(int entry, ReadOnlySpan<byte> literal, bool ignoreAsciiCase)
    {
        IndexEntry.Check(entry);
        if (_entries.ContainsKey(entry))
        {
            return false;
        }

        int version = ++_version;
        if (literal.Length < MinLiteralBytes)
        {
            _entries.Add(entry, new EntryInfo(null, false, version, _alwaysCheck.Count));
            _alwaysCheck.Add(entry);
            return true;
        }

        byte[] stored = literal.ToArray();
        if (ignoreAsciiCase)
        {
            Ascii.ToLowerInPlace(stored, out _);
        }

        _entries.Add(entry, new EntryInfo(stored, ignoreAsciiCase, version, -1));
        _tail.Add(new TierItem(stored, ignoreAsciiCase, entry, version));
        if (_tail.Count > TailLimit && _deferring == 0)
        {
            MergeTail();
        }

        return true;
    }

    /// <summary>
    /// Defers merging until the returned scope is disposed, so that a batch of additions (the compile step's initial
    /// load) builds its automaton once instead of level by level.
    /// </summary>
    /// <remarks>Lookups during the batch stay correct, but search the batch's literals one by one. Scopes nest.</remarks>
    public IDisposable DeferMerges()
    {
        _deferring++;
        return new DeferScope(this);
    }

    /// <summary>Removes an entry.</summary>
    /// <returns>False when it is not present.</returns>
    public bool Remove(int entry)
    {
        if (!_entries.Remove(entry, out EntryInfo info))
        {
            return false;
        }

        if (info.Literal is null)
        {
            // Swap-remove from the always-check list, keeping the moved entry's position right.
            int last = _alwaysCheck[^1];
            _alwaysCheck[info.AlwaysCheckIndex] = last;
            _alwaysCheck.RemoveAt(_alwaysCheck.Count - 1);
            if (last != entry)
            {
                _entries[last] = _entries[last] with { AlwaysCheckIndex = info.AlwaysCheckIndex };
            }

            return true;
        }

        int inTail = _tail.FindIndex(item => item.Entry == entry && item.Version == info.Version);
        if (inTail >= 0)
        {
            _tail.RemoveAt(inTail);
            return true;
        }

        _deadInTiers++;
        if (_deadInTiers > RebuildMinimum && _deadInTiers * 3L > _levels.Sum(static l => (long)l.ItemCount))
        {
            RebuildAll();
        }

        return true;
    }

    /// <summary>Appends to <paramref name="candidates"/> every entry that may match <paramref name="utf8Value"/>, each once.</summary>
    /// <remarks>
    /// Always-check entries first, then the rest in ascending id order. Allocation-free for values in NFC (ASCII
    /// always is). Bench: Patterns/IndexPrefilterBenchmarks.PrefilterCandidates.
    /// </remarks>
    public void Candidates(ReadOnlySpan<byte> utf8Value, HitBuffer candidates)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        candidates.AddRange(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_alwaysCheck));
        int start = candidates.Count;
        ReadOnlySpan<byte> value = TextNormalization.ToNfc(utf8Value);
        bool ascii = Ascii.IsValid(value);
        foreach (Tier level in _levels)
        {
            level.Scan(value, ascii, _entries, candidates);
        }
        foreach (TierItem item in _tail)
        {
            bool found = !item.IgnoreCase
                ? value.IndexOf(item.Literal) >= 0
                : !ascii || ContainsIgnoreAsciiCase(value, item.Literal);
            if (found && IsLive(_entries, item.Entry, item.Version))
            {
                candidates.Add(item.Entry);
            }
        }

        candidates.SortAndDeduplicateFrom(start);
    }

    private static bool IsLive(Dictionary<int, EntryInfo> entries, int entry, int version) =>
        entries.TryGetValue(entry, out EntryInfo info) && info.Version == version;

    private static bool ContainsIgnoreAsciiCase(ReadOnlySpan<byte> value, ReadOnlySpan<byte> lowerLiteral)
    {
        for (int i = 0; i + lowerLiteral.Length <= value.Length; i++)
        {
            if (Ascii.EqualsIgnoreCase(value.Slice(i, lowerLiteral.Length), lowerLiteral))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Turns the full list into the newest level, then merges the two newest levels while the newer one has grown
    /// past a quarter of the older: levels shrink geometrically, so there are O(log n) of them and each entry is
    /// rebuilt O(log n) times in all.
    /// </summary>
    private void MergeTail()
    {
        _levels.Add(Tier.Build(_tail));
        _tail.Clear();
        while (_levels.Count >= 2 && (long)_levels[^1].ItemCount * LevelRatio >= _levels[^2].ItemCount)
        {
            Tier newer = _levels[^1];
            Tier older = _levels[^2];
            List<TierItem> items = older.LiveItems(_entries);
            items.AddRange(newer.LiveItems(_entries));
            _deadInTiers -= older.ItemCount + newer.ItemCount - items.Count; // the removed entries they still held
            _levels.RemoveAt(_levels.Count - 1);
            _levels[^1] = Tier.Build(items);
        }
    }

    private void RebuildAll()
    {
        var items = new List<TierItem>(_entries.Count);
        foreach (KeyValuePair<int, EntryInfo> pair in _entries)
        {
            if (pair.Value.Literal is byte[] literal)
            {
                items.Add(new TierItem(literal, pair.Value.IgnoreCase, pair.Key, pair.Value.Version));
            }
        }

        _levels.Clear();
        if (items.Count > 0)
        {
            _levels.Add(Tier.Build(items));
        }

        _tail.Clear();
        _deadInTiers = 0;
    }

    private void EndDeferring()
    {
        if (--_deferring == 0 && _tail.Count > TailLimit)
        {
            MergeTail();
        }
    }

    private sealed class DeferScope(SubstringPrefilter owner) : IDisposable
    {
        private SubstringPrefilter? _owner = owner;

        public void Dispose()
        {
            _owner?.EndDeferring();
            _owner = null;
        }
    }

    private readonly record struct EntryInfo(byte[]? Literal, bool IgnoreCase, int Version, int AlwaysCheckIndex);

    private readonly record struct TierItem(byte[] Literal, bool IgnoreCase, int Entry, int Version);

    /// <summary>One or two automata (exact and case-folded) over distinct literals, each literal with its (entry, version) items.</summary>
    private sealed class Tier
    {
        public static readonly Tier Empty = new(null, null, [], [], [], 0);

        private readonly AhoCorasick? _exact;
        private readonly AhoCorasick? _folded;
        private readonly int[] _start;     // pattern p's items are [_start[p], _start[p + 1]); exact patterns first
        private readonly int[] _entry;
        private readonly int[] _version;

        private Tier(AhoCorasick? exact, AhoCorasick? folded, int[] start, int[] entry, int[] version, int exactPatterns)
        {
            _exact = exact;
            _folded = folded;
            _start = start;
            _entry = entry;
            _version = version;
            ExactPatterns = exactPatterns;
        }

        public int ExactPatterns { get; }

        public int ItemCount => _entry.Length;

        public long MemoryBytes => (_exact?.MemoryBytes ?? 0) + (_folded?.MemoryBytes ?? 0) + (_start.Length * 4L) + (_entry.Length * 8L);

        public static Tier Build(List<TierItem> items)
        {
            if (items.Count == 0)
            {
                return Empty;
            }

            // Sort by (case mode, literal): exact literals first, equal literals adjacent, each group already in
            // the order the automaton is built in.
            TierItem[] sorted = items.ToArray();
            Array.Sort(sorted, static (a, b) => a.IgnoreCase != b.IgnoreCase
                ? a.IgnoreCase.CompareTo(b.IgnoreCase)
                : a.Literal.AsSpan().SequenceCompareTo(b.Literal));
            var literals = new List<byte[]>();
            var start = new List<int>();
            int[] entries = new int[sorted.Length];
            int[] versions = new int[sorted.Length];
            int exactCount = 0;
            for (int i = 0; i < sorted.Length; i++)
            {
                TierItem item = sorted[i];
                if (i == 0 || item.IgnoreCase != sorted[i - 1].IgnoreCase || !item.Literal.AsSpan().SequenceEqual(sorted[i - 1].Literal))
                {
                    start.Add(i);
                    literals.Add(item.Literal);
                    exactCount += item.IgnoreCase ? 0 : 1;
                }

                entries[i] = item.Entry;
                versions[i] = item.Version;
            }

            start.Add(sorted.Length);
            int foldedCount = literals.Count - exactCount;
            AhoCorasick? exact = exactCount > 0 ? AhoCorasick.BuildSorted(literals.GetRange(0, exactCount)) : null;
            AhoCorasick? folded = foldedCount > 0 ? AhoCorasick.BuildSorted(literals.GetRange(exactCount, foldedCount)) : null;
            return new Tier(exact, folded, start.ToArray(), entries, versions, exactCount);
        }

        public List<TierItem> LiveItems(Dictionary<int, EntryInfo> entries)
        {
            var items = new List<TierItem>(_entry.Length);
            for (int p = 0; p + 1 < _start.Length; p++)
            {
                for (int i = _start[p]; i < _start[p + 1]; i++)
                {
                    if (entries.TryGetValue(_entry[i], out EntryInfo info) && info.Version == _version[i])
                    {
                        items.Add(new TierItem(info.Literal!, info.IgnoreCase, _entry[i], _version[i]));
                    }
                }
            }

            return items;
        }

        public void Scan(ReadOnlySpan<byte> value, bool ascii, Dictionary<int, EntryInfo> entries, HitBuffer hits)
        {
            if (_exact is not null)
            {
                var reporter = new Reporter(this, 0, entries, hits);
                _exact.Scan(value, foldAsciiCase: false, ref reporter);
            }

            if (_folded is not null)
            {
                if (ascii)
                {
                    var reporter = new Reporter(this, ExactPatterns, entries, hits);
                    _folded.Scan(value, foldAsciiCase: true, ref reporter);
                }
                else
                {
                    // Non-ASCII text may match an ASCII letter case-insensitively (K and U+212A): report them all.
                    for (int p = ExactPatterns; p + 1 < _start.Length; p++)
                    {
                        ReportPattern(p, entries, hits);
                    }
                }
            }
        }

        private void ReportPattern(int pattern, Dictionary<int, EntryInfo> entries, HitBuffer hits)
        {
            for (int i = _start[pattern]; i < _start[pattern + 1]; i++)
            {
                if (IsLive(entries, _entry[i], _version[i]))
                {
                    hits.Add(_entry[i]);
                }
            }
        }

        private struct Reporter(Tier tier, int offset, Dictionary<int, EntryInfo> entries, HitBuffer hits) : IPatternReporter
        {
            private int _last = -1;

            public void Report(int pattern)
            {
                // A literal found again (at a later position) adds nothing new.
                if (pattern != _last)
                {
                    _last = pattern;
                    tier.ReportPattern(pattern + offset, entries, hits);
                }
            }
        }
    }
}
