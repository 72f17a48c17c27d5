using System.Text;
using Detente.Stix.Schema;
using Detente.Stix.Signatures;
using Detente.Storage;
using Detente.Taxii;
using Detente.Taxii.Client;

namespace Detente.Node.Tests;

/// <summary><see cref="DetenteNode.RefreshSharingAsync"/>: a host applies changed sharing settings to a running node at once.</summary>
public sealed class SharingRefreshTests
{
    private static readonly HttpClient s_http = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<int> VisibleAsync(OpsNode node, string token)
    {
        var client = new TaxiiClient(s_http, node.Server, new TaxiiClientOptions { Credentials = TaxiiCredentials.Bearer(token) });
        TaxiiPage<TaxiiEnvelope> page = await client.GetObjectsAsync(NodeOptions.ApiRootUrl(node.Server, "default"), node.CollectionId.ToString("D"),
            cancellationToken: Ct);
        return page.Resource.Objects.Count;
    }

    [Fact]
    public async Task A_refresh_applies_a_new_partner_at_once_and_a_second_one_finds_nothing_new()
    {
        // The periodic refresh would take a day: only the explicit refresh can make the partner known.
        await using OpsNode node = await OpsNode.StartAsync(o => o with { SharingRefreshInterval = TimeSpan.FromDays(1) });
        string indicator = $$"""
            {"type":"indicator","spec_version":"2.1","id":"indicator--8d3e6f0a-55b1-4f3e-9a51-5a7c1e2b3c4d","created":"2025-01-01T00:00:00.000Z","modified":"2025-01-01T00:00:00.000Z","pattern":"[ipv4-addr:value = '198.51.100.1']","pattern_type":"stix","valid_from":"2025-01-01T00:00:00Z","object_marking_refs":["{{TlpMarkings.Tlp2Green}}"]}
            """;
        var admin = new TaxiiClient(s_http, node.Server, new TaxiiClientOptions { Credentials = TaxiiCredentials.Bearer(node.AdminToken) });
        TaxiiStatus status = await admin.AddObjectsAsync(NodeOptions.ApiRootUrl(node.Server, "default"), node.CollectionId.ToString("D"),
            new TaxiiReader().ReadEnvelope(Encoding.UTF8.GetBytes("{\"objects\":[" + indicator + "]}")), Ct);
        Assert.Equal(1, status.SuccessCount);
        string token = await node.CreateTokenAsync("fr-cert", TokenRole.Partner);
        Assert.True(await node.Store.GrantAsync(node.CollectionId, "fr-cert", CollectionAccess.Read, Ct));

        // Not a partner yet: a guest, who reads TLP:CLEAR only.
        Assert.False(await DetenteNode.RefreshSharingAsync(node.App.Services, Ct));
        Assert.Equal(0, await VisibleAsync(node, token));

        using StixSigningKey key = StixSigningKey.Create();
        Assert.Equal(SharingChange.Changed, await node.Store.AddPartnerAsync(new PartnerRecord
        {
            Name = "fr-cert",
            Identity = "identity--0b7e5c1a-2d3f-4a6b-8c9d-0e1f2a3b4c5d",
            VerificationKey = key.VerificationKey.RawPublicKey,
        }, Ct));
        Assert.Equal(0, await VisibleAsync(node, token));

        Assert.True(await DetenteNode.RefreshSharingAsync(node.App.Services, Ct));
        Assert.Equal(1, await VisibleAsync(node, token));
        Assert.False(await DetenteNode.RefreshSharingAsync(node.App.Services, Ct));
        Assert.Contains(node.Log.Entries, e => e.EventId == 8060);
    }
}
