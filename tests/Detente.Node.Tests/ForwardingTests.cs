using System.Text;
using Detente.Stix;
using Detente.Stix.Json;
using Detente.Stix.Schema;
using Detente.Stix.Signatures;
using Detente.Storage;
using Detente.Taxii;
using Detente.Taxii.Client;
using Detente.Taxii.Query;
using Microsoft.Extensions.DependencyInjection;

namespace Detente.Node.Tests;

/// <summary>
/// Redacted versions and signatures, and forwarding a partner's objects to a third party, end to end between nodes over
/// real HTTP on 127.0.0.1.
/// </summary>
public sealed class ForwardingTests
{
    private static readonly HttpClient s_http = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A TLP:CLEAR indicator whose description carries <paramref name="descriptionMarking"/>.</summary>
    private static string MarkedDescription(string id, string descriptionMarking, string? createdByRef = null) =>
        $$"""
        {"type":"indicator","spec_version":"2.1","id":"{{id}}",{{(createdByRef is null ? string.Empty : $"\"created_by_ref\":\"{createdByRef}\",")}}"created":"2025-01-01T00:00:00.000Z","modified":"2025-01-01T00:00:01.000Z","name":"n","description":"the source is inside","pattern":"[ipv4-addr:value = '198.51.100.7']","pattern_type":"stix","valid_from":"2025-01-01T00:00:00Z","object_marking_refs":["{{TlpMarkings.Tlp2Clear}}"],"granular_markings":[{"marking_ref":"{{descriptionMarking}}","selectors":["description"]}]}
        """;

    private static async Task PostAsync(FedNode node, params string[] objects)
    {
        var client = new TaxiiClient(s_http, node.Server, new TaxiiClientOptions { Credentials = TaxiiCredentials.Bearer(node.AdminToken) });
        TaxiiEnvelope envelope = new TaxiiReader().ReadEnvelope(Encoding.UTF8.GetBytes("{\"objects\":[" + string.Join(",", objects) + "]}"));
        TaxiiStatus status = await client.AddObjectsAsync(NodeOptions.ApiRootUrl(node.Server, "default"), node.CollectionId.ToString("D"), envelope, Ct);
        Assert.Equal(objects.Length, status.SuccessCount);
    }

    /// <summary>The objects <paramref name="node"/> serves to the holder of <paramref name="connection"/> (every version).</summary>
    private static async Task<IReadOnlyList<TaxiiEnvelopeObject>> ReadAsAsync(FedNode node, Sync.PartnerConnection connection)
    {
        var client = new TaxiiClient(s_http, node.Server, new TaxiiClientOptions { Credentials = TaxiiCredentials.Bearer(connection.Token!) });
        TaxiiPage<TaxiiEnvelope> page = await client.GetObjectsAsync(NodeOptions.ApiRootUrl(node.Server, "default"), node.CollectionId.ToString("D"),
            new TaxiiObjectQuery { Versions = TaxiiVersionFilter.All }, Ct);
        return page.Resource.Objects;
    }

    private static async Task RefreshSharingAsync(FedNode node) =>
        await node.App.Services.GetRequiredService<SharingPolicySource>().RefreshAsync(Ct);

