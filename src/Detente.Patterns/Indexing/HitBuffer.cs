namespace Detente.Patterns.Indexing;

/// <summary>A caller-owned, reusable list of entry ids that index lookups append to.</summary>
/// <remarks>
/// Lookups never clear it: a caller probing several indexes for one event collects every hit, then calls
/// <see cref="Clear"/> before the next event. It grows as needed and keeps its capacity, so a warm buffer makes
/// lookups allocation-free. Not thread-safe: one per thread.
/// </remarks>
public sealed class HitBuffer
{
    private int[] _items;

    /// <summary>Creates a buffer with room for <paramref name="capacity"/> ids before it grows.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is negative.</exception>
    public HitBuffer(int capacity = 16)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        _items = new int[Math.Max(capacity, 4)];
    }

    /// <summary>The number of ids held.</summary>
    public int Count { get; private set; }

    /// <summary>The id at <paramref name="index"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not below <see cref="Count"/>.</exception>
    public int this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(unchecked((uint)index), (uint)Count, nameof(index));
            return _items[index];
        }
    }

    /// <summary>The ids held, in the order they were added.</summary>
    public ReadOnlySpan<int> AsSpan() => _items.AsSpan(0, Count);

    /// <summary>Removes every id; the capacity stays.</summary>
    public void Clear() => Count = 0;

    /// <summary>Appends <paramref name="entry"/>.</summary>
    public void Add(int entry)
    {
        if (Count == _items.Length)
        {
            Array.Resize(ref _items, _items.Length * 2);
        }

        _items[Count++] = entry;
    }

    /// <summary>Appends every id of <paramref name="entries"/>.</summary>
    public void AddRange(ReadOnlySpan<int> entries)
    {
        if (Count + entries.Length > _items.Length)
        {
            Array.Resize(ref _items, Math.Max(_items.Length * 2, Count + entries.Length));
        }

        entries.CopyTo(_items.AsSpan(Count));
        Count += entries.Length;
    }

    /// <summary>Sorts the ids from <paramref name="start"/> on and drops repeated ones.</summary>
    internal void SortAndDeduplicateFrom(int start)
    {
        Span<int> tail = _items.AsSpan(start, Count - start);
        if (tail.Length < 2)
        {
            return;
        }

        tail.Sort();
        int kept = 1;
        for (int i = 1; i < tail.Length; i++)
        {
            if (tail[i] != tail[kept - 1])
            {
                tail[kept++] = tail[i];
            }
        }

        Count = start + kept;
    }
}
