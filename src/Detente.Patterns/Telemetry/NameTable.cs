using System.Text;

namespace Detente.Patterns.Telemetry;

/// <summary>
/// The edges of a mapping's field tree: (parent node, member name as UTF-8) to child node. Each node with names has a
/// row of 256 buckets chosen by the name's length and its first, second and last bytes; a bucket chains the node's
/// names that fall in it, compared by length and then bytes. Most unmapped names find an empty bucket after one load,
/// and a mapped name costs one comparison: no hash is computed. Built once; a lookup allocates nothing.
/// Bench: Patterns/TelemetryBenchmarks.FlatReadMap, <c>flat-read</c>.
/// </summary>
/// <remarks>
/// The table's contents come from the mapping, never from the input, so a line cannot lengthen a chain: the longest
/// chain is fixed when the reader is built (for the built-in mappings, one or two names).
/// </remarks>
internal sealed class NameTable
{
    private const int Buckets = 256;

    private readonly int[] _rowOf;   // by node: the start of its row in _heads, or -1 when it has no names
    private readonly int[] _heads;   // per row and bucket: 1 + the first entry, 0 when empty
    private readonly Entry[] _entries;
    private readonly byte[] _names;

    public NameTable(IReadOnlyDictionary<(int Parent, string Name), int> edges)
    {
        int nodes = 1 + edges.Keys.Select(static e => e.Parent).DefaultIfEmpty(0).Max();
        _rowOf = new int[nodes];
        Array.Fill(_rowOf, -1);
        int rows = 0;
        foreach ((int parent, _) in edges.Keys)
        {
            if (_rowOf[parent] < 0)
            {
                _rowOf[parent] = rows++ * Buckets;
            }
        }

        _heads = new int[rows * Buckets];
        _entries = new Entry[edges.Count];
        var names = new List<byte>();
        int count = 0;
        foreach (((int parent, string name), int child) in edges.OrderBy(static e => e.Key.Parent).ThenBy(static e => e.Key.Name, StringComparer.Ordinal))
        {
            byte[] utf8 = Encoding.UTF8.GetBytes(name);
            int head = _rowOf[parent] + Bucket(utf8);
            _entries[count] = new Entry(names.Count, utf8.Length, child, _heads[head] - 1);
            _heads[head] = count + 1;
            names.AddRange(utf8);
            count++;
        }

        _names = names.ToArray();
    }

    /// <summary>The child of <paramref name="parent"/> by <paramref name="name"/>, or -1.</summary>
    public int Find(int parent, ReadOnlySpan<byte> name)
    {
        if ((uint)parent >= (uint)_rowOf.Length || _rowOf[parent] is var row && row < 0)
        {
            return -1;
        }

        int e = _heads[row + Bucket(name)] - 1;
        while (e >= 0)
        {
            ref readonly Entry entry = ref _entries[e];
            if (entry.Length == name.Length && _names.AsSpan(entry.Offset, entry.Length).SequenceEqual(name))
            {
                return entry.Child;
            }

            e = entry.Next;
        }

        return -1;
    }

    private static int Bucket(ReadOnlySpan<byte> name) => name.Length switch
    {
        0 => 0,
        1 => (7 + (name[0] * 13)) & (Buckets - 1),
        _ => (int)unchecked(((uint)name.Length * 7 + ((uint)name[0] * 13) + ((uint)name[1] * 5) + ((uint)name[^1] * 31)) & (Buckets - 1)),
    };

    private readonly record struct Entry(int Offset, int Length, int Child, int Next);
}
