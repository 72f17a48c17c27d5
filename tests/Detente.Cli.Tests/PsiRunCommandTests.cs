using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using Detente.Node;
using Detente.Stix;
using Detente.Storage;

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
            (int code, string stdout, string stderr) = await CliRunner.RunAsync(null, "psi", "run", "--url", url, "--token", token, "--set", local,
                "--against", "indicators", "--log-key", logKey);
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
            (code, stdout, stderr) = await CliRunner.RunAsync(null, "psi", "run", "--url", url, "--token", token, "--set", local, "--against",
                "indicators", "--cardinality", "--log-key", otherKey);
            Assert.True(code == 1, stderr);
            Assert.Equal("2", stdout.Trim());
            Assert.Contains("detente: the session's log proof does not verify: the checkpoint's signature does not verify", stderr, StringComparison.Ordinal);


            string large = Path.Combine(_parent, "large.txt");
            await File.WriteAllLinesAsync(large, Enumerable.Range(1, 6).Select(i => $"domain-name:host{i}.example"), Ct);
            (code, stdout, stderr) = await CliRunner.RunAsync(null, "psi", "run", "--url", url, "--token", token, "--set", large, "--against", "indicators");
            Assert.Equal(2, code);
            Assert.Empty(stdout);
            Assert.Contains("detente: the node refused: 413 PSI set too large: A set of 6 elements is over this node's cap of 5 per session.", stderr,
                StringComparison.Ordinal);

            // Two sessions ran this hour: the third is refused.
            (code, _, stderr) = await CliRunner.RunAsync(null, "psi", "run", "--url", url, "--token", token, "--set", local, "--against", "indicators");
            Assert.Equal(2, code);
            Assert.Matches("detente: the node refused: 429 PSI rate limit: .* \\(retry after \\d+ s\\)", stderr);

            (code, _, stderr) = await CliRunner.RunAsync(null, "psi", "run", "--url", url, "--token", token, "--set", local, "--against", "sightings");
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
    public async Task Psi_run_against_a_partner_uses_its_stored_connection_and_pinned_log_key_and_this_nodes_own_indicators()
    {
        var output = new SignallingWriter();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        string[] serve = ["serve", "--data", Path.Combine(_parent, "partner"), "--urls", "http://127.0.0.1:0", "--psi-allow", "admin=indicators"];
        Task<int> exit = Task.Run(() => new DetenteCli(new MemoryStream(), output, TextWriter.Null).RunAsync(serve, stop.Token), Ct);
        Assert.Same(output.Flushed, await Task.WhenAny(output.Flushed, exit));
        string banner = output.ToString();
        string url = Regex.Match(banner, "^Listening on (\\S+)", RegexOptions.Multiline).Groups[1].Value;
        string token = Regex.Match(banner, "^Admin token \\(shown once, keep it safe\\): (\\S+)", RegexOptions.Multiline).Groups[1].Value;
        string logKey = Regex.Match(banner, "^Transparency log: \\S+ \\(verifier key (\\S+)\\)", RegexOptions.Multiline).Groups[1].Value;
        string data = Path.Combine(_parent, "local");
        try
        {
            await AddIndicatorsAsync(url, token, "[domain-name:value = 'evil.example']", "[ipv4-addr:value = '198.51.100.3']");

            // This node holds three indicators of its own, two of them also the partner's.
            NodeDataFolder.Open(data);
            await using (IStore store = await NodeAdmin.OpenStoreAsync(data, null, TimeProvider.System, cancellationToken: Ct))
            {
                BootstrapResult bootstrap = await NodeBootstrap.EnsureAsync(store, TimeProvider.System, Ct);
                var reader = new StixReader();
                foreach (string pattern in new[] { "[domain-name:value = 'EVIL.example']", "[ipv4-addr:value = '198.51.100.3']", "[domain-name:value = 'ours.example']" })
                {
                    byte[] json = Encoding.UTF8.GetBytes(Indicator(pattern));
                    await store.AddObjectsAsync(bootstrap.DefaultCollectionId!.Value, [ObjectToAdd.From(reader.ReadObject(json), json)], Ct);
                }
            }

            using (var key = Detente.Stix.Signatures.StixSigningKey.Create())
            {
                (int added, _, string addErr) = await CliRunner.RunAsync(null, "partner", "add", "node-a", "--identity", "identity--" + Guid.NewGuid().ToString("D"),
                    "--key", Convert.ToHexString(key.VerificationKey.RawPublicKey.Span), "--url", url, "--token", token, "--log-key", logKey, "--data", data);
                Assert.True(added == 0, addErr);
            }

            (int code, string stdout, string stderr) = await CliRunner.RunAsync(null, "psi", "run", "node-a", "--set", "indicators", "--data", data);
            Assert.True(code == 0, stderr);
            Assert.Equal("domain-name:evil.example\nipv4-addr:198.51.100.3\n", stdout.Replace("\r\n", "\n", StringComparison.Ordinal));
            Assert.Contains("psi: this node's indicators: 3 elements", stderr, StringComparison.Ordinal);
            Assert.Contains("psi: intersection 2 of local 3 and indicators 2 (session ", stderr, StringComparison.Ordinal);
            Assert.Contains("psi: log proof OK: entries 2, 3 are in the checkpoint of size ", stderr, StringComparison.Ordinal);
            Assert.Contains("signed by " + logKey, stderr, StringComparison.Ordinal);

            // Padded, only the padded size is announced.
            (code, stdout, stderr) = await CliRunner.RunAsync(null, "psi", "run", "node-a", "--set", "indicators", "--pad", "50", "--cardinality",
                "--data", data);
            Assert.True(code == 0, stderr);
            Assert.Equal("2", stdout.Trim());
            Assert.Contains("psi: cardinality 2 of local 50 and indicators 2", stderr, StringComparison.Ordinal);

            // A partner under an audit alarm is not asked anything.
            await using (IStore store = await NodeAdmin.OpenStoreAsync(data, null, TimeProvider.System, cancellationToken: Ct))
            {
                Assert.True(await store.RaiseAlarmAsync(new AuditEvidenceRecord(Guid.NewGuid(), "node-a", DateTimeOffset.UtcNow, "rollback", "the log shrank",
                    new byte[] { 1 }), Ct));
            }

            (code, stdout, stderr) = await CliRunner.RunAsync(null, "psi", "run", "node-a", "--set", "indicators", "--data", data);
            Assert.Equal(2, code);
            Assert.Empty(stdout);
            Assert.Contains("detente: partner node-a stands under an audit alarm", stderr, StringComparison.Ordinal);

            (code, _, stderr) = await CliRunner.RunAsync(null, "psi", "run", "nobody", "--set", "indicators", "--data", data);
            Assert.Equal(2, code);
            Assert.Contains("detente: no partner named 'nobody'", stderr, StringComparison.Ordinal);
        }
        finally
        {
            await stop.CancelAsync();
            Assert.Equal(0, await exit);
        }
    }

    [Fact]
    public async Task Bad_psi_flags_and_an_unreachable_node_are_clear_errors()
    {
        (int code, _, string stderr) = await CliRunner.RunAsync(null, "serve", "--data", Path.Combine(_parent, "n"), "--psi-allow", "admin=everything");
        Assert.Equal(2, code);
        Assert.Contains("--psi-allow 'everything' is not a PSI set (indicators, sightings)", stderr, StringComparison.Ordinal);

        string local = Path.Combine(_parent, "local.txt");
        await File.WriteAllTextAsync(local, "domain-name:a.example\n", Ct);
        (code, _, stderr) = await CliRunner.RunAsync(null, "psi", "run", "--url", "http://127.0.0.1:1/", "--token", "x", "--set", local);
        Assert.Equal(2, code);
        Assert.Contains("detente: cannot reach http://127.0.0.1:1/", stderr, StringComparison.Ordinal);

        (code, _, stderr) = await CliRunner.RunAsync(null, "psi", "run", "--url", "http://127.0.0.1:1/", "--token", "x", "--set", local, "--against", "everything");
        Assert.Equal(2, code);

        // A partner or a URL, not both and not neither; a URL with its token; a partner with the token 'partner add' stored.
        string data = Path.Combine(_parent, "empty");
        foreach ((string[] args, string message) in new[]
        {
            (new[] { "--set", local }, "name a PARTNER, or give --url and --token instead (not both)"),
            (["p", "--url", "http://127.0.0.1:1/", "--token", "x", "--set", local], "name a PARTNER, or give --url and --token instead (not both)"),
            (["--url", "http://127.0.0.1:1/", "--set", local], "--url needs --token"),
            (["p", "--token", "x", "--set", local], "--token goes with --url"),
            (["--url", "http://127.0.0.1:1/", "--token", "x", "--set", local, "--pad", "-1"], "--pad is not negative"),
            (["--url", "ftp://127.0.0.1:1/", "--token", "x", "--set", local], "--url is an absolute http:// or https:// URL"),
        })
        {
            (code, _, stderr) = await CliRunner.RunAsync(null, ["psi", "run", .. args, "--data", data]);
            Assert.Equal(2, code);
            Assert.Contains("detente: " + message, stderr, StringComparison.Ordinal);
        }
    }

    private static string Indicator(string pattern) =>
        $$"""{"type":"indicator","spec_version":"2.1","id":"indicator--{{Guid.NewGuid()}}","created":"2026-01-01T00:00:00.000Z","modified":"2026-01-01T00:00:00.000Z","pattern":"{{pattern}}","pattern_type":"stix","valid_from":"2026-01-01T00:00:00Z"}""";

    private async Task AddIndicatorsAsync(string url, string token, params string[] patterns)
    {
        IEnumerable<string> objects = patterns.Select(Indicator);
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
