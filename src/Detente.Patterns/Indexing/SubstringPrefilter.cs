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
/// their number) in two tiers, plus a short list searched directly. An addition goes to the list; a full list is
/// merged into the recent tier (rebuilt), and a recent tier larger than a quarter of the main one is merged into the
/// main tier (rebuilt). A removal only forgets the entry; automata are rebuilt without removed entries once those make
/// up a third of the tiers. Each entry is rebuilt a bounded number of times on average, so additions and removals
/// cost amortized time proportional to the literal, never a full rebuild per change.
/// Bench: Patterns/IndexPrefilterBenchmarks.PrefilterCandidates.</para>
/// <para>Lookups are read-only and may run in parallel while nothing is added or removed.</para>
/// </remarks>
public sealed class SubstringPrefilter
{
    private const int TailLimit = 32;
    private const int RecentMinimum = 256;

    private readonly Dictionary<int, EntryInfo> _entries = [];
    private readonly List<int> _alwaysCheck = [];
    private readonly List<TierItem> _tail = [];
    private Tier _main = Tier.Empty;
    private Tier _recent = Tier.Empty;
    private int _version;
    private int _deadInTiers;

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
            long bytes = _main.MemoryBytes + _recent.MemoryBytes + (_alwaysCheck.Capacity * 4L);
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
        if (_tail.Count > TailLimit)
        {
            MergeTail();
        }

        return true;
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
        if (_deadInTiers > RecentMinimum && _deadInTiers * 3L > _main.ItemCount + _recent.ItemCount)
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
        _main.Scan(value, ascii, _entries, candidates);
        _recent.Scan(value, ascii, _entries, candidates);
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

    private void MergeTail()
    {
        List<TierItem> recent = _recent.LiveItems(_entries);
        if (recent.Count + _tail.Count > Math.Max(RecentMinimum, _main.ItemCount / 4))
        {
            RebuildAll();
            return;
        }

        _deadInTiers -= _recent.ItemCount - recent.Count; // the removed entries the old recent tier still held
        recent.AddRange(_tail);
        _tail.Clear();
        _recent = Tier.Build(recent);
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

        _main = Tier.Build(items);
        _recent = Tier.Empty;
        _tail.Clear();
        _deadInTiers = 0;
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

            // Group items by (case mode, literal); exact literals get the lower pattern numbers.
            var exact = new Dictionary<byte[], List<TierItem>>(ByteArrayComparer.Instance);
            var folded = new Dictionary<byte[], List<TierItem>>(ByteArrayComparer.Instance);
            foreach (TierItem item in items)
            {
                Dictionary<byte[], List<TierItem>> group = item.IgnoreCase ? folded : exact;
                if (!group.TryGetValue(item.Literal, out List<TierItem>? list))
                {
                    group[item.Literal] = list = [];
                }

                list.Add(item);
            }

            var literals = new List<byte[]>(exact.Count + folded.Count);
            int[] start = new int[exact.Count + folded.Count + 1];
            int[] entries = new int[items.Count];
            int[] versions = new int[items.Count];
            int next = 0;
            foreach (Dictionary<byte[], List<TierItem>> group in (Dictionary<byte[], List<TierItem>>[])[exact, folded])
            {
                foreach (KeyValuePair<byte[], List<TierItem>> pair in group)
                {
                    start[literals.Count] = next;
                    literals.Add(pair.Key);
                    foreach (TierItem item in pair.Value)
                    {
                        entries[next] = item.Entry;
                        versions[next] = item.Version;
                        next++;
                    }
                }
            }

            start[literals.Count] = next;
            AhoCorasick? exactAutomaton = exact.Count > 0 ? AhoCorasick.Build(literals.GetRange(0, exact.Count)) : null;
            AhoCorasick? foldedAutomaton = folded.Count > 0 ? AhoCorasick.Build(literals.GetRange(exact.Count, folded.Count)) : null;
            return new Tier(exactAutomaton, foldedAutomaton, start, entries, versions, exact.Count);
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

    private sealed class ByteArrayComparer : IEqualityComparer<byte[]>
    {
        public static readonly ByteArrayComparer Instance = new();

        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj)
        {
            var hash = new HashCode();
            hash.AddBytes(obj);
            return hash.ToHashCode();
        }
    }
}
