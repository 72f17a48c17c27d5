using Detente.Stix.Json;

namespace Detente.Stix.Validation;

/// <summary>Reads of already-walked properties for cross-property rules: a value of the wrong type reads as absent
/// (the walk has reported it), so each rule reports only its own problem.</summary>
internal static class RuleHelpers
{
    public static bool TryGetTimestamp(JsonObject obj, string name, out StixTimestamp timestamp)
    {
        timestamp = default;
        return obj[name] is JsonString text && StixTimestamp.TryParse(text.Value, out timestamp);
    }

    public static bool IsTrue(JsonObject obj, string name) => obj[name]?.Kind == JsonKind.True;

    public static bool IsFalse(JsonObject obj, string name) => obj[name]?.Kind == JsonKind.False;

    /// <summary>Reports an error on <paramref name="later"/> when it is before <paramref name="earlier"/> (or equal, when
    /// <paramref name="strictly"/>).</summary>
    public static void CheckOrder(JsonObject obj, string earlier, string later, bool strictly, string rule, ValidationContext ctx)
    {
        if (TryGetTimestamp(obj, earlier, out StixTimestamp first) && TryGetTimestamp(obj, later, out StixTimestamp last)
            && (strictly ? last <= first : last < first))
        {
            ctx.Error(rule, later, strictly ? $"must be later than {earlier}" : $"must be later than or equal to {earlier}");
        }
    }
}
