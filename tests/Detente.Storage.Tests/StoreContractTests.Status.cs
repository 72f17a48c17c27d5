namespace Detente.Storage.Tests;

public abstract partial class StoreContractTests
{
    private NewStatus PendingStatus(int objects) => new()
    {
        Id = Guid.NewGuid(),
        ApiRoot = Root,
        Principal = "alice",
        RequestTimestamp = new DateTimeOffset(2026, 2, 3, 4, 5, 6, TimeSpan.Zero).AddTicks(1230),
        Details = Enumerable.Range(0, objects).Select(i => new StatusDetail(TestObjects.NewId(), TestObjects.At(i), StatusOutcome.Pending)).ToArray(),
    };

    [Fact]
    public async Task A_status_goes_from_pending_to_complete_as_objects_are_decided()
    {
        NewStatus created = PendingStatus(3);
        Assert.True(await Store.CreateStatusAsync(created, cancellationToken: Ct));

        StatusResource pending = (await Store.GetStatusAsync(created.Id, cancellationToken: Ct))!;
        Assert.Equal("pending", pending.Status);
        Assert.Equal((3, 0, 0, 3), (pending.TotalCount, pending.SuccessCount, pending.FailureCount, pending.PendingCount));
        Assert.Equal("alice", pending.Principal);
        Assert.Equal(Root, pending.ApiRoot);
        Assert.Equal(created.RequestTimestamp, pending.RequestTimestamp);
        Assert.Equal(created.Details, pending.Details);

        Assert.True(await Store.UpdateStatusAsync(created.Id, [new StatusUpdate(0, StatusOutcome.Success), new StatusUpdate(2, StatusOutcome.Failure, "not valid STIX")], cancellationToken: Ct));
        StatusResource partial = (await Store.GetStatusAsync(created.Id, cancellationToken: Ct))!;
        Assert.Equal("pending", partial.Status);
        Assert.Equal((1, 1, 1), (partial.SuccessCount, partial.FailureCount, partial.PendingCount));
        Assert.Equal("not valid STIX", Assert.Single(partial.Failures).Message);
        Assert.Equal(created.Details[1].Id, Assert.Single(partial.Pendings).Id);

        Assert.True(await Store.UpdateStatusAsync(created.Id, [new StatusUpdate(1, StatusOutcome.Success, "already present")], cancellationToken: Ct));
        StatusResource complete = (await Store.GetStatusAsync(created.Id, cancellationToken: Ct))!;
        Assert.Equal("complete", complete.Status);
        Assert.Equal([created.Details[0].Id, created.Details[1].Id], complete.Successes.Select(d => d.Id));
        Assert.Equal("already present", complete.Details[1].Message);
    }

    [Fact]
    public async Task A_status_created_complete_stays_complete_and_ids_are_unique()
    {
        NewStatus created = PendingStatus(2) with { Details = [new StatusDetail(TestObjects.NewId(), TestObjects.At(1), StatusOutcome.Success)] };
        Assert.True(await Store.CreateStatusAsync(created, cancellationToken: Ct));
        Assert.False(await Store.CreateStatusAsync(created with { Principal = "mallory" }, cancellationToken: Ct));

        StatusResource found = (await Store.GetStatusAsync(created.Id, cancellationToken: Ct))!;
        Assert.Equal("complete", found.Status);
        Assert.Equal("alice", found.Principal);
        Assert.Null(await Store.GetStatusAsync(Guid.NewGuid(), cancellationToken: Ct));
    }

    [Fact]
    public async Task Updating_an_unknown_status_or_object_changes_nothing()
    {
        NewStatus created = PendingStatus(2);
        await Store.CreateStatusAsync(created, cancellationToken: Ct);

        Assert.False(await Store.UpdateStatusAsync(Guid.NewGuid(), [new StatusUpdate(0, StatusOutcome.Success)], cancellationToken: Ct));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            Store.UpdateStatusAsync(created.Id, [new StatusUpdate(0, StatusOutcome.Success), new StatusUpdate(2, StatusOutcome.Success)], cancellationToken: Ct));

