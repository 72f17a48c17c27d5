using System.Text;
using Detente.Ledger.Auditing;
using Detente.Ledger.Entries;
using Detente.Ledger.Merkle;
using Detente.Ledger.Notes;
using Detente.Ledger.Sequencing;
using Detente.Ledger.Tiles;
using Detente.Stix;
using Detente.Stix.Signatures;
using Detente.Testing;

namespace Detente.Ledger.Tests;

public sealed class AuditorTests
{
    private static LogAuditor Auditor(TestLog log) => new([log.Signer.VerifierKey], TestLog.Origin) { CheckEntryFormat = false };

    [Theory]
    [InlineData(1)]
    [InlineData(255)]
    [InlineData(256)]
    [InlineData(257)]
    [InlineData(65_537)]
    public async Task A_sound_log_passes_and_the_audit_says_what_it_checked(long size)
    {
        using TestLog log = await TestLog.BuildAsync(size, new Random(1));
        LogAuditResult result = await Auditor(log).AuditAsync(log.Store, cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(result.IsValid, result.Discrepancy?.ToString());
        Assert.Equal(size, result.EntriesChecked);
        Assert.Equal((size + 255) / 256, result.BundlesChecked);
        Assert.Equal(TileLayout.AllTiles(size).LongCount(static p => !p.IsEntryBundle), result.TilesChecked);
        Assert.Equal(3, result.Checks.Count);
    }

    [Fact]
    public async Task A_log_of_real_entries_passes_the_entry_format_check()
    {
        using var log = new TestLog();
        StixObject o = new StixReader().ReadObject(Encoding.UTF8.GetBytes(StixExamples.ValidObjects["indicator"]));
        var entries = Enumerable.Range(0, 300)
            .Select(i => (ReadOnlyMemory<byte>)LogEntry.CreateSalted("node-a", LogAction.Publish, DateTimeOffset.UnixEpoch.AddSeconds(i), o, out _).Encoded)
            .ToList();
        SequencedBatch batch = log.Sequencer.Append(LogEdge.Empty, entries);
        Assert.True(await log.Store.TryCommitAsync(batch.ToCommit(), TestContext.Current.CancellationToken));
        var auditor = new LogAuditor([log.Signer.VerifierKey], TestLog.Origin);
        Assert.True((await auditor.AuditAsync(log.Store, cancellationToken: TestContext.Current.CancellationToken)).IsValid);

        // The same auditor refuses a log whose entries are not Detente entries.
        using TestLog other = await TestLog.BuildAsync(3);
        LogAuditResult result = await new LogAuditor([other.Signer.VerifierKey]).AuditAsync(other.Store, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(DiscrepancyKind.EntryMalformed, result.Discrepancy?.Kind);
        Assert.Equal("entry 0", result.Discrepancy?.Where);
    }

    [Fact]
    public async Task Any_single_bit_change_to_a_tile_bundle_or_checkpoint_is_found()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using TestLog log = await TestLog.BuildAsync(66_000, new Random(4));
        TilePath[] paths = [.. TileLayout.AllTiles(log.Edge.Size)];
        byte[] checkpoint = (await log.Store.ReadCheckpointAsync(ct))!.Value.ToArray();
        await Property.ForAllAsync(CsCheck.Gen.Select(CsCheck.Gen.Int[0, paths.Length], CsCheck.Gen.Int[0, int.MaxValue]), async c =>
        {
            (int which, int bitSeed) = c;
            bool onCheckpoint = which == paths.Length;
            byte[] original = onCheckpoint ? checkpoint : (await log.Store.ReadTileAsync(paths[which], ct))!.Value.ToArray();
            int bit = bitSeed % (original.Length * 8);
            byte[] changed = (byte[])original.Clone();
            changed[bit / 8] ^= (byte)(1 << (bit % 8));
            if (onCheckpoint)
            {
                log.Store.OverwriteCheckpoint(changed);
            }
            else
            {
                log.Store.Overwrite(paths[which], changed);
            }

            try
            {
                LogAuditResult result = await Auditor(log).AuditAsync(log.Store, cancellationToken: ct);
                string target = onCheckpoint ? "checkpoint" : paths[which].ToString();
                Assert.False(result.IsValid, $"bit {bit} of {target} went unnoticed");
            }
            finally
            {
                if (onCheckpoint)
                {
                    log.Store.OverwriteCheckpoint(original);
                }
                else
                {
                    log.Store.Overwrite(paths[which], original);
                }
            }
        }, iterations: 60);
    }

    [Fact]
    public async Task The_first_discrepancy_is_reported_with_its_place()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using TestLog log = await TestLog.BuildAsync(1000);

        // A changed leaf hash in tile 0/001 (entries 256..511): hash 5 is entry 261.
        byte[] tile = (await log.Store.ReadTileAsync(TilePath.Hashes(0, 1), ct))!.Value.ToArray();
        tile[(5 * 32) + 7] ^= 1;
        log.Store.Overwrite(TilePath.Hashes(0, 1), tile);
        LogDiscrepancy found = (await Auditor(log).AuditAsync(log.Store, cancellationToken: ct)).Discrepancy!;
        Assert.Equal(DiscrepancyKind.TileMismatch, found.Kind);
        Assert.Equal("tile/0/001", found.Where);
        Assert.Contains("Hash 5", found.Message, StringComparison.Ordinal);
        Assert.Contains("from entry 261", found.Message, StringComparison.Ordinal);
        tile[(5 * 32) + 7] ^= 1;
        log.Store.Overwrite(TilePath.Hashes(0, 1), tile);

        Assert.True(log.Store.Remove(TilePath.Entries(2)));
        found = (await Auditor(log).AuditAsync(log.Store, cancellationToken: ct)).Discrepancy!;
        Assert.Equal(DiscrepancyKind.BundleMissing, found.Kind);
        Assert.Equal("tile/entries/002", found.Where);

        Assert.Equal(DiscrepancyKind.CheckpointMissing, (await Auditor(log).AuditAsync(new MemoryTileStore(), cancellationToken: ct)).Discrepancy!.Kind);
        Assert.Equal(DiscrepancyKind.CheckpointOrigin,
            (await new LogAuditor([log.Signer.VerifierKey], "another.example/log").AuditAsync(log.Store, cancellationToken: ct)).Discrepancy!.Kind);
    }

