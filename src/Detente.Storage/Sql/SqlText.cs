using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace Detente.Storage.Sql;

/// <summary>Statements whose text depends on a row or value count, made for a few counts only so that backends
/// that cache prepared statements by text keep a handful.</summary>
internal static class SqlText
{
    /// <summary>The most ids one version lookup binds.</summary>
    public const int MaxInList = 128;

    private static readonly int[] s_listSizes = [1, 4, 16, 64, MaxInList];
    private static readonly int[] s_insertSizes = [64, 16, 4, 1];
    private static readonly ConcurrentDictionary<int, string> s_selectVersions = new();
    private static readonly ConcurrentDictionary<int, string> s_insertVersions = new();
    private static readonly ConcurrentDictionary<int, string> s_insertStatusDetails = new();
    private static readonly ConcurrentDictionary<int, string> s_insertLogEntries = new();
    private static readonly ConcurrentDictionary<(string, int), string> s_names = new();

    /// <summary>The smallest list size at least <paramref name="count"/>.</summary>
    public static int PaddedSize(int count) => s_listSizes.First(s => s >= count);

    /// <summary>The largest insert size at most <paramref name="remaining"/> and <paramref name="max"/> (1 at least).</summary>
    public static int InsertSize(int remaining, int max) => s_insertSizes.First(s => s <= remaining && s <= max);

    /// <summary><c>@prefix</c> followed by <paramref name="index"/>.</summary>
    public static string Name(string prefix, int index) =>
        s_names.GetOrAdd((prefix, index), static k => k.Item1 + k.Item2.ToString(CultureInfo.InvariantCulture));

    public static string SelectVersions(int size) => s_selectVersions.GetOrAdd(size, static n =>
        "SELECT object_id, date_added, spec_version, spec_key, version, version_key, spec_latest, v_first, v_last FROM objects "
        + "WHERE collection_key = @c AND object_id IN (" + string.Join(", ", Enumerable.Range(0, n).Select(i => Name("@i", i))) + ")");

    public static string InsertVersions(int size) => s_insertVersions.GetOrAdd(size, static n =>
    {
        var sql = new StringBuilder("INSERT INTO objects (collection_key, date_added, object_id, type, spec_version, spec_key, version, "
            + "version_key, spec_latest, v_first, v_last, json, facts, egress_class) VALUES ");
        for (int i = 0; i < n; i++)
        {
            sql.Append(i == 0 ? "(" : ", (").Append("@c");
            foreach (string column in (string[])["@d", "@id", "@type", "@spec", "@speckey", "@v", "@vkey", "@sl", "@vf", "@vl", "@json", "@facts", "@ec"])
            {
                sql.Append(", ").Append(Name(column, i));
            }

            sql.Append(')');
        }

        return sql.ToString();
    });

    public static string InsertLogEntries(int size) => s_insertLogEntries.GetOrAdd(size, static n =>
    {
        var sql = new StringBuilder("INSERT INTO log_entries (collection_key, leaf_index, date_added, action, entry, salt) VALUES ");
        for (int i = 0; i < n; i++)
        {
            sql.Append(i == 0 ? "(" : ", (").Append("@c");
            foreach (string column in (string[])["@i", "@d", "@a", "@e", "@s"])
            {
                sql.Append(", ").Append(Name(column, i));
            }

            sql.Append(')');
        }

        return sql.ToString();
    });

    public static string InsertStatusDetails(int size) => s_insertStatusDetails.GetOrAdd(size, static n =>
    {
        var sql = new StringBuilder("INSERT INTO status_details (status_id, idx, object_id, version, outcome, message) VALUES ");
        for (int i = 0; i < n; i++)
        {
            sql.Append(i == 0 ? "(" : ", (").Append("@s");
            foreach (string column in (string[])["@i", "@id", "@v", "@o", "@m"])
            {
                sql.Append(", ").Append(Name(column, i));
            }

            sql.Append(')');
        }

        return sql.ToString();
    });
}
