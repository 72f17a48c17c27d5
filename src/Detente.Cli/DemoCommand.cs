using System.CommandLine;
using Detente.Cli.Demo;

namespace Detente.Cli;

internal sealed partial class DetenteCli
{
    private Command DemoCommand()
    {
        var dir = new Option<string?>("--dir")
        {
            Description = "Put the nodes' data folders here (a new or empty folder; it is kept). Default: a fresh temporary folder, removed at the end.",
        };
        var keep = new Option<bool>("--keep") { Description = "Keep the temporary folder (the nodes' data, keys, logs and the match files) at the end." };
        var timeout = new Option<int>("--timeout")
        {
            Description = "Stop the demo (exit 2) when it takes longer than this many seconds. Default: 300.",
            DefaultValueFactory = static _ => 300,
        };
        var command = new Command("demo",
            "Three nodes on 127.0.0.1 (us-cert, ru-cert and the observer un-wg), each with its own data folder, keys and tokens: the operators wire "
            + "partnerships, sharing groups and witnesses; each node publishes intelligence at every TLP level; every pair syncs with the audit of the "
            + "partner's log; the report shows what each received and why not, the matches of a day of Zeek telemetry, and ru-cert caught rewriting its "
            + "history. Exit 0 when every expected outcome happened, 1 when one did not (listed), 2 when the demo could not run or was stopped.")
        {
            dir, keep, timeout,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            int seconds = result.GetValue(timeout);
            if (seconds < 1)
            {
                await _stderr.WriteLineAsync("detente: --timeout is 1 second or more.");
                return ExitCodes.Unusable;
            }

            var settings = new DemoSettings(result.GetValue(dir), result.GetValue(keep), TimeSpan.FromSeconds(seconds));
            return await new DemoRun(settings, _stdout, _stderr, _timeProvider).RunAsync(cancellationToken);
        });
        return command;
    }
}
