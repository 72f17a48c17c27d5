using Detente.Stix;
using Detente.Stix.Json;

namespace Detente.Taxii.Json;

/// <summary>Reads the members of one TAXII resource, with its JSON path for errors.</summary>
/// <remarks>
/// An optional member whose value is <c>null</c> counts as absent (some servers write nulls for absent members);
/// a required one does not. A member of the wrong type is an error. Unknown members (custom properties,
/// TAXII 2.1 §7.1) are ignored, as §7.1.1 allows a client to.
/// </remarks>
internal readonly struct Members(JsonObject json, string path)
{
    public JsonObject Json => json;

    public string Path => path;

    public static Members Of(JsonValue value, string path) =>
        value is JsonObject o ? new Members(o, path) : throw Error(path, "must be a JSON object");

    public string RequiredString(string name) =>
        Get(name) switch
        {
            JsonString s => s.Value,
            null => throw Missing(name),
            _ => throw WrongType(name, "a string"),
        };

    public string? OptionalString(string name) =>
        Get(name) switch
        {
            JsonString s => s.Value,
            null => null,
            _ => throw WrongType(name, "a string"),
        };

    public bool RequiredBoolean(string name) =>
        Get(name) switch
        {
            { Kind: JsonKind.True } => true,
            { Kind: JsonKind.False } => false,
            null => throw Missing(name),
            _ => throw WrongType(name, "true or false"),
        };

    public bool OptionalBoolean(string name) =>
        Get(name) switch
        {
            { Kind: JsonKind.True } => true,
            { Kind: JsonKind.False } or null => false,
            _ => throw WrongType(name, "true or false"),
        };

    /// <summary>A required integer of at least <paramref name="minimum"/> (TAXII 2.1 §2: within ±(2^53 − 1)).</summary>
    public long RequiredInteger(string name, long minimum) =>
        Get(name) switch
        {
            JsonNumber n when n.TryGetInt64(out long value) && value >= minimum => value,
            null => throw Missing(name),
            _ => throw WrongType(name, minimum == 0 ? "an integer of 0 or more" : $"an integer of {minimum} or more"),
        };

    public StixTimestamp RequiredTimestamp(string name) =>
        OptionalTimestamp(name) ?? throw Missing(name);

    public StixTimestamp? OptionalTimestamp(string name)
    {
        string? text = OptionalString(name);
        if (text is null)
        {
            return null;
        }

        return StixTimestamp.TryParse(text, out StixTimestamp t)
            ? t
            : throw Error(Member(name), $"'{Printable.Escape(text, 64)}' is not a timestamp (YYYY-MM-DDTHH:mm:ss[.s+]Z)");
    }

    /// <summary>A list of strings; an empty list reads as absent (TAXII 2.1 §2 forbids writing one).</summary>
    public IReadOnlyList<string> OptionalStrings(string name)
    {
        JsonArray? array = OptionalArray(name);
        if (array is null)
        {
            return [];
        }

        var values = new string[array.Count];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = array[i] is JsonString s ? s.Value : throw Error($"{Member(name)}[{i}]", "must be a string");
        }

        return values;
    }

    /// <summary>A required list of strings with at least one value (TAXII 2.1 §2).</summary>
    public IReadOnlyList<string> RequiredStrings(string name)
    {
        if (Get(name) is null)
        {
            throw Missing(name);
        }

        IReadOnlyList<string> values = OptionalStrings(name);
        return values.Count > 0 ? values : throw Error(Member(name), "must have at least one value");
    }

    public JsonArray? OptionalArray(string name) =>
        Get(name) switch
        {
            JsonArray a => a,
            null => null,
            _ => throw WrongType(name, "a list"),
        };

    public JsonObject? OptionalObject(string name) =>
        Get(name) switch
        {
            JsonObject o => o,
            null => null,
            _ => throw WrongType(name, "a JSON object"),
        };

    public string Member(string name) => $"{path}.{name}";

    public static TaxiiFormatException Error(string path, string message) => new(message, -1, path);

    /// <summary>The member's value; null when absent or JSON null.</summary>
    private JsonValue? Get(string name) =>
        json.TryGetValue(name, out JsonValue? value) && value.Kind != JsonKind.Null ? value : null;

    private TaxiiFormatException Missing(string name) => Error(Member(name), "is required");

    private TaxiiFormatException WrongType(string name, string expected) => Error(Member(name), $"must be {expected}");
}
