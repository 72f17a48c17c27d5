using System.Diagnostics.CodeAnalysis;
using System.Text;
using Detente.Stix;
using Detente.Stix.Json;

namespace Detente.Patterns.Telemetry;

/// <summary>One field of a flat log mapped to STIX object paths.</summary>
/// <param name="Field">The field's path in a log line: member names joined by <c>.</c>, <c>[*]</c> after a list (<c>dns.queries[*].rrname</c>).</param>
/// <param name="Targets">The object paths its value becomes, <c>type:path</c>.</param>
public sealed record FlatFieldMapping(string Field, IReadOnlyList<string> Targets);

/// <summary>A URL assembled from a host field and a path field, as HTTP logs record them; it becomes <c>url:value</c>.</summary>
/// <param name="Scheme">The scheme written before the host, e.g. <c>http</c>.</param>
/// <param name="Host">The field holding the host (a <c>Host</c> header).</param>
/// <param name="Path">The field holding the path and query (or an absolute URL, used as it is).</param>
public sealed record FlatUrlMapping(string Scheme, string Host, string Path);

/// <summary>
/// How the fields of a flat JSON log (Zeek, Suricata EVE, generic JSON lines) become STIX cyber-observables: which
/// field holds the time, and which fields hold which object paths. Immutable.
/// </summary>
/// <remarks>
/// <para>The mapping file format (JSON; <see cref="Parse"/>; unknown members are refused):</para>
/// <code>
/// {
///   "name": "zeek",
///   "timestamp": ["ts"],
///   "fields": {
///     "id.orig_h": "network-traffic:src_ref.value",
///     "id.resp_p": "network-traffic:dst_port",
///     "sha256": "file:hashes.'SHA-256'",
///     "query": ["domain-name:value"]
///   },
///   "urls": [ { "scheme": "http", "host": "host", "path": "uri" } ]
/// }
/// </code>
/// <para>A field path names members joined by <c>.</c>; it matches a member whose name contains the dots as well as
/// nested objects (Zeek writes <c>"id.orig_h"</c>, other tools <c>{"id":{"orig_h":…}}</c>). <c>[*]</c> after a
/// segment steps into every item of a list. The first <c>timestamp</c> field present in a line gives its time.</para>
/// <para>Targets (<c>type:path</c>) take one of these forms; the form decides how a value is normalized:</para>
/// <list type="table">
/// <item><term><c>ipv4-addr:value</c>, <c>ipv6-addr:value</c></term><description>an address, typed by its form (either target
/// takes both); IPv4-mapped IPv6 addresses become IPv4; anything else is ignored.</description></item>
/// <item><term><c>domain-name:value</c></term><description>a DNS name, lower-cased (ASCII), without a trailing dot or
/// <c>:port</c>; an address literal is ignored.</description></item>
/// <item><term><c>T:R_ref.value</c></term><description>a reference from the event's <c>T</c> object to the object holding
/// the value: <c>ipv4-addr</c>/<c>ipv6-addr</c> for an address, <c>mac-addr</c> for a MAC address (lower-cased),
/// <c>email-addr</c> for a value with <c>@</c>, <c>domain-name</c> (normalized as above) otherwise.</description></item>
/// <item><term><c>T:value</c></term><description>any other value object (<c>url</c>, <c>email-addr</c>, …), as written.</description></item>
/// <item><term><c>T:hashes.KEY</c></term><description>a hash value, lower-cased when it is hex (<see cref="FieldValues"/>).</description></item>
/// <item><term><c>T:NAME_port</c></term><description>a port: an integer 0–65535 (a JSON number or a decimal string).</description></item>
/// <item><term><c>T:protocols[*]</c></term><description>a protocol name, lower-cased (ASCII), added to the list.</description></item>
/// <item><term><c>T:NAME</c>, <c>T:NAME.KEY</c>, <c>T:NAME[*]</c></term><description>any other property, dictionary member or
/// list item of the event's <c>T</c> object: a string as written, a JSON number as a number.</description></item>
/// </list>
/// <para>A value of the wrong kind (an object where a string is expected, a port of 70000) is ignored; it does not make
/// the line malformed. Booleans and nulls are ignored.</para>
/// </remarks>
public sealed class FlatLogMapping
{
    /// <summary>The most segments a field path may have.</summary>
    public const int MaxFieldSegments = 8;

    private static readonly StixReader s_reader = new(new StixReaderLimits { MaxBytes = 1 << 20, MaxDepth = 8 });

