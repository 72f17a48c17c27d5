namespace Detente.Patterns.Indexing;

/// <summary>Hashing and equality of one key type, resolved at compile time (no virtual calls in probes).</summary>
internal interface IKeyHasher<TKey>
    where TKey : struct
{
    public static abstract uint Hash(TKey key, ulong seed);

    public static abstract bool Equal(TKey a, TKey b);
}

/// <summary>
/// An open-addressing hash table from fixed-size keys to <see cref="Postings"/> payloads: linear probing, at most
/// three quarters full, backward-shift deletion (no tombstones, so lookups never slow down after removals).
/// </summary>
/// <remarks>
/// Beside the (key, payload) slots, a one-byte tag per slot (0 for empty, else seven bits of the hash) is probed
/// first: a lookup that misses, the common case for telemetry, reads only the tag array, which is a twelfth to a
/// twenty-fourth the size of the slots and stays in cache far longer. Bench: Patterns/IndexBenchmarks.
/// </remarks>
internal sealed class OpenTable<TKey, THasher>
    where TKey : struct
    where THasher : IKeyHasher<TKey>
{
    private readonly ulong _seed = KeyHash.NewSeed();
    private Slot[] _slots = new Slot[8];
    private byte[] _tags = new byte[8];
    private int _mask = 7;

    /// <summary>The number of keys.</summary>
    public int Count { get; private set; }

    /// <summary>The bytes of the slot and tag arrays.</summary>
    public long MemoryBytes => 48 + ((long)_slots.Length * (System.Runtime.CompilerServices.Unsafe.SizeOf<Slot>() + 1));

    /// <summary>The payload of <paramref name="key"/>, or 0 when it is absent.</summary>
    public int Find(TKey key)
    {
        uint hash = THasher.Hash(key, _seed);
        byte tag = KeyHash.Tag(hash);
        byte[] tags = _tags;
        int mask = _mask;
        int i = (int)(hash & (uint)mask);
        while (true)
        {
            byte t = tags[i];
            if (t == 0)
            {
                return 0;
            }

            if (t == tag && THasher.Equal(_slots[i].Key, key))
            {
                return _slots[i].Payload;
            }

            i = (i + 1) & mask;
        }
    }

    /// <summary>Adds <paramref name="value"/> under <paramref name="key"/>; false when that pair is already there.</summary>
    public bool Add(TKey key, int value, PostingPool pool)
    {
        if ((Count + 1) * 4L > _slots.Length * 3L)
        {
            Resize(_slots.Length * 2);
        }

        uint hash = THasher.Hash(key, _seed);
        byte tag = KeyHash.Tag(hash);
        int i = (int)(hash & (uint)_mask);
        while (true)
        {
            byte t = _tags[i];
            if (t == 0)
            {
                _tags[i] = tag;
                _slots[i] = new Slot { Key = key, Payload = value + 1 };
                Count++;
                return true;
            }

            if (t == tag && THasher.Equal(_slots[i].Key, key))
            {
                return Postings.Add(ref _slots[i].Payload, value, pool);
            }

            i = (i + 1) & _mask;
        }
    }

    /// <summary>Removes <paramref name="value"/> from <paramref name="key"/>; false when that pair is absent.</summary>
    public bool Remove(TKey key, int value, PostingPool pool)
    {
        uint hash = THasher.Hash(key, _seed);
        byte tag = KeyHash.Tag(hash);
        int i = (int)(hash & (uint)_mask);
        while (true)
        {
            byte t = _tags[i];
            if (t == 0)
            {
                return false;
            }

            if (t == tag && THasher.Equal(_slots[i].Key, key))
            {
                if (!Postings.Remove(ref _slots[i].Payload, value, pool))
                {
                    return false;
                }

                if (_slots[i].Payload == 0)
                {
                    Delete(i);
                }

                return true;
            }

            i = (i + 1) & _mask;
        }
    }

    /// <summary>Every key with its payload, for rebuilding and tests.</summary>
    public IEnumerable<(TKey Key, int Payload)> Entries()
    {
        for (int i = 0; i < _slots.Length; i++)
        {
            if (_tags[i] != 0)
            {
                yield return (_slots[i].Key, _slots[i].Payload);
            }
        }
    }

    private void Delete(int hole)
    {
        Count--;
        int i = hole;
        while (true)
        {
            i = (i + 1) & _mask;
            if (_tags[i] == 0)
            {
                break;
            }

            int home = (int)(THasher.Hash(_slots[i].Key, _seed) & (uint)_mask);
            // Move the slot back into the hole unless its home lies cyclically in (hole, i].
            if (((i - home) & _mask) >= ((i - hole) & _mask))
            {
                _slots[hole] = _slots[i];
                _tags[hole] = _tags[i];
                hole = i;
            }
        }

        _slots[hole] = default;
        _tags[hole] = 0;

        // Shrink a table that emptied out, keeping it at most a quarter full afterwards.
        if (_slots.Length > 8 && Count * 8L < _slots.Length)
        {
            Resize(_slots.Length / 2);
        }
    }

    private void Resize(int capacity)
    {
        Slot[] old = _slots;
        byte[] oldTags = _tags;
        _slots = new Slot[capacity];
        _tags = new byte[capacity];
        _mask = capacity - 1;
        for (int j = 0; j < old.Length; j++)
        {
            if (oldTags[j] != 0)
            {
                int i = (int)(THasher.Hash(old[j].Key, _seed) & (uint)_mask);
                while (_tags[i] != 0)
                {
                    i = (i + 1) & _mask;
                }

                _slots[i] = old[j];
                _tags[i] = oldTags[j];
            }
        }
    }

    private struct Slot
    {
        public TKey Key;
        public int Payload;
    }
}

/// <summary>Hashes 32-bit keys.</summary>
internal readonly struct UInt32Hasher : IKeyHasher<uint>
{
    public static uint Hash(uint key, ulong seed) => KeyHash.Hash(key, seed);

    public static bool Equal(uint a, uint b) => a == b;
}

/// <summary>Hashes 64-bit keys.</summary>
internal readonly struct Int64Hasher : IKeyHasher<long>
{
    public static uint Hash(long key, ulong seed) => KeyHash.Hash(unchecked((ulong)key), seed);

    public static bool Equal(long a, long b) => a == b;
}

/// <summary>A 128-bit key as two words (24-byte slots rather than the 32 a 16-byte-aligned <see cref="UInt128"/> takes).</summary>
internal readonly record struct Key128(ulong High, ulong Low);

/// <summary>Hashes 128-bit keys.</summary>
internal readonly struct Key128Hasher : IKeyHasher<Key128>
{
    public static uint Hash(Key128 key, ulong seed) => KeyHash.Hash(key.High, key.Low, seed);

    public static bool Equal(Key128 a, Key128 b) => a.High == b.High && a.Low == b.Low;
}
