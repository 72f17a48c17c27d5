using System.Text.Json;

namespace Detente.Cli.Tests;

public sealed class PatternCommandTests
{
    [Fact]
    public async Task A_valid_pattern_is_exit_code_0()
    {
        (int exit, string output, string error) = await CliRunner.RunAsync(null, "pattern", "validate", "[ipv4-addr:value = '198.51.100.3']");

        Assert.Equal(0, exit);
        Assert.Equal("valid STIX 2.1 pattern, 0 warning(s)\n", output);
        Assert.Empty(error);
    }

    [Fact]
    public async Task A_syntax_error_shows_the_pattern_and_a_caret_with_exit_code_1()
    {
        (int exit, string output, _) = await CliRunner.RunAsync(null, "pattern", "validate", "[file:size = 1280");

        Assert.Equal(1, exit);
        Assert.Equal(
            "error: at 17: expected AND, OR or ']', found end of pattern [pattern.syntax]\n"
            + "  [file:size = 1280\n"
            + "                   ^\n"
            + "invalid STIX 2.1 pattern: 1 error(s), 0 warning(s)\n",
            output);
    }

    [Fact]
    public async Task Rule_violations_and_warnings_are_listed_with_positions()
    {
        (int exit, string output, _) = await CliRunner.RunAsync(null, "pattern", "validate", "[file:size = '1'] WITHIN 0 SECONDS");

        Assert.Equal(1, exit);
        string[] lines = output.TrimEnd('\n').Split('\n');
        Assert.StartsWith("error: at 18: WITHIN must be a positive number of seconds", lines[0], StringComparison.Ordinal);
        Assert.EndsWith("[pattern.within-positive]", lines[0], StringComparison.Ordinal);
        Assert.Equal("                    ^", lines[2]);
        Assert.StartsWith("warning: at 13: the property is of type integer", lines[3], StringComparison.Ordinal);
        Assert.Equal("invalid STIX 2.1 pattern: 1 error(s), 1 warning(s)", lines[^1]);
    }

    [Fact]
    public async Task Warnings_alone_leave_exit_code_0()
    {
        (int exit, string output, _) = await CliRunner.RunAsync(null, "pattern", "validate", "[process:name = 'x']");

        Assert.Equal(0, exit);
        Assert.Contains("[pattern.property-unknown]", output, StringComparison.Ordinal);
        Assert.EndsWith("valid STIX 2.1 pattern, 1 warning(s)\n", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_stix_version_option_picks_the_grammar()
    {
        const string V20 = "[file:name = 'a'] START '2016-06-01T00:00:00Z' STOP '2016-07-01T00:00:00Z'";

        (int exit20, string output20, _) = await CliRunner.RunAsync(null, "pattern", "validate", "--stix-version", "2.0", V20);
        (int exit21, _, _) = await CliRunner.RunAsync(null, "pattern", "validate", V20);

        Assert.Equal(0, exit20);
        Assert.Equal("valid STIX 2.0 pattern, 0 warning(s)\n", output20);
        Assert.Equal(1, exit21);
    }

    [Fact]
    public async Task Json_output_has_the_canonical_form_and_every_issue()
    {
        (int exit, string output, _) = await CliRunner.RunAsync(null, "pattern", "validate", "--json", "[ file:size  ==  1 ] REPEATS 0 TIMES");

        Assert.Equal(1, exit);
        using JsonDocument doc = JsonDocument.Parse(output);
        JsonElement root = doc.RootElement;
        Assert.False(root.GetProperty("valid").GetBoolean());
        Assert.Equal("2.1", root.GetProperty("version").GetString());
        Assert.Equal("[file:size = 1] REPEATS 0 TIMES", root.GetProperty("canonical").GetString());
        JsonElement error = Assert.Single(root.GetProperty("errors").EnumerateArray());
        Assert.Equal("pattern.repeats-positive", error.GetProperty("rule").GetString());
        Assert.Equal(21, error.GetProperty("position").GetInt32());
        Assert.Empty(root.GetProperty("warnings").EnumerateArray());
    }

    [Fact]
    public async Task Json_output_of_a_syntax_error_says_what_was_expected_and_found()
    {
        (int exit, string output, _) = await CliRunner.RunAsync(null, "pattern", "validate", "--json", "[file:size = ]");

        Assert.Equal(1, exit);
        using JsonDocument doc = JsonDocument.Parse(output);
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("canonical").ValueKind);
        JsonElement error = Assert.Single(doc.RootElement.GetProperty("errors").EnumerateArray());
        Assert.Equal("pattern.syntax", error.GetProperty("rule").GetString());
        Assert.Equal(13, error.GetProperty("position").GetInt32());
        Assert.Equal("a constant", error.GetProperty("expected").GetString());
        Assert.Equal("']'", error.GetProperty("found").GetString());
    }

    [Fact]
    public async Task A_dash_reads_the_pattern_from_standard_input()
    {
        (int exit, string output, _) = await CliRunner.RunAsync("[file:name = 'it\\'s \"quoted\"']\n", "pattern", "validate", "-");

        Assert.Equal(0, exit);
        Assert.Equal("valid STIX 2.1 pattern, 0 warning(s)\n", output);
    }

    [Fact]
    public async Task Standard_input_that_is_not_utf8_is_unusable()
    {
        using var input = new MemoryStream([(byte)'[', 0xFF, (byte)']']);
        using var output = new StringWriter();
        using var error = new StringWriter();

        int exit = await new DetenteCli(input, output, error).RunAsync(["pattern", "validate", "-"], TestContext.Current.CancellationToken);

        Assert.Equal(2, exit);
        Assert.Contains("not UTF-8", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("pattern", "validate")]
    [InlineData("pattern", "validate", "--stix-version", "2.2", "[a:b = 1]")]
    [InlineData("pattern", "validate", "[a:b = 1]", "extra")]
    [InlineData("pattern", "check", "[a:b = 1]")]
    [InlineData("validate")]
    public async Task Usage_errors_are_exit_code_2(params string[] args)
    {
        (int exit, string output, string error) = await CliRunner.RunAsync(null, args);

        Assert.Equal(2, exit);
        Assert.Empty(output);
        Assert.StartsWith("detente: ", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Control_characters_cannot_move_the_caret_or_reach_the_terminal()
    {
        (_, string output, _) = await CliRunner.RunAsync(null, "pattern", "validate", "[file:name = '\u001b[31m\ttab' \u202e]");

        string[] lines = output.TrimEnd('\n').Split('\n');
        Assert.Equal("  [file:name = '?[31m?tab' ?]", lines[1]);
        Assert.Equal("                           ^", lines[2]);
        Assert.DoesNotContain('\u001b', output);
        Assert.DoesNotContain('\u202e', output);
    }

    [Fact]
    public void Long_patterns_show_a_window_around_the_position()
    {
        string text = new string('a', 100) + "X" + new string('b', 100);

        (string line, string caret) = DetenteCli.Snippet(text, 100);

        Assert.Equal("…" + new string('a', 40) + "X" + new string('b', 39) + "…", line);
        Assert.Equal(new string(' ', 41) + "^", caret);
        Assert.Equal(("ab", "  ^"), DetenteCli.Snippet("ab", 2));
    }
}
