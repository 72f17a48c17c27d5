namespace Detente.Cli.Tests;

public sealed class CanonCommandTests
{
    [Fact]
    public async Task Canon_prints_the_jcs_form_of_standard_input()
    {
        (int exit, string output, string error) = await CliRunner.RunAsync("{\n \"b\": 1.50,\n \"a\": \"\\u00e9\"\n}\n", "canon", "-");
        Assert.Equal(0, exit);
        Assert.Equal("{\"a\":\"\u00e9\",\"b\":1.5}\n", output);
        Assert.Empty(error);
    }

    [Fact]
    public async Task Canon_prints_one_line_per_json_line()
    {
        string path = CliRunner.TempFile("{\"z\":1,\"a\":2}\n[3, 4.0]\n");
        try
        {
            (int exit, string output, _) = await CliRunner.RunAsync(null, "canon", path);
            Assert.Equal(0, exit);
            Assert.Equal("{\"a\":2,\"z\":1}\n[3,4]\n", output);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Canon_refuses_duplicate_members_with_exit_code_2()
    {
        (int exit, string output, string error) = await CliRunner.RunAsync("{\"a\":1,\"a\":2}", "canon", "-");
        Assert.Equal(2, exit);
        Assert.Empty(output);
        Assert.Contains("Duplicate member name 'a'", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_file_is_unusable_input()
    {
        (int exit, _, string error) = await CliRunner.RunAsync(null, "canon", "/nonexistent/detente.json");
        Assert.Equal(2, exit);
        Assert.Contains("cannot open", error, StringComparison.Ordinal);
    }
}
