using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Detente.Ledger.Auditing;
using Detente.Ledger.Entries;
using Detente.Ledger.Notes;
using Detente.Psi;
using Detente.Stix.Signatures;
using Detente.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Detente.Node.Tests;

/// <summary>Every PSI session in the transparency log: the entries, the receipt at close, and the proofs for the parties only.</summary>
public sealed class PsiLogTests
{
    private const string Partner = "partner-a";
    private const string Origin = "taxii.example.org/log";
    private static readonly StixSigningKey s_key = StixSigningKey.ImportSeed([.. Enumerable.Range(7, 32).Select(static i => (byte)i)]);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static NoteVerifierKey Verifier => new NoteSigner(Origin, s_key).VerifierKey;

    [Fact]
    public async Task A_completed_session_is_two_log_entries_its_initiator_gets_the_receipt_and_a_proof_that_verifies()
    {
        await using OpsNode node = await StartAsync();
        string token = await PartnerAsync(node);
        using var http = new HttpClient();
        var client = new PsiNodeClient(http, node.Server, token);
        PsiRunReport report = await client.RunAsync(Elements("domain-name:a.example", "ipv4-addr:198.51.100.3"), PsiSetKind.Indicators,
            PsiMode.Intersection, cancellationToken: Ct);

        // The store's log holds the opened and completed records as psi-session entries, in that order.
        IReadOnlyList<LogEntryRecord> stored = await node.Store.FindLogRecordsAsync(LogAction.PsiSession, report.SessionId.ToString(), Ct);
        Assert.Equal(2, stored.Count);
        Assert.Equal("completed", report.Outcome);
        PsiSessionLogProof receipt = Assert.IsType<PsiSessionLogProof>(report.LogReceipt);
        Assert.True(receipt.IsReceipt);
        Assert.Equal(stored.Select(static e => e.LeafIndex), receipt.Entries.Select(static e => e.LeafIndex));
        Assert.Equal(["opened", "completed"], receipt.Entries.Select(static e => e.Outcome));
        Assert.Equal(stored[1].Salt.ToArray(), receipt.Entries[1].Salt.ToArray());
        foreach (PsiSessionLogEntry entry in receipt.Entries)
        {
            LogEntry parsed = LogEntry.Parse(entry.Entry.Span);
            Assert.Equal(LogAction.PsiSession, parsed.Action);
            Assert.True(parsed.MatchesRecord(entry.Record.Span, report.SessionId.ToString(), entry.Salt.Span));
            Assert.Equal(Partner, entry.RecordMember("initiator"));
            Assert.Equal(Convert.ToHexStringLower(report.KeyCommitment.Span), entry.RecordMember("key_commitment"));
            // The entry itself names neither the session nor the partner.
            Assert.DoesNotContain(report.SessionId.ToString(), Encoding.UTF8.GetString(entry.Entry.Span), StringComparison.Ordinal);
            Assert.DoesNotContain(Partner, Encoding.UTF8.GetString(entry.Entry.Span), StringComparison.Ordinal);
        }

        PsiSessionLogProof proof = await SealedProofAsync(node, client, report.SessionId);
        Assert.Null(proof.Verify(Verifier, Partner));
        Assert.Equal(receipt.Entries.Select(static e => e.LeafIndex), proof.Entries.Select(static e => e.LeafIndex));
        Assert.NotNull(proof.Verify(Verifier, "someone-else"));
        Assert.NotNull(proof.Verify(new NoteSigner(Origin, StixSigningKey.Create()).VerifierKey, Partner));
        Assert.NotNull(receipt.Verify(Verifier));

        // A record changed by one byte, or another session's id, does not verify.
        byte[] record = proof.Entries[1].Record.ToArray();
        record[^3] ^= 1;
        PsiSessionLogProof tampered = proof with { Entries = [proof.Entries[0], proof.Entries[1] with { Record = record }] };
        Assert.Contains("does not commit", tampered.Verify(Verifier, Partner), StringComparison.Ordinal);
        Assert.NotNull((proof with { SessionId = PsiSessionId.New() }).Verify(Verifier, Partner));

        // The proof roundtrips through its JSON, and the whole log audits clean with the new entries in it.
        using (JsonDocument json = JsonDocument.Parse(proof.ToJson()))
        {
            Assert.True(PsiSessionLogProof.TryParse(json.RootElement, out PsiSessionLogProof? back, out _));
            Assert.Null(back.Verify(Verifier, Partner));
        }

        LogAuditResult audit = await new LogAuditor([Verifier], Origin).AuditAsync(node.Store.LogTiles, cancellationToken: Ct);
        Assert.True(audit.IsValid, audit.Discrepancy?.ToString());
    }

