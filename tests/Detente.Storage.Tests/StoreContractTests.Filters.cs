using Detente.Stix;

namespace Detente.Storage.Tests;

public abstract partial class StoreContractTests
{
    [Fact]
    public async Task Added_after_is_exclusive()
    {
        Guid collection = await NewCollectionAsync();
        AddObjectsResult added = await Store.AddObjectsAsync(collection,
            [TestObjects.Version(TestObjects.NewId(), TestObjects.At(1)), TestObjects.Version(TestObjects.NewId(), TestObjects.At(1))], cancellationToken: Ct);
        DateTimeOffset first = added.Objects[0].DateAdded;

        List<StoredObject> after = await ReadAllAsync(collection, new ObjectFilter { AddedAfter = StixTimestamp.FromDateTimeOffset(first, 6) });

        Assert.Equal(added.Objects[1].Id, Assert.Single(after).Id);
        Assert.Empty(await ReadAllAsync(collection, new ObjectFilter { AddedAfter = StixTimestamp.FromDateTimeOffset(added.Objects[1].DateAdded, 6) }));
    }

    [Theory]
    [InlineData("2026-01-01T00:00:00.0000009Z", new[] { 1, 2 })] // 0.9 µs: before the version added at 1 µs
    [InlineData("2026-01-01T00:00:00.000001Z", new[] { 2 })]
    [InlineData("2026-01-01T00:00:00.000001000Z", new[] { 2 })]
    [InlineData("2026-01-01T00:00:00.0000010001Z", new[] { 2 })] // a nanosecond fraction past 1 µs
    [InlineData("2026-01-01T00:00:00.0000019999999Z", new[] { 2 })]
    [InlineData("2026-01-01T00:00:00.000002Z", new int[0])]
    [InlineData("2025-12-31T23:59:59Z", new[] { 0, 1, 2 })]
    public async Task Added_after_compares_at_the_precision_written(string addedAfter, int[] expected)
    {
        Guid collection = await NewCollectionAsync();
        Clock.Set(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)); // the three versions get 0, 1 and 2 µs
        string[] ids = [TestObjects.NewId(), TestObjects.NewId(), TestObjects.NewId()];
        await Store.AddObjectsAsync(collection, ids.Select(id => TestObjects.Version(id, TestObjects.At(1))).ToArray(), cancellationToken: Ct);

        List<StoredObject> found = await ReadAllAsync(collection, new ObjectFilter { AddedAfter = StixTimestamp.Parse(addedAfter) });

