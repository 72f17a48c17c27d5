using System.Net;
using System.Text;
using Detente.Ledger.Merkle;
using Detente.Ledger.Notes;
using Detente.Ledger.Sequencing;
using Detente.Ledger.Tiles;
using Detente.Ledger.Witnessing;
using Detente.Stix.Signatures;
using Detente.Storage;
using Detente.Storage.Sqlite;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Detente.Node.Tests;

public abstract partial class NodeContractTests
{
    private const string PartnerOrigin = "partner.example.org/log";
    private const string WitnessPath = "/log/witness/add-checkpoint";

    private static readonly StixSigningKey s_partnerKey = StixSigningKey.ImportSeed(Enumerable.Range(40, 32).Select(i => (byte)i).ToArray());
    private static readonly StixSigningKey s_witnessKey = StixSigningKey.ImportSeed(Enumerable.Range(80, 32).Select(i => (byte)i).ToArray());

    /// <summary>How the log node of a test reaches its witnesses (their tokens), by witness name.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, LogWitnessConnection> _witnessConnections = new(StringComparer.Ordinal);

    /// <summary>Another node's log, built in memory: its checkpoints and consistency proofs.</summary>
    private sealed class PartnerLog(StixSigningKey key, string entryPrefix = "entry", string origin = PartnerOrigin)
    {
        private readonly Sequencer _sequencer = new(origin, new NoteSigner(origin, key));
        private readonly List<SignedNote> _checkpoints = [];

        public MemoryTileStore Tiles { get; } = new();

        public LogEdge Edge { get; private set; } = LogEdge.Empty;

        public NoteVerifierKey Verifier { get; } = new NoteSigner(origin, key).VerifierKey;

        public SignedNote Checkpoint(long size) => _checkpoints.Single(c => Ledger.Notes.Checkpoint.FromNote(c).Size == size);

        public async Task<SignedNote> AppendAsync(int count)
        {
            ReadOnlyMemory<byte>[] entries = [.. Enumerable.Range(0, count).Select(i => (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes($"{entryPrefix} {Edge.Size + i}"))];
            SequencedBatch batch = _sequencer.Append(Edge, entries);
            Assert.True(await Tiles.TryCommitAsync(batch.ToCommit(), Ct));
            Edge = batch.Edge;
            _checkpoints.Add(batch.Checkpoint);
            return batch.Checkpoint;
        }

        public async Task<MerkleHash[]> ProofAsync(long old, long size) =>
            await MerkleProof.ConsistencyAsync(new TileHashReader(Tiles, Edge.Size), old, size, Ct);
    }

    private static string AddCheckpointBody(long old, IReadOnlyList<MerkleHash> proof, SignedNote checkpoint) =>
        Encoding.UTF8.GetString(new AddCheckpointRequest(old, proof, checkpoint).ToBytes());

    private async Task<HttpResponseMessage> PostWitnessAsync(Uri server, string? token, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server, WitnessPath)) { Content = new StringContent(body, Encoding.UTF8, "text/plain") };
        if (token is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        return await _http.SendAsync(request, Ct);
    }

    private async Task AssertWitnessAnswerAsync(HttpResponseMessage response, HttpStatusCode status, string contentType = "text/plain")
    {
        Assert.True(status == response.StatusCode, string.Join("\n", _log.Entries.Where(e => e.Level >= LogLevel.Error).Select(e => e.Message)));
        Assert.Equal(contentType, response.Content.Headers.ContentType!.MediaType);
        Assert.NotEmpty(await response.Content.ReadAsByteArrayAsync(Ct));
    }

