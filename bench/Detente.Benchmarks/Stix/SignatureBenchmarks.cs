using BenchmarkDotNet.Attributes;
using Detente.Stix;
using Detente.Stix.Json;
using Detente.Stix.Signatures;
using Detente.Stix.Validation;
using Detente.Testing;

namespace Detente.Benchmarks.Stix;

/// <summary>
/// What a signature costs per object on the way in: the node signs what local principals originate
/// (<see cref="Sign"/>: JCS of the object, Ed25519, a new object with the extension) and verifies what partners send
/// (<see cref="Verify"/>: JCS again, the pinned-rule checks, Ed25519). <see cref="ReadAndValidate"/> is what every
/// object costs on the way in anyway (parse with limits, validate), for scale. <see cref="SignAndCanonicalize"/> against
/// <see cref="SignAndCanonicalizeTree"/> is the second canonicalization the splice saves.
/// </summary>
[MemoryDiagnoser]
public class SignatureBenchmarks
{
    private StixSigningKey _key = null!;
    private StixObject[] _objects = [];
    private StixObject[] _signed = [];
    private byte[][] _json = [];
    private int _next;
    private readonly StixReader _reader = new();
    private readonly StixValidator _validator = new();

    [GlobalSetup]
    public void Setup()
    {
        _key = StixSigningKey.ImportSeed(Convert.FromHexString("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
        var generator = new StixContentGenerator(1);
        _json = [.. Enumerable.Range(0, 1024).Select(_ => System.Text.Encoding.UTF8.GetBytes(generator.NextObject()))];
        _objects = [.. _json.Select(j => StixSignatures.Unsigned(new StixObject((JsonObject)_reader.Parse(j))))];
        _signed = [.. _objects.Select(o => StixSignatures.Sign(o, _key))];
    }

    [GlobalCleanup]
    public void Cleanup() => _key.Dispose();

    private int Next() => _next = (_next + 1) & 1023;

    [Benchmark(Baseline = true)]
    public bool ReadAndValidate() => _validator.Validate(new StixObject((JsonObject)_reader.Parse(_json[Next()]))).IsValid;

    [Benchmark]
    public StixObject Sign() => StixSignatures.Sign(_objects[Next()], _key);

    [Benchmark]
    public SignatureStatus Verify() => StixSignatures.Verify(_signed[Next()], _key.VerificationKey).Status;

    /// <summary>The stored form as a signing node gets it: spliced from the signing payload by <c>Sign</c>, copied out.</summary>
    [Benchmark]
    public int SignAndCanonicalize() => StixSignatures.Sign(_objects[Next()], _key).Canonicalize().Length;

    /// <summary>The stored form canonicalized again from the signed tree, as before the splice (an upper bound of the old
    /// path: <c>Sign</c> here includes the splice).</summary>
    [Benchmark]
    public int SignAndCanonicalizeTree() => JsonCanonicalizer.Canonicalize(StixSignatures.Sign(_objects[Next()], _key).Json).Length;
}
