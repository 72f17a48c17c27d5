using System.Text;
using Detente.Patterns.Evaluation;
using Detente.Patterns.Observations;
using Detente.Stix;
using Detente.Stix.Json;

namespace Detente.Patterns.Tests.Evaluation;

/// <summary>Builds observations from JSON objects and evaluates patterns over them, for the evaluator's tests.</summary>
internal static class Obs
{
    private static readonly StixReader s_reader = new();

    /// <summary>An observation at one instant, seen once, of the objects given as JSON (keys "0", "1", … as in STIX 2.0).</summary>
    public static Observation At(string time, params string[] objects) => Span(time, time, 1, objects);

    /// <summary>An observation from first to last, seen count times; objects keyed "0", "1", … (references use those keys).</summary>
    public static Observation Span(string first, string last, long count, params string[] objects)
    {
        var list = new List<ObservedObject>();
        for (int i = 0; i < objects.Length; i++)
        {
            list.Add(new ObservedObject(i.ToString(System.Globalization.CultureInfo.InvariantCulture), Object(objects[i])));
        }

        return Observation.Create(StixTimestamp.Parse(first), StixTimestamp.Parse(last), count, list, ObservationForm.Embedded, id: $"observed-data--{first}-{Guid.NewGuid()}");
    }

    public static StixObject Object(string json) => new((JsonObject)s_reader.Parse(Encoding.UTF8.GetBytes(json)));

    /// <summary>Does the comparison inside the pattern's first brackets hold for the observation?</summary>
    public static ComparisonOutcome Compare(string comparison, Observation observation)
    {
        Pattern pattern = Pattern.Parse($"[{comparison}]");
        return ComparisonEvaluator.Evaluate(((SimpleObservation)pattern.Root).Comparison, observation, out _);
    }

    public static bool Holds(string comparison, params string[] objects) =>
        Compare(comparison, At("2024-01-01T00:00:00Z", objects)) == ComparisonOutcome.True;

    public static PatternEvaluation Eval(string pattern, params Observation[] observations) =>
        PatternEvaluator.Evaluate(Pattern.Parse(pattern), observations);
}
