using BenchmarkDotNet.Attributes;
using Detente.Ledger.Merkle;
using Detente.Ledger.Tiles;

namespace Detente.Benchmarks.Ledger;

/// <summary>
/// Proofs from the tiles of a 1,000,000-entry log in a memory store (a fresh tile reader per proof, as a request would
/// have), and their verification. 1,000 proofs per operation: proofs/s = 1,000 / mean.
/// </summary>
[MemoryDiagnoser]
public class ProofBenchmarks
{
    private const int Proofs = 1_000;
    private const long Size = 1_000_000;
    private MemoryTileStore _store = null!;
    private long[] _indices = [];
    private MerkleHash[][] _inclusion = [];
    private MerkleHash[][] _consistency = [];
    private MerkleHash[] _leaves = [];
    private MerkleHash[] _oldRoots = [];
    private MerkleHash _root;

    [GlobalSetup]
    public void Setup()
    {
        (_store, _, _) = LedgerLogs.Build(Size);
        var random = new Random(5);
        _indices = Enumerable.Range(0, Proofs).Select(_ => random.NextInt64(1, Size)).ToArray();
        var reader = new TileHashReader(_store, Size);
        _root = MerkleProof.RootAsync(reader, Size).AsTask().GetAwaiter().GetResult();
        _inclusion = _indices.Select(i => MerkleProof.InclusionAsync(new TileHashReader(_store, Size), i, Size).AsTask().GetAwaiter().GetResult()).ToArray();
        _consistency = _indices.Select(i => MerkleProof.ConsistencyAsync(new TileHashReader(_store, Size), i, Size).AsTask().GetAwaiter().GetResult()).ToArray();
        _oldRoots = _indices.Select(i => MerkleProof.RootAsync(new TileHashReader(_store, Size), i).AsTask().GetAwaiter().GetResult()).ToArray();
        byte[][] entries = LedgerLogs.Entries(1_000_000, seed: 0);
        _leaves = _indices.Select(i => MerkleHasher.HashLeaf(entries[i])).ToArray();
    }

    [Benchmark(OperationsPerInvoke = Proofs)]
    public int Inclusion()
    {
        int total = 0;
        foreach (long index in _indices)
        {
            total += MerkleProof.InclusionAsync(new TileHashReader(_store, Size), index, Size).AsTask().GetAwaiter().GetResult().Length;
        }

        return total;
    }

    [Benchmark(OperationsPerInvoke = Proofs)]
    public int Consistency()
    {
        int total = 0;
        foreach (long index in _indices)
        {
            total += MerkleProof.ConsistencyAsync(new TileHashReader(_store, Size), index, Size).AsTask().GetAwaiter().GetResult().Length;
        }

        return total;
    }

    [Benchmark(OperationsPerInvoke = Proofs)]
    public int VerifyInclusion()
    {
        int ok = 0;
        for (int i = 0; i < _indices.Length; i++)
        {
            ok += MerkleProof.VerifyInclusion(_indices[i], Size, _leaves[i], _inclusion[i], _root) ? 1 : throw new InvalidOperationException("A proof failed.");
        }

        return ok;
    }

    [Benchmark(OperationsPerInvoke = Proofs)]
    public int VerifyConsistency()
    {
        int ok = 0;
        for (int i = 0; i < _indices.Length; i++)
        {
            ok += MerkleProof.VerifyConsistency(_indices[i], Size, _oldRoots[i], _root, _consistency[i]) ? 1 : throw new InvalidOperationException("A proof failed.");
        }

        return ok;
    }
}
