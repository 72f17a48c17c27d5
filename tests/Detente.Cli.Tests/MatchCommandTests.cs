using System.Text;
using System.Text.Json;
using Detente.Stix.Identifiers;
using Detente.Stix.Json;
using Detente.Stix.Validation;
using Detente.Testing;

namespace Detente.Cli.Tests;

public sealed class MatchCommandTests
{
    private const string Ip = "indicator--a1000000-0000-4000-8000-000000000001";
    private const string Domain = "indicator--a1000000-0000-4000-8000-000000000002";
    private const string Sha256 = "indicator--a1000000-0000-4000-8000-000000000003";
    private const string UrlLike = "indicator--a1000000-0000-4000-8000-000000000006";

    private static string Sample(string name) => Path.Combine(AppContext.BaseDirectory, "Samples", name);

    /// <summary>Runs detente with fixed sighting ids (…0001, …0002, …) and a clock standing at 2026-01-01.</summary>
    private static async Task<(int Exit, string Out, string Err)> RunAsync(string? stdin, bool terminal, TimeProvider? time, params string[] args)
    {
        using var input = new MemoryStream(Encoding.UTF8.GetBytes(stdin ?? string.Empty));
        using var output = new StringWriter();
        using var error = new StringWriter();
        int next = 0;
        var cli = new DetenteCli(input, output, error, time ?? new ManualTimeProvider())
        {
            NewGuid = () => new Guid($"00000000-0000-4000-8000-{++next:D12}"),
            StderrIsTerminal = terminal,
        };
        int exit = await cli.RunAsync(args, TestContext.Current.CancellationToken);
        return (exit, output.ToString(), error.ToString());
    }

    private static Task<(int Exit, string Out, string Err)> RunAsync(params string[] args) => RunAsync(null, false, null, args);

