using System.Globalization;
using System.Text;
using System.Text.Json;
using Detente.Patterns.Indexing;
using Detente.Patterns.Observations;
using Detente.Patterns.Telemetry;
using Detente.Stix.Json;

namespace Detente.Fuzz;

/// <summary>
/// The flat log reader under every built-in mapping. It never throws; a line it accepts is a JSON object
/// System.Text.Json reads too; addresses it reports print back as they parse; and the fast path reports exactly the
/// values the slow path's observation holds at the reader's keys.
/// </summary>
public static class FlatLineTarget
{
    // Created on first use, inside the target (see FuzzTargets.Reader).
    private static class Readers
    {
        public static readonly FieldKeyTable Keys = new();

        public static readonly FlatEventReader[] All =
        [
            new(FlatLogMapping.Zeek, Keys),
            new(FlatLogMapping.Eve, Keys),
            new(FlatLogMapping.JsonLines, Keys),
        ];
    }

    public static void Fuzz(ReadOnlySpan<byte> input)
    {
        foreach (FlatEventReader reader in Readers.All)
        {
            var sink = new Collect();
            bool accepted = reader.Read(input, 1, 0, ref sink);
            TelemetryRecord record = reader.ReadObservation(input);
            if (accepted != (record.Observation is not null))
            {
                throw new FuzzFailure("The fast and slow paths disagree on whether the line is malformed.");
            }

            if (!accepted)
            {
                if (sink.Errors != 1 || sink.Events != 0)
                {
                    throw new FuzzFailure("A malformed line was not reported exactly once.");
                }

                continue;
            }

            try
            {
                using JsonDocument document = JsonDocument.Parse(input.ToArray());
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    throw new FuzzFailure("The reader accepted a line that is not a JSON object.");
                }
            }
            catch (JsonException e)
            {
                throw new FuzzFailure($"The reader accepted what System.Text.Json refuses: {e.Message}");
            }

            var held = new HashSet<string>(StringComparer.Ordinal);
            foreach (FieldKey key in reader.Keys)
            {
                foreach (string value in Values(record.Observation!, Readers.Keys.ObjectType(key), Readers.Keys.Path(key)))
                {
                    held.Add($"{key.Id}={value}");
                }
            }

            if (!held.SetEquals(sink.Fields))
            {
                throw new FuzzFailure("The fast path reported other values than the observation holds.");
            }
        }
    }

    private static IEnumerable<string> Values(Observation observation, string type, PropertyPath path)
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
            string? text = value switch
            {
                JsonString s => s.Value,
                JsonNumber n => n.Value.ToString("R", CultureInfo.InvariantCulture),
                _ => null,
            };
            return text is null ? [] : [text];
        }

        PathStep step = steps[at];
        if (step.Kind == PathStepKind.AnyIndex)
        {
            return value is JsonArray array ? array.SelectMany(item => Walk(observation, item, steps, at + 1)) : [];
        }

        if (value is not JsonObject o || o[step.Name!] is not JsonValue member)
        {
            return [];
        }

        if (step.Name!.EndsWith("_ref", StringComparison.Ordinal) && at + 1 < steps.Count)
        {
            return member is JsonString id && observation.Resolve(id.Value) is ObservedObject target
                ? Walk(observation, target.Json, steps, at + 1)
                : [];
        }

        return Walk(observation, member, steps, at + 1);
    }

    private struct Collect : IFlatEventSink
    {
        public Collect()
        {
        }

        public HashSet<string> Fields { get; } = new(StringComparer.Ordinal);

        public int Events { get; private set; }

        public int Errors { get; private set; }

        public readonly void OnField(in FlatField field)
        {
            string text = Encoding.UTF8.GetString(field.Utf8);
            if (field.Kind == FlatValueKind.Address && (!IpAddress.TryParse(field.Utf8, out IpAddress parsed) || parsed != field.Address || parsed.ToString() != text))
            {
                throw new FuzzFailure("A reported address does not read back as itself.");
            }

            string value = field.Kind switch
            {
                FlatValueKind.Integer => field.Integer.ToString(CultureInfo.InvariantCulture),
                FlatValueKind.Number => field.Number.ToString("R", CultureInfo.InvariantCulture),
                _ => text,
            };
            Fields.Add($"{field.Key.Id}={value}");
        }

        public void OnEvent(in FlatEvent flatEvent) => Events++;

        public void OnMalformed(TelemetryError error) => Errors++;
    }
}
