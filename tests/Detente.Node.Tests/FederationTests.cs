using System.Net;
using System.Text;
using Detente.Ledger.Merkle;
using Detente.Ledger.Notes;
using Detente.Node.Sync;
using Detente.Stix;
using Detente.Stix.Signatures;
using Detente.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Detente.Node.Tests;

/// <summary>
/// Pull sync and the audit of partner logs, end to end: several nodes in one process over real HTTP on 127.0.0.1, each
/// with its own store and log. Cheating partners are real nodes whose store is altered through SQL, or whose answers a
/// test double rewrites on the way to the syncing node.
/// </summary>
public sealed class FederationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(FedNode Source, FedNode Sink)> PairAsync(Func<HttpMessageHandler, HttpMessageHandler>? wrap = null)
    {
        FedNode source = await FedNode.StartAsync("us-cert");
        FedNode sink = await FedNode.StartAsync("un-wg");
        await sink.AddPartnerAsync(source, await source.IssueConnectionAsync(sink.Name, wrap));
        return (source, sink);
    }

    private static async Task AssertSameVersionsAsync(FedNode source, FedNode sink)
    {
        List<StoredObject> sent = await source.ReadAllAsync();
        List<StoredObject> received = await sink.ReadAllAsync();
        Assert.Equal(sent.Count, received.Count);
        Assert.Equal(
            sent.Select(o => (o.Id, o.Version.ToString(), Encoding.UTF8.GetString(o.Json.Span))).Order(),
            received.Select(o => (o.Id, o.Version.ToString(), Encoding.UTF8.GetString(o.Json.Span))).Order());
    }

    [Fact]
    public async Task Sync_receives_every_version_byte_for_byte_once_with_provenance_and_again_receives_nothing()
    {
        (FedNode source, FedNode sink) = await PairAsync();
        await using (source)
        await using (sink)
        {
            await source.PostIndicatorsAsync(30, twice: 5);
            var pages = new List<SyncProgress>();
            SyncReport first = await sink.Sync.SyncAsync("us-cert", (p, _) =>
            {
                pages.Add(p);
                return Task.CompletedTask;
            }, Ct);

            Assert.True(first.IsClean, first.Alarm);
            Assert.Equal(35, first.ObjectsNew);
            Assert.Equal(5, first.Pages);
            Assert.Equal([7, 7, 7, 7, 7], pages.Select(p => p.Objects));
            Assert.Equal(35, first.VerifiedSize);
            Assert.Contains(first.Checks, c => c.Contains("proven included", StringComparison.Ordinal));
            await AssertSameVersionsAsync(source, sink);

            // Provenance, the sink's own log entries, the counters of audit status.
            StoredObject one = (await sink.ReadAllAsync())[0];
            Assert.Equal("us-cert", (await sink.Store.GetProvenanceAsync(sink.CollectionId, one.DateAdded, Ct))!.Partner);
            Assert.Equal(35, await sink.Store.GetLogSizeAsync(Ct));
            PartnerLogRecord state = (await sink.Store.GetPartnerLogAsync("us-cert", Ct))!;
            Assert.Equal(35, state.ObjectsReceived);
            Assert.Equal(35, state.Size);
            Assert.NotNull(state.LastSync);

            // Idempotent: nothing new; new objects only after more are published.
            SyncReport again = await sink.Sync.SyncAsync("us-cert", cancellationToken: Ct);
            Assert.Equal(0, again.ObjectsNew);
            Assert.Equal(0, again.Pages);
            await source.PostIndicatorsAsync(3);
            SyncReport more = await sink.Sync.SyncAsync("us-cert", cancellationToken: Ct);
            Assert.Equal(3, more.ObjectsNew);
            Assert.Equal(38, more.VerifiedSize);
            Assert.Contains(more.Checks, c => c.Contains("consistent with the pinned size 35", StringComparison.Ordinal));

            // Re-fetching everything from the start stores no duplicate.
            Assert.True(await sink.Store.UnsubscribeAsync("us-cert", "default", source.CollectionId.ToString("D"), Ct));
            Assert.Equal(SharingChange.Changed, await sink.Store.SubscribeAsync(
                new SubscriptionRecord("us-cert", "default", source.CollectionId.ToString("D"), sink.CollectionId, null), Ct));
            SyncReport refetched = await sink.Sync.SyncAsync("us-cert", cancellationToken: Ct);
            Assert.Equal(0, refetched.ObjectsNew);
            Assert.Equal(38, refetched.ObjectsAlreadyPresent);
            await AssertSameVersionsAsync(source, sink);
            Assert.Equal(38, await sink.Store.GetLogSizeAsync(Ct));
        }
    }

    [Fact]
    public async Task A_sync_cancelled_after_a_page_resumes_at_its_cursor_and_loses_nothing()
    {
        (FedNode source, FedNode sink) = await PairAsync();
        await using (source)
        await using (sink)
        {
            await source.PostIndicatorsAsync(40, twice: 4);
            using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sink.Sync.SyncAsync("us-cert", async (p, _) =>
            {
                if (p.Page == 2)
                {
                    await cancel.CancelAsync();
                }
            }, cancel.Token));

            // Two whole pages are stored, with their cursor; nothing of a third.
            Assert.Equal(14, (await sink.ReadAllAsync()).Count);
            SubscriptionRecord subscription = Assert.Single(await sink.Store.ListSubscriptionsAsync(Ct));
            Assert.Equal((await source.ReadAllAsync())[13].DateAdded, DateTimeOffset.Parse(subscription.Cursor!, System.Globalization.CultureInfo.InvariantCulture));

            SyncReport resumed = await sink.Sync.SyncAsync("us-cert", cancellationToken: Ct);
            Assert.Equal(30, resumed.ObjectsNew);
            Assert.Equal(0, resumed.ObjectsAlreadyPresent);
            await AssertSameVersionsAsync(source, sink);
        }
    }

    [Fact]
    public async Task A_sync_whose_store_fails_mid_way_keeps_whole_pages_only_and_the_next_sync_completes_it()
    {
        (FedNode source, FedNode sink) = await PairAsync();
        await using (source)
        await using (sink)
        {
            List<string> ids = await source.PostIndicatorsAsync(20);

            // The sink's database refuses the 10th object (page 2): that page rolls back whole, cursor included.
            await sink.ExecuteSqlAsync($"""
                CREATE TRIGGER fail_insert BEFORE INSERT ON objects WHEN NEW.object_id = '{ids[9]}'
                BEGIN SELECT RAISE(ABORT, 'injected failure'); END;
                """);
            await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => sink.Sync.SyncAsync("us-cert", cancellationToken: Ct));
            Assert.Equal(7, (await sink.ReadAllAsync()).Count);

            await sink.ExecuteSqlAsync("DROP TRIGGER fail_insert");
            SyncReport resumed = await sink.Sync.SyncAsync("us-cert", cancellationToken: Ct);
            Assert.Equal(13, resumed.ObjectsNew);
            await AssertSameVersionsAsync(source, sink);
        }
    }

    [Fact]
    public async Task Network_failures_are_retried_and_change_nothing()
    {
        int failures = 0;
        (FedNode source, FedNode sink) = await PairAsync(inner => new RewritingHandler(inner, (request, response) =>
        {
            // Every third request fails with a 503 or a dropped connection.
            int n = Interlocked.Increment(ref failures);
            if (n % 3 == 0)
            {
                response.Dispose();
                return n % 2 == 0 ? Task.FromResult(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { RequestMessage = request })
                    : throw new HttpRequestException("connection reset (injected)");
            }

            return Task.FromResult(response);
        }));
        await using (source)
        await using (sink)
        {
            await source.PostIndicatorsAsync(15, twice: 3);
            SyncReport report = await sink.Sync.SyncAsync("us-cert", cancellationToken: Ct);
            Assert.True(report.IsClean, report.Alarm);
            Assert.Equal(18, report.ObjectsNew);
            await AssertSameVersionsAsync(source, sink);
            Assert.Contains(sink.Log.Entries, e => e.EventId == 8104);
        }
    }

    [Fact]
    public async Task A_forged_checkpoint_is_an_alarm_with_evidence_and_nothing_is_accepted_until_cleared()
    {
        bool forge = false;
        using var stranger = Detente.Stix.Signatures.StixSigningKey.Create();
        (FedNode source, FedNode sink) = await PairAsync(inner => new RewritingHandler(inner, async (request, response) =>
        {
            if (!forge || request.RequestUri!.AbsolutePath != "/log/checkpoint")
            {
                return response;
            }

            // The same checkpoint text, signed by a key that is not the partner's.
            string text = Checkpoint.FromNote(SignedNote.Parse(await response.Content.ReadAsByteArrayAsync())).ToText();
            response.Content = new ByteArrayContent(new NoteSigner("us-cert.example/log", stranger).SignNote(text).ToBytes());
            return response;
        }));
        await using (source)
        await using (sink)
        {
            await source.PostIndicatorsAsync(5);
            Assert.True((await sink.Sync.SyncAsync("us-cert", cancellationToken: Ct)).IsClean);

            forge = true;
            await source.PostIndicatorsAsync(5);
            SyncReport forged = await sink.Sync.SyncAsync("us-cert", cancellationToken: Ct);
            Assert.StartsWith(AuditFailures.BadSignature + ":", forged.Alarm, StringComparison.Ordinal);
            Assert.Equal(0, forged.ObjectsNew);
            AuditEvidenceRecord evidence = Assert.Single(await sink.Store.ListAuditEvidenceAsync("us-cert", Ct));
            Assert.Equal(AuditFailures.BadSignature, evidence.Kind);
            Assert.Contains("--- served checkpoint ---", Encoding.UTF8.GetString(evidence.Evidence.Span), StringComparison.Ordinal);
            Assert.Contains(sink.Log.Entries, e => e.EventId == 8102 && e.Message.Contains("us-cert", StringComparison.Ordinal));

            // Even with honest answers again, nothing is accepted while the alarm stands.
            forge = false;
            SyncReport refused = await sink.Sync.SyncAsync("us-cert", cancellationToken: Ct);
            Assert.Equal(forged.Alarm, refused.Alarm);
            Assert.Equal(5, (await sink.ReadAllAsync()).Count);
            Assert.Contains(sink.Log.Entries, e => e.EventId == 8103);

            Assert.True(await sink.Store.ClearAlarmAsync("us-cert", false, Ct));
            SyncReport cleared = await sink.Sync.SyncAsync("us-cert", cancellationToken: Ct);
            Assert.True(cleared.IsClean, cleared.Alarm);
            Assert.Equal(5, cleared.ObjectsNew);
        }
    }

    [Fact]
    public async Task A_rollback_is_an_alarm_with_both_checkpoints()
    {
        byte[]? old = null;
        (FedNode source, FedNode sink) = await PairAsync(inner => new RewritingHandler(inner, (request, response) =>
        {
            if (old is not null && request.RequestUri!.AbsolutePath == "/log/checkpoint")
            {
                response.Content = new ByteArrayContent(old);
            }

            return Task.FromResult(response);
        }));
        await using (source)
        await using (sink)
        {
            await source.PostIndicatorsAsync(3);
            Assert.True((await sink.Sync.SyncAsync("us-cert", cancellationToken: Ct)).IsClean);
            byte[] small = await source.CheckpointAsync();
            await source.PostIndicatorsAsync(4);
            Assert.Equal(7, (await sink.Sync.SyncAsync("us-cert", cancellationToken: Ct)).VerifiedSize);

            // The partner now shows its older, smaller checkpoint: it claims to have forgotten 4 entries.
            old = small;
            await source.PostIndicatorsAsync(2);
            SyncReport report = await sink.Sync.SyncAsync("us-cert", cancellationToken: Ct);
            Assert.StartsWith(AuditFailures.Rollback + ":", report.Alarm, StringComparison.Ordinal);
            string evidence = Encoding.UTF8.GetString(Assert.Single(await sink.Store.ListAuditEvidenceAsync("us-cert", Ct)).Evidence.Span);
            Assert.Contains("--- pinned checkpoint ---\nus-cert.example/log\n7\n", evidence, StringComparison.Ordinal);
            Assert.Contains("--- served checkpoint ---\nus-cert.example/log\n3\n", evidence, StringComparison.Ordinal);
            Assert.Equal(7, (await sink.ReadAllAsync()).Count);
            Assert.Equal(7, (await sink.Store.GetPartnerLogAsync("us-cert", Ct))!.Size);
        }
    }

    [Fact]
    public async Task An_object_served_other_than_logged_is_a_missing_object_alarm_and_its_page_is_not_stored()
    {
        (FedNode source, FedNode sink) = await PairAsync();
        await using (source)
        await using (sink)
        {
            List<string> ids = await source.PostIndicatorsAsync(10);
            Assert.True((await sink.Sync.SyncAsync("us-cert", cancellationToken: Ct)).IsClean);

            // The partner rewrites a stored object behind its log's back and signs the rewrite with its own key, so the
            // origin holds: what it serves is still not what it logged. (The log entry was written with the object; the
            // rewrite comes after it.)
            List<string> later = await source.PostIndicatorsAsync(10, name: "first");
            StoredObject original = (await source.ReadAllAsync()).Single(o => o.Id == later[8]);
            StixObject rewritten = new StixReader().ReadObject(Encoding.UTF8.GetBytes(
                Encoding.UTF8.GetString(original.Json.Span).Replace("\"first\"", "\"other\"", StringComparison.Ordinal)));
            byte[] resigned = StixSignatures.Sign(StixSignatures.Unsigned(rewritten), source.Key).Canonicalize();
            await source.ExecuteSqlAsync($"UPDATE objects SET json = X'{Convert.ToHexString(resigned)}' WHERE object_id = '{later[8]}'");
            SyncReport report = await sink.Sync.SyncAsync("us-cert", cancellationToken: Ct);

            Assert.StartsWith(AuditFailures.MissingObject + ":", report.Alarm, StringComparison.Ordinal);
            Assert.Contains(later[8], report.Alarm, StringComparison.Ordinal);
            string evidence = Encoding.UTF8.GetString(Assert.Single(await sink.Store.ListAuditEvidenceAsync("us-cert", Ct)).Evidence.Span);
            Assert.Contains("\"name\":\"other\"", evidence, StringComparison.Ordinal);
            Assert.Contains("does not commit to this object", evidence, StringComparison.Ordinal);

            // Pages before the cheat are kept (10, then the 7 of the second sync's first page); the page with it is not stored.
            List<StoredObject> stored = await sink.ReadAllAsync();
            Assert.Equal(17, stored.Count);
            Assert.DoesNotContain(stored, o => o.Id == later[8]);
            Assert.Equal(1, report.Pages);
            Assert.Contains(ids[0], stored.Select(o => o.Id));
        }
    }

    [Fact]
    public async Task An_object_from_a_partner_without_its_creators_signature_is_an_alarm_and_nothing_is_stored()
    {
        // The partner's node does not sign what it publishes: its objects are in its log, but carry no signature.
        FedNode source = await FedNode.StartAsync("us-cert", signs: false);
        FedNode sink = await FedNode.StartAsync("un-wg");
        await sink.AddPartnerAsync(source, await source.IssueConnectionAsync(sink.Name));
        await using (source)
        await using (sink)
        {
            List<string> ids = await source.PostIndicatorsAsync(3);
            SyncReport report = await sink.Sync.SyncAsync("us-cert", cancellationToken: Ct);

            Assert.StartsWith(AuditFailures.ObjectOrigin + ":", report.Alarm, StringComparison.Ordinal);
            Assert.Contains(ids[0], report.Alarm, StringComparison.Ordinal);
            AuditEvidenceRecord evidence = Assert.Single(await sink.Store.ListAuditEvidenceAsync("us-cert", Ct));
            Assert.Equal(AuditFailures.ObjectOrigin, evidence.Kind);
            Assert.Contains(ids[0], Encoding.UTF8.GetString(evidence.Evidence.Span), StringComparison.Ordinal);
            Assert.Empty(await sink.ReadAllAsync());

            // Nothing is accepted from the partner while the alarm stands.
            Assert.Equal(report.Alarm, (await sink.Sync.SyncAsync("us-cert", cancellationToken: Ct)).Alarm);
            Assert.Empty(await sink.ReadAllAsync());
        }
    }

    [Fact]
    public async Task Each_clean_sync_cosigns_the_partner_checkpoint_when_the_node_witnesses_its_log()
    {
        (FedNode source, FedNode sink) = await PairAsync();
        await using (source)
        await using (sink)
        {
            NodeWitness witness = sink.App.Services.GetRequiredService<NodeWitness>();
            await source.PostIndicatorsAsync(4);
            Assert.True((await sink.Sync.SyncAsync("us-cert", cancellationToken: Ct)).IsClean);
            Assert.Null(await witness.LastCosignedAsync(source.Origin, Ct));

            // The operator names the partner's log as one this node witnesses: from now on each audit cosigns.
            Assert.True(await sink.Store.AddWitnessedLogAsync(source.Origin, source.VerifierKey.ToString(), Ct));
            await source.PostIndicatorsAsync(3);
            SyncReport first = await sink.Sync.SyncAsync("us-cert", cancellationToken: Ct);
            Assert.True(first.IsClean, first.Alarm);
            Assert.Equal(7, Assert.IsType<Detente.Ledger.Witnessing.WitnessRecord>(await witness.LastCosignedAsync(source.Origin, Ct)).Size);

            // The next one cosigns from there, with a consistency proof made from the partner's tiles.
            await source.PostIndicatorsAsync(5);
            SyncReport second = await sink.Sync.SyncAsync("us-cert", cancellationToken: Ct);
            Assert.True(second.IsClean, second.Alarm);
            Detente.Ledger.Witnessing.WitnessRecord cosigned = (await witness.LastCosignedAsync(source.Origin, Ct))!;
            Assert.Equal(12, cosigned.Size);
            Checkpoint served = Checkpoint.FromNote(SignedNote.Parse(await source.CheckpointAsync()));
            Assert.Equal(served.RootHash, cosigned.RootHash);
            Assert.DoesNotContain(sink.Log.Entries, e => e.EventId == 8108);
        }
    }

    [Fact]
    public async Task A_split_view_between_two_partners_is_found_through_gossip_by_both()
    {
        FedNode cheat = await FedNode.StartAsync("ru-cert");
        FedNode b = await FedNode.StartAsync("us-cert");
        FedNode c = await FedNode.StartAsync("un-wg");
        await using (cheat)
        await using (b)
        await using (c)
        {
            await cheat.PostIndicatorsAsync(6);
            await b.AddPartnerAsync(cheat, await cheat.IssueConnectionAsync("us-cert"));
            SyncReport atB = await b.Sync.SyncAsync("ru-cert", cancellationToken: Ct);
            Assert.True(atB.IsClean, atB.Alarm);
            Assert.Equal(6, atB.ObjectsNew);

            // To c the cheat shows another history of the size b verified, signed with its own key.
            Checkpoint real = Checkpoint.FromNote(SignedNote.Parse((await b.Store.GetPartnerLogAsync("ru-cert", Ct))!.Checkpoint!.Value.Span));
            Assert.Equal(6, real.Size);
            byte[] fork = new NoteSigner(cheat.Origin, cheat.Key).SignNote(new Checkpoint(cheat.Origin, real.Size, MerkleHasher.HashLeaf("fork"u8)).ToText()).ToBytes();
            await c.AddPartnerAsync(cheat, await cheat.IssueConnectionAsync("un-wg", inner => new RewritingHandler(inner, (request, response) =>
            {
                if (request.RequestUri!.AbsolutePath == "/log/checkpoint")
                {
                    response.Content = new ByteArrayContent(fork);
                }

                return Task.FromResult(response);
            })), subscribe: false);

            // b and c gossip with each other.
            await b.AddPartnerAsync(c, await c.IssueConnectionAsync("us-cert"), subscribe: false);
            await c.AddPartnerAsync(b, await b.IssueConnectionAsync("un-wg"), subscribe: false);

            // c pins the fork (its first checkpoint of the log), then sees what b gossips: two signed, inconsistent checkpoints.
            SyncReport atC = await c.Sync.SyncAsync("ru-cert", cancellationToken: Ct);
            Assert.StartsWith(AuditFailures.SplitView + ":", atC.Alarm, StringComparison.Ordinal);
            string evidence = Encoding.UTF8.GetString(Assert.Single(await c.Store.ListAuditEvidenceAsync("ru-cert", Ct)).Evidence.Span);
            Assert.Contains(Encoding.UTF8.GetString(fork), evidence, StringComparison.Ordinal);
            Assert.Contains("--- checkpoint gossiped by us-cert ---\n" + real.ToText(), evidence, StringComparison.Ordinal);

            // b, at its next sync, sees the fork c gossips, and stops accepting the cheat's objects.
            await cheat.PostIndicatorsAsync(2);
            SyncReport again = await b.Sync.SyncAsync("ru-cert", cancellationToken: Ct);
            Assert.StartsWith(AuditFailures.SplitView + ":", again.Alarm, StringComparison.Ordinal);
            Assert.Equal(0, again.ObjectsNew);
            Assert.Equal(6, (await b.ReadAllAsync()).Count);
            Assert.Contains("gossiped by un-wg", Encoding.UTF8.GetString(Assert.Single(await b.Store.ListAuditEvidenceAsync("ru-cert", Ct)).Evidence.Span),
                StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_gossip_route_serves_the_checkpoints_this_node_verified()
    {
        (FedNode source, FedNode sink) = await PairAsync();
        await using (source)
        await using (sink)
        {
            await source.PostIndicatorsAsync(2);
            await sink.Sync.SyncAsync("us-cert", cancellationToken: Ct);
            using var http = new HttpClient();
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", sink.AdminToken);
            byte[]? gossip = await new NodeLogClient(http, sink.Server).ReadGossipAsync(Ct);
            byte[] note = Assert.Single(GossipDocument.Read(gossip, source.Origin));
            Assert.True(SignedNote.Parse(note).Verify([source.VerifierKey]).IsValid);
            Assert.Equal(2, Checkpoint.FromNote(SignedNote.Parse(note)).Size);
            Assert.Empty(GossipDocument.Read(gossip, "other.example/log"));
        }
    }

    [Fact]
    public async Task Pages_spanning_several_tiles_of_a_log_not_a_multiple_of_256_are_proven_from_openings_and_tiles_alone()
    {
        int proofs = 0, openings = 0;
        FedNode source = await FedNode.StartAsync("us-cert");
        FedNode sink = await FedNode.StartAsync("un-wg", pageSize: 300);
        await sink.AddPartnerAsync(source, await source.IssueConnectionAsync(sink.Name, inner => new RewritingHandler(inner, (request, response) =>
        {
            string path = request.RequestUri!.AbsolutePath;
            if (path.StartsWith("/log/proof/", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref proofs);
            }
            else if (path.StartsWith("/log/openings/", StringComparison.Ordinal) && response.IsSuccessStatusCode)
            {
                // Answered openings only: under load a page may first be answered 503 (not yet in a checkpoint) and retried.
                Interlocked.Increment(ref openings);
            }

            return Task.FromResult(response);
        })));
        await using (source)
        await using (sink)
        {
            // 610 versions: bundles 0 and 1 full, bundle 2 partial (98 entries); pages of 300 cross the tile boundaries.
            await source.PostIndicatorsAsync(600, twice: 10);
            SyncReport report = await sink.Sync.SyncAsync("us-cert", cancellationToken: Ct);

            Assert.True(report.IsClean, report.Alarm);
            Assert.Equal(610, report.ObjectsNew);
            Assert.Equal(3, report.Pages);
            Assert.Equal(610, report.VerifiedSize);
            Assert.Equal(0, proofs);
            Assert.Equal(3, openings);
            Assert.Equal(610, report.Checks.Where(c => c.Contains("(openings, tiles)", StringComparison.Ordinal))
                .Sum(c => int.Parse(c.AsSpan(0, c.IndexOf(' ', StringComparison.Ordinal)), System.Globalization.CultureInfo.InvariantCulture)));
            await AssertSameVersionsAsync(source, sink);

            // The log grows by a few entries (a partial tile of another width): the next sync proves them against the new size.
            await source.PostIndicatorsAsync(5);
            SyncReport more = await sink.Sync.SyncAsync("us-cert", cancellationToken: Ct);
            Assert.True(more.IsClean, more.Alarm);
            Assert.Equal(5, more.ObjectsNew);
            Assert.Equal(615, more.VerifiedSize);
            Assert.Equal(0, proofs);
        }
    }

    public enum OpeningLie { WrongSalt, WrongLeafIndex, LeafPastTheCheckpoint }

    [Theory]
    [InlineData(OpeningLie.WrongSalt, "does not commit to this object with the opening's salt")]
    [InlineData(OpeningLie.WrongLeafIndex, "does not commit to this object with the opening's salt")]
    [InlineData(OpeningLie.LeafPastTheCheckpoint, "past the checkpoint's size")]
    public async Task A_partner_whose_openings_lie_is_a_missing_object_alarm_with_evidence_and_its_page_is_not_stored(OpeningLie lie, string finding)
    {
        bool cheat = false;
        string? victim = null;
        (FedNode source, FedNode sink) = await PairAsync(inner => new RewritingHandler(inner, async (request, response) =>
        {
            if (!cheat || !request.RequestUri!.AbsolutePath.StartsWith("/log/openings/", StringComparison.Ordinal) || !response.IsSuccessStatusCode)
            {
                return response;
            }

            var answer = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsByteArrayAsync())!.AsObject();
            System.Text.Json.Nodes.JsonArray list = answer["openings"]!.AsArray();
            System.Text.Json.Nodes.JsonObject first = list[2]!.AsObject();
            victim = first["object_id"]!.GetValue<string>();
            switch (lie)
            {
                case OpeningLie.WrongSalt:
                    first["salt"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
                    break;
                case OpeningLie.WrongLeafIndex:
                    first["leaf_index"] = list[3]!["leaf_index"]!.GetValue<long>();
                    break;
                default:
                    first["leaf_index"] = answer["tree_size"]!.GetValue<long>() + 3;
                    break;
            }

            response.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(answer.ToJsonString()));
            return response;
        }));
        await using (source)
        await using (sink)
        {
            await source.PostIndicatorsAsync(7);
            Assert.True((await sink.Sync.SyncAsync("us-cert", cancellationToken: Ct)).IsClean);

            cheat = true;
            await source.PostIndicatorsAsync(7);
            SyncReport report = await sink.Sync.SyncAsync("us-cert", cancellationToken: Ct);

            Assert.StartsWith(AuditFailures.MissingObject + ":", report.Alarm, StringComparison.Ordinal);
            Assert.Contains(victim!, report.Alarm, StringComparison.Ordinal);
            Assert.Contains(finding, report.Alarm, StringComparison.Ordinal);
            string evidence = Encoding.UTF8.GetString(Assert.Single(await sink.Store.ListAuditEvidenceAsync("us-cert", Ct)).Evidence.Span);
            Assert.Contains("--- object as received ---", evidence, StringComparison.Ordinal);
            Assert.Contains("--- opening answered ---", evidence, StringComparison.Ordinal);
            Assert.Contains(victim!, evidence, StringComparison.Ordinal);
            Assert.Equal(0, report.ObjectsNew);
            Assert.Equal(7, (await sink.ReadAllAsync()).Count);
            Assert.NotNull((await sink.Store.GetPartnerLogAsync("us-cert", Ct))!.Alarm);
        }
    }

    public enum PageCheat { BadSignature, FailedInclusion }

    [Theory]
    [InlineData(PageCheat.BadSignature, AuditFailures.ObjectOrigin, "does not verify")]
    [InlineData(PageCheat.FailedInclusion, AuditFailures.MissingObject, "does not commit to this object with the opening's salt")]
    public async Task A_failure_in_the_middle_of_a_page_checked_on_several_threads_raises_the_first_failing_objects_alarm_and_stores_nothing_of_it(
        PageCheat cheatKind, string kind, string finding)
    {
        // Two objects of the same page of 60 fail (the 21st and the 36th); the page is checked on 4 threads at once.
        const int first = 20, second = 35;
        bool cheat = false;
        List<string> page = [];
        Func<HttpMessageHandler, HttpMessageHandler> wrap = inner => new RewritingHandler(inner, async (request, response) =>
        {
            string path = request.RequestUri!.AbsolutePath;
            if (!cheat || !response.IsSuccessStatusCode
                || !(path.EndsWith("/objects/", StringComparison.Ordinal) || path.StartsWith("/log/openings/", StringComparison.Ordinal)))
            {
                return response;
            }

            var answer = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsByteArrayAsync())!.AsObject();
            if (path.EndsWith("/objects/", StringComparison.Ordinal) && answer["objects"] is System.Text.Json.Nodes.JsonArray objects)
            {
                page = [.. objects.Select(o => o!["id"]!.GetValue<string>())];
                if (cheatKind == PageCheat.BadSignature)
                {
                    // Changed after it was signed: the signature stays, and no longer verifies.
                    objects[first]!["name"] = "rewritten in transit";
                    objects[second]!["name"] = "rewritten in transit";
                }
            }
            else if (path.StartsWith("/log/openings/", StringComparison.Ordinal) && cheatKind == PageCheat.FailedInclusion)
            {
                foreach (System.Text.Json.Nodes.JsonNode? opening in answer["openings"]!.AsArray())
                {
                    string id = opening!["object_id"]!.GetValue<string>();
                    if (id == page[first] || id == page[second])
                    {
                        opening["salt"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
                    }
                }
            }
            else
            {
                return response;
            }

            response.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(answer.ToJsonString()));
            response.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/taxii+json") { CharSet = null };
            response.Content.Headers.ContentType.Parameters.Add(new System.Net.Http.Headers.NameValueHeaderValue("version", "2.1"));
            return response;
        });
        FedNode source = await FedNode.StartAsync("us-cert", pageSize: 60);
        FedNode sink = await FedNode.StartAsync("un-wg", pageSize: 60, checkConcurrency: 4);
        await sink.AddPartnerAsync(source, await source.IssueConnectionAsync(sink.Name, wrap));
        await using (source)
        await using (sink)
        {
            await source.PostIndicatorsAsync(60);
            Assert.True((await sink.Sync.SyncAsync("us-cert", cancellationToken: Ct)).IsClean);

            cheat = true;
            await source.PostIndicatorsAsync(60);
            SyncReport report = await sink.Sync.SyncAsync("us-cert", cancellationToken: Ct);

            Assert.Equal(60, page.Count);
            Assert.StartsWith(kind + ":", report.Alarm, StringComparison.Ordinal);
            Assert.Contains(page[first], report.Alarm, StringComparison.Ordinal);
            Assert.DoesNotContain(page[second], report.Alarm, StringComparison.Ordinal);
            Assert.Contains(finding, report.Alarm, StringComparison.Ordinal);
            AuditEvidenceRecord evidence = Assert.Single(await sink.Store.ListAuditEvidenceAsync("us-cert", Ct));
            Assert.Equal(kind, evidence.Kind);
            string text = Encoding.UTF8.GetString(evidence.Evidence.Span);
            Assert.Contains("--- object as received ---", text, StringComparison.Ordinal);
            Assert.Contains(page[first], text, StringComparison.Ordinal);
            Assert.DoesNotContain(page[second], text, StringComparison.Ordinal);
            Assert.Equal(0, report.ObjectsNew);
            Assert.Equal(0, report.Pages);
            List<StoredObject> stored = await sink.ReadAllAsync();
            Assert.Equal(60, stored.Count);
            Assert.DoesNotContain(stored, o => page.Contains(o.Id));
            Assert.NotNull((await sink.Store.GetPartnerLogAsync("us-cert", Ct))!.Alarm);
        }
    }

    [Fact]
    public async Task Both_nodes_on_PostgreSQL_sync_several_pages_with_the_audit_and_catch_an_object_served_other_than_logged()
    {
        string? postgres = Detente.Testing.TestPostgres.ConnectionString;
        if (postgres is null)
        {
            Assert.False(Detente.Testing.TestPostgres.IsRequired, Detente.Testing.TestPostgres.MissingButRequired);
            Assert.Skip(Detente.Testing.TestPostgres.SkipReason);
        }

        bool cheat = false;
        string? victim = null;
        Func<HttpMessageHandler, HttpMessageHandler> wrap = inner => new RewritingHandler(inner, async (request, response) =>
        {
            if (!cheat || !request.RequestUri!.AbsolutePath.StartsWith("/log/openings/", StringComparison.Ordinal) || !response.IsSuccessStatusCode)
            {
                return response;
            }

            var answer = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsByteArrayAsync())!.AsObject();
            System.Text.Json.Nodes.JsonObject lied = answer["openings"]!.AsArray()[3]!.AsObject();
            victim = lied["object_id"]!.GetValue<string>();
            lied["salt"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
            response.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(answer.ToJsonString()));
            return response;
        });
        FedNode source = await FedNode.StartAsync("us-cert", postgres: postgres);
        FedNode sink = await FedNode.StartAsync("un-wg", postgres: postgres);
        await sink.AddPartnerAsync(source, await source.IssueConnectionAsync(sink.Name, wrap));
        await using (source)
        await using (sink)
        {
            await source.PostIndicatorsAsync(30, twice: 5);
            SyncReport first = await sink.Sync.SyncAsync("us-cert", cancellationToken: Ct);

            Assert.True(first.IsClean, first.Alarm);
            Assert.Equal(35, first.ObjectsNew);
            Assert.Equal(5, first.Pages);
            Assert.Equal(35, first.VerifiedSize);
            Assert.Contains(first.Checks, c => c.Contains("proven included", StringComparison.Ordinal));
            await AssertSameVersionsAsync(source, sink);
            Assert.True((await sink.Sync.SyncAsync("us-cert", cancellationToken: Ct)).IsClean);

            cheat = true;
            await source.PostIndicatorsAsync(7);
            SyncReport report = await sink.Sync.SyncAsync("us-cert", cancellationToken: Ct);

            Assert.StartsWith(AuditFailures.MissingObject + ":", report.Alarm, StringComparison.Ordinal);
            Assert.Contains(victim!, report.Alarm, StringComparison.Ordinal);
            Assert.Contains(victim!, Encoding.UTF8.GetString(Assert.Single(await sink.Store.ListAuditEvidenceAsync("us-cert", Ct)).Evidence.Span),
                StringComparison.Ordinal);
            Assert.Equal(35, (await sink.ReadAllAsync()).Count);
            Assert.Equal(report.Alarm, (await sink.Sync.SyncAsync("us-cert", cancellationToken: Ct)).Alarm);
        }
    }
}