    private FlatLogMapping(string name, string[] timestamp, FlatFieldMapping[] fields, FlatUrlMapping[] urls, MappingTarget[][] targets)
    {
        Name = name;
        TimestampFields = timestamp;
        Fields = fields;
        Urls = urls;
        Targets = targets;
    }

    /// <summary>The mapping's name.</summary>
    public string Name { get; }

    /// <summary>The fields that may hold the event time, in order of preference.</summary>
    public IReadOnlyList<string> TimestampFields { get; }

    /// <summary>The mapped fields.</summary>
    public IReadOnlyList<FlatFieldMapping> Fields { get; }

    /// <summary>The URLs assembled from a host and a path field.</summary>
    public IReadOnlyList<FlatUrlMapping> Urls { get; }

    /// <summary>Zeek JSON logs (conn, dns, http, files, ssl): <c>ts</c> as epoch seconds or ISO 8601.</summary>
    public static FlatLogMapping Zeek { get; } = Parse(Encoding.UTF8.GetBytes(BuiltInMappings.Zeek));

    /// <summary>Suricata EVE JSON (flow, dns, http, fileinfo, tls, alert, …): <c>timestamp</c> with a <c>+0000</c> offset.</summary>
    public static FlatLogMapping Eve { get; } = Parse(Encoding.UTF8.GetBytes(BuiltInMappings.Eve));

    /// <summary>Generic JSON lines with common flat names: <c>src_ip</c>, <c>dest_ip</c>, <c>domain</c>, <c>url</c>, <c>sha256</c>, <c>timestamp</c>, ….</summary>
    public static FlatLogMapping JsonLines { get; } = Parse(Encoding.UTF8.GetBytes(BuiltInMappings.JsonLines));

    /// <summary>The parsed targets of each field, in <see cref="Fields"/> order.</summary>
    internal IReadOnlyList<MappingTarget[]> Targets { get; }

    /// <summary>A built-in mapping by name: <c>zeek</c>, <c>eve</c> or <c>jsonl</c>.</summary>
    public static bool TryGetBuiltIn(string name, [NotNullWhen(true)] out FlatLogMapping? mapping)
    {
        mapping = name switch
        {
            "zeek" => Zeek,
            "eve" => Eve,
            "jsonl" => JsonLines,
            _ => null,
        };
        return mapping is not null;
    }

    /// <summary>Reads a mapping file.</summary>
    /// <exception cref="FormatException">The file is not a valid mapping; the message lists every problem.</exception>
    public static FlatLogMapping Parse(ReadOnlySpan<byte> utf8Json) =>
        TryParse(utf8Json, out FlatLogMapping? mapping, out IReadOnlyList<string> errors)
            ? mapping
            : throw new FormatException("The mapping is not valid: " + string.Join(" ", errors));

