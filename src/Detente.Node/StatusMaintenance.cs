using Detente.Storage;

namespace Detente.Node;

/// <summary>
/// Keeps status resources honest and bounded. At start, before the node serves requests, every object a stopped node
/// left <c>pending</c> becomes a failure ("send it again"): the ingest queue lives in memory, so no one will store those
/// objects, and a status must not stay pending forever. Then, every <see cref="SweepInterval"/>, statuses older than
/// <see cref="NodeLimits.StatusRetention"/> with no pending object are deleted.
/// </summary>
internal sealed class StatusMaintenance(IStore store, NodeOptions options, TimeProvider timeProvider, ILogger<StatusMaintenance> logger)
    : IHostedService, IDisposable
{
    /// <summary>The message of an object whose add request was cut short by a stop (or a crash).</summary>
    public const string InterruptedMessage = "The node stopped before this object was processed; send it again.";

    private readonly CancellationTokenSource _stopping = new();
    private Task _loop = Task.CompletedTask;

    /// <summary>How often old statuses are swept: a tenth of the retention, at most hourly.</summary>
    public TimeSpan SweepInterval => TimeSpan.FromTicks(Math.Min(options.Limits.StatusRetention.Ticks / 10, TimeSpan.TicksPerHour));

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        (int objects, int statuses) = await store.FailPendingStatusesAsync(InterruptedMessage, cancellationToken).ConfigureAwait(false);
        if (objects > 0)
        {
            Log.InterruptedAddsFailed(logger, objects, statuses);
        }

        await SweepAsync(cancellationToken).ConfigureAwait(false);
        _loop = Task.Run(RunAsync, CancellationToken.None);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
    }

    public void Dispose() => _stopping.Dispose();

    /// <summary>Deletes the finished statuses requested more than <see cref="NodeLimits.StatusRetention"/> ago.</summary>
    /// <returns>How many were deleted.</returns>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        DateTimeOffset cutoff = timeProvider.GetUtcNow() - options.Limits.StatusRetention;
        int deleted = await store.DeleteFinishedStatusesAsync(cutoff, cancellationToken).ConfigureAwait(false);
        if (deleted > 0)
        {
            Log.StatusesExpired(logger, deleted, cutoff);
        }

        return deleted;
    }

    private async Task RunAsync()
    {
        using var timer = new PeriodicTimer(SweepInterval, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false))
            {
                try
                {
                    await SweepAsync(_stopping.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The database failed: the next tick tries again; nothing is lost by waiting.
                    Log.StatusSweepFailed(logger, e);
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Stopping.
        }
    }
}
