using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Detente.Storage;
using Detente.Taxii;
using Detente.Taxii.Client;
using Detente.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Detente.Node.Tests;

/// <summary>
/// The node over real HTTP on 127.0.0.1 (Kestrel on port 0), talked to with <see cref="TaxiiClient"/> and raw requests:
/// one suite, inherited by <see cref="SqliteNodeTests"/> and <see cref="PostgresNodeTests"/>. Each test gets a store of
/// its own on a clock that moves only when the test moves it.
/// </summary>
public abstract partial class NodeContractTests : IAsyncLifetime
{
    private static readonly Uri s_publicUrl = new("https://taxii.example.org/");
    private readonly ManualTimeProvider _clock = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly HttpClient _http = new();
    private readonly List<WebApplication> _apps = [];
    private readonly CapturedLog _log = new();
    private IStore _store = null!;
    private WebApplication _app = null!;
    private Uri _server = null!;
    private string _adminToken = null!;
    private Guid _collectionId;

    /// <summary>The running test's cancellation token.</summary>
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The limits of the nodes of these tests: small, so that tests cross every boundary.</summary>
    protected static NodeLimits Limits { get; } = new()
    {
        DefaultPageLimit = 5,
        MaxPageLimit = 50,
        AsyncThreshold = 10,
        IngestChunkSize = 4,
        MaxObjectsPerEnvelope = 200,
        MaxJsonDepth = 20,
    };

    /// <summary>Opens this test's store (the same database every call).</summary>
    protected abstract Task<IStore> OpenStoreAsync(TimeProvider time);

    /// <summary>Removes this test's database.</summary>
    protected abstract Task DeleteStoreAsync();

    /// <summary>Runs one SQL statement on the store's database, behind the store's back (to damage it on purpose).</summary>
    protected abstract Task ExecuteSqlAsync(string sql);

