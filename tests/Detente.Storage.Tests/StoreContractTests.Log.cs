using Detente.Ledger.Auditing;
using Detente.Ledger.Entries;
using Detente.Ledger.Notes;
using Detente.Ledger.Sequencing;
using Detente.Ledger.Tiles;
using Detente.Stix;
using Detente.Stix.Signatures;

namespace Detente.Storage.Tests;

public abstract partial class StoreContractTests
{
    private static readonly StixReader s_reader = new();

    private static StixObject Parse(ObjectToAdd o) => s_reader.ReadObject(o.Json.Span);

    private async Task<LogEntry[]> ReadLogAsync()
    {
        long size = await Store.GetLogSizeAsync(Ct);
        IReadOnlyList<ReadOnlyMemory<byte>> entries = size == 0 ? [] : await Store.ReadLogEntriesAsync(0, checked((int)size), Ct);
        Assert.Equal(size, entries.Count);
        return entries.Select(e => LogEntry.Parse(e.Span)).ToArray();
    }

    [Fact]
    public async Task An_object_given_in_canonical_form_is_logged_with_the_same_commitment_as_one_the_store_canonicalizes()
    {
        Guid collection = await NewCollectionAsync();
        ObjectToAdd odd = TestObjects.Version(TestObjects.NewId(), TestObjects.At(1));
        StixObject parsed = Parse(odd);
        ObjectToAdd canonical = ObjectToAdd.From(parsed, parsed.Canonicalize()) with { JsonIsCanonical = true };

        AddObjectsResult added = await Store.AddObjectsAsync(collection, [canonical], Ct);

        LogEntry entry = Assert.Single(await ReadLogAsync());
        LogEntryRecord record = (await Store.FindLogEntryAsync(collection, added.Objects[0].DateAdded, Ct))!;
        Assert.True(entry.Matches(parsed, record.Salt.Span));
        Assert.True(entry.Matches(Parse(odd), record.Salt.Span));
    }

    [Fact]
    public async Task Adding_objects_logs_one_salted_entry_per_new_version_in_the_same_transaction()
    {
        Guid collection = await NewCollectionAsync();
        string id = TestObjects.NewId();
        ObjectToAdd first = TestObjects.Version(id, TestObjects.At(1));
        ObjectToAdd second = TestObjects.Version(id, TestObjects.At(2));
        Assert.Equal(0, await Store.GetLogSizeAsync(Ct));

        AddObjectsResult added = await Store.AddObjectsAsync(collection, [first, second, first], Ct);
        AddObjectsResult again = await Store.AddObjectsAsync(collection, [second], Ct);

        Assert.True(again.Objects[0].AlreadyPresent);
        LogEntry[] log = await ReadLogAsync();
        Assert.Equal(2, log.Length);
        string? origin = await Store.GetLogOriginAsync(Ct);
        Assert.NotNull(origin);
        for (int i = 0; i < 2; i++)
        {
            ObjectToAdd version = i == 0 ? first : second;
            LogEntryRecord record = (await Store.FindLogEntryAsync(collection, added.Objects[i].DateAdded, Ct))!;
            Assert.Equal(i, record.LeafIndex);
            Assert.Equal(LogAction.Publish, record.Action);
            Assert.Equal(LogEntry.SaltSize, record.Salt.Length);
            Assert.Equal(log[i].Encoded.ToArray(), record.Entry.ToArray());
            Assert.True(log[i].Matches(Parse(version), record.Salt.Span));
            Assert.False(log[i].IsClear);
            Assert.Equal(origin, log[i].Origin);
        }

        // Fresh salt per entry: the same object never yields the same commitment twice.
        Assert.NotEqual(log[0].Commitment, log[1].Commitment);
        Assert.False(log[1].Matches(Parse(first), (await Store.FindLogEntryAsync(collection, added.Objects[1].DateAdded, Ct))!.Salt.Span));
    }

