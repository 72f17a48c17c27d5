using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using Detente.Stix;

namespace Detente.Taxii.Query;

/// <summary>
/// The filter and paging parameters of a TAXII request: <c>added_after</c>, <c>limit</c>, <c>next</c> and
/// <c>match[id|type|version|spec_version]</c>. Formats to a query string (client) and parses one strictly (server).
/// </summary>
/// <remarks>
/// <para>TAXII 2.1 §3.4. Match fields are ANDed; the values of one field are ORed. A value set through a property is
/// checked there (a caller bug is an <see cref="ArgumentException"/>); a query string from outside is checked by
/// <see cref="TryParse"/>, which reports bad input as a <see cref="TaxiiQueryError"/> (HTTP 400).</para>
/// <para>Equality compares every parameter; list order counts.</para>
/// </remarks>
public sealed record TaxiiObjectQuery
{
    /// <summary>The longest query string <see cref="TryParse"/> reads, in characters.</summary>
    public const int MaxQueryLength = 16 * 1024;

    /// <summary>The most values <see cref="TryParse"/> accepts in one <c>match[…]</c> field.</summary>
    public const int MaxMatchValues = 1000;

    /// <summary>The longest <c>next</c> token <see cref="TryParse"/> accepts, in characters (a server's own tokens are short).</summary>
    public const int MaxNextLength = 1024;

    private static readonly SearchValues<char> s_plainQuery = SearchValues.Create(
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$'()*,;=:@/?[]");

    /// <summary>No parameters at all.</summary>
    public static TaxiiObjectQuery None { get; } = new();

    /// <summary><c>added_after</c>: only objects added to the collection strictly after this time (not a STIX property).</summary>
    public StixTimestamp? AddedAfter { get; init; }

    /// <summary><c>limit</c>: the most objects the client wants in one response; positive.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is zero or negative.</exception>
    public int? Limit
    {
        get;
        init
        {
            if (value is int limit)
            {
                ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit, nameof(Limit));
            }

            field = value;
        }
    }

    /// <summary><c>next</c>: the server's opaque token from the previous page's envelope.</summary>
    /// <exception cref="ArgumentException">The value is empty or not valid UTF-16 (an unpaired surrogate).</exception>
    public string? Next
    {
        get;
        init
        {
            if (value is not null && (value.Length == 0 || !IsValidUtf16(value)))
            {
                throw new ArgumentException("'next' must be a non-empty string of Unicode text.", nameof(Next));
            }

            field = value;
        }
    }

    /// <summary><c>match[id]</c>: STIX ids; empty when not filtering by id.</summary>
    /// <exception cref="ArgumentException">A value is not a STIX id (<c>type--uuid</c>).</exception>
    public IReadOnlyList<string> Ids { get; init => field = Check(value, IsId, "a STIX id (type--uuid)", nameof(Ids)); } = [];

    /// <summary><c>match[type]</c>: STIX type names; empty when not filtering by type.</summary>
    /// <exception cref="ArgumentException">A value is not a STIX type name.</exception>
    public IReadOnlyList<string> Types { get; init => field = Check(value, StixType.IsValidTypeName, "a STIX type name", nameof(Types)); } = [];

    /// <summary><c>match[version]</c>: which versions; null for the server's default (<c>last</c>).</summary>
    public TaxiiVersionFilter? Versions { get; init; }

    /// <summary><c>match[spec_version]</c>: STIX specification versions (<c>2.1</c>); empty for the latest the server has of each object.</summary>
    /// <exception cref="ArgumentException">A value is not of the form <c>n.m</c>.</exception>
    public IReadOnlyList<string> SpecVersions { get; init => field = Check(value, IsSpecVersion, "a version of the form n.m", nameof(SpecVersions)); } = [];

    /// <summary>True when no parameter is set.</summary>
    public bool IsEmpty => Equals(None);

    /// <summary>
    /// The query string, starting with <c>?</c>, or empty when there are no parameters. Values are percent-encoded
    /// (RFC 3986); the brackets of <c>match[…]</c> and the commas between values are written as the spec shows them.
    /// </summary>
    public string ToQueryString()
    {
        var builder = new StringBuilder();
        if (AddedAfter is StixTimestamp after)
        {
            Append(builder, "added_after", after.ToString());
        }

        if (Limit is int limit)
        {
            Append(builder, "limit", limit.ToString(CultureInfo.InvariantCulture));
        }

        if (Next is not null)
        {
            Append(builder, "next", Next);
        }

        AppendList(builder, "match[id]", Ids);
        AppendList(builder, "match[type]", Types);
        if (Versions is not null)
        {
            AppendList(builder, "match[version]", Versions.ToString().Split(','));
        }

        AppendList(builder, "match[spec_version]", SpecVersions);
        return builder.ToString();
    }

