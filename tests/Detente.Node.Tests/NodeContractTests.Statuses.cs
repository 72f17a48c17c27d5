using System.Net;
using Detente.Storage;
using Detente.Taxii;
using Detente.Taxii.Query;
using Microsoft.Extensions.DependencyInjection;

namespace Detente.Node.Tests;

public abstract partial class NodeContractTests
{
    [Fact]
    public async Task An_add_cut_short_by_a_stop_is_completed_with_failures_at_the_next_start()
    {
        IngestQueue queue = _app.Services.GetRequiredService<IngestQueue>();
        var firstChunk = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var abandoned = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        queue.AfterChunk = async (_, stored, ct) =>
        {
            firstChunk.TrySetResult();
            // Held until the stop gives up waiting for the worker (which cancels ct).
            await new TaskCompletionSource().Task.WaitAsync(ct);
        };
        queue.JobDone = _ => abandoned.TrySetResult();

        var ids = Enumerable.Range(0, 12).Select(_ => NewIndicatorId()).ToList();
        TaxiiStatus posted = await PostAsync(ids.Select(id => Indicator(id, 1)));
        Assert.False(posted.IsComplete);
        await firstChunk.Task.WaitAsync(Ct);

        // A stop that does not wait (its token is already cancelled) cuts the job short after its first chunk.
        using (var now = new CancellationTokenSource())
        {
            await now.CancelAsync();
            await _app.StopAsync(now.Token);
        }

        await abandoned.Task.WaitAsync(Ct);
        Assert.Equal(12 - Limits.IngestChunkSize, (await _store.GetStatusAsync(Guid.Parse(posted.Id), Ct))!.PendingCount);

        // The next start decides what was left pending: nothing stays pending forever.
        (_, Uri server) = await StartNodeAsync(null);
        TaxiiStatus recovered = await Client(_adminToken, server: server).GetStatusAsync(new Uri(server, "/taxii2/default/"), posted.Id, Ct);
        Assert.True(recovered.IsComplete);
        Assert.Equal(Limits.IngestChunkSize, recovered.SuccessCount);
        Assert.Equal(12 - Limits.IngestChunkSize, recovered.FailureCount);
        Assert.All(recovered.Failures, f => Assert.Equal(StatusMaintenance.InterruptedMessage, f.Message));
        Assert.Equal(ids.Skip(Limits.IngestChunkSize), recovered.Failures.Select(f => f.Id));
        Assert.Contains(_log.Entries, e => e.EventId == 8017);

        // What the failures name was not stored; what the successes name was.
        TaxiiEnvelope stored = (await Client(_adminToken, server: server).GetObjectsAsync(new Uri(server, "/taxii2/default/"), CollectionId,
            new TaxiiObjectQuery { Limit = 50 }, Ct)).Resource;
        Assert.Equal(ids.Take(Limits.IngestChunkSize), Ids(stored));
    }

    [Fact]
    public async Task Finished_statuses_expire_after_the_retention_and_pending_ones_do_not()
    {
        StatusMaintenance maintenance = _app.Services.GetRequiredService<StatusMaintenance>();
        TaxiiStatus finished = await PostAsync(Indicator(NewIndicatorId(), 1));
        Guid pending = Guid.NewGuid();
        Assert.True(await _store.CreateStatusAsync(new NewStatus
        {
            Id = pending, ApiRoot = "default", Principal = "admin", RequestTimestamp = _clock.GetUtcNow(),
            Details = [new StatusDetail(NewIndicatorId(), "2025-01-01T00:00:01.000Z", StatusOutcome.Pending)],
        }, Ct));

        _clock.Advance(Limits.StatusRetention);
        Assert.Equal(0, await maintenance.SweepAsync(Ct));
        Assert.Equal(finished.Id, (await Client(_adminToken).GetStatusAsync(DefaultRoot, finished.Id, Ct)).Id);

        _clock.Advance(TimeSpan.FromTicks(10));
        Assert.Equal(1, await maintenance.SweepAsync(Ct));
        await AssertTaxiiErrorAsync(await SendAsync(HttpMethod.Get, $"/taxii2/default/status/{finished.Id}/", _adminToken), HttpStatusCode.NotFound);
        Assert.Equal(1, (await _store.GetStatusAsync(pending, Ct))!.PendingCount);
        Assert.Contains(_log.Entries, e => e.EventId == 8018);
    }
}
