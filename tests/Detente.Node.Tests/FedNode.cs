using System.Collections.Concurrent;
using System.Text;
using Detente.Ledger.Notes;
using Detente.Node.Sync;
using Detente.Stix.Signatures;
using Detente.Storage;
using Detente.Storage.Postgres;
using Detente.Storage.Sqlite;
using Detente.Taxii;
using Detente.Taxii.Client;
using Detente.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Detente.Node.Tests;

/// <summary>A node of a federation test: its own SQLite store, log key and origin, a running log, partner connections
/// the test sets, and its log captured.</summary>
internal sealed class FedNode : IAsyncDisposable
{
    private static readonly HttpClient s_http = new();
    private readonly string _folder;
    private HttpClient _http = s_http;
    private string? _postgres;
    private string? _schema;

    private FedNode(string name, string folder, StixSigningKey key, NodeSigning? signing, IStore store, WebApplication app, Uri server, string adminToken, Guid collectionId,
        CapturedLog log, ManualTimeProvider clock)
    {
        Name = name;
        _folder = folder;
        Key = key;
        Signing = signing;
        Store = store;
        App = app;
        Server = server;
        AdminToken = adminToken;
        CollectionId = collectionId;
        Log = log;
        Clock = clock;
    }

    public string Name { get; }

    public StixSigningKey Key { get; }

    /// <summary>The node's identity and key: what its users post, it signs as its own (null: it signs nothing).</summary>
    public NodeSigning? Signing { get; }

    public string Origin => Name + ".example/log";

    public NoteVerifierKey VerifierKey => new NoteSigner(Origin, Key).VerifierKey;

    public IStore Store { get; }

    public WebApplication App { get; }

    public Uri Server { get; }

    public string AdminToken { get; }

    public Guid CollectionId { get; }

    public CapturedLog Log { get; }

    public ManualTimeProvider Clock { get; }

    /// <summary>This node's connections to its partners, by partner name; the test sets them.</summary>
    public ConcurrentDictionary<string, PartnerConnection> Connections { get; } = new(StringComparer.Ordinal);

    /// <summary>How this node's log reaches its witnesses, by witness name; the test sets them.</summary>
    public ConcurrentDictionary<string, LogWitnessConnection> WitnessConnections { get; } = new(StringComparer.Ordinal);

    /// <summary>The node's TLS settings when it serves https (its server certificate), else null.</summary>
    public NodeTls? Tls { get; private set; }

    public PartnerSync Sync => App.Services.GetRequiredService<PartnerSync>();

    /// <summary>Starts a node on SQLite, or on PostgreSQL in a schema of its own (dropped at dispose) when
    /// <paramref name="postgres"/> is a connection string; <paramref name="checkConcurrency"/> sets
    /// <see cref="NodeSyncOptions.CheckConcurrency"/> (0: the default).</summary>
    public static async Task<FedNode> StartAsync(string name, int pageSize = 7, bool signs = true, NodeTls? tls = null, string? postgres = null,
        int checkConcurrency = 0)
    {
        string folder = Path.Combine(Path.GetTempPath(), "detente-fed-" + Guid.NewGuid().ToString("N"));
        var clock = new ManualTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        string? schema = postgres is null ? null : "detente_fed_" + Guid.NewGuid().ToString("N");
        Directory.CreateDirectory(folder);
        IStore store = postgres is null ? await SqliteStore.OpenAsync(folder, clock) : await PostgresStore.OpenAsync(postgres, schema!, clock);
        BootstrapResult bootstrap = await NodeBootstrap.EnsureAsync(store, clock);
        StixSigningKey key = StixSigningKey.Create();
        var log = new CapturedLog();
        NodeSigning? signing = signs ? new NodeSigning(key, NodeSigning.CreateIdentity(name, key, clock.GetUtcNow())) : null;
        ConcurrentDictionary<string, PartnerConnection>? connections = null;
        ConcurrentDictionary<string, LogWitnessConnection>? witnessConnections = null;
        var options = new NodeOptions
        {
            Log = new NodeLogOptions
            {
                Key = key,
                Origin = name + ".example/log",
                MaxBatchDelay = TimeSpan.Zero,
                WitnessConnections = w => witnessConnections!.GetValueOrDefault(w.Name),
            },
            Tls = tls,
            Signing = signing,
            Sync = new NodeSyncOptions
            {
                Connections = p => connections!.GetValueOrDefault(p.Name),
                PageSize = pageSize,
                RetryBaseDelay = TimeSpan.FromMilliseconds(5),
                RetryMaxDelay = TimeSpan.FromMilliseconds(50),
                MaxAttempts = 200,
                CheckConcurrency = checkConcurrency > 0 ? checkConcurrency : Math.Min(Environment.ProcessorCount, 64),
            },
        };
        WebApplication app = DetenteNode.Build(store, options, [tls is null ? "http://127.0.0.1:0" : "https://127.0.0.1:0"], clock, logging =>
        {
            logging.SetMinimumLevel(LogLevel.Information);
            logging.AddProvider(log);
        });
        await app.StartAsync(TestContext.Current.CancellationToken);
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var node = new FedNode(name, folder, key, signing, store, app, new Uri(address + "/"), bootstrap.AdminToken!, bootstrap.DefaultCollectionId!.Value, log, clock)
        {
            _postgres = postgres,
            _schema = schema,
        };
        connections = node.Connections;
        witnessConnections = node.WitnessConnections;
        if (tls is not null)
        {
            node.Tls = tls;
            // The test's own calls trust the node's self-signed certificate, as an operator's --ca-cert does.
            node._http = new OutgoingHttp { TrustedCertificate = tls.ServerCertificate }.CreateClient();
        }

        return node;
    }

