using System.CommandLine;
using System.Text;
using System.Text.Json;
using Detente.Patterns;
using Detente.Patterns.Validation;

namespace Detente.Cli;

internal sealed partial class DetenteCli
{
    /// <summary>How much of the pattern, on each side of the position, an issue shows.</summary>
    private const int SnippetRadius = 40;

    private Command PatternCommand()
    {
        var pattern = new Argument<string>("PATTERN") { Description = "A STIX pattern, e.g. \"[ipv4-addr:value = '198.51.100.3']\", or - to read it from standard input." };
        var version = new Option<string>("--stix-version")
        {
            Description = "The patterning grammar: 2.1 (default) or 2.0.",
            DefaultValueFactory = static _ => "2.1",
        };
        version.AcceptOnlyFromAmong("2.0", "2.1");
        var json = new Option<bool>("--json")
        {
            Description = "Print one JSON object: {valid, version, canonical, errors:[{rule,position,message…}], warnings:[…]}.",
        };
        var validate = new Command("validate", "Validate a STIX pattern: the grammar, then the rules of STIX 2.1 §9. Prints each issue with its "
            + "position and rule, under the pattern with a caret. Exit code 0 valid (warnings allowed), 1 invalid, 2 usage error.")
        {
            pattern,
            version,
            json,
        };
        validate.SetAction((result, cancellationToken) => PatternValidateAsync(
            result.GetValue(pattern)!, result.GetValue(version) == "2.0" ? PatternVersion.V20 : PatternVersion.V21, result.GetValue(json), cancellationToken));
        return new Command("pattern", "STIX patterns (the language of indicators).") { validate, PatternEvalCommand() };
    }

    private async Task<int> PatternValidateAsync(string argument, PatternVersion version, bool json, CancellationToken cancellationToken)
    {
        string? text = argument == "-" ? await ReadPatternAsync(cancellationToken) : argument;
        if (text is null)
        {
            return ExitCodes.Unusable;
        }

        PatternValidationResult result = PatternValidator.Validate(text, version);
        string versionName = version == PatternVersion.V20 ? "2.0" : "2.1";
        if (json)
        {
            await _stdout.WriteLineAsync(PatternJson(result, versionName));
        }
        else
        {
            foreach (PatternIssue issue in result.Errors)
            {
                await WriteIssueAsync("error", issue, text);
            }

            foreach (PatternIssue issue in result.Warnings)
            {
                await WriteIssueAsync("warning", issue, text);
            }

            await _stdout.WriteLineAsync(result.IsValid
                ? $"valid STIX {versionName} pattern, {result.Warnings.Count} warning(s)"
                : $"invalid STIX {versionName} pattern: {result.Errors.Count} error(s), {result.Warnings.Count} warning(s)");
        }

        return result.IsValid ? ExitCodes.Ok : ExitCodes.Invalid;
    }

    /// <summary>Reads the pattern from standard input: null (with a message) when it is not UTF-8 or longer than any pattern allowed.</summary>
    private async Task<string?> ReadPatternAsync(CancellationToken cancellationToken)
    {
        int limit = (PatternLimits.Default.MaxLength * 3) + 1; // UTF-8 bytes of the longest pattern, and one more
        var buffer = new byte[Math.Min(limit, 1 << 16)];
        using var bytes = new MemoryStream();
        int read;
        while (bytes.Length < limit && (read = await _stdin.ReadAsync(buffer, cancellationToken)) > 0)
        {
            bytes.Write(buffer, 0, read);
        }

        if (bytes.Length >= limit)
        {
            await _stderr.WriteLineAsync($"detente: the pattern on standard input is longer than {PatternLimits.Default.MaxLength} characters");
            return null;
        }

        try
        {
            // Strict UTF-8: a pattern is Unicode text (§9.4); a final line break is not part of it.
            string text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes.GetBuffer(), 0, (int)bytes.Length);
            return text.EndsWith("\r\n", StringComparison.Ordinal) ? text[..^2] : text.EndsWith('\n') ? text[..^1] : text;
        }
        catch (DecoderFallbackException)
        {
            await _stderr.WriteLineAsync("detente: standard input is not UTF-8 text");
            return null;
        }
    }

    private async Task WriteIssueAsync(string severity, PatternIssue issue, string text)
    {
        await _stdout.WriteLineAsync($"{severity}: {issue}");
        if (issue.Position >= 0)
        {
            (string line, string caret) = Snippet(text, issue.Position);
            await _stdout.WriteLineAsync("  " + line);
            await _stdout.WriteLineAsync("  " + caret);
        }
    }

    /// <summary>
    /// The part of the pattern around <paramref name="position"/>, one column per character (control and format
    /// characters shown as '?', so that the text cannot move the caret or drive the terminal), and a caret under it.
    /// </summary>
    internal static (string Line, string Caret) Snippet(string text, int position)
    {
        position = Math.Clamp(position, 0, text.Length);
        int start = Math.Max(0, position - SnippetRadius);
        int end = Math.Min(text.Length, position + SnippetRadius);
        var line = new StringBuilder(end - start + 2);
        if (start > 0)
        {
            line.Append('…');
        }

        int column = line.Length + (position - start);
        for (int i = start; i < end; i++)
        {
            char c = text[i];
            bool hidden = char.IsControl(c) || char.IsSurrogate(c) || c is '\u2028' or '\u2029'
                || char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format;
            line.Append(hidden ? '?' : c);
        }

        if (end < text.Length)
        {
            line.Append('…');
        }

        return (line.ToString(), new string(' ', column) + "^");
    }

    private static string PatternJson(PatternValidationResult result, string version)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteBoolean("valid", result.IsValid);
            writer.WriteString("version", version);
            writer.WriteString("canonical", result.Pattern?.ToString());
            WriteIssues(writer, "errors", result.Errors, result.SyntaxError);
            WriteIssues(writer, "warnings", result.Warnings, null);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteIssues(Utf8JsonWriter writer, string name, IReadOnlyList<PatternIssue> issues, PatternSyntaxException? syntax)
    {
        writer.WriteStartArray(name);
        foreach (PatternIssue issue in issues)
        {
            writer.WriteStartObject();
            writer.WriteString("rule", issue.Rule);
            writer.WriteNumber("position", issue.Position);
            writer.WriteString("message", issue.Message);
            if (syntax is not null && issue.Rule == PatternRules.Syntax)
            {
                writer.WriteString("expected", syntax.Expected);
                writer.WriteString("found", syntax.Found);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }
}
