using System.Net;
using System.Text;
using Detente.Storage;
using Detente.Taxii;
using Detente.Taxii.Client;
using Detente.Taxii.Query;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Detente.Node.Tests;

public abstract partial class NodeContractTests
{
    private string ObjectsPath => $"/taxii2/default/collections/{_collectionId:D}/objects/";

    private string CollectionId => _collectionId.ToString("D");

    /// <summary>A valid indicator, written with spacing and member order no canonicalizer would produce.</summary>
    private static string Indicator(string id, int modifiedSecond, string name = "bad address") =>
        $$"""
        {  "type":"indicator" , "spec_version":"2.1","id":"{{id}}",
           "created":"2025-01-01T00:00:00.000Z","modified":"2025-01-01T00:00:{{modifiedSecond:D2}}.000Z",
           "name":"{{name}}", "pattern":"[ipv4-addr:value = '198.51.100.1']","pattern_type":"stix",
           "valid_from":"2025-01-01T00:00:00Z" }
        """;

    private static string NewIndicatorId() => "indicator--" + Guid.NewGuid().ToString("D");

    private static string Envelope(params IEnumerable<string> objects) => "{\"objects\":[" + string.Join(",", objects) + "]}";

    private static TaxiiEnvelope ReadEnvelope(string json) => new TaxiiReader().ReadEnvelope(Encoding.UTF8.GetBytes(json));

    private async Task<TaxiiStatus> PostAsync(params IEnumerable<string> objects) =>
        await Client(_adminToken).AddObjectsAsync(DefaultRoot, CollectionId, ReadEnvelope(Envelope(objects)), Ct);

    private async Task<List<string>> PostIndicatorsAsync(int count)
    {
        // In requests small enough to be stored before the answer.
        var ids = Enumerable.Range(0, count).Select(_ => NewIndicatorId()).ToList();
        foreach (string[] chunk in ids.Chunk(Limits.AsyncThreshold))
        {
            TaxiiStatus status = await PostAsync(chunk.Select(id => Indicator(id, 1)));
            Assert.Equal(chunk.Length, status.SuccessCount);
        }

        return ids;
    }

    private static string[] Ids(TaxiiEnvelope envelope) => [.. envelope.Objects.Select(o => o.Object.Id!)];