    [Fact]
    public async Task Only_the_session_s_parties_get_its_proof()
    {
        await using OpsNode node = await StartAsync();
        string token = await PartnerAsync(node);
        using var http = new HttpClient();
        PsiRunReport report = await new PsiNodeClient(http, node.Server, token).RunAsync(Elements("domain-name:a.example"), PsiSetKind.Indicators,
            PsiMode.Intersection, cancellationToken: Ct);
        await SealedProofAsync(node, new PsiNodeClient(http, node.Server, token), report.SessionId);

        string stranger = await node.CreateTokenAsync("stranger", TokenRole.Partner);
        string path = $"log/proof/psi/{report.SessionId}";
        using (HttpResponseMessage response = await GetAsync(http, node, stranger, path))
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.DoesNotContain("salt", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }

        using (HttpResponseMessage response = await GetAsync(http, node, node.AdminToken, path))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        using (HttpResponseMessage response = await GetAsync(http, node, token, $"log/proof/psi/{PsiSessionId.New()}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }

        using (HttpResponseMessage response = await GetAsync(http, node, token, "log/proof/psi/not-a-session"))
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }

        using (HttpResponseMessage response = await GetAsync(http, node, null, path))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        PsiException e = await Assert.ThrowsAsync<PsiException>(() => new PsiNodeClient(http, node.Server, stranger).GetLogProofAsync(report.SessionId, Ct));
        Assert.Contains("404", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Failed_closed_and_expired_sessions_are_each_in_the_log_with_their_outcome()
    {
        await using OpsNode node = await StartAsync();
        string token = await PartnerAsync(node);
        using var http = new HttpClient();

        // Closed before the end: opened, then the client deletes it.
        PsiSessionId closed = await OpenAsync(http, node, token);
        using (HttpResponseMessage response = await SendAsync(http, node, token, HttpMethod.Delete, $"psi/sessions/{closed}", null))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using JsonDocument answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
            Assert.Equal("closed", answer.RootElement.GetProperty("outcome").GetString());
            Assert.Equal($"log/proof/psi/{closed}", answer.RootElement.GetProperty("proof").GetString());
            Assert.Equal(2, answer.RootElement.GetProperty("log").GetProperty("entries").GetArrayLength());
        }

        // Failed: a malformed chunk.
        PsiSessionId failed = await OpenAsync(http, node, token);
        byte[] frame = new byte[PsiChunk.HeaderLength + 32];
        PsiChunk.WriteHeader(frame, new PsiChunkHeader(PsiChunkKind.Blinded, true, failed, 0, 1));
        using (var content = new ByteArrayContent(frame))
        {
            content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            using HttpResponseMessage response = await SendAsync(http, node, token, HttpMethod.Post, $"psi/sessions/{failed}/blinded", content);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }

        // Expired: opened, then idle past the timeout; the next open ends it.
        PsiSessionId expired = await OpenAsync(http, node, token);
        node.Clock.Advance(TimeSpan.FromMinutes(11));
        await OpenAsync(http, node, token);

        Assert.Equal(["opened", "closed"], await OutcomesAsync(node, closed));
        Assert.Equal("opened", (await OutcomesAsync(node, failed))[0]);
        Assert.StartsWith("failed: ", (await OutcomesAsync(node, failed))[1], StringComparison.Ordinal);
        Assert.Equal(["opened", "expired"], await OutcomesAsync(node, expired));
    }

    private static async Task<string[]> OutcomesAsync(OpsNode node, PsiSessionId id) =>
        [.. (await node.Store.FindLogRecordsAsync(LogAction.PsiSession, id.ToString(), Ct))
            .Select(static e => new PsiSessionLogEntry(e.LeafIndex, e.Entry, e.Salt, e.Record, []).Outcome ?? "(none)")];

    /// <summary>The session's proof, once the node's log is sealed past its entries (sealed here, whatever the running
    /// sequencer does meanwhile, so that a loaded machine changes nothing).</summary>
    private static async Task<PsiSessionLogProof> SealedProofAsync(OpsNode node, PsiNodeClient client, PsiSessionId id)
    {
        NodeLog log = node.App.Services.GetRequiredService<LogSequencerService>().Log!;
        PsiSessionLogProof? proof = await client.GetLogProofAsync(id, Ct);
        for (int step = 0; step < 10 && proof is null; step++)
        {
            await log.SealAsync(Ct);
            proof = await client.GetLogProofAsync(id, Ct);
        }

        return Assert.IsType<PsiSessionLogProof>(proof);
    }

    private static Task<OpsNode> StartAsync()
    {
        var psi = new NodePsiOptions
        {
            Grants = new Dictionary<string, PsiGrant>(StringComparer.Ordinal)
            {
                [Partner] = new(new HashSet<PsiSetKind> { PsiSetKind.Indicators }, new HashSet<PsiMode> { PsiMode.Intersection, PsiMode.Cardinality }),
            },
            MaxSetSize = 100,
            SessionsPerHour = 100,
        };
        return OpsNode.StartAsync(o => o with { Psi = psi, Log = new NodeLogOptions { Key = s_key, Origin = Origin } });
    }

    private static async Task<string> PartnerAsync(OpsNode node)
    {
        Assert.True(await node.Store.GrantAsync(node.CollectionId, Partner, CollectionAccess.Read, Ct));
        await node.App.Services.GetRequiredService<SharingPolicySource>().RefreshAsync(Ct);
        return await node.CreateTokenAsync(Partner, TokenRole.Partner);
    }

    private static List<PsiElement> Elements(params string[] texts) => [.. texts.Select(PsiElement.Parse)];

    private static async Task<PsiSessionId> OpenAsync(HttpClient http, OpsNode node, string token)
    {
        using HttpResponseMessage key = await SendAsync(http, node, token, HttpMethod.Get, "psi/key", null);
        using JsonDocument epoch = JsonDocument.Parse(await key.Content.ReadAsStringAsync(Ct));
        string body = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["set"] = "indicators",
            ["mode"] = "intersection",
            ["size"] = 1,
            ["key_epoch"] = epoch.RootElement.GetProperty("key_epoch").GetString()!,
            ["key_commitment"] = epoch.RootElement.GetProperty("key_commitment").GetString()!,
        });
        using HttpResponseMessage opened = await SendAsync(http, node, token, HttpMethod.Post, "psi/sessions", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, opened.StatusCode);
        using JsonDocument answer = JsonDocument.Parse(await opened.Content.ReadAsStringAsync(Ct));
        return PsiSessionId.Parse(answer.RootElement.GetProperty("session_id").GetString()!);
    }

    private static Task<HttpResponseMessage> GetAsync(HttpClient http, OpsNode node, string? token, string path) =>
        SendAsync(http, node, token, HttpMethod.Get, path, null);

    private static Task<HttpResponseMessage> SendAsync(HttpClient http, OpsNode node, string? token, HttpMethod method, string path, HttpContent? content)
    {
        var request = new HttpRequestMessage(method, new Uri(node.Server, path)) { Content = content };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return http.SendAsync(request, Ct);
    }
}
