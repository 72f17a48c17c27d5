namespace Detente.Cli;

/// <summary>Entry point of the <c>detente</c> command.</summary>
public static class Program
{
    /// <summary>Runs the command line and returns its exit code.</summary>
    public static async Task<int> Main(string[] args)
    {
        using Stream stdin = Console.OpenStandardInput();
        return await new DetenteCli(stdin, Console.Out, Console.Error).RunAsync(args);
    }
}
