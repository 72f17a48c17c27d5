using System.Net;
using Detente.Ledger.Auditing;
using Detente.Ledger.Entries;
using Detente.Stix;
using Detente.Stix.Schema;
using Detente.Taxii;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Detente.Node.Tests;

public abstract partial class NodeContractTests
{
    private static string MarkedIndicator(string id, params string[] markings) =>
        $$"""
        {"type":"indicator","spec_version":"2.1","id":"{{id}}","created":"2025-01-01T00:00:00.000Z","modified":"2025-01-01T00:00:01.000Z",
         "name":"marked","pattern":"[ipv4-addr:value = '198.51.100.7']","pattern_type":"stix","valid_from":"2025-01-01T00:00:00Z",
         "object_marking_refs":[{{string.Join(",", markings.Select(m => "\"" + m + "\""))}}]}
        """;

    [Fact]
    public async Task With_clear_entries_on_a_tlp_clear_version_is_logged_in_the_clear_and_every_other_version_salted()
    {
        await _store.SetLogOriginAsync(LogOrigin, Ct);
        (WebApplication app, Uri server) = await StartNodeAsync(null, new NodeLogOptions { Key = s_logKey, Origin = LogOrigin, ClearEntriesForTlpClear = true });
        string clear = NewIndicatorId();
        string amber = NewIndicatorId();
        string mixed = NewIndicatorId();
        string plain = NewIndicatorId();
        await PostAsync(MarkedIndicator(clear, TlpMarkings.Tlp2Clear), MarkedIndicator(amber, TlpMarkings.Tlp2Amber),
            MarkedIndicator(mixed, TlpMarkings.Tlp2Clear, TlpMarkings.Tlp2Amber), Indicator(plain, 1));
        LogEntry[] entries = [.. (await _store.ReadLogEntriesAsync(0, 10, Ct)).Select(e => LogEntry.Parse(e.Span))];
        Assert.Equal([true, false, false, false], entries.Select(e => e.IsClear));
        Assert.Equal(clear, entries[0].ObjectId);

        // The proof of the clear version carries no salt, and verifies against the object as served.
        await SealUpToAsync(app.Services.GetRequiredService<LogSequencerService>().Log!, 4);
        using HttpResponseMessage response = await GetAsync(server, $"/log/proof/default/collections/{CollectionId}/objects/{clear}/", _adminToken);
        Assert.True(LogProof.TryParse(await response.Content.ReadAsByteArrayAsync(Ct), out LogProof? proof, out string? problem), problem);
        Assert.Equal(0, proof.Salt.Length);
        TaxiiEnvelope served = (await Client(_adminToken).GetObjectAsync(DefaultRoot, CollectionId, clear, null, Ct)).Resource;
        Assert.Null(proof.Verify(LogVerifier, new StixReader().ReadObject(served.Objects[0].Json.Span)));

        // Off again (the next start without the option): new versions are salted whatever their marking.
        await app.StopAsync(Ct);
        await StartLogNodeAsync();
        await PostAsync(MarkedIndicator(NewIndicatorId(), TlpMarkings.Tlp2Clear));
        Assert.False(LogEntry.Parse((await _store.ReadLogEntriesAsync(4, 1, Ct))[0].Span).IsClear);
    }

    [Fact]
    public async Task Versions_stored_before_the_log_existed_are_backfilled_once_at_start_in_date_added_order()
    {
        await _store.SetLogOriginAsync(LogOrigin, Ct);
        List<string> ids = await PostIndicatorsAsync(7);
        await PostAsync(Indicator(ids[2], 5));

        // A store from before the log: versions, and no entry, tile or checkpoint at all.
        await ExecuteSqlAsync("DELETE FROM log_entries; DELETE FROM log_tiles; DELETE FROM log_checkpoint; DELETE FROM log_checkpoints; "
            + "UPDATE log_state SET next_index = 0");
        Assert.Equal(0, await _store.GetLogSizeAsync(Ct));

        (WebApplication first, Uri server) = await StartNodeAsync(null, new NodeLogOptions { Key = s_logKey, Origin = LogOrigin, BackfillBatch = 3 });
        Assert.Equal(8, await _store.GetLogSizeAsync(Ct));
        Assert.Equal(8, (await GetCheckpointAsync(server)).Size);
        Assert.Single(_log.Entries, e => e.EventId == 8114 && e.Message.Contains(" 8 version(s)", StringComparison.Ordinal));

        // In date_added order: the entry at index i commits to the i-th version added.
        var reader = new StixReader();
        List<(string Id, StixObject Object)> versions = [];
        await foreach (Storage.StoredObject stored in _store.ReadObjectsAsync(_collectionId, Storage.ObjectFilter.None with { Versions = Storage.VersionFilter.All },
            cancellationToken: Ct))
        {
            versions.Add((stored.Id, reader.ReadObject(stored.Json.Span)));
        }

        Assert.Equal(8, versions.Count);
        Assert.Equal(ids[2], versions[7].Id);
        for (int i = 0; i < versions.Count; i++)
        {
            Storage.LogEntryRecord record = (await _store.FindLogEntryAsync(_collectionId, (await FindDateAddedAsync(versions[i].Object)), Ct))!;
            Assert.Equal(i, record.LeafIndex);
            Assert.True(LogEntry.Parse(record.Entry.Span).Matches(versions[i].Object, record.Salt.Span));
        }

        using HttpResponseMessage proof = await GetAsync(server, $"/log/proof/default/collections/{CollectionId}/objects/{ids[0]}/", _adminToken);
        Assert.Equal(HttpStatusCode.OK, proof.StatusCode);
        LogAuditResult audit = await new LogAuditor([LogVerifier], LogOrigin).AuditAsync(_store.LogTiles, cancellationToken: Ct);
        Assert.True(audit.IsValid, audit.Discrepancy?.ToString());

        // Idempotent: the next start adds nothing.
        await first.StopAsync(Ct);
        await StartLogNodeAsync();
        Assert.Equal(8, await _store.GetLogSizeAsync(Ct));
        Assert.Single(_log.Entries, e => e.EventId == 8114);
    }

