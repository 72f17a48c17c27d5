namespace Detente.Patterns.Indexing;

/// <summary>How an <see cref="IpIndex"/> entry compares with an observed address or block.</summary>
public enum IpMatch
{
    /// <summary>The observed value is the same block (an address is the /32 or /128 block): STIX <c>=</c> and <c>IN</c>.</summary>
    Equal,

    /// <summary>The observed value lies inside the block: STIX <c>ISSUBSET</c>.</summary>
    Subset,
}

/// <summary>
/// Finds, for an observed IPv4 or IPv6 address or block, every entry whose block equals it (<see cref="IpMatch.Equal"/>)
/// or contains it (<see cref="IpMatch.Subset"/>). Entries are added and removed one at a time.
/// </summary>
/// <remarks>
/// <para>One open-addressing table per family and prefix length, keyed by the masked bits. A lookup probes one table
/// for each length in use that is not longer than the observed value's: the cost does not depend on how many entries
/// there are, only on how many distinct lengths they use (typically a handful: /32, /24, /16, /128, /64, /48). A
/// table of a rare length is small and stays in cache. Bench: Patterns/IndexBenchmarks.IpLookup.</para>
/// <para>Each IPv4 length of /20 or longer whose table holds 4,096 entries or more also has a filter: one bit per /20
/// block (128 KiB), set when an entry of that length lies in it, so that a lookup skips the large tables that cannot hold
/// the address (most of them: with 10^6 indicators a few percent of the /20 blocks hold a CIDR entry of a given length)
/// without touching them. Bits are not cleared on
/// removal (a stale bit only costs a probe); the filter goes with the table. Bench: Patterns/MatcherThroughput.</para>
/// <para>The families never match each other: an IPv4 block holds no IPv6 address, and an IPv4-mapped IPv6 address
/// (<c>::ffff:192.0.2.1</c>) is an IPv6 address here. The flat telemetry mapping turns IPv4-mapped addresses into IPv4
/// addresses before they are looked up (see <c>Telemetry/README.md</c>).</para>
/// <para>Not thread-safe for writers: lookups may run in parallel only while nothing is added or removed.</para>
/// </remarks>
public sealed class IpIndex
{
    /// <summary>The leading bits of an IPv4 address one filter bit stands for.</summary>
    private const int FilterBits = 20;

    /// <summary>The entries a length's table holds before it gets a filter: a smaller table stays in cache anyway.</summary>
    private const int FilterMinimum = 4096;

    private readonly OpenTable<uint, UInt32Hasher>?[] _v4 = new OpenTable<uint, UInt32Hasher>?[33];
    private readonly OpenTable<Key128, Key128Hasher>?[] _v6 = new OpenTable<Key128, Key128Hasher>?[129];

    /// <summary>By IPv4 length (≥ <see cref="FilterBits"/>): one bit per /20 block that holds an entry of that length.</summary>
    private readonly ulong[]?[] _v4Filter = new ulong[]?[33];
    private readonly PostingPool _pool = new();
    private int[] _v4Lengths = [];
    private int[] _v6Lengths = [];

    /// <summary>The number of (block, entry, match) triples held.</summary>
    public int Count { get; private set; }

    /// <summary>The bytes the index holds in its tables and lists (not counting the object headers of this class).</summary>
    public long MemoryBytes
    {
        get
        {
            long bytes = _pool.MemoryBytes;
            foreach (OpenTable<uint, UInt32Hasher>? table in _v4)
            {
                bytes += table?.MemoryBytes ?? 0;
            }

            foreach (OpenTable<Key128, Key128Hasher>? table in _v6)
            {
                bytes += table?.MemoryBytes ?? 0;
            }

            foreach (ulong[]? filter in _v4Filter)
            {
                bytes += (filter?.Length ?? 0) * 8L;
            }

            return bytes;
        }
    }

    /// <summary>Adds <paramref name="entry"/> for <paramref name="block"/>; false when the same triple is already there.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="entry"/> is not a valid id (<see cref="IndexEntry"/>), or <paramref name="match"/> is undefined.</exception>
    public bool Add(IpPrefix block, int entry, IpMatch match)
    {
        int value = Encode(entry, match);
        bool added;
        if (block.IsV6)
        {
            OpenTable<Key128, Key128Hasher> table = _v6[block.Length] ??= new();
            int before = table.Count;
            added = table.Add(Key(block.Address), value, _pool);
            if (before == 0 && table.Count == 1)
            {
                _v6Lengths = Lengths(_v6);
            }
        }
        else
        {
            OpenTable<uint, UInt32Hasher> table = _v4[block.Length] ??= new();
            int before = table.Count;
            added = table.Add(block.Address.V4, value, _pool);
            if (block.Length >= FilterBits)
            {
                if (_v4Filter[block.Length] is { } filter)
                {
                    SetFilterBit(filter, block.Address.V4);
                }
                else if (table.Count >= FilterMinimum)
                {
                    filter = new ulong[(1 << FilterBits) / 64];
                    foreach ((uint key, int _) in table.Entries())
                    {
                        SetFilterBit(filter, key);
                    }

                    _v4Filter[block.Length] = filter;
                }
            }

            if (before == 0 && table.Count == 1)
            {
                _v4Lengths = Lengths(_v4);
            }
        }

        Count += added ? 1 : 0;
        return added;
    }

