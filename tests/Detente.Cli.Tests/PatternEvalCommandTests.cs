using System.Text.Json;

namespace Detente.Cli.Tests;

public sealed class PatternEvalCommandTests
{
    private const string Bundle21 = """
        {"type":"bundle","id":"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d","objects":[
          {"type":"observed-data","spec_version":"2.1","id":"observed-data--b67d30ff-02ac-498a-92f9-32f845f448cf","created":"2024-01-01T00:00:00Z","modified":"2024-01-01T00:00:00Z",
           "first_observed":"2024-01-01T00:00:00Z","last_observed":"2024-01-01T00:00:00Z","number_observed":1,
           "object_refs":["ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd"]},
          {"type":"observed-data","spec_version":"2.1","id":"observed-data--c67d30ff-02ac-498a-92f9-32f845f448cf","created":"2024-01-01T00:00:00Z","modified":"2024-01-01T00:00:00Z",
           "first_observed":"2024-01-01T00:02:00Z","last_observed":"2024-01-01T00:03:00Z","number_observed":1,
           "object_refs":["domain-name--3c10e93f-798e-5a26-a0c1-08156efab7f5"]},
          {"type":"ipv4-addr","spec_version":"2.1","id":"ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd","value":"198.51.100.3"},
          {"type":"domain-name","spec_version":"2.1","id":"domain-name--3c10e93f-798e-5a26-a0c1-08156efab7f5","value":"example.com"}
        ]}
        """;

    private const string Lines20 =
        """{"type":"observed-data","id":"observed-data--d67d30ff-02ac-498a-92f9-32f845f448cf","created":"2016-04-06T19:58:16.000Z","modified":"2016-04-06T19:58:16.000Z","first_observed":"2016-06-15T00:00:00Z","last_observed":"2016-06-15T00:00:00Z","number_observed":3,"objects":{"0":{"type":"file","name":"foo.dll","created":"2016-06-01T00:00:00Z"}}}"""
        + "\n"
        + """{"type":"observed-data","id":"observed-data--e67d30ff-02ac-498a-92f9-32f845f448cf","created":"2016-04-06T19:58:16.000Z","modified":"2016-04-06T19:58:16.000Z","first_observed":"2016-06-15T00:00:00Z","last_observed":"2016-06-15T00:00:00Z","number_observed":1,"objects":{"0":{"type":"file","name":"bar.dll","created":"June"}}}"""
        + "\n";

    [Fact]
    public async Task A_match_prints_the_bound_observations_with_exit_code_0()
    {
        string file = CliRunner.TempFile(Bundle21);
        (int exit, string output, string error) = await CliRunner.RunAsync(null, "pattern", "eval",
            "([ipv4-addr:value = '198.51.100.3'] FOLLOWEDBY [domain-name:value = 'example.com']) WITHIN 120 SECONDS", "--observed", file);

        Assert.Equal(0, exit);
        Assert.Equal("observed-data--b67d30ff-02ac-498a-92f9-32f845f448cf\nobserved-data--c67d30ff-02ac-498a-92f9-32f845f448cf\n", output);
        Assert.Empty(error);
    }

    [Fact]
    public async Task No_match_is_exit_code_1()
    {
        string file = CliRunner.TempFile(Bundle21);
        (int exit, string output, _) = await CliRunner.RunAsync(null, "pattern", "eval",
            "([ipv4-addr:value = '198.51.100.3'] FOLLOWEDBY [domain-name:value = 'example.com']) WITHIN 119 SECONDS", "--observed", file);

        Assert.Equal(1, exit);
        Assert.Equal("no match (2 observation(s))\n", output);
    }

    [Fact]
    public async Task Json_output_lists_each_bound_observation_with_its_times()
    {
        string file = CliRunner.TempFile(Bundle21);
        (int exit, string output, _) = await CliRunner.RunAsync(null, "pattern", "eval", "[domain-name:value = 'example.com']", "--observed", file, "--json");

        Assert.Equal(0, exit);
        using JsonDocument document = JsonDocument.Parse(output);
        JsonElement root = document.RootElement;
        Assert.True(root.GetProperty("match").GetBoolean());
        JsonElement matched = Assert.Single(root.GetProperty("matched").EnumerateArray().ToArray());
        Assert.Equal("observed-data--c67d30ff-02ac-498a-92f9-32f845f448cf", matched.GetProperty("id").GetString());
        Assert.Equal("2024-01-01T00:02:00Z", matched.GetProperty("first_observed").GetString());
        Assert.Equal("2024-01-01T00:03:00Z", matched.GetProperty("last_observed").GetString());
        Assert.Equal("match", root.GetProperty("status").GetString());

        (int noExit, string noOutput, _) = await CliRunner.RunAsync(null, "pattern", "eval", "[domain-name:value = 'example.org']", "--observed", file, "--json");
        Assert.Equal(1, noExit);
        Assert.Equal("""{"match":false,"matched":[],"status":"no-match"}""" + "\n", noOutput);
    }

