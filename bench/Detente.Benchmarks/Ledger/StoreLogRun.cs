using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
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
/// <c>ledger-store COUNT [RUNS]</c>: the node's log path on SQLite, as the node runs it. Per run, in a fresh store
/// (default durability, <c>synchronous=FULL</c>): (1) add COUNT indicators in batches of 1,000 (<c>AddObjectsAsync</c>:
/// objects and their salted entries in one transaction; each object's JSON is its RFC 8785 form, flagged
/// <c>JsonIsCanonical</c> as the node's ingest flags an object it re-serialized, so the entry commits to those bytes);
/// (2) seal every entry as the node's sequencer does (read 4,096 entries, <c>Sequencer.Append</c>, <c>TryCommitAsync</c>
/// of tiles and checkpoint); then "appended and sealed", COUNT over the wall time of (1) and (2) together: entries made,
/// stored with their objects and sealed under a signed checkpoint, durably, in batches; (3) 5,000 inclusion proofs of
/// random leaves from the stored tiles, a fresh reader per proof as a request has, without and with the node's shared
/// <c>TileCache</c>; and, for comparison, (0) making COUNT salted entries from the canonical bytes in memory only, the
/// salts of each 1,000 drawn in one call as the store does. Prints wall time, rate and process CPU time of each.
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
            StixObject parsed = reader.ReadObject(json);
            objects[i] = ObjectToAdd.From(parsed, parsed.Canonicalize()) with { JsonIsCanonical = true };
        }

        try
        {
            Measure("entries in memory (CreateSalted from canonical bytes, salts per 1,000)", count, () =>
            {
                foreach (ObjectToAdd[] chunk in objects.Chunk(1_000))
                {
                    byte[] salts = RandomNumberGenerator.GetBytes(chunk.Length * LogEntry.SaltSize);
                    for (int i = 0; i < chunk.Length; i++)
                    {
                        _ = LogEntry.CreateSalted(signer.Name, LogAction.Publish, DateTimeOffset.UnixEpoch, chunk[i].Parsed!, chunk[i].Json.Span,
                            salts.AsSpan(i * LogEntry.SaltSize, LogEntry.SaltSize));
                    }
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
                (double addWall, double addCpu) = await MeasureAsync("add objects + entries (1,000 per transaction)", count, async () =>
                {
                    foreach (ObjectToAdd[] chunk in objects.Chunk(1_000))
                    {
                        await store.AddObjectsAsync(collection, chunk);
                    }
                });

                LogEdge edge = LogEdge.Empty;
                (double sealWall, double sealCpu) = await MeasureAsync("seal entries (4,096 per checkpoint: read, tiles, sign, commit)", count, async () =>
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

                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  appended and sealed (add + seal): {count:N0} in {addWall + sealWall:0.000} s = {count / (addWall + sealWall):N0}/s, CPU {addCpu + sealCpu:0.000} s = {(addCpu + sealCpu) * 1e6 / count:0.0} µs per entry"));

                MerkleHash root = edge.Root();
                await ProveAsync("inclusion proofs from stored tiles, a reader per proof, no shared cache", store.LogTiles, edge.Size, root, null);
                var cache = new TileCache();
                await ProveAsync("inclusion proofs from stored tiles, a reader per proof, shared TileCache", store.LogTiles, edge.Size, root, cache);
                Console.WriteLine($"    TileCache: {cache.Count} tiles kept, {cache.Hits:N0} hits, {cache.Misses:N0} misses");
            }
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }

    private static async Task ProveAsync(string what, ITileStore tiles, long size, MerkleHash root, TileCache? cache)
    {
        const int Proofs = 5_000;
        var random = new Random(7);
        await MeasureAsync(what, Proofs, async () =>
        {
            for (int i = 0; i < Proofs; i++)
            {
                long index = random.NextInt64(size);
                MerkleHash[] path = await MerkleProof.InclusionAsync(new TileHashReader(tiles, size, cache), index, size);
                if (i % 500 == 0 && (await tiles.ReadTileAsync(TilePath.Entries(index / TilePath.FullWidth, TileLayout.TileAt(0, index / TilePath.FullWidth, size).Width)))
                    is { } bundle)
                {
                    // Spot-check: the proof verifies against the root for the entry's leaf.
                    ReadOnlyMemory<byte> entry = EntryBundle.Decode(bundle, TileLayout.TileAt(0, index / TilePath.FullWidth, size).Width)[(int)(index % TilePath.FullWidth)];
                    if (!MerkleProof.VerifyInclusion(index, size, MerkleHasher.HashLeaf(entry.Span), path, root))
                    {
                        throw new InvalidOperationException("a proof does not verify");
                    }
                }
            }
        });
    }

    private static void Measure(string what, int count, Func<Task> action) => MeasureAsync(what, count, action).GetAwaiter().GetResult();

    private static async Task<(double Wall, double Cpu)> MeasureAsync(string what, int count, Func<Task> action)
    {
        TimeSpan cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        await action();
        watch.Stop();
        TimeSpan used = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {what}: {count:N0} in {watch.Elapsed.TotalSeconds:0.000} s = {count / watch.Elapsed.TotalSeconds:N0}/s, CPU {used.TotalSeconds:0.000} s = {used.TotalSeconds * 1e6 / count:0.0} µs each"));
        return (watch.Elapsed.TotalSeconds, used.TotalSeconds);
    }
}
