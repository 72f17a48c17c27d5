using System.CommandLine;
using System.Text.Json;
using Detente.Patterns.Validation;
using Detente.Stix.Json;
using Detente.Stix.Validation;

namespace Detente.Cli;

internal sealed partial class DetenteCli
{
    /// <summary>The rule id under which unreadable input is reported.</summary>
    internal const string UnreadableRule = "json.unreadable";

    private Command ValidateCommand()
    {
        Argument<string> file = InputArgument();
        var json = new Option<bool>("--json")
        {
            Description = "Print one JSON document: {\"issues\":[{severity,line,path,rule,message}…],\"documents\",\"objects\",\"errors\",\"warnings\",\"valid\"}.",
        };
        var command = new Command("validate", "Validate a STIX 2.1 bundle or object (JSON or JSON lines): errors (MUST rules) and warnings (SHOULD rules) "
            + "with their JSON paths; indicator patterns included. Exit code 0 valid, 1 invalid, 2 unusable input.")
        {
            file,
            json,
        };
        command.SetAction((result, cancellationToken) => ValidateAsync(result.GetValue(file)!, result.GetValue(json), cancellationToken));
        return command;
    }

    private async Task<int> ValidateAsync(string path, bool json, CancellationToken cancellationToken)
    {
        // Indicator patterns (pattern_type stix) are checked by the patterning library: grammar and §9 rules.
        var validator = new StixValidator(new StixValidatorOptions { PatternValidator = new StixPatternValidator() });
        var output = new IssueOutput(_stdout, json);
        long documents = 0;
        long objects = 0;
        bool unusable = false;
        bool opened = await ForEachDocumentAsync(path, async input =>
        {
            documents++;
            if (input.Error is not null)
            {
                unusable = true;
                await output.WriteAsync("error", input.LineNumber, "$", UnreadableRule, Describe(input.Error));
                return;
            }

            JsonValue value = input.Value!;
            objects += value is JsonObject o && o.GetString("type") == "bundle" ? (o["objects"] as JsonArray)?.Count ?? 0 : 1;
            ValidationReport report = validator.Validate(value);
            foreach (ValidationIssue issue in report.Errors)
            {
                await output.WriteAsync("error", input.LineNumber, issue.Path, issue.Rule, issue.Message);
            }

            foreach (ValidationIssue issue in report.Warnings)
            {
                await output.WriteAsync("warning", input.LineNumber, issue.Path, issue.Rule, issue.Message);
            }
        }, cancellationToken);
        if (!opened)
        {
            return ExitCodes.Unusable;
        }

        // The reader yields at least one document (empty input is an unreadable one), so 'valid' means something.
        bool valid = !unusable && output.Errors == 0;
        await output.FinishAsync(documents, objects, valid);
        return unusable ? ExitCodes.Unusable : valid ? ExitCodes.Ok : ExitCodes.Invalid;
    }

    /// <summary>Writes issues as they are found (memory does not grow with the input), as text or as one streamed JSON document.</summary>
    private sealed class IssueOutput
    {
        private readonly TextWriter _text;
        private readonly Utf8JsonWriter? _json;
        private readonly MemoryStream? _buffer;

        public IssueOutput(TextWriter text, bool json)
        {
            _text = text;
            if (json)
            {
                _buffer = new MemoryStream();
                _json = new Utf8JsonWriter(_buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
                _json.WriteStartObject();
                _json.WriteStartArray("issues");
            }
        }

        public long Errors { get; private set; }

        public long Warnings { get; private set; }

        public async Task WriteAsync(string severity, long? line, string path, string rule, string message)
        {
            if (severity == "error")
            {
                Errors++;
            }
            else
            {
                Warnings++;
            }

            if (_json is null)
            {
                string where = line is long l ? $"line {l}: " : string.Empty;
                await _text.WriteLineAsync($"{severity}: {where}{path}: {message} [{rule}]");
                return;
            }

            _json.WriteStartObject();
            _json.WriteString("severity", severity);
            if (line is long number)
            {
                _json.WriteNumber("line", number);
            }

            _json.WriteString("path", path);
            _json.WriteString("rule", rule);
            _json.WriteString("message", message);
            _json.WriteEndObject();
            if (_json.BytesPending + _buffer!.Length > 64 * 1024)
            {
                await FlushAsync();
            }
        }

        public async Task FinishAsync(long documents, long objects, bool valid)
        {
            if (_json is null)
            {
                await _text.WriteLineAsync(
                    $"{documents} document(s), {objects} object(s): {Errors} error(s), {Warnings} warning(s) — {(valid ? "valid" : "invalid")}");
                return;
            }

            _json.WriteEndArray();
            _json.WriteNumber("documents", documents);
            _json.WriteNumber("objects", objects);
            _json.WriteNumber("errors", Errors);
            _json.WriteNumber("warnings", Warnings);
            _json.WriteBoolean("valid", valid);
            _json.WriteEndObject();
            await FlushAsync();
            await _text.WriteLineAsync();
            await _json.DisposeAsync();
        }

        private async Task FlushAsync()
        {
            await _json!.FlushAsync();
            await _text.WriteAsync(System.Text.Encoding.UTF8.GetString(_buffer!.GetBuffer(), 0, (int)_buffer.Length));
            _buffer.SetLength(0);
        }
    }
}
