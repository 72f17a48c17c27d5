using BenchmarkDotNet.Attributes;
using Detente.Ledger.Merkle;

namespace Detente.Benchmarks.Ledger;

/// <summary>The hashing every ledger figure is made of: one leaf (a 190-byte entry, also with the one-shot API), one interior node, one full tile's root.</summary>
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
        _prefixed = new byte[_entry.Length + 1];
        for (int i = 0; i < _tile.Length; i++)
        {
            _tile[i] = MerkleHasher.HashLeaf(BitConverter.GetBytes(i));
        }

        _left = MerkleHasher.HashLeaf("a"u8);
        _right = MerkleHasher.HashLeaf("b"u8);
    }

    private byte[] _prefixed = [];

    /// <summary>The one-shot API, for comparison: a new SHA-256 context per call.</summary>
    [Benchmark(Baseline = true)]
    public void HashLeafOneShot()
    {
        _prefixed[0] = 0x00;
        _entry.CopyTo(_prefixed, 1);
        System.Security.Cryptography.SHA256.HashData(_prefixed.AsSpan(0, _entry.Length + 1), _out);
    }

    [Benchmark]
    public void HashLeaf() => MerkleHasher.HashLeaf(_entry, _out);

    [Benchmark]
    public MerkleHash HashChildren() => MerkleHasher.HashChildren(_left, _right);

    [Benchmark]
    public MerkleHash FullTileRoot() => MerkleHasher.RootOfLeafHashes(_tile);
}
