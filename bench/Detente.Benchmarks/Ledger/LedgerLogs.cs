using System.Diagnostics;
using System.Text;
using Detente.Ledger.Auditing;
using Detente.Ledger.Notes;
using Detente.Ledger.Sequencing;
using Detente.Ledger.Tiles;
using Detente.Stix.Signatures;

namespace Detente.Benchmarks.Ledger;

/// <summary>Seeded logs for the ledger benchmarks, and the <c>ledger-audit COUNT</c> one-shot measurement.</summary>
public static class LedgerLogs
{
    public const string Origin = "bench.detente.example/log";

    private static readonly byte[] s_seed = Convert.FromHexString("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");

    public static StixSigningKey Key() => StixSigningKey.ImportSeed(s_seed);

    /// <summary>
    /// Salted-form log entries in the exact layout LogEntry writes (≈ 190 bytes), with seeded random commitments:
    /// the same bytes a node logs, without canonicalizing a STIX object for each.
    /// </summary>
    public static byte[][] Entries(int count, int seed = 42)
    {
        var random = new Random(seed);
        byte[] hash = new byte[32];
        var entries = new byte[count][];
        DateTimeOffset start = new(2026, 11, 23, 0, 0, 0, TimeSpan.Zero);
        for (int i = 0; i < count; i++)
        {
            random.NextBytes(hash);
            string blinded = Convert.ToBase64String(hash);
            random.NextBytes(hash);
            string commitment = Convert.ToBase64String(hash);
            string time = start.AddMilliseconds(i).UtcDateTime.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
            entries[i] = Encoding.UTF8.GetBytes(
                $"{{\"action\":\"publish\",\"blinded_id\":\"{blinded}\",\"commitment\":\"{commitment}\",\"origin\":\"node-a.example\",\"time\":\"{time}\",\"v\":1}}");
        }

        return entries;
    }

    /// <summary>A log of <paramref name="count"/> entries in a memory store, sequenced in batches of <paramref name="batch"/>.</summary>
    public static (MemoryTileStore Store, NoteVerifierKey Key, LogEdge Edge) Build(long count, int batch = 10_000)
    {
        using StixSigningKey key = Key();
        var signer = new NoteSigner(Origin, key);
        var sequencer = new Sequencer(Origin, signer);
        var store = new MemoryTileStore();
        LogEdge edge = LogEdge.Empty;
        int chunk = (int)Math.Min(count, 1_000_000);
        for (long done = 0; done < count;)
        {
            byte[][] entries = Entries((int)Math.Min(chunk, count - done), seed: (int)(done / chunk));
            for (int i = 0; i < entries.Length; i += batch)
            {
                ReadOnlyMemory<byte>[] slice = entries.Skip(i).Take(batch).Select(static e => (ReadOnlyMemory<byte>)e).ToArray();
                SequencedBatch sequenced = sequencer.Append(edge, slice);
                if (!store.TryCommitAsync(sequenced.ToCommit()).AsTask().GetAwaiter().GetResult())
                {
                    throw new InvalidOperationException("The commit was refused.");
                }

                edge = sequenced.Edge;
            }

            done += entries.Length;
        }

        return (store, signer.VerifierKey, edge);
    }

    /// <summary><c>ledger-audit COUNT [RUNS]</c>: builds a log of COUNT entries once, then times full audits of it.</summary>
    public static int RunAudit(long count, int runs)
    {
        TimeSpan buildCpu = Process.GetCurrentProcess().TotalProcessorTime;
        var build = Stopwatch.StartNew();
        (MemoryTileStore store, NoteVerifierKey key, _) = Build(count);
        build.Stop();
        buildCpu = Process.GetCurrentProcess().TotalProcessorTime - buildCpu;
        Console.WriteLine($"built {count:N0} entries in {build.Elapsed.TotalSeconds:F1} s ({count / build.Elapsed.TotalSeconds:N0} appends/s, batches of 10,000), CPU {buildCpu.TotalSeconds:F1} s; "
            + $"managed heap {GC.GetTotalMemory(true) / (1 << 20):N0} MiB; {Environment.ProcessorCount} cores");
        foreach (bool entries in new[] { false, true })
        {
            for (int run = 1; run <= runs; run++)
            {
                var auditor = new LogAuditor([key], Origin) { CheckEntryFormat = entries };
                TimeSpan cpu = Process.GetCurrentProcess().TotalProcessorTime;
                var watch = Stopwatch.StartNew();
                LogAuditResult result = auditor.AuditAsync(store).GetAwaiter().GetResult();
                watch.Stop();
                cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
                if (!result.IsValid)
                {
                    Console.WriteLine($"audit failed: {result.Discrepancy}");
                    return 1;
                }

                Console.WriteLine($"audit entry-format={entries} run={run}: {watch.Elapsed.TotalSeconds:F2} s, {result.EntriesChecked / watch.Elapsed.TotalSeconds:N0} entries/s, {result.TilesChecked:N0} tiles, CPU {cpu.TotalSeconds:F2} s");
            }
        }

        return 0;
    }
}
