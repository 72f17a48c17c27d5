using System.Net;
using System.Net.Http.Headers;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Detente.Testing;

namespace Detente.Cli.Tests;

/// <summary><c>detente serve</c> in process: a real node on 127.0.0.1, port 0, stopped by cancellation.</summary>
public sealed class ServeCommandTests : IDisposable
{
    private readonly string _parent = Path.Combine(Path.GetTempPath(), "detente-serve-" + Guid.NewGuid().ToString("N"));
    private readonly HttpClient _http = new();

    public ServeCommandTests() => Directory.CreateDirectory(_parent);

    public void Dispose()
    {
        _http.Dispose();
        Directory.Delete(_parent, true);
    }

    private string DataFolder => Path.Combine(_parent, "node");

    /// <summary>Captures standard output and says when the command flushed it (serve does, once its banner is written).</summary>
    private sealed class FlushSignallingWriter : StringWriter
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

    private sealed record Running(Task<int> Exit, string Output, CancellationTokenSource Stop, StringWriter Errors);

    private async Task<Running> StartAsync(params string[] extra)
    {
        var output = new FlushSignallingWriter();
        var errors = new StringWriter();
        TextWriter log = TextWriter.Synchronized(errors);
        var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        string[] args = ["serve", "--data", DataFolder, .. extra];
        Task<int> exit = Task.Run(() => new DetenteCli(new MemoryStream(), output, log).RunAsync(args, stop.Token));
        Task first = await Task.WhenAny(output.Flushed, exit);
        if (first != output.Flushed)
        {
            Assert.Fail($"serve ended with {await exit} before it printed its banner: {output}{errors}");
        }

        return new Running(exit, output.ToString(), stop, errors);
    }

    private static async Task<int> StopAsync(Running running)
    {
        await running.Stop.CancelAsync();
        int exit = await running.Exit;
        running.Stop.Dispose();
        return exit;
    }

    private static string Field(string output, string label) =>
        Regex.Match(output, "^" + Regex.Escape(label) + " (\\S+)", RegexOptions.Multiline) is { Success: true } m ? m.Groups[1].Value : "";

