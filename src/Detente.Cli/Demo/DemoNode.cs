using System.Collections.Concurrent;
using Detente.Node;
using Detente.Node.Sync;
using Detente.Stix.Signatures;
using Detente.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Detente.Cli.Demo;

/// <summary>
/// One node of the demo, started in process as <c>detente serve</c> starts one: its own data folder (key, STIX identity,
/// SQLite store, partner secrets), the sharing policy, the transparency log with its witness, and pull sync with the
/// connections of its data folder; listening on 127.0.0.1 with a port the system picks.
/// </summary>
internal sealed class DemoNode : IAsyncDisposable
{
    private DemoNode(string name, NodeDataFolder folder, StixSigningKey key, NodeSigning signing, IStore store, WebApplication app, Uri url,
        string adminToken, Guid collection, DemoLog log)
    {
        Name = name;
        Folder = folder;
        Key = key;
        Signing = signing;
        Store = store;
        App = app;
        Url = url;
        AdminToken = adminToken;
        DefaultCollection = collection;
        Log = log;
    }

    /// <summary>The node's name: its partners know it by this name, and its STIX identity carries it.</summary>
    public string Name { get; }

    /// <summary>Its data folder.</summary>
    public NodeDataFolder Folder { get; }

    /// <summary>Its Ed25519 node key (objects, checkpoints, cosignatures).</summary>
    public StixSigningKey Key { get; }

    /// <summary>Its STIX identity and key.</summary>
    public NodeSigning Signing { get; }

    /// <summary>Its store (the node owns it; the demo reads it and runs the CLI's commands on the same database).</summary>
    public IStore Store { get; }

    /// <summary>The running node.</summary>
    public WebApplication App { get; }

    /// <summary>Where it listens.</summary>
    public Uri Url { get; }

    /// <summary>The admin token its first start made.</summary>
    public string AdminToken { get; }

    /// <summary>Its default collection: what its users publish.</summary>
    public Guid DefaultCollection { get; }

    /// <summary>The collection each partner's objects are received into, by partner.</summary>
    public ConcurrentDictionary<string, Guid> Inbox { get; } = new(StringComparer.Ordinal);

    /// <summary>The node's log lines of level warning and above.</summary>
    public DemoLog Log { get; }

    /// <summary>Its transparency log's origin.</summary>
    public string Origin => Origins(Name);

    /// <summary>The node's pull sync, with the audit of partner logs and the cosigning of the ones it witnesses.</summary>
    public PartnerSync Sync => App.Services.GetRequiredService<PartnerSync>();

    /// <summary>The log origin of a demo node.</summary>
    public static string Origins(string name) => name + ".example/log";

    /// <summary>Creates the node's data folder under <paramref name="path"/> and starts the node.</summary>
    public static async Task<DemoNode> StartAsync(string name, string path, TimeProvider clock, CancellationToken cancellationToken)
    {
        NodeDataFolder folder = NodeDataFolder.Open(path);
        (StixSigningKey key, _) = folder.LoadOrCreateKey();
        IStore? store = null;
        try
        {
            (NodeSigning signing, _) = folder.LoadOrCreateIdentity(key, name, clock);
            store = await NodeAdmin.OpenStoreAsync(folder.Path, null, clock, cancellationToken: cancellationToken);
            BootstrapResult bootstrap = await NodeBootstrap.EnsureAsync(store, clock, cancellationToken);
            var options = new NodeOptions
            {
                Title = name,
                // Seal new entries at once rather than after a second: partners prove inclusion right after a post.
                Log = new NodeLogOptions { Key = key, Origin = Origins(name), MaxBatchDelay = TimeSpan.Zero },
                Signing = signing,
                Sync = PartnerSecrets.SyncOptions(folder, null) with { RetryBaseDelay = TimeSpan.FromMilliseconds(50), RetryMaxDelay = TimeSpan.FromSeconds(1), MaxAttempts = 20 },
            };
            var log = new DemoLog(name);
            WebApplication app = DetenteNode.Build(store, options, ["http://127.0.0.1:0"], clock, logging =>
            {
                logging.SetMinimumLevel(LogLevel.Warning);
                logging.AddProvider(log);
            });
            try
            {
                await app.StartAsync(cancellationToken);
            }
            catch
            {
                await app.DisposeAsync();
                throw;
            }

            string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new DemoNode(name, folder, key, signing, store, app, new Uri(address + "/"), bootstrap.AdminToken!, bootstrap.DefaultCollectionId!.Value, log);
        }
        catch
        {
            if (store is not null)
            {
                await store.DisposeAsync();
            }

            key.Dispose();
            throw;
        }
    }

    /// <summary>Applies the sharing settings the operator just changed (the node would pick them up within 2 s by itself).</summary>
    public Task RefreshSharingAsync(CancellationToken cancellationToken) => DetenteNode.RefreshSharingAsync(App.Services, cancellationToken);

    /// <summary>Whether any collection of the node holds a version of the object.</summary>
    public async Task<bool> HoldsAsync(string objectId, CancellationToken cancellationToken)
    {
        foreach (Guid collection in Inbox.Values.Prepend(DefaultCollection))
        {
            if (await Store.ContainsObjectAsync(collection, objectId, cancellationToken))
            {
                return true;
            }
        }

        return false;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await App.StopAsync(CancellationToken.None);
        }
        finally
        {
            await App.DisposeAsync();
            await Store.DisposeAsync();
            Key.Dispose();
        }
    }
}

/// <summary>A node's log lines of level warning and above, kept for the report (the tamper alarm is one).</summary>
internal sealed class DemoLog(string node) : ILoggerProvider
{
    private readonly ConcurrentQueue<(int EventId, LogLevel Level, string Message)> _entries = new();

    /// <summary>The lines so far.</summary>
    public IReadOnlyList<(int EventId, LogLevel Level, string Message)> Entries => [.. _entries];

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    public override string ToString() => node;

    private sealed class Logger(DemoLog owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                owner._entries.Enqueue((eventId.Id, logLevel, formatter(state, exception)));
            }
        }
    }
}
