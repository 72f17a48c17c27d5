using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using CsCheck;
using Detente.Storage;
using Detente.Taxii;
using Detente.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Detente.Node.Tests;

/// <summary>
/// The store's egress-class prefilter changes no answer: over generated collections (every TLP level, object-level TLP 2.0
/// and 1.0 or granular, sharing group or not, one or two versions), two nodes on one store — one with the sharing policy
/// as configured (the store skips TLP:RED and AMBER+STRICT versions for readers other than local users), one with the same
/// decisions but no prefilter (the store reads every version and the gate drops them) — give every principal kind byte for
/// byte the same status, body and date headers on every object route.
/// </summary>
public abstract partial class NodeContractTests
{
    /// <summary>The decisions of <paramref name="inner"/>, without its egress class: the store reads every version.</summary>
    private sealed class WithoutPrefilter(IEgressPolicy inner) : IEgressPolicy
    {
        public EgressDecision Decide(NodePrincipal reader, CollectionWithAccess collection, StoredObject version) => inner.Decide(reader, collection, version);

        public Func<StoredObject, EgressDecision> For(NodePrincipal reader, CollectionWithAccess collection) => inner.For(reader, collection);

        public EgressDecision DecideLog(NodePrincipal reader) => inner.DecideLog(reader);

        public object? DecisionStamp(NodePrincipal reader) => inner.DecisionStamp(reader);
    }

    private static readonly Gen<Cell> s_prefilterCell = Gen.Select(Gen.Guid, Gen.Int[0, 6], Gen.Int[0, 2], Gen.Bool, Gen.Int[-1, 6],
        static (id, level, placement, group, earlier) => new Cell(IndicatorIdOf(id), (Level)level, (Placement)placement, group,
            earlier < 0 || earlier == level ? null : (Level)earlier));

    /// <summary>A STIX id (UUID version 4, RFC 9562 variant) made of a generated value.</summary>
    private static string IndicatorIdOf(Guid value)
    {
        char[] text = value.ToString("D").ToCharArray();
        text[14] = '4';
        text[19] = '8';
        return "indicator--" + new string(text);
    }

    [Fact]
    public async Task Every_answer_is_the_same_with_and_without_the_store_prefilter()
    {
        byte[][] keys = [Convert.FromHexString("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"),
            Convert.FromHexString("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c")];
        await _store.AddPartnerAsync(new PartnerRecord { Name = "p-in", Identity = "identity--00000000-0000-4000-8000-00000000000a", VerificationKey = keys[0] }, Ct);
        await _store.AddPartnerAsync(new PartnerRecord { Name = "p-out", Identity = "identity--00000000-0000-4000-8000-00000000000b", VerificationKey = keys[1] }, Ct);
        await _store.AddSharingGroupAsync("g-one", GroupMarking, Ct);
        await _store.SetGroupMemberAsync("g-one", "p-in", true, Ct);
        await _store.SetCollectionPartnerAsync(_collectionId, "p-in", true, Ct);
        await _store.SetCollectionPartnerAsync(_collectionId, "p-out", true, Ct);
        Assert.True(await _app.Services.GetRequiredService<SharingPolicySource>().RefreshAsync(Ct));
        var tokens = new List<(string Name, string Token)> { ("admin", _adminToken) };
        foreach ((string name, TokenRole role) in new[]
        {
            ("alice", TokenRole.Analyst), ("p-in", TokenRole.Partner), ("p-out", TokenRole.Partner), ("stranger", TokenRole.Partner),
        })
        {
            tokens.Add((name, await CreateTokenAsync(name, role)));
            Assert.True(await _store.GrantAsync(_collectionId, name, CollectionAccess.Read, Ct));
        }

        IEgressPolicy prefiltered = _app.Services.GetRequiredService<IEgressPolicy>();
        Assert.Equal((byte)0, prefiltered.EgressClassFor(new NodePrincipal("p-out", TokenRole.Partner)));
        Assert.Null(prefiltered.EgressClassFor(new NodePrincipal("alice", TokenRole.Analyst)));
        (_, Uri plain) = await StartNodeAsync(new WithoutPrefilter(prefiltered));

        // Each round adds a generated batch to the collection and compares every answer over the whole collection.
        await Property.ForAllAsync(s_prefilterCell.Array[4, 12], async cells =>
        {
            foreach (string[] chunk in cells.SelectMany(c => c.HasEarlier ? new[] { MarkedIndicator(c.Earlier(), 1), MarkedIndicator(c, 2) } : [MarkedIndicator(c, 2)])
                .Chunk(Limits.AsyncThreshold))
            {
                TaxiiStatus status = await PostAsync(chunk);
                Assert.Equal(status.TotalCount, status.SuccessCount);
            }

            foreach ((string name, string token) in tokens)
            {
                foreach (string query in (string[])["?limit=3", "?limit=4&match[version]=all", "?limit=4&match[version]=first",
                    "?limit=3&match[spec_version]=2.1&match[version]=last", "?limit=2&match[version]=first,last&match[spec_version]=2.1"])
                {
                    await AssertSamePagesAsync(plain, ObjectsPath + query, token, $"{name} objects{query}");
                    await AssertSamePagesAsync(plain, ManifestPath + query, token, $"{name} manifest{query}");
                }

                foreach (Cell cell in cells)
                {
                    foreach (string path in (string[])[$"{cell.Id}/", $"{cell.Id}/?match[version]=first", $"{cell.Id}/?match[version]=all",
                        $"{cell.Id}/versions/", $"{cell.Id}/versions/?limit=1"])
                    {
                        await AssertSamePagesAsync(plain, ObjectsPath + path, token, $"{name} {cell} {path}");
                    }
                }
            }
        }, iterations: 4, print: cells => string.Join("; ", cells.Select(c => c.ToString())));
    }

