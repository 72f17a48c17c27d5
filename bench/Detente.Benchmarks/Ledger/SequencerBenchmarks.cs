using BenchmarkDotNet.Attributes;
using Detente.Ledger.Notes;
using Detente.Ledger.Sequencing;
using Detente.Ledger.Tiles;
using Detente.Stix.Signatures;

namespace Detente.Benchmarks.Ledger;

/// <summary>
/// Appends through the sequencer into a memory store: 100,000 entries per operation in batches of BatchSize, each batch
/// hashed, tiled, bundled, checkpointed, signed and committed. Appends/s = 100,000 / mean.
/// </summary>
[MemoryDiagnoser]
public class SequencerBenchmarks
{
    private const int Count = 100_000;
    private ReadOnlyMemory<byte>[] _entries = [];
    private StixSigningKey _key = null!;
    private Sequencer _sequencer = null!;

    [Params(100, 1_000, 10_000)]
    public int BatchSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _entries = LedgerLogs.Entries(Count).Select(static e => (ReadOnlyMemory<byte>)e).ToArray();
        _key = LedgerLogs.Key();
        _sequencer = new Sequencer(LedgerLogs.Origin, new NoteSigner(LedgerLogs.Origin, _key));
    }

    [GlobalCleanup]
    public void Cleanup() => _key.Dispose();

    [Benchmark]
    public long Append()
    {
        var store = new MemoryTileStore();
        LogEdge edge = LogEdge.Empty;
        for (int i = 0; i < Count; i += BatchSize)
        {
            SequencedBatch batch = _sequencer.Append(edge, new ArraySegment<ReadOnlyMemory<byte>>(_entries, i, Math.Min(BatchSize, Count - i)));
            if (!store.TryCommitAsync(batch.ToCommit()).AsTask().GetAwaiter().GetResult())
            {
                throw new InvalidOperationException("The commit was refused.");
            }

            edge = batch.Edge;
        }

        return edge.Size;
    }
}
