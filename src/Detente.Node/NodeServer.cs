using System.Globalization;
using Detente.Stix.Signatures;
using Detente.Storage;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Detente.Node;

/// <summary>How <c>detente serve</c> runs the node.</summary>
public sealed record NodeServeSettings
{
    /// <summary>The data folder (key, TLS certificate, client certificate map, SQLite database). Default <see cref="NodeDataFolder.DefaultPath"/>.</summary>
    public string DataFolder { get; init; } = NodeDataFolder.DefaultPath;

    /// <summary>The URLs to listen on. Default <see cref="NodeHosting.DefaultUrl"/> (loopback, plain http).</summary>
    public IReadOnlyList<string> Urls { get; init; } = [NodeHosting.DefaultUrl];

    /// <summary>A PostgreSQL connection string; null keeps the store in SQLite in the data folder.</summary>
    public string? PostgresConnectionString { get; init; }

    /// <summary>The URL clients reach the node at (discovery lists API roots under it); null takes the first address the node
    /// listens on (its actual port when a URL asks for port 0).</summary>
    public Uri? PublicUrl { get; init; }

    /// <summary>A PEM server certificate for https URLs; null uses (or creates) a self-signed one in the data folder.</summary>
    public string? TlsCertificateFile { get; init; }

    /// <summary>The PEM private key of <see cref="TlsCertificateFile"/>.</summary>
    public string? TlsKeyFile { get; init; }

    /// <summary>Whether <c>/metrics</c> is served without authentication.</summary>
    public bool PublicMetrics { get; init; }

    /// <summary>The node's limits.</summary>
    public NodeLimits Limits { get; init; } = NodeLimits.Default;

    /// <summary>Private set intersection: grants, caps, rate. Default off.</summary>
    public NodePsiOptions Psi { get; init; } = NodePsiOptions.Off;

    /// <summary>The transparency log's origin line; null keeps the stored one or derives one (<see cref="NodeLogOrigin.Default"/>).</summary>
    public string? LogOrigin { get; init; }

    /// <summary>The name of the node's STIX identity (the creator of what it originates); null keeps the stored one, or names
    /// a new identity <c>Detente node</c> and the key id's first 8 digits. A different name writes a new version of the
    /// identity; its id never changes.</summary>
    public string? IdentityName { get; init; }

    /// <summary>How often to sync every subscribed partner (with the audit of its log); null syncs only on demand (<c>detente sync</c>).</summary>
    public TimeSpan? SyncInterval { get; init; }

    /// <summary>Whether TLP:CLEAR versions get clear log entries (<see cref="NodeLogOptions.ClearEntriesForTlpClear"/>). Default false.</summary>
    public bool LogClearEntriesForTlpClear { get; init; }

    /// <summary>The least level written to the log. Default <see cref="LogLevel.Information"/> (the access log).</summary>
    public LogLevel LogLevel { get; init; } = LogLevel.Information;
}

