using System.Text.Json;
using Detente.Testing;

namespace Detente.Cli.Tests;

public sealed class ValidateCommandTests
{
    private const string BadBundle = """
        {
          "type": "bundle",
          "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d",
          "objects": [
            {"type":"indicator","spec_version":"2.1","id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","created":"2016-04-06T20:03:48.000Z","modified":"2016-04-06T20:03:48.000Z","pattern":"[ipv4-addr:value = '198.51.100.3']","pattern_type":"stix","valid_from":"2016-01-01T00:00:00Z","valid_until":"2015-01-01T00:00:00Z"},
            {"type":"ipv4-addr","id":"ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4","value":"300.1.2.3"}
          ]
        }
        """;

    [Fact]
    public async Task Every_valid_example_object_validates_with_exit_code_0()
    {
        foreach ((string type, string json) in StixExamples.ValidObjects)
        {
            (int exit, string output, _) = await CliRunner.RunAsync(json, "validate", "-");
            Assert.True(exit == 0, $"{type}: {output}");
            string summary = output.TrimEnd('\n').Split('\n')[^1];
            Assert.StartsWith("1 document(s), 1 object(s): 0 error(s), ", summary, StringComparison.Ordinal);
            Assert.EndsWith(" — valid", summary, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Errors_are_listed_with_their_paths_and_rules_and_exit_code_1()
    {
        (int exit, string output, _) = await CliRunner.RunAsync(BadBundle, "validate", "-");
        Assert.Equal(1, exit);
        string[] lines = output.TrimEnd('\n').Split('\n');
        Assert.Equal("error: $.objects[0].valid_until: must be later than valid_from [indicator.valid-window]", lines[0]);
        Assert.StartsWith("error: $.objects[1].value: must be an IPv4 address", lines[1], StringComparison.Ordinal);
        Assert.Equal("1 document(s), 2 object(s): 2 error(s), 1 warning(s) — invalid", lines[^1]);
    }

    [Fact]
    public async Task Json_output_is_one_document_with_every_issue()
    {
        (int exit, string output, _) = await CliRunner.RunAsync(BadBundle, "validate", "--json", "-");
        Assert.Equal(1, exit);
        using JsonDocument doc = JsonDocument.Parse(output);
        JsonElement root = doc.RootElement;
        Assert.False(root.GetProperty("valid").GetBoolean());
        Assert.Equal(2, root.GetProperty("errors").GetInt32());
        Assert.Equal(2, root.GetProperty("objects").GetInt32());
        JsonElement first = root.GetProperty("issues")[0];
        Assert.Equal("error", first.GetProperty("severity").GetString());
        Assert.Equal("$.objects[0].valid_until", first.GetProperty("path").GetString());
        Assert.Equal("indicator.valid-window", first.GetProperty("rule").GetString());
    }

    [Fact]
    public async Task Json_lines_are_validated_line_by_line()
    {
        string lines = Compact(StixExamples.ValidObjects["malware"]) + "\n" + Compact(StixExamples.ValidObjects["ipv4-addr"]) + "\n"
            + "{\"type\":\"malware\"}\n";
        (int exit, string output, _) = await CliRunner.RunAsync(lines, "validate", "-");
        Assert.Equal(1, exit);
        Assert.Contains("error: line 3: $.id: ", output, StringComparison.Ordinal);
        Assert.DoesNotContain("line 1:", output, StringComparison.Ordinal);
        Assert.StartsWith("3 document(s), 3 object(s): ", output.TrimEnd('\n').Split('\n')[^1], StringComparison.Ordinal);
    }

    private static string Compact(string json) => new Detente.Stix.StixReader().Parse(System.Text.Encoding.UTF8.GetBytes(json)).ToString();

    [Fact]
    public async Task Unreadable_input_is_exit_code_2_with_its_position()
    {
        (int exit, string output, _) = await CliRunner.RunAsync("{\"type\":\"bundle\",\"type\":1}", "validate", "-");
        Assert.Equal(2, exit);
        Assert.Contains("error: $: Duplicate member name 'type'. (at byte 17) [json.unreadable]", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_json_line_makes_the_run_unusable_but_the_other_lines_are_still_validated()
    {
        (int exit, string output, _) = await CliRunner.RunAsync("{\"type\":\"malware\"}\n{\"type\":\n", "validate", "-");
        Assert.Equal(2, exit);
        Assert.Contains("line 1: $.id:", output, StringComparison.Ordinal);
        Assert.Contains("error: line 2: $: Malformed JSON", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Empty_input_is_unusable()
    {
        (int exit, string output, _) = await CliRunner.RunAsync(" \n", "validate", "-");
        Assert.Equal(2, exit);
        Assert.Contains("error: $: Input holds no JSON value.", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Indicator_patterns_are_checked_by_the_patterning_library()
    {
        const string Indicator = """{"type":"indicator","spec_version":"2.1","id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","created":"2016-04-06T20:03:48.000Z","modified":"2016-04-06T20:03:48.000Z","pattern":"PATTERN","pattern_type":"stix","valid_from":"2016-01-01T00:00:00Z"}""";

        (int bad, string badOutput, _) = await CliRunner.RunAsync(Indicator.Replace("PATTERN", "[ipv4-addr:value = '198.51.100.3'", StringComparison.Ordinal), "validate", "-");
        (int doubtful, string doubtfulOutput, _) = await CliRunner.RunAsync(Indicator.Replace("PATTERN", "[process:name = 'x']", StringComparison.Ordinal), "validate", "-");
        (int old, _, _) = await CliRunner.RunAsync(
            Indicator.Replace("PATTERN", "[file:name = 'a'] START '2016-06-01T00:00:00Z' STOP '2016-07-01T00:00:00Z'\",\"pattern_version\":\"2.0", StringComparison.Ordinal),
            "validate", "-");

        Assert.Equal(1, bad);
        Assert.Contains("error: $.pattern: at position 33: expected AND, OR or ']', found end of pattern (pattern.syntax) [indicator.pattern]", badOutput, StringComparison.Ordinal);
        Assert.Equal(0, doubtful);
        Assert.Contains("warning: $.pattern: at position 1: ", doubtfulOutput, StringComparison.Ordinal);
        Assert.Contains("(pattern.property-unknown) [indicator.pattern-warning]", doubtfulOutput, StringComparison.Ordinal);
        Assert.Equal(0, old);
    }
}
