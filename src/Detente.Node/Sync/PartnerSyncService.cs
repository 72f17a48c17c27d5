using Detente.Storage;

namespace Detente.Node.Sync;

/// <summary>Syncs every subscribed partner every <see cref="NodeSyncOptions.Interval"/> (<c>detente serve --sync-interval</c>).</summary>
/// <remarks>A partner whose sync fails is logged (event 8107) and tried again next interval, from its stored cursor; the
/// others go on. Waits on the node's <see cref="TimeProvider"/>.</remarks>
internal sealed class PartnerSyncService(PartnerSync sync, IStore store, NodeOptions options, TimeProvider time, ILogger<PartnerSyncService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        TimeSpan interval = options.Sync!.Interval!.Value;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await RunOnceAsync(stoppingToken).ConfigureAwait(false);
                await Task.Delay(interval, time, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: a page being stored commits or rolls back whole; the cursor says where to resume.
        }
    }

    private async Task RunOnceAsync(CancellationToken stoppingToken)
    {
        IReadOnlyList<SubscriptionRecord> subscriptions;
        try
        {
            subscriptions = await store.ListSubscriptionsAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.SyncFailed(logger, e, "*");
            return;
        }

        foreach (string partner in subscriptions.Select(s => s.Partner).Distinct(StringComparer.Ordinal))
        {
            try
            {
                await sync.SyncAsync(partner, null, stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                Log.SyncFailed(logger, e, partner);
            }
        }
    }
}