    /// <summary>Removes the triple; false when it is not there.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="entry"/> is not a valid id, or <paramref name="match"/> is undefined.</exception>
    public bool Remove(IpPrefix block, int entry, IpMatch match)
    {
        int value = Encode(entry, match);
        bool removed;
        if (block.IsV6)
        {
            OpenTable<Key128, Key128Hasher>? table = _v6[block.Length];
            removed = table is not null && table.Remove(Key(block.Address), value, _pool);
            if (removed && table!.Count == 0)
            {
                _v6[block.Length] = null;
                _v6Lengths = Lengths(_v6);
            }
        }
        else
        {
            OpenTable<uint, UInt32Hasher>? table = _v4[block.Length];
            removed = table is not null && table.Remove(block.Address.V4, value, _pool);
            if (removed && table!.Count == 0)
            {
                _v4[block.Length] = null;
                _v4Filter[block.Length] = null;
                _v4Lengths = Lengths(_v4);
            }
        }

        Count -= removed ? 1 : 0;
        return removed;
    }

    /// <summary>Appends to <paramref name="hits"/> every entry that matches an observed <paramref name="address"/>.</summary>
    /// <remarks>Allocation-free. Hits come by prefix length, shortest first, then by entry id.</remarks>
    public void Lookup(IpAddress address, HitBuffer hits) => Lookup(IpPrefix.FromAddress(address), hits);

    /// <summary>Appends to <paramref name="hits"/> every entry that matches an observed <paramref name="value"/> (an address or a block).</summary>
    /// <remarks>
    /// <see cref="IpMatch.Equal"/> entries match the same block; <see cref="IpMatch.Subset"/> entries match when their
    /// block contains <paramref name="value"/>. An entry added under several blocks may be reported once per block
    /// that matches. Allocation-free. Bench: Patterns/IndexBenchmarks.IpLookup.
    /// </remarks>
    public void Lookup(IpPrefix value, HitBuffer hits)
    {
        ArgumentNullException.ThrowIfNull(hits);
        int single = 0;
        if (value.IsV6)
        {
            UInt128 bits = value.Address.Value;
            foreach (int length in _v6Lengths)
            {
                if (length > value.Length)
                {
                    break;
                }

                UInt128 masked = length == 0 ? UInt128.Zero : bits & (UInt128.MaxValue << (128 - length));
                int payload = _v6[length]!.Find(new Key128(unchecked((ulong)(masked >> 64)), unchecked((ulong)masked)));
                if (payload != 0)
                {
                    Report(Postings.Values(payload, _pool, ref single), length == value.Length, hits);
                }
            }
        }
        else
        {
            uint bits = value.Address.V4;
            uint top = bits >> (32 - FilterBits);
            foreach (int length in _v4Lengths)
            {
                if (length > value.Length)
                {
                    break;
                }

                if (_v4Filter[length] is { } filter && (filter[top >> 6] & (1UL << (int)(top & 63))) == 0)
                {
                    continue; // no entry of this length in the address's /20 (value.Length ≥ length ≥ 20, so its top bits are exact)
                }

                uint masked = length == 0 ? 0 : bits & (uint.MaxValue << (32 - length));
                int payload = _v4[length]!.Find(masked);
                if (payload != 0)
                {
                    Report(Postings.Values(payload, _pool, ref single), length == value.Length, hits);
                }
            }
        }
    }

    private static void SetFilterBit(ulong[] filter, uint address)
    {
        uint top = address >> (32 - FilterBits);
        filter[top >> 6] |= 1UL << (int)(top & 63);
    }

    private static void Report(ReadOnlySpan<int> values, bool sameLength, HitBuffer hits)
    {
        foreach (int v in values)
        {
            // Low bit 1: a Subset entry, which every value inside matches; 0: an Equal entry, only the same block.
            if ((v & 1) == 1 || sameLength)
            {
                hits.Add(v >> 1);
            }
        }
    }

    private static int Encode(int entry, IpMatch match)
    {
        IndexEntry.Check(entry);
        if (match is not (IpMatch.Equal or IpMatch.Subset))
        {
            throw new ArgumentOutOfRangeException(nameof(match), match, "Not an IpMatch value.");
        }

        return (entry << 1) | (match == IpMatch.Subset ? 1 : 0);
    }

    private static Key128 Key(IpAddress address)
    {
        UInt128 bits = address.Value;
        return new Key128(unchecked((ulong)(bits >> 64)), unchecked((ulong)bits));
    }

    private static int[] Lengths<T>(T?[] tables)
        where T : class
    {
        var lengths = new List<int>();
        for (int i = 0; i < tables.Length; i++)
        {
            if (tables[i] is not null)
            {
                lengths.Add(i);
            }
        }

        return lengths.ToArray();
    }
}
