using System.CommandLine;
using Detente.Stix;

namespace Detente.Cli;

/// <summary>The <c>detente</c> command tree, with its standard streams injected so tests can run it in process.</summary>
internal sealed partial class DetenteCli(Stream stdin, TextWriter stdout, TextWriter stderr, TimeProvider? timeProvider = null)
{
    private readonly Stream _stdin = stdin;
    private readonly TextWriter _stdout = stdout;
    private readonly TextWriter _stderr = stderr;
    private readonly TimeProvider _timeProvider = timeProvider ?? TimeProvider.System;

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken = default)
    {
        var root = new RootCommand("Detente: a threat-intelligence exchange for partners who do not trust each other.")
        {
            CanonCommand(),
            IdCommand(),
            ValidateCommand(),
            PatternCommand(),
            MatchCommand(),
            ServeCommand(),
            TokenCommand(),
            CollectionCommand(),
            PartnerCommand(),
            GroupCommand(),
            PolicyCommand(),
            RedactionCommand(),
            MarkingCommand(),
            PsiCommand(),
            LogCommand(),
            SyncCommand(),
            AuditCommand(),
            WitnessCommand(),
            DemoCommand(),
        };
        ParseResult parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            // A usage error is exit code 2, as unusable input is; 1 means "read and found invalid".
            foreach (System.CommandLine.Parsing.ParseError error in parsed.Errors)
            {
                await _stderr.WriteLineAsync($"detente: {error.Message}");
            }

            await _stderr.WriteLineAsync("Run 'detente --help' for usage.");
            return ExitCodes.Unusable;
        }

        try
        {
            return await parsed.InvokeAsync(new InvocationConfiguration
            {
                Output = _stdout,
                Error = _stderr,
                // The node's host stops on Ctrl-C and SIGTERM itself, and must be let finish (store disposed): no forced exit.
                ProcessTerminationTimeout = null,
            }, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The CLI boundary: report, never dump a stack trace at the operator.
            await _stderr.WriteLineAsync($"detente: {e.Message}");
            return ExitCodes.Unusable;
        }
    }

    private static Argument<string> InputArgument() => new("FILE")
    {
        Description = "A JSON or JSON-lines file, or - for standard input.",
    };

    /// <summary>Opens FILE, or standard input for "-"; null (with a message) when the file cannot be opened.</summary>
    private Stream? OpenInput(string path)
    {
        if (path == "-")
        {
            return _stdin;
        }

        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, useAsync: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            _stderr.WriteLine($"detente: cannot open '{path}': {e.Message}");
            return null;
        }
    }

    /// <summary>
    /// Opens FILE (or standard input for "-"), reads it one document at a time (JSON lines, or one document) and hands
    /// each one, readable or not, to <paramref name="onDocument"/>.
    /// </summary>
    /// <returns>False when FILE cannot be opened (already reported on standard error).</returns>
    private async Task<bool> ForEachDocumentAsync(string path, Func<StixInput, Task> onDocument, CancellationToken cancellationToken)
    {
        Stream? stream = OpenInput(path);
        if (stream is null)
        {
            return false;
        }

        await using (stream.ConfigureAwait(false))
        {
            await foreach (StixInput input in new StixReader().ReadAllAsync(stream, cancellationToken))
            {
                await onDocument(input);
            }
        }

        return true;
    }

    /// <summary>Reports a document that could not be read on standard error.</summary>
    private Task ReportUnreadableAsync(StixInput input) => _stderr.WriteLineAsync($"detente: {Where(input)}{Describe(input.Error!)}");

    private static string Where(StixInput input) => input.LineNumber is long line ? $"line {line}: " : string.Empty;

    private static string Describe(StixFormatException e) =>
        e.BytePosition >= 0 ? $"{e.Message} (at byte {e.BytePosition})" : e.Message;
}
