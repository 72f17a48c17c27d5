using Detente.Stix.Schema;

namespace Detente.Storage.Tests;

public abstract partial class StoreContractTests
{
    [Fact]
    public async Task Opening_again_applies_no_migration_twice()
    {
        IReadOnlyList<long> first = await ReadSchemaVersionsAsync();
        await ReopenAsync();
        await ReopenAsync();

        Assert.Equal([1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L, 14L], first);
        Assert.Equal(first, await ReadSchemaVersionsAsync());
    }

    [Fact]
    public async Task A_store_whose_schema_is_newer_than_the_code_is_refused()
    {
        await Store.DisposeAsync();
        Store = null!;
        await RecordSchemaVersionAsync(999);

        StoreException e = await Assert.ThrowsAsync<StoreException>(() => OpenStoreAsync(Clock));
        Assert.Equal(StoreError.SchemaTooNew, e.Error);
        Assert.Contains("999", e.Message, StringComparison.Ordinal);
        Assert.Equal([1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L, 14L, 999L], await ReadSchemaVersionsAsync());
    }

    [Fact]
    public async Task Reopening_after_dispose_keeps_everything()
    {
        Guid collection = await NewCollectionAsync(alias: "kept");
        await Store.GrantAsync(collection, "alice", CollectionAccess.ReadWrite, cancellationToken: Ct);
        string id = TestObjects.NewId();
        ObjectToAdd version = TestObjects.Version(id, TestObjects.At(1));
        await Store.AddObjectsAsync(collection, [version, TestObjects.Version(TestObjects.NewId(), TestObjects.At(2))], cancellationToken: Ct);
        var status = Guid.NewGuid();
        await Store.CreateStatusAsync(new NewStatus
        {
            Id = status, ApiRoot = Root, Principal = "alice", RequestTimestamp = Clock.GetUtcNow(),
            Details = [new StatusDetail(id, TestObjects.At(1), StatusOutcome.Success)],
        }, cancellationToken: Ct);
        byte[] hash = TokenHash.Compute("secret"u8);
        await Store.AddTokenAsync(new ApiToken { TokenId = "t1", Principal = "alice", Role = TokenRole.Analyst, SecretHash = hash, Created = Clock.GetUtcNow() }, cancellationToken: Ct);
        List<StoredObject> page = await Store.ReadObjectsAsync(collection, ObjectFilter.None, pageSizeHint: 1, cancellationToken: Ct).Take(1).ToListAsync(Ct);
        string cursor = Store.Cursors.Encode(collection, ObjectFilter.None, page[0].DateAdded);

        await ReopenAsync();

        Assert.Equal("kept", (await Store.GetCollectionAsync(collection, cancellationToken: Ct))!.Alias);
        Assert.Equal(TlpMarkings.Tlp2Amber, (await Store.GetCollectionAsync(collection, cancellationToken: Ct))!.DefaultMarkingId);
        Assert.Equal(CollectionAccess.ReadWrite, await Store.GetAccessAsync(collection, "alice", cancellationToken: Ct));
        List<StoredObject> all = await ReadAllAsync(collection);
        Assert.Equal(2, all.Count);
        Assert.Equal(version.Json.ToArray(), all[0].Json.ToArray());
        Assert.Equal(StatusOutcome.Success, Assert.Single((await Store.GetStatusAsync(status, cancellationToken: Ct))!.Details).Outcome);
        Assert.Equal("t1", (await Store.FindTokenByHashAsync(hash, cancellationToken: Ct))!.TokenId);
        // The cursor key is kept too: a cursor issued before the restart still reads.
        Assert.Equal(CursorStatus.Valid, Store.Cursors.TryDecode(cursor, collection, ObjectFilter.None, out DateTimeOffset after));
        Assert.Equal(all[1].Id, Assert.Single(await ReadAllAsync(collection, after: after)).Id);
    }
}