    [Fact]
    public async Task At_start_the_node_gives_versions_stored_without_an_egress_class_theirs()
    {
        string red = NewIndicatorId();
        string strict = NewIndicatorId();
        string green = NewIndicatorId();
        TaxiiStatus status = await PostAsync(MarkedIndicator(new Cell(red, Level.Red, Placement.ObjectTlp1, false, null), 2),
            MarkedIndicator(new Cell(strict, Level.AmberStrict, Placement.ObjectTlp2, true, null), 2),
            MarkedIndicator(new Cell(green, Level.Green, Placement.Granular, false, null), 2));
        Assert.Equal(3, status.SuccessCount);
        string[] localOnly = [.. new[] { red, strict }.Order(StringComparer.Ordinal)];
        Assert.Equal(localOnly, await ClassAsync(1));

        // As migration 14 leaves a store written before it: every version of class 0, and listed as waiting for its class.
        await ExecuteSqlAsync("UPDATE objects SET egress_class = 0; "
            + "INSERT INTO egress_class_pending (collection_key, date_added) SELECT collection_key, date_added FROM objects");
        Assert.Empty(await ClassAsync(1));
        await StartNodeAsync(null);

        Assert.Equal(localOnly, await ClassAsync(1));
        Assert.Contains(green, await ClassAsync(0));
        Assert.DoesNotContain(red, await ClassAsync(0));
        Assert.Contains(_log.Entries, e => e.EventId == 8180);

        async Task<string[]> ClassAsync(byte egressClass) =>
            [.. (await _store.ReadObjectsAsync(_collectionId, new ObjectFilter { EgressClass = egressClass }, cancellationToken: Ct).ToListAsync(Ct))
                .Select(o => o.Id).Order(StringComparer.Ordinal)];
    }

    /// <summary>Asks both nodes for <paramref name="path"/> and every following page (<c>next</c>, else <c>added_after</c> =
    /// the last date header while <c>more</c>), and asserts the same status, content type, body and date headers.</summary>
    private async Task AssertSamePagesAsync(Uri plain, string path, string token, string what)
    {
        for (int page = 0; page < 100; page++)
        {
            (HttpStatusCode status, string? type, byte[] body, string? first, string? last) = await GetFromAsync(_server, path, token);
            (HttpStatusCode plainStatus, string? plainType, byte[] plainBody, string? plainFirst, string? plainLast) = await GetFromAsync(plain, path, token);
            Assert.True(status == plainStatus, $"{what}: status {status} / {plainStatus}");
            Assert.True(type == plainType, $"{what}: content type");
            Assert.True(body.AsSpan().SequenceEqual(plainBody), $"{what}: body of page {page}");
            Assert.True(first == plainFirst && last == plainLast, $"{what}: date headers of page {page}");
            if (status != HttpStatusCode.OK)
            {
                return;
            }

            using JsonDocument json = JsonDocument.Parse(body);
            if (!json.RootElement.TryGetProperty("more", out JsonElement more) || !more.GetBoolean())
            {
                return;
            }

            string sep = path.Contains('?', StringComparison.Ordinal) ? "&" : "?";
            string basePath = path.Split("&next=")[0].Split("&added_after=")[0];
            path = json.RootElement.TryGetProperty("next", out JsonElement next)
                ? basePath + sep + "next=" + Uri.EscapeDataString(next.GetString()!)
                : basePath + sep + "added_after=" + last;
        }

        Assert.Fail($"{what}: more than 100 pages");
    }

    private async Task<(HttpStatusCode Status, string? Type, byte[] Body, string? First, string? Last)> GetFromAsync(Uri server, string path, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server, path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.TryAddWithoutValidation("Accept", TaxiiMediaTypes.Taxii21);
        using HttpResponseMessage response = await _http.SendAsync(request, Ct);
        return (response.StatusCode, response.Content.Headers.ContentType?.ToString(), await response.Content.ReadAsByteArrayAsync(Ct),
            response.Headers.TryGetValues("X-TAXII-Date-Added-First", out IEnumerable<string>? f) ? f.Single() : null,
            response.Headers.TryGetValues("X-TAXII-Date-Added-Last", out IEnumerable<string>? l) ? l.Single() : null);
    }
}
