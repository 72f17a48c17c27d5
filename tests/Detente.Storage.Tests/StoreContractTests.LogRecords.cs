using Detente.Ledger.Auditing;
using Detente.Ledger.Entries;
using Detente.Ledger.Notes;
using Detente.Ledger.Sequencing;
using Detente.Stix.Json;
using Detente.Stix.Signatures;

namespace Detente.Storage.Tests;

public abstract partial class StoreContractTests
{
    private const string SessionA = "00112233445566778899aabbccddeeff";
    private const string SessionB = "ffeeddccbbaa99887766554433221100";

    private static JsonObject SessionRecord(string id, string outcome) => JsonObject.Create(
        ("type", "detente-psi-session"), ("session_id", id), ("initiator", "partner-b"), ("outcome", outcome));

    [Fact]
    public async Task A_record_entry_takes_the_next_leaf_between_object_entries_and_commits_to_its_record()
    {
        Guid collection = await NewCollectionAsync();
        await Store.AddObjectsAsync(collection, [TestObjects.Version(TestObjects.NewId(), TestObjects.At(1))], Ct);
        LogEntryRecord opened = await Store.AppendLogRecordAsync(LogAction.PsiSession, SessionA, SessionRecord(SessionA, "opened"), Ct);
        AddObjectsResult later = await Store.AddObjectsAsync(collection, [TestObjects.Version(TestObjects.NewId(), TestObjects.At(2))], Ct);
        LogEntryRecord completed = await Store.AppendLogRecordAsync(LogAction.PsiSession, SessionA, SessionRecord(SessionA, "completed"), Ct);
        await Store.AppendLogRecordAsync(LogAction.PsiSession, SessionB, SessionRecord(SessionB, "expired"), Ct);

        Assert.Equal(1, opened.LeafIndex);
        Assert.Equal(3, completed.LeafIndex);
        Assert.Equal(2, (await Store.FindLogEntryAsync(collection, later.Objects[0].DateAdded, Ct))!.LeafIndex);
        LogEntry[] log = await ReadLogAsync();
        Assert.Equal(5, log.Length);
        Assert.Equal(LogAction.PsiSession, log[1].Action);
        Assert.Equal(await Store.GetLogOriginAsync(Ct), log[1].Origin);
        Assert.Equal(log[1].Encoded.ToArray(), opened.Entry.ToArray());
        Assert.True(log[1].MatchesRecord(SessionRecord(SessionA, "opened"), SessionA, opened.Salt.Span));
        Assert.True(log[3].MatchesRecord(SessionRecord(SessionA, "completed"), SessionA, completed.Salt.Span));
        Assert.NotEqual(opened.Salt.ToArray(), completed.Salt.ToArray());

        IReadOnlyList<LogEntryRecord> found = await Store.FindLogRecordsAsync(LogAction.PsiSession, SessionA, Ct);
        Assert.Equal([1L, 3L], found.Select(static r => r.LeafIndex));
        Assert.Equal(JsonCanonicalizer.Canonicalize(SessionRecord(SessionA, "opened")), found[0].Record.ToArray());
        Assert.Equal(completed.Salt.ToArray(), found[1].Salt.ToArray());
        Assert.Equal(SessionA, found[1].RecordId);
        Assert.Equal(log[3].Encoded.ToArray(), found[1].Entry.ToArray());
        Assert.Empty(await Store.FindLogRecordsAsync(LogAction.PsiSession, "0123", Ct));
    }

    [Fact]
    public async Task Recent_records_come_newest_first_in_pages_without_object_entries()
    {
        Assert.Empty(await Store.ReadRecentLogRecordsAsync(LogAction.PsiSession, null, 10, Ct));
        Guid collection = await NewCollectionAsync();
        var appended = new List<LogEntryRecord>();
        for (int i = 0; i < 5; i++)
        {
            await Store.AddObjectsAsync(collection, [TestObjects.Version(TestObjects.NewId(), TestObjects.At(i))], Ct);
            appended.Add(await Store.AppendLogRecordAsync(LogAction.PsiSession, $"session-{i}", SessionRecord($"session-{i}", "opened"), Ct));
        }

        IReadOnlyList<LogEntryRecord> first = await Store.ReadRecentLogRecordsAsync(LogAction.PsiSession, null, 2, Ct);
        Assert.Equal([9L, 7L], first.Select(static r => r.LeafIndex));
        Assert.Equal("session-4", first[0].RecordId);
        Assert.Equal(JsonCanonicalizer.Canonicalize(SessionRecord("session-4", "opened")), first[0].Record.ToArray());
        Assert.Equal(appended[4].Salt.ToArray(), first[0].Salt.ToArray());
        Assert.Equal(appended[4].Entry.ToArray(), first[0].Entry.ToArray());

        IReadOnlyList<LogEntryRecord> next = await Store.ReadRecentLogRecordsAsync(LogAction.PsiSession, first[^1].LeafIndex, 10, Ct);
        Assert.Equal([5L, 3L, 1L], next.Select(static r => r.LeafIndex));
        Assert.Empty(await Store.ReadRecentLogRecordsAsync(LogAction.PsiSession, 1, 10, Ct));
    }

