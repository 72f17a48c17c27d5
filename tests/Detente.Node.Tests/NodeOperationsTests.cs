using System.Net;
using System.Net.Http.Headers;
using Detente.Storage;
using Detente.Taxii;

namespace Detente.Node.Tests;

/// <summary>Limits, rate, metrics and the access log, over real HTTP.</summary>
public sealed class NodeOperationsTests
{
    private static readonly HttpClient s_http = new();

    private static async Task<HttpResponseMessage> SendAsync(OpsNode node, HttpMethod method, string path, string? token,
        HttpContent? content = null, string accept = TaxiiMediaTypes.Taxii21)
    {
        using var request = new HttpRequestMessage(method, new Uri(node.Server, path)) { Content = content };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        request.Headers.TryAddWithoutValidation("Accept", accept);
        return await s_http.SendAsync(request, TestContext.Current.CancellationToken);
    }

    private static async Task<TaxiiError> AssertTaxiiErrorAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal(TaxiiMediaTypes.Taxii21, response.Content.Headers.ContentType!.ToString().Replace(" ", "", StringComparison.Ordinal));
        TaxiiError error = new TaxiiReader().ReadError(await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
        Assert.Equal(((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture), error.HttpStatus);
        return error;
    }

    [Fact]
    public async Task A_body_over_the_limit_is_a_413_taxii_error_and_is_logged()
    {
        await using OpsNode node = await OpsNode.StartAsync(o => o with { Limits = new NodeLimits { MaxBodyBytes = 1_000 } });
        string collection = $"/taxii2/default/collections/{node.CollectionId:D}/objects/";
        using var big = new ByteArrayContent(new byte[1_001]);
        big.Headers.ContentType = MediaTypeHeaderValue.Parse(TaxiiMediaTypes.Taxii21);
        using HttpResponseMessage refused = await SendAsync(node, HttpMethod.Post, collection, node.AdminToken, big);
        await AssertTaxiiErrorAsync(refused, HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains(node.Log.Entries, e => e.EventId == 8041);

        // At the limit, the body is not refused for its size (whatever the route then answers).
        using var fits = new ByteArrayContent(new byte[1_000]);
        fits.Headers.ContentType = MediaTypeHeaderValue.Parse(TaxiiMediaTypes.Taxii21);
        using HttpResponseMessage passed = await SendAsync(node, HttpMethod.Post, collection, node.AdminToken, fits);
        Assert.NotEqual(HttpStatusCode.RequestEntityTooLarge, passed.StatusCode);
    }

    [Fact]
    public async Task Kestrel_gets_the_body_limit_so_that_chunked_bodies_are_refused_while_read()
    {
        await using OpsNode node = await OpsNode.StartAsync(o => o with { Limits = new NodeLimits { MaxBodyBytes = 1_000 } });
        var kestrel = node.App.Services.GetService(typeof(Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>))
            as Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>;
        Assert.Equal(1_000, kestrel!.Value.Limits.MaxRequestBodySize);
    }

    [Fact]
    public async Task A_principal_over_its_rate_gets_429_with_retry_after_and_others_are_not_affected()
    {
        // Three requests at once, then one per hour: the fourth request is refused, whatever the speed of the machine.
        await using OpsNode node = await OpsNode.StartAsync(o => o with
        {
            Limits = new NodeLimits { RatePermits = 1, RatePeriod = TimeSpan.FromHours(1), RateBurst = 3 },
        });
        for (int i = 0; i < 3; i++)
        {
            using HttpResponseMessage ok = await SendAsync(node, HttpMethod.Get, "/taxii2/", node.AdminToken);
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        using HttpResponseMessage refused = await SendAsync(node, HttpMethod.Get, "/taxii2/", node.AdminToken);
        await AssertTaxiiErrorAsync(refused, (HttpStatusCode)429);
        TimeSpan retryAfter = refused.Headers.RetryAfter!.Delta!.Value;
        Assert.InRange(retryAfter, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        var warning = Assert.Single(node.Log.Entries, e => e.EventId == 8042);
        Assert.Contains("admin", warning.Message, StringComparison.Ordinal);

        string other = await node.CreateTokenAsync("partner-a", TokenRole.Partner);
        using HttpResponseMessage otherOk = await SendAsync(node, HttpMethod.Get, "/taxii2/", other);
        Assert.Equal(HttpStatusCode.OK, otherOk.StatusCode);

        // Health checks are not rate limited.
        using HttpResponseMessage health = await SendAsync(node, HttpMethod.Get, "/healthz", null);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task Rate_limit_zero_turns_it_off()
    {
        await using OpsNode node = await OpsNode.StartAsync(o => o with { Limits = new NodeLimits { RatePermits = 0, RateBurst = 1 } });
        for (int i = 0; i < 5; i++)
        {
            using HttpResponseMessage ok = await SendAsync(node, HttpMethod.Get, "/taxii2/", node.AdminToken);
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }
    }

    [Fact]
    public async Task Metrics_count_requests_by_route_template_and_status_for_administrators()
    {
        await using OpsNode node = await OpsNode.StartAsync();
        string reader = await node.CreateTokenAsync("partner-a", TokenRole.Partner);
        (await SendAsync(node, HttpMethod.Get, "/taxii2/", node.AdminToken)).Dispose();
        (await SendAsync(node, HttpMethod.Get, "/taxii2/", node.AdminToken)).Dispose();
        (await SendAsync(node, HttpMethod.Get, $"/taxii2/default/collections/{node.CollectionId:D}/", node.AdminToken)).Dispose();
        (await SendAsync(node, HttpMethod.Get, "/taxii2/", null)).Dispose();
        (await SendAsync(node, HttpMethod.Get, "/no/such/path", node.AdminToken)).Dispose();
        // A request is counted after its response has gone out, just before its access log line: wait for the lines.
        await node.Log.WaitForAsync(e => e.EventId == 8040, 5);

        using HttpResponseMessage unauthenticated = await SendAsync(node, HttpMethod.Get, "/metrics", null, accept: "text/plain");
        await AssertTaxiiErrorAsync(unauthenticated, HttpStatusCode.Unauthorized);
        using HttpResponseMessage forbidden = await SendAsync(node, HttpMethod.Get, "/metrics", reader, accept: "text/plain");
        await AssertTaxiiErrorAsync(forbidden, HttpStatusCode.Forbidden);

        using HttpResponseMessage response = await SendAsync(node, HttpMethod.Get, "/metrics", node.AdminToken, accept: "text/plain");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        string text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        string[] lines = text.Split('\n');
        Assert.Contains("detente_http_requests_total{method=\"GET\",route=\"/taxii2/\",status=\"200\"} 2", lines);
        Assert.Contains("detente_http_requests_total{method=\"GET\",route=\"/taxii2/\",status=\"401\"} 1", lines);
        Assert.Contains("detente_http_requests_total{method=\"GET\",route=\"/taxii2/{apiRoot}/collections/{collectionId}/\",status=\"200\"} 1", lines);
        Assert.Contains("detente_http_requests_total{method=\"GET\",route=\"unmatched\",status=\"404\"} 1", lines);
        Assert.Contains("detente_http_request_duration_seconds_count{route=\"/taxii2/\"} 3", lines);
        Assert.Contains("detente_http_request_duration_seconds_bucket{route=\"/taxii2/\",le=\"+Inf\"} 3", lines);
        Assert.Contains("detente_objects_stored_total 0", lines);
        Assert.True(long.Parse(Assert.Single(lines, l => l.StartsWith("process_working_set_bytes ", StringComparison.Ordinal))[26..],
            System.Globalization.CultureInfo.InvariantCulture) > 0);
        Assert.Single(lines, l => l.StartsWith("dotnet_gc_heap_bytes ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("dotnet_gc_collections_total{generation=\"2\"} ", StringComparison.Ordinal));
        Assert.DoesNotContain(node.CollectionId.ToString("D"), text, StringComparison.Ordinal);
        AssertWellFormedExposition(lines);
    }

    [Fact]
    public async Task Metrics_may_be_made_public()
    {
        await using OpsNode node = await OpsNode.StartAsync(o => o with { PublicMetrics = true });
        using HttpResponseMessage response = await SendAsync(node, HttpMethod.Get, "/metrics", null, accept: "text/plain");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using HttpResponseMessage stillProtected = await SendAsync(node, HttpMethod.Get, "/taxii2/", null);
        Assert.Equal(HttpStatusCode.Unauthorized, stillProtected.StatusCode);
    }

    [Fact]
    public async Task Objects_are_counted_in_the_metrics_once_per_new_version_and_in_the_access_log_per_request()
    {
        await using OpsNode node = await OpsNode.StartAsync(o => o with { PublicMetrics = true });
        string id = "indicator--" + Guid.NewGuid().ToString("D");
        string indicator = "{\"type\":\"indicator\",\"spec_version\":\"2.1\",\"id\":\"" + id + "\"," +
            "\"created\":\"2025-01-01T00:00:00.000Z\",\"modified\":\"2025-01-01T00:00:00.000Z\"," +
            "\"pattern\":\"[ipv4-addr:value = '198.51.100.1']\",\"pattern_type\":\"stix\",\"valid_from\":\"2025-01-01T00:00:00Z\"}";
        string path = $"/taxii2/default/collections/{node.CollectionId:D}/objects/";
        for (int i = 0; i < 2; i++)
        {
            using var content = new StringContent("{\"objects\":[" + indicator + "]}");
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(TaxiiMediaTypes.Taxii21);
            using HttpResponseMessage posted = await SendAsync(node, HttpMethod.Post, path, node.AdminToken, content);
            Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
        }

        using HttpResponseMessage response = await SendAsync(node, HttpMethod.Get, "/metrics", null, accept: "text/plain");
        string text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains("detente_objects_stored_total 1", text.Split('\n'));

        (await SendAsync(node, HttpMethod.Get, path, node.AdminToken)).Dispose();
        string[] objectLines = [.. (await node.Log.WaitForAsync(e => e.EventId == 8040 && e.Message.Contains("/objects/", StringComparison.Ordinal), 3))
            .Select(e => e.Message)];
        Assert.Equal(3, objectLines.Length);
        Assert.All(objectLines, line => Assert.Contains(" objects=1 ", line, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Every_request_gets_one_access_log_line_without_the_token()
    {
        await using OpsNode node = await OpsNode.StartAsync();
        (await SendAsync(node, HttpMethod.Get, $"/taxii2/default/collections/{node.CollectionId:D}/?secret=x", node.AdminToken)).Dispose();
        (await SendAsync(node, HttpMethod.Get, "/taxii2/", "dtn_0000000000000000_notatoken")).Dispose();

        string[] access = [.. (await node.Log.WaitForAsync(e => e.EventId == 8040, 2)).Select(e => e.Message).Order(StringComparer.Ordinal)];
        Assert.Equal(2, access.Length);
        Assert.StartsWith("Access - GET /taxii2/ collection=- objects=- status=401 ", access[0], StringComparison.Ordinal);
        Assert.StartsWith($"Access admin GET /taxii2/{{apiRoot}}/collections/{{collectionId}}/ collection={node.CollectionId:D} objects=- status=200 ",
            access[1], StringComparison.Ordinal);
        Assert.EndsWith(" ms", access[1], StringComparison.Ordinal);
        Assert.All(node.Log.Entries, e =>
        {
            Assert.DoesNotContain(node.AdminToken, e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(node.AdminToken[21..], e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("notatoken", e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("secret=x", e.Message, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task The_access_log_reports_an_object_count_an_endpoint_set()
    {
        await using OpsNode node = await OpsNode.StartAsync();
        var context = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        AccessLogMiddleware.SetObjectCount(context, 42);
        var log = new CapturedLog();
        var middleware = new AccessLogMiddleware(_ => Task.CompletedTask, new NodeMetrics(), node.Clock,
            new Microsoft.Extensions.Logging.Logger<AccessLogMiddleware>(new SingleProviderFactory(log)));
        await middleware.InvokeAsync(context);
        Assert.Contains("objects=42 ", Assert.Single(log.Entries).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_collection_id_is_not_copied_into_the_access_log()
    {
        await using OpsNode node = await OpsNode.StartAsync();
        (await SendAsync(node, HttpMethod.Get, "/taxii2/default/collections/evil%0Aline/", node.AdminToken)).Dispose();
        var line = Assert.Single(await node.Log.WaitForAsync(e => e.EventId == 8040));
        Assert.Contains("collection=malformed", line.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("evil", line.Message, StringComparison.Ordinal);
    }

    /// <summary>Every line is a comment (# HELP/# TYPE), or a sample: name, optional labels, a number.</summary>
    private static void AssertWellFormedExposition(string[] lines)
    {
        var sample = new System.Text.RegularExpressions.Regex("^[a-z_]+(\\{([a-z_]+=\"([^\"\\\\\\n]|\\\\.)*\",?)+\\})? [0-9.+eE-]+(Inf)?$");
        foreach (string line in lines.Where(l => l.Length > 0))
        {
            Assert.True(line.StartsWith("# HELP ", StringComparison.Ordinal) || line.StartsWith("# TYPE ", StringComparison.Ordinal) || sample.IsMatch(line), line);
        }
    }

    private sealed class SingleProviderFactory(Microsoft.Extensions.Logging.ILoggerProvider provider) : Microsoft.Extensions.Logging.ILoggerFactory
    {
        public void AddProvider(Microsoft.Extensions.Logging.ILoggerProvider provider)
        {
        }

        public Microsoft.Extensions.Logging.ILogger CreateLogger(string categoryName) => provider.CreateLogger(categoryName);

        public void Dispose()
        {
        }
    }
}
