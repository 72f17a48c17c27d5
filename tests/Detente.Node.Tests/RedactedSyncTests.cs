using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Detente.Node.Sync;
using Detente.Stix;
using Detente.Stix.Schema;
using Detente.Stix.Signatures;
using Detente.Storage;
using Detente.Taxii;
using Detente.Taxii.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Detente.Node.Tests;

/// <summary>
/// A node that redacts a version for a partner that syncs from it: the openings say so, the partner receives the redacted
/// version as redacted and unproven (no alarm, counted), unless it refuses redacted versions from that node; a "redacted"
/// claim without the node's redaction signature is a missing object. Two nodes over real HTTP on 127.0.0.1.
/// </summary>
public sealed class RedactedSyncTests
{
    private static readonly HttpClient s_http = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A TLP:CLEAR indicator whose description is TLP:RED (beyond any partner).</summary>
    private static string RedDescription(string id) =>
        $$"""
        {"type":"indicator","spec_version":"2.1","id":"{{id}}","created":"2025-01-01T00:00:00.000Z","modified":"2025-01-01T00:00:01.000Z","name":"n","description":"the source is inside","pattern":"[ipv4-addr:value = '198.51.100.7']","pattern_type":"stix","valid_from":"2025-01-01T00:00:00Z","object_marking_refs":["{{TlpMarkings.Tlp2Clear}}"],"granular_markings":[{"marking_ref":"{{TlpMarkings.Tlp2Red}}","selectors":["description"]}]}
        """;

    private static async Task PostAsync(FedNode node, params string[] objects)
    {
        var client = new TaxiiClient(s_http, node.Server, new TaxiiClientOptions { Credentials = TaxiiCredentials.Bearer(node.AdminToken) });
        TaxiiEnvelope envelope = new TaxiiReader().ReadEnvelope(Encoding.UTF8.GetBytes("{\"objects\":[" + string.Join(",", objects) + "]}"));
        TaxiiStatus status = await client.AddObjectsAsync(NodeOptions.ApiRootUrl(node.Server, "default"), node.CollectionId.ToString("D"), envelope, Ct);
        Assert.Equal(objects.Length, status.SuccessCount);
    }

    private static async Task RefreshSharingAsync(FedNode node) =>
        Assert.True(await node.App.Services.GetRequiredService<SharingPolicySource>().RefreshAsync(Ct));

    /// <summary>us-cert redacts descriptions marked beyond a reader; un-wg syncs from it. Returns both and the connection.</summary>
    private static async Task<(FedNode Source, FedNode Sink, PartnerConnection Connection)> PairAsync(
        Func<HttpMessageHandler, HttpMessageHandler>? wrap = null)
    {
        FedNode source = await FedNode.StartAsync("us-cert");
        FedNode sink = await FedNode.StartAsync("un-wg");
        PartnerConnection connection = await source.IssueConnectionAsync(sink.Name, wrap);
        await sink.AddPartnerAsync(source, connection);
        Assert.Equal(SharingChange.Changed, await source.Store.AddRedactionPathAsync("description", Ct));
        await RefreshSharingAsync(source);
        return (source, sink, connection);
    }