    /// <summary>The query string (<see cref="ToQueryString"/>).</summary>
    public override string ToString() => ToQueryString();

    /// <summary>True when both have the same parameters with the same values in the same order.</summary>
    public bool Equals(TaxiiObjectQuery? other) =>
        other is not null
            && Nullable.Equals(AddedAfter, other.AddedAfter)
            && Limit == other.Limit
            && string.Equals(Next, other.Next, StringComparison.Ordinal)
            && Ids.SequenceEqual(other.Ids, StringComparer.Ordinal)
            && Types.SequenceEqual(other.Types, StringComparer.Ordinal)
            && Equals(Versions, other.Versions)
            && SpecVersions.SequenceEqual(other.SpecVersions, StringComparer.Ordinal);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(AddedAfter, Limit, Next, Ids.Count, Types.Count, Versions, SpecVersions.Count);

    /// <summary>
    /// Parses a request's query string for <paramref name="endpoint"/>, strictly: every rule of TAXII 2.1 §3.4
    /// that a query can break is an error that names the parameter.
    /// </summary>
    /// <param name="queryString">The raw query string, with or without its leading <c>?</c>; null or empty for none.</param>
    /// <param name="endpoint">The endpoint, which decides the parameters allowed.</param>
    /// <param name="query">The parameters, when they are all valid.</param>
    /// <param name="error">Which parameter is wrong and why, otherwise.</param>
    /// <returns>True when the query is valid.</returns>
    /// <remarks>
    /// Refused: a parameter the endpoint does not take (including unknown <c>match[…]</c> fields: the spec lets a
    /// server ignore them, but ignoring a filter would return what the client did not ask for); a parameter given
    /// twice (TAXII 2.1 §3.4: each occurs at most once; values of one field are comma-separated, without spaces);
    /// an empty value or list item; a <c>limit</c> that is not a positive integer (one beyond 2^31 − 1 reads as
    /// 2^31 − 1: the server caps it anyway); an <c>added_after</c> or version that is not a timestamp; an id that
    /// is not a STIX id; a type that is not a STIX type name; a spec version not of the form <c>n.m</c>; bad
    /// percent-encoding or UTF-8; more than <see cref="MaxQueryLength"/> characters, <see cref="MaxMatchValues"/>
    /// values in one field, or a <c>next</c> over <see cref="MaxNextLength"/> characters. Keys and values are
    /// percent-decoded, and <c>+</c> is a space (as HTML forms and ASP.NET Core read queries).
    /// </remarks>
    public static bool TryParse(
        string? queryString,
        TaxiiQueryEndpoint endpoint,
        [NotNullWhen(true)] out TaxiiObjectQuery? query,
        [NotNullWhen(false)] out TaxiiQueryError? error)
    {
        query = null;
        QueryParameters allowed = QueryEndpoints.Allowed(endpoint);
        ReadOnlySpan<char> text = queryString;
        if (text.StartsWith('?'))
        {
            text = text[1..];
        }

        if (text.Length > MaxQueryLength)
        {
            error = new TaxiiQueryError("query", $"The query is longer than {MaxQueryLength} characters.");
            return false;
        }

        var builder = new QueryBuilder();
        QueryParameters seen = QueryParameters.None;
        while (!text.IsEmpty)
        {
            int amp = text.IndexOf('&');
            ReadOnlySpan<char> pair = amp < 0 ? text : text[..amp];
            text = amp < 0 ? default : text[(amp + 1)..];
            if (pair.IsEmpty)
            {
                continue;
            }

            int eq = pair.IndexOf('=');
            ReadOnlySpan<char> rawKey = eq < 0 ? pair : pair[..eq];
            if (!TryDecode(rawKey, out string? key))
            {
                error = new TaxiiQueryError(Printable.Escape(rawKey.ToString(), 64), "The parameter name is not valid percent-encoded UTF-8.");
                return false;
            }

            string shownKey = Printable.Escape(key, 64); // the key itself when it needs no escape: no allocation
            QueryParameters parameter = Identify(key);
            if (parameter == QueryParameters.None)
            {
                error = new TaxiiQueryError(shownKey, key.StartsWith("match[", StringComparison.Ordinal)
                    ? "This server filters on id, type, version and spec_version only."
                    : "This is not a TAXII 2.1 query parameter.");
                return false;
            }

            if ((allowed & parameter) == 0)
            {
                error = new TaxiiQueryError(shownKey, "This endpoint does not take this parameter.");
                return false;
            }

            if ((seen & parameter) != 0)
            {
                error = new TaxiiQueryError(shownKey, "The parameter occurs more than once; give several values as one comma-separated list.");
                return false;
            }

            seen |= parameter;
            if (eq < 0 || !TryDecode(pair[(eq + 1)..], out string? value))
            {
                error = new TaxiiQueryError(shownKey, eq < 0 ? "The parameter has no value." : "The value is not valid percent-encoded UTF-8.");
                return false;
            }

            string? problem = builder.Set(parameter, value);
            if (problem is not null)
            {
                error = new TaxiiQueryError(shownKey, problem);
                return false;
            }
        }

        error = null;
        query = builder.Build();
        return true;
    }

