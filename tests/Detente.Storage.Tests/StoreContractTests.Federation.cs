using System.Text;

namespace Detente.Storage.Tests;

public abstract partial class StoreContractTests
{
    private const string LogKey = "fr.example/log+01234567+AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=";

    private async Task<Guid> SubscribedAsync()
    {
        Guid collection = await NewCollectionAsync();
        await Store.AddPartnerAsync(Fr, Ct);
        Assert.Equal(SharingChange.Changed, await Store.SetPartnerLogKeyAsync("fr-cert", LogKey, Ct));
        PartnerLogRecord fresh = (await Store.GetPartnerLogAsync("fr-cert", Ct))!;
        Assert.Null(fresh.Checkpoint);
        Assert.Null(fresh.Size);
        Assert.Null(fresh.Alarm);
        Assert.Equal(SharingChange.Changed, await Store.SubscribeAsync(new SubscriptionRecord("fr-cert", "default", "feed", collection, null), Ct));
        return collection;
    }

    private static ReceivedBatch Batch(string cursor) => new("fr-cert", "default", "feed", new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero), cursor);

    [Fact]
    public async Task A_received_page_stores_its_objects_provenance_and_cursor_together()
    {
        Guid collection = await SubscribedAsync();
        string id = TestObjects.NewId();
        AddObjectsResult result = await Store.AddReceivedObjectsAsync(collection,
            [TestObjects.Version(id, TestObjects.At(1)), TestObjects.Version(id, TestObjects.At(2))], Batch("2026-01-01T00:00:00.000002Z"), Ct);
        Assert.Equal(2, result.AddedCount);

        // Again: nothing new, the cursor moves, the count does not.
        result = await Store.AddReceivedObjectsAsync(collection, [TestObjects.Version(id, TestObjects.At(2))], Batch("2026-01-01T00:00:00.000003Z"), Ct);
        Assert.Equal(0, result.AddedCount);
        await ReopenAsync();

        SubscriptionRecord subscription = Assert.Single(await Store.ListSubscriptionsAsync(Ct));
        Assert.Equal("2026-01-01T00:00:00.000003Z", subscription.Cursor);
        Assert.Equal(collection, subscription.CollectionId);
        PartnerLogRecord log = (await Store.GetPartnerLogAsync("fr-cert", Ct))!;
        Assert.Equal(2, log.ObjectsReceived);
        List<StoredObject> stored = await ReadAllAsync(collection, ObjectFilter.None with { Versions = VersionFilter.All });
        Assert.Equal(2, stored.Count);
        ObjectProvenance provenance = (await Store.GetProvenanceAsync(collection, stored[0].DateAdded, Ct))!;
        Assert.Equal("fr-cert", provenance.Partner);
        Assert.Equal(new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero), provenance.Received);
    }

    [Fact]
    public async Task Versions_received_redacted_are_recorded_with_their_provenance_and_counted()
    {
        Guid collection = await SubscribedAsync();
        ObjectToAdd plain = TestObjects.Version(TestObjects.NewId(), TestObjects.At(1));
        ObjectToAdd redacted = TestObjects.Version(TestObjects.NewId(), TestObjects.At(1));
        AddObjectsResult result = await Store.AddReceivedObjectsAsync(collection, [plain, redacted],
            Batch("2026-01-01T00:00:00.000002Z") with { Redacted = new HashSet<ObjectToAdd>(ReferenceEqualityComparer.Instance) { redacted } }, Ct);
        Assert.Equal(2, result.AddedCount);

        // Received again, redacted: already present, so nothing more is counted.
        await Store.AddReceivedObjectsAsync(collection, [redacted],
            Batch("2026-01-01T00:00:00.000003Z") with { Redacted = new HashSet<ObjectToAdd>(ReferenceEqualityComparer.Instance) { redacted } }, Ct);
        await ReopenAsync();

        PartnerLogRecord log = (await Store.GetPartnerLogAsync("fr-cert", Ct))!;
        Assert.Equal(2, log.ObjectsReceived);
        Assert.Equal(1, log.ObjectsRedacted);
        Assert.Equal(1, Assert.Single(await Store.ListPartnerLogsAsync(Ct)).ObjectsRedacted);
        List<StoredObject> stored = await ReadAllAsync(collection, ObjectFilter.None with { Versions = VersionFilter.All });
        Assert.False((await Store.GetProvenanceAsync(collection, stored.Single(o => o.Id == plain.Id).DateAdded, Ct))!.Redacted);
        ObjectProvenance provenance = (await Store.GetProvenanceAsync(collection, stored.Single(o => o.Id == redacted.Id).DateAdded, Ct))!;
        Assert.True(provenance.Redacted);
        Assert.Equal("fr-cert", provenance.Partner);
    }

    [Fact]
    public async Task A_partner_may_refuse_redacted_versions_and_the_switch_goes_with_it()
    {
        Assert.Equal(SharingChange.Changed, await Store.AddPartnerAsync(Fr with { RefuseRedacted = true }, Ct));
        Assert.True(Assert.Single(await Store.ListPartnersAsync(Ct)).RefuseRedacted);
        Assert.Equal(SharingChange.Unchanged, await Store.SetPartnerRefusesRedactedAsync("fr-cert", true, Ct));
        Assert.Equal(SharingChange.Changed, await Store.SetPartnerRefusesRedactedAsync("fr-cert", false, Ct));
        await ReopenAsync();
        Assert.False(Assert.Single(await Store.ListPartnersAsync(Ct)).RefuseRedacted);
        Assert.Equal(SharingChange.Changed, await Store.SetPartnerRefusesRedactedAsync("fr-cert", true, Ct));
        Assert.Equal(SharingChange.PartnerNotFound, await Store.SetPartnerRefusesRedactedAsync("nobody", true, Ct));

        // Removing the partner removes its switch; added again without it, it accepts redacted versions.
        Assert.True(await Store.RemovePartnerAsync("fr-cert", Ct));
        Assert.Equal(SharingChange.Changed, await Store.AddPartnerAsync(Fr, Ct));
        Assert.False(Assert.Single(await Store.ListPartnersAsync(Ct)).RefuseRedacted);
    }

    [Fact]
    public async Task Nothing_is_received_from_a_partner_with_an_alarm_or_without_a_subscription()
    {
        Guid collection = await SubscribedAsync();
        Guid other = await NewCollectionAsync();
        await Assert.ThrowsAsync<ArgumentException>(() =>
            Store.AddReceivedObjectsAsync(other, [TestObjects.Version(TestObjects.NewId(), TestObjects.At(1))], Batch("c1"), Ct));
        Assert.Empty(await ReadAllAsync(other));

        var evidence = new AuditEvidenceRecord(Guid.NewGuid(), "fr-cert", Clock.GetUtcNow(), "rollback", "size 3 after 5", Encoding.UTF8.GetBytes("a\nb\n"));
        Assert.True(await Store.RaiseAlarmAsync(evidence, Ct));
        StoreException e = await Assert.ThrowsAsync<StoreException>(() =>
            Store.AddReceivedObjectsAsync(collection, [TestObjects.Version(TestObjects.NewId(), TestObjects.At(1))], Batch("c2"), Ct));
        Assert.Equal(StoreError.PartnerNotAccepted, e.Error);
        Assert.Empty(await ReadAllAsync(collection));
        Assert.Null(Assert.Single(await Store.ListSubscriptionsAsync(Ct)).Cursor);
        Assert.False(await Store.PinCheckpointAsync("fr-cert", null, 1, "note"u8.ToArray(), Ct));

        AuditEvidenceRecord kept = Assert.Single(await Store.ListAuditEvidenceAsync("fr-cert", Ct));
        Assert.Equal(evidence.Evidence.ToArray(), kept.Evidence.ToArray());
        Assert.Equal("rollback: size 3 after 5", (await Store.GetPartnerLogAsync("fr-cert", Ct))!.Alarm);

        Assert.True(await Store.ClearAlarmAsync("fr-cert", false, Ct));
        Assert.Equal(1, (await Store.AddReceivedObjectsAsync(collection, [TestObjects.Version(TestObjects.NewId(), TestObjects.At(1))], Batch("c3"), Ct)).AddedCount);
        Assert.Single(await Store.ListAuditEvidenceAsync("fr-cert", Ct));
    }

    [Fact]
    public async Task A_pinned_checkpoint_moves_by_compare_and_swap_and_a_new_key_forgets_it()
    {
        await SubscribedAsync();
        Assert.True(await Store.PinCheckpointAsync("fr-cert", null, 3, "three"u8.ToArray(), Ct));
        Assert.False(await Store.PinCheckpointAsync("fr-cert", null, 4, "four"u8.ToArray(), Ct));
        Assert.True(await Store.PinCheckpointAsync("fr-cert", 3, 4, "four"u8.ToArray(), Ct));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.PinCheckpointAsync("fr-cert", 4, 2, "two"u8.ToArray(), Ct));
        PartnerLogRecord log = (await Store.GetPartnerLogAsync("fr-cert", Ct))!;
        Assert.Equal(4, log.Size);
        Assert.Equal("four"u8.ToArray(), log.Checkpoint!.Value.ToArray());

        Assert.Equal(SharingChange.Unchanged, await Store.SetPartnerLogKeyAsync("fr-cert", LogKey, Ct));
        Assert.Equal(SharingChange.Changed, await Store.SetPartnerLogKeyAsync("fr-cert", LogKey.Replace("01234567", "89abcdef", StringComparison.Ordinal), Ct));
        Assert.Null((await Store.GetPartnerLogAsync("fr-cert", Ct))!.Size);
        Assert.Equal(SharingChange.PartnerNotFound, await Store.SetPartnerLogKeyAsync("nobody", LogKey, Ct));

        Assert.True(await Store.RemovePartnerAsync("fr-cert", Ct));
        Assert.Empty(await Store.ListPartnerLogsAsync(Ct));
        Assert.Empty(await Store.ListSubscriptionsAsync(Ct));
    }
}