    private async Task<HttpResponseMessage> GetAsync(HttpClient http, string url, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.TryAddWithoutValidation("Accept", "application/taxii+json;version=2.1");
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await http.SendAsync(request, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task First_start_prints_url_and_token_once_serves_and_stops_cleanly()
    {
        Running first = await StartAsync("--urls", "http://127.0.0.1:0", "--public-url", "https://taxii.example.org/");
        string address = Field(first.Output, "Listening on");
        string token = Field(first.Output, "Admin token (shown once, keep it safe):");
        string keyId = Field(first.Output, "Node key:");
        Assert.StartsWith("http://127.0.0.1:", address, StringComparison.Ordinal);
        Assert.StartsWith("dtn_", token, StringComparison.Ordinal);
        Assert.Matches("^[0-9a-f]{64}$", keyId);
        Assert.Contains("Discovery: https://taxii.example.org/taxii2/", first.Output, StringComparison.Ordinal);
        Assert.Contains("Transparency log: taxii.example.org/log (verifier key taxii.example.org/log+", first.Output, StringComparison.Ordinal);

        using (HttpResponseMessage health = await _http.GetAsync(address + "/healthz", TestContext.Current.CancellationToken))
        {
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }

        using (HttpResponseMessage anonymous = await GetAsync(_http, address + "/taxii2/", null))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }

        using (HttpResponseMessage discovery = await GetAsync(_http, address + "/taxii2/", token))
        {
            Assert.Equal(HttpStatusCode.OK, discovery.StatusCode);
            string body = await discovery.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            Assert.Contains("\"api_roots\":[\"https://taxii.example.org/taxii2/default/\"]", body, StringComparison.Ordinal);
        }

        Assert.Equal(0, await StopAsync(first));
        string log = first.Errors.ToString();
        Assert.Contains("[8040] Access admin GET /taxii2/", log, StringComparison.Ordinal);
        Assert.Contains("[8045] Node stopped", log, StringComparison.Ordinal);
        Assert.DoesNotContain(token, log, StringComparison.Ordinal);

        // The store was disposed: a second start opens it again, and reveals no secret.
        Running second = await StartAsync("--urls", "http://127.0.0.1:0");
        Assert.DoesNotContain("dtn_", second.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Admin token", second.Output, StringComparison.Ordinal);
        Assert.Equal(keyId, Field(second.Output, "Node key:"));
        using (HttpResponseMessage again = await GetAsync(_http, Field(second.Output, "Listening on") + "/taxii2/", token))
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        }

        Assert.Equal(0, await StopAsync(second));
    }

    [Fact]
    public async Task The_node_keeps_one_signing_identity_serves_it_and_signs_what_an_admin_posts()
    {
        Running first = await StartAsync("--urls", "http://127.0.0.1:0", "--identity-name", "CERT-FR");
        string identity = Field(first.Output, "Node identity:");
        string address = Field(first.Output, "Listening on");
        string token = Field(first.Output, "Admin token (shown once, keep it safe):");
        Assert.Matches("^identity--[0-9a-f-]{36}$", identity);
        Assert.Contains($"Node identity: {identity} (CERT-FR) (created); served at {address}/identity/", first.Output, StringComparison.Ordinal);

        string indicator = """{"type":"indicator","spec_version":"2.1","id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","created":"2026-01-01T00:00:00.000Z","modified":"2026-01-01T00:00:00.000Z","pattern":"[ipv4-addr:value = '198.51.100.1']","pattern_type":"stix","valid_from":"2026-01-01T00:00:00Z"}""";
        using (var post = new HttpRequestMessage(HttpMethod.Post, address + "/taxii2/default/collections/default/objects/"))
        {
            post.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            post.Headers.TryAddWithoutValidation("Accept", "application/taxii+json;version=2.1");
            post.Content = new StringContent("{\"objects\":[" + indicator + "]}");
            post.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/taxii+json;version=2.1");
            using HttpResponseMessage posted = await _http.SendAsync(post, TestContext.Current.CancellationToken);
            Assert.Contains("\"success_count\":1", await posted.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        }

        using (HttpResponseMessage read = await GetAsync(_http, address + "/taxii2/default/collections/default/objects/", token))
        {
            string body = await read.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            Assert.Contains($"\"created_by_ref\":\"{identity}\"", body, StringComparison.Ordinal);
            Assert.Contains(Detente.Stix.Signatures.SignatureExtension.Id, body, StringComparison.Ordinal);
        }

        using (HttpResponseMessage served = await GetAsync(_http, address + "/identity/", token))
        {
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
            Assert.Contains($"\"id\":\"{identity}\"", await served.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        }

        Assert.Equal(0, await StopAsync(first));

        Running kept = await StartAsync("--urls", "http://127.0.0.1:0");
        Assert.Contains($"Node identity: {identity} (CERT-FR); served at", kept.Output, StringComparison.Ordinal);
        Assert.Equal(0, await StopAsync(kept));
        Running renamed = await StartAsync("--urls", "http://127.0.0.1:0", "--identity-name", "CERT-FR (national)");
        Assert.Contains($"Node identity: {identity} (CERT-FR (national)) (updated)", renamed.Output, StringComparison.Ordinal);
        Assert.Equal(0, await StopAsync(renamed));
    }

    [Fact]
    public async Task Without_a_public_url_discovery_names_the_port_the_node_was_given()
    {
        Running running = await StartAsync("--urls", "http://127.0.0.1:0");
        string address = Field(running.Output, "Listening on");
        Assert.DoesNotContain(":0", address, StringComparison.Ordinal);
        Assert.Contains("Discovery: " + address + "/taxii2/", running.Output, StringComparison.Ordinal);
        string token = Field(running.Output, "Admin token (shown once, keep it safe):");
        using (HttpResponseMessage discovery = await GetAsync(_http, address + "/taxii2/", token))
        {
            string body = await discovery.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            Assert.Contains("\"api_roots\":[\"" + address + "/taxii2/default/\"]", body, StringComparison.Ordinal);
        }

        Assert.Equal(0, await StopAsync(running));
    }

    [Fact]
    public async Task Serve_on_postgres_stores_what_is_posted_and_serves_it_back_after_a_restart()
    {
        string? connectionString = TestPostgres.ConnectionString;
        if (connectionString is null)
        {
            Assert.False(TestPostgres.IsRequired, TestPostgres.MissingButRequired);
            Assert.Skip(TestPostgres.SkipReason);
        }

        // A schema of this test's own, named by the connection string's search path.
        string schema = "detente_cli_" + Guid.NewGuid().ToString("N");
        string postgres = connectionString + ";Search Path=" + schema;
        try
        {
            Running first = await StartAsync("--urls", "http://127.0.0.1:0", "--postgres", postgres);
            string address = Field(first.Output, "Listening on");
            string token = Field(first.Output, "Admin token (shown once, keep it safe):");
            string collection = Regex.Match(first.Output, "and collection ([0-9a-f-]{36})").Groups[1].Value;
            string objects = address + "/taxii2/default/collections/" + collection + "/objects/";
            const string Indicator = """
                {"type":"indicator","spec_version":"2.1","id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","created":"2025-01-01T00:00:00.000Z",
                 "modified":"2025-01-01T00:00:00.000Z","pattern":"[ipv4-addr:value = '198.51.100.7']","pattern_type":"stix","valid_from":"2025-01-01T00:00:00Z"}
                """;
            using (var post = new HttpRequestMessage(HttpMethod.Post, objects))
            {
                post.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                post.Headers.TryAddWithoutValidation("Accept", "application/taxii+json;version=2.1");
                post.Content = new StringContent("{\"objects\":[" + Indicator + "]}");
                post.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/taxii+json;version=2.1");
                using HttpResponseMessage posted = await _http.SendAsync(post, TestContext.Current.CancellationToken);
                Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
                Assert.Contains("\"success_count\":1", await posted.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
            }

            // The node originates what its admin posts: the object is served with the node's created_by_ref and signature.
            string served;
            using (HttpResponseMessage before = await GetAsync(_http, objects, token))
            {
                served = await before.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
                Assert.Contains("\"created_by_ref\":\"" + Field(first.Output, "Node identity:") + "\"", served, StringComparison.Ordinal);
                Assert.Contains(Detente.Stix.Signatures.SignatureExtension.Id, served, StringComparison.Ordinal);
                Assert.Contains("\"pattern\":\"[ipv4-addr:value = '198.51.100.7']\"", served, StringComparison.Ordinal);
            }

            Assert.Equal(0, await StopAsync(first));

            // The store is in PostgreSQL, not in the data folder: a restart serves the object, byte for byte.
            Assert.False(File.Exists(Path.Combine(DataFolder, "detente.db")));
            Running second = await StartAsync("--urls", "http://127.0.0.1:0", "--postgres", postgres);
            Assert.DoesNotContain("Admin token", second.Output, StringComparison.Ordinal);
            using (HttpResponseMessage read = await GetAsync(_http, Field(second.Output, "Listening on") + "/taxii2/default/collections/" + collection + "/objects/", token))
            {
                Assert.Equal(HttpStatusCode.OK, read.StatusCode);
                Assert.Equal(served, await read.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
            }

            Assert.Equal(0, await StopAsync(second));
        }
        finally
        {
            await using var connection = new Npgsql.NpgsqlConnection(connectionString);
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            await using var drop = new Npgsql.NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE", connection);
            await drop.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task A_postgres_connection_string_with_a_bad_search_path_is_refused()
    {
        (int exit, string output, string error) = await CliRunner.RunAsync(null, "serve", "--data", DataFolder, "--urls", "http://127.0.0.1:0",
            "--postgres", "Host=127.0.0.1;Password=hunter2;Search Path=a,b");
        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.Contains("--postgres", error, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error, StringComparison.Ordinal);
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public async Task The_data_folder_and_key_are_private_to_the_owner()
    {
        Assert.Equal(0, await StopAsync(await StartAsync("--urls", "http://127.0.0.1:0")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(DataFolder));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(DataFolder, "node.key")));

        File.SetUnixFileMode(DataFolder, (UnixFileMode)0b111_101_000);
        (int exit, string output, string error) = await CliRunner.RunAsync(null, "serve", "--data", DataFolder, "--urls", "http://127.0.0.1:0");
        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.Contains("chmod 700", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://0.0.0.0:0")]
    [InlineData("http://*:0")]
    [InlineData("http://192.0.2.1:0")]
    public async Task Plain_http_on_a_network_interface_is_refused_and_creates_nothing(string url)
    {
        (int exit, string output, string error) = await CliRunner.RunAsync(null, "serve", "--data", DataFolder, "--urls", url);
        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.Contains("without TLS", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(DataFolder));
    }

    [Fact]
    public async Task Https_gets_a_self_signed_certificate_whose_printed_fingerprint_clients_can_pin()
    {
        Running running = await StartAsync("--urls", "https://127.0.0.1:0");
        string fingerprint = Field(running.Output, "TLS certificate SHA-256:");
        Assert.Matches("^([0-9A-F]{2}:){31}[0-9A-F]{2}$", fingerprint);
        Assert.Contains("(self-signed, created)", running.Output, StringComparison.Ordinal);
        string? seen = null;
        using var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) =>
            {
                seen = certificate is null ? null : string.Join(':', Convert.ToHexString(SHA256.HashData(certificate.RawData)).Chunk(2).Select(c => new string(c)));
                return seen == fingerprint;
            },
        };
        using var pinned = new HttpClient(handler);
        string token = Field(running.Output, "Admin token (shown once, keep it safe):");
        using (HttpResponseMessage discovery = await GetAsync(pinned, Field(running.Output, "Listening on") + "/taxii2/", token))
        {
            Assert.Equal(HttpStatusCode.OK, discovery.StatusCode);
        }

        Assert.Equal(fingerprint, seen);
        Assert.Equal(0, await StopAsync(running));

        Running again = await StartAsync("--urls", "https://127.0.0.1:0");
        Assert.Equal(fingerprint, Field(again.Output, "TLS certificate SHA-256:"));
        Assert.DoesNotContain("created", again.Output, StringComparison.Ordinal);
        Assert.Equal(0, await StopAsync(again));
    }

    [Fact]
    public async Task Tls_files_without_an_https_url_are_refused()
    {
        (int exit, _, string error) = await CliRunner.RunAsync(null, "serve", "--data", DataFolder, "--urls", "http://127.0.0.1:0",
            "--tls-cert", "a.pem", "--tls-key", "a.key");
        Assert.Equal(2, exit);
        Assert.Contains("https://", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(DataFolder));
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public async Task At_start_a_witness_token_an_older_store_kept_moves_to_the_data_folder()
    {
        Assert.Equal(0, await StopAsync(await StartAsync("--urls", "http://127.0.0.1:0")));
        // Back to a store from before migration 11: the witness's token in log_witnesses.
        await SqliteRewind.ToSchema10WithWitnessTokenAsync(Path.Combine(DataFolder, Detente.Storage.Sqlite.SqliteStore.FileName), "old.example/witness",
            "old.example/witness+00000000+BA", "http://127.0.0.1:1/log/witness", "old-witness-token", TestContext.Current.CancellationToken);

        Running running = await StartAsync("--urls", "http://127.0.0.1:0");
        Assert.Equal(0, await StopAsync(running));
        string log = running.Errors.ToString();
        Assert.Contains("1 witness token(s) kept in the store by an older version moved to the data folder", log, StringComparison.Ordinal);
        Assert.DoesNotContain("old-witness-token", running.Output + log, StringComparison.Ordinal);
        string tokenFile = Assert.Single(Directory.GetFiles(Path.Combine(DataFolder, "log-witnesses"), "token", SearchOption.AllDirectories));
        Assert.Equal("old-witness-token", File.ReadAllText(tokenFile).Trim());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(tokenFile));
        await using Detente.Storage.IStore store = await Detente.Node.NodeAdmin.OpenStoreAsync(DataFolder, null, TimeProvider.System,
            cancellationToken: TestContext.Current.CancellationToken);
        Assert.Empty(await store.ListLogWitnessTokensToMoveAsync(TestContext.Current.CancellationToken));
        Assert.Equal("old.example/witness", Assert.Single(await store.ListLogWitnessesAsync(TestContext.Current.CancellationToken)).Name);
    }
}
