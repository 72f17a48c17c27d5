namespace Detente.Storage.Sql;

/// <summary>One stored version of an object, as the write path sees it.</summary>
internal sealed class VersionRow
{
    public required long DateAdded { get; init; }

    public required string SpecVersion { get; init; }

    public required int SpecKey { get; init; }

    public required string Version { get; init; }

    public required string VersionKey { get; init; }

    public bool SpecLatest { get; set; }

    public bool First { get; set; }

    public bool Last { get; set; }

    /// <summary>The object a new version comes from; null for a version already stored.</summary>
    public ObjectToAdd? Source { get; init; }
}

/// <summary>The per-version flags that make TAXII's default selection an index range scan, and the delete selection.</summary>
/// <remarks>
/// <c>spec_latest</c>: the version is in the latest spec version its object has in the collection. <c>v_first</c> and
/// <c>v_last</c>: among those, it is the earliest or latest version. Every write that adds or removes versions of an
/// object recomputes them for that object inside the same transaction, so they always describe committed data.
/// </remarks>
internal static class VersionRows
{
    /// <summary>Recomputes the flags of all versions of one object; returns the rows whose flags changed.</summary>
    public static List<VersionRow> RecomputeFlags(List<VersionRow> rows)
    {
        var changed = new List<VersionRow>();
        if (rows.Count == 0)
        {
            return changed;
        }

        int maxSpec = rows.Max(r => r.SpecKey);
        string? min = null, max = null;
        foreach (VersionRow r in rows)
        {
            if (r.SpecKey != maxSpec)
            {
                continue;
            }

            if (min is null || string.CompareOrdinal(r.VersionKey, min) < 0)
            {
                min = r.VersionKey;
            }

            if (max is null || string.CompareOrdinal(r.VersionKey, max) > 0)
            {
                max = r.VersionKey;
            }
        }

        foreach (VersionRow r in rows)
        {
            bool specLatest = r.SpecKey == maxSpec;
            bool first = specLatest && string.Equals(r.VersionKey, min, StringComparison.Ordinal);
            bool last = specLatest && string.Equals(r.VersionKey, max, StringComparison.Ordinal);
            if (specLatest != r.SpecLatest || first != r.First || last != r.Last)
            {
                r.SpecLatest = specLatest;
                r.First = first;
                r.Last = last;
                changed.Add(r);
            }
        }

        return changed;
    }

    /// <summary>The versions a delete removes: candidates by spec version (all when none given), then by version.</summary>
    public static List<VersionRow> SelectForDelete(List<VersionRow> rows, VersionFilter versions, IReadOnlyList<string> specVersions)
    {
        List<VersionRow> candidates = specVersions.Count == 0
            ? rows
            : rows.Where(r => specVersions.Contains(r.SpecVersion, StringComparer.Ordinal)).ToList();
        if (versions.IncludeAll || candidates.Count == 0)
        {
            return candidates;
        }

        string min = candidates.Select(r => r.VersionKey).Min(StringComparer.Ordinal)!;
        string max = candidates.Select(r => r.VersionKey).Max(StringComparer.Ordinal)!;
        var exact = new HashSet<string>(versions.Timestamps.Select(Sql.VersionKey.Of), StringComparer.Ordinal);
        return candidates.Where(r =>
            (versions.IncludeFirst && r.VersionKey == min)
            || (versions.IncludeLast && r.VersionKey == max)
            || exact.Contains(r.VersionKey)).ToList();
    }
}