    [Fact]
    public async Task Reading_recent_records_refuses_bad_arguments()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Store.ReadRecentLogRecordsAsync(LogAction.Publish, null, 10, Ct));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.ReadRecentLogRecordsAsync(LogAction.PsiSession, null, 0, Ct));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.ReadRecentLogRecordsAsync(LogAction.PsiSession, -1, 10, Ct));
    }

    [Fact]
    public async Task A_bad_record_append_is_refused_and_appends_nothing()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Store.AppendLogRecordAsync(LogAction.Publish, SessionA, SessionRecord(SessionA, "x"), Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.AppendLogRecordAsync(LogAction.PsiSession, "", SessionRecord(SessionA, "x"), Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.AppendLogRecordAsync(LogAction.PsiSession, "a b", SessionRecord(SessionA, "x"), Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.AppendLogRecordAsync(LogAction.PsiSession, new string('a', 129), SessionRecord(SessionA, "x"), Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.AppendLogRecordAsync(LogAction.PsiSession, SessionA,
            JsonObject.Create(("big", new string('x', IStore.MaxLogRecordBytes))), Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.FindLogRecordsAsync(LogAction.Delete, SessionA, Ct));
        Assert.Equal(0, await Store.GetLogSizeAsync(Ct));
    }

    [Fact]
    public async Task Concurrent_object_adds_and_record_appends_get_consecutive_leaf_indices()
    {
        Guid collection = await NewCollectionAsync();
        Task[] writers = [.. Enumerable.Range(0, 8).Select(w => w % 2 == 0
            ? (Task)Store.AddObjectsAsync(collection, [.. Enumerable.Range(0, 5).Select(i => TestObjects.Version(TestObjects.NewId(), TestObjects.At(i)))], Ct)
            : Task.WhenAll(Enumerable.Range(0, 5).Select(i => Store.AppendLogRecordAsync(LogAction.PsiSession, $"session-{w}-{i}", SessionRecord("s", "completed"), Ct))))];
        await Task.WhenAll(writers);

        LogEntry[] log = await ReadLogAsync();
        Assert.Equal(40, log.Length);
        Assert.Equal(20, log.Count(static e => e.Action == LogAction.PsiSession));
        long[] recordLeaves = [.. (await Task.WhenAll(Enumerable.Range(0, 8).Where(static w => w % 2 == 1)
            .SelectMany(w => Enumerable.Range(0, 5).Select(i => Store.FindLogRecordsAsync(LogAction.PsiSession, $"session-{w}-{i}", Ct)))))
            .Select(static r => Assert.Single(r).LeafIndex)];
        Assert.Equal(20, recordLeaves.Distinct().Count());
    }

    [Fact]
    public async Task A_log_with_record_entries_sequenced_from_the_store_audits_clean_and_survives_reopening()
    {
        using StixSigningKey key = StixSigningKey.Create();
        await Store.SetLogOriginAsync("example.org/records", Ct);
        var signer = new NoteSigner("example.org/records", key);
        var sequencer = new Sequencer("example.org/records", signer);
        Guid collection = await NewCollectionAsync();
        await Store.AddObjectsAsync(collection, [TestObjects.Version(TestObjects.NewId(), TestObjects.At(1))], Ct);
        await Store.AppendLogRecordAsync(LogAction.PsiSession, SessionA, SessionRecord(SessionA, "completed"), Ct);
        SequencedBatch batch = sequencer.Append(LogEdge.Empty, await Store.ReadLogEntriesAsync(0, 10, Ct));
        Assert.True(await Store.LogTiles.TryCommitAsync(batch.ToCommit(), Ct));

        await ReopenAsync();

        LogAuditResult audit = await new LogAuditor([signer.VerifierKey], "example.org/records").AuditAsync(Store.LogTiles, cancellationToken: Ct);
        Assert.True(audit.IsValid, audit.Discrepancy?.ToString());
        Assert.Equal(2, audit.EntriesChecked);
        Assert.Equal(1, Assert.Single(await Store.FindLogRecordsAsync(LogAction.PsiSession, SessionA, Ct)).LeafIndex);
    }

    [Fact]
    public async Task The_object_log_position_moves_with_object_changes_only()
    {
        Assert.Equal(0, await Store.GetObjectLogPositionAsync(Ct));
        await Store.AppendLogRecordAsync(LogAction.PsiSession, SessionA, SessionRecord(SessionA, "opened"), Ct);
        Assert.Equal(0, await Store.GetObjectLogPositionAsync(Ct));

        Guid collection = await NewCollectionAsync();
        string id = TestObjects.NewId();
        await Store.AddObjectsAsync(collection, [TestObjects.Version(id, TestObjects.At(1))], Ct);
        Assert.Equal(2, await Store.GetObjectLogPositionAsync(Ct));
        await Store.AppendLogRecordAsync(LogAction.PsiSession, SessionA, SessionRecord(SessionA, "completed"), Ct);
        await Store.AppendLogRecordAsync(LogAction.PsiSession, SessionB, SessionRecord(SessionB, "opened"), Ct);
        Assert.Equal(2, await Store.GetObjectLogPositionAsync(Ct));

        Assert.Equal(1, await Store.DeleteObjectAsync(collection, id, cancellationToken: Ct));
        Assert.Equal(5, await Store.GetObjectLogPositionAsync(Ct));
        Assert.Equal(5, await Store.GetLogSizeAsync(Ct));
    }
}
