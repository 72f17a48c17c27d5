using System.Globalization;
using System.Text;
using Detente.Patterns.Observations;
using Detente.Patterns.Telemetry;
using Detente.Stix.Json;

namespace Detente.Patterns.Tests.Telemetry;

/// <summary>A sink that records what a flat reader reports, as text, committing fields on OnEvent as a matcher would.</summary>
public sealed class RecordingSink(FieldKeyTable keys) : IFlatEventSink
{
    private readonly List<string> _pending = [];

    public List<(FlatEvent Event, List<string> Fields)> Events { get; } = [];

    public List<TelemetryError> Errors { get; } = [];

    public int Discarded { get; private set; }

    public void OnField(in FlatField field)
    {
        string value = Encoding.UTF8.GetString(field.Utf8);
        string text = field.Kind switch
        {
            FlatValueKind.Integer => $"{keys.ToString(field.Key)} = {field.Integer.ToString(CultureInfo.InvariantCulture)}",
            FlatValueKind.Address => $"{keys.ToString(field.Key)} = {field.Address}",
            FlatValueKind.Number => $"{keys.ToString(field.Key)} = {field.Number.ToString(CultureInfo.InvariantCulture)}",
            _ => $"{keys.ToString(field.Key)} = '{value}'",
        };
        if (field.Kind == FlatValueKind.Address)
        {
            Assert.Equal(field.Address.ToString(), value);
        }

        _pending.Add(text);
    }

    public void OnEvent(in FlatEvent flatEvent)
    {
        Events.Add((flatEvent, [.. _pending]));
        _pending.Clear();
    }

    public void OnMalformed(TelemetryError error)
    {
        Discarded += _pending.Count;
        _pending.Clear();
        Errors.Add(error);
    }
}

/// <summary>Samples and a naive object-path walker over observations (the oracle for the readers).</summary>
public static class TelemetryTestHelpers
{
    public static byte[] Sample(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Telemetry", "Samples", name));

    public static MemoryStream SampleStream(string name) => new(Sample(name), writable: false);

    public static IEnumerable<byte[]> SampleLines(string name) =>
        Encoding.UTF8.GetString(Sample(name)).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(Encoding.UTF8.GetBytes);

    /// <summary>Every value at <paramref name="path"/> of the objects of <paramref name="type"/>, following references within the observation.</summary>
    public static IEnumerable<string> Values(Observation observation, string type, PropertyPath path)
    {
        foreach (ObservedObject o in observation.OfType(type))
        {
            foreach (string value in Walk(observation, o.Json, path.Steps, 0))
            {
                yield return value;
            }
        }
    }

    private static IEnumerable<string> Walk(Observation observation, JsonValue value, IReadOnlyList<PathStep> steps, int at)
    {
        if (at == steps.Count)
        {
            switch (value)
            {
                case JsonString s:
                    yield return s.Value;
                    break;
                case JsonNumber n:
                    yield return n.Value.ToString(CultureInfo.InvariantCulture);
                    break;
            }

            yield break;
        }

        PathStep step = steps[at];
        switch (step.Kind)
        {
            case PathStepKind.Property when value is JsonObject o && o[step.Name!] is JsonValue member:
                bool reference = step.Name!.EndsWith("_ref", StringComparison.Ordinal) && at + 1 < steps.Count;
                if (reference && member is JsonString id && observation.Resolve(id.Value) is ObservedObject target)
                {
                    foreach (string v in Walk(observation, target.Json, steps, at + 1))
                    {
                        yield return v;
                    }
                }
                else if (!reference)
                {
                    foreach (string v in Walk(observation, member, steps, at + 1))
                    {
                        yield return v;
                    }
                }

                break;
            case PathStepKind.AnyIndex when value is JsonArray array:
                foreach (JsonValue item in array)
                {
                    foreach (string v in Walk(observation, item, steps, at + 1))
                    {
                        yield return v;
                    }
                }

                break;
            case PathStepKind.Index when value is JsonArray list && step.Index < list.Count:
                foreach (string v in Walk(observation, list[step.Index], steps, at + 1))
                {
                    yield return v;
                }

                break;
        }
    }
}
