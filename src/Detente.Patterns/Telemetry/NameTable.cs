using System.Text;
using Detente.Patterns.Indexing;

namespace Detente.Patterns.Telemetry;

/// <summary>
/// The edges of a mapping's field tree: (parent node, member name as UTF-8) to child node, in one open-addressing
/// table, behind a 256-bit filter per node over the name's length and end bytes. Built once; a lookup allocates nothing.
/// Bench: Patterns/TelemetryBenchmarks.FlatReadMap.
/// </summary>
internal sealed class NameTable
{
    private readonly ulong _seed = KeyHash.NewSeed();
    private readonly Slot[] _slots;
    private readonly byte[] _names;
    private readonly int _mask;
    private readonly ulong[] _filter; // 256 bits per node over (length, first byte, last byte): most unmapped names stop here

    public NameTable(IReadOnlyDictionary<(int Parent, string Name), int> edges)
    {
        int capacity = 8;
        while (capacity < edges.Count * 2)
        {
            capacity *= 2;
        }

        _slots = new Slot[capacity];
        _mask = capacity - 1;
        _filter = new ulong[4 * (1 + edges.Keys.Select(static e => e.Parent).DefaultIfEmpty(0).Max())];
        var names = new List<byte>();
        foreach (((int parent, string name), int child) in edges)
        {
            byte[] utf8 = Encoding.UTF8.GetBytes(name);
            int bit = FilterBit(utf8);
            _filter[(parent * 4) + (bit >> 6)] |= 1UL << (bit & 63);
            uint hash = Hash(parent, utf8);
            int i = (int)(hash & (uint)_mask);
            while (_slots[i].Child != 0)
            {
                i = (i + 1) & _mask;
            }

            _slots[i] = new Slot(hash, parent, names.Count, utf8.Length, child);
            names.AddRange(utf8);
        }

        _names = names.ToArray();
    }

    /// <summary>The child of <paramref name="parent"/> by <paramref name="name"/>, or -1.</summary>
    public int Find(int parent, ReadOnlySpan<byte> name)
    {
        int bit = FilterBit(name);
        int word = (parent * 4) + (bit >> 6);
        if ((uint)word >= (uint)_filter.Length || (_filter[word] & (1UL << (bit & 63))) == 0)
        {
            return -1;
        }

        uint hash = Hash(parent, name);
        int i = (int)(hash & (uint)_mask);
        Slot[] slots = _slots;
        while (true)
        {
            ref Slot slot = ref slots[i];
            if (slot.Child == 0)
            {
                return -1;
            }

            if (slot.Hash == hash && slot.Parent == parent && _names.AsSpan(slot.NameOffset, slot.NameLength).SequenceEqual(name))
            {
                return slot.Child;
            }

            i = (i + 1) & _mask;
        }
    }

    private static int FilterBit(ReadOnlySpan<byte> name) =>
        name.IsEmpty ? 0 : (int)(((uint)name.Length * 7 + ((uint)name[0] * 13) + ((uint)name[^1] * 31)) & 255);

    private uint Hash(int parent, ReadOnlySpan<byte> name) => KeyHash.Hash(name, _seed ^ (uint)parent);

    private readonly record struct Slot(uint Hash, int Parent, int NameOffset, int NameLength, int Child);
}