    [Fact]
    public async Task The_witness_route_answers_every_status_of_tlog_witness()
    {
        await _store.SetLogOriginAsync(LogOrigin, Ct);
        (WebApplication app, Uri server) = await StartLogNodeAsync();
        NoteVerifierKey witnessKey = app.Services.GetRequiredService<NodeWitness>().VerifierKey;
        Assert.Equal("taxii.example.org/witness", witnessKey.Name);
        Assert.Equal(NoteKeyType.Cosignature, witnessKey.Type);
        var partner = new PartnerLog(s_partnerKey);
        SignedNote five = await partner.AppendAsync(5);
        SignedNote eight = await partner.AppendAsync(3);

        // Authenticated like every route; an origin the node does not witness is 404.
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostWitnessAsync(server, null, AddCheckpointBody(0, [], five))).StatusCode);
        await AssertWitnessAnswerAsync(await PostWitnessAsync(server, _adminToken, AddCheckpointBody(0, [], five)), HttpStatusCode.NotFound);
        Assert.True(await _store.AddWitnessedLogAsync(PartnerOrigin, partner.Verifier.ToString(), Ct));
        Assert.False(await _store.AddWitnessedLogAsync(PartnerOrigin, partner.Verifier.ToString(), Ct));

        // Malformed: 400. Signed by a key the witness does not trust for the origin: 403. Old size above the checkpoint's: 400.
        await AssertWitnessAnswerAsync(await PostWitnessAsync(server, _adminToken, "old 01\n\n" + five.ToBytes().Length), HttpStatusCode.BadRequest);
        await AssertWitnessAnswerAsync(await PostWitnessAsync(server, _adminToken, "nonsense"), HttpStatusCode.BadRequest);
        SignedNote forged = new NoteSigner(PartnerOrigin, s_witnessKey).SignNote(five.Text);
        await AssertWitnessAnswerAsync(await PostWitnessAsync(server, _adminToken, AddCheckpointBody(0, [], forged)), HttpStatusCode.Forbidden);
        await AssertWitnessAnswerAsync(await PostWitnessAsync(server, _adminToken, AddCheckpointBody(9, [], five)), HttpStatusCode.BadRequest);
        // From size 0 the proof must be empty: 422.
        await AssertWitnessAnswerAsync(await PostWitnessAsync(server, _adminToken, AddCheckpointBody(0, [MerkleHasher.EmptyRoot], five)),
            HttpStatusCode.UnprocessableEntity);

        // 200: one cosignature line that verifies with the witness key over the checkpoint.
        using HttpResponseMessage ok = await PostWitnessAsync(server, _adminToken, AddCheckpointBody(0, [], five));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        IReadOnlyList<NoteSignature> cosignatures = WitnessResponses.ParseCosignatures(await ok.Content.ReadAsByteArrayAsync(Ct));
        NoteSignature cosignature = Assert.Single(cosignatures);
        Assert.True(witnessKey.VerifySignature(Encoding.UTF8.GetBytes(five.Text), cosignature.Signature.Span, out long? seconds));
        Assert.Equal(_clock.GetUtcNow().ToUnixTimeSeconds(), seconds);
        Assert.True(five.WithSignature(cosignature).Verify([partner.Verifier, witnessKey]).IsValid);

        // A stale old size: 409 with the latest cosigned size as text/x.tlog.size.
        using HttpResponseMessage conflict = await PostWitnessAsync(server, _adminToken, AddCheckpointBody(0, [], eight));
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        Assert.Equal("text/x.tlog.size", conflict.Content.Headers.ContentType!.MediaType);
        Assert.Equal("5\n", await conflict.Content.ReadAsStringAsync(Ct));

        // A consistency proof that does not verify: 422; the right one: 200, and the record moves to 8.
        MerkleHash[] proof = await partner.ProofAsync(5, 8);
        MerkleHash[] broken = [.. proof];
        broken[0] = MerkleHasher.HashLeaf("not in the tree"u8);
        await AssertWitnessAnswerAsync(await PostWitnessAsync(server, _adminToken, AddCheckpointBody(5, broken, eight)), HttpStatusCode.UnprocessableEntity);
        Assert.Equal(5, (await _store.GetWitnessedLogAsync(PartnerOrigin, Ct))!.Size);
        Assert.Equal(HttpStatusCode.OK, (await PostWitnessAsync(server, _adminToken, AddCheckpointBody(5, proof, eight))).StatusCode);
        WitnessedLogRecord record = (await _store.GetWitnessedLogAsync(PartnerOrigin, Ct))!;
        Assert.Equal(8, record.Size);
        Assert.Equal(Checkpoint.FromNote(eight).RootHash.ToArray(), record.RootHash!.Value.ToArray());
        Assert.Equal(eight.ToBytes(), record.Checkpoint!.Value.ToArray());

        // The same size under another root (a split view signed by the log key): 409, and nothing changes.
        var fork = new PartnerLog(s_partnerKey, "forked entry");
        SignedNote forkEight = await fork.AppendAsync(8);
        Assert.NotEqual(Checkpoint.FromNote(eight).RootHash, Checkpoint.FromNote(forkEight).RootHash);
        await AssertWitnessAnswerAsync(await PostWitnessAsync(server, _adminToken, AddCheckpointBody(8, [], forkEight)), HttpStatusCode.Conflict);
        Assert.Equal(eight.ToBytes(), (await _store.GetWitnessedLogAsync(PartnerOrigin, Ct))!.Checkpoint!.Value.ToArray());
        Assert.Contains(_log.Entries, e => e.EventId == 8110 && e.Message.Contains(PartnerOrigin, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Two_requests_from_one_old_size_cannot_both_advance_the_witness()
    {
        await _store.SetLogOriginAsync(LogOrigin, Ct);
        (WebApplication app, Uri server) = await StartLogNodeAsync();
        var partner = new PartnerLog(s_partnerKey);
        SignedNote four = await partner.AppendAsync(4);
        SignedNote seven = await partner.AppendAsync(3);
        SignedNote twelve = await partner.AppendAsync(5);
        Assert.True(await _store.AddWitnessedLogAsync(PartnerOrigin, partner.Verifier.ToString(), Ct));
        Assert.Equal(HttpStatusCode.OK, (await PostWitnessAsync(server, _adminToken, AddCheckpointBody(0, [], four))).StatusCode);

        // The store's compare-and-swap itself: of two updates from size 4, the second changes nothing.
        WitnessedLogRecord before = (await _store.GetWitnessedLogAsync(PartnerOrigin, Ct))!;
        MerkleHash root7 = Checkpoint.FromNote(seven).RootHash;
        Assert.False(await _store.AdvanceWitnessedLogAsync(PartnerOrigin, 3, 7, root7.ToArray(), seven.ToBytes(), _clock.GetUtcNow(), "— stale", Ct));
        Assert.Equal(before.Size, (await _store.GetWitnessedLogAsync(PartnerOrigin, Ct))!.Size);

        // Racing requests from old size 4, to 7 and to 12: exactly one is cosigned; every other one is 409 with the size it made.
        MerkleHash[] to7 = await partner.ProofAsync(4, 7);
        MerkleHash[] to12 = await partner.ProofAsync(4, 12);
        HttpResponseMessage[] answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(i =>
            PostWitnessAsync(server, _adminToken, i % 2 == 0 ? AddCheckpointBody(4, to7, seven) : AddCheckpointBody(4, to12, twelve))));
        HttpResponseMessage winner = Assert.Single(answers, a => a.StatusCode == HttpStatusCode.OK);
        long stored = (await _store.GetWitnessedLogAsync(PartnerOrigin, Ct))!.Size;
        Assert.Contains(stored, new long[] { 7, 12 });
        foreach (HttpResponseMessage loser in answers.Where(a => a != winner))
        {
            Assert.Equal(HttpStatusCode.Conflict, loser.StatusCode);
            Assert.Equal(stored + "\n", await loser.Content.ReadAsStringAsync(Ct));
        }

        // In process, the same rules: the seam answers 409 from the stale size and cosigns from the stored one.
        NodeWitness witness = app.Services.GetRequiredService<NodeWitness>();
        Assert.Equal(409, (await witness.CosignAsync(twelve, 4, to12, Ct)).StatusCode);
        Assert.Equal(stored, (await witness.LastCosignedAsync(PartnerOrigin, Ct))!.Size);
        WitnessResponse again = await witness.CosignAsync(twelve, stored, stored == 12 ? [] : await partner.ProofAsync(7, 12), Ct);
        Assert.Equal(200, again.StatusCode);
        Assert.Equal(12, (await witness.LastCosignedAsync(PartnerOrigin, Ct))!.Size);
        foreach (HttpResponseMessage answer in answers)
        {
            answer.Dispose();
        }
    }

    /// <summary>Starts a witness node on a SQLite store of its own that witnesses this test's log, and registers it as the log's witness.</summary>
    private async Task<(WebApplication App, Uri Server, IStore Store, NoteVerifierKey Key, string Folder)> StartWitnessNodeAsync()
    {
        string folder = Path.Combine(Path.GetTempPath(), "detente-witness-" + Guid.NewGuid().ToString("N"));
        IStore store = await SqliteStore.OpenAsync(folder, _clock);
        await NodeBootstrap.EnsureAsync(store, _clock, Ct);
        WebApplication app = DetenteNode.Build(store, new NodeOptions
        {
            PublicUrl = new Uri("https://witness.example.org/"),
            Limits = Limits,
            Log = new NodeLogOptions { Key = s_witnessKey, Origin = "witness.example.org/log" },
        }, ["http://127.0.0.1:0"], _clock, logging => logging.AddProvider(_log));
        _apps.Add(app);
        await app.StartAsync(Ct);
        var server = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");
        NoteVerifierKey key = app.Services.GetRequiredService<NodeWitness>().VerifierKey;
        Assert.True(await store.AddWitnessedLogAsync(LogOrigin, LogVerifier.ToString(), Ct));
        (ApiToken token, string secret) = NodeTokens.Create("taxii.example.org", TokenRole.Partner, _clock.GetUtcNow(), null);
        Assert.True(await store.AddTokenAsync(token, Ct));
        Assert.True(await _store.AddLogWitnessAsync(new LogWitnessRecord
        {
            Name = key.Name,
            VerifierKey = key.ToString(),
            Url = new Uri(server, "/log/witness"),
        }, Ct));
        _witnessConnections[key.Name] = new LogWitnessConnection { Token = secret };
        return (app, server, store, key, folder);
    }

    /// <summary>Seals until the log covers <paramref name="size"/> entries (the running sequencer may seal some itself).</summary>
    private static async Task SealUpToAsync(NodeLog log, long size)
    {
        for (int i = 0; i < 10 && log.Size < size; i++)
        {
            await log.SealAsync(Ct);
        }

        Assert.Equal(size, log.Size);
    }

    private async Task<SignedNote> GetCheckpointNoteAsync(Uri server)
    {
        using HttpResponseMessage response = await GetAsync(server, "/log/checkpoint", _adminToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return SignedNote.Parse(await response.Content.ReadAsByteArrayAsync(Ct));
    }

    [Fact]
    public async Task The_log_collects_cosignatures_from_a_witness_node_and_serves_them_with_the_checkpoint()
    {
        await _store.SetLogOriginAsync(LogOrigin, Ct);
        (WebApplication witnessApp, _, IStore witnessStore, NoteVerifierKey witnessKey, string folder) = await StartWitnessNodeAsync();
        try
        {
            await PostIndicatorsAsync(6);
            (WebApplication app, Uri server) = await StartLogNodeAsync();
            LogSequencerService sequencer = app.Services.GetRequiredService<LogSequencerService>();
            await sequencer.Cosigning!.PassAsync(Ct);

            // The checkpoint now carries the witness's cosignature: it verifies with the log key alone, as before, and is fresh.
            SignedNote note = await GetCheckpointNoteAsync(server);
            Assert.Equal(2, note.Signatures.Count);
            Assert.True(note.Verify([LogVerifier]).IsValid);
            Assert.True(note.Verify([LogVerifier, witnessKey]).IsValid);
            Assert.Equal(6, Checkpoint.FromNote(note).Size);
            FreshnessResult fresh = Freshness.Check(note, [witnessKey], TimeSpan.FromMinutes(10), _clock);
            Assert.False(fresh.IsStalled, fresh.Message);
            Assert.Equal(6, (await witnessStore.GetWitnessedLogAsync(LogOrigin, Ct))!.Size);
            LogWitnessRecord witness = Assert.Single(await _store.ListLogWitnessesAsync(Ct));
            Assert.Equal(6, witness.CosignedSize);
            Assert.Equal(_clock.GetUtcNow(), witness.Cosigned);

            // More entries, a new checkpoint: the witness gets the consistency proof from 6 and cosigns 9.
            await PostIndicatorsAsync(3);
            await SealUpToAsync(sequencer.Log!, 9);
            _clock.Advance(TimeSpan.FromMinutes(20));
            Assert.True(Freshness.Check(await GetCheckpointNoteAsync(server), [witnessKey], TimeSpan.FromMinutes(10), _clock).IsStalled);
            await sequencer.Cosigning.PassAsync(Ct);
            note = await GetCheckpointNoteAsync(server);
            Assert.Equal(9, Checkpoint.FromNote(note).Size);
            Assert.False(Freshness.Check(note, [witnessKey], TimeSpan.FromMinutes(10), _clock).IsStalled);
            Assert.Equal(9, (await witnessStore.GetWitnessedLogAsync(LogOrigin, Ct))!.Size);

            // The log forgot what the witness cosigned: the witness answers 409 with 9, and the log retries from there.
            Assert.True(await _store.UpdateLogWitnessAsync(witnessKey.Name, 0, null, null, null, Ct));
            await PostIndicatorsAsync(2);
            await SealUpToAsync(sequencer.Log!, 11);
            await sequencer.Cosigning.PassAsync(Ct);
            Assert.Equal(11, (await witnessStore.GetWitnessedLogAsync(LogOrigin, Ct))!.Size);
            witness = Assert.Single(await _store.ListLogWitnessesAsync(Ct));
            Assert.Equal(11, witness.KnownSize);
            Assert.Equal(11, witness.CosignedSize);
            Assert.Equal(2, (await GetCheckpointNoteAsync(server)).Signatures.Count);
        }
        finally
        {
            await witnessApp.StopAsync(Ct);
            await witnessStore.DisposeAsync();
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task A_node_whose_witness_is_down_still_seals_and_retries_with_backoff()
    {
        await _store.SetLogOriginAsync(LogOrigin, Ct);
        using StixSigningKey absentKey = StixSigningKey.Create();
        NoteVerifierKey absent = new Cosigner("absent.example.org/witness", absentKey).VerifierKey;
        // Port 1 on the loopback address: nothing listens there, the connection is refused at once.
        Assert.True(await _store.AddLogWitnessAsync(new LogWitnessRecord
        {
            Name = absent.Name,
            VerifierKey = absent.ToString(),
            Url = new Uri("http://127.0.0.1:1/log/witness"),
        }, Ct));
        await PostIndicatorsAsync(2);
        (WebApplication app, Uri server) = await StartLogNodeAsync();
        LogSequencerService sequencer = app.Services.GetRequiredService<LogSequencerService>();
        await sequencer.Cosigning!.PassAsync(Ct);
        await _log.WaitForAsync(e => e.EventId == 8112);

        // Sealing goes on; the checkpoint carries the log's signature only.
        await PostIndicatorsAsync(3);
        await SealUpToAsync(sequencer.Log!, 5);
        await sequencer.Cosigning.PassAsync(Ct);
        SignedNote note = await GetCheckpointNoteAsync(server);
        Assert.Equal(5, Checkpoint.FromNote(note).Size);
        NoteSignature only = Assert.Single(note.Signatures);
        Assert.Equal(LogOrigin, only.KeyName);
        Assert.True(Freshness.Check(note, [absent], TimeSpan.FromHours(1), _clock).IsStalled);

        // Within the backoff nothing is retried; once the clock passes it, the witness is tried again.
        Assert.Single(_log.Entries, e => e.EventId == 8112);
        _clock.Advance(TimeSpan.FromSeconds(1));
        await sequencer.Cosigning.PassAsync(Ct);
        Assert.Equal(2, _log.Entries.Count(e => e.EventId == 8112));
        Assert.Contains("retrying in 2 s", _log.Entries.Last(e => e.EventId == 8112).Message, StringComparison.Ordinal);
        LogWitnessRecord stored = Assert.Single(await _store.ListLogWitnessesAsync(Ct));
        Assert.Null(stored.Cosignature);
    }
}
