using System.Diagnostics;
using System.Globalization;
using System.Text;
using Detente.Ledger.Entries;
using Detente.Ledger.Merkle;
using Detente.Ledger.Notes;
using Detente.Ledger.Sequencing;
using Detente.Ledger.Tiles;
using Detente.Stix;
using Detente.Stix.Signatures;
using Detente.Storage;
using Detente.Storage.Sqlite;

namespace Detente.Benchmarks.Ledger;

/// <summary>
/// <c>ledger-store COUNT [RUNS]</c>: the node's log path on SQLite, as the node runs it. Per run, in a fresh store:
/// (1) add COUNT indicators in batches of 1,000 (<c>AddObjectsAsync</c>: objects and their salted entries in one
/// transaction); (2) seal every entry as the node's sequencer does (read 4,096 entries, <c>Sequencer.Append</c>,
/// <c>TryCommitAsync</c> of tiles and checkpoint); (3) 5,000 inclusion proofs of random leaves from the stored tiles;
/// and, for comparison, (0) making COUNT salted entries in memory only. Prints wall time, rate and process CPU time of each.
/// </summary>
internal static class StoreLogRun
{
    public static int Run(long count, int runs)
    {
        using StixSigningKey key = StixSigningKey.Create();
        var signer = new NoteSigner("bench.example.org/log", key);
        var sequencer = new Sequencer(signer.Name, signer);
        Console.WriteLine($"ledger-store {count} entries, {runs} runs, {Environment.ProcessorCount} cores, load average {File.ReadAllText("/proc/loadavg").Trim()}");
        for (int run = 0; run < runs; run++)
        {
            RunOnceAsync((int)count, signer, sequencer).GetAwaiter().GetResult();
        }

        Console.WriteLine($"load average after: {File.ReadAllText("/proc/loadavg").Trim()}");
        return 0;
    }

    private static async Task RunOnceAsync(int count, NoteSigner signer, Sequencer sequencer)
    {
        string folder = Path.Combine(Path.GetTempPath(), "detente-ledger-store-" + Guid.NewGuid().ToString("N"));
        var reader = new StixReader();
        ObjectToAdd[] objects = new ObjectToAdd[count];
        for (int i = 0; i < count; i++)
        {
            string id = "indicator--" + Guid.NewGuid().ToString("D");
            byte[] json = Encoding.UTF8.GetBytes(
                $$"""{"type":"indicator","spec_version":"2.1","id":"{{id}}","created":"2025-01-01T00:00:00.000Z","modified":"2025-01-01T00:00:00.000Z","pattern":"[ipv4-addr:value = '198.51.{{i / 256 % 256}}.{{i % 256}}']","pattern_type":"stix","valid_from":"2025-01-01T00:00:00Z"}""");
            objects[i] = ObjectToAdd.From(reader.ReadObject(json), json);
        }

        try
        {
            Measure("entries in memory (CreateSalted)", count, () =>
            {
                foreach (ObjectToAdd o in objects)
                {
                    _ = LogEntry.CreateSalted(signer.Name, LogAction.Publish, DateTimeOffset.UnixEpoch, o.Parsed!, out _);
                }

                return Task.CompletedTask;
            });

            IStore store = await SqliteStore.OpenAsync(folder);
            await using (store)
            {
                await store.SetLogOriginAsync(signer.Name);
                await store.CreateApiRootAsync(new ApiRoot { Name = "bench", Title = "bench" });
                var collection = Guid.NewGuid();
                await store.CreateCollectionAsync(new Collection { Id = collection, ApiRoot = "bench", Title = "bench" });
                await MeasureAsync("add objects + entries (1,000 per transaction)", count, async () =>
                {
                    foreach (ObjectToAdd[] chunk in objects.Chunk(1_000))
                    {
                        await store.AddObjectsAsync(collection, chunk);
                    }
                });

                LogEdge edge = LogEdge.Empty;
                await MeasureAsync("seal entries (4,096 per checkpoint: read, tiles, sign, commit)", count, async () =>
                {
                    while (true)
                    {
                        IReadOnlyList<ReadOnlyMemory<byte>> entries = await store.ReadLogEntriesAsync(edge.Size, 4_096);
                        if (entries.Count == 0)
                        {
                            break;
                        }

                        SequencedBatch batch = sequencer.Append(edge, entries);
                        if (!await store.LogTiles.TryCommitAsync(batch.ToCommit()))
                        {
                            throw new InvalidOperationException("commit refused");
                        }

                        edge = batch.Edge;
                    }
                });

                const int Proofs = 5_000;
                var random = new Random(7);
                var hashes = new TileHashReader(store.LogTiles, edge.Size);
                MerkleHash root = edge.Root();
                await MeasureAsync("inclusion proofs from stored tiles", Proofs, async () =>
                {
                    for (int i = 0; i < Proofs; i++)
                    {
                        long index = random.NextInt64(edge.Size);
                        MerkleHash[] path = await MerkleProof.InclusionAsync(hashes, index, edge.Size);
                        if (path.Length == 0 && edge.Size > 1)
                        {
                            throw new InvalidOperationException("empty proof");
                        }
                    }
                });
                _ = root;
            }
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }

    private static void Measure(string what, int count, Func<Task> action) => MeasureAsync(what, count, action).GetAwaiter().GetResult();

    private static async Task MeasureAsync(string what, int count, Func<Task> action)
    {
        TimeSpan cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        await action();
        watch.Stop();
        TimeSpan used = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {what}: {count:N0} in {watch.Elapsed.TotalSeconds:0.000} s = {count / watch.Elapsed.TotalSeconds:N0}/s, CPU {used.TotalSeconds:0.000} s"));
    }
}