    public virtual async ValueTask InitializeAsync()
    {
        _store = await OpenStoreAsync(_clock);
        BootstrapResult bootstrap = await NodeBootstrap.EnsureAsync(_store, _clock);
        _adminToken = bootstrap.AdminToken!;
        _collectionId = bootstrap.DefaultCollectionId!.Value;
        (_app, _server) = await StartNodeAsync(null);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (WebApplication app in _apps)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        if (_store is not null)
        {
            await _store.DisposeAsync();
        }

        await DeleteStoreAsync();
        _http.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Starts another node on this test's store, with <paramref name="policy"/> as its egress policy.</summary>
    private async Task<(WebApplication App, Uri Server)> StartNodeAsync(IEgressPolicy? policy, NodeLogOptions? log = null, NodeSigning? signing = null,
        NodeLimits? limits = null)
    {
        WebApplication app = DetenteNode.Build(_store, new NodeOptions { PublicUrl = s_publicUrl, Limits = limits ?? Limits, Log = log, Signing = signing },
            ["http://127.0.0.1:0"],
            _clock, logging => logging.AddProvider(_log), policy);
        _apps.Add(app);
        await app.StartAsync(Ct);
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return (app, new Uri(address + "/"));
    }

    private Uri DefaultRoot => new(_server, "/taxii2/default/");

    private TaxiiClient Client(string token, bool basic = false, Uri? server = null) =>
        new(_http, server ?? _server, new TaxiiClientOptions { Credentials = basic ? TaxiiCredentials.Basic("anyone", token) : TaxiiCredentials.Bearer(token) });

    private async Task<string> CreateTokenAsync(string principal, TokenRole role, DateTimeOffset? expires = null)
    {
        (ApiToken token, string secret) = NodeTokens.Create(principal, role, _clock.GetUtcNow(), expires);
        Assert.True(await _store.AddTokenAsync(token));
        return secret;
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? token, string? accept = TaxiiMediaTypes.Taxii21,
        string? body = null, string? contentType = TaxiiMediaTypes.Taxii21)
    {
        using var request = new HttpRequestMessage(method, new Uri(_server, path));
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        if (body is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));

            // Like curl, ask before sending a large body: the node refuses an oversized one from its Content-Length and
            // closes the connection without reading it.
            request.Headers.ExpectContinue = body.Length > 1 << 20 ? true : null;
            if (contentType is not null)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            }
        }

        return await _http.SendAsync(request, Ct);
    }

    private static async Task AssertTaxiiErrorAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal(TaxiiMediaTypes.Taxii21, response.Content.Headers.ContentType!.ToString().Replace(" ", "", StringComparison.Ordinal));
        byte[] body = await response.Content.ReadAsByteArrayAsync(Ct);
        TaxiiError error = new TaxiiReader().ReadError(body);
        Assert.Equal(((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture), error.HttpStatus);
    }

    [Fact]
    public async Task First_start_creates_a_working_admin_token_and_a_later_start_reveals_none()
    {
        Assert.StartsWith(NodeTokens.Prefix, _adminToken, StringComparison.Ordinal);
        BootstrapResult again = await NodeBootstrap.EnsureAsync(_store, _clock, TestContext.Current.CancellationToken);
        Assert.False(again.IsFirstStart);
        Assert.Null(again.AdminToken);
    }

    [Fact]
    public async Task Discovery_lists_api_roots_from_configuration_not_the_host_header()
    {
        TaxiiDiscovery discovery = await Client(_adminToken).GetDiscoveryAsync(TestContext.Current.CancellationToken);
        Assert.Equal("https://taxii.example.org/taxii2/default/", Assert.Single(discovery.ApiRoots));
        Assert.Equal("https://taxii.example.org/taxii2/default/", discovery.Default);
    }

    [Fact]
    public async Task Api_root_and_collections_are_served_to_the_admin()
    {
        TaxiiClient client = Client(_adminToken, basic: true);
        TaxiiApiRoot root = await client.GetApiRootAsync(DefaultRoot, TestContext.Current.CancellationToken);
        Assert.True(root.SupportsTaxii21);
        TaxiiCollections collections = await client.GetCollectionsAsync(DefaultRoot, TestContext.Current.CancellationToken);
        TaxiiCollection only = Assert.Single(collections.Collections);
        Assert.Equal(_collectionId.ToString("D"), only.Id);
        Assert.True(only.CanRead && only.CanWrite);
        TaxiiCollection one = await client.GetCollectionAsync(DefaultRoot, only.Id, TestContext.Current.CancellationToken);
        Assert.Equal("default", one.Alias);
    }

    [Fact]
    public async Task A_collection_without_a_grant_is_invisible()
    {
        string reader = await CreateTokenAsync("partner-a", TokenRole.Partner);
        TaxiiCollections collections = await Client(reader).GetCollectionsAsync(DefaultRoot, TestContext.Current.CancellationToken);
        Assert.Empty(collections.Collections);
        await AssertTaxiiErrorAsync(await SendAsync(HttpMethod.Get, $"/taxii2/default/collections/{_collectionId:D}/", reader), HttpStatusCode.NotFound);

        Assert.True(await _store.GrantAsync(_collectionId, "partner-a", CollectionAccess.Read, TestContext.Current.CancellationToken));
        TaxiiCollection granted = await Client(reader).GetCollectionAsync(DefaultRoot, _collectionId.ToString("D"), TestContext.Current.CancellationToken);
        Assert.True(granted.CanRead);
        Assert.False(granted.CanWrite);
    }

    [Fact]
    public async Task Requests_without_a_valid_token_get_a_401_taxii_error()
    {
        await AssertTaxiiErrorAsync(await SendAsync(HttpMethod.Get, "/taxii2/", null), HttpStatusCode.Unauthorized);
        await AssertTaxiiErrorAsync(await SendAsync(HttpMethod.Get, "/taxii2/", "dtn_0000000000000000_" + new string('A', 43)), HttpStatusCode.Unauthorized);
        await AssertTaxiiErrorAsync(await SendAsync(HttpMethod.Get, "/taxii2/", _adminToken[..^1] + (_adminToken[^1] == 'A' ? 'B' : 'A')), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Expired_and_revoked_tokens_are_refused()
    {
        string expiring = await CreateTokenAsync("analyst", TokenRole.Analyst, _clock.GetUtcNow().AddHours(1));
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, "/taxii2/", expiring)).StatusCode);
        _clock.Advance(TimeSpan.FromHours(1));
        await AssertTaxiiErrorAsync(await SendAsync(HttpMethod.Get, "/taxii2/", expiring), HttpStatusCode.Unauthorized);

        string revoked = await CreateTokenAsync("analyst", TokenRole.Analyst);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, "/taxii2/", revoked)).StatusCode);
        Assert.True(NodeTokens.TryParse(revoked, out string? id, out _));
        Assert.True(await _store.RevokeTokenAsync(id, TestContext.Current.CancellationToken));
        await AssertTaxiiErrorAsync(await SendAsync(HttpMethod.Get, "/taxii2/", revoked), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Framework_errors_come_out_as_taxii_errors()
    {
        await AssertTaxiiErrorAsync(await SendAsync(HttpMethod.Get, "/no/such/route", _adminToken), HttpStatusCode.NotFound);
        await AssertTaxiiErrorAsync(await SendAsync(HttpMethod.Put, "/taxii2/", _adminToken), HttpStatusCode.MethodNotAllowed);
        await AssertTaxiiErrorAsync(await SendAsync(HttpMethod.Get, "/taxii2/nosuchroot/", _adminToken), HttpStatusCode.NotFound);
        await AssertTaxiiErrorAsync(await SendAsync(HttpMethod.Get, "/taxii2/default/collections/not-a-uuid/", _adminToken), HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData(null, HttpStatusCode.OK)]
    [InlineData("*/*", HttpStatusCode.OK)]
    [InlineData("application/taxii+json", HttpStatusCode.OK)]
    [InlineData("application/taxii+json;version=2.1", HttpStatusCode.OK)]
    [InlineData("text/html, application/taxii+json;version=2.1;q=0.5", HttpStatusCode.OK)]
    [InlineData("application/taxii+json;version=2.0", HttpStatusCode.NotAcceptable)]
    [InlineData("text/html", HttpStatusCode.NotAcceptable)]
    [InlineData("application/taxii+json;version=2.1;q=0, */*", HttpStatusCode.NotAcceptable)]
    public async Task Content_negotiation_follows_http(string? accept, HttpStatusCode expected)
    {
        HttpResponseMessage response = await SendAsync(HttpMethod.Get, "/taxii2/", _adminToken, accept);
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal(TaxiiMediaTypes.Taxii21, response.Content.Headers.ContentType!.ToString().Replace(" ", "", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Health_endpoints_need_no_token()
    {
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, "/healthz", null, null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, "/readyz", null, null)).StatusCode);
    }
}
