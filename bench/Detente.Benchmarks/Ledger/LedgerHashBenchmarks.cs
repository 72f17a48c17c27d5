using BenchmarkDotNet.Attributes;
using Detente.Ledger.Merkle;

namespace Detente.Benchmarks.Ledger;

/// <summary>The hashing every ledger figure is made of: one leaf (a 190-byte entry), one interior node, one full tile's root.</summary>
[MemoryDiagnoser]
public class LedgerHashBenchmarks
{
    private readonly byte[] _entry = LedgerLogs.Entries(1)[0];
    private readonly MerkleHash[] _tile = new MerkleHash[256];
    private readonly byte[] _out = new byte[32];
    private MerkleHash _left;
    private MerkleHash _right;

    [GlobalSetup]
    public void Setup()
    {
        for (int i = 0; i < _tile.Length; i++)
        {
            _tile[i] = MerkleHasher.HashLeaf(BitConverter.GetBytes(i));
        }

        _left = MerkleHasher.HashLeaf("a"u8);
        _right = MerkleHasher.HashLeaf("b"u8);
    }

    [Benchmark]
    public void HashLeaf() => MerkleHasher.HashLeaf(_entry, _out);

    [Benchmark]
    public MerkleHash HashChildren() => MerkleHasher.HashChildren(_left, _right);

    [Benchmark]
    public MerkleHash FullTileRoot() => MerkleHasher.RootOfLeafHashes(_tile);
}