    [Fact]
    public async Task A_redacted_object_this_node_created_is_signed_by_it_and_a_partner_accepts_it()
    {
        await using FedNode source = await FedNode.StartAsync("us-cert");
        await using FedNode sink = await FedNode.StartAsync("un-wg");
        Sync.PartnerConnection connection = await source.IssueConnectionAsync(sink.Name);
        await sink.AddPartnerAsync(source, connection);
        await RefreshSharingAsync(sink);

        // The description is TLP:RED, beyond any partner; the source redacts it for partners.
        string id = "indicator--" + Guid.NewGuid().ToString("D");
        await PostAsync(source, MarkedDescription(id, TlpMarkings.Tlp2Red));
        Assert.Empty(await ReadAsAsync(source, connection)); // withheld whole without a redaction rule
        Assert.Equal(SharingChange.Changed, await source.Store.AddRedactionPathAsync("description", Ct));
        await RefreshSharingAsync(source);

        StixObject served = Assert.Single(await ReadAsAsync(source, connection)).Object;
        Assert.False(served.Json.ContainsKey("description"));
        Assert.False(served.Json.ContainsKey("granular_markings"));
        Assert.Equal(source.Signing!.IdentityId, served.CreatedByRef);
        Assert.True(StixSignatures.Verify(served, source.Key.VerificationKey).IsValid); // signed again by its creator, this node
        OriginVerdict verdict = await sink.App.Services.GetRequiredService<OriginVerifier>().VerifyOriginAsync(source.Name, served, Ct);
        Assert.True(verdict.IsAccepted, verdict.Reason);

        ExplainedVersion explained = Assert.Single(await PolicyExplain.ExplainAsync(source.Store, id, sink.Name, null, source.Clock,
            source.Signing.IdentityId, Ct));
        Assert.True(explained.Allowed);
        Assert.Equal("allow.redacted", explained.Code);
        Assert.EndsWith("(signed by this node, its creator)", explained.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_redacted_object_another_organization_created_is_withheld_with_the_reason()
    {
        await using FedNode origin = await FedNode.StartAsync("us-cert");
        await using FedNode forwarder = await FedNode.StartAsync("ru-cert");
        // The forwarder is a partner of the origin (a member of the federation): it receives the TLP:GREEN description.
        Sync.PartnerConnection toOrigin = await origin.IssueConnectionAsync(forwarder.Name);
        await origin.AddPartnerAsync(forwarder, await forwarder.IssueConnectionAsync(origin.Name), subscribe: false);
        await forwarder.AddPartnerAsync(origin, toOrigin);
        await RefreshSharingAsync(origin);
        string id = "indicator--" + Guid.NewGuid().ToString("D");
        await PostAsync(origin, MarkedDescription(id, TlpMarkings.Tlp2Green));
        Sync.SyncReport report = await forwarder.Sync.SyncAsync(origin.Name, cancellationToken: Ct);
        Assert.True(report.IsClean, report.Alarm);
        Assert.Equal(1, report.ObjectsNew);

        // A guest of the forwarder may not read the GREEN description; the forwarder redacts it, but cannot sign as us-cert.
        Sync.PartnerConnection guest = await forwarder.IssueConnectionAsync("feed");
        Assert.Equal(SharingChange.Changed, await forwarder.Store.AddRedactionPathAsync("description", Ct));
        await RefreshSharingAsync(forwarder);
        Assert.Empty(await ReadAsAsync(forwarder, guest));

        ExplainedVersion explained = Assert.Single(await PolicyExplain.ExplainAsync(forwarder.Store, id, "feed", null, forwarder.Clock,
            forwarder.Signing!.IdentityId, Ct));
        Assert.False(explained.Allowed);
        Assert.Equal(NodeRedaction.ForeignSignatureCode, explained.Code);
        Assert.EndsWith($"(withheld: the redacted object would lose the signature of its creator {origin.Signing!.IdentityId}, and this node signs only what it creates)",
            explained.Reason, StringComparison.Ordinal);

        // The origin's own redacted object, by contrast, is served to its guest.
        Sync.PartnerConnection originGuest = await origin.IssueConnectionAsync("feed");
        Assert.Equal(SharingChange.Changed, await origin.Store.AddRedactionPathAsync("description", Ct));
        await RefreshSharingAsync(origin);
        Assert.False(Assert.Single(await ReadAsAsync(origin, originGuest)).Object.Json.ContainsKey("description"));
    }
}

/// <summary>Forwarding a partner's objects to a third party (issue 7): the origin's signature and markings travel with them.</summary>
public sealed class ForwardingChainTests
{
    private static readonly HttpClient s_http = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Marked(string id, string name, string tlp) =>
        $$"""
        {"type":"indicator","spec_version":"2.1","id":"{{id}}","created":"2025-01-01T00:00:00.000Z","modified":"2025-01-01T00:00:01.000Z","name":"{{name}}","pattern":"[ipv4-addr:value = '198.51.100.9']","pattern_type":"stix","valid_from":"2025-01-01T00:00:00Z","object_marking_refs":["{{tlp}}"]}
        """;

    private static async Task PostAsync(FedNode node, params string[] objects)
    {
        var client = new TaxiiClient(s_http, node.Server, new TaxiiClientOptions { Credentials = TaxiiCredentials.Bearer(node.AdminToken) });
        TaxiiEnvelope envelope = new TaxiiReader().ReadEnvelope(Encoding.UTF8.GetBytes("{\"objects\":[" + string.Join(",", objects) + "]}"));
        TaxiiStatus status = await client.AddObjectsAsync(NodeOptions.ApiRootUrl(node.Server, "default"), node.CollectionId.ToString("D"), envelope, Ct);
        Assert.Equal(objects.Length, status.SuccessCount);
    }

    /// <summary>Registers <paramref name="other"/> as a partner of <paramref name="node"/> without subscribing to it, and as
    /// a partner of the node's default collection (so TLP:AMBER may go to it).</summary>
    private static async Task KnowAsync(FedNode node, FedNode other)
    {
        await node.AddPartnerAsync(other, new Sync.PartnerConnection { Url = other.Server }, subscribe: false);
        Assert.Equal(SharingChange.Changed, await node.Store.SetCollectionPartnerAsync(node.CollectionId, other.Name, true, Ct));
        await node.App.Services.GetRequiredService<SharingPolicySource>().RefreshAsync(Ct);
    }

    [Fact]
    public async Task A_third_node_receives_forwarded_objects_as_their_origin_signed_them_and_only_those_the_origin_marked_for_passing_on()
    {
        await using FedNode origin = await FedNode.StartAsync("us-cert");
        await using FedNode forwarder = await FedNode.StartAsync("ru-cert");
        await using FedNode third = await FedNode.StartAsync("un-wg");
        await using FedNode stranger = await FedNode.StartAsync("un-obs"); // knows the forwarder, not the origin
        await KnowAsync(origin, forwarder);
        await forwarder.AddPartnerAsync(origin, await origin.IssueConnectionAsync(forwarder.Name));
        await KnowAsync(forwarder, third);
        await KnowAsync(forwarder, stranger);
        Assert.Equal(SharingChange.Changed, await forwarder.Store.SetCollectionPartnerAsync(forwarder.CollectionId, origin.Name, true, Ct));
        await forwarder.App.Services.GetRequiredService<SharingPolicySource>().RefreshAsync(Ct);
        Assert.True(await forwarder.Store.GrantAsync(forwarder.CollectionId, origin.Name, CollectionAccess.Read, Ct));
        await KnowAsync(third, origin);
        await third.AddPartnerAsync(forwarder, await forwarder.IssueConnectionAsync(third.Name));
        await third.App.Services.GetRequiredService<SharingPolicySource>().RefreshAsync(Ct);
        await stranger.AddPartnerAsync(forwarder, await forwarder.IssueConnectionAsync(stranger.Name));
        await stranger.App.Services.GetRequiredService<SharingPolicySource>().RefreshAsync(Ct);

        // The origin publishes one object per TLP level; RED and AMBER+STRICT never leave it.
        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach ((string level, string marking) in new[] { ("clear", TlpMarkings.Tlp2Clear), ("green", TlpMarkings.Tlp2Green),
            ("amber", TlpMarkings.Tlp2Amber), ("amber-strict", TlpMarkings.Tlp2AmberStrict), ("red", TlpMarkings.Tlp2Red) })
        {
            ids[level] = "indicator--" + Guid.NewGuid().ToString("D");
            await PostAsync(origin, Marked(ids[level], "origin " + level, marking));
        }

        Sync.SyncReport received = await forwarder.Sync.SyncAsync(origin.Name, cancellationToken: Ct);
        Assert.True(received.IsClean, received.Alarm);
        Assert.Equal(3, received.ObjectsNew); // CLEAR, GREEN and AMBER (the forwarder is a partner of the origin's collection)
        string own = "indicator--" + Guid.NewGuid().ToString("D");
        await PostAsync(forwarder, Marked(own, "forwarder amber", TlpMarkings.Tlp2Amber));

        // The third node receives the forwarder's own AMBER and the origin's CLEAR and GREEN, never the origin's AMBER.
        Sync.SyncReport forwarded = await third.Sync.SyncAsync(forwarder.Name, cancellationToken: Ct);
        Assert.True(forwarded.IsClean, forwarded.Alarm);
        List<StoredObject> atThird = await third.ReadAllAsync();
        Assert.Equal(new[] { ids["clear"], ids["green"], own }.Order(), atThird.Select(o => o.Id).Order());

        // Byte for byte as the origin signed them, and verified against the origin's key, not the forwarder's.
        Dictionary<string, StoredObject> atOrigin = (await origin.ReadAllAsync()).ToDictionary(o => o.Id, StringComparer.Ordinal);
        foreach (StoredObject o in atThird.Where(o => o.Id != own))
        {
            Assert.Equal(atOrigin[o.Id].Json.ToArray(), o.Json.ToArray());
            StixObject parsed = new StixReader().ReadObject(o.Json.Span);
            Assert.True(StixSignatures.Verify(parsed, origin.Key.VerificationKey).IsValid);
            Assert.False(StixSignatures.Verify(parsed, forwarder.Key.VerificationKey).IsValid);
            OriginVerdict verdict = await third.App.Services.GetRequiredService<OriginVerifier>().VerifyOriginAsync(forwarder.Name, parsed, Ct);
            Assert.Equal(OriginCode.Forwarded, verdict.Code);
            Assert.Contains("of its origin, partner us-cert", verdict.Reason, StringComparison.Ordinal);
        }

        // The forwarder explains why the origin's AMBER stays, and that it may go back to its origin.
        ExplainedVersion amber = Assert.Single(await PolicyExplain.ExplainAsync(forwarder.Store, ids["amber"], third.Name, null, forwarder.Clock,
            forwarder.Signing!.IdentityId, Ct));
        Assert.False(amber.Allowed);
        Assert.Equal("deny.received-not-passed-on", amber.Code);
        Assert.Equal("denied: TLP:AMBER received from partner us-cert is not passed on to another organization (partner un-wg)", amber.Reason);
        Assert.True(Assert.Single(await PolicyExplain.ExplainAsync(forwarder.Store, ids["amber"], origin.Name, null, forwarder.Clock,
            forwarder.Signing.IdentityId, Ct)).Allowed);
        Assert.Equal("allow.tlp-green", Assert.Single(await PolicyExplain.ExplainAsync(forwarder.Store, ids["green"], third.Name, null, forwarder.Clock,
            forwarder.Signing.IdentityId, Ct)).Code);

        // A node that does not know the origin refuses the forwarded objects: an object-origin alarm, nothing stored.
        Sync.SyncReport refused = await stranger.Sync.SyncAsync(forwarder.Name, cancellationToken: Ct);
        Assert.False(refused.IsClean);
        Assert.StartsWith("object-origin", refused.Alarm, StringComparison.Ordinal);
        Assert.Contains("nor another partner's", refused.Alarm, StringComparison.Ordinal);
        Assert.Empty(await stranger.ReadAllAsync());
    }

    [Fact]
    public async Task A_forwarded_object_whose_origin_signature_fails_or_whose_marking_forbids_passing_on_is_refused()
    {
        await using FedNode origin = await FedNode.StartAsync("us-cert");
        await using FedNode forwarder = await FedNode.StartAsync("ru-cert");
        await using FedNode third = await FedNode.StartAsync("un-wg");
        await KnowAsync(forwarder, origin);
        await KnowAsync(third, origin);
        await KnowAsync(third, forwarder);

        string id = "indicator--" + Guid.NewGuid().ToString("D");
        await PostAsync(origin, Marked(id, "origin green", TlpMarkings.Tlp2Green), Marked("indicator--" + Guid.NewGuid().ToString("D"), "origin amber", TlpMarkings.Tlp2Amber));
        List<StoredObject> signed = await origin.ReadAllAsync();
        StixObject green = new StixReader().ReadObject(signed.Single(o => o.Id == id).Json.Span);
        StixObject amber = new StixReader().ReadObject(signed.Single(o => o.Id != id).Json.Span);
        OriginVerifier verifier = third.App.Services.GetRequiredService<OriginVerifier>();

        Assert.Equal(OriginCode.Forwarded, (await verifier.VerifyOriginAsync(forwarder.Name, green, Ct)).Code);
        OriginVerdict changed = await verifier.VerifyOriginAsync(forwarder.Name, green.With("name", new JsonString("changed")), Ct);
        Assert.Equal(OriginCode.BadSignature, changed.Code);
        Assert.StartsWith("Forwarded by partner ru-cert from partner us-cert: The signature by key", changed.Reason, StringComparison.Ordinal);
        OriginVerdict beyond = await verifier.VerifyOriginAsync(forwarder.Name, amber, Ct);
        Assert.Equal(OriginCode.ForwardedBeyondMarking, beyond.Code);
        Assert.Contains("marked TLP:AMBER", beyond.Reason, StringComparison.Ordinal);

        // Signed by the forwarder instead of the origin: not the origin's key, refused.
        StixObject resigned = StixSignatures.Sign(StixSignatures.Unsigned(green), forwarder.Key);
        Assert.Equal(OriginCode.UnknownKey, (await verifier.VerifyOriginAsync(forwarder.Name, resigned, Ct)).Code);
    }
}
