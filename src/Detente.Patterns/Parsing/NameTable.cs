namespace Detente.Patterns.Parsing;

/// <summary>Interns the object type and property names of parsed patterns, so that a million indicators share one
/// <c>"ipv4-addr"</c> and one <c>"value"</c> and a name seen before costs no allocation.</summary>
/// <remarks>
/// One table per thread (no locks). It is bounded: past <see cref="MaxNames"/> names it stops adding, so patterns full
/// of random names cannot make it grow without end; such names are simply allocated. Bench:
/// Patterns/PatternParseBenchmarks.
/// </remarks>
internal sealed class NameTable
{
    /// <summary>The most names one thread keeps.</summary>
    public const int MaxNames = 4096;

    /// <summary>Names longer than this are not interned (real names are short; long ones would only fill the table).</summary>
    public const int MaxNameLength = 64;

    [ThreadStatic]
    private static NameTable? t_current;

    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    private NameTable()
    {
        _lookup = _names.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>This thread's table.</summary>
    public static NameTable Current => t_current ??= new NameTable();

    /// <summary>The string for <paramref name="name"/>: the interned one when known, otherwise a new one (kept if there is room).</summary>
    public string Intern(ReadOnlySpan<char> name)
    {
        if (_lookup.TryGetValue(name, out string? known))
        {
            return known;
        }

        string created = name.ToString();
        if (_names.Count < MaxNames && name.Length <= MaxNameLength)
        {
            _names.Add(created);
        }

        return created;
    }
}
