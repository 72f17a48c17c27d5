using System.Collections.Concurrent;
using System.Data.Common;
using System.Text;
using Detente.Stix;

namespace Detente.Storage.Sql;

/// <summary>The SQL of one filtered read, built once per read and re-run per batch with a new position.</summary>
/// <remarks>
/// The text depends only on the filter's shape (which lists are set, how many values), so a backend that caches
/// prepared statements by text reuses them across requests. The common TAXII poll (no spec version filter, the
/// latest version) becomes <c>spec_latest = 1 AND v_last = 1</c>, which the partial index <c>objects_latest</c> serves
/// as a range scan in <c>date_added</c> order; with an egress class (<see cref="ObjectFilter.EgressClass"/>),
/// <c>objects_latest_class</c> on <c>(collection_key, egress_class, date_added)</c> does, so that versions of other
/// classes are never read. An explicit spec version list falls back to correlated
/// <c>NOT EXISTS</c> probes on <c>(collection_key, object_id, version_key)</c>.
/// </remarks>
internal sealed class ObjectQuery
{
    // The type is the id's prefix, and nearly every version is STIX 2.1: reading neither as text saves a third of
    // the per-row cost of a page. Bench: Storage/StoreReadBenchmarks.PageOf100
    public const string Columns = "o.date_added, o.object_id, CASE WHEN o.spec_version = '2.1' THEN NULL ELSE o.spec_version END, o.version, o.json, o.facts, o.v_last";

    private static readonly ConcurrentDictionary<int, string> s_latest = new();

    private readonly List<(string Name, object Value)> _values = [];
    private readonly Dictionary<string, string> _types = new(StringComparer.Ordinal);

    private ObjectQuery(string sql, long addedAfter)
    {
        Sql = sql;
        AddedAfter = addedAfter;
    }

    public string Sql { get; }

    /// <summary>The filter's <c>added_after</c> in store microseconds (versions must be strictly later), or -1.</summary>
    public long AddedAfter { get; }

    public static ObjectQuery Build(ObjectFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        Check(filter.Ids, nameof(filter.Ids));
        Check(filter.Types, nameof(filter.Types));
        Check(filter.SpecVersions, nameof(filter.SpecVersions));
        ArgumentNullException.ThrowIfNull(filter.Versions);
        if (filter.Versions.Timestamps.Count > ObjectFilter.MaxValues)
        {
            throw new ArgumentException($"A filter list holds at most {ObjectFilter.MaxValues} values.", nameof(filter));
        }

        if (filter.Versions.IsEmpty)
        {
            throw new ArgumentException("The version filter selects nothing.", nameof(filter));
        }

        var values = new List<(string, object)>();
        var sql = new StringBuilder(512);
        sql.Append("SELECT ").Append(Columns).Append(" FROM objects o WHERE o.collection_key = @c AND o.date_added > @after");
        AppendIn(sql, values, "o.object_id", "i", filter.Ids);
        AppendIn(sql, values, "o.type", "t", filter.Types);
        if (filter.EgressClass is { } egressClass)
        {
            // Served by objects_latest_class (the common poll) or objects_class: versions of another class cost no row read.
            sql.Append(" AND o.egress_class = @e");
            values.Add(("@e", (int)egressClass));
        }

        VersionFilter v = filter.Versions;
        string[] exact = v.Timestamps.Select(VersionKey.Of).Distinct(StringComparer.Ordinal).ToArray();
        if (filter.SpecVersions.Count == 0)
        {
            sql.Append(" AND o.spec_latest = 1");
            if (!v.IncludeAll)
            {
                var any = new List<string>(3);
                if (v.IncludeFirst)
                {
                    any.Add("o.v_first = 1");
                }

                if (v.IncludeLast)
                {
                    any.Add("o.v_last = 1");
                }

                if (exact.Length > 0)
                {
                    any.Add(InList("o.version_key", "v", exact, values));
                }

                AppendAny(sql, any);
            }
        }
        else
        {
            string[] specs = filter.SpecVersions.Distinct(StringComparer.Ordinal).ToArray();
            string specIn = InList("o.spec_version", "s", specs, values);
            sql.Append(" AND ").Append(specIn);
            if (!v.IncludeAll)
            {
                // The earliest (latest) candidate has no other candidate of its object with an earlier (later) version.
                string sibling = "SELECT 1 FROM objects p WHERE p.collection_key = o.collection_key AND p.object_id = o.object_id AND "
                    + specIn.Replace("o.spec_version", "p.spec_version", StringComparison.Ordinal);
                var any = new List<string>(3);
                if (v.IncludeFirst)
                {
                    any.Add($"NOT EXISTS ({sibling} AND p.version_key < o.version_key)");
                }

                if (v.IncludeLast)
                {
                    any.Add($"NOT EXISTS ({sibling} AND p.version_key > o.version_key)");
                }

                if (exact.Length > 0)
                {
                    any.Add(InList("o.version_key", "v", exact, values));
                }

                AppendAny(sql, any);
            }
        }

        sql.Append(" ORDER BY o.date_added LIMIT @n");
        long addedAfter = filter.AddedAfter is { } a ? Micros.From(a.Value) : -1;
        var query = new ObjectQuery(sql.ToString(), addedAfter);
        query._values.AddRange(values);
        return query;
    }

