namespace Detente.Cli;

/// <summary>Entry point of the <c>detente</c> command.</summary>
public static class Program
{
    /// <summary>Runs the command line and returns its exit code.</summary>
    public static async Task<int> Main(string[] args)
    {
        using Stream stdin = Console.OpenStandardInput();
        // Console.Out flushes on every write; a command that prints a line per object needs a buffer.
        await using var stdout = new StreamWriter(Console.OpenStandardOutput(), new System.Text.UTF8Encoding(false), 64 * 1024);
        int exit = await new DetenteCli(stdin, stdout, Console.Error).RunAsync(args);
        await stdout.FlushAsync();
        return exit;
    }
}
