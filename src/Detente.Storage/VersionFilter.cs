using System.Diagnostics.CodeAnalysis;
using Detente.Stix;

namespace Detente.Storage;

/// <summary>Which versions of each object a read (or delete) selects: TAXII's <c>match[version]</c>.</summary>
/// <remarks>
/// TAXII 2.1 §3.4.1: <c>first</c> (the earliest version), <c>last</c> (the latest, the default when the parameter is
/// absent), <c>all</c>, or exact version timestamps; several values select the union. Versions compare as instants at
/// full precision: <c>2016-01-01T00:00:00.1Z</c> and <c>2016-01-01T00:00:00.100Z</c> are the same version.
/// "Earliest" and "latest" are among the object's versions in the collection, after the spec version selection
/// (see <see cref="ObjectFilter.SpecVersions"/>).
/// </remarks>
public sealed record VersionFilter
{
    /// <summary>The latest version of each object (TAXII's default).</summary>
    public static VersionFilter Last { get; } = new() { IncludeLast = true };

    /// <summary>The earliest version of each object.</summary>
    public static VersionFilter First { get; } = new() { IncludeFirst = true };

    /// <summary>Every version.</summary>
    public static VersionFilter All { get; } = new() { IncludeAll = true };

    /// <summary>Selects the earliest version of each object.</summary>
    public bool IncludeFirst { get; init; }

    /// <summary>Selects the latest version of each object.</summary>
    public bool IncludeLast { get; init; }

    /// <summary>Selects every version (the other selectors then add nothing).</summary>
    public bool IncludeAll { get; init; }

    /// <summary>Selects the versions with exactly these timestamps.</summary>
    public IReadOnlyList<StixTimestamp> Timestamps { get; init; } = [];

    /// <summary>True when the filter selects nothing at all (no selector set, no timestamp).</summary>
    public bool IsEmpty => !IncludeFirst && !IncludeLast && !IncludeAll && Timestamps.Count == 0;

    /// <summary>Selects exactly the versions with these timestamps.</summary>
    public static VersionFilter Exactly(params IReadOnlyList<StixTimestamp> timestamps) => new() { Timestamps = [.. timestamps] };

    /// <summary>
    /// Reads TAXII's <c>match[version]</c> value: a comma-separated list of <c>first</c>, <c>last</c>, <c>all</c> and
    /// STIX timestamps. Returns false, and <see cref="Last"/>, for an empty list, an empty item or an unknown item.
    /// </summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out VersionFilter filter)
    {
        filter = Last;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        bool first = false, last = false, all = false;
        var timestamps = new List<StixTimestamp>();
        foreach (string item in text.Split(','))
        {
            switch (item)
            {
                case "first":
                    first = true;
                    break;
                case "last":
                    last = true;
                    break;
                case "all":
                    all = true;
                    break;
                default:
                    if (!StixTimestamp.TryParse(item, out StixTimestamp t))
                    {
                        return false;
                    }

                    timestamps.Add(t);
                    break;
            }
        }

        filter = new VersionFilter { IncludeFirst = first, IncludeLast = last, IncludeAll = all, Timestamps = timestamps.ToArray() };
        return true;
    }
}
