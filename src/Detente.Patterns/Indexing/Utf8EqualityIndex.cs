using System.Buffers.Binary;

namespace Detente.Patterns.Indexing;

/// <summary>
/// Finds the entries whose key equals a byte string exactly: STIX <c>=</c> and <c>IN</c> on string values, looked up
/// with the UTF-8 bytes of an observed value. Entries are added and removed one at a time.
/// </summary>
/// <remarks>
/// <para>Keys compare byte for byte (ordinal, which for UTF-8 is code point equality), with no normalization: the
/// caller applies the normalization its field calls for on both sides before adding and before looking up (see
/// <c>Telemetry/FieldKeyTable.NormalizeValue</c>: hash values are lower-cased ASCII hex; everything else is exact,
/// as STIX 2.1 §9 compares strings).</para>
/// <para>Layout: one array of 12-byte slots (hash, key offset, payload) probed linearly, at most three quarters full,
/// with backward-shift deletion, and beside it one tag byte per slot (seven bits of the hash); key bytes live in one
/// arena array, each prefixed by its length. A lookup hashes the span and reads the tags; only a matching tag leads to
/// the slot and the arena, so a miss touches one small array and a hit three lines. Removed keys leave garbage in the arena, which is compacted
/// once it outweighs the live keys. Bench: Patterns/IndexBenchmarks.EqualityLookup.</para>
/// <para>Not thread-safe for writers: lookups may run in parallel only while nothing is added or removed.</para>
/// </remarks>
public sealed class Utf8EqualityIndex
{
    /// <summary>The longest key: 1 MiB, the reader's default string limit.</summary>
    public const int MaxKeyBytes = 1 << 20;

    private readonly ulong _seed = KeyHash.NewSeed();
    private readonly PostingPool _pool = new();
    private Slot[] _slots = new Slot[8];
    private byte[] _tags = new byte[8]; // 0: empty; else seven bits of the hash (see OpenTable)
    private int _mask = 7;
    private byte[] _arena = new byte[256];
    private int _arenaUsed;
    private long _garbage;

    /// <summary>The number of distinct keys.</summary>
    public int KeyCount { get; private set; }

    /// <summary>The number of (key, entry) pairs.</summary>
    public int Count { get; private set; }

    /// <summary>The bytes the index holds: slots, key arena and lists.</summary>
    public long MemoryBytes => 72 + (_slots.Length * 13L) + _arena.Length + _pool.MemoryBytes;

    /// <summary>Adds <paramref name="entry"/> under <paramref name="key"/>; false when the pair is already there.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="entry"/> is not a valid id (<see cref="IndexEntry"/>), or <paramref name="key"/> is longer than <see cref="MaxKeyBytes"/>.</exception>
    public bool Add(ReadOnlySpan<byte> key, int entry)
    {
        IndexEntry.Check(entry);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(key.Length, MaxKeyBytes, nameof(key));
        if ((KeyCount + 1) * 4L > _slots.Length * 3L)
        {
            Resize(_slots.Length * 2);
        }

        uint hash = KeyHash.Hash(key, _seed);
        byte tag = KeyHash.Tag(hash);
        int i = (int)(hash & (uint)_mask);
        while (true)
        {
            ref Slot slot = ref _slots[i];
            if (_tags[i] == 0)
            {
                _tags[i] = tag;
                slot.Hash = hash;
                slot.KeyOffset = Store(key);
                slot.Payload = entry + 1;
                KeyCount++;
                Count++;
                return true;
            }

            if (slot.Hash == hash && KeyAt(slot.KeyOffset).SequenceEqual(key))
            {
                bool added = Postings.Add(ref slot.Payload, entry, _pool);
                Count += added ? 1 : 0;
                return added;
            }

            i = (i + 1) & _mask;
        }
    }

    /// <summary>Removes the pair; false when it is not there.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="entry"/> is not a valid id.</exception>
    public bool Remove(ReadOnlySpan<byte> key, int entry)
    {
        IndexEntry.Check(entry);
        int i = Find(key, KeyHash.Hash(key, _seed));
        if (i < 0 || !Postings.Remove(ref _slots[i].Payload, entry, _pool))
        {
            return false;
        }

        Count--;
        if (_slots[i].Payload == 0)
        {
            _garbage += 4 + key.Length;
            Delete(i);
            if (_garbage > 64 * 1024 && _garbage > _arenaUsed - _garbage)
            {
                CompactArena();
            }
        }

        return true;
    }