    [Fact]
    public async Task A_history_rewritten_and_re_signed_is_caught_by_the_pinned_checkpoint()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using TestLog honest = await TestLog.BuildAsync(600);
        Checkpoint pinned = Checkpoint.FromNote(honest.Batches[0].Checkpoint);
        await honest.AppendAsync(400);
        Assert.True((await Auditor(honest).AuditAsync(honest.Store, pinned, ct)).IsValid);
        Assert.True((await Auditor(honest).AuditAsync(honest.Store, new Checkpoint(TestLog.Origin, 0, MerkleHasher.EmptyRoot), ct)).IsValid);

        // The same key signs a log whose entry 17 differs: internally sound, but not the history the partner pinned.
        using var forked = new TestLog();
        var entries = Enumerable.Range(0, 1000).Select(static i => (ReadOnlyMemory<byte>)(i == 17 ? "rewritten"u8.ToArray() : TestLog.EntryBytes(i))).ToList();
        Assert.True(await forked.Store.TryCommitAsync(forked.Sequencer.Append(LogEdge.Empty, entries).ToCommit(), ct));
        LogAuditResult result = await Auditor(forked).AuditAsync(forked.Store, pinned, ct);
        Assert.Equal(DiscrepancyKind.Inconsistent, result.Discrepancy?.Kind);
        Assert.Contains("rewritten", result.Discrepancy!.Message, StringComparison.Ordinal);

        // A log that shrank (rolled back) below the pin, and a pin of another log.
        Checkpoint later = Checkpoint.FromNote(honest.Batches[^1].Checkpoint);
        using TestLog shorter = await TestLog.BuildAsync(600);
        Assert.Contains("rolled back", (await Auditor(shorter).AuditAsync(shorter.Store, later, ct)).Discrepancy!.Message, StringComparison.Ordinal);
        Assert.Equal(DiscrepancyKind.Inconsistent,
            (await Auditor(honest).AuditAsync(honest.Store, new Checkpoint("other", 1, MerkleHasher.EmptyRoot), ct)).Discrepancy!.Kind);
    }

    [Fact]
    public async Task A_checkpoint_signed_by_another_key_is_refused()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using TestLog log = await TestLog.BuildAsync(10);
        using StixSigningKey stranger = StixSigningKey.Create();
        log.Store.OverwriteCheckpoint(new NoteSigner(TestLog.Origin, stranger).SignNote(Checkpoint.FromNote(log.Batches[^1].Checkpoint).ToText()).ToBytes());
        Assert.Equal(DiscrepancyKind.CheckpointSignature, (await Auditor(log).AuditAsync(log.Store, cancellationToken: ct)).Discrepancy!.Kind);
    }
}