    /// <summary>The read of the latest version (<c>v_last = 1</c>, which implies the latest spec version) of each of
    /// <paramref name="size"/> object ids (<c>@i0</c>…), bound with <see cref="BindLatest"/>; served by the unique index
    /// <c>objects_version</c> on <c>(collection_key, object_id, version_key)</c>.</summary>
    public static ObjectQuery Latest(int size) => new(s_latest.GetOrAdd(size, static n =>
        "SELECT " + Columns + " FROM objects o WHERE o.collection_key = @c AND o.v_last = 1 AND o.object_id IN ("
        + string.Join(", ", Enumerable.Range(0, n).Select(i => SqlText.Name("@i", i))) + ")"), -1);

    /// <summary>The read of up to <c>@n</c> versions waiting for their egress class (<c>egress_class_pending</c>), oldest
    /// first: the version's columns (null when it was deleted since), then the pending row's collection key and position.</summary>
    public static ObjectQuery Pending() => new(
        "SELECT " + Columns + ", p.collection_key, p.date_added FROM egress_class_pending p "
        + "LEFT JOIN objects o ON o.collection_key = p.collection_key AND o.date_added = p.date_added "
        + "ORDER BY p.collection_key, p.date_added LIMIT @n", -1);

    /// <summary>Binds the collection and the ids of a <see cref="Latest"/> read (the list padded by repeating its last id).</summary>
    public static void BindLatest(DbCommand command, long collectionKey, IReadOnlyList<string> ids, int start, int count, int size)
    {
        command.Set("@c", collectionKey);
        for (int i = 0; i < size; i++)
        {
            command.Set(SqlText.Name("@i", i), ids[start + Math.Min(i, count - 1)]);
        }
    }

    /// <summary>Binds the filter's values and this batch's collection, position and size.</summary>
    public void Bind(DbCommand command, long collectionKey, long after, int limit)
    {
        command.Set("@c", collectionKey);
        // added_after is exclusive; versions are whole microseconds, so "later than t" is "later than t rounded down".
        command.Set("@after", Math.Max(after, AddedAfter));
        command.Set("@n", limit);
        foreach ((string name, object value) in _values)
        {
            command.Set(name, value);
        }
    }

    public StoredObject Read(DbDataReader reader)
    {
        long dateAdded = reader.GetInt64(0);
        string id = reader.GetString(1);
        return new StoredObject(
            id,
            TypeOf(id),
            reader.IsDBNull(2) ? "2.1" : reader.GetString(2),
            StixTimestamp.Parse(reader.GetString(3)),
            Micros.ToDateTimeOffset(dateAdded),
            reader.GetFieldValue<byte[]>(4))
        {
            Facts = reader.IsDBNull(5) ? default : reader.GetFieldValue<byte[]>(5),
            IsLatest = reader.GetInt32(6) != 0,
        };
    }

    private string TypeOf(string id)
    {
        ReadOnlySpan<char> type = id.AsSpan(0, id.IndexOf("--", StringComparison.Ordinal));
        Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> types = _types.GetAlternateLookup<ReadOnlySpan<char>>();
        if (!types.TryGetValue(type, out string? known))
        {
            known = type.ToString();
            types[type] = known;
        }

        return known;
    }

    private static void Check(IReadOnlyList<string> list, string name)
    {
        ArgumentNullException.ThrowIfNull(list, name);
        if (list.Count > ObjectFilter.MaxValues)
        {
            throw new ArgumentException($"A filter list holds at most {ObjectFilter.MaxValues} values.", name);
        }

        foreach (string value in list)
        {
            ArgumentNullException.ThrowIfNull(value, name);
        }
    }

    private static void AppendIn(StringBuilder sql, List<(string, object)> values, string column, string prefix, IReadOnlyList<string> list)
    {
        if (list.Count > 0)
        {
            sql.Append(" AND ").Append(InList(column, prefix, list.Distinct(StringComparer.Ordinal).ToArray(), values));
        }
    }

    private static string InList(string column, string prefix, string[] list, List<(string, object)> values)
    {
        var sql = new StringBuilder(column.Length + (list.Length * 8));
        sql.Append(column).Append(" IN (");
        for (int i = 0; i < list.Length; i++)
        {
            string name = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"@{prefix}{i}");
            sql.Append(i == 0 ? string.Empty : ", ").Append(name);
            values.Add((name, list[i]));
        }

        return sql.Append(')').ToString();
    }

    private static void AppendAny(StringBuilder sql, List<string> any)
    {
        sql.Append(any.Count == 1 ? " AND " + any[0] : " AND (" + string.Join(" OR ", any) + ")");
    }
}
