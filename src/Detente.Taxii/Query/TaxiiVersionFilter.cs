using Detente.Stix;

namespace Detente.Taxii.Query;

/// <summary>The <c>match[version]</c> filter: which versions of each object to return.</summary>
/// <remarks>
/// TAXII 2.1 §3.4.1: <c>last</c> (the default when absent), <c>first</c>, <c>all</c> (alone), and exact versions
/// (STIX timestamps, compared with <c>modified</c>, or <c>created</c> for unversioned objects). No keyword and no
/// version may appear twice; several different versions may.
/// </remarks>
public sealed class TaxiiVersionFilter : IEquatable<TaxiiVersionFilter>
{
    private readonly StixTimestamp[] _timestamps;

    private TaxiiVersionFilter(bool all, bool first, bool last, StixTimestamp[] timestamps)
    {
        IncludesAll = all;
        IncludesFirst = first;
        IncludesLast = last;
        _timestamps = timestamps;
    }

    /// <summary><c>all</c>: every version.</summary>
    public static TaxiiVersionFilter All { get; } = new(true, false, false, []);

    /// <summary><c>first</c>: the earliest version.</summary>
    public static TaxiiVersionFilter First { get; } = new(false, true, false, []);

    /// <summary><c>last</c>: the latest version (what a request without <c>match[version]</c> gets).</summary>
    public static TaxiiVersionFilter Last { get; } = new(false, false, true, []);

    /// <summary>True for <c>all</c>.</summary>
    public bool IncludesAll { get; }

    /// <summary>True when <c>first</c> is asked for.</summary>
    public bool IncludesFirst { get; }

    /// <summary>True when <c>last</c> is asked for.</summary>
    public bool IncludesLast { get; }

    /// <summary>The exact versions asked for, in the order given.</summary>
    public IReadOnlyList<StixTimestamp> Timestamps => _timestamps;

    /// <summary>Asks for <c>first</c>, <c>last</c> and exact versions in any combination.</summary>
    /// <exception cref="ArgumentException">Nothing is asked for, or a version is given twice.</exception>
    public static TaxiiVersionFilter Create(bool first, bool last, IEnumerable<StixTimestamp> timestamps)
    {
        ArgumentNullException.ThrowIfNull(timestamps);
        StixTimestamp[] list = timestamps.ToArray();
        if (!first && !last && list.Length == 0)
        {
            throw new ArgumentException("A version filter asks for at least one version.", nameof(timestamps));
        }

        if (list.Length != list.Distinct().Count())
        {
            throw new ArgumentException("A version is given twice.", nameof(timestamps));
        }

        return new TaxiiVersionFilter(false, first, last, list);
    }

    /// <summary>The filter's value as it appears in <c>match[version]=…</c>: keywords, then versions, comma-separated.</summary>
    public override string ToString()
    {
        if (IncludesAll)
        {
            return "all";
        }

        var parts = new List<string>(_timestamps.Length + 2);
        if (IncludesFirst)
        {
            parts.Add("first");
        }

        if (IncludesLast)
        {
            parts.Add("last");
        }

        parts.AddRange(_timestamps.Select(static t => t.ToString()));
        return string.Join(',', parts);
    }

    /// <summary>True when both ask for the same keywords and the same versions in the same order.</summary>
    public bool Equals(TaxiiVersionFilter? other) =>
        other is not null && other.IncludesAll == IncludesAll && other.IncludesFirst == IncludesFirst
            && other.IncludesLast == IncludesLast && other._timestamps.AsSpan().SequenceEqual(_timestamps);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as TaxiiVersionFilter);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(IncludesAll, IncludesFirst, IncludesLast, _timestamps.Length);

    /// <summary>Parses the value of <c>match[version]</c>; null and an error message when it breaks a rule.</summary>
    internal static TaxiiVersionFilter? Parse(string[] items, out string? error)
    {
        bool all = false, first = false, last = false;
        var timestamps = new List<StixTimestamp>();
        foreach (string item in items)
        {
            switch (item)
            {
                case "all" when !all:
                    all = true;
                    break;
                case "first" when !first:
                    first = true;
                    break;
                case "last" when !last:
                    last = true;
                    break;
                case "all" or "first" or "last":
                    error = $"'{item}' occurs more than once.";
                    return null;
                default:
                    if (!StixTimestamp.TryParse(item, out StixTimestamp t))
                    {
                        error = $"'{Printable.Escape(item, 64)}' is neither first, last, all nor a timestamp (YYYY-MM-DDTHH:mm:ss[.s+]Z).";
                        return null;
                    }

                    if (timestamps.Contains(t))
                    {
                        error = $"The version {t} occurs more than once.";
                        return null;
                    }

                    timestamps.Add(t);
                    break;
            }
        }

        if (all && (first || last || timestamps.Count > 0))
        {
            error = "'all' must not be combined with another version.";
            return null;
        }

        error = null;
        return all ? All : new TaxiiVersionFilter(false, first, last, timestamps.ToArray());
    }
}
