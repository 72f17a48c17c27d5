using Detente.Stix;

namespace Detente.Storage.Tests;

public abstract partial class StoreContractTests
{
    /// <summary>Pages through a collection the way the node does: read, keep <paramref name="limit"/> the policy lets
    /// through, hand out the cursor of the last one kept, and continue from the cursor.</summary>
    protected async Task<List<List<StoredObject>>> PageAsync(Guid collection, ObjectFilter filter, int limit, Func<StoredObject, bool>? visible = null)
    {
        var pages = new List<List<StoredObject>>();
        string? next = null;
        while (true)
        {
            DateTimeOffset? after = null;
            if (next is not null)
            {
                Assert.Equal(CursorStatus.Valid, Store.Cursors.TryDecode(next, collection, filter, out DateTimeOffset position));
                after = position;
            }

            var page = new List<StoredObject>();
            bool more = false;
            await foreach (StoredObject o in Store.ReadObjectsAsync(collection, filter, after, limit, Ct))
            {
                if (visible is not null && !visible(o))
                {
                    continue;
                }

                if (page.Count == limit)
                {
                    more = true;
                    break;
                }

                page.Add(o);
            }

            pages.Add(page);
            if (!more)
            {
                return pages;
            }

            next = Store.Cursors.Encode(collection, filter, page[^1].DateAdded);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(50)]
    [InlineData(1000)]
    public async Task Paging_returns_every_version_once_in_order_whatever_the_page_size(int limit)
    {
        Guid collection = await NewCollectionAsync();
        var ids = new List<string>();
        for (int b = 0; b < 5; b++)
        {
            ObjectToAdd[] batch = Enumerable.Range(0, 40).Select(_ => TestObjects.Version(TestObjects.NewId(), TestObjects.At(1))).ToArray();
            ids.AddRange(batch.Select(o => o.Id));
            await Store.AddObjectsAsync(collection, batch, cancellationToken: Ct);
        }

        List<List<StoredObject>> pages = await PageAsync(collection, ObjectFilter.None, limit);

        Assert.Equal(ids, pages.SelectMany(p => p).Select(o => o.Id));
        Assert.All(pages.SkipLast(1), p => Assert.Equal(limit, p.Count));
        Assert.Equal((ids.Count + limit - 1) / limit, pages.Count);
    }

    [Fact]
    public async Task Withheld_versions_neither_fill_pages_nor_signal_more()
    {
        Guid collection = await NewCollectionAsync();
        ObjectToAdd[] batch = Enumerable.Range(0, 30).Select(i => TestObjects.Version(TestObjects.NewId(i % 3 == 0 ? "indicator" : "malware"), TestObjects.At(1))).ToArray();
        await Store.AddObjectsAsync(collection, batch, cancellationToken: Ct);
        // The last 8 versions are all withheld: the page before them must not say "more".
        await Store.AddObjectsAsync(collection, Enumerable.Range(0, 8).Select(_ => TestObjects.Version(TestObjects.NewId("malware"), TestObjects.At(1))).ToArray(), cancellationToken: Ct);

        List<List<StoredObject>> pages = await PageAsync(collection, ObjectFilter.None, 4, o => o.Type == "indicator");

        Assert.Equal(batch.Where(o => o.Type == "indicator").Select(o => o.Id), pages.SelectMany(p => p).Select(o => o.Id));
        Assert.Equal([4, 4, 2], pages.Select(p => p.Count));
    }

    [Fact]
    public async Task Paging_while_others_write_never_skips_nor_repeats_a_version()
    {
        Guid collection = await NewCollectionAsync();
        const int Writers = 4, Batches = 15, BatchSize = 20;
        var written = new System.Collections.Concurrent.ConcurrentBag<string>();
        int running = Writers;

        async Task WriteAsync()
        {
            try
            {
                for (int b = 0; b < Batches; b++)
                {
                    ObjectToAdd[] batch = Enumerable.Range(0, BatchSize).Select(_ => TestObjects.Version(TestObjects.NewId(), TestObjects.At(1))).ToArray();
                    await Store.AddObjectsAsync(collection, batch);
                    foreach (ObjectToAdd o in batch)
                    {
                        written.Add(o.Id);
                    }
                }
            }
            finally
            {
                Interlocked.Decrement(ref running);
            }
        }

        // The pager reads small pages from wherever it stopped, as long as writers run, then once more to the end.
        async Task<List<StoredObject>> PageWhileWritingAsync()
        {
            var seen = new List<StoredObject>();
            DateTimeOffset? after = null;
            bool last = false;
            while (true)
            {
                bool writing = Volatile.Read(ref running) > 0;
                List<StoredObject> page = await Store.ReadObjectsAsync(collection, ObjectFilter.None, after, 7, Ct).Take(7).ToListAsync(Ct);
                seen.AddRange(page);
                if (page.Count > 0)
                {
                    after = page[^1].DateAdded;
                }
                else if (last)
                {
                    return seen;
                }
                else
                {
                    last = !writing;
                    await Task.Yield();
                }
            }
        }

        Task<List<StoredObject>> pager = Task.Run(PageWhileWritingAsync);
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(_ => Task.Run(WriteAsync)));
        List<StoredObject> seen = await pager;

        Assert.Equal(Writers * Batches * BatchSize, seen.Count);
        Assert.Equal(written.Order(StringComparer.Ordinal), seen.Select(o => o.Id).Order(StringComparer.Ordinal));
        Assert.Equal(seen.Select(o => o.DateAdded).Order(), seen.Select(o => o.DateAdded));
        Assert.Equal(seen.Count, seen.Select(o => o.DateAdded).Distinct().Count());
    }