    [Fact]
    public async Task Posted_objects_are_served_byte_for_byte()
    {
        string id = NewIndicatorId();
        string posted = Indicator(id, 1);
        TaxiiStatus status = await PostAsync(posted);
        Assert.True(status.IsComplete);
        Assert.Equal(1, status.SuccessCount);

        TaxiiPage<TaxiiEnvelope> page = await Client(_adminToken).GetObjectsAsync(DefaultRoot, CollectionId, null, Ct);
        Assert.Equal(Encoding.UTF8.GetBytes(posted), Assert.Single(page.Resource.Objects).Json.ToArray());
        TaxiiPage<TaxiiEnvelope> one = await Client(_adminToken).GetObjectAsync(DefaultRoot, CollectionId, id, null, Ct);
        Assert.Equal(Encoding.UTF8.GetBytes(posted), Assert.Single(one.Resource.Objects).Json.ToArray());

        // The raw body holds the stored bytes as they are.
        HttpResponseMessage raw = await SendAsync(HttpMethod.Get, ObjectsPath, _adminToken);
        Assert.Contains(posted, await raw.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_objects_are_refused_with_the_validators_message_and_nothing_of_them_is_stored()
    {
        string good = NewIndicatorId();
        string bad = NewIndicatorId();
        string badPattern = NewIndicatorId();
        string invalid = Indicator(bad, 1).Replace("\"valid_from\":\"2025-01-01T00:00:00Z\"", "\"valid_from\":\"yesterday\"", StringComparison.Ordinal);
        string invalidPattern = Indicator(badPattern, 1).Replace("[ipv4-addr:value = '198.51.100.1']", "[ipv4-addr:value = ", StringComparison.Ordinal);
        TaxiiStatus status = await PostAsync(Indicator(good, 1), invalid, invalidPattern);

        Assert.True(status.IsComplete);
        Assert.Equal(3, status.TotalCount);
        Assert.Equal(1, status.SuccessCount);
        Assert.Equal(2, status.FailureCount);
        Assert.Equal(good, Assert.Single(status.Successes).Id);
        Assert.Equal([bad, badPattern], status.Failures.Select(f => f.Id));
        Assert.All(status.Failures, f => Assert.False(string.IsNullOrEmpty(f.Message)));
        Assert.Contains("valid_from", status.Failures[0].Message, StringComparison.Ordinal);
        Assert.Contains("pattern", status.Failures[1].Message, StringComparison.Ordinal);

        TaxiiPage<TaxiiEnvelope> page = await Client(_adminToken).GetObjectsAsync(DefaultRoot, CollectionId, null, Ct);
        Assert.Equal([good], Ids(page.Resource));
    }

    [Fact]
    public async Task Filters_select_by_id_type_version_spec_version_and_added_after()
    {
        string a = NewIndicatorId();
        string b = NewIndicatorId();
        await PostAsync(Indicator(a, 1), Indicator(b, 1));
        await PostAsync(Indicator(a, 2));
        string marking = "{\"type\":\"marking-definition\",\"spec_version\":\"2.1\",\"id\":\"marking-definition--" + Guid.NewGuid().ToString("D")
            + "\",\"created\":\"2025-01-01T00:00:00.000Z\",\"name\":\"x\",\"definition_type\":\"statement\",\"definition\":{\"statement\":\"c\"}}";
        await PostAsync(marking);
        TaxiiClient client = Client(_adminToken);

        async Task<string[]> Get(TaxiiObjectQuery query) => Ids((await client.GetObjectsAsync(DefaultRoot, CollectionId, query, Ct)).Resource);
        async Task<string[]> Versions(TaxiiObjectQuery query) =>
            [.. (await client.GetObjectsAsync(DefaultRoot, CollectionId, query, Ct)).Resource.Objects.Select(o => o.Object.Modified!.Value.ToString())];

        // Default: the latest version of each object, oldest date_added first (b, then a's new version, then the marking).
        Assert.Equal(3, (await Get(TaxiiObjectQuery.None)).Length);
        Assert.Equal([b, a], await Get(new TaxiiObjectQuery { Types = ["indicator"] }));
        Assert.Equal([a], await Get(new TaxiiObjectQuery { Ids = [a] }));
        Assert.Equal(["2025-01-01T00:00:01.000Z", "2025-01-01T00:00:02.000Z"], await Versions(new TaxiiObjectQuery { Ids = [a], Versions = TaxiiVersionFilter.All }));
        Assert.Equal(["2025-01-01T00:00:01.000Z"], await Versions(new TaxiiObjectQuery { Ids = [a], Versions = TaxiiVersionFilter.First }));
        Assert.Equal(["2025-01-01T00:00:02.000Z"], await Versions(new TaxiiObjectQuery { Ids = [a], Versions = TaxiiVersionFilter.Last }));
        Assert.True(Detente.Stix.StixTimestamp.TryParse("2025-01-01T00:00:01Z", out Detente.Stix.StixTimestamp first));
        Assert.Equal(["2025-01-01T00:00:01.000Z"], await Versions(new TaxiiObjectQuery { Ids = [a], Versions = TaxiiVersionFilter.Create(false, false, [first]) }));
        Assert.Equal(3, (await Get(new TaxiiObjectQuery { SpecVersions = ["2.1"] })).Length);
        Assert.Empty(await Get(new TaxiiObjectQuery { SpecVersions = ["2.0"] }));

        // added_after is exclusive: after the first page's last date_added comes only what was added later.
        TaxiiPage<TaxiiEnvelope> firstTwo = await client.GetObjectsAsync(DefaultRoot, CollectionId, new TaxiiObjectQuery { Limit = 2 }, Ct);
        Assert.Equal([b, a], Ids(firstTwo.Resource));
        string[] rest = await Get(new TaxiiObjectQuery { AddedAfter = firstTwo.DateAddedLast });
        Assert.Single(rest);
        Assert.StartsWith("marking-definition--", rest[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pages_follow_next_with_more_and_exact_date_added_headers()
    {
        List<string> ids = await PostIndicatorsAsync(12);
        TaxiiClient client = Client(_adminToken);
        TaxiiPage<TaxiiManifest> manifest = await client.GetManifestAsync(DefaultRoot, CollectionId, new TaxiiObjectQuery { Limit = 50 }, Ct);
        Assert.Equal(ids, manifest.Resource.Objects.Select(r => r.Id));
        Assert.False(manifest.Resource.More);

        var seen = new List<string>();
        TaxiiObjectQuery query = new() { Limit = 5 };
        int pages = 0;
        while (true)
        {
            TaxiiPage<TaxiiEnvelope> page = await client.GetObjectsAsync(DefaultRoot, CollectionId, query, Ct);
            pages++;
            int offset = seen.Count;
            seen.AddRange(Ids(page.Resource));
            // The headers are the exact date_added of the page's first and last objects (six fraction digits).
            Assert.Equal(manifest.Resource.Objects[offset].DateAdded.ToString(), page.DateAddedFirst!.Value.ToString());
            Assert.Equal(manifest.Resource.Objects[seen.Count - 1].DateAdded.ToString(), page.DateAddedLast!.Value.ToString());
            Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$", page.DateAddedLast!.Value.ToString());
            if (!page.Resource.More)
            {
                Assert.Null(page.Resource.Next);
                break;
            }

            query = query with { Next = page.Resource.Next };
        }

        Assert.Equal(3, pages);
        Assert.Equal(ids, seen);

        // Without limit the default page size (5) applies; the same next works with another limit.
        TaxiiPage<TaxiiEnvelope> first = await client.GetObjectsAsync(DefaultRoot, CollectionId, null, Ct);
        Assert.Equal(5, first.Resource.Objects.Count);
        TaxiiPage<TaxiiEnvelope> second = await client.GetObjectsAsync(DefaultRoot, CollectionId, new TaxiiObjectQuery { Next = first.Resource.Next, Limit = 50 }, Ct);
        Assert.Equal(ids.Skip(5), Ids(second.Resource));

        // The manifest with the same filters continues from the objects route's next.
        TaxiiPage<TaxiiManifest> continued = await client.GetManifestAsync(DefaultRoot, CollectionId, new TaxiiObjectQuery { Next = first.Resource.Next }, Ct);
        Assert.Equal(ids.Skip(5).Take(5), continued.Resource.Objects.Select(r => r.Id));
        Assert.True(continued.Resource.More);
    }

    [Fact]
    public async Task Paging_under_concurrent_writes_neither_skips_nor_repeats()
    {
        List<string> initial = await PostIndicatorsAsync(6);
        var written = new List<string>(initial);
        TaxiiClient client = Client(_adminToken);
        Task writer = Task.Run(async () =>
        {
            for (int i = 0; i < 10; i++)
            {
                string id = NewIndicatorId();
                await PostAsync(Indicator(id, 1));
                lock (written)
                {
                    written.Add(id);
                }
            }
        }, Ct);

        var seen = new List<string>();
        StixTimestampHolder last = new(null);
        while (true)
        {
            TaxiiPage<TaxiiEnvelope> page = await client.GetObjectsAsync(DefaultRoot, CollectionId, new TaxiiObjectQuery { Limit = 2, AddedAfter = last.Value }, Ct);
            seen.AddRange(Ids(page.Resource));
            if (page.Resource.Objects.Count == 0)
            {
                if (writer.IsCompleted)
                {
                    break;
                }

                await Task.Yield();
                continue;
            }

            last = new(page.DateAddedLast);
        }

        await writer;
        // One more page after the writer finished picks up anything committed after the last empty page.
        TaxiiPage<TaxiiEnvelope> tail = await client.GetObjectsAsync(DefaultRoot, CollectionId, new TaxiiObjectQuery { Limit = 50, AddedAfter = last.Value }, Ct);
        seen.AddRange(Ids(tail.Resource));
        Assert.Equal(seen.Count, seen.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(written, seen);
    }

    private sealed record StixTimestampHolder(Detente.Stix.StixTimestamp? Value);

    [Fact]
    public async Task An_object_its_versions_and_its_deletion()
    {
        string id = NewIndicatorId();
        await PostAsync(Indicator(id, 3));
        await PostAsync(Indicator(id, 1)); // an older version added later: versions are listed by date_added
        await PostAsync(Indicator(id, 2));
        TaxiiClient client = Client(_adminToken);

        TaxiiPage<TaxiiVersions> versions = await client.GetVersionsAsync(DefaultRoot, CollectionId, id, null, Ct);
        Assert.Equal(["2025-01-01T00:00:03.000Z", "2025-01-01T00:00:01.000Z", "2025-01-01T00:00:02.000Z"], versions.Resource.Versions);
        Assert.NotNull(versions.DateAddedFirst);
        TaxiiPage<TaxiiVersions> limited = await client.GetVersionsAsync(DefaultRoot, CollectionId, id, new TaxiiObjectQuery { Limit = 2 }, Ct);
        Assert.True(limited.Resource.More);
        Assert.Equal(2, limited.Resource.Versions.Count);

        TaxiiPage<TaxiiEnvelope> latest = await client.GetObjectAsync(DefaultRoot, CollectionId, id, null, Ct);
        Assert.Equal("2025-01-01T00:00:03.000Z", Assert.Single(latest.Resource.Objects).Object.Modified!.Value.ToString());

        await AssertTaxiiErrorAsync(await SendAsync(HttpMethod.Get, ObjectsPath + NewIndicatorId() + "/", _adminToken), HttpStatusCode.NotFound);
        await AssertTaxiiErrorAsync(await SendAsync(HttpMethod.Get, ObjectsPath + "not-an-id/", _adminToken), HttpStatusCode.NotFound);
        await AssertTaxiiErrorAsync(await SendAsync(HttpMethod.Get, ObjectsPath + NewIndicatorId() + "/versions/", _adminToken), HttpStatusCode.NotFound);

        await client.DeleteObjectAsync(DefaultRoot, CollectionId, id, new TaxiiObjectQuery { Versions = TaxiiVersionFilter.First }, Ct);
        versions = await client.GetVersionsAsync(DefaultRoot, CollectionId, id, null, Ct);
        Assert.Equal(["2025-01-01T00:00:03.000Z", "2025-01-01T00:00:02.000Z"], versions.Resource.Versions);
        await client.DeleteObjectAsync(DefaultRoot, CollectionId, id, null, Ct);
        await AssertTaxiiErrorAsync(await SendAsync(HttpMethod.Get, ObjectsPath + id + "/", _adminToken), HttpStatusCode.NotFound);
        await AssertTaxiiErrorAsync(await SendAsync(HttpMethod.Delete, ObjectsPath + id + "/", _adminToken), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Grants_decide_between_404_and_403()
    {
        string id = (await PostIndicatorsAsync(1))[0];
        string reader = await CreateTokenAsync("reader", TokenRole.Reader);
        string writer = await CreateTokenAsync("writer", TokenRole.Partner);
        string stranger = await CreateTokenAsync("stranger", TokenRole.Partner);
        Assert.True(await _store.GrantAsync(_collectionId, "reader", CollectionAccess.Read, Ct));
        Assert.True(await _store.GrantAsync(_collectionId, "writer", CollectionAccess.Write, Ct));
        string envelope = Envelope(Indicator(NewIndicatorId(), 1));

        // Invisible: 404 everywhere, as for a collection that does not exist.
        foreach (string path in new[] { ObjectsPath, ObjectsPath + id + "/", ObjectsPath + id + "/versions/", $"/taxii2/default/collections/{_collectionId:D}/manifest/" })
        {
            await AssertTaxiiErrorAsync(await SendAsync(HttpMethod.Get, path, stranger), HttpStatusCode.NotFound);
            await AssertTaxiiErrorAsync(await SendAsync(HttpMethod.Get, path, writer), HttpStatusCode.Forbidden);
            Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, path, reader)).StatusCode);
        }

        await AssertTaxiiErrorAsync(await SendAsync(HttpMethod.Post, ObjectsPath, stranger, body: envelope), HttpStatusCode.NotFound);
        await AssertTaxiiErrorAsync(await SendAsync(HttpMethod.Post, ObjectsPath, reader, body: envelope), HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.Accepted, (await SendAsync(HttpMethod.Post, ObjectsPath, writer, body: envelope)).StatusCode);

        // Delete needs read and write (TAXII 2.1 §5.7).
        await AssertTaxiiErrorAsync(await SendAsync(HttpMethod.Delete, ObjectsPath + id + "/", stranger), HttpStatusCode.NotFound);
        await AssertTaxiiErrorAsync(await SendAsync(HttpMethod.Delete, ObjectsPath + id + "/", reader), HttpStatusCode.Forbidden);
        await AssertTaxiiErrorAsync(await SendAsync(HttpMethod.Delete, ObjectsPath + id + "/", writer), HttpStatusCode.Forbidden);
        Assert.Single((await Client(_adminToken).GetObjectsAsync(DefaultRoot, CollectionId, new TaxiiObjectQuery { Ids = [id] }, Ct)).Resource.Objects);
    }

    [Fact]
    public async Task Bad_requests_get_the_right_taxii_error()
    {
        string ok = Envelope(Indicator(NewIndicatorId(), 1));
        await AssertTaxiiErrorAsync(await SendAsync(HttpMethod.Post, ObjectsPath, _adminToken, body: ok, contentType: "application/json"), HttpStatusCode.UnsupportedMediaType);
        await AssertTaxiiErrorAsync(await SendAsync(HttpMethod.Post, ObjectsPath, _adminToken, body: ok, contentType: "application/taxii+json;version=2.0"), HttpStatusCode.UnsupportedMediaType);
        await AssertTaxiiErrorAsync(await SendAsync(HttpMethod.Post, ObjectsPath, _adminToken, body: "{\"objects\":[", contentType: TaxiiMediaTypes.Taxii21), HttpStatusCode.BadRequest);
        await AssertTaxiiErrorAsync(await SendAsync(HttpMethod.Post, ObjectsPath, _adminToken, body: "{\"objects\":[1]}"), HttpStatusCode.UnprocessableEntity);
        await AssertTaxiiErrorAsync(await SendAsync(HttpMethod.Post, ObjectsPath, _adminToken, body: "{\"objects\":\"x\"}"), HttpStatusCode.UnprocessableEntity);
        await AssertTaxiiErrorAsync(await SendAsync(HttpMethod.Post, ObjectsPath + "?limit=1", _adminToken, body: ok), HttpStatusCode.BadRequest);
        // The default API root takes at most max_content_length bytes.
        ApiRoot root = (await _store.GetApiRootAsync("default", Ct))!;
        string huge = Envelope(Indicator(NewIndicatorId(), 1, new string('x', checked((int)root.MaxContentLength))));
        await AssertTaxiiErrorAsync(await SendAsync(HttpMethod.Post, ObjectsPath, _adminToken, body: huge), HttpStatusCode.RequestEntityTooLarge);

        await AssertTaxiiErrorAsync(await SendAsync(HttpMethod.Get, ObjectsPath + "?limit=0", _adminToken), HttpStatusCode.BadRequest);
        await AssertTaxiiErrorAsync(await SendAsync(HttpMethod.Get, ObjectsPath + "?match[color]=red", _adminToken), HttpStatusCode.BadRequest);
        await AssertTaxiiErrorAsync(await SendAsync(HttpMethod.Get, ObjectsPath + "?added_after=yesterday", _adminToken), HttpStatusCode.BadRequest);
        await AssertTaxiiErrorAsync(await SendAsync(HttpMethod.Get, ObjectsPath + "?next=garbage", _adminToken), HttpStatusCode.BadRequest);
        await AssertTaxiiErrorAsync(await SendAsync(HttpMethod.Get, ObjectsPath, _adminToken, accept: "application/json"), HttpStatusCode.NotAcceptable);

        // A next issued for other filters is refused.
        await PostIndicatorsAsync(3);
        TaxiiPage<TaxiiEnvelope> page = await Client(_adminToken).GetObjectsAsync(DefaultRoot, CollectionId, new TaxiiObjectQuery { Limit = 1 }, Ct);
        string next = Uri.EscapeDataString(page.Resource.Next!);
        await AssertTaxiiErrorAsync(await SendAsync(HttpMethod.Get, ObjectsPath + "?match[type]=indicator&next=" + next, _adminToken), HttpStatusCode.BadRequest);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, ObjectsPath + "?next=" + next, _adminToken)).StatusCode);
    }

    [Fact]
    public async Task A_status_is_served_with_and_without_a_trailing_slash_to_its_requester_only()
    {
        TaxiiStatus posted = await PostAsync(Indicator(NewIndicatorId(), 1));
        TaxiiStatus read = await Client(_adminToken).GetStatusAsync(DefaultRoot, posted.Id, Ct);
        Assert.Equal(posted.Id, read.Id);
        Assert.Equal(1, read.SuccessCount);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, $"/taxii2/default/status/{posted.Id}", _adminToken)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, $"/taxii2/default/status/{posted.Id}/", _adminToken)).StatusCode);

        // Another principal's status, an unknown one and a malformed id are all "not found".
        string writer = await CreateTokenAsync("writer", TokenRole.Partner);
        Assert.True(await _store.GrantAsync(_collectionId, "writer", CollectionAccess.ReadWrite, Ct));
        TaxiiStatus own = await Client(writer).AddObjectsAsync(DefaultRoot, CollectionId, ReadEnvelope(Envelope(Indicator(NewIndicatorId(), 1))), Ct);
        Assert.Equal(own.Id, (await Client(writer).GetStatusAsync(DefaultRoot, own.Id, Ct)).Id);
        await AssertTaxiiErrorAsync(await SendAsync(HttpMethod.Get, $"/taxii2/default/status/{posted.Id}/", writer), HttpStatusCode.NotFound);
        await AssertTaxiiErrorAsync(await SendAsync(HttpMethod.Get, $"/taxii2/default/status/{Guid.NewGuid():D}/", writer), HttpStatusCode.NotFound);
        await AssertTaxiiErrorAsync(await SendAsync(HttpMethod.Get, "/taxii2/default/status/nope/", writer), HttpStatusCode.NotFound);
        Assert.Equal(own.Id, (await Client(_adminToken).GetStatusAsync(DefaultRoot, own.Id, Ct)).Id);
    }

    [Fact]
    public async Task Every_route_that_returns_objects_carries_the_egress_gate()
    {
        RouteEndpoint[] endpoints = [.. _app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()];
        // The transparency log's routes (checkpoint, key, tiles, gossip, object and PSI session proofs, openings) pass the gate too.
        string[] objectRoutes = ["/objects/", "/manifest/", "/versions/", "/status/", "/log/"];
        RouteEndpoint[] reading = [.. endpoints.Where(e => objectRoutes.Any(r => e.RoutePattern.RawText!.Contains(r, StringComparison.Ordinal))
            && e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()!.HttpMethods.Any(m => m is "GET" or "DELETE"))];
        Assert.Equal(14, reading.Length);
        Assert.All(reading, e => Assert.NotNull(e.Metadata.GetMetadata<RequiresEgressPolicy>()));
        Assert.All(endpoints.Where(e => e.Metadata.GetMetadata<RequiresEgressPolicy>() is null),
            e => Assert.DoesNotContain(e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? [], m => m == "GET"
                && objectRoutes.Any(r => e.RoutePattern.RawText!.Contains(r, StringComparison.Ordinal))));
    }
}