    [Fact]
    public async Task Stix20_json_lines_and_the_20_grammar_evaluate_from_standard_input()
    {
        (int exit, string output, _) = await CliRunner.RunAsync(Lines20, "pattern", "eval", "--stix-version", "2.0",
            "[file:name = 'foo.dll'] REPEATS 3 TIMES START '2016-06-01T00:00:00Z' STOP '2016-07-01T00:00:00Z'", "--observed", "-");

        Assert.Equal(0, exit);
        Assert.Equal("observed-data--d67d30ff-02ac-498a-92f9-32f845f448cf\n", output);
    }

    [Fact]
    public async Task The_pattern_can_come_from_standard_input()
    {
        string file = CliRunner.TempFile(Bundle21);
        (int exit, string output, _) = await CliRunner.RunAsync("[ipv4-addr:value ISSUBSET '198.51.100.0/24']\n", "pattern", "eval", "-", "--observed", file);

        Assert.Equal(0, exit);
        Assert.Equal("observed-data--b67d30ff-02ac-498a-92f9-32f845f448cf\n", output);
    }

    [Fact]
    public async Task Data_that_cannot_be_compared_is_exit_code_2()
    {
        (int exit, string output, string error) = await CliRunner.RunAsync(Lines20, "pattern", "eval", "--stix-version", "2.0",
            "[file:created > t'2016-01-01T00:00:00Z' AND file:name = 'bar.dll']", "--observed", "-");

        Assert.Equal(2, exit);
        Assert.Empty(output);
        Assert.Contains("undetermined", error, StringComparison.Ordinal);
        Assert.Contains("not a STIX timestamp", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_undecided_evaluation_prints_a_null_match_in_json()
    {
        (int exit, string output, _) = await CliRunner.RunAsync(Lines20, "pattern", "eval", "--stix-version", "2.0", "--json",
            "[file:created > t'2016-01-01T00:00:00Z' AND file:name = 'bar.dll']", "--observed", "-");

        Assert.Equal(2, exit);
        using JsonDocument document = JsonDocument.Parse(output);
        Assert.Equal(JsonValueKind.Null, document.RootElement.GetProperty("match").ValueKind);
        Assert.Equal("undetermined", document.RootElement.GetProperty("status").GetString());
        Assert.Contains("not a STIX timestamp", document.RootElement.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_json_array_of_observed_data_and_objects_is_read()
    {
        const string Array = """
            [{"type":"ipv4-addr","spec_version":"2.1","id":"ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd","value":"198.51.100.3"},
             {"type":"observed-data","spec_version":"2.1","id":"observed-data--b67d30ff-02ac-498a-92f9-32f845f448cf","created":"2024-01-01T00:00:00Z","modified":"2024-01-01T00:00:00Z",
              "first_observed":"2024-01-01T00:00:00Z","last_observed":"2024-01-01T00:00:00Z","number_observed":2,
              "object_refs":["ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd"]}]
            """;
        string file = CliRunner.TempFile(Array);
        (int exit, string output, _) = await CliRunner.RunAsync(null, "pattern", "eval", "[ipv4-addr:value = '198.51.100.3'] REPEATS 2 TIMES", "--observed", file, "--json");

        Assert.Equal(0, exit);
        using JsonDocument document = JsonDocument.Parse(output);
        JsonElement matched = Assert.Single(document.RootElement.GetProperty("matched").EnumerateArray().ToArray());
        Assert.Equal(2, matched.GetProperty("instances").GetInt64());
    }

    [Fact]
    public async Task A_bad_pattern_is_exit_code_2_with_its_position()
    {
        string file = CliRunner.TempFile(Bundle21);
        (int exit, _, string error) = await CliRunner.RunAsync(null, "pattern", "eval", "[file:size = 1280", "--observed", file);
        Assert.Equal(2, exit);
        Assert.Contains("at 17", error, StringComparison.Ordinal);

        (int exit2, _, string error2) = await CliRunner.RunAsync(null, "pattern", "eval", "[file:name = 'a'] REPEATS 0 TIMES", "--observed", file);
        Assert.Equal(2, exit2);
        Assert.Contains("pattern error", error2, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unreadable_data_is_exit_code_2()
    {
        string file = CliRunner.TempFile("{ not json");
        (int exit, string output, string error) = await CliRunner.RunAsync(null, "pattern", "eval", "[file:name = 'a']", "--observed", file);
        Assert.Equal(2, exit);
        Assert.Empty(output);
        Assert.Contains("unreadable", error, StringComparison.Ordinal);

        (int missing, _, string missingError) = await CliRunner.RunAsync(null, "pattern", "eval", "[file:name = 'a']", "--observed", "/nonexistent/detente.json");
        Assert.Equal(2, missing);
        Assert.Contains("cannot open", missingError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Usage_errors_are_exit_code_2()
    {
        (int noObserved, _, _) = await CliRunner.RunAsync(null, "pattern", "eval", "[file:name = 'a']");
        Assert.Equal(2, noObserved);

        (int bothStdin, _, string error) = await CliRunner.RunAsync("[file:name = 'a']", "pattern", "eval", "-", "--observed", "-");
        Assert.Equal(2, bothStdin);
        Assert.Contains("standard input", error, StringComparison.Ordinal);

        (int badVersion, _, _) = await CliRunner.RunAsync(null, "pattern", "eval", "[file:name = 'a']", "--observed", "-", "--stix-version", "3.0");
        Assert.Equal(2, badVersion);
    }
}
