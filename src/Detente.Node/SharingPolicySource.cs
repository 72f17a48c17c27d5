using Detente.Policy;
using Detente.Storage;

namespace Detente.Node;

/// <summary>
/// The node's current sharing policy, built from its store and swapped whole when the operator changes partners, sharing
/// groups or collection sharing (<c>detente partner</c>, <c>detente group</c>, possibly while the node serves).
/// </summary>
/// <remarks>
/// At start, before the node serves, it computes the facts of versions stored without them
/// (<see cref="IStore.FillMissingFactsAsync"/>: stores from before facts were kept) and builds the policy; then, every
/// <see cref="NodeOptions.SharingRefreshInterval"/>, it reads the store's sharing version and rebuilds when it moved.
/// Readers take <see cref="Current"/> without a lock. Settings the policy refuses keep the previous policy (and are
/// logged with every problem); before the first good build the policy has no partners, so partners are guests and
/// read only <c>TLP:CLEAR</c>.
/// </remarks>
internal sealed class SharingPolicySource(IStore store, NodeOptions options, TimeProvider timeProvider, ILogger<SharingPolicySource> logger)
    : IHostedService, IDisposable
{
    private static readonly SharingPolicy s_empty = SharingPolicy.Build(new PolicySettings()).Policy!;

    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _refreshing = new(1, 1);
    private volatile Snapshot _snapshot = new(s_empty, OriginKeys.Empty, -1);
    private Task _loop = Task.CompletedTask;

    /// <summary>The policy now.</summary>
    public SharingPolicy Current => _snapshot.Policy;

    /// <summary>The partners' keys, identities and delegations of the same settings (<see cref="OriginVerifier"/>).</summary>
    public OriginKeys Origins => _snapshot.Origins;

    /// <summary>The store's sharing version the current policy was built from (-1 before the first build).</summary>
    public long Version => _snapshot.Version;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        int filled = await store.FillMissingFactsAsync(NodeSharing.EncodeFacts, cancellationToken).ConfigureAwait(false);
        if (filled > 0)
        {
            Log.FactsFilled(logger, filled);
        }

        // Versions stored before the store kept egress classes have class 0 (restricts no reader: correct, but read past
        // for every reader); give them their class, a batch at a time.
        int classified = 0;
        for (int done; (done = await store.ClassifyPendingVersionsAsync(NodeSharing.EgressClassOf, 1_000, cancellationToken).ConfigureAwait(false)) > 0;)
        {
            classified += done;
        }

        if (classified > 0)
        {
            Log.EgressClassesGiven(logger, classified);
        }

        await RefreshAsync(cancellationToken).ConfigureAwait(false);
        _loop = Task.Run(RunAsync, CancellationToken.None);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
    }

    public void Dispose()
    {
        _stopping.Dispose();
        _refreshing.Dispose();
    }

    /// <summary>Rebuilds the policy when the store's sharing settings changed since the last build.</summary>
    /// <returns>True when a new policy is in place.</returns>
    public async Task<bool> RefreshAsync(CancellationToken cancellationToken)
    {
        await _refreshing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            long version = await store.GetSharingVersionAsync(cancellationToken).ConfigureAwait(false);
            if (version == _snapshot.Version)
            {
                return false;
            }

            SharingConfiguration configuration = await store.GetSharingConfigurationAsync(cancellationToken).ConfigureAwait(false);
            PolicyBuildResult built = NodeSharing.Build(configuration);
            if (!built.IsValid)
            {
                Log.SharingPolicyRefused(logger, configuration.Version, string.Join("; ", built.Errors));
                _snapshot = _snapshot with { Version = configuration.Version };
                return false;
            }

            _snapshot = new Snapshot(built.Policy!, OriginKeys.From(configuration), configuration.Version);
            Log.SharingPolicyBuilt(logger, configuration.Version, configuration.Partners.Count, configuration.SharingGroups.Count);
            return true;
        }
        finally
        {
            _refreshing.Release();
        }
    }

    private async Task RunAsync()
    {
        using var timer = new PeriodicTimer(options.SharingRefreshInterval, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false))
            {
                try
                {
                    await RefreshAsync(_stopping.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The database failed: the current policy stays, the next tick tries again.
                    Log.SharingRefreshFailed(logger, e);
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private sealed record Snapshot(SharingPolicy Policy, OriginKeys Origins, long Version);
}
