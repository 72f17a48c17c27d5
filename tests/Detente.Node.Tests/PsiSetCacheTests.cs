using System.Text;
using System.Text.Json;
using Detente.Psi;
using Detente.Stix;
using Detente.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Detente.Node.Tests;

/// <summary>The prepared responder set is cached per (principal, set, key epoch), and never used once anything it was built from changed.</summary>
public sealed class PsiSetCacheTests
{
    private const string Partner = "partner-a";
    private const string Other = "partner-b";

    private static readonly string[] s_local = ["domain-name:evil.example", "ipv4-addr:198.51.100.3", "domain-name:later.example", "url:http://bad.example/x"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_second_session_reuses_the_set_until_an_object_is_added_revoked_or_deleted()
    {
        await using OpsNode node = await StartAsync();
        string token = await PartnerAsync(node, Partner);
        string evil = NewId();
        string ip = NewId();
        await AddAsync(node, Indicator(evil, "[domain-name:value = 'evil.example']", 1), Indicator(ip, "[ipv4-addr:value = '198.51.100.3']", 1));

        Assert.Equal(["domain-name:evil.example", "ipv4-addr:198.51.100.3"], await RunAsync(node, token));
        Assert.Equal(1, Builds(node));
        Assert.Equal(["domain-name:evil.example", "ipv4-addr:198.51.100.3"], await RunAsync(node, token));
        Assert.Equal(1, Builds(node));

        // A new object: the next session sees it.
        await AddAsync(node, Indicator(NewId(), "[domain-name:value = 'later.example']", 1));
        Assert.Equal(["domain-name:evil.example", "domain-name:later.example", "ipv4-addr:198.51.100.3"], await RunAsync(node, token));
        Assert.Equal(2, Builds(node));

        // A revocation (a new version): the revoked indicator leaves the set at once.
        await AddAsync(node, Indicator(evil, "[domain-name:value = 'evil.example']", 2, revoked: true));
        Assert.Equal(["domain-name:later.example", "ipv4-addr:198.51.100.3"], await RunAsync(node, token));
        Assert.Equal(3, Builds(node));

        // A deletion: likewise.
        Assert.Equal(1, await node.Store.DeleteObjectAsync(node.CollectionId, ip, cancellationToken: Ct));
        Assert.Equal(["domain-name:later.example"], await RunAsync(node, token));
        Assert.Equal(4, Builds(node));
        Assert.Equal(["domain-name:later.example"], await RunAsync(node, token));
        Assert.Equal(4, Builds(node));
    }

    [Fact]
    public async Task A_grant_or_sharing_change_is_never_answered_from_the_cache()
    {
        await using OpsNode node = await StartAsync();
        string token = await PartnerAsync(node, Partner);
        await AddAsync(node, Indicator(NewId(), "[domain-name:value = 'evil.example']", 1));
        Assert.Equal(["domain-name:evil.example"], await RunAsync(node, token));
        Assert.Equal(["domain-name:evil.example"], await RunAsync(node, token));
        Assert.Equal(1, Builds(node));

        // The partner is no longer one of the collection's partners: the AMBER indicator is no longer its to see.
        await node.Store.SetCollectionPartnerAsync(node.CollectionId, Partner, false, Ct);
        await node.App.Services.GetRequiredService<SharingPolicySource>().RefreshAsync(Ct);
        Assert.Empty(await RunAsync(node, token));
        Assert.Equal(2, Builds(node));

        await node.Store.SetCollectionPartnerAsync(node.CollectionId, Partner, true, Ct);
        await node.App.Services.GetRequiredService<SharingPolicySource>().RefreshAsync(Ct);
        Assert.Equal(["domain-name:evil.example"], await RunAsync(node, token));
        Assert.Equal(3, Builds(node));

        // The read grant is revoked: nothing of the collection.
        Assert.True(await node.Store.GrantAsync(node.CollectionId, Partner, CollectionAccess.None, Ct));
        Assert.Empty(await RunAsync(node, token));
        Assert.Equal(4, Builds(node));
    }

    [Fact]
    public async Task Sets_are_per_principal_and_per_key_epoch()
    {
        await using OpsNode node = await StartAsync();
        string a = await PartnerAsync(node, Partner);
        string b = await PartnerAsync(node, Other);
        await AddAsync(node, Indicator(NewId(), "[domain-name:value = 'evil.example']", 1));
        await RunAsync(node, a);
        await RunAsync(node, b);
        await RunAsync(node, a);
        await RunAsync(node, b);
        Assert.Equal(2, Builds(node));
        PsiPreparedSets cache = node.App.Services.GetRequiredService<PsiPreparedSets>();
        Assert.Equal(2, cache.Count);

        // A new epoch: a new key, so a new set; the old epoch's sets are dropped.
        node.Clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(["domain-name:evil.example"], await RunAsync(node, a));
        Assert.Equal(3, Builds(node));
        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public async Task The_cache_keeps_to_its_byte_budget_and_zero_turns_it_off()
    {
        // Room for one set of one element (32 bytes and the overhead), not two.
        await using (OpsNode node = await StartAsync(cacheBytes: 600))
        {
            string a = await PartnerAsync(node, Partner);
            string b = await PartnerAsync(node, Other);
            await AddAsync(node, Indicator(NewId(), "[domain-name:value = 'evil.example']", 1));
            await RunAsync(node, a);
            await RunAsync(node, b);
            PsiPreparedSets cache = node.App.Services.GetRequiredService<PsiPreparedSets>();
            Assert.Equal(1, cache.Count);
            Assert.True(cache.Bytes <= 600);
            await RunAsync(node, b);
            Assert.Equal(2, Builds(node));
            await RunAsync(node, a);
            Assert.Equal(3, Builds(node));
        }

        await using (OpsNode off = await StartAsync(cacheBytes: 0))
        {
            string a = await PartnerAsync(off, Partner);
            await RunAsync(off, a);
            await RunAsync(off, a);
            Assert.Equal(2, Builds(off));
            Assert.Equal(0, off.App.Services.GetRequiredService<PsiPreparedSets>().Count);
        }
    }

    [Fact]
    public async Task A_policy_without_a_decision_stamp_is_never_cached()
    {
        await using OpsNode node = await StartAsync(policy: new UnstampedPolicy());
        string token = await PartnerAsync(node, Partner);
        await AddAsync(node, Indicator(NewId(), "[domain-name:value = 'evil.example']", 1));
        await RunAsync(node, token);
        await RunAsync(node, token);
        Assert.Equal(2, Builds(node));
        Assert.Equal(0, node.App.Services.GetRequiredService<PsiPreparedSets>().Count);
    }

    private static int Builds(OpsNode node) => node.Log.Entries.Count(static e => e.EventId == 8092);

    private static async Task<string[]> RunAsync(OpsNode node, string token)
    {
        using var http = new HttpClient();
        PsiRunReport report;
        try
        {
            report = await new PsiNodeClient(http, node.Server, token).RunAsync([.. s_local.Select(PsiElement.Parse)], PsiSetKind.Indicators,
                PsiMode.Intersection, cancellationToken: Ct);
        }
        catch (PsiException e)
        {
            throw new InvalidOperationException(e.Message + string.Join("\n", node.Log.Entries.Where(static x => x.Level >= Microsoft.Extensions.Logging.LogLevel.Warning).Select(static x => x.Message)));
        }

        return [.. report.Result.Intersection.Select(static e => e.ToString()).Order(StringComparer.Ordinal)];
    }

    private static Task<OpsNode> StartAsync(long cacheBytes = 64L << 20, IEgressPolicy? policy = null)
    {
        var all = new PsiGrant(new HashSet<PsiSetKind> { PsiSetKind.Indicators }, new HashSet<PsiMode> { PsiMode.Intersection });
        var psi = new NodePsiOptions
        {
            Grants = new Dictionary<string, PsiGrant>(StringComparer.Ordinal) { [Partner] = all, [Other] = all },
            MaxSetSize = 100,
            SessionsPerHour = 100,
            PreparedSetCacheBytes = cacheBytes,
        };
        return OpsNode.StartAsync(o => o with { Psi = psi }, egressPolicy: policy);
    }

    /// <summary>A partner with a read grant that is one of the collection's partners (so it may read AMBER objects).</summary>
    private static async Task<string> PartnerAsync(OpsNode node, string name)
    {
        Assert.True(await node.Store.GrantAsync(node.CollectionId, name, CollectionAccess.Read, Ct));
        byte[] key = Convert.FromHexString(name == Partner
            ? "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
            : "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c");
        await node.Store.AddPartnerAsync(new PartnerRecord
        {
            Name = name,
            Identity = "identity--00000000-0000-4000-8000-0000000000" + (name == Partner ? "a1" : "b2"),
            VerificationKey = key,
        }, Ct);
        await node.Store.SetCollectionPartnerAsync(node.CollectionId, name, true, Ct);
        await node.App.Services.GetRequiredService<SharingPolicySource>().RefreshAsync(Ct);
        return await node.CreateTokenAsync(name, TokenRole.Partner);
    }

    private static string NewId() => "indicator--" + Guid.NewGuid();

    private static string Indicator(string id, string pattern, int minute, bool revoked = false) =>
        $$"""{"type":"indicator","spec_version":"2.1","id":"{{id}}","created":"2026-01-01T00:00:00.000Z","modified":"2026-01-01T00:{{minute:D2}}:00.000Z","pattern":{{JsonSerializer.Serialize(pattern)}},"pattern_type":"stix","valid_from":"2026-01-01T00:00:00Z"{{(revoked ? ",\"revoked\":true" : string.Empty)}}}""";

    private static async Task AddAsync(OpsNode node, params string[] objects)
    {
        var adds = new List<ObjectToAdd>();
        foreach (string json in objects)
        {
            using JsonDocument document = JsonDocument.Parse(json);
            adds.Add(new ObjectToAdd(document.RootElement.GetProperty("id").GetString()!, "2.1",
                StixTimestamp.Parse(document.RootElement.GetProperty("modified").GetString()!), Encoding.UTF8.GetBytes(json)));
        }

        await node.Store.AddObjectsAsync(node.CollectionId, adds, Ct);
    }

    /// <summary>Reads by grant, and gives no decision stamp (the interface's default).</summary>
    private sealed class UnstampedPolicy : IEgressPolicy
    {
        public EgressDecision Decide(NodePrincipal reader, CollectionWithAccess collection, StoredObject version) =>
            ReadGrantEgressPolicy.Instance.Decide(reader, collection, version);
    }
}
