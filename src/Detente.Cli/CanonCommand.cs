using System.CommandLine;
using Detente.Stix.Json;

namespace Detente.Cli;

internal sealed partial class DetenteCli
{
    private Command CanonCommand()
    {
        Argument<string> file = InputArgument();
        var command = new Command("canon", "Print the RFC 8785 (JCS) canonical form of a JSON document, or of each JSON line.") { file };
        command.SetAction((result, cancellationToken) => CanonAsync(result.GetValue(file)!, cancellationToken));
        return command;
    }

    private async Task<int> CanonAsync(string path, CancellationToken cancellationToken)
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

            await _stdout.WriteLineAsync(System.Text.Encoding.UTF8.GetString(JsonCanonicalizer.Canonicalize(input.Value!)));
        }, cancellationToken);
        return opened ? exit : ExitCodes.Unusable;
    }
}