    /// <summary>The first parameter that <paramref name="endpoint"/> does not take, or null.</summary>
    internal string? FirstDisallowed(TaxiiQueryEndpoint endpoint)
    {
        QueryParameters present =
            (AddedAfter is null ? 0 : QueryParameters.AddedAfter)
            | (Limit is null ? 0 : QueryParameters.Limit)
            | (Next is null ? 0 : QueryParameters.Next)
            | (Ids.Count == 0 ? 0 : QueryParameters.Id)
            | (Types.Count == 0 ? 0 : QueryParameters.Type)
            | (Versions is null ? 0 : QueryParameters.Version)
            | (SpecVersions.Count == 0 ? 0 : QueryParameters.SpecVersion);
        QueryParameters refused = present & ~QueryEndpoints.Allowed(endpoint);
        return refused == 0 ? null : QueryEndpoints.Name((QueryParameters)((int)refused & -(int)refused));
    }

    private static QueryParameters Identify(string key) =>
        key switch
        {
            "added_after" => QueryParameters.AddedAfter,
            "limit" => QueryParameters.Limit,
            "next" => QueryParameters.Next,
            "match[id]" => QueryParameters.Id,
            "match[type]" => QueryParameters.Type,
            "match[version]" => QueryParameters.Version,
            "match[spec_version]" => QueryParameters.SpecVersion,
            _ => QueryParameters.None,
        };

    private static bool IsId(string value) => StixId.TryParse(value, out _);

