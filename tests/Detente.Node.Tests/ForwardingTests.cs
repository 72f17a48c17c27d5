using System.Text;
using Detente.Stix;
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