    [Fact]
    public async Task A_cursor_is_bound_to_its_collection_and_filters()
    {
        Guid collection = await NewCollectionAsync();
        Guid other = await NewCollectionAsync();
        var filter = new ObjectFilter { Types = ["indicator", "malware"], Versions = VersionFilter.All, AddedAfter = StixTimestamp.Parse("2025-01-01T00:00:00.5Z") };
        DateTimeOffset position = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        string cursor = Store.Cursors.Encode(collection, filter, position);

        // Equal filters written differently read the same cursor.
        var same = filter with { Types = ["malware", "indicator", "malware"], AddedAfter = StixTimestamp.Parse("2025-01-01T00:00:00.500Z") };
        Assert.Equal(CursorStatus.Valid, Store.Cursors.TryDecode(cursor, collection, same, out DateTimeOffset decoded));
        Assert.Equal(position, decoded);

        Assert.Equal(CursorStatus.Invalid, Store.Cursors.TryDecode(cursor, other, filter, out _));
        Assert.Equal(CursorStatus.Invalid, Store.Cursors.TryDecode(cursor, collection, filter with { Types = ["indicator"] }, out _));
        Assert.Equal(CursorStatus.Invalid, Store.Cursors.TryDecode(cursor, collection, filter with { Versions = VersionFilter.Last }, out _));
        Assert.Equal(CursorStatus.Invalid, Store.Cursors.TryDecode(cursor, collection, filter with { AddedAfter = null }, out _));
        Assert.Equal(CursorStatus.Invalid, Store.Cursors.TryDecode(cursor, collection, filter with { SpecVersions = ["2.1"] }, out _));
    }

    [Fact]
    public async Task A_tampered_or_foreign_cursor_is_refused_with_a_reason()
    {
        Guid collection = await NewCollectionAsync();
        string cursor = Store.Cursors.Encode(collection, ObjectFilter.None, new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

        for (int i = 0; i < cursor.Length; i++)
        {
            char replacement = Alphabet[(Alphabet.IndexOf(cursor[i], StringComparison.Ordinal) + 1) % Alphabet.Length];
            string altered = string.Concat(cursor.AsSpan(0, i), [replacement], cursor.AsSpan(i + 1));
            CursorStatus status = Store.Cursors.TryDecode(altered, collection, ObjectFilter.None, out DateTimeOffset after);
            Assert.NotEqual(CursorStatus.Valid, status);
            Assert.Equal(default, after);
        }

        Assert.Equal(CursorStatus.Malformed, Store.Cursors.TryDecode(null, collection, ObjectFilter.None, out _));
        Assert.Equal(CursorStatus.Malformed, Store.Cursors.TryDecode("", collection, ObjectFilter.None, out _));
        Assert.Equal(CursorStatus.Malformed, Store.Cursors.TryDecode(cursor + "A", collection, ObjectFilter.None, out _));
        Assert.Equal(CursorStatus.Malformed, Store.Cursors.TryDecode(new string('!', cursor.Length), collection, ObjectFilter.None, out _));
        Assert.Equal(CursorStatus.UnsupportedVersion, Store.Cursors.TryDecode("Ag" + cursor[2..], collection, ObjectFilter.None, out _));

        // A cursor of another store (another key) is refused too.
        var other = new CursorCodec(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        Assert.Equal(CursorStatus.Invalid, other.TryDecode(cursor, collection, ObjectFilter.None, out _));
    }
}
