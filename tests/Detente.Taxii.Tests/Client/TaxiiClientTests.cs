using System.Net;
using System.Text;
using Detente.Stix;
using Detente.Taxii.Client;
using Detente.Taxii.Query;
using Detente.Taxii.Tests.Vectors;

namespace Detente.Taxii.Tests.Client;

public sealed class TaxiiClientTests
{
    private static readonly Uri s_server = new("https://taxii.example/");
    private static readonly Uri s_apiRoot = new("https://taxii.example/api1/");
    private const string CollectionId = "91a7b528-80eb-42ed-a74d-c6fbd5a26116";
    private const string ObjectId = "indicator--252c7c11-daf2-42bd-843b-be65edca9f61";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static (TaxiiClient Client, FakeHandler Handler) Create(Func<HttpRequestMessage, HttpResponseMessage> respond, TaxiiClientOptions? options = null)
    {
        var handler = new FakeHandler(respond);
        return (new TaxiiClient(new HttpClient(handler), s_server, options), handler);
    }

    private static string Envelope(string objectsJson, bool more = false, string? next = null) =>
        "{" + (objectsJson.Length > 0 ? $"\"objects\":[{objectsJson}]" : "")
            + (more ? (objectsJson.Length > 0 ? "," : "") + "\"more\":true" : "")
            + (next is null ? "" : $",\"next\":\"{next}\"") + "}";

    [Fact]
    public async Task Discovery_is_read_from_taxii2_with_the_taxii_accept_header_and_a_user_agent()
    {
        (TaxiiClient client, FakeHandler handler) = Create(_ => FakeHandler.Taxii(TaxiiSpecExamples.Discovery));

        TaxiiDiscovery discovery = await client.GetDiscoveryAsync(Token);

        Assert.Equal("Some TAXII Server", discovery.Title);
        RecordedRequest request = Assert.Single(handler.Requests);
        Assert.Equal(HttpMethod.Get, request.Method);
        Assert.Equal("https://taxii.example/taxii2/", request.Uri.ToString());
        Assert.Equal("application/taxii+json;version=2.1", request.Headers["Accept"]);
        Assert.StartsWith("Detente.Taxii/", request.Headers["User-Agent"], StringComparison.Ordinal);
        Assert.False(request.Headers.ContainsKey("Authorization"));
    }

    [Fact]
    public async Task A_bearer_token_is_sent_with_every_request()
    {
        (TaxiiClient client, FakeHandler handler) = Create(_ => FakeHandler.Taxii(TaxiiSpecExamples.ApiRoot),
            new TaxiiClientOptions { Credentials = TaxiiCredentials.Bearer("dtk_abc-123._~+/=") });

        await client.GetApiRootAsync(s_apiRoot, Token);
        await client.GetApiRootAsync(new Uri("/api1", UriKind.Relative), Token);

        Assert.All(handler.Requests, r => Assert.Equal("Bearer dtk_abc-123._~+/=", r.Headers["Authorization"]));
        Assert.All(handler.Requests, r => Assert.Equal("https://taxii.example/api1/", r.Uri.ToString()));
    }