    /// <summary>Lets <paramref name="reader"/> pull this node's default collection: a partner token and a read grant.</summary>
    public async Task<PartnerConnection> IssueConnectionAsync(string reader, Func<HttpMessageHandler, HttpMessageHandler>? wrap = null)
    {
        (ApiToken token, string secret) = NodeTokens.Create(reader, TokenRole.Partner, Clock.GetUtcNow(), null);
        Assert.True(await Store.AddTokenAsync(token));
        Assert.True(await Store.GrantAsync(CollectionId, reader, CollectionAccess.Read));
        return new PartnerConnection { Url = Server, Token = secret, WrapHandler = wrap };
    }

    /// <summary>Registers <paramref name="source"/> as a partner of this node, pins its log key, and connects with <paramref name="connection"/>.</summary>
    public async Task AddPartnerAsync(FedNode source, PartnerConnection connection, bool subscribe = true)
    {
        Assert.Equal(SharingChange.Changed, await Store.AddPartnerAsync(new PartnerRecord
        {
            Name = source.Name,
            Identity = source.Signing?.IdentityId ?? "identity--" + Guid.NewGuid().ToString("D"),
            VerificationKey = source.Key.VerificationKey.RawPublicKey,
            Url = source.Server,
        }));
        Assert.Equal(SharingChange.Changed, await Store.SetPartnerLogKeyAsync(source.Name, source.VerifierKey.ToString()));
        if (subscribe)
        {
            Assert.Equal(SharingChange.Changed, await Store.SubscribeAsync(
                new SubscriptionRecord(source.Name, "default", source.CollectionId.ToString("D"), CollectionId, null)));
        }

        Connections[source.Name] = connection;
    }

    /// <summary>Posts TLP:CLEAR indicators (any partner may read them): <paramref name="count"/> objects, the first
    /// <paramref name="twice"/> of them in two versions.</summary>
    public async Task<List<string>> PostIndicatorsAsync(int count, int twice = 0, string name = "bad address")
    {
        var ids = Enumerable.Range(0, count).Select(_ => "indicator--" + Guid.NewGuid().ToString("D")).ToList();
        var objects = ids.Select(id => Indicator(id, 1, name)).Concat(ids.Take(twice).Select(id => Indicator(id, 2, name))).ToList();
        var client = new TaxiiClient(_http, Server, new TaxiiClientOptions { Credentials = TaxiiCredentials.Bearer(AdminToken) });
        TaxiiEnvelope envelope = new TaxiiReader().ReadEnvelope(Encoding.UTF8.GetBytes("{\"objects\":[" + string.Join(",", objects) + "]}"));
        TaxiiStatus status = await client.AddObjectsAsync(NodeOptions.ApiRootUrl(Server, "default"), CollectionId.ToString("D"), envelope,
            TestContext.Current.CancellationToken);
        Assert.Equal(objects.Count, status.SuccessCount);
        return ids;
    }

    public static string Indicator(string id, int modifiedSecond, string name) =>
        $$"""
        {"type":"indicator","spec_version":"2.1","id":"{{id}}","created":"2025-01-01T00:00:00.000Z","modified":"2025-01-01T00:00:{{modifiedSecond:D2}}.000Z","name":"{{name}}","pattern":"[ipv4-addr:value = '198.51.100.1']","pattern_type":"stix","valid_from":"2025-01-01T00:00:00Z","object_marking_refs":["marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"]}
        """;

    /// <summary>Every version the default collection holds, oldest first.</summary>
    public async Task<List<StoredObject>> ReadAllAsync()
    {
        var all = new List<StoredObject>();
        await foreach (StoredObject o in Store.ReadObjectsAsync(CollectionId, ObjectFilter.None with { Versions = VersionFilter.All },
            cancellationToken: TestContext.Current.CancellationToken))
        {
            all.Add(o);
        }

        return all;
    }

    /// <summary>The node's current checkpoint note, as served.</summary>
    public async Task<byte[]> CheckpointAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Server, "log/checkpoint"));
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", AdminToken);
        using HttpResponseMessage response = await _http.SendAsync(request, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>Runs SQL on the node's database behind its back (to make it cheat).</summary>
    public async Task ExecuteSqlAsync(string sql)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(_folder, SqliteStore.FileName),
            Pooling = false,
        }.ToString());
        await connection.OpenAsync();
        await using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        await Store.DisposeAsync();
        if (_http != s_http)
        {
            _http.Dispose();
        }

        Key.Dispose();
        Directory.Delete(_folder, true);
        if (_postgres is not null)
        {
            await using var connection = new NpgsqlConnection(_postgres);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{_schema}\" CASCADE", connection);
            await command.ExecuteNonQueryAsync();
        }
    }
}

/// <summary>A handler that lets a test rewrite a partner's answers (a cheating partner, or a failing network).</summary>
internal sealed class RewritingHandler(HttpMessageHandler inner, Func<HttpRequestMessage, HttpResponseMessage, Task<HttpResponseMessage>> rewrite)
    : DelegatingHandler(inner)
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        HttpResponseMessage response = await base.SendAsync(request, cancellationToken);
        return await rewrite(request, response);
    }
}