        Assert.Equal(2, (await Store.GetStatusAsync(created.Id, cancellationToken: Ct))!.PendingCount);
    }

    [Fact]
    public async Task Failing_pending_statuses_decides_every_pending_object_and_nothing_else()
    {
        NewStatus first = PendingStatus(3);
        NewStatus second = PendingStatus(1);
        NewStatus done = PendingStatus(1) with { Details = [new StatusDetail(TestObjects.NewId(), TestObjects.At(1), StatusOutcome.Success)] };
        foreach (NewStatus status in new[] { first, second, done })
        {
            Assert.True(await Store.CreateStatusAsync(status, cancellationToken: Ct));
        }

        Assert.True(await Store.UpdateStatusAsync(first.Id, [new StatusUpdate(0, StatusOutcome.Success)], cancellationToken: Ct));
        Assert.Equal((3, 2), await Store.FailPendingStatusesAsync("stopped", Ct));

        StatusResource failed = (await Store.GetStatusAsync(first.Id, Ct))!;
        Assert.Equal("complete", failed.Status);
        Assert.Equal([StatusOutcome.Success, StatusOutcome.Failure, StatusOutcome.Failure], failed.Details.Select(d => d.Outcome));
        Assert.Equal([null, "stopped", "stopped"], failed.Details.Select(d => d.Message));
        Assert.Equal(StatusOutcome.Failure, Assert.Single((await Store.GetStatusAsync(second.Id, Ct))!.Details).Outcome);
        Assert.Equal(done.Details, (await Store.GetStatusAsync(done.Id, Ct))!.Details);
        Assert.Equal((0, 0), await Store.FailPendingStatusesAsync("stopped", Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.FailPendingStatusesAsync("", Ct));
    }

    [Fact]
    public async Task Finished_statuses_older_than_the_cutoff_are_deleted_and_pending_ones_kept()
    {
        NewStatus old = PendingStatus(2) with { Details = [new StatusDetail(TestObjects.NewId(), TestObjects.At(1), StatusOutcome.Success)] };
        NewStatus oldPending = PendingStatus(2);
        NewStatus oldEmpty = PendingStatus(0);
        NewStatus recent = old with { Id = Guid.NewGuid(), RequestTimestamp = old.RequestTimestamp.AddDays(7) };
        foreach (NewStatus status in new[] { old, oldPending, oldEmpty, recent })
        {
            Assert.True(await Store.CreateStatusAsync(status, cancellationToken: Ct));
        }

        DateTimeOffset cutoff = old.RequestTimestamp.AddDays(1);
        Assert.Equal(2, await Store.DeleteFinishedStatusesAsync(cutoff, Ct));
        Assert.Null(await Store.GetStatusAsync(old.Id, Ct));
        Assert.Null(await Store.GetStatusAsync(oldEmpty.Id, Ct));
        Assert.Equal(2, (await Store.GetStatusAsync(oldPending.Id, Ct))!.PendingCount);
        Assert.NotNull(await Store.GetStatusAsync(recent.Id, Ct));

        // Once decided, the old one goes too; a status requested exactly at the cutoff stays.
        Assert.True(await Store.UpdateStatusAsync(oldPending.Id, [new StatusUpdate(0, StatusOutcome.Success), new StatusUpdate(1, StatusOutcome.Failure)], Ct));
        Assert.Equal(1, await Store.DeleteFinishedStatusesAsync(cutoff, Ct));
        Assert.Equal(0, await Store.DeleteFinishedStatusesAsync(recent.RequestTimestamp, Ct));
        Assert.NotNull(await Store.GetStatusAsync(recent.Id, Ct));
    }

    [Fact]
    public async Task A_large_status_keeps_every_object_in_request_order()
    {
        // 90 objects: written in statements of 64, 16, 4, 4, 1 and 1 rows where the backend batches them.
        NewStatus created = PendingStatus(90) with
        {
            Details = [.. PendingStatus(90).Details.Select((d, i) => i % 3 == 0 ? d with { Outcome = StatusOutcome.Failure, Message = "bad " + i } : d)],
        };
        Assert.True(await Store.CreateStatusAsync(created, Ct));
        StatusResource read = (await Store.GetStatusAsync(created.Id, Ct))!;
        Assert.Equal(created.Details, read.Details);
        Assert.Equal(30, read.FailureCount);
    }

    [Fact]
    public async Task Objects_added_with_their_status_are_stored_and_the_status_records_each_outcome_in_request_order()
    {
        Guid collection = await NewCollectionAsync();
        ObjectToAdd first = TestObjects.Version(TestObjects.NewId(), TestObjects.At(1));
        ObjectToAdd unversioned = TestObjects.Version(TestObjects.NewId(), null);
        NewStatus status = PendingStatus(0) with
        {
            Details =
            [
                new StatusDetail(first.Id, TestObjects.At(1), StatusOutcome.Pending),
                new StatusDetail("objects[1]", string.Empty, StatusOutcome.Failure, "not valid STIX"),
                new StatusDetail(unversioned.Id, string.Empty, StatusOutcome.Pending),
            ],
        };

        (AddObjectsResult added, StatusResource returned) = await Store.AddObjectsWithStatusAsync(collection, [first, unversioned], status, Ct);

        Assert.Equal(2, added.AddedCount);
        StatusResource stored = (await Store.GetStatusAsync(status.Id, cancellationToken: Ct))!;
        Assert.Equal(stored.Details, returned.Details);
        Assert.Equal((stored.Id, stored.ApiRoot, stored.Principal, stored.RequestTimestamp), (returned.Id, returned.ApiRoot, returned.Principal, returned.RequestTimestamp));
        Assert.Equal("complete", stored.Status);
        Assert.Equal((2, 1), (stored.SuccessCount, stored.FailureCount));
        Assert.Equal(TestObjects.At(1), stored.Details[0].Version);
        Assert.Equal("not valid STIX", stored.Details[1].Message);
        // An object without a version gets the store's: its date_added.
        Assert.Equal(added.Objects[1].Version.ToString(), stored.Details[2].Version);
        Assert.Equal(2, await Store.GetLogSizeAsync(Ct));
    }

    [Fact]
    public async Task Objects_and_a_status_that_cannot_be_recorded_are_not_stored_either()
    {
        Guid collection = await NewCollectionAsync();
        NewStatus existing = PendingStatus(1);
        Assert.True(await Store.CreateStatusAsync(existing, cancellationToken: Ct));
        ObjectToAdd version = TestObjects.Version(TestObjects.NewId(), TestObjects.At(1));

        // The same status id again: the whole transaction is refused, the objects with it.
        await Assert.ThrowsAsync<ArgumentException>(() => Store.AddObjectsWithStatusAsync(collection, [version], existing, Ct));
        // Pending details that are not one per object: refused before anything is written.
        await Assert.ThrowsAsync<ArgumentException>(() => Store.AddObjectsWithStatusAsync(collection, [version], PendingStatus(2), Ct));

        Assert.False(await Store.ContainsObjectAsync(collection, version.Id, Ct));
        Assert.Equal(0, await Store.GetLogSizeAsync(Ct));
        Assert.Equal(1, (await Store.GetStatusAsync(existing.Id, cancellationToken: Ct))!.PendingCount);
    }
}
