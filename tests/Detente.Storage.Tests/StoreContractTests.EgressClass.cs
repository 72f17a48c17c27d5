namespace Detente.Storage.Tests;

/// <summary>The egress class of each version: kept, selected by, skipped in an index, and given to older versions.</summary>
public abstract partial class StoreContractTests
{
    /// <summary>Turns the (closed) database back into one written before schema migration 14 (no egress classes).</summary>
    protected abstract Task RewindToSchema13Async();

    /// <summary>
    /// How many stored rows (table or index entries) the database visits to answer one batch of the read of
    /// <paramref name="filter"/> from the start of <paramref name="collection"/>, <paramref name="limit"/> rows at most: a
    /// count of work, not of time (SQLite: the statement's virtual-machine steps; PostgreSQL: the rows its scans return
    /// or remove by filter, from <c>EXPLAIN ANALYZE</c>).
    /// </summary>
    protected abstract Task<long> RowsReadAsync(Guid collection, ObjectFilter filter, int limit);

    private static ObjectToAdd Classed(string id, int n, byte egressClass) => TestObjects.Version(id, TestObjects.At(n)) with { EgressClass = egressClass };

    [Fact]
    public async Task A_read_by_egress_class_returns_only_versions_of_that_class_and_latest_stays_over_every_class()
    {
        Guid collection = await NewCollectionAsync();
        string open = TestObjects.NewId();
        string closedLatest = TestObjects.NewId();
        await Store.AddObjectsAsync(collection,
            [Classed(open, 1, 0), Classed(closedLatest, 1, 0), Classed(closedLatest, 2, 1)], cancellationToken: Ct);

        // The latest version of closedLatest is of class 1: a class-0 read of latest versions has no version of it, and
        // its older class-0 version is not the latest.
        Assert.Equal([open], (await ReadAllAsync(collection, new ObjectFilter { EgressClass = 0 })).Select(o => o.Id));
        StoredObject older = Assert.Single(await ReadAllAsync(collection, new ObjectFilter { EgressClass = 0, Ids = [closedLatest], Versions = VersionFilter.All }));
        Assert.False(older.IsLatest);
        Assert.Equal(TestObjects.At(1), older.Version.ToString());
        Assert.Equal([closedLatest], (await ReadAllAsync(collection, new ObjectFilter { EgressClass = 1 })).Select(o => o.Id));
        Assert.Equal(2, (await ReadAllAsync(collection)).Count);
        IReadOnlyDictionary<string, StoredObject> latest = await Store.ReadLatestVersionsAsync(collection, [closedLatest], Ct);
        Assert.Equal(TestObjects.At(2), latest[closedLatest].Version.ToString());
        // "first" is the first of every class.
        Assert.Empty(await ReadAllAsync(collection, new ObjectFilter { EgressClass = 1, Ids = [closedLatest], Versions = VersionFilter.First }));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Rows_read_for_a_page_of_one_class_do_not_grow_with_versions_of_another_class_between_them(bool allVersions)
    {
        Guid quiet = await NewCollectionAsync();
        Guid crowded = await NewCollectionAsync();
        const int Visible = 8;
        const int Between = 150;
        int n = 0;
        var superseded = new List<string>();
        for (int v = 0; v < Visible; v++)
        {
            await Store.AddObjectsAsync(quiet, [Classed(TestObjects.NewId(), ++n, 0)], cancellationToken: Ct);
            var batch = new List<ObjectToAdd> { Classed(TestObjects.NewId(), ++n, 0) };
            for (int w = 0; w < Between; w++)
            {
                batch.Add(Classed(TestObjects.NewId(), ++n, 1));
                if (!allVersions)
                {
                    // For the latest versions, older versions of the same class are skipped too (objects_latest_class):
                    // each gets a newer version at the end of the collection, past the page.
                    string id = TestObjects.NewId();
                    superseded.Add(id);
                    batch.Add(Classed(id, ++n, 0));
                }
            }

            await Store.AddObjectsAsync(crowded, batch, cancellationToken: Ct);
        }

        await Store.AddObjectsAsync(crowded, [.. superseded.Select(id => Classed(id, ++n, 0))], cancellationToken: Ct);

        ObjectFilter filter = new() { EgressClass = 0, Versions = allVersions ? VersionFilter.All : VersionFilter.Last };
        Assert.Equal(Visible + superseded.Count, (await ReadAllAsync(crowded, filter)).Count);
        long quietRows = await RowsReadAsync(quiet, filter, 4);
        long crowdedRows = await RowsReadAsync(crowded, filter, 4);
        Assert.Equal(quietRows, crowdedRows);

        // The count measures what it claims: without the class, the crowded collection's page reads past the other class.
        ObjectFilter unclassed = filter with { EgressClass = null, Types = ["attack-pattern"] };
        Assert.True(await RowsReadAsync(crowded, unclassed, 4) > await RowsReadAsync(quiet, unclassed, 4) + Between);
    }

    [Fact]
    public async Task Versions_stored_before_egress_classes_are_classified_once_at_the_callers_request()
    {
        Guid collection = await NewCollectionAsync();
        string red = TestObjects.NewId();
        string green = TestObjects.NewId();
        string deleted = TestObjects.NewId();
        await Store.AddObjectsAsync(collection,
            [Classed(red, 1, 0), Classed(red, 2, 0), Classed(green, 1, 0), Classed(deleted, 1, 0)], cancellationToken: Ct);
        Assert.Equal(0, await Store.ClassifyPendingVersionsAsync(_ => 1, cancellationToken: Ct));
        await Store.DisposeAsync();
        Store = null!;
        await RewindToSchema13Async();
        Store = await OpenStoreAsync(Clock);
        await Store.DeleteObjectAsync(collection, deleted, cancellationToken: Ct);

        // Until classified, every version has class 0 (restricts no reader).
        Assert.Equal(2, (await ReadAllAsync(collection, new ObjectFilter { EgressClass = 0 })).Count);
        var seen = new List<string>();
        Assert.Equal(2, await Store.ClassifyPendingVersionsAsync(v =>
        {
            seen.Add(v.Id + "@" + v.Version);
            return v.Id == red ? (byte)1 : (byte)0;
        }, batchSize: 2, Ct));
        Assert.Equal(2, await Store.ClassifyPendingVersionsAsync(v =>
        {
            seen.Add(v.Id + "@" + v.Version);
            return v.Id == red ? (byte)1 : (byte)0;
        }, batchSize: 2, Ct));
        Assert.Equal(0, await Store.ClassifyPendingVersionsAsync(_ => throw new InvalidOperationException("nothing is pending"), cancellationToken: Ct));
        // Oldest first; the deleted version was forgotten without a call.
        Assert.Equal([red + "@" + TestObjects.At(1), red + "@" + TestObjects.At(2), green + "@" + TestObjects.At(1)], seen);
        Assert.Equal([green], (await ReadAllAsync(collection, new ObjectFilter { EgressClass = 0 })).Select(o => o.Id));
        Assert.Equal(2, (await ReadAllAsync(collection, new ObjectFilter { EgressClass = 1, Versions = VersionFilter.All })).Count);
        await ReopenAsync();
        Assert.Equal(0, await Store.ClassifyPendingVersionsAsync(_ => 1, cancellationToken: Ct));
    }
}
