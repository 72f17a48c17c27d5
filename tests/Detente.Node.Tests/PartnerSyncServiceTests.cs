using Detente.Node.Sync;
using Detente.Storage;
using Detente.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Detente.Node.Tests;

/// <summary>The scheduled sync of <c>serve --sync-interval</c> (<see cref="PartnerSyncService"/>) on a clock that moves only when
/// the test moves it.</summary>
public sealed class PartnerSyncServiceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_scheduled_sync_runs_every_interval_goes_on_after_a_failing_partner_and_stops_on_shutdown()
    {
        await using FedNode source = await FedNode.StartAsync("src");
        await using FedNode reader = await FedNode.StartAsync("rdr");
        await source.PostIndicatorsAsync(2);
        await reader.AddPartnerAsync(source, await source.IssueConnectionAsync("rdr"));
        using var brokenKey = Detente.Stix.Signatures.StixSigningKey.Create();
        // A partner this node has no connection settings for: its sync fails every time. It comes first (partners go by name).
        Assert.Equal(SharingChange.Changed, await reader.Store.AddPartnerAsync(new PartnerRecord
        {
            Name = "a-broken",
            Identity = "identity--" + Guid.NewGuid().ToString("D"),
            VerificationKey = brokenKey.VerificationKey.RawPublicKey,
            Url = new Uri("http://127.0.0.1:1/"),
        }, Ct));
        Assert.Equal(SharingChange.Changed, await reader.Store.SetPartnerLogKeyAsync("a-broken", source.VerifierKey.ToString(), Ct));
        Assert.Equal(SharingChange.Changed, await reader.Store.SubscribeAsync(new SubscriptionRecord("a-broken", "default", "remote", reader.CollectionId, null), Ct));

        var clock = new SteppedTimeProvider();
        TimeSpan interval = TimeSpan.FromMinutes(5);
        using var service = new PartnerSyncService(reader.Sync, reader.Store, new NodeOptions { Sync = new NodeSyncOptions { Interval = interval } }, clock,
            reader.App.Services.GetRequiredService<ILogger<PartnerSyncService>>());
        await service.StartAsync(Ct);

        // The first round runs at start: the broken partner fails (logged), the next one is still synced.
        await reader.Log.WaitForAsync(e => e.EventId == 8107 && e.Message.Contains("a-broken", StringComparison.Ordinal));
        await reader.Log.WaitForAsync(e => e.EventId == 8101 && e.Message.Contains("src", StringComparison.Ordinal));
        Assert.Equal(2, (await reader.ReadAllAsync()).Count);
        await clock.WaitForTimersAsync(1, Ct);

        // Nothing runs before the interval has passed; once it has, the next round fetches what is new.
        await source.PostIndicatorsAsync(3);
        clock.Advance(interval - TimeSpan.FromSeconds(1));
        Assert.Single(reader.Log.Entries, e => e.EventId == 8101);
        Assert.Equal(2, (await reader.ReadAllAsync()).Count);
        clock.Advance(TimeSpan.FromSeconds(1));
        await reader.Log.WaitForAsync(e => e.EventId == 8101, 2);
        await reader.Log.WaitForAsync(e => e.EventId == 8107, 2);
        Assert.Equal(5, (await reader.ReadAllAsync()).Count);

        // Shutdown while it waits for the next round: it stops, and moving the clock starts nothing.
        await clock.WaitForTimersAsync(1, Ct);
        await service.StopAsync(Ct);
        Assert.True(service.ExecuteTask!.IsCompletedSuccessfully);
        clock.Advance(interval * 3);
        Assert.Equal(2, reader.Log.Entries.Count(e => e.EventId == 8101));
        Assert.Equal(2, reader.Log.Entries.Count(e => e.EventId == 8107));
    }
}