    /// <summary>Reads a mapping file, listing every problem instead of throwing.</summary>
    public static bool TryParse(ReadOnlySpan<byte> utf8Json, [NotNullWhen(true)] out FlatLogMapping? mapping, out IReadOnlyList<string> errors)
    {
        mapping = null;
        var problems = new List<string>();
        errors = problems;
        JsonValue document;
        try
        {
            document = s_reader.Parse(utf8Json);
        }
        catch (StixFormatException e)
        {
            problems.Add($"{e.Message} (at byte {e.BytePosition})");
            return false;
        }

        if (document is not JsonObject root)
        {
            problems.Add("A mapping is a JSON object.");
            return false;
        }

        foreach (string member in root.Names)
        {
            if (member is not ("name" or "timestamp" or "fields" or "urls"))
            {
                problems.Add($"Unknown member '{Clip(member)}' (name, timestamp, fields and urls are known).");
            }
        }

        string name = root.GetString("name") ?? string.Empty;
        if (name.Length == 0)
        {
            problems.Add("'name' must be a non-empty string.");
        }

        string[] timestamp = Strings(root["timestamp"], "timestamp", problems);
        if (timestamp.Length == 0)
        {
            problems.Add("'timestamp' must name at least one field.");
        }

        foreach (string field in timestamp)
        {
            CheckField(field, problems);
        }

        var fields = new List<FlatFieldMapping>();
        var targets = new List<MappingTarget[]>();
        if (root["fields"] is not JsonObject fieldMembers)
        {
            problems.Add("'fields' must be an object of field paths to object paths.");
        }
        else
        {
            foreach (KeyValuePair<string, JsonValue> member in fieldMembers)
            {
                CheckField(member.Key, problems);
                string[] paths = Strings(member.Value, $"fields.{Clip(member.Key)}", problems);
                if (paths.Length == 0)
                {
                    problems.Add($"Field '{Clip(member.Key)}' maps to no object path.");
                }

                var parsed = new List<MappingTarget>();
                foreach (string path in paths)
                {
                    if (MappingTarget.TryParse(path, out MappingTarget? target, out string? error))
                    {
                        parsed.Add(target);
                    }
                    else
                    {
                        problems.Add($"Field '{Clip(member.Key)}': {error}");
                    }
                }

                fields.Add(new FlatFieldMapping(member.Key, paths));
                targets.Add(parsed.ToArray());
            }
        }

        var urls = new List<FlatUrlMapping>();
        if (root["urls"] is JsonValue urlValue)
        {
            if (urlValue is not JsonArray urlArray)
            {
                problems.Add("'urls' must be an array.");
            }
            else
            {
                foreach (JsonValue item in urlArray)
                {
                    if (item is JsonObject u && u.GetString("scheme") is string scheme && u.GetString("host") is string host
                        && u.GetString("path") is string path && u.Count == 3 && IsScheme(scheme))
                    {
                        CheckField(host, problems);
                        CheckField(path, problems);
                        urls.Add(new FlatUrlMapping(scheme, host, path));
                    }
                    else
                    {
                        problems.Add("Each of 'urls' is {\"scheme\": …, \"host\": field, \"path\": field}, with a scheme of letters, digits, '+', '-' or '.'.");
                    }
                }
            }
        }

        // A property of an event object has one shape: a value, a dictionary, a list or a reference.
        var shapes = new Dictionary<(string Type, string Property), TargetKind>();
        foreach (MappingTarget target in targets.SelectMany(static t => t))
        {
            if (target.Kind is TargetKind.Address or TargetKind.Domain or TargetKind.ValueObject)
            {
                continue;
            }

            TargetKind shape = target.Kind switch
            {
                TargetKind.Hash or TargetKind.DictionaryMember => TargetKind.DictionaryMember,
                TargetKind.Protocol or TargetKind.ListItem => TargetKind.ListItem,
                TargetKind.Port => TargetKind.Scalar,
                _ => target.Kind,
            };
            if (shapes.TryGetValue((target.ObjectType, target.Property), out TargetKind existing) && existing != shape)
            {
                problems.Add($"'{target.ObjectType}:{Clip(target.Property)}' is mapped both as {Describe(existing)} and as {Describe(shape)}.");
            }

            shapes[(target.ObjectType, target.Property)] = shape;
        }

        if (problems.Count > 0)
        {
            return false;
        }

        mapping = new FlatLogMapping(name, timestamp, fields.ToArray(), urls.ToArray(), targets.ToArray());
        return true;
    }

    /// <summary>The segments of a field path: member names, and <c>[*]</c> for the items of a list.</summary>
    internal static List<string> Segments(string field)
    {
        var segments = new List<string>();
        foreach (string part in field.Split('.'))
        {
            string rest = part;
            int list = 0;
            while (rest.EndsWith("[*]", StringComparison.Ordinal))
            {
                rest = rest[..^3];
                list++;
            }

            segments.Add(rest);
            for (int i = 0; i < list; i++)
            {
                segments.Add("[*]");
            }
        }

        return segments;
    }

    private static void CheckField(string field, List<string> problems)
    {
        List<string> segments = Segments(field);
        bool ok = field.Length > 0 && segments[0] != "[*]" && segments.Count(static s => s != "[*]") <= MaxFieldSegments
            && segments.TrueForAll(static s => s.Length > 0 && (s == "[*]" || s.IndexOfAny(['[', ']']) < 0));
        if (!ok)
        {
            problems.Add($"'{Clip(field)}' is not a field path (names joined by '.', each optionally followed by [*], at most {MaxFieldSegments}).");
        }
    }

    private static string Describe(TargetKind shape) => shape switch
    {
        TargetKind.DictionaryMember => "a dictionary",
        TargetKind.ListItem => "a list",
        TargetKind.Reference => "a reference",
        _ => "a value",
    };

    private static bool IsScheme(string scheme) =>
        scheme.Length > 0 && char.IsAsciiLetter(scheme[0]) && scheme.All(static c => char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '.');