/// <summary>Runs the node until it is stopped: what <c>detente serve</c> does.</summary>
public static class NodeServer
{
    /// <summary>
    /// Opens (on first start: creates) the data folder, the node key, the TLS certificate when an https URL needs one, and
    /// the store; sets up an empty store (<see cref="NodeBootstrap"/>); serves until <paramref name="cancellationToken"/> is
    /// cancelled or the process is asked to stop (Ctrl-C, SIGTERM); then stops the server and disposes the store.
    /// </summary>
    /// <param name="settings">What to serve and where.</param>
    /// <param name="output">Where the listening address, public URL, key id, certificate fingerprint and — on first
    /// start only — the admin token are printed (flushed once written).</param>
    /// <param name="log">Where log lines go, one per line (the access log among them).</param>
    /// <param name="timeProvider">The clock; the system clock when null.</param>
    /// <param name="cancellationToken">Stops the node.</param>
    /// <exception cref="NodeConfigurationException">The node cannot start as configured; nothing was created.</exception>
    public static async Task RunAsync(NodeServeSettings settings, TextWriter output, TextWriter log, TimeProvider? timeProvider = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(log);
        TimeProvider clock = timeProvider ?? TimeProvider.System;
        bool needsTls = settings.Urls.Any(u => u.StartsWith("https:", StringComparison.OrdinalIgnoreCase));
        // Refuse plain http on a network interface before anything is created.
        if (NodeHosting.CheckUrls(settings.Urls, hasCertificate: true) is string problem)
        {
            NodeConfigurationException.Throw(problem);
        }

        if (!needsTls && (settings.TlsCertificateFile is not null || settings.TlsKeyFile is not null))
        {
            NodeConfigurationException.Throw("--tls-cert and --tls-key need an https:// URL to serve.");
        }

        var logProvider = new TextWriterLoggerProvider(log, settings.LogLevel, clock);
        using ILoggerFactory loggerFactory = LoggerFactory.Create(b => b.SetMinimumLevel(settings.LogLevel).AddProvider(logProvider));
        NodeDataFolder folder = NodeDataFolder.Open(settings.DataFolder);
        (StixSigningKey key, bool keyCreated) = folder.LoadOrCreateKey();
        using (key)
        {
            (NodeSigning signing, string identityChange) = folder.LoadOrCreateIdentity(key, settings.IdentityName, clock);
            NodeTls? tls = null;
            bool certificateCreated = false;
            if (needsTls)
            {
                (System.Security.Cryptography.X509Certificates.X509Certificate2 certificate, certificateCreated) = folder.LoadOrCreateTlsCertificate(
                    settings.TlsCertificateFile, settings.TlsKeyFile, HostNames(settings.Urls, settings.PublicUrl), clock);
                tls = new NodeTls { ServerCertificate = certificate, ClientCertificates = ClientCertificateMap.Load(folder.Path) };
            }

            var witnessSecrets = new LogWitnessSecrets(folder);
            var options = new NodeOptions
            {
                PublicUrl = settings.PublicUrl,
                Limits = settings.Limits,
                Tls = tls,
                PublicMetrics = settings.PublicMetrics,
                Psi = settings.Psi,
                Log = new NodeLogOptions
                {
                    Key = key,
                    Origin = settings.LogOrigin,
                    ClearEntriesForTlpClear = settings.LogClearEntriesForTlpClear,
                    WitnessConnections = w => witnessSecrets.Load(w.Name),
                },
                Signing = signing,
                Sync = Sync.PartnerSecrets.SyncOptions(folder, settings.SyncInterval),
            };
            IStore store = await NodeAdmin.OpenStoreAsync(folder.Path, settings.PostgresConnectionString, clock, loggerFactory, cancellationToken)
                .ConfigureAwait(false);
            try
            {
                BootstrapResult bootstrap = await NodeBootstrap.EnsureAsync(store, clock, cancellationToken).ConfigureAwait(false);
                // Witness tokens an older store kept go to the data folder before anything calls a witness.
                if (await witnessSecrets.MoveFromStoreAsync(store, cancellationToken).ConfigureAwait(false) is > 0 and int moved)
                {
                    Log.WitnessTokensMoved(loggerFactory.CreateLogger(typeof(NodeServer)), moved);
                }

                WebApplication app = DetenteNode.Build(store, options, settings.Urls, clock, logging =>
                {
                    logging.SetMinimumLevel(settings.LogLevel);
                    logging.AddProvider(logProvider);
                });
                await using (app.ConfigureAwait(false))
                {
                    await app.StartAsync(cancellationToken).ConfigureAwait(false);
                    ICollection<string> addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
                    Uri publicUrl = app.Services.GetRequiredService<NodePublicUrl>().Get();
                    // Printed before the banner is flushed: whoever waits for the banner sees every line of it.
                    string? logLine = app.Services.GetService<LogSequencerService>()?.Log is { } transparencyLog
                        ? "Transparency log: " + transparencyLog.Origin + " (verifier key " + transparencyLog.VerifierKey + ")"
                        : null;
                    if (app.Services.GetService<LogSequencerService>()?.Witness is { } witness)
                    {
                        logLine += (logLine is null ? string.Empty : "\n") + "Witness: " + witness.VerifierKey.Name + " (cosignature key " + witness.VerifierKey + ")";
                    }

                    string identityLine = "Node identity: " + signing.IdentityId + " (" + signing.IdentityName + ")"
                        + (identityChange == "kept" ? string.Empty : " (" + identityChange + ")") + "; served at " + new Uri(publicUrl, "identity/").AbsoluteUri;
                    await WriteBannerAsync(output, folder, publicUrl, addresses, key.KeyId, keyCreated, identityLine, logLine, tls, certificateCreated, bootstrap)
                        .ConfigureAwait(false);
                    Log.Listening(loggerFactory.CreateLogger(typeof(NodeServer)), string.Join(' ', addresses));
                    await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
                    Log.Stopped(loggerFactory.CreateLogger(typeof(NodeServer)));
                }
            }
            finally
            {
                await store.DisposeAsync().ConfigureAwait(false);
                tls?.ServerCertificate.Dispose();
            }
        }
    }