    [Fact]
    public async Task A_version_redacted_for_a_syncing_partner_is_received_redacted_and_unproven_without_an_alarm()
    {
        (FedNode source, FedNode sink, PartnerConnection connection) = await PairAsync();
        await using (source)
        await using (sink)
        {
            List<string> plain = await source.PostIndicatorsAsync(4);
            string redacted = "indicator--" + Guid.NewGuid().ToString("D");
            await PostAsync(source, RedDescription(redacted));

            SyncReport report = await sink.Sync.SyncAsync(source.Name, cancellationToken: Ct);

            // The openings name the redacted version as redacted, with no leaf index and no salt; the others are opened.
            byte[] body = await OpeningsAsync(source, connection);
            Assert.True(LogOpenings.TryParse(body, out LogOpenings? openings, out string? problem), problem);
            Assert.Equal(5, openings.Openings.Count);
            LogOpening mark = Assert.Single(openings.Openings, o => o.IsRedacted);
            Assert.Equal(redacted, mark.ObjectId);
            Assert.Equal("2025-01-01T00:00:01.000Z", mark.Version);
            JsonObject item = JsonNode.Parse(body)!["openings"]!.AsArray().Single(o => o!["object_id"]!.GetValue<string>() == redacted)!.AsObject();
            Assert.Equal(["object_id", "version", "redacted"], item.Select(p => p.Key));
            Assert.True(item["redacted"]!.GetValue<bool>());

            Assert.True(report.IsClean, report.Alarm);
            Assert.Equal(5, report.ObjectsNew);
            Assert.Equal(1, report.ObjectsRedacted);
            Assert.Contains(report.Checks, c => c.Contains("1 objects of default/", StringComparison.Ordinal)
                && c.Contains("received redacted and unproven", StringComparison.Ordinal));
            List<StoredObject> stored = await sink.ReadAllAsync();
            Assert.Equal(5, stored.Count);
            StoredObject received = stored.Single(o => o.Id == redacted);
            StixObject receivedObject = new StixReader().ReadObject(received.Json.Span);
            Assert.False(receivedObject.Json.ContainsKey("description"));
            Assert.Equal(source.Signing!.IdentityId, receivedObject.CreatedByRef);
            Assert.True(StixSignatures.Verify(receivedObject, source.Key.VerificationKey).IsValid);
            Assert.True((await sink.Store.GetProvenanceAsync(sink.CollectionId, received.DateAdded, Ct))!.Redacted);
            Assert.False((await sink.Store.GetProvenanceAsync(sink.CollectionId, stored.Single(o => o.Id == plain[0]).DateAdded, Ct))!.Redacted);
            PartnerLogRecord state = (await sink.Store.GetPartnerLogAsync(source.Name, Ct))!;
            Assert.Null(state.Alarm);
            Assert.Equal(5, state.ObjectsReceived);
            Assert.Equal(1, state.ObjectsRedacted);
            Assert.Empty(await sink.Store.ListAuditEvidenceAsync(source.Name, Ct));
            Assert.Contains(sink.Log.Entries, e => e.EventId == 8170 && e.Level == Microsoft.Extensions.Logging.LogLevel.Information
                && e.Message.Contains("1 versions received redacted and unproven", StringComparison.Ordinal));
            Assert.DoesNotContain(sink.Log.Entries, e => e.EventId == 8102);

            // Again: nothing new, nothing counted twice.
            SyncReport again = await sink.Sync.SyncAsync(source.Name, cancellationToken: Ct);
            Assert.True(again.IsClean, again.Alarm);
            Assert.Equal(0, again.ObjectsNew);
            Assert.Equal(0, again.ObjectsRedacted);
            Assert.Equal(1, (await sink.Store.GetPartnerLogAsync(source.Name, Ct))!.ObjectsRedacted);
        }
    }

    [Fact]
    public async Task A_partner_that_refuses_redacted_versions_raises_a_missing_object_alarm_and_stores_nothing_of_the_page()
    {
        (FedNode source, FedNode sink, _) = await PairAsync();
        await using (source)
        await using (sink)
        {
            Assert.Equal(SharingChange.Changed, await sink.Store.SetPartnerRefusesRedactedAsync(source.Name, true, Ct));
            await source.PostIndicatorsAsync(2);
            string redacted = "indicator--" + Guid.NewGuid().ToString("D");
            await PostAsync(source, RedDescription(redacted));

            SyncReport report = await sink.Sync.SyncAsync(source.Name, cancellationToken: Ct);

            Assert.StartsWith(AuditFailures.MissingObject + ":", report.Alarm, StringComparison.Ordinal);
            Assert.Contains(redacted, report.Alarm, StringComparison.Ordinal);
            Assert.Contains("refuses redacted versions from partner us-cert", report.Alarm, StringComparison.Ordinal);
            AuditEvidenceRecord evidence = Assert.Single(await sink.Store.ListAuditEvidenceAsync(source.Name, Ct));
            Assert.Equal(AuditFailures.MissingObject, evidence.Kind);
            string text = Encoding.UTF8.GetString(evidence.Evidence.Span);
            Assert.Contains("\"redacted\":true", text, StringComparison.Ordinal);
            Assert.Empty(await sink.ReadAllAsync());
            Assert.Equal(0, (await sink.Store.GetPartnerLogAsync(source.Name, Ct))!.ObjectsRedacted);
        }
    }

