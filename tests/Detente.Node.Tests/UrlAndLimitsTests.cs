namespace Detente.Node.Tests;

/// <summary>Where the node may listen, and the limits' documented defaults and checks.</summary>
public sealed class UrlAndLimitsTests
{
    [Theory]
    [InlineData("http://127.0.0.1:7443", false)]
    [InlineData("http://127.0.0.5:80", false)]
    [InlineData("http://localhost:0", false)]
    [InlineData("http://[::1]:8080", false)]
    [InlineData("https://0.0.0.0:443", true)]
    [InlineData("https://*:443", true)]
    [InlineData("https://taxii.example.org:8443", true)]
    public void Loopback_http_and_https_with_a_certificate_are_accepted(string url, bool hasCertificate) =>
        Assert.Null(NodeHosting.CheckUrls([url], hasCertificate));

    [Theory]
    [InlineData("http://0.0.0.0:7443", "without TLS")]
    [InlineData("http://*:80", "without TLS")]
    [InlineData("http://+:80", "without TLS")]
    [InlineData("http://192.0.2.1:80", "without TLS")]
    [InlineData("http://[::]:80", "without TLS")]
    [InlineData("http://taxii.example.org", "without TLS")]
    [InlineData("https://127.0.0.1:0", "needs a TLS certificate")]
    [InlineData("ftp://127.0.0.1", "not an http")]
    [InlineData("127.0.0.1:80", "not an http")]
    public void Plain_http_on_a_network_interface_and_https_without_a_certificate_are_refused(string url, string expected)
    {
        string? problem = NodeHosting.CheckUrls(["http://127.0.0.1:1", url], hasCertificate: false);
        Assert.NotNull(problem);
        Assert.Contains(expected, problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Building_a_node_on_a_refused_url_throws_for_the_operator()
    {
        var options = new NodeOptions { PublicUrl = new Uri("https://taxii.example.org/") };
        await using Storage.IStore store = await Storage.Sqlite.SqliteStore.OpenAsync(
            Path.Combine(Path.GetTempPath(), "detente-ops-" + Guid.NewGuid().ToString("N")), cancellationToken: TestContext.Current.CancellationToken);
        NodeConfigurationException e = Assert.Throws<NodeConfigurationException>(() => DetenteNode.Build(store, options, ["http://0.0.0.0:0"], null, static _ => { }));
        Assert.Contains("0.0.0.0", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Limits_have_their_documented_defaults()
    {
        NodeLimits limits = NodeLimits.Default;
        Assert.Equal(10L << 20, limits.MaxBodyBytes);
        Assert.Equal(10_000, limits.MaxObjectsPerEnvelope);
        Assert.Equal(64, limits.MaxJsonDepth);
        Assert.Equal(100, limits.DefaultPageLimit);
        Assert.Equal(1_000, limits.MaxPageLimit);
        Assert.Equal(1_000, limits.RatePermits);
        Assert.Equal(TimeSpan.FromSeconds(1), limits.RatePeriod);
        Assert.Equal(2_000, limits.RateBurst);
        Assert.Equal(1_000, limits.AsyncThreshold);
        Assert.Equal(500, limits.IngestChunkSize);
        Assert.Equal(16, limits.IngestQueueCapacity);
        Assert.Equal(TimeSpan.FromDays(7), limits.StatusRetention);
        Assert.Equal(new Storage.ApiRoot { Name = "x", Title = "x" }.MaxContentLength, limits.MaxBodyBytes);
    }

    [Fact]
    public void Limit_setters_reject_nonsense()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new NodeLimits { MaxBodyBytes = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new NodeLimits { MaxObjectsPerEnvelope = -1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new NodeLimits { MaxJsonDepth = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new NodeLimits { MaxJsonDepth = 1001 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new NodeLimits { DefaultPageLimit = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new NodeLimits { MaxPageLimit = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new NodeLimits { RatePermits = -1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new NodeLimits { RatePeriod = TimeSpan.Zero });
        Assert.Throws<ArgumentOutOfRangeException>(() => new NodeLimits { RateBurst = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new NodeLimits { AsyncThreshold = -1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new NodeLimits { IngestChunkSize = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new NodeLimits { IngestQueueCapacity = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new NodeLimits { StatusRetention = TimeSpan.FromSeconds(59) });
    }

    [Theory]
    [InlineData(null, 100)]
    [InlineData(1, 1)]
    [InlineData(1_000, 1_000)]
    [InlineData(1_001, 1_000)]
    [InlineData(int.MaxValue, 1_000)]
    public void Page_limit_is_the_default_or_at_most_the_maximum(int? requested, int expected) =>
        Assert.Equal(expected, NodeLimits.Default.PageLimit(requested));

    [Fact]
    public void Reader_limits_carry_body_size_depth_and_envelope_size()
    {
        var limits = new NodeLimits { MaxBodyBytes = 5_000, MaxJsonDepth = 10, MaxObjectsPerEnvelope = 7 };
        Stix.StixReaderLimits reader = limits.ReaderLimits();
        Assert.Equal(5_000, reader.MaxBytes);
        Assert.Equal(10, reader.MaxDepth);
        Assert.Equal(7, reader.MaxBundleObjects);
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a\"b", "a\\\"b")]
    [InlineData("a\\b", "a\\\\b")]
    [InlineData("a\nb", "a\\nb")]
    public void Metric_label_values_are_escaped(string value, string expected) => Assert.Equal(expected, NodeMetrics.Escape(value));
}

/// <summary>The URL discovery gives clients when none is configured: the address the server actually bound.</summary>
public sealed class PublicUrlTests
{
    [Theory]
    [InlineData("http://127.0.0.1:41234", "http://127.0.0.1:41234/")]
    [InlineData("https://[::]:8443", "https://localhost:8443/")]
    [InlineData("https://0.0.0.0:8443", "https://localhost:8443/")]
    [InlineData("https://[::1]:8443", "https://[::1]:8443/")]
    public void Without_a_configured_url_the_first_bound_address_is_used(string bound, string expected)
    {
        var url = new NodePublicUrl(new NodeOptions(), new BoundServer(bound, "http://127.0.0.1:1"));
        Assert.Equal(expected, url.Get().AbsoluteUri);
        Assert.Equal(expected + "taxii2/default/", url.ApiRootUrl("default").AbsoluteUri);
    }

    [Fact]
    public void A_configured_url_wins_and_an_unbound_server_has_none()
    {
        var configured = new NodePublicUrl(new NodeOptions { PublicUrl = new Uri("https://taxii.example.org/base") }, new BoundServer("http://127.0.0.1:5"));
        Assert.Equal("https://taxii.example.org/base/taxii2/x/", configured.ApiRootUrl("x").AbsoluteUri);
        Assert.Throws<InvalidOperationException>(() => new NodePublicUrl(new NodeOptions(), new BoundServer()).Get());
        Assert.Throws<InvalidOperationException>(() => new NodePublicUrl(new NodeOptions(), new BoundServer("http://127.0.0.1:0")).Get());
    }

    private sealed class BoundServer : Microsoft.AspNetCore.Hosting.Server.IServer
    {
        public BoundServer(params string[] addresses)
        {
            var feature = new Microsoft.AspNetCore.Hosting.Server.Features.ServerAddressesFeature();
            foreach (string address in addresses)
            {
                feature.Addresses.Add(address);
            }

            Features.Set<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>(feature);
        }

        public Microsoft.AspNetCore.Http.Features.IFeatureCollection Features { get; } = new Microsoft.AspNetCore.Http.Features.FeatureCollection();

        public void Dispose()
        {
        }

        public Task StartAsync<TContext>(Microsoft.AspNetCore.Hosting.Server.IHttpApplication<TContext> application, CancellationToken cancellationToken)
            where TContext : notnull => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
