using Detente.Stix;

namespace Detente.Storage.Tests;

/// <summary>
/// The store's object semantics for one collection, written as plainly as possible: a list of versions and LINQ.
/// Property tests compare every backend's answers with this model's.
/// </summary>
internal sealed class StoreModel
{
    private readonly List<Row> _rows = [];
    private long _lastMicros = -1;

    public IReadOnlyList<Row> Rows => _rows;

    /// <summary>Adds a batch the way the store does; returns (already present, date_added) per object.</summary>
    public List<(bool AlreadyPresent, DateTimeOffset DateAdded, StixTimestamp Version)> Add(IReadOnlyList<ObjectToAdd> batch, DateTimeOffset now)
    {
        var results = new List<(bool, DateTimeOffset, StixTimestamp)>();
        foreach (ObjectToAdd o in batch)
        {
            List<Row> same = _rows.Where(r => r.Id == o.Id).ToList();
            Row? present = o.Version is { } v
                ? same.FirstOrDefault(r => r.Version == v)
                : same.OrderBy(r => r.Version).LastOrDefault();
            if (present is not null)
            {
                results.Add((true, present.DateAdded, present.Version));
                continue;
            }

            long micros = Math.Max(now.UtcTicks / 10, _lastMicros + 1);
            _lastMicros = micros;
            var dateAdded = new DateTimeOffset(micros * 10, TimeSpan.Zero);
            StixTimestamp version = o.Version ?? StixTimestamp.FromDateTimeOffset(dateAdded, 6);
            _rows.Add(new Row(o.Id, o.Type, o.SpecVersion, version, dateAdded, o.Json.ToArray()));
            results.Add((false, dateAdded, version));
        }

        return results;
    }

    /// <summary>What a read with <paramref name="filter"/> returns, oldest date_added first.</summary>
    public List<Row> Read(ObjectFilter filter)
    {
        var result = new List<Row>();
        foreach (IGrouping<string, Row> versions in _rows.GroupBy(r => r.Id))
        {
            List<Row> candidates;
            if (filter.SpecVersions.Count == 0)
            {
                System.Version latest = versions.Max(r => SpecOf(r))!;
                candidates = versions.Where(r => SpecOf(r) == latest).ToList();
            }
            else
            {
                candidates = versions.Where(r => filter.SpecVersions.Contains(r.SpecVersion)).ToList();
            }

            result.AddRange(SelectVersions(candidates, filter.Versions).Where(r =>
                (filter.Ids.Count == 0 || filter.Ids.Contains(r.Id))
                && (filter.Types.Count == 0 || filter.Types.Contains(r.Type))
                && (filter.AddedAfter is not { } after || StixTimestamp.FromDateTimeOffset(r.DateAdded, 6) > after)));
        }

        return result.OrderBy(r => r.DateAdded).ToList();
    }

    /// <summary>Deletes the way TAXII's DELETE does; returns how many versions went.</summary>
    public int Delete(string id, VersionFilter? versions, IReadOnlyList<string>? specVersions)
    {
        List<Row> candidates = _rows.Where(r => r.Id == id
            && (specVersions is null || specVersions.Count == 0 || specVersions.Contains(r.SpecVersion))).ToList();
        List<Row> doomed = SelectVersions(candidates, versions ?? VersionFilter.All);
        foreach (Row r in doomed)
        {
            _rows.Remove(r);
        }

        return doomed.Count;
    }

    private static List<Row> SelectVersions(List<Row> candidates, VersionFilter filter)
    {
        if (filter.IncludeAll || candidates.Count == 0)
        {
            return candidates;
        }

        StixTimestamp first = candidates.Min(r => r.Version);
        StixTimestamp last = candidates.Max(r => r.Version);
        return candidates.Where(r =>
            (filter.IncludeFirst && r.Version == first)
            || (filter.IncludeLast && r.Version == last)
            || filter.Timestamps.Any(t => t == r.Version)).ToList();
    }

    private static System.Version SpecOf(Row r) => System.Version.Parse(r.SpecVersion);

    internal sealed record Row(string Id, string Type, string SpecVersion, StixTimestamp Version, DateTimeOffset DateAdded, byte[] Json);
}
