using System.Runtime.InteropServices;

namespace Detente.Patterns.Indexing;

/// <summary>
/// The values stored under one key of a table, packed in one <see cref="int"/> payload: 0 is no value, a positive
/// payload is one value (value + 1) held inline, a negative payload names a sorted list in a <see cref="PostingPool"/>.
/// </summary>
/// <remarks>Most keys hold one value, so most keys cost no list at all. Bench: Patterns/IndexBenchmarks.</remarks>
internal static class Postings
{
    /// <summary>Adds <paramref name="value"/> (0 ≤ value &lt; int.MaxValue); false when it is already there.</summary>
    public static bool Add(ref int payload, int value, PostingPool pool)
    {
        if (payload == 0)
        {
            payload = value + 1;
            return true;
        }

        if (payload > 0)
        {
            int existing = payload - 1;
            if (existing == value)
            {
                return false;
            }

            payload = -(pool.Create(existing, value) + 1);
            return true;
        }

        return pool.Add(-payload - 1, value);
    }

    /// <summary>Removes <paramref name="value"/>; false when it is not there. The payload is 0 when none is left.</summary>
    public static bool Remove(ref int payload, int value, PostingPool pool)
    {
        if (payload > 0)
        {
            if (payload - 1 != value)
            {
                return false;
            }

            payload = 0;
            return true;
        }

        if (payload == 0)
        {
            return false;
        }

        int list = -payload - 1;
        if (!pool.Remove(list, value))
        {
            return false;
        }

        ReadOnlySpan<int> left = pool.Get(list);
        if (left.Length == 1)
        {
            payload = left[0] + 1;
            pool.Free(list);
        }

        return true;
    }

    /// <summary>The values of <paramref name="payload"/>; <paramref name="single"/> holds an inline value.</summary>
    public static ReadOnlySpan<int> Values(int payload, PostingPool pool, ref int single)
    {
        if (payload > 0)
        {
            single = payload - 1;
            return MemoryMarshal.CreateReadOnlySpan(ref single, 1);
        }

        return payload == 0 ? [] : pool.Get(-payload - 1);
    }
}

/// <summary>Sorted lists of values for keys that hold more than one; freed lists are reused.</summary>
internal sealed class PostingPool
{
    private int[][] _lists = new int[4][];
    private int[] _counts = new int[4];
    private int _used;
    private int[] _free = new int[4];
    private int _freeCount;

    /// <summary>The number of lists in use.</summary>
    public int Count => _used - _freeCount;

    /// <summary>The bytes the lists hold (array payloads and headers).</summary>
    public long MemoryBytes
    {
        get
        {
            long bytes = (_lists.Length * 8L) + (_counts.Length * 4L) + (_free.Length * 4L);
            for (int i = 0; i < _used; i++)
            {
                if (_lists[i] is int[] list)
                {
                    bytes += 24 + (list.Length * 4L);
                }
            }

            return bytes;
        }
    }

    public int Create(int a, int b)
    {
        int index;
        if (_freeCount > 0)
        {
            index = _free[--_freeCount];
        }
        else
        {
            if (_used == _lists.Length)
            {
                Array.Resize(ref _lists, _lists.Length * 2);
                Array.Resize(ref _counts, _counts.Length * 2);
            }

            index = _used++;
        }

        int[] list = _lists[index] is { Length: >= 2 } reused && reused.Length <= 8 ? reused : new int[2];
        list[0] = Math.Min(a, b);
        list[1] = Math.Max(a, b);
        _lists[index] = list;
        _counts[index] = 2;
        return index;
    }

    public ReadOnlySpan<int> Get(int index) => _lists[index].AsSpan(0, _counts[index]);

    public bool Add(int index, int value)
    {
        int count = _counts[index];
        int[] list = _lists[index];
        int at = list.AsSpan(0, count).BinarySearch(value);
        if (at >= 0)
        {
            return false;
        }

        at = ~at;
        if (count == list.Length)
        {
            Array.Resize(ref list, list.Length * 2);
            _lists[index] = list;
        }

        Array.Copy(list, at, list, at + 1, count - at);
        list[at] = value;
        _counts[index] = count + 1;
        return true;
    }

    public bool Remove(int index, int value)
    {
        int count = _counts[index];
        int[] list = _lists[index];
        int at = list.AsSpan(0, count).BinarySearch(value);
        if (at < 0)
        {
            return false;
        }

        Array.Copy(list, at + 1, list, at, count - at - 1);
        _counts[index] = count - 1;
        return true;
    }

    public void Free(int index)
    {
        _counts[index] = 0;
        if (_lists[index].Length > 8)
        {
            _lists[index] = []; // a large list is not kept for reuse
        }

        if (_freeCount == _free.Length)
        {
            Array.Resize(ref _free, _free.Length * 2);
        }

        _free[_freeCount++] = index;
    }
}
