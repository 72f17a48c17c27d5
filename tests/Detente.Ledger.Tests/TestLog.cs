using System.Text;
using Detente.Ledger.Notes;
using Detente.Ledger.Sequencing;
using Detente.Ledger.Tiles;
using Detente.Stix.Signatures;

namespace Detente.Ledger.Tests;

/// <summary>A log built in memory through the sequencer, with its entries kept for checking.</summary>
internal sealed class TestLog : IDisposable
{
    public const string Origin = "test.detente.example/log";

    // A fixed seed, so that signatures and therefore every byte of the log are reproducible.
    private static readonly byte[] s_seed = Convert.FromHexString("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");

    public TestLog()
    {
        Key = StixSigningKey.ImportSeed(s_seed);
        Signer = new NoteSigner(Origin, Key);
        Sequencer = new Sequencer(Origin, Signer);
    }

    public StixSigningKey Key { get; }

    public NoteSigner Signer { get; }

    public Sequencer Sequencer { get; }

    public MemoryTileStore Store { get; } = new();

    public LogEdge Edge { get; private set; } = LogEdge.Empty;

    public List<byte[]> Entries { get; } = [];

    public List<long> CheckpointSizes { get; } = [];

    public List<SequencedBatch> Batches { get; } = [];

    /// <summary>Entry i: a short, deterministic byte string of varying length (a few empty ones are legal in bundles).</summary>
    public static byte[] EntryBytes(long i) => Encoding.UTF8.GetBytes($"entry {i} " + new string('x', (int)(i % 37)));

    public async Task AppendAsync(int count)
    {
        var batch = new List<ReadOnlyMemory<byte>>(count);
        for (int i = 0; i < count; i++)
        {
            byte[] entry = EntryBytes(Entries.Count);
            Entries.Add(entry);
            batch.Add(entry);
        }

        SequencedBatch sequenced = Sequencer.Append(Edge, batch);
        Assert.True(await Store.TryCommitAsync(sequenced.ToCommit(), TestContext.Current.CancellationToken));
        Edge = sequenced.Edge;
        CheckpointSizes.Add(Edge.Size);
        Batches.Add(sequenced);
    }

    /// <summary>Builds a log of <paramref name="size"/> entries in batches cut by <paramref name="random"/> (or one batch).</summary>
    public static async Task<TestLog> BuildAsync(long size, Random? random = null)
    {
        var log = new TestLog();
        while (log.Entries.Count < size)
        {
            int left = (int)(size - log.Entries.Count);
            await log.AppendAsync(random is null ? left : Math.Min(left, 1 + random.Next(Math.Min(left, 700))));
        }

        return log;
    }

    public List<byte[]> LeafHashes() => Entries.Select(static e => Reference.Leaf(e)).ToList();

    public void Dispose() => Key.Dispose();
}