    private static string[] Strings(JsonValue? value, string what, List<string> problems)
    {
        switch (value)
        {
            case JsonString s:
                return [s.Value];
            case JsonArray a when a.All(static v => v is JsonString):
                return a.Select(static v => ((JsonString)v).Value).ToArray();
            default:
                problems.Add($"'{what}' must be a string or an array of strings.");
                return [];
        }
    }

    private static string Clip(string text)
    {
        var printable = new StringBuilder();
        foreach (char c in text.Length > 64 ? text[..64] : text)
        {
            printable.Append(char.IsControl(c) ? '?' : c);
        }

        return text.Length > 64 ? printable.Append('…').ToString() : printable.ToString();
    }
}

/// <summary>How a mapping target turns a value into STIX.</summary>
internal enum TargetKind
{
    /// <summary><c>ipv4-addr:value</c> or <c>ipv6-addr:value</c>.</summary>
    Address,

    /// <summary><c>domain-name:value</c>.</summary>
    Domain,

    /// <summary><c>T:value</c> of another type.</summary>
    ValueObject,

    /// <summary><c>T:R_ref.value</c>.</summary>
    Reference,

    /// <summary><c>T:hashes.KEY</c>.</summary>
    Hash,

    /// <summary><c>T:NAME_port</c>.</summary>
    Port,

    /// <summary><c>T:protocols[*]</c>.</summary>
    Protocol,

    /// <summary><c>T:NAME</c>.</summary>
    Scalar,

    /// <summary><c>T:NAME[*]</c>.</summary>
    ListItem,

    /// <summary><c>T:NAME.KEY</c>.</summary>
    DictionaryMember,
}

/// <summary>A parsed mapping target: the object type, the path, and the form that decides normalization.</summary>
internal sealed record MappingTarget(string Text, string ObjectType, PropertyPath Path, TargetKind Kind)
{
    /// <summary>The first property of the path (the property set on the event object, or the reference).</summary>
    public string Property => Path.Steps[0].Name!;

    /// <summary>The dictionary key of a <see cref="TargetKind.Hash"/> or <see cref="TargetKind.DictionaryMember"/> target.</summary>
    public string? Key => Path.Steps.Count > 1 ? Path.Steps[1].Name : null;

    public static bool TryParse(string text, [NotNullWhen(true)] out MappingTarget? target, [NotNullWhen(false)] out string? error)
    {
        target = null;
        int colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || !StixType.IsValidTypeName(text[..colon]) || !PropertyPath.TryParse(text[(colon + 1)..], out PropertyPath? path))
        {
            error = "a target is an object path, type:property (e.g. network-traffic:dst_ref.value).";
            return false;
        }

        string type = text[..colon];
        IReadOnlyList<PathStep> steps = path.Steps;
        string first = steps[0].Name!;
        TargetKind? kind = steps.Count switch
        {
            1 when first == "value" && type is "ipv4-addr" or "ipv6-addr" => TargetKind.Address,
            1 when first == "value" && type == "domain-name" => TargetKind.Domain,
            1 when first == "value" => TargetKind.ValueObject,
            1 when first.EndsWith("_port", StringComparison.Ordinal) => TargetKind.Port,
            1 when first.EndsWith("_ref", StringComparison.Ordinal) || first.EndsWith("_refs", StringComparison.Ordinal) => null,
            1 => TargetKind.Scalar,
            2 when steps[1].Kind == PathStepKind.AnyIndex && first == "protocols" => TargetKind.Protocol,
            2 when steps[1].Kind == PathStepKind.AnyIndex && !first.EndsWith("_refs", StringComparison.Ordinal) => TargetKind.ListItem,
            2 when steps[1] is { Kind: PathStepKind.Property, Name: "value" } && first.EndsWith("_ref", StringComparison.Ordinal) => TargetKind.Reference,
            2 when steps[1].Kind == PathStepKind.Property && first == "hashes" => TargetKind.Hash,
            2 when steps[1].Kind == PathStepKind.Property && !first.EndsWith("_ref", StringComparison.Ordinal) => TargetKind.DictionaryMember,
            _ => null,
        };
        if (kind is null)
        {
            error = $"the target '{type}:{path}' is not supported: use T:value, T:NAME, T:NAME.KEY, T:NAME[*] or T:NAME_ref.value.";
            return false;
        }

        target = new MappingTarget($"{type}:{path}", type, path, kind.Value);
        error = null;
        return true;
    }
}