    [Fact]
    public async Task A_batch_written_several_rows_per_statement_gets_consecutive_leaves_each_with_its_own_salt()
    {
        // 37 versions: statements of 16, 16, 4 and 1 rows where the backend batches them; the entries follow the adds' order.
        Guid collection = await NewCollectionAsync();
        ObjectToAdd[] versions = [.. Enumerable.Range(0, 37).Select(i => TestObjects.Version(TestObjects.NewId(), TestObjects.At(1)))];
        AddObjectsResult added = await Store.AddObjectsAsync(collection, versions, Ct);

        LogEntry[] log = await ReadLogAsync();
        Assert.Equal(37, log.Length);
        IReadOnlyList<LogEntryRecord?> records = await Store.FindLogEntriesAsync(collection, [.. added.Objects.Select(o => o.DateAdded)], Ct);
        var salts = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < versions.Length; i++)
        {
            LogEntryRecord record = records[i]!;
            Assert.Equal(i, record.LeafIndex);
            Assert.Equal(log[i].Encoded.ToArray(), record.Entry.ToArray());
            Assert.True(log[i].Matches(Parse(versions[i]), record.Salt.Span));
            Assert.True(salts.Add(Convert.ToHexString(record.Salt.Span)));
        }
    }

    [Fact]
    public async Task Log_entries_are_found_in_bulk_in_the_order_asked_with_null_for_a_version_without_one()
    {
        Guid collection = await NewCollectionAsync();
        // 300 versions: more than one statement's list of 128.
        ObjectToAdd[] versions = [.. Enumerable.Range(0, 300).Select(i => TestObjects.Version(TestObjects.NewId(), TestObjects.At(1)))];
        AddObjectsResult added = await Store.AddObjectsAsync(collection, versions, Ct);

        DateTimeOffset[] asked = [.. added.Objects.Select(o => o.DateAdded).Reverse(), added.Objects.Max(o => o.DateAdded).AddSeconds(1), DateTimeOffset.UnixEpoch];
        IReadOnlyList<LogEntryRecord?> found = await Store.FindLogEntriesAsync(collection, asked, Ct);

        Assert.Equal(asked.Length, found.Count);
        for (int i = 0; i < 300; i++)
        {
            LogEntryRecord single = (await Store.FindLogEntryAsync(collection, asked[i], Ct))!;
            Assert.Equal(single.LeafIndex, found[i]!.LeafIndex);
            Assert.Equal(single.Salt.ToArray(), found[i]!.Salt.ToArray());
            Assert.Equal(single.Entry.ToArray(), found[i]!.Entry.ToArray());
        }

        // Instants with no version have none.
        Assert.Null(found[300]);
        Assert.Null(found[301]);
        Assert.Empty(await Store.FindLogEntriesAsync(collection, [], Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.FindLogEntriesAsync(collection, [.. Enumerable.Repeat(asked[0], ObjectFilter.MaxValues + 1)], Ct));
    }

    [Fact]
    public async Task A_revoked_version_is_logged_as_revoke_and_deletions_as_delete_entries()
    {
        Guid collection = await NewCollectionAsync();
        string id = TestObjects.NewId();
        ObjectToAdd live = TestObjects.Version(id, TestObjects.At(1));
        StixObject revokedObject = Parse(TestObjects.Version(id, TestObjects.At(2))).With("revoked", Detente.Stix.Json.JsonValue.True);
        byte[] revokedJson = revokedObject.Canonicalize();
        ObjectToAdd revoked = ObjectToAdd.From(revokedObject, revokedJson);

        AddObjectsResult added = await Store.AddObjectsAsync(collection, [live, revoked], Ct);
        Assert.Equal(2, await Store.DeleteObjectAsync(collection, id, cancellationToken: Ct));

        LogEntry[] log = await ReadLogAsync();
        Assert.Equal([LogAction.Publish, LogAction.Revoke, LogAction.Delete, LogAction.Delete], log.Select(e => e.Action));
        Assert.Equal(LogAction.Revoke, (await Store.FindLogEntryAsync(collection, added.Objects[1].DateAdded, Ct))!.Action);
        // Each delete entry commits to one deleted version, with a salt of its own.
        Assert.NotEqual(log[2].Commitment, log[0].Commitment);
    }

    [Fact]
    public async Task A_failed_add_or_a_delete_that_matches_nothing_logs_nothing()
    {
        Guid collection = await NewCollectionAsync();
        string poisoned = TestObjects.NewId();
        await Store.AddObjectsAsync(collection, [TestObjects.Version(TestObjects.NewId(), TestObjects.At(1))], Ct);
        await InjectInsertFailureAsync(poisoned);

        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => Store.AddObjectsAsync(collection,
            [TestObjects.Version(TestObjects.NewId(), TestObjects.At(2)), TestObjects.Version(poisoned, TestObjects.At(3))], Ct));
        Assert.Equal(0, await Store.DeleteObjectAsync(collection, TestObjects.NewId(), cancellationToken: Ct));

        Assert.Equal(1, await Store.GetLogSizeAsync(Ct));
        Assert.Single(await ReadLogAsync());
    }

    [Fact]
    public async Task Concurrent_writers_of_several_collections_get_consecutive_leaf_indices()
    {
        Guid[] collections = [await NewCollectionAsync(), await NewCollectionAsync(), await NewCollectionAsync()];
        await Task.WhenAll(collections.SelectMany(c => Enumerable.Range(0, 5).Select(i => Store.AddObjectsAsync(c,
            [TestObjects.Version(TestObjects.NewId(), TestObjects.At(i)), TestObjects.Version(TestObjects.NewId(), TestObjects.At(i))], Ct))));

        Assert.Equal(30, (await ReadLogAsync()).Length);
        var indices = new List<long>();
        foreach (Guid c in collections)
        {
            foreach (StoredObject o in await ReadAllAsync(c))
            {
                indices.Add((await Store.FindLogEntryAsync(c, o.DateAdded, Ct))!.LeafIndex);
            }
        }

        Assert.Equal(Enumerable.Range(0, 30).Select(i => (long)i), indices.Order());
    }

    [Fact]
    public async Task The_log_origin_is_set_once_and_never_changes_after_the_first_entry()
    {
        Assert.Null(await Store.GetLogOriginAsync(Ct));
        await Store.SetLogOriginAsync("example.org/log/one", Ct);
        await Store.SetLogOriginAsync("example.org/log/two", Ct); // no entry yet: allowed
        Assert.Equal("example.org/log/two", await Store.GetLogOriginAsync(Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.SetLogOriginAsync("has space", Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.SetLogOriginAsync("a+b", Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.SetLogOriginAsync(new string('x', 256), Ct));

        Guid collection = await NewCollectionAsync();
        await Store.AddObjectsAsync(collection, [TestObjects.Version(TestObjects.NewId(), TestObjects.At(1))], Ct);
        await Store.SetLogOriginAsync("example.org/log/two", Ct); // the same: fine
        StoreException e = await Assert.ThrowsAsync<StoreException>(() => Store.SetLogOriginAsync("example.org/log/three", Ct));

        Assert.Equal(StoreError.LogOriginMismatch, e.Error);
        Assert.Equal("example.org/log/two", await Store.GetLogOriginAsync(Ct));
        Assert.Equal("example.org/log/two", Assert.Single(await ReadLogAsync()).Origin);
    }

    [Fact]
    public async Task Without_an_origin_the_first_entry_sets_a_store_unique_default()
    {
        Guid collection = await NewCollectionAsync();
        await Store.AddObjectsAsync(collection, [TestObjects.Version(TestObjects.NewId(), TestObjects.At(1))], Ct);

        string origin = (await Store.GetLogOriginAsync(Ct))!;
        Assert.StartsWith("detente.invalid/log/", origin, StringComparison.Ordinal);
        await ReopenAsync();
        Assert.Equal(origin, await Store.GetLogOriginAsync(Ct));
    }

    [Fact]
    public async Task Tiles_and_checkpoints_commit_as_a_compare_and_swap_on_the_checkpoint_size()
    {
        ITileStore tiles = Store.LogTiles;
        using StixSigningKey key = StixSigningKey.Create();
        var sequencer = new Sequencer("example.org/log", new NoteSigner("example.org/log", key));
        Assert.Null(await tiles.ReadCheckpointAsync(Ct));

        SequencedBatch empty = new(0, LogEdge.Empty, [], LogEdge.Empty.Root(), sequencer.SignCheckpoint(LogEdge.Empty));
        Assert.True(await tiles.TryCommitAsync(empty.ToCommit(), Ct));
        SequencedBatch batch = sequencer.Append(LogEdge.Empty, Enumerable.Range(0, 300).Select(i => (ReadOnlyMemory<byte>)new byte[] { (byte)(i & 0xFF), (byte)(i >> 8) }).ToArray());
        Assert.True(await tiles.TryCommitAsync(batch.ToCommit(), Ct));

        // A sequencer that read the old size loses, and changes nothing.
        SequencedBatch stale = sequencer.Append(LogEdge.Empty, [new byte[] { 9 }]);
        Assert.False(await tiles.TryCommitAsync(stale.ToCommit(), Ct));
        Assert.Equal(batch.Checkpoint.ToBytes(), (await tiles.ReadCheckpointAsync(Ct))!.Value.ToArray());
        Assert.Null(await tiles.ReadTileAsync(TilePath.Entries(0, 1), Ct));

        foreach (TileData tile in batch.Tiles)
        {
            Assert.Equal(tile.Data.ToArray(), (await tiles.ReadTileAsync(tile.Path, Ct))!.Value.ToArray());
        }

        LogEdge reloaded = await LogEdge.LoadAsync(tiles, 300, Ct);
        Assert.Equal(batch.Root, reloaded.Root());
        LogAuditResult audit = await new LogAuditor([new NoteSigner("example.org/log", key).VerifierKey], "example.org/log")
        {
            CheckEntryFormat = false,
        }.AuditAsync(tiles, cancellationToken: Ct);
        Assert.True(audit.IsValid, audit.Discrepancy?.ToString());
        Assert.Equal(300, audit.EntriesChecked);
    }

    [Fact]
    public async Task Logged_entries_sequenced_from_the_store_audit_clean()
    {
        using StixSigningKey key = StixSigningKey.Create();
        await Store.SetLogOriginAsync("example.org/audited", Ct);
        var signer = new NoteSigner("example.org/audited", key);
        var sequencer = new Sequencer("example.org/audited", signer);
        Guid collection = await NewCollectionAsync();
        LogEdge edge = LogEdge.Empty;
        for (int round = 0; round < 3; round++)
        {
            await Store.AddObjectsAsync(collection, Enumerable.Range(0, 100).Select(i => TestObjects.Version(TestObjects.NewId(), TestObjects.At(i))).ToArray(), Ct);
            IReadOnlyList<ReadOnlyMemory<byte>> entries = await Store.ReadLogEntriesAsync(edge.Size, 1_000, Ct);
            SequencedBatch batch = sequencer.Append(edge, entries);
            Assert.True(await Store.LogTiles.TryCommitAsync(batch.ToCommit(), Ct));
            edge = batch.Edge;
        }

        LogAuditResult audit = await new LogAuditor([signer.VerifierKey], "example.org/audited").AuditAsync(Store.LogTiles, cancellationToken: Ct);
        Assert.True(audit.IsValid, audit.Discrepancy?.ToString());
        Assert.Equal(300, audit.EntriesChecked);
    }
}
