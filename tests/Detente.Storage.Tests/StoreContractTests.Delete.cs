using Detente.Stix;

namespace Detente.Storage.Tests;

public abstract partial class StoreContractTests
{
    private async Task<(Guid Collection, string Id)> ObjectWithFourVersionsAsync()
    {
        Guid collection = await NewCollectionAsync();
        string id = TestObjects.NewId();
        await Store.AddObjectsAsync(collection,
        [
            TestObjects.Version(id, TestObjects.At(1), "2.0"), TestObjects.Version(id, TestObjects.At(3)),
            TestObjects.Version(id, TestObjects.At(2)), TestObjects.Version(id, TestObjects.At(4)),
            TestObjects.Version(TestObjects.NewId(), TestObjects.At(1)),
        ]);
        return (collection, id);
    }

    private async Task<string[]> RemainingVersionsAsync(Guid collection, string id) =>
        (await ReadAllAsync(collection, ObjectFilter.VersionsOf(id, specVersions: ["2.0", "2.1"])))
            .Select(o => o.Version.ToString()).Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public async Task Deleting_without_filters_removes_every_version_of_the_object_only()
    {
        (Guid collection, string id) = await ObjectWithFourVersionsAsync();

        Assert.Equal(4, await Store.DeleteObjectAsync(collection, id, cancellationToken: Ct));

        Assert.False(await Store.ContainsObjectAsync(collection, id, cancellationToken: Ct));
        Assert.Empty(await RemainingVersionsAsync(collection, id));
        Assert.Single(await ReadAllAsync(collection));
        Assert.Equal(0, await Store.DeleteObjectAsync(collection, id, cancellationToken: Ct));
    }

    [Fact]
    public async Task Deleting_by_version_removes_the_selected_versions_and_the_next_latest_takes_over()
    {
        (Guid collection, string id) = await ObjectWithFourVersionsAsync();

        Assert.Equal(1, await Store.DeleteObjectAsync(collection, id, VersionFilter.Exactly(StixTimestamp.Parse(TestObjects.At(3))), cancellationToken: Ct));
        Assert.Equal([TestObjects.At(1), TestObjects.At(2), TestObjects.At(4)], await RemainingVersionsAsync(collection, id));

        Assert.Equal(1, await Store.DeleteObjectAsync(collection, id, VersionFilter.Last, cancellationToken: Ct));
        Assert.Equal([TestObjects.At(1), TestObjects.At(2)], await RemainingVersionsAsync(collection, id));
        // The latest version is now At(2): the default read follows the deletion.
        Assert.Equal(TestObjects.At(2), Assert.Single(await ReadAllAsync(collection, new ObjectFilter { Ids = [id] })).Version.ToString());

        // "first" without a spec version filter is the earliest of all versions, whatever their spec version.
        Assert.Equal(1, await Store.DeleteObjectAsync(collection, id, VersionFilter.First, cancellationToken: Ct));
        Assert.Equal([TestObjects.At(2)], await RemainingVersionsAsync(collection, id));
        Assert.Equal(0, await Store.DeleteObjectAsync(collection, id, VersionFilter.Exactly(StixTimestamp.Parse(TestObjects.At(9))), cancellationToken: Ct));
    }

    [Fact]
    public async Task The_latest_version_lookup_follows_additions_and_deletions()
    {
        (Guid collection, string id) = await ObjectWithFourVersionsAsync();
        string other = TestObjects.NewId();
        await Store.AddObjectsAsync(collection, [TestObjects.Version(other, TestObjects.At(5))], Ct);

        IReadOnlyDictionary<string, StoredObject> latest = await Store.ReadLatestVersionsAsync(collection, [id, other, id, TestObjects.NewId()], Ct);
        Assert.Equal(new[] { id, other }.Order(StringComparer.Ordinal), latest.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(TestObjects.At(4), latest[id].Version.ToString());
        Assert.True(latest[id].IsLatest);
        Assert.False(latest[id].Json.IsEmpty);

        // Deleting the latest version makes the next one the latest, in reads and in the lookup.
        Assert.Equal(1, await Store.DeleteObjectAsync(collection, id, VersionFilter.Last, cancellationToken: Ct));
        Assert.Equal(TestObjects.At(3), (await Store.ReadLatestVersionsAsync(collection, [id], Ct))[id].Version.ToString());
        List<StoredObject> versions = await ReadAllAsync(collection, ObjectFilter.VersionsOf(id, specVersions: ["2.0", "2.1"]));
        Assert.Equal([TestObjects.At(3)], versions.Where(v => v.IsLatest).Select(v => v.Version.ToString()));

        Assert.Empty(await Store.ReadLatestVersionsAsync(collection, [], Ct));
        Assert.Empty(await Store.ReadLatestVersionsAsync(collection, [TestObjects.NewId()], Ct));
        await Assert.ThrowsAsync<ArgumentException>(() =>
            Store.ReadLatestVersionsAsync(collection, [.. Enumerable.Range(0, ObjectFilter.MaxValues + 1).Select(_ => TestObjects.NewId())], Ct));
        await Assert.ThrowsAsync<StoreException>(() => Store.ReadLatestVersionsAsync(Guid.NewGuid(), [id], Ct));
    }

    [Fact]
    public async Task Deleting_by_spec_version_removes_only_versions_in_it()
    {
        (Guid collection, string id) = await ObjectWithFourVersionsAsync();

        Assert.Equal(3, await Store.DeleteObjectAsync(collection, id, specVersions: ["2.1"], cancellationToken: Ct));

        Assert.Equal([TestObjects.At(1)], await RemainingVersionsAsync(collection, id));
        // The 2.0 version is now the object's latest spec version, so the default read returns it.
        StoredObject left = Assert.Single(await ReadAllAsync(collection, new ObjectFilter { Ids = [id] }));
        Assert.Equal("2.0", left.SpecVersion);
        Assert.Equal(1, await Store.DeleteObjectAsync(collection, id, VersionFilter.Last, ["2.0"], cancellationToken: Ct));
        Assert.False(await Store.ContainsObjectAsync(collection, id, cancellationToken: Ct));
    }

    [Fact]
    public async Task Deleting_an_unknown_object_deletes_nothing()
    {
        (Guid collection, string id) = await ObjectWithFourVersionsAsync();

        Assert.Equal(0, await Store.DeleteObjectAsync(collection, TestObjects.NewId(), cancellationToken: Ct));
        Assert.Equal(0, await Store.DeleteObjectAsync(collection, id, specVersions: ["2.2"], cancellationToken: Ct));
        Assert.Equal(4, (await RemainingVersionsAsync(collection, id)).Length);
        await Assert.ThrowsAsync<ArgumentException>(() => Store.DeleteObjectAsync(collection, id, new VersionFilter(), cancellationToken: Ct));
    }
}