    [Fact]
    public async Task Basic_credentials_are_the_utf8_user_and_password_in_base64()
    {
        (TaxiiClient client, FakeHandler handler) = Create(_ => FakeHandler.Taxii(TaxiiSpecExamples.ApiRoot),
            new TaxiiClientOptions { Credentials = TaxiiCredentials.Basic("j\u00f6rg", "p\u00e4ss:word") });

        await client.GetApiRootAsync(s_apiRoot, Token);

        string header = Assert.Single(handler.Requests).Headers["Authorization"];
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("j\u00f6rg:p\u00e4ss:word")), header);
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("line\nbreak")]
    [InlineData("=leading")]
    [InlineData("")]
    public void Bearer_tokens_outside_the_rfc_6750_form_are_refused(string token)
    {
        Assert.ThrowsAny<ArgumentException>(() => TaxiiCredentials.Bearer(token));
    }

    [Fact]
    public void Credentials_never_show_their_secret()
    {
        Assert.Equal("Bearer (secret hidden)", TaxiiCredentials.Bearer("s3cret").ToString());
        Assert.Throws<ArgumentException>(() => TaxiiCredentials.Basic("a:b", "c"));
    }

    [Fact]
    public async Task All_objects_are_read_by_following_next_with_the_original_filters()
    {
        string a = "{\"type\":\"indicator\",\"id\":\"indicator--00000000-0000-4000-8000-000000000001\"}";
        string b = "{ \"type\" : \"indicator\", \"id\":\"indicator--00000000-0000-4000-8000-000000000002\" }";
        string c = "{\"id\":\"indicator--00000000-0000-4000-8000-000000000003\",\"type\":\"indicator\"}";
        (TaxiiClient client, FakeHandler handler) = Create(request => request.RequestUri!.Query switch
        {
            "?limit=2&match[type]=indicator" => FakeHandler.Taxii(Envelope(a + "," + b, more: true, next: "p2")),
            "?limit=2&next=p2&match[type]=indicator" => FakeHandler.Taxii(Envelope(c, more: true, next: "p3")),
            "?limit=2&next=p3&match[type]=indicator" => FakeHandler.Taxii("{}"),
            string other => throw new InvalidOperationException("unexpected query " + other),
        });
        var query = new TaxiiObjectQuery { Limit = 2, Types = ["indicator"] };

        var pages = new List<TaxiiPage<TaxiiEnvelope>>();
        await foreach (TaxiiPage<TaxiiEnvelope> page in client.GetAllObjectsAsync(s_apiRoot, CollectionId, query, Token))
        {
            pages.Add(page);
        }

        Assert.Equal(3, pages.Count);
        Assert.Equal([a, b, c], pages.SelectMany(p => p.Resource.Objects).Select(o => Encoding.UTF8.GetString(o.Json.Span)));
        Assert.All(handler.Requests, r => Assert.Equal($"/api1/collections/{CollectionId}/objects/", r.Uri.AbsolutePath));
    }

    [Fact]
    public async Task Without_next_paging_continues_from_the_date_added_last_header()
    {
        const string First = "2024-01-01T00:00:00.000001Z";
        const string Last = "2024-01-01T00:00:05.123456Z";
        (TaxiiClient client, FakeHandler handler) = Create(request => request.RequestUri!.Query switch
        {
            "?match[spec_version]=2.1" => FakeHandler.Taxii(Envelope("{\"type\":\"note\"}", more: true), headers: [(TaxiiHeaders.DateAddedFirst, First), (TaxiiHeaders.DateAddedLast, Last)]),
            "?added_after=2024-01-01T00%3A00%3A05.123456Z&match[spec_version]=2.1" => FakeHandler.Taxii(Envelope("{\"type\":\"note\"}")),
            string other => throw new InvalidOperationException("unexpected query " + other),
        });

        var pages = new List<TaxiiPage<TaxiiEnvelope>>();
        await foreach (TaxiiPage<TaxiiEnvelope> page in client.GetAllObjectsAsync(s_apiRoot, CollectionId, new TaxiiObjectQuery { SpecVersions = ["2.1"] }, Token))
        {
            pages.Add(page);
        }

        Assert.Equal(2, pages.Count);
        Assert.Equal(First, pages[0].DateAddedFirst.ToString());
        Assert.Equal(Last, pages[0].DateAddedLast.ToString());
        Assert.Null(pages[1].DateAddedLast);
    }

    public static TheoryData<string, string, string> StuckPaging => new()
    {
        // (first page, second page, X-TAXII-Date-Added-Last of both)
        { Envelope("", more: true), "{}", "" },
        { Envelope("{}", more: true, next: "same"), Envelope("{}", more: true, next: "same"), "" },
        { Envelope("{}", more: true), Envelope("{}", more: true), "2024-01-01T00:00:00Z" },
    };

    [Theory]
    [MemberData(nameof(StuckPaging))]
    public async Task Paging_that_cannot_progress_stops_with_an_error(string first, string second, string last)
    {
        int calls = 0;
        (TaxiiClient client, _) = Create(_ => FakeHandler.Taxii(calls++ == 0 ? first : second,
            headers: last.Length == 0 ? [] : [(TaxiiHeaders.DateAddedLast, last)]));

        await Assert.ThrowsAsync<TaxiiFormatException>(async () =>
        {
            await foreach (TaxiiPage<TaxiiEnvelope> page in client.GetAllObjectsAsync(s_apiRoot, CollectionId, null, Token))
            {
                Assert.NotNull(page);
            }
        });
        Assert.True(calls <= 2);
    }

    [Fact]
    public async Task An_error_status_carries_the_servers_taxii_error_message()
    {
        (TaxiiClient client, _) = Create(_ => FakeHandler.Taxii(
            "{\"title\":\"Collection not found\",\"description\":\"No such collection\\u001b[31m\",\"http_status\":\"404\"}", HttpStatusCode.NotFound));

        var e = await Assert.ThrowsAsync<TaxiiException>(() => client.GetCollectionAsync(s_apiRoot, CollectionId, Token));

        Assert.Equal(HttpStatusCode.NotFound, e.StatusCode);
        Assert.Equal("Collection not found", e.Error!.Title);
        Assert.Equal("404", e.Error.HttpStatus);
        Assert.Contains("answered 404: Collection not found: No such collection\\u001b[31m", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', e.Message);
    }

    [Theory]
    [InlineData("text/html", "<html>Bad gateway</html>")]
    [InlineData(TaxiiMediaTypes.Taxii21, "not json")]
    [InlineData(TaxiiMediaTypes.Taxii21, "{\"description\":\"no title\"}")]
    public async Task An_error_body_that_is_not_a_taxii_error_leaves_the_status_and_reason(string contentType, string body)
    {
        (TaxiiClient client, _) = Create(_ =>
        {
            HttpResponseMessage response = FakeHandler.Taxii(body, HttpStatusCode.BadGateway, contentType);
            response.ReasonPhrase = "Bad Gateway";
            return response;
        });

        var e = await Assert.ThrowsAsync<TaxiiException>(() => client.GetCollectionsAsync(s_apiRoot, Token));

        Assert.Equal(HttpStatusCode.BadGateway, e.StatusCode);
        Assert.Null(e.Error);
        Assert.Equal("Bad Gateway", e.ReasonPhrase);
        Assert.EndsWith("answered 502: Bad Gateway", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("text/html; charset=utf-8")]
    [InlineData("application/taxii+json;version=2.0")]
    [InlineData("application/vnd.oasis.taxii+json; version=2.0")]
    [InlineData("")]
    public async Task A_success_that_is_not_taxii_2_1_content_is_refused(string contentType)
    {
        (TaxiiClient client, _) = Create(_ =>
        {
            HttpResponseMessage response = FakeHandler.Taxii(TaxiiSpecExamples.Collections);
            response.Content.Headers.Remove("Content-Type");
            if (contentType.Length > 0)
            {
                response.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            }

            return response;
        });

        var e = await Assert.ThrowsAsync<TaxiiFormatException>(() => client.GetCollectionsAsync(s_apiRoot, Token));
        Assert.Contains("not TAXII 2.1 content", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("application/taxii+json")]
    [InlineData("application/taxii+json; version=2.1; charset=utf-8")]
    public async Task Taxii_content_types_the_spec_allows_are_read(string contentType)
    {
        (TaxiiClient client, _) = Create(_ => FakeHandler.Taxii(TaxiiSpecExamples.Collections, contentType: contentType));

        Assert.Equal(2, (await client.GetCollectionsAsync(s_apiRoot, Token)).Collections.Count);
    }

    [Fact]
    public async Task A_body_declared_longer_than_the_limit_is_refused_unread()
    {
        var body = new CountingStream((byte)' ', 10_000);
        (TaxiiClient client, _) = Create(_ =>
        {
            var content = new StreamContent(body);
            content.Headers.TryAddWithoutValidation("Content-Type", TaxiiMediaTypes.Taxii21);
            content.Headers.ContentLength = 10_000;
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
        }, new TaxiiClientOptions { MaxResponseBytes = 1000 });

        var e = await Assert.ThrowsAsync<TaxiiFormatException>(() => client.GetCollectionsAsync(s_apiRoot, Token));

        Assert.Contains("limit of 1000 bytes", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, body.BytesRead);
    }

    [Fact]
    public async Task An_undeclared_body_is_read_no_further_than_the_limit()
    {
        var body = new CountingStream((byte)' ', long.MaxValue);
        (TaxiiClient client, _) = Create(_ =>
        {
            var content = new StreamContent(body);
            content.Headers.TryAddWithoutValidation("Content-Type", TaxiiMediaTypes.Taxii21);
            content.Headers.ContentLength = null;
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
        }, new TaxiiClientOptions { MaxResponseBytes = 100_000 });

        await Assert.ThrowsAsync<TaxiiFormatException>(() => client.GetObjectsAsync(s_apiRoot, CollectionId, null, Token));

        Assert.InRange(body.BytesRead, 100_001, 100_001);
    }

    [Fact]
    public async Task Adding_objects_posts_an_envelope_of_their_exact_bytes_and_reads_the_status()
    {
        byte[] received = Encoding.UTF8.GetBytes(Envelope("{ \"type\":\"indicator\" ,\"id\":\"" + ObjectId + "\"}"));
        TaxiiEnvelope envelope = new TaxiiReader().ReadEnvelope(received);
        (TaxiiClient client, FakeHandler handler) = Create(_ => FakeHandler.Taxii(TaxiiSpecExamples.AddObjectsStatus, HttpStatusCode.Accepted),
            new TaxiiClientOptions { Credentials = TaxiiCredentials.Bearer("t") });

        TaxiiStatus status = await client.AddObjectsAsync(s_apiRoot, CollectionId, envelope, Token);

        Assert.Equal(3, status.PendingCount);
        RecordedRequest request = Assert.Single(handler.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal($"https://taxii.example/api1/collections/{CollectionId}/objects/", request.Uri.ToString());
        Assert.Equal("application/taxii+json;version=2.1", request.ContentType);
        Assert.Equal("application/taxii+json;version=2.1", request.Headers["Accept"]);
        Assert.Equal("Bearer t", request.Headers["Authorization"]);
        Assert.Equal(received, request.Body);
    }

    [Fact]
    public async Task Waiting_for_a_status_polls_after_each_delay_until_complete()
    {
        string Status(string state) => $"{{\"id\":\"2d086da7-4bdc-4f91-900e-d77486753710\",\"status\":\"{state}\",\"total_count\":1,\"success_count\":0,\"failure_count\":0,\"pending_count\":1}}";
        int gets = 0;
        (TaxiiClient client, FakeHandler handler) = Create(_ => FakeHandler.Taxii(Status(++gets < 2 ? "pending" : "complete")));
        TaxiiStatus pending = new TaxiiReader().ReadStatus(Encoding.UTF8.GetBytes(Status("pending")));
        var attempts = new List<int>();

        TaxiiStatus done = await client.WaitForStatusAsync(s_apiRoot, pending, (attempt, _) =>
        {
            attempts.Add(attempt);
            return Task.CompletedTask;
        }, Token);

        Assert.True(done.IsComplete);
        Assert.Equal([1, 2], attempts);
        Assert.All(handler.Requests, r => Assert.Equal("https://taxii.example/api1/status/2d086da7-4bdc-4f91-900e-d77486753710/", r.Uri.ToString()));
    }

    [Fact]
    public async Task Waiting_for_a_status_ends_when_cancelled()
    {
        (TaxiiClient client, FakeHandler handler) = Create(_ => FakeHandler.Taxii(TaxiiSpecExamples.Status));
        TaxiiStatus pending = new TaxiiReader().ReadStatus(Encoding.UTF8.GetBytes(TaxiiSpecExamples.Status));
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Token);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.WaitForStatusAsync(s_apiRoot, pending, (attempt, _) =>
        {
            if (attempt == 3)
            {
                cancel.Cancel();
            }

            return Task.CompletedTask;
        }, cancel.Token));
        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public async Task A_complete_status_is_returned_without_polling()
    {
        (TaxiiClient client, FakeHandler handler) = Create(_ => throw new InvalidOperationException("no request expected"));
        var complete = new TaxiiStatus("s", TaxiiRequestStatus.Complete, 1, 1, 0, 0);

        Assert.Same(complete, await client.WaitForStatusAsync(s_apiRoot, complete, (_, _) => throw new InvalidOperationException(), Token));
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task Object_versions_manifest_and_delete_use_their_urls_and_filters()
    {
        (TaxiiClient client, FakeHandler handler) = Create(request => request.RequestUri!.AbsolutePath switch
        {
            _ when request.Method == HttpMethod.Delete => new HttpResponseMessage(HttpStatusCode.OK),
            string p when p.EndsWith("/versions/", StringComparison.Ordinal) => FakeHandler.Taxii(TaxiiSpecExamples.Versions,
                headers: [(TaxiiHeaders.DateAddedFirst, "2016-11-03T12:30:59.000Z"), (TaxiiHeaders.DateAddedLast, "2016-11-03T12:31:00.000Z")]),
            string p when p.EndsWith("/manifest/", StringComparison.Ordinal) => FakeHandler.Taxii(TaxiiSpecExamples.Manifest),
            _ => FakeHandler.Taxii(TaxiiSpecExamples.Envelope),
        });

        TaxiiPage<TaxiiEnvelope> one = await client.GetObjectAsync(s_apiRoot, CollectionId, ObjectId, new TaxiiObjectQuery { Versions = TaxiiVersionFilter.All }, Token);
        TaxiiPage<TaxiiVersions> versions = await client.GetVersionsAsync(s_apiRoot, CollectionId, ObjectId, null, Token);
        TaxiiPage<TaxiiManifest> manifest = await client.GetManifestAsync(s_apiRoot, CollectionId, new TaxiiObjectQuery { Types = ["indicator"] }, Token);
        await client.DeleteObjectAsync(s_apiRoot, CollectionId, ObjectId, new TaxiiObjectQuery { Versions = TaxiiVersionFilter.First }, Token);

        Assert.Single(one.Resource.Objects);
        Assert.Equal(2, versions.Resource.Versions.Count);
        Assert.Equal("2016-11-03T12:31:00.000Z", versions.DateAddedLast.ToString());
        Assert.Equal(2, manifest.Resource.Objects.Count);
        Assert.Equal(
            [
                $"GET /api1/collections/{CollectionId}/objects/{ObjectId}/?match[version]=all",
                $"GET /api1/collections/{CollectionId}/objects/{ObjectId}/versions/",
                $"GET /api1/collections/{CollectionId}/manifest/?match[type]=indicator",
                $"DELETE /api1/collections/{CollectionId}/objects/{ObjectId}/?match[version]=first",
            ],
            handler.Requests.Select(r => $"{r.Method} {r.Uri.PathAndQuery}"));
    }

    [Fact]
    public async Task A_filter_the_endpoint_does_not_take_is_a_caller_error_before_any_request()
    {
        (TaxiiClient client, FakeHandler handler) = Create(_ => FakeHandler.Taxii("{}"));

        await Assert.ThrowsAsync<ArgumentException>(() => client.GetObjectAsync(s_apiRoot, CollectionId, ObjectId, new TaxiiObjectQuery { Types = ["indicator"] }, Token));
        await Assert.ThrowsAsync<ArgumentException>(() => client.DeleteObjectAsync(s_apiRoot, CollectionId, ObjectId, new TaxiiObjectQuery { Limit = 1 }, Token));
        await Assert.ThrowsAsync<ArgumentException>(() => client.GetVersionsAsync(s_apiRoot, CollectionId, ObjectId, new TaxiiObjectQuery { Versions = TaxiiVersionFilter.All }, Token));
        await Assert.ThrowsAsync<ArgumentException>(() => client.GetObjectAsync(s_apiRoot, CollectionId, "not-an-id", null, Token));
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task Path_segments_are_escaped_and_dot_segments_refused()
    {
        (TaxiiClient client, FakeHandler handler) = Create(_ => FakeHandler.Taxii(TaxiiSpecExamples.Collection));

        await client.GetCollectionAsync(s_apiRoot, "a/b?c", Token);
        await Assert.ThrowsAsync<ArgumentException>(() => client.GetCollectionAsync(s_apiRoot, "..", Token));
        await Assert.ThrowsAsync<ArgumentException>(() => client.GetStatusAsync(s_apiRoot, ".", Token));

        Assert.Equal("/api1/collections/a%2Fb%3Fc/", Assert.Single(handler.Requests).Uri.AbsolutePath);
    }

    [Fact]
    public async Task Credentials_go_to_the_configured_server_only()
    {
        (TaxiiClient client, FakeHandler handler) = Create(_ => FakeHandler.Taxii(TaxiiSpecExamples.ApiRoot),
            new TaxiiClientOptions { Credentials = TaxiiCredentials.Bearer("secret") });

        await Assert.ThrowsAsync<ArgumentException>(() => client.GetApiRootAsync(new Uri("https://elsewhere.example/api1/"), Token));
        await Assert.ThrowsAsync<ArgumentException>(() => client.GetApiRootAsync(new Uri("http://taxii.example/api1/"), Token));
        await Assert.ThrowsAsync<ArgumentException>(() => client.GetApiRootAsync(new Uri("https://taxii.example:8443/api1/"), Token));
        await Assert.ThrowsAsync<ArgumentException>(() => client.GetApiRootAsync(new Uri("https://taxii.example/api1/?x=1"), Token));
        Assert.Empty(handler.Requests);
    }

    [Theory]
    [InlineData("/api1/", "https://taxii.example/api1/")]
    [InlineData("/api1", "https://taxii.example/api1/")]
    [InlineData("https://taxii.example/trustgroup1/", "https://taxii.example/trustgroup1/")]
    [InlineData("https://taxii.example:443/x/", "https://taxii.example/x/")]
    [InlineData("//taxii.example/api1/", null)]
    [InlineData("../api1/", null)]
    [InlineData("/api1/?q=1", null)]
    [InlineData("http://taxii.example/api1/", null)]
    [InlineData("https://other.example/api1/", null)]
    [InlineData("https://user@taxii.example/api1/", null)]
    [InlineData("api1/", null)]
    [InlineData("", null)]
    public void Api_roots_from_discovery_resolve_on_this_server_only(string apiRoot, string? expected)
    {
        var client = new TaxiiClient(new HttpClient(), s_server);

        Assert.Equal(expected is not null, client.TryResolveApiRoot(apiRoot, out Uri? uri));
        Assert.Equal(expected, uri?.ToString());
    }

    [Theory]
    [InlineData("http://taxii.example/", false)]
    [InlineData("ftp://taxii.example/", false)]
    [InlineData("http://127.0.0.1:5000/", true)]
    [InlineData("http://localhost/", true)]
    [InlineData("http://[::1]:8080/", true)]
    [InlineData("https://taxii.example/some/path", true)]
    public void Plain_http_is_allowed_to_loopback_only(string server, bool allowed)
    {
        if (allowed)
        {
            Assert.Equal(new Uri(server).GetLeftPart(UriPartial.Authority) + "/", new TaxiiClient(new HttpClient(), new Uri(server)).Server.ToString());
        }
        else
        {
            Assert.Throws<ArgumentException>(() => new TaxiiClient(new HttpClient(), new Uri(server)));
        }
    }

    [Theory]
    [InlineData("yesterday")]
    [InlineData("2016-11-03T12:30:59.000+00:00")]
    public async Task A_malformed_date_added_header_is_refused(string value)
    {
        (TaxiiClient client, _) = Create(_ => FakeHandler.Taxii("{}", headers: [(TaxiiHeaders.DateAddedFirst, value)]));

        await Assert.ThrowsAsync<TaxiiFormatException>(() => client.GetObjectsAsync(s_apiRoot, CollectionId, null, Token));
    }

    [Fact]
    public async Task A_stix_timestamp_precision_is_kept_in_headers_and_queries()
    {
        (TaxiiClient client, FakeHandler handler) = Create(_ => FakeHandler.Taxii("{}", headers: [(TaxiiHeaders.DateAddedLast, "2016-11-03T12:30:59.1234567Z")]));

        TaxiiPage<TaxiiEnvelope> page = await client.GetObjectsAsync(s_apiRoot, CollectionId, new TaxiiObjectQuery { AddedAfter = StixTimestamp.Parse("2016-11-03T12:30:59.100Z") }, Token);

        Assert.Equal("2016-11-03T12:30:59.1234567Z", page.DateAddedLast.ToString());
        Assert.Equal("?added_after=2016-11-03T12%3A30%3A59.100Z", Assert.Single(handler.Requests).Uri.Query);
    }
}
