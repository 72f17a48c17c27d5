using Detente.Stix;
using Detente.Stix.Json;

namespace Detente.Cli;

/// <summary>One STIX object found in the input, with where it was found.</summary>
/// <param name="Line">The JSON line it came from, or null for a single document.</param>
/// <param name="Path">Its JSON path in that document: <c>$</c>, or <c>$.objects[i]</c> inside a bundle.</param>
/// <param name="Json">The object (not necessarily a JSON object: a bundle may carry anything).</param>
internal readonly record struct InputObject(long? Line, string Path, JsonValue Json)
{
    /// <summary>"line 3: $.objects[0]" or "$.objects[0]".</summary>
    public string Where => Line is long line ? $"line {line}: {Path}" : Path;

    /// <summary>The objects a document holds: the bundle's objects, or the document itself.</summary>
    public static IEnumerable<InputObject> From(StixInput input)
    {
        if (input.Value is JsonObject o && o.GetString("type") == "bundle")
        {
            if (o["objects"] is JsonArray objects)
            {
                for (int i = 0; i < objects.Count; i++)
                {
                    yield return new InputObject(input.LineNumber, $"$.objects[{i}]", objects[i]);
                }
            }

            yield break;
        }

        if (input.Value is not null)
        {
            yield return new InputObject(input.LineNumber, "$", input.Value);
        }
    }
}
