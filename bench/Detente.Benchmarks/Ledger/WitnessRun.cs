using System.Diagnostics;
using System.Globalization;
using System.Text;
using Detente.Ledger.Merkle;
using Detente.Ledger.Notes;
using Detente.Ledger.Sequencing;
using Detente.Ledger.Tiles;
using Detente.Ledger.Witnessing;
using Detente.Node;
using Detente.Stix.Signatures;
using Detente.Storage;
using Detente.Storage.Sqlite;

namespace Detente.Benchmarks.Ledger;

/// <summary>
/// <c>ledger-witness COUNT [RUNS]</c>: witnessing on SQLite, in process (no HTTP). Per run, in a fresh store: (1) COUNT
/// <c>add-checkpoint</c> requests to <see cref="NodeWitness"/> for one witnessed log that grows by 16 entries per checkpoint
/// (parse, signature check, consistency proof, cosignature, compare-and-swap in the store); (2) COUNT seals of 16 entries each
/// through the store's <c>TryCommitAsync</c> (tiles, checkpoint, and the checkpoint history row this branch adds); (3) COUNT
/// reads of the checkpoint as <c>/log/checkpoint</c> serves it with two stored cosignatures, against COUNT plain reads.
/// </summary>
internal static class WitnessRun
{
    private const int EntriesPerCheckpoint = 16;

    public static int Run(int count, int runs)
    {
        Console.WriteLine($"ledger-witness {count} requests, {runs} runs, {Environment.ProcessorCount} cores, load average {File.ReadAllText("/proc/loadavg").Trim()}");
        for (int run = 0; run < runs; run++)
        {
            RunOnceAsync(count).GetAwaiter().GetResult();
        }

        Console.WriteLine($"load average after: {File.ReadAllText("/proc/loadavg").Trim()}");
        return 0;
    }

    private static async Task RunOnceAsync(int count)
    {
        string folder = Path.Combine(Path.GetTempPath(), "detente-ledger-witness-" + Guid.NewGuid().ToString("N"));
        using StixSigningKey logKey = StixSigningKey.Create();
        using StixSigningKey witnessKey = StixSigningKey.Create();
        const string Origin = "bench.example.org/log";
        var signer = new NoteSigner(Origin, logKey);
        var sequencer = new Sequencer(Origin, signer);

        // The witnessed log, built up front: COUNT checkpoints and the consistency proof from each to the next.
        var partner = new MemoryTileStore();
        LogEdge edge = LogEdge.Empty;
        var bodies = new byte[count][];
        var commits = new LogCommit[count];
        long last = 0;
        for (int i = 0; i < count; i++)
        {
            ReadOnlyMemory<byte>[] entries = [.. Enumerable.Range(0, EntriesPerCheckpoint).Select(j => (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes($"entry {edge.Size + j}"))];
            SequencedBatch batch = sequencer.Append(edge, entries);
            await partner.TryCommitAsync(batch.ToCommit());
            commits[i] = batch.ToCommit();
            edge = batch.Edge;
            MerkleHash[] proof = last == 0 ? [] : await MerkleProof.ConsistencyAsync(new TileHashReader(partner, edge.Size), last, edge.Size);
            bodies[i] = new AddCheckpointRequest(last, proof, batch.Checkpoint).ToBytes();
            last = edge.Size;
        }

        try
        {
            await using (IStore store = await SqliteStore.OpenAsync(folder, TimeProvider.System))
            {
                await store.AddWitnessedLogAsync(Origin, signer.VerifierKey.ToString());
                var witness = new NodeWitness(store, new Cosigner("bench.example.org/witness", witnessKey), TimeProvider.System);
                await MeasureAsync("add-checkpoint requests (witness: verify, prove, cosign, compare-and-swap)", count, async () =>
                {
                    foreach (byte[] body in bodies)
                    {
                        WitnessResponse response = await witness.AddCheckpointAsync(body);
                        if (response.StatusCode != 200)
                        {
                            throw new InvalidOperationException(response.Message);
                        }
                    }
                });

                await MeasureAsync($"seals of {EntriesPerCheckpoint} entries (tiles, checkpoint, history row)", count, async () =>
                {
                    foreach (LogCommit commit in commits)
                    {
                        if (!await store.LogTiles.TryCommitAsync(commit))
                        {
                            throw new InvalidOperationException("The commit lost its compare-and-swap.");
                        }
                    }
                });

                SignedNote note = SignedNote.Parse((await store.LogTiles.ReadCheckpointAsync())!.Value.Span);
                foreach (string name in new[] { "w1.example.org/witness", "w2.example.org/witness" })
                {
                    var cosigner = new Cosigner(name, witnessKey);
                    await store.AddLogWitnessAsync(new LogWitnessRecord { Name = name, VerifierKey = cosigner.VerifierKey.ToString(), Url = new Uri("https://" + name) });
                    await store.UpdateLogWitnessAsync(name, last, last, cosigner.Cosign(note.Text).ToString(), DateTimeOffset.UtcNow);
                }

                await MeasureAsync("checkpoint reads, plain", count, async () =>
                {
                    for (int i = 0; i < count; i++)
                    {
                        _ = await store.LogTiles.ReadCheckpointAsync();
                    }
                });
                await MeasureAsync("checkpoint reads with 2 cosignatures (as /log/checkpoint serves)", count, async () =>
                {
                    for (int i = 0; i < count; i++)
                    {
                        _ = await CosignedCheckpoint.ReadAsync(store);
                    }
                });
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task MeasureAsync(string what, int count, Func<Task> action)
    {
        TimeSpan cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        await action();
        watch.Stop();
        TimeSpan used = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {what}: {count:N0} in {watch.Elapsed.TotalSeconds:0.000} s = {count / watch.Elapsed.TotalSeconds:N0}/s, {watch.Elapsed.TotalMilliseconds * 1000 / count:0} µs each, CPU {used.TotalSeconds:0.000} s"));
    }
}
