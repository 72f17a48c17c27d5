using Detente.Stix;

namespace Detente.Storage.Tests;

public abstract partial class StoreContractTests
{
    [Fact]
    public async Task Objects_are_served_byte_for_byte()
    {
        Guid collection = await NewCollectionAsync();
        ObjectToAdd version = TestObjects.Version(TestObjects.NewId(), "2025-02-03T04:05:06.789Z", note: "\u00e9\u00e8 \ud83d\ude00");

        await Store.AddObjectsAsync(collection, [version], cancellationToken: Ct);

        StoredObject stored = Assert.Single(await ReadAllAsync(collection));
        Assert.Equal(version.Json.ToArray(), stored.Json.ToArray());
        Assert.Equal(version.Id, stored.Id);
        Assert.Equal("indicator", stored.Type);
        Assert.Equal("2.1", stored.SpecVersion);
        Assert.Equal("2025-02-03T04:05:06.789Z", stored.Version.ToString());
        Assert.Equal("application/stix+json;version=2.1", stored.MediaType);
    }

    [Fact]
    public async Task Date_added_is_the_clock_at_microsecond_precision_and_increases_even_when_the_clock_does_not()
    {
        Guid collection = await NewCollectionAsync();
        Clock.Set(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero).AddTicks(12_345_678)); // 1.2345678 s: below a microsecond too
        DateTimeOffset now = Clock.GetUtcNow();

        AddObjectsResult first = await Store.AddObjectsAsync(collection,
            [TestObjects.Version(TestObjects.NewId(), TestObjects.At(1)), TestObjects.Version(TestObjects.NewId(), TestObjects.At(1))], cancellationToken: Ct);
        Clock.Advance(TimeSpan.FromHours(-1)); // the clock goes back
        AddObjectsResult second = await Store.AddObjectsAsync(collection, [TestObjects.Version(TestObjects.NewId(), TestObjects.At(1))], cancellationToken: Ct);

