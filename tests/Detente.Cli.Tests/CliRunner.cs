using System.Text;

namespace Detente.Cli.Tests;

/// <summary>Runs the detente command in process with captured standard streams.</summary>
internal static class CliRunner
{
    public static async Task<(int Exit, string Out, string Err)> RunAsync(string? stdin, params string[] args)
    {
        using var input = new MemoryStream(Encoding.UTF8.GetBytes(stdin ?? string.Empty));
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exit = await new DetenteCli(input, output, error).RunAsync(args, TestContext.Current.CancellationToken);
        return (exit, output.ToString(), error.ToString());
    }

    public static string TempFile(string content)
    {
        string path = Path.Combine(Path.GetTempPath(), "detente-cli-" + Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, content);
        return path;
    }
}
