using System.CommandLine;
using System.Text.Json;
using Detente.Stix;
using Detente.Stix.Identifiers;
using Detente.Stix.Json;
using Detente.Stix.Signatures;

namespace Detente.Cli;

internal sealed partial class DetenteCli
{
    private Command IdCommand()
    {
        Argument<string> file = InputArgument();
        var json = new Option<bool>("--json") { Description = "Print one JSON object per line instead of text." };
        var command = new Command("id", "Print, for each object, the id it should have: for an SCO its deterministic (UUIDv5) id. "
            + "Exit code 0 when every id is right, 1 when one is missing or differs, 2 for unusable input.")
        {
            file,
            json,
        };
        command.SetAction((result, cancellationToken) => IdAsync(result.GetValue(file)!, result.GetValue(json), cancellationToken));
        return command;
    }

    /// <summary>What <c>detente id</c> found for one object.</summary>
    /// <param name="Where">Where the object is in the input.</param>
    /// <param name="Id">The id it should have, or null when none can be given.</param>
    /// <param name="Current">The id it has.</param>
    /// <param name="Status">ok (the id is right), differs, missing, random (an SCO without ID-contributing properties), invalid.</param>
    /// <param name="Note">Why, when the status needs explaining.</param>
    private readonly record struct IdFinding(string Where, string? Id, string? Current, string Status, string? Note);

    private async Task<int> IdAsync(string path, bool json, CancellationToken cancellationToken)
    {
        int exit = ExitCodes.Ok;
        bool opened = await ForEachDocumentAsync(path, async input =>
        {
            if (input.Error is not null)
            {
                await ReportUnreadableAsync(input);
                exit = ExitCodes.Unusable;
                return;
            }

            foreach (InputObject item in InputObject.From(input))
            {
                IdFinding finding = FindId(item);
                await _stdout.WriteLineAsync(json ? FormatJson(item, finding) : FormatText(finding));
                if (finding.Status is "differs" or "missing" or "invalid" && exit == ExitCodes.Ok)
                {
                    exit = ExitCodes.Invalid;
                }
            }
        }, cancellationToken);
        return opened ? exit : ExitCodes.Unusable;
    }

    private static IdFinding FindId(InputObject item)
    {
        if (item.Json is not JsonObject o || o.GetString("type") is not string type)
        {
            return new IdFinding(item.Where, null, null, "invalid", "not a STIX object (no string 'type')");
        }

        string? current = o.GetString("id");
        var stix = new StixObject(o);
        // A signature is not part of what an SCO is: its id is that of the unsigned object.
        ScoIdResult sco = ScoIds.Compute(StixSignatures.Unsigned(stix));
        if (sco.IsComputed)
        {
            string expected = sco.Id.Value.ToString();
            return new IdFinding(item.Where, expected, current, current == expected ? "ok" : current is null ? "missing" : "differs", null);
        }

        switch (sco.Status)
        {
            case ScoIdStatus.InvalidContributingProperty:
                return new IdFinding(item.Where, null, current, "invalid", sco.Message);
            case ScoIdStatus.NoContributingProperties:
                return KeepOrNew(item, type, current, "random", sco.Message);
            default:
                return KeepOrNew(item, type, current, null, null);
        }
    }

    /// <summary>For an object whose id is random by design: its current id if well formed, else a fresh one.</summary>
    private static IdFinding KeepOrNew(InputObject item, string type, string? current, string? status, string? note)
    {
        if (StixId.TryParse(current, out StixId id) && id.Type == type)
        {
            return new IdFinding(item.Where, current, current, status ?? "ok", note);
        }

        if (!StixType.IsValidTypeName(type))
        {
            return new IdFinding(item.Where, null, current, "invalid", $"'{type}' is not a valid STIX type name");
        }

        string fresh = StixId.NewRandom(type).ToString();
        return new IdFinding(item.Where, fresh, current, current is null ? "missing" : "differs",
            note ?? (current is null ? "a new random id" : "the current id is malformed or of another type; a new random id"));
    }

    private static string FormatText(IdFinding f) =>
        string.Join('\t', f.Where, f.Id ?? "-", f.Status) + (f.Status is "differs" && f.Current is not null ? $"\tcurrent {f.Current}" : string.Empty)
        + (f.Note is null ? string.Empty : $"\t{f.Note}");

    private static string FormatJson(InputObject item, IdFinding f)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            if (item.Line is long line)
            {
                writer.WriteNumber("line", line);
            }

            writer.WriteString("path", item.Path);
            writer.WriteString("id", f.Id);
            writer.WriteString("current", f.Current);
            writer.WriteString("status", f.Status);
            if (f.Note is not null)
            {
                writer.WriteString("note", f.Note);
            }

            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
