using System.Text;
using Detente.Patterns.Indexing;

namespace Detente.Patterns.Telemetry;

/// <summary>
/// The edges of a mapping's field tree: (parent node, member name as UTF-8) to child node, in one open-addressing
/// table. Built once; a lookup hashes the name and compares bytes, without allocating.
/// Bench: Patterns/TelemetryBenchmarks.FlatReadMap.
/// </summary>
internal sealed class NameTable
{
    private readonly ulong _seed = KeyHash.NewSeed();
    private readonly Slot[] _slots;
    private readonly byte[] _names;
    private readonly int _mask;

    public NameTable(IReadOnlyDictionary<(int Parent, string Name), int> edges)
    {
        int capacity = 8;
        while (capacity < edges.Count * 2)
        {
            capacity *= 2;
        }

        _slots = new Slot[capacity];
        _mask = capacity - 1;
        var names = new List<byte>();
        foreach (((int parent, string name), int child) in edges)
        {
            byte[] utf8 = Encoding.UTF8.GetBytes(name);
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

    private uint Hash(int parent, ReadOnlySpan<byte> name) => KeyHash.Hash(name, _seed ^ (uint)parent);

    private readonly record struct Slot(uint Hash, int Parent, int NameOffset, int NameLength, int Child);
}
