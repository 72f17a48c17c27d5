using System.Net;
using System.Text;
using System.Text.Json;
using Detente.Ledger.Auditing;
using Detente.Ledger.Entries;
using Detente.Ledger.Merkle;
using Detente.Ledger.Notes;
using Detente.Ledger.Tiles;
using Detente.Stix;
using Detente.Stix.Signatures;
using Detente.Storage;
using Detente.Taxii;
using Microsoft.AspNetCore.Builder;

namespace Detente.Node.Tests;

public abstract partial class NodeContractTests
{
    private const string LogOrigin = "taxii.example.org/log";

    private static readonly StixSigningKey s_logKey = StixSigningKey.ImportSeed(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());

    private static NoteVerifierKey LogVerifier => new NoteSigner(LogOrigin, s_logKey).VerifierKey;

    private async Task<(WebApplication App, Uri Server)> StartLogNodeAsync(IEgressPolicy? policy = null) =>
        await StartNodeAsync(policy, new NodeLogOptions
        {
            Key = s_logKey,
            Origin = LogOrigin,
            WitnessConnections = w => _witnessConnections.GetValueOrDefault(w.Name),
        });

    private async Task<Checkpoint> GetCheckpointAsync(Uri server)
    {
        using HttpResponseMessage response = await GetAsync(server, "/log/checkpoint", _adminToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        SignedNote note = SignedNote.Parse(await response.Content.ReadAsByteArrayAsync(Ct));
        Assert.True(note.Verify([LogVerifier]).IsValid);
        return Checkpoint.FromNote(note);
    }

    private async Task<HttpResponseMessage> GetAsync(Uri server, string path, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server, path));
        if (token is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        return await _http.SendAsync(request, Ct);
    }