    private static bool IsValidUtf16(string value)
    {
        for (int i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(value[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsSpecVersion(string value)
    {
        int dot = value.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 && dot < value.Length - 1 && value.Length <= 16
            && value.AsSpan(0, dot).IndexOfAnyExceptInRange('0', '9') < 0
            && value.AsSpan(dot + 1).IndexOfAnyExceptInRange('0', '9') < 0;
    }

    private static string[] Check(IReadOnlyList<string> values, Func<string, bool> isValid, string what, string name)
    {
        ArgumentNullException.ThrowIfNull(values, name);
        string[] copy = values.ToArray();
        foreach (string value in copy)
        {
            if (value is null || !isValid(value))
            {
                throw new ArgumentException($"'{(value is null ? "null" : Printable.Escape(value, 64))}' is not {what}.", name);
            }
        }

        return copy;
    }

    private static void Append(StringBuilder builder, string key, string value)
    {
        builder.Append(builder.Length == 0 ? '?' : '&').Append(key).Append('=').Append(Uri.EscapeDataString(value));
    }

    private static void AppendList(StringBuilder builder, string key, IReadOnlyList<string> values)
    {
        if (values.Count == 0)
        {
            return;
        }

        builder.Append(builder.Length == 0 ? '?' : '&').Append(key).Append('=');
        for (int i = 0; i < values.Count; i++)
        {
            builder.Append(i == 0 ? "" : ",").Append(Uri.EscapeDataString(values[i]));
        }
    }

    /// <summary>Percent-decodes (with <c>+</c> as a space) into a string; false on a bad escape or invalid UTF-8.</summary>
    private static bool TryDecode(ReadOnlySpan<char> raw, [NotNullWhen(true)] out string? value)
    {
        if (!raw.ContainsAny('%', '+'))
        {
            // The common case: nothing to decode. Characters outside the query grammar are refused below.
            value = raw.ContainsAnyExcept(s_plainQuery) ? null : raw.ToString();
            return value is not null;
        }

        byte[] bytes = ArrayPool<byte>.Shared.Rent(raw.Length);
        try
        {
            int length = 0;
            for (int i = 0; i < raw.Length; i++)
            {
                char c = raw[i];
                if (c == '%')
                {
                    if (i + 2 >= raw.Length || !IsHex(raw[i + 1]) || !IsHex(raw[i + 2]))
                    {
                        value = null;
                        return false;
                    }

                    bytes[length++] = (byte)((HexValue(raw[i + 1]) << 4) | HexValue(raw[i + 2]));
                    i += 2;
                }
                else if (c == '+')
                {
                    bytes[length++] = (byte)' ';
                }
                else if (s_plainQuery.Contains(c))
                {
                    bytes[length++] = (byte)c;
                }
                else
                {
                    value = null;
                    return false;
                }
            }

            ReadOnlySpan<byte> decoded = bytes.AsSpan(0, length);
            value = System.Text.Unicode.Utf8.IsValid(decoded) ? Encoding.UTF8.GetString(decoded) : null;
            return value is not null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;

    /// <summary>Collects parsed values; each setter returns an error message or null.</summary>
    private sealed class QueryBuilder
    {
        private StixTimestamp? _addedAfter;
        private int? _limit;
        private string? _next;
        private string[] _ids = [];
        private string[] _types = [];
        private TaxiiVersionFilter? _versions;
        private string[] _specVersions = [];

        public string? Set(QueryParameters parameter, string value)
        {
            if (value.Length == 0)
            {
                return "The value is empty.";
            }

            switch (parameter)
            {
                case QueryParameters.AddedAfter:
                    if (!StixTimestamp.TryParse(value, out StixTimestamp after))
                    {
                        return $"'{Printable.Escape(value, 64)}' is not one timestamp (YYYY-MM-DDTHH:mm:ss[.s+]Z).";
                    }

                    _addedAfter = after;
                    return null;
                case QueryParameters.Limit:
                    return SetLimit(value);
                case QueryParameters.Next:
                    if (value.Length > MaxNextLength)
                    {
                        return $"The value is longer than {MaxNextLength} characters.";
                    }

                    _next = value;
                    return null;
                case QueryParameters.Version:
                    string[]? versionItems = Split(value, out string? listError);
                    if (versionItems is null)
                    {
                        return listError;
                    }

                    _versions = TaxiiVersionFilter.Parse(versionItems, out string? versionError);
                    return versionError;
                default:
                    return SetList(parameter, value);
            }
        }

        public TaxiiObjectQuery Build() =>
            new()
            {
                AddedAfter = _addedAfter,
                Limit = _limit,
                Next = _next,
                Ids = _ids,
                Types = _types,
                Versions = _versions,
                SpecVersions = _specVersions,
            };

        private string? SetLimit(string value)
        {
            if (value.AsSpan().IndexOfAnyExceptInRange('0', '9') >= 0)
            {
                return $"'{Printable.Escape(value, 64)}' is not a positive integer.";
            }

            ReadOnlySpan<char> digits = value.AsSpan().TrimStart('0');
            if (digits.IsEmpty)
            {
                return "The limit must be greater than zero.";
            }

            // Larger than the server will ever give is allowed (TAXII 2.1 §3.4: it may return fewer); saturate.
            _limit = digits.Length > 10 || !int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out int limit)
                ? int.MaxValue
                : limit;
            return null;
        }

        private string? SetList(QueryParameters parameter, string value)
        {
            string[]? items = Split(value, out string? error);
            if (items is null)
            {
                return error;
            }

            (Func<string, bool> isValid, string what) = parameter switch
            {
                QueryParameters.Id => ((Func<string, bool>)IsId, "a STIX id (type--uuid)"),
                QueryParameters.Type => (StixType.IsValidTypeName, "a STIX type name"),
                _ => (IsSpecVersion, "a specification version of the form n.m"),
            };
            foreach (string item in items)
            {
                if (!isValid(item))
                {
                    return $"'{Printable.Escape(item, 64)}' is not {what}.";
                }
            }

            switch (parameter)
            {
                case QueryParameters.Id:
                    _ids = items;
                    break;
                case QueryParameters.Type:
                    _types = items;
                    break;
                default:
                    _specVersions = items;
                    break;
            }

            return null;
        }

        private static string[]? Split(string value, out string? error)
        {
            string[] items = value.Split(',');
            if (items.Length > MaxMatchValues)
            {
                error = $"The list has more than {MaxMatchValues} values.";
                return null;
            }

            foreach (string item in items)
            {
                if (item.Length == 0)
                {
                    error = "The list has an empty value (values are separated by single commas).";
                    return null;
                }
            }

            error = null;
            return items;
        }
    }
}
