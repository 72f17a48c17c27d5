using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;

namespace Detente.Cli.Tests;

/// <summary><c>detente psi run</c> against a node started with <c>detente serve --psi-allow …</c>, over HTTP on 127.0.0.1.</summary>
public sealed class PsiRunCommandTests : IDisposable
{
    private readonly string _parent = Path.Combine(Path.GetTempPath(), "detente-psirun-" + Guid.NewGuid().ToString("N"));
    private readonly HttpClient _http = new();

    public PsiRunCommandTests() => Directory.CreateDirectory(_parent);

    public void Dispose()
    {
        _http.Dispose();
        Directory.Delete(_parent, true);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Psi_run_prints_the_intersection_or_its_size_and_the_node_enforces_its_cap_and_rate()
    {
        var output = new SignallingWriter();
        var errors = new StringWriter();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        string[] serve =
        [
            "serve", "--data", Path.Combine(_parent, "node"), "--urls", "http://127.0.0.1:0", "--psi-allow", "admin=indicators",
            "--psi-max-set", "5", "--psi-sessions-per-hour", "2",
        ];
        Task<int> exit = Task.Run(() => new DetenteCli(new MemoryStream(), output, TextWriter.Synchronized(errors)).RunAsync(serve, stop.Token), Ct);
        Assert.Same(output.Flushed, await Task.WhenAny(output.Flushed, exit));
        string banner = output.ToString();
        string url = Regex.Match(banner, "^Listening on (\\S+)", RegexOptions.Multiline).Groups[1].Value;
        string token = Regex.Match(banner, "^Admin token \\(shown once, keep it safe\\): (\\S+)", RegexOptions.Multiline).Groups[1].Value;
        try
        {
            await AddIndicatorsAsync(url, token, "[domain-name:value = 'evil.example']", "[ipv4-addr:value = '198.51.100.3']",
                "[url:value = 'http://bad.example/x']");
            string local = Path.Combine(_parent, "local.txt");
            await File.WriteAllTextAsync(local, "# ours\ndomain-name:EVIL.example.\nipv4-addr:198.51.100.3\ndomain-name:mine-only.example\n", Ct);

            string logKey = Regex.Match(banner, "^Transparency log: \\S+ \\(verifier key (\\S+)\\)", RegexOptions.Multiline).Groups[1].Value;
            Assert.NotEmpty(logKey);
            (int code, string stdout, string stderr) = await CliRunner.RunAsync(null, "psi", "run", "--url", url, "--token", token, "--set", "indicators",
                "--log-key", logKey, local);
            Assert.True(code == 0, stderr);
            Assert.Equal("domain-name:evil.example\nipv4-addr:198.51.100.3\n", stdout.Replace("\r\n", "\n", StringComparison.Ordinal));
            Assert.Contains("psi: intersection 2 of local 3 and indicators 3 (session ", stderr, StringComparison.Ordinal);
            Assert.Contains("additive blinding", stderr, StringComparison.Ordinal);
            // The session is in the node's transparency log (the three indicators are entries 0-2), and its proof verifies with the pinned key.
            Assert.Contains("psi: logged as psi-session entries 3, 4 of the node's log (outcome completed); proof: " + url + "/log/proof/psi/", stderr,
                StringComparison.Ordinal);
            Assert.Contains("psi: log proof OK: entries 3, 4 are in the checkpoint of size ", stderr, StringComparison.Ordinal);

            // With a key that is not the node's, the proof does not verify: exit 1.
            using var otherSigningKey = Detente.Stix.Signatures.StixSigningKey.Create();
            string otherKey = new Detente.Ledger.Notes.NoteSigner(logKey.Split('+')[0], otherSigningKey).VerifierKey.ToString();
            (code, stdout, stderr) = await CliRunner.RunAsync(null, "psi", "run", "--url", url, "--token", token, "--set", "indicators", "--cardinality",
                "--log-key", otherKey, local);
            Assert.True(code == 1, stderr);
            Assert.Equal("2", stdout.Trim());
            Assert.Contains("detente: the session's log proof does not verify: the checkpoint's signature does not verify", stderr, StringComparison.Ordinal);


            string large = Path.Combine(_parent, "large.txt");
            await File.WriteAllLinesAsync(large, Enumerable.Range(1, 6).Select(i => $"domain-name:host{i}.example"), Ct);
            (code, stdout, stderr) = await CliRunner.RunAsync(null, "psi", "run", "--url", url, "--token", token, "--set", "indicators", large);
            Assert.Equal(2, code);
            Assert.Empty(stdout);
            Assert.Contains("detente: the node refused: 413 PSI set too large: A set of 6 elements is over this node's cap of 5 per session.", stderr,
                StringComparison.Ordinal);

            // Two sessions ran this hour: the third is refused.
            (code, _, stderr) = await CliRunner.RunAsync(null, "psi", "run", "--url", url, "--token", token, "--set", "indicators", local);
            Assert.Equal(2, code);
            Assert.Matches("detente: the node refused: 429 PSI rate limit: .* \\(retry after \\d+ s\\)", stderr);

            (code, _, stderr) = await CliRunner.RunAsync(null, "psi", "run", "--url", url, "--token", token, "--set", "sightings", local);
            Assert.Equal(2, code);
            Assert.Contains("403 PSI not allowed", stderr, StringComparison.Ordinal);
        }
        finally
        {
            await stop.CancelAsync();
            Assert.Equal(0, await exit);
        }

        // Every session is in the node's log: opened and completed, twice.
        string log = errors.ToString();
        Assert.Equal(2, Regex.Count(log, "\"outcome\":\"completed\""));
        Assert.Equal(2, Regex.Count(log, "\"outcome\":\"opened\""));
    }

    [Fact]
    public async Task Bad_psi_flags_and_an_unreachable_node_are_clear_errors()
    {
        (int code, _, string stderr) = await CliRunner.RunAsync(null, "serve", "--data", Path.Combine(_parent, "n"), "--psi-allow", "admin=everything");
        Assert.Equal(2, code);
        Assert.Contains("--psi-allow 'everything' is not a PSI set (indicators, sightings)", stderr, StringComparison.Ordinal);

        string local = Path.Combine(_parent, "local.txt");
        await File.WriteAllTextAsync(local, "domain-name:a.example\n", Ct);
        (code, _, stderr) = await CliRunner.RunAsync(null, "psi", "run", "--url", "http://127.0.0.1:1/", "--token", "x", "--set", "indicators", local);
        Assert.Equal(2, code);
        Assert.Contains("detente: cannot reach http://127.0.0.1:1/", stderr, StringComparison.Ordinal);

        (code, _, stderr) = await CliRunner.RunAsync(null, "psi", "run", "--url", "http://127.0.0.1:1/", "--token", "x", "--set", "everything", local);
        Assert.Equal(2, code);
    }

    private async Task AddIndicatorsAsync(string url, string token, params string[] patterns)
    {
        IEnumerable<string> objects = patterns.Select(p =>
            $$"""{"type":"indicator","spec_version":"2.1","id":"indicator--{{Guid.NewGuid()}}","created":"2026-01-01T00:00:00.000Z","modified":"2026-01-01T00:00:00.000Z","pattern":"{{p}}","pattern_type":"stix","valid_from":"2026-01-01T00:00:00Z"}""");
        string envelope = "{\"objects\":[" + string.Join(',', objects) + "]}";
        using var request = new HttpRequestMessage(HttpMethod.Post, url + "/taxii2/default/collections/default/objects/")
        {
            Content = new StringContent(envelope, Encoding.UTF8),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/taxii+json;version=2.1");
        request.Headers.TryAddWithoutValidation("Accept", "application/taxii+json;version=2.1");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using HttpResponseMessage response = await _http.SendAsync(request, Ct);
        string body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, body);
        Assert.Contains($"\"success_count\":{patterns.Length}", body, StringComparison.Ordinal);
    }

    /// <summary>Captures standard output and says when the command flushed it (serve does, once its banner is written).</summary>
    private sealed class SignallingWriter : StringWriter
    {
        private readonly TaskCompletionSource _flushed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Flushed => _flushed.Task;

        public override Task FlushAsync()
        {
            _flushed.TrySetResult();
            return Task.CompletedTask;
        }

        public override Task FlushAsync(CancellationToken cancellationToken) => FlushAsync();
    }
}