    [Fact]
    public async Task At_start_the_node_integrates_every_logged_entry_and_serves_checkpoint_and_tiles()
    {
        await _store.SetLogOriginAsync(LogOrigin, Ct);
        List<string> ids = await PostIndicatorsAsync(300);
        (_, Uri server) = await StartLogNodeAsync();

        using HttpResponseMessage checkpointResponse = await GetAsync(server, "/log/checkpoint", _adminToken);
        Assert.Equal("text/plain; charset=utf-8", checkpointResponse.Content.Headers.ContentType!.ToString());
        Assert.Equal(TimeSpan.FromSeconds(1), checkpointResponse.Headers.CacheControl!.MaxAge);
        Checkpoint checkpoint = await GetCheckpointAsync(server);
        Assert.Equal(LogOrigin, checkpoint.Origin);
        Assert.Equal(ids.Count, checkpoint.Size);

        using HttpResponseMessage full = await GetAsync(server, "/log/tile/0/000", _adminToken);
        Assert.Equal(HttpStatusCode.OK, full.StatusCode);
        Assert.Equal("application/octet-stream", full.Content.Headers.ContentType!.ToString());
        System.Net.Http.Headers.CacheControlHeaderValue immutable = full.Headers.CacheControl!;
        Assert.True(immutable.Public);
        Assert.Equal(TimeSpan.FromSeconds(31_536_000), immutable.MaxAge);
        Assert.Contains(immutable.Extensions, e => e.Name == "immutable");
        Assert.Equal(256 * 32, (await full.Content.ReadAsByteArrayAsync(Ct)).Length);
        using HttpResponseMessage partial = await GetAsync(server, "/log/tile/entries/001.p/44", _adminToken);
        Assert.Equal(HttpStatusCode.OK, partial.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(60), partial.Headers.CacheControl!.MaxAge);
        Assert.DoesNotContain(partial.Headers.CacheControl.Extensions, e => e.Name == "immutable");
        Assert.Equal(44, EntryBundle.Decode(await partial.Content.ReadAsByteArrayAsync(Ct), 44).Length);

        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(server, "/log/tile/0/002", _adminToken)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(server, "/log/tile/0/001.p/45", _adminToken)).StatusCode);
        await AssertTaxiiErrorAsync(await GetAsync(server, "/log/tile/0/01", _adminToken), HttpStatusCode.BadRequest);
        await AssertTaxiiErrorAsync(await GetAsync(server, "/log/tile/0/001.p/0", _adminToken), HttpStatusCode.BadRequest);
        await AssertTaxiiErrorAsync(await GetAsync(server, "/log/tile/64/000", _adminToken), HttpStatusCode.BadRequest);
        await AssertTaxiiErrorAsync(await GetAsync(server, "/log/checkpoint", null), HttpStatusCode.Unauthorized);
        await AssertTaxiiErrorAsync(await GetAsync(server, "/log/tile/0/000", null), HttpStatusCode.Unauthorized);

        // Any partner may read the salted log; what it reads is the store's log, and it audits clean.
        string partner = await CreateTokenAsync("partner-log", TokenRole.Partner);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(server, "/log/tile/entries/000", partner)).StatusCode);
        LogAuditResult audit = await new LogAuditor([LogVerifier], LogOrigin).AuditAsync(_store.LogTiles, cancellationToken: Ct);
        Assert.True(audit.IsValid, audit.Discrepancy?.ToString());
        Assert.Equal(300, audit.EntriesChecked);
    }

    [Fact]
    public async Task A_proof_verifies_against_the_checkpoint_and_only_readers_of_the_version_get_one()
    {
        await _store.SetLogOriginAsync(LogOrigin, Ct);
        List<string> ids = await PostIndicatorsAsync(5);
        string id = ids[3];
        await PostAsync(Indicator(id, 2));
        (_, Uri server) = await StartLogNodeAsync();
        Checkpoint checkpoint = await GetCheckpointAsync(server);
        string proofPath = $"/log/proof/default/collections/{CollectionId}/objects/{id}/";

        using HttpResponseMessage response = await GetAsync(server, proofPath, _adminToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        using JsonDocument proof = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync(Ct));
        JsonElement p = proof.RootElement;
        Assert.Equal("2025-01-01T00:00:02.000Z", p.GetProperty("version").GetString());
        Assert.Equal("publish", p.GetProperty("action").GetString());
        Assert.Equal(5, p.GetProperty("leaf_index").GetInt64());
        Assert.Equal(checkpoint.Size, p.GetProperty("tree_size").GetInt64());
        Assert.Equal(checkpoint, Checkpoint.FromNote(SignedNote.Parse(Encoding.UTF8.GetBytes(p.GetProperty("checkpoint").GetString()!))));
        LogEntry entry = LogEntry.Parse(p.GetProperty("entry").GetBytesFromBase64());
        byte[] salt = p.GetProperty("salt").GetBytesFromBase64();
        MerkleHash[] path = [.. p.GetProperty("inclusion_proof").EnumerateArray().Select(h => new MerkleHash(h.GetBytesFromBase64()))];
        Assert.True(MerkleProof.VerifyInclusion(5, checkpoint.Size, entry.LeafHash, path, checkpoint.RootHash));

        // The salt opens the commitment to the object exactly as served.
        TaxiiEnvelope served = (await Client(_adminToken).GetObjectAsync(DefaultRoot, CollectionId, id, null, Ct)).Resource;
        StixObject stixObject = new StixReader().ReadObject(served.Objects[0].Json.Span);
        Assert.True(entry.Matches(stixObject, salt));

        // An older version by match[version]; several versions at once is a 400.
        using HttpResponseMessage first = await GetAsync(server, proofPath + "?match[version]=first", _adminToken);
        using JsonDocument firstProof = JsonDocument.Parse(await first.Content.ReadAsByteArrayAsync(Ct));
        Assert.Equal(3, firstProof.RootElement.GetProperty("leaf_index").GetInt64());
        await AssertTaxiiErrorAsync(await GetAsync(server, proofPath + "?match[version]=all", _adminToken), HttpStatusCode.BadRequest);

        // A reader without a grant, an unknown object and a withheld version all get the same 404.
        string stranger = await CreateTokenAsync("stranger", TokenRole.Partner);
        await AssertTaxiiErrorAsync(await GetAsync(server, proofPath, stranger), HttpStatusCode.NotFound);
        await AssertTaxiiErrorAsync(await GetAsync(server, $"/log/proof/default/collections/{CollectionId}/objects/{NewIndicatorId()}/", _adminToken),
            HttpStatusCode.NotFound);
        (_, Uri withholding) = await StartLogNodeAsync(new DenyIdsPolicy(new HashSet<string> { id }));
        await AssertTaxiiErrorAsync(await GetAsync(withholding, proofPath, _adminToken), HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(withholding, $"/log/proof/default/collections/{CollectionId}/objects/{ids[0]}/", _adminToken)).StatusCode);
    }

    [Fact]
    public async Task The_running_node_seals_new_entries_within_the_batch_delay()
    {
        await _store.SetLogOriginAsync(LogOrigin, Ct);
        (_, Uri server) = await StartLogNodeAsync();
        Assert.Equal(0, (await GetCheckpointAsync(server)).Size);

        await PostIndicatorsAsync(3);
        await Client(_adminToken).DeleteObjectAsync(DefaultRoot, CollectionId, (await PostIndicatorsAsync(1))[0], null, Ct);

        // The sequencer waits on the test's clock: move it on until a checkpoint covers the five entries.
        Checkpoint checkpoint = await GetCheckpointAsync(server);
        for (int step = 0; step < 500 && checkpoint.Size < 5; step++)
        {
            _clock.Advance(TimeSpan.FromMilliseconds(100));
            await Task.Yield();
            checkpoint = await GetCheckpointAsync(server);
        }

        Assert.Equal(5, checkpoint.Size);
        LogAuditResult audit = await new LogAuditor([LogVerifier], LogOrigin).AuditAsync(_store.LogTiles, cancellationToken: Ct);
        Assert.True(audit.IsValid, audit.Discrepancy?.ToString());
        LogEntry last = LogEntry.Parse((await _store.ReadLogEntriesAsync(4, 1, Ct))[0].Span);
        Assert.Equal(LogAction.Delete, last.Action);
    }

    [Fact]
    public async Task A_node_refuses_to_start_on_a_log_whose_checkpoint_does_not_match_its_tiles()
    {
        await _store.SetLogOriginAsync(LogOrigin, Ct);
        await PostIndicatorsAsync(3);
        (WebApplication first, _) = await StartLogNodeAsync();
        await first.StopAsync(Ct);
        Checkpoint good = Checkpoint.FromNote(SignedNote.Parse((await _store.LogTiles.ReadCheckpointAsync(Ct))!.Value.Span));

        // A checkpoint of the same size over another root, signed by the node key: a fork the node must not serve.
        var forged = new Checkpoint(LogOrigin, good.Size, MerkleHasher.HashLeaf("forged"u8));
        SignedNote forgedNote = new NoteSigner(LogOrigin, s_logKey).SignNote(forged.ToText());
        Assert.True(await _store.LogTiles.TryCommitAsync(new LogCommit(good.Size, good.Size, [], forgedNote.ToBytes()), Ct));

        NodeConfigurationException e = await Assert.ThrowsAsync<NodeConfigurationException>(() => StartLogNodeAsync());
        Assert.Contains("root recomputed from the stored tiles", e.Message, StringComparison.Ordinal);
        Assert.Contains(_log.Entries, l => l.EventId == 8081);

        // Signed by another key (or under another origin): refused too.
        using StixSigningKey other = StixSigningKey.Create();
        SignedNote strangerNote = new NoteSigner(LogOrigin, other).SignNote(good.ToText());
        Assert.True(await _store.LogTiles.TryCommitAsync(new LogCommit(good.Size, good.Size, [], strangerNote.ToBytes()), Ct));
        e = await Assert.ThrowsAsync<NodeConfigurationException>(() => StartLogNodeAsync());
        Assert.Contains("does not verify with the node key", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_node_refuses_to_start_when_a_sealed_entry_was_changed_in_the_store()
    {
        await _store.SetLogOriginAsync(LogOrigin, Ct);
        await PostIndicatorsAsync(3);
        (WebApplication first, _) = await StartLogNodeAsync();
        await first.StopAsync(Ct);

        // The last sealed entry rewritten behind the log's back: the tiles still hold the original.
        await ExecuteSqlAsync("UPDATE log_entries SET entry = (SELECT entry FROM log_entries WHERE leaf_index = 0) WHERE leaf_index = 2");

        NodeConfigurationException e = await Assert.ThrowsAsync<NodeConfigurationException>(() => StartLogNodeAsync());
        Assert.Contains(_log.Entries, l => l.EventId == 8081);
        Assert.Contains("does not hold the store's entries", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_node_refuses_to_start_when_the_store_holds_fewer_entries_than_its_checkpoint()
    {
        await _store.SetLogOriginAsync(LogOrigin, Ct);
        await PostIndicatorsAsync(3);
        (WebApplication first, _) = await StartLogNodeAsync();
        await first.StopAsync(Ct);

        // An entry the checkpoint covers removed from the store (the next index stays): the last bundle no longer matches.
        await ExecuteSqlAsync("DELETE FROM log_entries WHERE leaf_index = 2");

        NodeConfigurationException e = await Assert.ThrowsAsync<NodeConfigurationException>(() => StartLogNodeAsync());
        Assert.Contains(_log.Entries, l => l.EventId == 8081);
        Assert.Contains("does not hold the store's entries 0–2", e.Message, StringComparison.Ordinal);
    }
}
