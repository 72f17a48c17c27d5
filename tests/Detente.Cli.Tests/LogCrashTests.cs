using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Detente.Ledger.Entries;
using Detente.Ledger.Notes;
using Detente.Node;
using Detente.Psi;
using Detente.Stix;
using Detente.Storage;
using Detente.Storage.Sqlite;

namespace Detente.Cli.Tests;

/// <summary>
/// The transparency log survives kill -9: a node in a child process takes concurrent adds and is killed (SIGKILL) at
/// seeded random moments, then restarted; after every restart the log verifies from its tiles, every acknowledged
/// object is in the store and in a checkpoint, the log holds exactly the store's versions and PSI session records, and every
/// PSI session the node closed meanwhile is in the log as its receipt said.
/// </summary>
public sealed class LogCrashTests : IDisposable
{
    private const int Rounds = 8;
    private const int Posters = 4;

    private readonly string _data = Path.Combine(Path.GetTempPath(), "detente-crash-" + Guid.NewGuid().ToString("N"));
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private string? _refusal;

    public void Dispose()
    {
        _http.Dispose();
        if (Directory.Exists(_data))
        {
            Directory.Delete(_data, true);
        }
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed record Child(Process Process, string Address, string Output);

    /// <summary>Starts <c>dotnet detente.dll serve</c> and reads its banner up to the line that ends it.</summary>
    private async Task<Child> StartChildAsync(bool first)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "detente.dll");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in (string[])[dll, "serve", "--data", _data, "--urls", "http://127.0.0.1:0", "--rate-limit", "0", "--log-level", "Warning",
                     "--log-origin", "crash.example.org/log", "--psi-allow", "admin=indicators", "--psi-sessions-per-hour", "1000000"])
        {
            info.ArgumentList.Add(arg);
        }

        Process process = Process.Start(info)!;
        var errors = new StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            lock (errors)
            {
                errors.AppendLine(e.Data);
            }
        };
        process.BeginErrorReadLine();
        var banner = new StringBuilder();
        string last = first ? "Admin token" : "Node key:";
        while (true)
        {
            string? line = await process.StandardOutput.ReadLineAsync(Ct);
            if (line is null)
            {
                await process.WaitForExitAsync(Ct);
                lock (errors)
                {
                    Assert.Fail($"serve exited with {process.ExitCode} before its banner: {banner}{errors}");
                }
            }

            banner.AppendLine(line);
            if (line.StartsWith(last, StringComparison.Ordinal))
            {
                break;
            }
        }

        string output = banner.ToString();
        return new Child(process, Regex.Match(output, "^Listening on (\\S+)", RegexOptions.Multiline).Groups[1].Value, output);
    }

    private static string Indicator(string id) =>
        $$"""{"type":"indicator","spec_version":"2.1","id":"{{id}}","created":"2025-01-01T00:00:00.000Z","modified":"2025-01-01T00:00:00.000Z","pattern":"[ipv4-addr:value = '198.51.100.7']","pattern_type":"stix","valid_from":"2025-01-01T00:00:00Z"}""";

    /// <summary>Posts envelopes of new indicators until the node goes away; records those whose add was acknowledged.</summary>
    private async Task PostUntilGoneAsync(string objectsUrl, string token, int seed, ConcurrentDictionary<string, byte> acknowledged, int maxPosts = int.MaxValue)
    {
        var random = new Random(seed);
        for (int posts = 0; posts < maxPosts; posts++)
        {
            string[] ids = [.. Enumerable.Range(0, random.Next(1, 6)).Select(_ => "indicator--" + Guid.NewGuid().ToString("D"))];
            using var post = new HttpRequestMessage(HttpMethod.Post, objectsUrl);
            post.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            post.Headers.TryAddWithoutValidation("Accept", "application/taxii+json;version=2.1");
            post.Content = new StringContent("{\"objects\":[" + string.Join(",", ids.Select(Indicator)) + "]}");
            post.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/taxii+json;version=2.1");
            try
            {
                using HttpResponseMessage response = await _http.SendAsync(post, Ct);
                byte[] body = await response.Content.ReadAsByteArrayAsync(Ct);
                if (response.StatusCode != HttpStatusCode.Accepted)
                {
                    _refusal ??= $"{(int)response.StatusCode} {Encoding.UTF8.GetString(body)}";
                    continue;
                }

                using JsonDocument status = JsonDocument.Parse(body);
                if (status.RootElement.GetProperty("status").GetString() == "complete"
                    && status.RootElement.GetProperty("success_count").GetInt32() == ids.Length)
                {
                    foreach (string id in ids)
                    {
                        acknowledged.TryAdd(id, 0);
                    }
                }
            }
            catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException or JsonException)
            {
                _refusal ??= e.Message;
                return; // killed
            }
        }
    }

    /// <summary>Runs PSI sessions until the node goes away; records those the node closed, with the leaf indices of its receipt.</summary>
    private static async Task RunPsiUntilGoneAsync(HttpClient http, string address, string token, ConcurrentDictionary<string, long[]> sessions,
        int maxRuns = int.MaxValue)
    {
        var client = new PsiNodeClient(http, new Uri(address + "/"), token);
        List<PsiElement> elements = [PsiElement.Parse("ipv4-addr:198.51.100.7"), PsiElement.Parse("domain-name:not-there.example")];
        for (int runs = 0; runs < maxRuns; runs++)
        {
            try
            {
                PsiRunReport report = await client.RunAsync(elements, PsiSetKind.Indicators, PsiMode.Intersection, cancellationToken: Ct);
                sessions.TryAdd(report.SessionId.ToString(), [.. report.LogReceipt!.Entries.Select(static e => e.LeafIndex)]);
            }
            catch (Exception e) when (e is PsiException or HttpRequestException or IOException or TaskCanceledException or JsonException)
            {
                return; // killed
            }
        }
    }

    /// <summary>The store and the log agree: every acknowledged object is stored and in a checkpoint; the log is the store's
    /// versions and PSI session records; every session the node closed has its opened and completed entries.</summary>
    private async Task AssertStoreAndLogAgreeAsync(Guid collection, IReadOnlyCollection<string> acknowledged,
        IReadOnlyDictionary<string, long[]>? sessions = null)
    {
        IStore store = await SqliteStore.OpenAsync(_data, cancellationToken: Ct);
        await using (store)
        {
            Checkpoint checkpoint = Checkpoint.FromNote(SignedNote.Parse((await store.LogTiles.ReadCheckpointAsync(Ct))!.Value.Span));
            long logSize = await store.GetLogSizeAsync(Ct);
            var stored = new Dictionary<string, StoredObject>(StringComparer.Ordinal);
            await foreach (StoredObject o in store.ReadObjectsAsync(collection, ObjectFilter.None with { Versions = Storage.VersionFilter.All },
                cancellationToken: Ct))
            {
                stored.Add(o.Id, o);
            }

            // Nothing in the log the store lacks: one entry per stored version or PSI session record, each linked to one, and all sealed.
            int records = 0;
            for (long start = 0; start < logSize; start += 4096)
            {
                foreach (ReadOnlyMemory<byte> bytes in await store.ReadLogEntriesAsync(start, 4096, Ct))
                {
                    records += LogEntry.Parse(bytes.Span).Action == LogAction.PsiSession ? 1 : 0;
                }
            }

            Assert.Equal(stored.Count + records, logSize);
            Assert.Equal(logSize, checkpoint.Size);
            var reader = new StixReader();
            var leaves = new HashSet<long>();
            foreach (StoredObject version in stored.Values)
            {
                LogEntryRecord record = (await store.FindLogEntryAsync(collection, version.DateAdded, Ct))!;
                Assert.True(leaves.Add(record.LeafIndex));
                LogEntry entry = LogEntry.Parse((await store.ReadLogEntriesAsync(record.LeafIndex, 1, Ct))[0].Span);
                Assert.True(entry.Matches(reader.ReadObject(version.Json.Span), record.Salt.Span), $"entry {record.LeafIndex} does not commit to {version.Id}");
            }

            // Every acknowledged object is stored (and so, above, in the log).
            Assert.All(acknowledged, id => Assert.True(stored.ContainsKey(id), $"{id} was acknowledged but is not stored"));

            // Every session the node closed is in the log as its receipt said: opened, then completed, committed to its record.
            int sessionRecords = 0;
            foreach ((string session, long[] receiptLeaves) in sessions ?? new Dictionary<string, long[]>())
            {
                IReadOnlyList<LogEntryRecord> logged = await store.FindLogRecordsAsync(LogAction.PsiSession, session, Ct);
                Assert.Equal(receiptLeaves, logged.Select(static r => r.LeafIndex));
                foreach (LogEntryRecord record in logged)
                {
                    LogEntry entry = LogEntry.Parse((await store.ReadLogEntriesAsync(record.LeafIndex, 1, Ct))[0].Span);
                    Assert.True(entry.MatchesRecord(record.Record.Span, session, record.Salt.Span), $"entry {record.LeafIndex} does not commit to session {session}");
                }

                sessionRecords += logged.Count;
            }

            Assert.True(sessionRecords <= records);
        }
    }

    [Fact]
    public async Task Killed_at_random_moments_the_node_restarts_to_a_log_that_verifies_and_holds_every_acknowledged_object()
    {
        Assert.True(File.Exists(Path.Combine(AppContext.BaseDirectory, "detente.runtimeconfig.json")), "detente.dll cannot run from the test folder");
        int seed = int.TryParse(Environment.GetEnvironmentVariable("DETENTE_PROPERTY_SEED"), NumberStyles.None, CultureInfo.InvariantCulture, out int s)
            ? s
            : 20261123;
        var random = new Random(seed);
        var acknowledged = new ConcurrentDictionary<string, byte>(StringComparer.Ordinal);
        var sessions = new ConcurrentDictionary<string, long[]>(StringComparer.Ordinal);
        Child child = await StartChildAsync(first: true);
        string token = Regex.Match(child.Output, "Admin token \\(shown once, keep it safe\\): (\\S+)").Groups[1].Value;
        var collection = Guid.Parse(Regex.Match(child.Output, "and collection ([0-9a-f-]{36})").Groups[1].Value);
        try
        {
            for (int round = 0; round < Rounds; round++)
            {
                string objects = $"{child.Address}/taxii2/default/collections/{collection:D}/objects/";
                // One add first, so that the node has warmed up (JIT) and each round acknowledges something.
                await PostUntilGoneAsync(objects, token, random.Next(), acknowledged, maxPosts: 1);
                // Likewise one PSI session, closed before the kill window opens.
                await RunPsiUntilGoneAsync(_http, child.Address, token, sessions, maxRuns: 1);
                Task[] posters = [.. Enumerable.Range(0, Posters).Select(p => Task.Run(() => PostUntilGoneAsync(objects, token, random.Next(), acknowledged), Ct)),
                    Task.Run(() => RunPsiUntilGoneAsync(_http, child.Address, token, sessions), Ct)];
                // The kill comes at a seeded random moment while the posters run (a moment, not an assertion on time).
                await Task.Delay(random.Next(150, 900), Ct);
                child.Process.Kill(entireProcessTree: true);
                await child.Process.WaitForExitAsync(Ct);
                child.Process.Dispose();
                await Task.WhenAll(posters);

                // The restart verifies the tail and integrates every entry before it serves.
                child = await StartChildAsync(first: false);
                (int exit, string output, string errors) = await CliRunner.RunAsync(null, "log", "verify", "--data", _data);
                Assert.True(exit == 0, $"round {round} (seed {seed}): log verify failed: {output}{errors}");
                await AssertStoreAndLogAgreeAsync(collection, [.. acknowledged.Keys], sessions);
            }

            Assert.True(acknowledged.Count > Rounds, $"only {acknowledged.Count} objects were acknowledged; first refusal: {_refusal}");
            Assert.NotEmpty(sessions);

            // The same log over HTTP: key, checkpoint, a proof, and the audit.
            (int keyExit, string keyFromData, _) = await CliRunner.RunAsync(null, "log", "key", "--data", _data);
            (_, string keyFromUrl, _) = await CliRunner.RunAsync(null, "log", "key", "--url", child.Address, "--token", token);
            Assert.Equal(0, keyExit);
            Assert.StartsWith("crash.example.org/log+", keyFromData, StringComparison.Ordinal);
            Assert.Equal(keyFromData, keyFromUrl);
            string key = keyFromData.Trim();
            (int verifyExit, string verified, string verifyErrors) = await CliRunner.RunAsync(null, "log", "verify", "--url", child.Address, "--token", token, "--key", key);
            Assert.True(verifyExit == 0, verified + verifyErrors);
            Assert.Contains("OK: crash.example.org/log at size", verified, StringComparison.Ordinal);
            string someId = acknowledged.Keys.First();
            (int proofExit, string proof, string proofErrors) = await CliRunner.RunAsync(null, "log", "proof", "--url", child.Address, "--token", token,
                "--key", key, "--collection", collection.ToString("D"), "--object", someId);
            Assert.True(proofExit == 0, proof + proofErrors);
            Assert.Contains("commits to the object with its salt", proofErrors, StringComparison.Ordinal);
            (int localExit, _, string localErrors) = await CliRunner.RunAsync(null, "log", "proof", "--data", _data, "--collection", "default", "--object", someId);
            Assert.True(localExit == 0, localErrors);

            // A pinned older checkpoint is consistent with the current one; a forged one is refused.
            (_, string checkpoint, _) = await CliRunner.RunAsync(null, "log", "checkpoint", "--data", _data);
            string pinned = CliRunner.TempFile(checkpoint);
            (int pinnedExit, string pinnedOut, string pinnedErr) = await CliRunner.RunAsync(null, "log", "verify", "--data", _data, "--pinned", pinned);
            Assert.True(pinnedExit == 0, pinnedOut + pinnedErr);
            File.Delete(pinned);
        }
        finally
        {
            if (!child.Process.HasExited)
            {
                child.Process.Kill(entireProcessTree: true);
                await child.Process.WaitForExitAsync(CancellationToken.None);
            }

            child.Process.Dispose();
        }
    }
}