    private async Task<DateTimeOffset> FindDateAddedAsync(StixObject stixObject)
    {
        await foreach (Storage.StoredObject stored in _store.ReadObjectsAsync(_collectionId, Storage.ObjectFilter.None with
        {
            Ids = [stixObject.Id!],
            Versions = Storage.VersionFilter.All,
        }, cancellationToken: Ct))
        {
            if (stored.Version.Equals(stixObject.Modified!.Value))
            {
                return stored.DateAdded;
            }
        }

        throw new InvalidOperationException("The version is not stored.");
    }

    [Fact]
    public async Task Proofs_answer_at_an_older_checkpoint_and_consistency_between_two()
    {
        await _store.SetLogOriginAsync(LogOrigin, Ct);
        List<string> ids = await PostIndicatorsAsync(3);
        (WebApplication app, Uri server) = await StartLogNodeAsync();
        await PostIndicatorsAsync(2);
        await SealUpToAsync(app.Services.GetRequiredService<LogSequencerService>().Log!, 5);
        string proofPath = $"/log/proof/default/collections/{CollectionId}/objects/{ids[1]}/";

        using HttpResponseMessage atThree = await GetAsync(server, proofPath + "?tree_size=3", _adminToken);
        Assert.Equal(HttpStatusCode.OK, atThree.StatusCode);
        Assert.True(LogProof.TryParse(await atThree.Content.ReadAsByteArrayAsync(Ct), out LogProof? old, out string? problem), problem);
        Assert.Equal(3, old.TreeSize);
        Assert.Null(old.Verify(LogVerifier));
        using HttpResponseMessage latest = await GetAsync(server, proofPath + "?match[version]=last", _adminToken);
        Assert.True(LogProof.TryParse(await latest.Content.ReadAsByteArrayAsync(Ct), out LogProof? current, out _));
        Assert.Equal(5, current.TreeSize);

        // A size the log never had a checkpoint of is 404; one that does not hold the entry, or malformed, 400.
        using HttpResponseMessage four = await GetAsync(server, proofPath + "?tree_size=4", _adminToken);
        Assert.True(four.StatusCode == HttpStatusCode.NotFound, string.Join("\n", _log.Entries.Where(e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Error).Select(e => e.Message)));
        await AssertTaxiiErrorAsync(await GetAsync(server, proofPath + "?tree_size=1", _adminToken), HttpStatusCode.BadRequest);
        await AssertTaxiiErrorAsync(await GetAsync(server, proofPath + "?tree_size=03", _adminToken), HttpStatusCode.BadRequest);
        await AssertTaxiiErrorAsync(await GetAsync(server, proofPath + "?tree_size=3&tree_size=5", _adminToken), HttpStatusCode.BadRequest);

        // Consistency between the checkpoints of 3 and 5 (and to the latest when new is left out).
        foreach (string query in new[] { "?old=3&new=5", "?old=3" })
        {
            using HttpResponseMessage response = await GetAsync(server, "/log/consistency" + query, _adminToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.True(LogConsistency.TryParse(await response.Content.ReadAsByteArrayAsync(Ct), out LogConsistency? consistency, out problem), problem);
            Assert.Equal((3, 5), (consistency.OldSize, consistency.NewSize));
            Assert.NotEmpty(consistency.Proof);
            Assert.Null(consistency.Verify(LogVerifier));
            LogConsistency tampered = consistency with { Proof = [.. consistency.Proof.Skip(1)] };
            Assert.NotNull(tampered.Verify(LogVerifier));
        }

        await AssertTaxiiErrorAsync(await GetAsync(server, "/log/consistency?old=4&new=5", _adminToken), HttpStatusCode.NotFound);
        await AssertTaxiiErrorAsync(await GetAsync(server, "/log/consistency?old=5&new=3", _adminToken), HttpStatusCode.BadRequest);
        await AssertTaxiiErrorAsync(await GetAsync(server, "/log/consistency?new=3", _adminToken), HttpStatusCode.BadRequest);
        await AssertTaxiiErrorAsync(await GetAsync(server, "/log/consistency?old=3&size=5", _adminToken), HttpStatusCode.BadRequest);
    }
}
