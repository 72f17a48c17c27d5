using Detente.Storage;

namespace Detente.Node;

/// <summary>Builds the node's web application on an opened store.</summary>
public static class DetenteNode
{
    /// <summary>
    /// Builds the node: TAXII 2.1 under <c>/taxii2/</c>, <c>/healthz</c> and <c>/readyz</c>, every error a TAXII error,
    /// every other path authenticated. The caller owns <paramref name="store"/> and disposes it after the app stops.
    /// </summary>
    /// <param name="store">The opened store.</param>
    /// <param name="options">The node's configuration.</param>
    /// <param name="urls">The URLs Kestrel listens on, e.g. <c>http://127.0.0.1:0</c>.</param>
    /// <param name="timeProvider">The clock (token expiry); the system clock when null.</param>
    /// <param name="configureLogging">Adjusts logging, e.g. for tests; console logging when null.</param>
    /// <param name="egressPolicy">Decides which object versions each reader may see; <see cref="ReadGrantEgressPolicy"/> when null.</param>
    /// <exception cref="NodeConfigurationException">A URL is not acceptable (<see cref="NodeHosting.CheckUrls"/>).</exception>
    public static WebApplication Build(IStore store, NodeOptions options, IReadOnlyList<string> urls, TimeProvider? timeProvider = null,
        Action<ILoggingBuilder>? configureLogging = null, IEgressPolicy? egressPolicy = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(urls);
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls([.. urls]);
        NodeHosting.RequireAcceptableUrls(urls, options);
        NodeHosting.ConfigureWebHost(builder.WebHost, options);
        // The node's access log (8040) says what the framework's per-request lines say, without query strings (which may
        // name objects): the framework logs warnings and above only.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        if (configureLogging is not null)
        {
            builder.Logging.ClearProviders();
            configureLogging(builder.Logging);
        }

        builder.Services.AddSingleton(store);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<NodePublicUrl>();
        builder.Services.AddSingleton(timeProvider ?? TimeProvider.System);
        ObjectEndpoints.AddServices(builder.Services, egressPolicy);
        builder.Services.AddSingleton<NodeMetrics>();
        // The node's own log's full tiles with their inner hashes, for every proof it makes (bounded by the limit).
        builder.Services.AddSingleton(new Ledger.Tiles.TileCache(options.Limits.LogTileCacheTiles));
        if (options.Log is not null)
        {
            // Verifies the stored log and integrates entries past its checkpoint before the server takes requests.
            builder.Services.AddSingleton<LogSequencerService>();
            // The node as a witness of other logs, for in-process callers; available once the node has started.
            builder.Services.AddSingleton(static sp => sp.GetRequiredService<LogSequencerService>().Witness
                ?? throw new InvalidOperationException("The node's witness exists once the node has started."));
            builder.Services.AddHostedService(static sp => sp.GetRequiredService<LogSequencerService>());
        }

        if (options.Sync is { } sync)
        {
            // With a log, the node's witness cosigns the partner checkpoints each sync verifies (for the logs it witnesses).
            builder.Services.AddSingleton(sp => new Sync.PartnerSync(store,
                sync.Witness is null && options.Log is not null
                    ? sync with { Witness = new Sync.WitnessingAudit(store, () => sp.GetService<LogSequencerService>()?.Witness) }
                    : sync,
                sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>())
            {
                Metrics = sp.GetRequiredService<NodeMetrics>(),
            });
            if (sync.Interval is not null)
            {
                builder.Services.AddHostedService<Sync.PartnerSyncService>();
            }
        }

        builder.Services.AddSingleton(_ => new PrincipalRateLimiter(options.Limits));
        PsiEndpoints.AddServices(builder.Services, options.Psi);
        WebApplication app = builder.Build();
        app.UseMiddleware<AccessLogMiddleware>();
        app.UseMiddleware<TaxiiErrorMiddleware>();
        app.UseMiddleware<BodyLimitMiddleware>();
        app.UseRouting();
        app.UseMiddleware<TokenAuthenticationMiddleware>();
        app.UseMiddleware<RateLimitMiddleware>();
        app.MapGet("/healthz", static () => Results.Text("ok\n"));
        app.MapGet("/readyz", static async (IStore s, CancellationToken ct) =>
        {
            await s.ListApiRootsAsync(ct).ConfigureAwait(false);
            return Results.Text("ready\n");
        });
        MetricsEndpoint.Map(app);
        TaxiiEndpoints.Map(app);
        PsiEndpoints.Map(app);
        LogEndpoints.Map(app);
        IdentityEndpoints.Map(app);
        return app;
    }

    /// <summary>
    /// Applies the store's current sharing settings (partners, their keys, sharing groups, collection partners, egress rules)
    /// to a started node now, instead of at its next refresh (<see cref="NodeOptions.SharingRefreshInterval"/>). For a host
    /// that changes the settings and must then rely on them at once (<c>detente demo</c>); the periodic refresh is unchanged.
    /// </summary>
    /// <param name="services">The services of an app made by <see cref="Build"/> and started.</param>
    /// <param name="cancellationToken">Cancels the refresh.</param>
    /// <returns>True when a new policy is in place; false when the settings did not change since the last build, or the
    /// policy refused them (logged as event 8061; the previous policy stays).</returns>
    /// <exception cref="InvalidOperationException"><paramref name="services"/> are not those of a node.</exception>
    public static Task<bool> RefreshSharingAsync(IServiceProvider services, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(services);
        return services.GetRequiredService<SharingPolicySource>().RefreshAsync(cancellationToken);
    }
}
