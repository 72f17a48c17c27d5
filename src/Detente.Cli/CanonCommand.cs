using System.CommandLine;
using Detente.Stix;
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
        Stream? stream = OpenInput(path);
        if (stream is null)
        {
            return ExitCodes.Unusable;
        }

        int exit = ExitCodes.Ok;
        await using (stream.ConfigureAwait(false))
        {
            await foreach (StixInput input in new StixReader().ReadAllAsync(stream, cancellationToken))
            {
                if (input.Error is not null)
                {
                    await _stderr.WriteLineAsync($"detente: {Where(input)}{Describe(input.Error)}");
                    exit = ExitCodes.Unusable;
                    continue;
                }

                await _stdout.WriteLineAsync(System.Text.Encoding.UTF8.GetString(JsonCanonicalizer.Canonicalize(input.Value!)));
            }
        }

        return exit;
    }
}