        DateTimeOffset micro = new(now.UtcTicks - (now.UtcTicks % 10), TimeSpan.Zero);
        Assert.Equal(
            [micro, micro.AddTicks(10), micro.AddTicks(20)],
            first.Objects.Concat(second.Objects).Select(o => o.DateAdded));
        Assert.Equal(first.Objects.Concat(second.Objects).Select(o => o.DateAdded), (await ReadAllAsync(collection)).Select(o => o.DateAdded));
    }

    [Fact]
    public async Task A_new_modified_is_a_new_version_and_every_version_is_kept()
    {
        Guid collection = await NewCollectionAsync();
        string id = TestObjects.NewId();

        await Store.AddObjectsAsync(collection, [TestObjects.Version(id, TestObjects.At(1), note: "one")], cancellationToken: Ct);
        Clock.Advance(TimeSpan.FromSeconds(1));
        await Store.AddObjectsAsync(collection, [TestObjects.Version(id, TestObjects.At(3), note: "three"), TestObjects.Version(id, TestObjects.At(2), note: "two")], cancellationToken: Ct);

        List<StoredObject> versions = await ReadAllAsync(collection, ObjectFilter.VersionsOf(id));
        Assert.Equal([TestObjects.At(1), TestObjects.At(3), TestObjects.At(2)], versions.Select(v => v.Version.ToString()));
        Assert.Equal(TestObjects.At(3), Assert.Single(await ReadAllAsync(collection)).Version.ToString());
    }

    [Fact]
    public async Task Re_adding_a_version_reports_it_present_and_changes_nothing()
    {
        Guid collection = await NewCollectionAsync();
        string id = TestObjects.NewId();
        ObjectToAdd original = TestObjects.Version(id, "2025-01-01T00:00:00.1Z", note: "original");
        AddedObject added = Assert.Single((await Store.AddObjectsAsync(collection, [original], cancellationToken: Ct)).Objects);
        Clock.Advance(TimeSpan.FromMinutes(5));

        // The same instant written with another precision is the same version; different bytes do not replace it.
        AddObjectsResult again = await Store.AddObjectsAsync(collection,
            [TestObjects.Version(id, "2025-01-01T00:00:00.100Z", note: "copy"), TestObjects.Version(id, "2025-01-01T00:00:00.1Z")], cancellationToken: Ct);

        Assert.False(added.AlreadyPresent);
        Assert.All(again.Objects, o => Assert.True(o.AlreadyPresent));
        Assert.All(again.Objects, o => Assert.Equal(added.DateAdded, o.DateAdded));
        Assert.All(again.Objects, o => Assert.Equal("2025-01-01T00:00:00.1Z", o.Version.ToString()));
        Assert.Equal(0, again.AddedCount);
        Assert.Equal(2, again.AlreadyPresentCount);
        StoredObject stored = Assert.Single(await ReadAllAsync(collection, ObjectFilter.VersionsOf(id)));
        Assert.Equal(original.Json.ToArray(), stored.Json.ToArray());
        Assert.Equal(added.DateAdded, stored.DateAdded);
    }

    [Fact]
    public async Task A_version_repeated_within_a_batch_is_added_once()
    {
        Guid collection = await NewCollectionAsync();
        string id = TestObjects.NewId();

        AddObjectsResult result = await Store.AddObjectsAsync(collection,
            [TestObjects.Version(id, TestObjects.At(1)), TestObjects.Version(id, TestObjects.At(1))], cancellationToken: Ct);

        Assert.Equal([false, true], result.Objects.Select(o => o.AlreadyPresent));
        Assert.Equal(result.Objects[0].DateAdded, result.Objects[1].DateAdded);
        Assert.Single(await ReadAllAsync(collection, ObjectFilter.VersionsOf(id)));
    }

    [Fact]
    public async Task An_object_without_a_version_takes_its_first_date_added_as_version()
    {
        Guid collection = await NewCollectionAsync();
        string id = TestObjects.NewId("ipv4-addr");

        AddedObject first = Assert.Single((await Store.AddObjectsAsync(collection, [TestObjects.Version(id, null, note: "a")], cancellationToken: Ct)).Objects);
        Clock.Advance(TimeSpan.FromSeconds(10));
        AddedObject again = Assert.Single((await Store.AddObjectsAsync(collection, [TestObjects.Version(id, null, note: "b")], cancellationToken: Ct)).Objects);

        Assert.Equal(StixTimestamp.FromDateTimeOffset(first.DateAdded, 6), first.Version);
        Assert.Equal(first.DateAdded.ToString("yyyy-MM-ddTHH:mm:ss.ffffff", System.Globalization.CultureInfo.InvariantCulture) + "Z", first.Version.ToString());
        Assert.True(again.AlreadyPresent);
        Assert.Equal(first.Version, again.Version);
        Assert.Equal(first.Version, Assert.Single(await ReadAllAsync(collection)).Version);
    }

    [Fact]
    public async Task Adding_to_or_reading_an_unknown_collection_is_refused()
    {
        var unknown = Guid.NewGuid();

        StoreException add = await Assert.ThrowsAsync<StoreException>(() =>
            Store.AddObjectsAsync(unknown, [TestObjects.Version(TestObjects.NewId(), TestObjects.At(1))], cancellationToken: Ct));
        StoreException read = await Assert.ThrowsAsync<StoreException>(async () => await ReadAllAsync(unknown));
        StoreException delete = await Assert.ThrowsAsync<StoreException>(() => Store.DeleteObjectAsync(unknown, TestObjects.NewId(), cancellationToken: Ct));

        Assert.All([add, read, delete], e => Assert.Equal(StoreError.CollectionNotFound, e.Error));
        Assert.Equal(unknown, add.CollectionId);
        Assert.False(await Store.ContainsObjectAsync(unknown, TestObjects.NewId(), cancellationToken: Ct));
    }

    [Fact]
    public async Task A_batch_that_fails_in_the_database_leaves_nothing_of_the_batch()
    {
        Guid collection = await NewCollectionAsync();
        string kept = TestObjects.NewId();
        AddedObject before = Assert.Single((await Store.AddObjectsAsync(collection, [TestObjects.Version(kept, TestObjects.At(1))], cancellationToken: Ct)).Objects);
        string poisoned = TestObjects.NewId();
        await InjectInsertFailureAsync(poisoned);

        // The failure comes after two versions of the batch were written (one a new version of an existing object).
        ObjectToAdd[] batch =
        [
            TestObjects.Version(TestObjects.NewId(), TestObjects.At(2)),
            TestObjects.Version(kept, TestObjects.At(3)),
            TestObjects.Version(poisoned, TestObjects.At(4)),
        ];
        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => Store.AddObjectsAsync(collection, batch, cancellationToken: Ct));

        StoredObject only = Assert.Single(await ReadAllAsync(collection, ObjectFilter.None with { Versions = VersionFilter.All }));
        Assert.Equal(kept, only.Id);
        Assert.Equal(TestObjects.At(1), only.Version.ToString());
        Assert.Equal(TestObjects.At(1), Assert.Single(await ReadAllAsync(collection)).Version.ToString());
        // The collection's date_added sequence did not move either: the next version follows the kept one.
        AddedObject next = Assert.Single((await Store.AddObjectsAsync(collection, [TestObjects.Version(TestObjects.NewId(), TestObjects.At(5))], cancellationToken: Ct)).Objects);
        Assert.Equal(before.DateAdded.AddTicks(10), next.DateAdded);
    }

    [Fact]
    public async Task Contains_tells_an_unknown_object_from_one_the_filters_hide()
    {
        Guid collection = await NewCollectionAsync();
        string id = TestObjects.NewId();
        await Store.AddObjectsAsync(collection, [TestObjects.Version(id, TestObjects.At(1))], cancellationToken: Ct);

        Assert.True(await Store.ContainsObjectAsync(collection, id, cancellationToken: Ct));
        Assert.False(await Store.ContainsObjectAsync(collection, TestObjects.NewId(), cancellationToken: Ct));
        Assert.Empty(await ReadAllAsync(collection, new ObjectFilter { Ids = [id], Versions = VersionFilter.Exactly(StixTimestamp.Parse(TestObjects.At(9))) }));
    }

    [Fact]
    public async Task Bad_arguments_are_refused_before_anything_is_read_or_written()
    {
        Guid collection = await NewCollectionAsync();

        Assert.Throws<ArgumentException>(() => new ObjectToAdd("not an id", "2.1", null, "{}"u8.ToArray()));
        Assert.Throws<ArgumentException>(() => new ObjectToAdd(TestObjects.NewId(), "", null, "{}"u8.ToArray()));
        Assert.Throws<ArgumentException>(() => new ObjectToAdd(TestObjects.NewId(), "2.1", null, ReadOnlyMemory<byte>.Empty));
        Assert.Throws<ArgumentException>(() => Store.ReadObjectsAsync(collection, new ObjectFilter { Ids = Enumerable.Range(0, ObjectFilter.MaxValues + 1).Select(_ => TestObjects.NewId()).ToArray() }, cancellationToken: Ct));
        Assert.Throws<ArgumentException>(() => Store.ReadObjectsAsync(collection, new ObjectFilter { Versions = new VersionFilter() }, cancellationToken: Ct));
        Assert.Throws<ArgumentOutOfRangeException>(() => Store.ReadObjectsAsync(collection, ObjectFilter.None, pageSizeHint: -1, cancellationToken: Ct));
        await Assert.ThrowsAsync<ArgumentNullException>(() => Store.AddObjectsAsync(collection, [null!], cancellationToken: Ct));
        Assert.Empty(await ReadAllAsync(collection));
    }
}