        Assert.Equal(expected.Select(i => ids[i]), found.Select(o => o.Id));
    }

    [Fact]
    public async Task Ids_and_types_select_objects_and_combine_with_and()
    {
        Guid collection = await NewCollectionAsync();
        string indicator = TestObjects.NewId("indicator"), malware = TestObjects.NewId("malware"), other = TestObjects.NewId("indicator");
        await Store.AddObjectsAsync(collection,
            [TestObjects.Version(indicator, TestObjects.At(1)), TestObjects.Version(malware, TestObjects.At(1)), TestObjects.Version(other, TestObjects.At(1))], cancellationToken: Ct);

        Assert.Equal([indicator, other], (await ReadAllAsync(collection, new ObjectFilter { Types = ["indicator"] })).Select(o => o.Id));
        Assert.Equal([indicator, malware], (await ReadAllAsync(collection, new ObjectFilter { Ids = [malware, indicator, indicator] })).Select(o => o.Id));
        Assert.Equal([malware], (await ReadAllAsync(collection, new ObjectFilter { Ids = [malware, indicator], Types = ["malware", "tool"] })).Select(o => o.Id));
        Assert.Empty(await ReadAllAsync(collection, new ObjectFilter { Ids = [other], Types = ["malware"] }));
    }

    [Fact]
    public async Task Version_selectors_pick_first_last_all_and_exact_timestamps()
    {
        Guid collection = await NewCollectionAsync();
        string id = TestObjects.NewId();
        // Added out of order: the date_added order is 2, 1, 3; the version order 1, 2, 3.
        await Store.AddObjectsAsync(collection,
            [TestObjects.Version(id, TestObjects.At(2)), TestObjects.Version(id, TestObjects.At(1)), TestObjects.Version(id, TestObjects.At(3))], cancellationToken: Ct);

        async Task<string[]> Versions(VersionFilter v) =>
            (await ReadAllAsync(collection, new ObjectFilter { Versions = v })).Select(o => o.Version.ToString()).ToArray();

        Assert.Equal([TestObjects.At(3)], await Versions(VersionFilter.Last));
        Assert.Equal([TestObjects.At(1)], await Versions(VersionFilter.First));
        Assert.Equal([TestObjects.At(2), TestObjects.At(1), TestObjects.At(3)], await Versions(VersionFilter.All));
        Assert.Equal([TestObjects.At(1), TestObjects.At(3)], await Versions(VersionFilter.First with { IncludeLast = true }));
        Assert.Equal([TestObjects.At(2)], await Versions(VersionFilter.Exactly(StixTimestamp.Parse(TestObjects.At(2)))));
        Assert.Equal([TestObjects.At(2), TestObjects.At(3)], await Versions(VersionFilter.Last with { Timestamps = [StixTimestamp.Parse(TestObjects.At(2))] }));
        Assert.Equal([TestObjects.At(2), TestObjects.At(1), TestObjects.At(3)], await Versions(VersionFilter.All with { IncludeFirst = true }));
        Assert.Empty(await Versions(VersionFilter.Exactly(StixTimestamp.Parse(TestObjects.At(4)))));
    }

    [Fact]
    public async Task Version_timestamps_match_as_instants_at_full_precision()
    {
        Guid collection = await NewCollectionAsync();
        string id = TestObjects.NewId();
        await Store.AddObjectsAsync(collection,
            [TestObjects.Version(id, "2025-01-01T00:00:00.123456789Z"), TestObjects.Version(id, "2025-01-01T00:00:00.1234567Z"), TestObjects.Version(id, "2025-01-01T00:00:00.5Z")], cancellationToken: Ct);

        async Task<string[]> Exactly(string t) =>
            (await ReadAllAsync(collection, new ObjectFilter { Versions = VersionFilter.Exactly(StixTimestamp.Parse(t)) })).Select(o => o.Version.ToString()).ToArray();

        Assert.Equal(["2025-01-01T00:00:00.123456789Z"], await Exactly("2025-01-01T00:00:00.1234567890Z"));
        Assert.Equal(["2025-01-01T00:00:00.1234567Z"], await Exactly("2025-01-01T00:00:00.12345670Z"));
        Assert.Equal(["2025-01-01T00:00:00.5Z"], await Exactly("2025-01-01T00:00:00.500Z"));
        Assert.Empty(await Exactly("2025-01-01T00:00:00.123456Z"));
        // 0.5 s is later than 0.123456789 s although "5" is a shorter fraction: the last version is 0.5.
        Assert.Equal("2025-01-01T00:00:00.5Z", Assert.Single(await ReadAllAsync(collection)).Version.ToString());
        Assert.Equal("2025-01-01T00:00:00.1234567Z", Assert.Single(await ReadAllAsync(collection, new ObjectFilter { Versions = VersionFilter.First })).Version.ToString());
    }

    [Fact]
    public async Task Without_a_spec_version_filter_only_the_latest_spec_version_of_each_object_is_read()
    {
        Guid collection = await NewCollectionAsync();
        string mixed = TestObjects.NewId(), old = TestObjects.NewId();
        // The 2.0 version of `mixed` is its most recent by modified, but 2.1 is its latest spec version.
        await Store.AddObjectsAsync(collection,
        [
            TestObjects.Version(mixed, TestObjects.At(1), "2.1"), TestObjects.Version(mixed, TestObjects.At(2), "2.1"),
            TestObjects.Version(mixed, TestObjects.At(3), "2.0"), TestObjects.Version(old, TestObjects.At(1), "2.0"),
        ], cancellationToken: Ct);

        string[] Describe(List<StoredObject> found) => found.Select(o => $"{(o.Id == mixed ? "mixed" : "old")} {o.SpecVersion} {o.Version}").ToArray();

        Assert.Equal([$"mixed 2.1 {TestObjects.At(2)}", $"old 2.0 {TestObjects.At(1)}"], Describe(await ReadAllAsync(collection)));
        Assert.Equal([$"mixed 2.1 {TestObjects.At(1)}", $"mixed 2.1 {TestObjects.At(2)}", $"old 2.0 {TestObjects.At(1)}"],
            Describe(await ReadAllAsync(collection, new ObjectFilter { Versions = VersionFilter.All })));
        // With spec versions given, first and last are among the versions in those spec versions.
        Assert.Equal([$"mixed 2.0 {TestObjects.At(3)}", $"old 2.0 {TestObjects.At(1)}"],
            Describe(await ReadAllAsync(collection, new ObjectFilter { SpecVersions = ["2.0"] })));
        Assert.Equal([$"mixed 2.1 {TestObjects.At(1)}", $"old 2.0 {TestObjects.At(1)}"],
            Describe(await ReadAllAsync(collection, new ObjectFilter { SpecVersions = ["2.1", "2.0"], Versions = VersionFilter.First })));
        Assert.Equal([$"mixed 2.0 {TestObjects.At(3)}", $"old 2.0 {TestObjects.At(1)}"],
            Describe(await ReadAllAsync(collection, new ObjectFilter { SpecVersions = ["2.0", "2.1"] })));
        Assert.Equal([$"mixed 2.1 {TestObjects.At(1)}"],
            Describe(await ReadAllAsync(collection, new ObjectFilter { SpecVersions = ["2.1"], Versions = VersionFilter.First })));
    }

    [Fact]
    public async Task An_older_version_added_late_is_not_the_latest_version()
    {
        Guid collection = await NewCollectionAsync();
        string id = TestObjects.NewId();
        AddedObject newer = Assert.Single((await Store.AddObjectsAsync(collection, [TestObjects.Version(id, TestObjects.At(5))], cancellationToken: Ct)).Objects);
        await Store.AddObjectsAsync(collection, [TestObjects.Version(id, TestObjects.At(4))], cancellationToken: Ct);

        var sinceNewer = new ObjectFilter { AddedAfter = StixTimestamp.FromDateTimeOffset(newer.DateAdded, 6) };
        Assert.Empty(await ReadAllAsync(collection, sinceNewer));
        Assert.Equal(TestObjects.At(4), Assert.Single(await ReadAllAsync(collection, sinceNewer with { Versions = VersionFilter.All })).Version.ToString());
    }

    [Fact]
    public async Task Results_come_oldest_date_added_first()
    {
        Guid collection = await NewCollectionAsync();
        string[] ids = Enumerable.Range(0, 20).Select(_ => TestObjects.NewId()).ToArray();
        foreach (string[] batch in ids.Chunk(3))
        {
            await Store.AddObjectsAsync(collection, batch.Reverse().Select(id => TestObjects.Version(id, TestObjects.At(1))).ToArray(), cancellationToken: Ct);
        }

        List<StoredObject> all = await ReadAllAsync(collection);
        Assert.Equal(ids.Chunk(3).SelectMany(b => b.Reverse()), all.Select(o => o.Id));
        Assert.Equal(all.Select(o => o.DateAdded).Order(), all.Select(o => o.DateAdded));
    }

    [Fact]
    public async Task Manifest_records_carry_id_date_added_version_and_media_type()
    {
        Guid collection = await NewCollectionAsync();
        string id = TestObjects.NewId();
        AddedObject added = Assert.Single((await Store.AddObjectsAsync(collection, [TestObjects.Version(id, TestObjects.At(7), "2.0")], cancellationToken: Ct)).Objects);

        ManifestRecord record = Assert.Single(await ReadAllAsync(collection)).ToManifestRecord();

        Assert.Equal(new ManifestRecord(id, added.DateAdded, StixTimestamp.Parse(TestObjects.At(7)), "application/stix+json;version=2.0"), record);
    }

    [Fact]
    public async Task An_objects_versions_are_listed_oldest_first_in_its_latest_spec_version()
    {
        Guid collection = await NewCollectionAsync();
        string id = TestObjects.NewId();
        await Store.AddObjectsAsync(collection, [TestObjects.Version(id, TestObjects.At(1), "2.0")], cancellationToken: Ct);
        AddObjectsResult later = await Store.AddObjectsAsync(collection,
            [TestObjects.Version(id, TestObjects.At(3)), TestObjects.Version(id, TestObjects.At(2)), TestObjects.Version(TestObjects.NewId(), TestObjects.At(1))], cancellationToken: Ct);

        List<StoredObject> versions = await ReadAllAsync(collection, ObjectFilter.VersionsOf(id));
        Assert.Equal([TestObjects.At(3), TestObjects.At(2)], versions.Select(v => v.Version.ToString()));
        Assert.Equal([later.Objects[0].DateAdded, later.Objects[1].DateAdded], versions.Select(v => v.DateAdded));
        Assert.Equal([TestObjects.At(1), TestObjects.At(3), TestObjects.At(2)],
            (await ReadAllAsync(collection, ObjectFilter.VersionsOf(id, specVersions: ["2.0", "2.1"]))).Select(v => v.Version.ToString()));
        Assert.Equal([TestObjects.At(2)],
            (await ReadAllAsync(collection, ObjectFilter.VersionsOf(id, StixTimestamp.FromDateTimeOffset(later.Objects[0].DateAdded, 6)))).Select(v => v.Version.ToString()));
    }
}