    /// <summary>Appends to <paramref name="hits"/> the entries of <paramref name="key"/>, in ascending order.</summary>
    /// <returns>True when the key is present.</returns>
    /// <remarks>Allocation-free. Bench: Patterns/IndexBenchmarks.EqualityLookup.</remarks>
    public bool Lookup(ReadOnlySpan<byte> key, HitBuffer hits)
    {
        ArgumentNullException.ThrowIfNull(hits);
        int i = Find(key, KeyHash.Hash(key, _seed));
        if (i < 0)
        {
            return false;
        }

        int single = 0;
        hits.AddRange(Postings.Values(_slots[i].Payload, _pool, ref single));
        return true;
    }

    /// <summary>True when <paramref name="key"/> has at least one entry.</summary>
    public bool ContainsKey(ReadOnlySpan<byte> key) => Find(key, KeyHash.Hash(key, _seed)) >= 0;

    private int Find(ReadOnlySpan<byte> key, uint hash)
    {
        // The tags first: a miss, the common case, reads only them. Bench: Patterns/IndexBenchmarks.EqualityLookup
        byte tag = KeyHash.Tag(hash);
        byte[] tags = _tags;
        int mask = _mask;
        int i = (int)(hash & (uint)mask);
        while (true)
        {
            byte t = tags[i];
            if (t == 0)
            {
                return -1;
            }

            if (t == tag)
            {
                ref Slot slot = ref _slots[i];
                if (slot.Hash == hash && KeyAt(slot.KeyOffset).SequenceEqual(key))
                {
                    return i;
                }
            }

            i = (i + 1) & mask;
        }
    }

    private ReadOnlySpan<byte> KeyAt(int offset)
    {
        int length = BinaryPrimitives.ReadInt32LittleEndian(_arena.AsSpan(offset));
        return _arena.AsSpan(offset + 4, length);
    }

    private int Store(ReadOnlySpan<byte> key)
    {
        int needed = 4 + key.Length;
        if (_arenaUsed + needed > _arena.Length)
        {
            long size = Math.Max((long)_arena.Length * 2, (long)_arenaUsed + needed);
            if (size > Array.MaxLength)
            {
                throw new InvalidOperationException("The index's key arena is full (2 GiB).");
            }

            Array.Resize(ref _arena, (int)size);
        }

        int offset = _arenaUsed;
        BinaryPrimitives.WriteInt32LittleEndian(_arena.AsSpan(offset), key.Length);
        key.CopyTo(_arena.AsSpan(offset + 4));
        _arenaUsed += needed;
        return offset;
    }

    private void Delete(int hole)
    {
        KeyCount--;
        int i = hole;
        while (true)
        {
            i = (i + 1) & _mask;
            if (_tags[i] == 0)
            {
                break;
            }

            int home = (int)(_slots[i].Hash & (uint)_mask);
            if (((i - home) & _mask) >= ((i - hole) & _mask))
            {
                _slots[hole] = _slots[i];
                _tags[hole] = _tags[i];
                hole = i;
            }
        }

        _slots[hole] = default;
        _tags[hole] = 0;
        if (_slots.Length > 8 && KeyCount * 8L < _slots.Length)
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
                int i = (int)(old[j].Hash & (uint)_mask);
                while (_tags[i] != 0)
                {
                    i = (i + 1) & _mask;
                }

                _slots[i] = old[j];
                _tags[i] = oldTags[j];
            }
        }
    }

    private void CompactArena()
    {
        byte[] old = _arena;
        _arena = new byte[Math.Max(256, (int)Math.Min(Array.MaxLength, (_arenaUsed - _garbage) * 3 / 2))];
        _arenaUsed = 0;
        _garbage = 0;
        for (int i = 0; i < _slots.Length; i++)
        {
            ref Slot slot = ref _slots[i];
            if (slot.Payload != 0)
            {
                int length = BinaryPrimitives.ReadInt32LittleEndian(old.AsSpan(slot.KeyOffset));
                slot.KeyOffset = Store(old.AsSpan(slot.KeyOffset + 4, length));
            }
        }
    }

    private struct Slot
    {
        public uint Hash;
        public int KeyOffset;
        public int Payload;
    }
}
