using System.Buffers;
using BenchmarkDotNet.Attributes;
using Detente.Psi;

namespace Detente.Benchmarks.Psi;

/// <summary>The per-element costs of the protocol: hash to the group, one evaluation, and a whole chunk each way.</summary>
[MemoryDiagnoser]
public class PsiBenchmarks
{
    private readonly byte[] _element = new byte[32];
    private readonly byte[] _result = new byte[32];
    private PsiKey _key = null!;
    private List<PsiElement> _set = [];
    private PsiPreparedSet _prepared = null!;
    private byte[] _blindedChunk = [];
    private readonly ArrayBufferWriter<byte> _output = new();
    private readonly PsiSessionId _session = PsiSessionId.New();

    [Params(4096)]
    public int Chunk { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _key = PsiKey.Generate();
        Oprf.Rfc9497.HashToGroup("benchmark"u8, _element);
        _set = Enumerable.Range(0, Chunk).Select(i => PsiElement.Parse($"domain-name:host{i}.example")).ToList();
        _prepared = PsiPreparedSet.Prepare(_key, _session, _set);
        var initiator = new PsiInitiatorSession(_session, PsiMode.Intersection, _set, _prepared.Count, new PsiOptions { ChunkSize = Chunk });
        initiator.TryWriteBlinded(_output);
        _blindedChunk = _output.WrittenSpan.ToArray();
    }

    [GlobalCleanup]
    public void Cleanup() => _key.Dispose();

    [Benchmark]
    public void HashToGroup() => Oprf.Rfc9497.HashToGroup("domain-name:example.com"u8, _result);

    [Benchmark]
    public bool ScalarMultiplication() => Oprf.TryBlindEvaluate(_key, _element, _result);

    [Benchmark]
    public int BlindChunk()
    {
        var initiator = new PsiInitiatorSession(_session, PsiMode.Intersection, _set, _prepared.Count, new PsiOptions { ChunkSize = Chunk });
        _output.ResetWrittenCount();
        initiator.TryWriteBlinded(_output);
        return _output.WrittenCount;
    }

    [Benchmark]
    public int EvaluateChunk()
    {
        var responder = new PsiResponderSession(_prepared, _session, PsiMode.Intersection, Chunk, new PsiOptions { ChunkSize = Chunk });
        _output.ResetWrittenCount();
        responder.Evaluate(_blindedChunk, _output);
        return _output.WrittenCount;
    }
}