    private static async Task WriteBannerAsync(TextWriter output, NodeDataFolder folder, Uri publicUrl, ICollection<string> addresses, string keyId,
        bool keyCreated, string identityLine, string? logLine, NodeTls? tls, bool certificateCreated, BootstrapResult bootstrap)
    {
        foreach (string address in addresses)
        {
            await output.WriteLineAsync("Listening on " + address).ConfigureAwait(false);
        }

        await output.WriteLineAsync("Discovery: " + new Uri(publicUrl, "taxii2/").AbsoluteUri).ConfigureAwait(false);
        await output.WriteLineAsync("Data folder: " + folder.Path).ConfigureAwait(false);
        await output.WriteLineAsync("Node key: " + keyId + (keyCreated ? " (created)" : string.Empty)).ConfigureAwait(false);
        await output.WriteLineAsync(identityLine).ConfigureAwait(false);
        if (logLine is not null)
        {
            await output.WriteLineAsync(logLine).ConfigureAwait(false);
        }
        if (tls is not null)
        {
            await output.WriteLineAsync("TLS certificate SHA-256: " + NodeDataFolder.Fingerprint(tls.ServerCertificate)
                + (certificateCreated ? " (self-signed, created)" : string.Empty)).ConfigureAwait(false);
            await output.WriteLineAsync("Client certificates mapped: " + tls.ClientCertificates.Count.ToString(CultureInfo.InvariantCulture))
                .ConfigureAwait(false);
        }

        if (bootstrap.IsFirstStart)
        {
            await output.WriteLineAsync("Created API root '" + NodeBootstrap.DefaultApiRootName + "' and collection " + bootstrap.DefaultCollectionId!.Value.ToString("D")
                + " (alias 'default').").ConfigureAwait(false);
            await output.WriteLineAsync("Admin token (shown once, keep it safe): " + bootstrap.AdminToken).ConfigureAwait(false);
        }

        await output.FlushAsync().ConfigureAwait(false);
    }

    private static IEnumerable<string> HostNames(IReadOnlyList<string> urls, Uri? publicUrl)
    {
        foreach (string url in urls)
        {
            if (Uri.TryCreate(url, UriKind.Absolute, out Uri? uri))
            {
                yield return uri.DnsSafeHost;
            }
        }

        if (publicUrl is not null)
        {
            yield return publicUrl.DnsSafeHost;
        }
    }
}

/// <summary>Writes log lines to a <see cref="TextWriter"/>, one line per entry, serialized by a lock.</summary>
internal sealed class TextWriterLoggerProvider(TextWriter writer, LogLevel minimum, TimeProvider timeProvider) : ILoggerProvider
{
    private readonly Lock _lock = new();
    private readonly LogLevel _minimum = minimum;
    private readonly TimeProvider _timeProvider = timeProvider;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private void Write(string line)
    {
        lock (_lock)
        {
            try
            {
                writer.WriteLine(line);
                writer.Flush();
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
                // A failure to log never fails the request.
            }
        }
    }

    private sealed class Logger(TextWriterLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= provider._minimum && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            string line = string.Create(CultureInfo.InvariantCulture,
                $"{provider._timeProvider.GetUtcNow():yyyy-MM-ddTHH:mm:ss.fffZ} {Level(logLevel)} {category}[{eventId.Id}] {formatter(state, exception)}");
            provider.Write(exception is null ? line : line + Environment.NewLine + exception);
        }

        private static string Level(LogLevel level) => level switch
        {
            LogLevel.Trace => "trce",
            LogLevel.Debug => "dbug",
            LogLevel.Information => "info",
            LogLevel.Warning => "warn",
            LogLevel.Error => "fail",
            _ => "crit",
        };
    }
}
