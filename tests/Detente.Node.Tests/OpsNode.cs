using System.Collections.Concurrent;
using Detente.Storage;
using Detente.Storage.Sqlite;
using Detente.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Detente.Node.Tests;

/// <summary>A node on a SQLite store in a temporary folder, with its options chosen by the test and its log captured.</summary>
internal sealed class OpsNode : IAsyncDisposable
{
    private readonly string _folder;
    private readonly Func<WebApplication> _build;

    private OpsNode(string folder, IStore store, WebApplication app, Uri server, string adminToken, Guid collectionId, CapturedLog log, ManualTimeProvider clock,
        Func<WebApplication> build)
    {
        _folder = folder;
        _build = build;
        Store = store;
        App = app;
        Server = server;
        AdminToken = adminToken;
        CollectionId = collectionId;
        Log = log;
        Clock = clock;
    }

    public IStore Store { get; }

    public WebApplication App { get; private set; }

    public Uri Server { get; private set; }

    public string AdminToken { get; }

    public Guid CollectionId { get; }

    public CapturedLog Log { get; }

    public ManualTimeProvider Clock { get; }

    public static async Task<OpsNode> StartAsync(Func<NodeOptions, NodeOptions>? configure = null, string url = "http://127.0.0.1:0",
        IEgressPolicy? egressPolicy = null)
    {
        string folder = Path.Combine(Path.GetTempPath(), "detente-ops-" + Guid.NewGuid().ToString("N"));
        var clock = new ManualTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        IStore store = await SqliteStore.OpenAsync(folder, clock);
        BootstrapResult bootstrap = await NodeBootstrap.EnsureAsync(store, clock);
        var options = new NodeOptions { PublicUrl = new Uri("https://taxii.example.org/") };
        options = configure?.Invoke(options) ?? options;
        var log = new CapturedLog();
        WebApplication Build() => DetenteNode.Build(store, options, [url], clock, logging =>
        {
            logging.SetMinimumLevel(LogLevel.Information);
            logging.AddProvider(log);
        }, egressPolicy);
        WebApplication app = Build();
        Uri server = await StartAppAsync(app);
        return new OpsNode(folder, store, app, server, bootstrap.AdminToken!, bootstrap.DefaultCollectionId!.Value, log, clock, Build);
    }

    /// <summary>Stops the node and starts a new one on the same store, options and clock (a restart: nothing in memory is kept).</summary>
    public async Task RestartAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        App = _build();
        Server = await StartAppAsync(App);
    }

    private static async Task<Uri> StartAppAsync(WebApplication app)
    {
        await app.StartAsync(TestContext.Current.CancellationToken);
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Uri(address + "/");
    }

    public async Task<string> CreateTokenAsync(string principal, TokenRole role)
    {
        (ApiToken token, string secret) = NodeTokens.Create(principal, role, Clock.GetUtcNow(), null);
        Assert.True(await Store.AddTokenAsync(token));
        return secret;
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        await Store.DisposeAsync();
        Directory.Delete(_folder, true);
    }
}

/// <summary>Log entries written through the node's logging, for assertions.</summary>
/// <remarks>
/// The node writes a request's access log line (8040) after the response has gone out, so a client can hold the answer
/// before the line exists: tests wait for the lines they expect with <see cref="WaitForAsync"/>, which wakes on every new
/// entry (no polling, no timeout of its own).
/// </remarks>
internal sealed class CapturedLog : ILoggerProvider
{
    private readonly ConcurrentQueue<(int EventId, LogLevel Level, string Message)> _entries = new();
    private readonly Lock _lock = new();
    private TaskCompletionSource _added = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<(int EventId, LogLevel Level, string Message)> Entries => [.. _entries];

    /// <summary>Waits until at least <paramref name="count"/> entries match, and returns the matching ones in log order.</summary>
    public async Task<IReadOnlyList<(int EventId, LogLevel Level, string Message)>> WaitForAsync(
        Func<(int EventId, LogLevel Level, string Message), bool> match, int count = 1)
    {
        while (true)
        {
            Task added;
            lock (_lock)
            {
                added = _added.Task;
            }

            (int EventId, LogLevel Level, string Message)[] found = [.. _entries.Where(match)];
            if (found.Length >= count)
            {
                return found;
            }

            await added.WaitAsync(TestContext.Current.CancellationToken);
        }
    }

    private void Add((int EventId, LogLevel Level, string Message) entry)
    {
        _entries.Enqueue(entry);
        TaskCompletionSource added;
        lock (_lock)
        {
            added = _added;
            _added = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        added.SetResult();
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLog log) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            log.Add((eventId.Id, logLevel, formatter(state, exception) + (exception is null ? string.Empty : " " + exception)));
    }
}