    private static List<JsonElement> Hits(string output) =>
        [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement.Clone())];

    private static List<(string Id, long Line)> Pairs(string output) =>
        [.. Hits(output).Select(h => (h.GetProperty("indicator_id").GetString()!, h.GetProperty("line").GetInt64()))];

    [Fact]
    public async Task Zeek_logs_hit_by_address_domain_hash_and_url()
    {
        (int exit, string output, string error) = await RunAsync("match", "--indicators", Sample("match-indicators.json"),
            "--telemetry", Sample("zeek.log"), "--format", "zeek");

        Assert.Equal(0, exit);
        Assert.Equal([(Ip, 1), (Domain, 2), (UrlLike, 3), (Sha256, 4), (Ip, 7)], Pairs(output));
        Assert.Contains("detente: match: 7 events, 5 hits, 0 malformed; indicators: 4 loaded, 1 skipped, 1 revoked, 4 in use;", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_hit_line_holds_exactly_the_documented_fields()
    {
        (_, string output, _) = await RunAsync("match", "--indicators", Sample("match-indicators.json"),
            "--telemetry", Sample("zeek.log"), "--format", "zeek");

        JsonElement first = Hits(output)[0];
        Assert.Equal(["indicator_id", "line", "byte_offset", "first_observed", "last_observed"], first.EnumerateObject().Select(p => p.Name));
        Assert.Equal(Ip, first.GetProperty("indicator_id").GetString());
        Assert.Equal(0, first.GetProperty("byte_offset").GetInt64());
        Assert.Equal("2024-01-02T03:04:05.123456Z", first.GetProperty("first_observed").GetString());
        Assert.Equal("2024-01-02T03:04:05.123456Z", first.GetProperty("last_observed").GetString());

        // The second hit's offset is where its line starts in the file.
        byte[] log = await File.ReadAllBytesAsync(Sample("zeek.log"), TestContext.Current.CancellationToken);
        Assert.Equal(Array.IndexOf(log, (byte)'\n') + 1, Hits(output)[1].GetProperty("byte_offset").GetInt64());
    }

    [Fact]
    public async Task Suricata_eve_lines_hit_with_the_eve_mapping()
    {
        (int exit, string output, string error) = await RunAsync("match", "--indicators", Sample("match-indicators.json"),
            "--telemetry", Sample("eve.json"), "--format", "eve");

        Assert.Equal(0, exit);
        Assert.Equal([(Ip, 1), (Domain, 2), (UrlLike, 4), (Sha256, 5), (UrlLike, 5), (Ip, 6)], Pairs(output));
        Assert.Contains("detente: match: 8 events, 6 hits, 0 malformed;", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Events_come_from_standard_input_by_default()
    {
        string eve = await File.ReadAllTextAsync(Sample("eve.json"), TestContext.Current.CancellationToken);
        (int exit, string output, _) = await RunAsync(eve, false, null, "match", "--indicators", Sample("match-indicators.json"), "--format", "eve");

        Assert.Equal(0, exit);
        Assert.Equal(6, Hits(output).Count);
    }

    [Fact]
    public async Task Stix_lines_give_observed_data_refs_and_malformed_lines_are_reported_and_skipped()
    {
        (int exit, string output, string error) = await RunAsync("match", "--indicators", Sample("match-indicators-stix.jsonl"),
            "--telemetry", Sample("observed-data-lines.jsonl"));

        Assert.Equal(0, exit);
        List<JsonElement> hits = Hits(output);
        Assert.Equal(
            [
                ("indicator--b2000000-0000-4000-8000-000000000001", 2, "observed-data--0a6a9b1e-7f0a-4f52-8b55-6b3a3b8b7e01"),
                ("indicator--b2000000-0000-4000-8000-000000000003", 3, "observed-data--0a6a9b1e-7f0a-4f52-8b55-6b3a3b8b7e01,observed-data--0a6a9b1e-7f0a-4f52-8b55-6b3a3b8b7e02"),
                ("indicator--b2000000-0000-4000-8000-000000000001", 4, "observed-data--0a6a9b1e-7f0a-4f52-8b55-6b3a3b8b7e03"),
                ("indicator--b2000000-0000-4000-8000-000000000002", 7, "observed-data--0a6a9b1e-7f0a-4f52-8b55-6b3a3b8b7e04"),
            ],
            hits.Select(h => (h.GetProperty("indicator_id").GetString()!, h.GetProperty("line").GetInt64(),
                string.Join(',', h.GetProperty("observed_data_refs").EnumerateArray().Select(r => r.GetString())))));
        Assert.Equal(0, hits[3].GetProperty("object_index").GetInt32());
        Assert.False(hits[0].TryGetProperty("byte_offset", out _));
        Assert.Contains("detente: malformed event: line 6:", error, StringComparison.Ordinal);
        Assert.Contains("detente: malformed event: line 8:", error, StringComparison.Ordinal);
        Assert.Contains("detente: match: 5 events, 4 hits, 2 malformed; indicators: 3 loaded, 0 skipped, 0 revoked, 3 in use;", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Strict_stops_at_the_first_malformed_line_with_exit_code_2()
    {
        (int exit, string output, string error) = await RunAsync("match", "--indicators", Sample("match-indicators-stix.jsonl"),
            "--telemetry", Sample("observed-data-lines.jsonl"), "--strict");

        Assert.Equal(2, exit);
        Assert.Contains("detente: malformed event: line 6:", error, StringComparison.Ordinal);
        Assert.DoesNotContain("line 8:", error, StringComparison.Ordinal);
        Assert.Contains("stopped at a malformed event (--strict)", error, StringComparison.Ordinal);
        Assert.DoesNotContain("\"line\":7", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sightings_are_a_valid_stix_bundle_with_counts_times_and_observed_data()
    {
        string path = Path.Combine(Path.GetTempPath(), $"detente-sightings-{Guid.NewGuid():N}.json");
        (int exit, _, string error) = await RunAsync("match", "--indicators", Sample("match-indicators-stix.jsonl"),
            "--telemetry", Sample("observed-data-lines.jsonl"), "--sightings", path);

        Assert.Equal(0, exit);
        Assert.Contains($"detente: 3 sighting(s) written to {path}", error, StringComparison.Ordinal);
        byte[] bytes = await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken);
        JsonValue document = new Detente.Stix.StixReader().Parse(bytes);
        ValidationReport report = new StixValidator().Validate(document);
        Assert.True(report.Errors.Count == 0, string.Join("\n", report.Errors));

        using JsonDocument json = JsonDocument.Parse(bytes);
        Assert.Equal("bundle--00000000-0000-4000-8000-000000000001", json.RootElement.GetProperty("id").GetString());
        JsonElement[] sightings = [.. json.RootElement.GetProperty("objects").EnumerateArray()];
        Assert.Equal(3, sightings.Length);
        JsonElement ip = sightings[0];
        Assert.Equal("sighting", ip.GetProperty("type").GetString());
        Assert.Equal("sighting--00000000-0000-4000-8000-000000000002", ip.GetProperty("id").GetString());
        Assert.Equal("indicator--b2000000-0000-4000-8000-000000000001", ip.GetProperty("sighting_of_ref").GetString());
        Assert.Equal(2, ip.GetProperty("count").GetInt32());
        Assert.Equal("2024-01-02T03:04:05Z", ip.GetProperty("first_seen").GetString());
        Assert.Equal("2024-01-02T03:04:07Z", ip.GetProperty("last_seen").GetString());
        Assert.Equal(["observed-data--0a6a9b1e-7f0a-4f52-8b55-6b3a3b8b7e01", "observed-data--0a6a9b1e-7f0a-4f52-8b55-6b3a3b8b7e03"],
            ip.GetProperty("observed_data_refs").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal("2026-01-01T00:00:00.000Z", ip.GetProperty("created").GetString());
        JsonElement followedBy = sightings[1];
        Assert.Equal("indicator--b2000000-0000-4000-8000-000000000003", followedBy.GetProperty("sighting_of_ref").GetString());
        Assert.Equal(2, followedBy.GetProperty("observed_data_refs").GetArrayLength());
        Assert.Equal("2024-01-02T03:04:06Z", followedBy.GetProperty("last_seen").GetString());
    }

    [Fact]
    public async Task Sightings_from_flat_logs_carry_no_observed_data_refs_and_validate()
    {
        string path = Path.Combine(Path.GetTempPath(), $"detente-sightings-{Guid.NewGuid():N}.json");
        (int exit, _, _) = await RunAsync("match", "--indicators", Sample("match-indicators.json"),
            "--telemetry", Sample("zeek.log"), "--format", "zeek", "--sightings", path);

        Assert.Equal(0, exit);
        byte[] bytes = await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken);
        ValidationReport report = new StixValidator().Validate(new Detente.Stix.StixReader().Parse(bytes));
        Assert.True(report.Errors.Count == 0, string.Join("\n", report.Errors));
        using JsonDocument json = JsonDocument.Parse(bytes);
        JsonElement ip = json.RootElement.GetProperty("objects").EnumerateArray().First();
        Assert.Equal(Ip, ip.GetProperty("sighting_of_ref").GetString());
        Assert.Equal(2, ip.GetProperty("count").GetInt32());
        Assert.Equal("2024-01-02T03:04:05.123456Z", ip.GetProperty("first_seen").GetString());
        Assert.Equal("2024-01-02T03:04:10.0Z", ip.GetProperty("last_seen").GetString()); // the digits Zeek wrote
        Assert.False(ip.TryGetProperty("observed_data_refs", out _));
    }

    [Fact]
    public async Task A_bad_indicator_is_reported_with_its_id_and_reason_and_skipped_or_refused_under_strict()
    {
        (int exit, _, string error) = await RunAsync("match", "--indicators", Sample("match-indicators.json"),
            "--telemetry", Sample("zeek.log"), "--format", "zeek");
        Assert.Equal(0, exit);
        Assert.Contains("detente: skipped indicator: " + Sample("match-indicators.json") + ": indicator--a1000000-0000-4000-8000-000000000005: The pattern is not valid:",
            error, StringComparison.Ordinal);

        (int strictExit, string strictOutput, string strictError) = await RunAsync("match", "--indicators", Sample("match-indicators.json"),
            "--telemetry", Sample("zeek.log"), "--format", "zeek", "--strict");
        Assert.Equal(2, strictExit);
        Assert.Empty(strictOutput);
        Assert.Contains("1 indicator(s) cannot be used; --strict refuses to run", strictError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pattern_text_lines_get_name_based_ids_and_bad_lines_are_skipped_with_their_line_number()
    {
        (int exit, string output, string error) = await RunAsync("match", "--indicators", Sample("match-patterns.txt"),
            "--telemetry", Sample("zeek.log"), "--format", "zeek");

        Assert.Equal(0, exit);
        string ip = "indicator--" + NameBasedUuid.Create(ScoIds.Namespace, "[ipv4-addr:value = '203.0.113.7']").ToString("D");
        string domain = "indicator--" + NameBasedUuid.Create(ScoIds.Namespace, "[domain-name:value = 'login.evil.example']").ToString("D");
        Assert.Equal([(ip, 1), (ip, 7), (domain, 7)], Pairs(output));
        Assert.Contains($"match-patterns.txt:6: indicator--", error, StringComparison.Ordinal);
        Assert.Contains("indicators: 3 loaded, 1 skipped, 0 revoked, 2 in use;", error, StringComparison.Ordinal); // line 5 repeats line 2
    }

    [Fact]
    public async Task A_custom_mapping_reads_other_flat_logs()
    {
        string indicators = CliRunner.TempFile("[url:value = 'https://evil.example.com/login']\n[network-traffic:src_ref.value = '10.1.2.4']\n");
        (int exit, string output, _) = await RunAsync("match", "--indicators", indicators, "--telemetry", Sample("proxy.log"),
            "--mapping", Sample("custom-mapping.json"));

        Assert.Equal(0, exit);
        Assert.Equal([1, 2], Hits(output).Select(h => h.GetProperty("line").GetInt64()));
    }

    [Fact]
    public async Task No_hit_is_exit_code_1_and_usage_errors_are_exit_code_2()
    {
        string indicators = CliRunner.TempFile("[ipv4-addr:value = '198.51.100.200']\n");
        (int exit, string output, string error) = await RunAsync("match", "--indicators", indicators, "--telemetry", Sample("zeek.log"), "--format", "zeek");
        Assert.Equal(1, exit);
        Assert.Empty(output);
        Assert.Contains("detente: match: 7 events, 0 hits,", error, StringComparison.Ordinal);

        Assert.Equal(2, (await RunAsync("match", "--indicators", indicators, "--format", "zeek", "--mapping", Sample("custom-mapping.json"))).Exit);
        Assert.Equal(2, (await RunAsync("match", "--telemetry", Sample("zeek.log"))).Exit);
        Assert.Equal(2, (await RunAsync("match", "--indicators", "/nonexistent/indicators.json")).Exit);
        string empty = CliRunner.TempFile("# nothing\n");
        (int emptyExit, _, string emptyError) = await RunAsync("match", "--indicators", empty, "--telemetry", Sample("zeek.log"), "--format", "zeek");
        Assert.Equal(2, emptyExit);
        Assert.Contains("no usable indicator", emptyError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Progress_is_drawn_on_a_terminal_and_never_otherwise()
    {
        var telemetry = new TelemetryGenerator(seed: 5, poolSize: 20);
        string lines = Encoding.UTF8.GetString(TelemetryGenerator.Lines(telemetry.ObservedDataBundle, 2048));
        string indicators = CliRunner.TempFile($"[ipv4-addr:value = '{telemetry.Ipv4[0]}']\n");

        (int exit, string output, string error) = await RunAsync(lines, true, new TickingTimeProvider(), "match", "--indicators", indicators);
        Assert.Equal(0, exit);
        Assert.Contains("\rdetente: 1,024 events, ", error, StringComparison.Ordinal);
        Assert.Contains("\rdetente: 2,048 events, ", error, StringComparison.Ordinal);
        Assert.DoesNotContain('\r', output);

        (_, _, string quiet) = await RunAsync(lines, false, new TickingTimeProvider(), "match", "--indicators", indicators);
        Assert.DoesNotContain('\r', quiet);
        Assert.Contains("detente: match: 2048 events,", quiet, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_generated_workload_from_indicator_lines_hits_the_values_it_was_built_on()
    {
        var workload = new MatcherWorkload(500, seed: 3);
        string indicators = CliRunner.TempFile(Encoding.UTF8.GetString(workload.IndicatorLines()));
        string lines = Encoding.UTF8.GetString(TelemetryGenerator.Lines(workload.Telemetry.ZeekLine, 3000));

        (int exit, string output, string error) = await RunAsync(lines, false, null, "match", "--indicators", indicators, "--format", "zeek");

        Assert.Equal(0, exit);
        Assert.Contains("indicators: 500 loaded, 0 skipped, 0 revoked, 500 in use;", error, StringComparison.Ordinal);
        var hitIds = Hits(output).Select(h => h.GetProperty("indicator_id").GetString()!).ToHashSet();
        Assert.NotEmpty(hitIds);
        Assert.All(hitIds, id => Assert.True(workload.Ids.ToList().IndexOf(id) < workload.HitIndicatorCount, id));
    }

    /// <summary>A clock that moves one second each time it is read, so that every progress check is due.</summary>
    private sealed class TickingTimeProvider : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now = _now.AddSeconds(1);
    }
}
