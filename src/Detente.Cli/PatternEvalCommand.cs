using System.CommandLine;
using System.Text;
using System.Text.Json;
using Detente.Patterns;
using Detente.Patterns.Evaluation;
using Detente.Patterns.Observations;
using Detente.Patterns.Telemetry;
using Detente.Patterns.Validation;

namespace Detente.Cli;

internal sealed partial class DetenteCli
{
    private Command PatternEvalCommand()
    {
        var pattern = new Argument<string>("PATTERN") { Description = "A STIX pattern, or - to read it from standard input." };
        var observed = new Option<string>("--observed")
        {
            Description = "STIX observed-data: a bundle, a JSON array, or JSON lines (2.1 object_refs or 2.0 objects); - for standard input.",
            Required = true,
        };
        var version = new Option<string>("--stix-version")
        {
            Description = "The patterning grammar: 2.1 (default) or 2.0.",
            DefaultValueFactory = static _ => "2.1",
        };
        version.AcceptOnlyFromAmong("2.0", "2.1");
        var json = new Option<bool>("--json")
        {
            Description = "Print one JSON object: {match, matched:[{id, first_observed, last_observed}], status, reason}.",
        };
        var eval = new Command("eval", "Evaluate a STIX pattern over observed-data. Prints the ids of the observations a match binds. "
            + "Exit code 0 match, 1 no match, 2 usage error, bad pattern, unreadable data, or data the pattern cannot be decided on.")
        {
            pattern,
            observed,
            version,
            json,
        };
        eval.SetAction((result, cancellationToken) => PatternEvalAsync(
            result.GetValue(pattern)!, result.GetValue(observed)!, result.GetValue(version) == "2.0" ? PatternVersion.V20 : PatternVersion.V21,
            result.GetValue(json), cancellationToken));
        return eval;
    }

    private async Task<int> PatternEvalAsync(string argument, string observedPath, PatternVersion version, bool json, CancellationToken cancellationToken)
    {
        if (argument == "-" && observedPath == "-")
        {
            await _stderr.WriteLineAsync("detente: the pattern and the observed data cannot both come from standard input");
            return ExitCodes.Unusable;
        }

        string? text = argument == "-" ? await ReadPatternAsync(cancellationToken) : argument;
        if (text is null)
        {
            return ExitCodes.Unusable;
        }

        // A pattern the validator refuses can match nothing meaningful: report it as the validate command does.
        PatternValidationResult validation = PatternValidator.Validate(text, version);
        if (!validation.IsValid || validation.Pattern is null)
        {
            foreach (PatternIssue issue in validation.Errors)
            {
                await _stderr.WriteLineAsync($"detente: pattern error: {issue}");
            }

            return ExitCodes.Unusable;
        }

        Stream? stream = OpenInput(observedPath);
        if (stream is null)
        {
            return ExitCodes.Unusable;
        }

        var observations = new List<Observation>();
        int errors = 0;
        await using (stream.ConfigureAwait(false))
        {
            await foreach (TelemetryRecord record in new StixTelemetryReader().ReadAllAsync(stream, cancellationToken))
            {
                if (record.Error is TelemetryError error)
                {
                    await _stderr.WriteLineAsync($"detente: {error}");
                    errors++;
                }
                else
                {
                    observations.Add(record.Observation!);
                }
            }
        }

        if (errors > 0)
        {
            await _stderr.WriteLineAsync($"detente: {errors} unreadable observed-data; nothing evaluated");
            return ExitCodes.Unusable;
        }

        PatternEvaluation evaluation = PatternEvaluator.Evaluate(validation.Pattern, observations);
        if (json)
        {
            await _stdout.WriteLineAsync(EvaluationJson(evaluation));
        }
        else if (evaluation.IsMatch)
        {
            foreach (Observation o in evaluation.Bindings)
            {
                await _stdout.WriteLineAsync(o.Id ?? o.Position.ToString());
            }
        }
        else if (evaluation.Status == EvaluationStatus.NoMatch)
        {
            await _stdout.WriteLineAsync($"no match ({observations.Count} observation(s))");
        }

        if (evaluation.Reason is string reason)
        {
            await _stderr.WriteLineAsync($"detente: {StatusName(evaluation.Status)}: {reason}");
        }

        return evaluation.Status switch
        {
            EvaluationStatus.Match => ExitCodes.Ok,
            EvaluationStatus.NoMatch => ExitCodes.Invalid,
            _ => ExitCodes.Unusable,
        };
    }

    private static string StatusName(EvaluationStatus status) => status switch
    {
        EvaluationStatus.Match => "match",
        EvaluationStatus.NoMatch => "no-match",
        EvaluationStatus.Undetermined => "undetermined",
        _ => "limit-exceeded",
    };

    private static string EvaluationJson(PatternEvaluation evaluation)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            if (evaluation.Status is EvaluationStatus.Match or EvaluationStatus.NoMatch)
            {
                writer.WriteBoolean("match", evaluation.IsMatch);
            }
            else
            {
                writer.WriteNull("match");
            }

            writer.WriteStartArray("matched");
            for (int i = 0; i < evaluation.Bindings.Count; i++)
            {
                Observation o = evaluation.Bindings[i];
                writer.WriteStartObject();
                writer.WriteString("id", o.Id);
                writer.WriteString("first_observed", o.FirstObserved.ToString());
                writer.WriteString("last_observed", o.LastObserved.ToString());
                writer.WriteNumber("instances", evaluation.Instances[i]);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteString("status", StatusName(evaluation.Status));
            if (evaluation.Reason is string reason)
            {
                writer.WriteString("reason", reason);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
