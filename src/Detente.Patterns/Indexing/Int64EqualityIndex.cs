namespace Detente.Patterns.Indexing;

/// <summary>
/// Finds the entries whose key equals an integer: STIX <c>=</c> and <c>IN</c> on integer properties (ports, sizes).
/// Entries are added and removed one at a time.
/// </summary>
/// <remarks>
/// One open-addressing table of (key, payload) slots; see <see cref="Utf8EqualityIndex"/> for the layout rules.
/// Not thread-safe for writers. Bench: Patterns/IndexBenchmarks.
/// </remarks>
public sealed class Int64EqualityIndex
{
    private readonly OpenTable<long, Int64Hasher> _table = new();
    private readonly PostingPool _pool = new();

    /// <summary>The number of (key, entry) pairs.</summary>
    public int Count { get; private set; }

    /// <summary>The number of distinct keys.</summary>
    public int KeyCount => _table.Count;

    /// <summary>The bytes the index holds: slots and lists.</summary>
    public long MemoryBytes => _table.MemoryBytes + _pool.MemoryBytes;

    /// <summary>Adds <paramref name="entry"/> under <paramref name="key"/>; false when the pair is already there.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="entry"/> is not a valid id (<see cref="IndexEntry"/>).</exception>
    public bool Add(long key, int entry)
    {
        IndexEntry.Check(entry);
        bool added = _table.Add(key, entry, _pool);
        Count += added ? 1 : 0;
        return added;
    }

    /// <summary>Removes the pair; false when it is not there.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="entry"/> is not a valid id.</exception>
    public bool Remove(long key, int entry)
    {
        IndexEntry.Check(entry);
        bool removed = _table.Remove(key, entry, _pool);
        Count -= removed ? 1 : 0;
        return removed;
    }

    /// <summary>Appends to <paramref name="hits"/> the entries of <paramref name="key"/>, in ascending order.</summary>
    /// <returns>True when the key is present.</returns>
    public bool Lookup(long key, HitBuffer hits)
    {
        ArgumentNullException.ThrowIfNull(hits);
        int payload = _table.Find(key);
        if (payload == 0)
        {
            return false;
        }

        int single = 0;
        hits.AddRange(Postings.Values(payload, _pool, ref single));
        return true;
    }
}