    [Fact]
    public async Task A_redacted_claim_without_the_nodes_redaction_signature_is_a_missing_object_alarm()
    {
        // us-cert delegates an identity to which it signs objects; such an object is not one its node redacts (a node
        // redacts and signs again only what it created as itself). Its openings then lie: "redacted".
        string delegated = "identity--" + Guid.NewGuid().ToString("D");
        string? victim = null;
        bool cheat = false;
        (FedNode source, FedNode sink, _) = await PairAsync(inner => new RewritingHandler(inner, async (request, response) =>
        {
            if (!cheat || !request.RequestUri!.AbsolutePath.StartsWith("/log/openings/", StringComparison.Ordinal) || !response.IsSuccessStatusCode)
            {
                return response;
            }

            var answer = JsonNode.Parse(await response.Content.ReadAsByteArrayAsync())!.AsObject();
            foreach (JsonNode? node in answer["openings"]!.AsArray())
            {
                JsonObject opening = node!.AsObject();
                if (opening["object_id"]!.GetValue<string>() == victim)
                {
                    opening.Remove("leaf_index");
                    opening.Remove("salt");
                    opening["redacted"] = true;
                }
            }

            response.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(answer.ToJsonString()));
            return response;
        }));
        await using (source)
        await using (sink)
        {
            Assert.Equal(SharingChange.Changed, await sink.Store.SetPartnerDelegationAsync(source.Name, delegated, true, Ct));
            victim = "indicator--" + Guid.NewGuid().ToString("D");
            StixObject signed = StixSignatures.Sign(new StixReader().ReadObject(Encoding.UTF8.GetBytes(
                FedNode.Indicator(victim, 1, "delegated").Replace("\"created\":", $"\"created_by_ref\":\"{delegated}\",\"created\":", StringComparison.Ordinal))),
                source.Key);
            byte[] json = signed.Canonicalize();
            Assert.Equal(1, (await source.Store.AddObjectsAsync(source.CollectionId, [new ObjectToAdd(victim, "2.1", signed.Modified, json)], Ct)).AddedCount);

            // Unaltered, the object is proven like any other (its origin holds: a delegated identity signed by the partner).
            SyncReport honest = await sink.Sync.SyncAsync(source.Name, cancellationToken: Ct);
            Assert.True(honest.IsClean, honest.Alarm);
            Assert.Equal(1, honest.ObjectsNew);

            // A second version, claimed redacted.
            cheat = true;
            StixObject second = StixSignatures.Sign(new StixReader().ReadObject(Encoding.UTF8.GetBytes(
                FedNode.Indicator(victim, 2, "delegated").Replace("\"created\":", $"\"created_by_ref\":\"{delegated}\",\"created\":", StringComparison.Ordinal))),
                source.Key);
            Assert.Equal(1, (await source.Store.AddObjectsAsync(source.CollectionId, [new ObjectToAdd(victim, "2.1", second.Modified, second.Canonicalize())], Ct))
                .AddedCount);
            SyncReport report = await sink.Sync.SyncAsync(source.Name, cancellationToken: Ct);

            Assert.StartsWith(AuditFailures.MissingObject + ":", report.Alarm, StringComparison.Ordinal);
            Assert.Contains(victim, report.Alarm, StringComparison.Ordinal);
            Assert.Contains("not signed by a key of partner us-cert as its creator", report.Alarm, StringComparison.Ordinal);
            Assert.Single(await sink.ReadAllAsync());
            Assert.Equal(0, (await sink.Store.GetPartnerLogAsync(source.Name, Ct))!.ObjectsRedacted);
        }
    }

    [Fact]
    public async Task A_withheld_version_stays_absent_from_the_openings_byte_for_byte()
    {
        (FedNode source, FedNode sink, PartnerConnection connection) = await PairAsync();
        await using (source)
        await using (sink)
        {
            await source.PostIndicatorsAsync(2);
            Assert.True((await sink.Sync.SyncAsync(source.Name, cancellationToken: Ct)).IsClean);
            byte[] before = await OpeningsAsync(source, connection);

            // A TLP:RED object, withheld from the partner: it is absent from the openings, which open the same versions at
            // the same leaves with the same salts (only the checkpoint may move, once its entry is sealed).
            string red = FedNode.Indicator("indicator--" + Guid.NewGuid().ToString("D"), 1, "red")
                .Replace(TlpMarkings.Tlp2Clear, TlpMarkings.Tlp2Red, StringComparison.Ordinal);
            await PostAsync(source, red);
            byte[] after = await OpeningsAsync(source, connection);
            Assert.True(LogOpenings.TryParse(before, out LogOpenings? was, out _));
            Assert.True(LogOpenings.TryParse(after, out LogOpenings? now, out _));
            Assert.Equal(2, now.Openings.Count);
            Assert.Equal(was.Openings.Select(o => (o.ObjectId, o.Version, o.LeafIndex, Convert.ToBase64String(o.Salt.Span))),
                now.Openings.Select(o => (o.ObjectId, o.Version, o.LeafIndex, Convert.ToBase64String(o.Salt.Span))));
            Assert.DoesNotContain(now.Openings, o => o.IsRedacted);
            Assert.True((await sink.Sync.SyncAsync(source.Name, cancellationToken: Ct)).IsClean);
            Assert.Equal(2, (await sink.ReadAllAsync()).Count);
            Assert.Equal(0, (await sink.Store.GetPartnerLogAsync(source.Name, Ct))!.ObjectsRedacted);
        }
    }

    /// <summary>The openings of every version of <paramref name="source"/>'s collection for the holder of
    /// <paramref name="connection"/> (after a sync, so that every version of the page is sealed).</summary>
    private static async Task<byte[]> OpeningsAsync(FedNode source, PartnerConnection connection)
    {
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", connection.Token);
        OpeningsAnswer answer = await new NodeLogClient(http, source.Server).GetOpeningsAsync("default", source.CollectionId.ToString("D"),
            new Taxii.Query.TaxiiObjectQuery { Versions = Taxii.Query.TaxiiVersionFilter.All }, Ct);
        Assert.Equal(HttpStatusCode.OK, answer.Status);
        return Encoding.UTF8.GetBytes(answer.Body);
    }
}
