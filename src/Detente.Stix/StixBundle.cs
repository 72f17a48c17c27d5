using Detente.Stix.Json;

namespace Detente.Stix;

/// <summary>An immutable STIX bundle: a wrapper that carries objects, itself not a STIX object.</summary>
/// <remarks>STIX 2.1 §8: <c>type</c> is <c>bundle</c>, <c>id</c> is <c>bundle--UUID</c>, <c>objects</c> is optional.</remarks>
public sealed class StixBundle
{
    private StixBundle(JsonObject json, StixObject[] objects)
    {
        Json = json;
        Objects = objects;
    }

    /// <summary>The bundle's members.</summary>
    public JsonObject Json { get; }

    /// <summary>The <c>id</c> property.</summary>
    public string? Id => Json.GetString("id");

    /// <summary>The objects it carries, in order.</summary>
    public IReadOnlyList<StixObject> Objects { get; }

    /// <summary>Wraps a parsed bundle.</summary>
    /// <exception cref="StixFormatException">The JSON is not a bundle, or <c>objects</c> is not an array of objects.</exception>
    public static StixBundle FromJson(JsonObject json)
    {
        ArgumentNullException.ThrowIfNull(json);
        if (json.GetString("type") != "bundle")
        {
            throw new StixFormatException("A bundle must have \"type\": \"bundle\".");
        }

        if (!json.TryGetValue("objects", out JsonValue? value))
        {
            return new StixBundle(json, []);
        }

        if (value is not JsonArray array)
        {
            throw new StixFormatException("A bundle's 'objects' must be an array.");
        }

        var objects = new StixObject[array.Count];
        for (int i = 0; i < objects.Length; i++)
        {
            objects[i] = array[i] is JsonObject o
                ? new StixObject(o)
                : throw new StixFormatException($"A bundle's objects[{i}] is not a JSON object.");
        }

        return new StixBundle(json, objects);
    }

    /// <summary>Creates a bundle of <paramref name="objects"/> with a new random id.</summary>
    public static StixBundle Create(IEnumerable<StixObject> objects)
    {
        ArgumentNullException.ThrowIfNull(objects);
        StixObject[] list = objects.ToArray();
        JsonObject json = JsonObject.Create(
            ("type", "bundle"),
            ("id", StixId.NewRandom("bundle").ToString()),
            ("objects", JsonArray.Create(list.Select(static o => (JsonValue)o.Json))));
        return new StixBundle(json, list);
    }

    /// <summary>The RFC 8785 canonical form of the bundle.</summary>
    public byte[] Canonicalize() => JsonCanonicalizer.Canonicalize(Json);
}
