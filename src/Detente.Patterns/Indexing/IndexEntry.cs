using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Detente.Patterns.Indexing;

/// <summary>The rule every index applies to entry ids.</summary>
/// <remarks>
/// An entry id names whatever the caller indexes (a comparison of a compiled indicator). Ids are non-negative and
/// at most <see cref="MaxId"/>; indexes that keep per-entry state (<see cref="SubstringPrefilter"/>) size it by the
/// largest id, so callers should hand out small, dense ids and reuse the ids of removed entries.
/// </remarks>
public static class IndexEntry
{
    /// <summary>The largest entry id: 2^29 − 1 (536,870,911), so that an id and a flag bit fit a table payload.</summary>
    public const int MaxId = (1 << 29) - 1;

    /// <summary>Throws when <paramref name="entry"/> is not a valid id.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="entry"/> is negative or above <see cref="MaxId"/>.</exception>
    internal static void Check(int entry, [CallerArgumentExpression(nameof(entry))] string? name = null)
    {
        if (unchecked((uint)entry) > MaxId)
        {
            Throw(entry, name);
        }
    }

    [DoesNotReturn]
    private static void Throw(int entry, string? name) =>
        throw new ArgumentOutOfRangeException(name, entry, $"An entry id is between 0 and {MaxId}.");
}
