using System.Buffers;
using Detente.Fuzz;
using Detente.Testing;

namespace Detente.Psi.Tests.Fuzz;

/// <summary>Runs the PSI fuzz targets over seeded mutations of valid wire bytes (fixed seed), as AFL++ would.</summary>
public sealed class PsiFuzzTests
{
    private const int Iterations = 3000;

    public static TheoryData<string> Targets => new(["psi-chunk", "psi-filter", "psi-session", "psi-element"]);

    [Theory]
    [MemberData(nameof(Targets))]
    public void Mutated_wire_bytes_never_break_a_psi_target(string name)
    {
        FuzzTarget target = FuzzTargets.All[name];
        List<byte[]> seeds = Seeds();
        foreach (byte[] seed in seeds)
        {
            target(seed);
        }

        FuzzMutator.Run(name, input => target(input), seeds, 20261123, Iterations);
    }

    /// <summary>Valid frames and filters from a real session of the fuzz target's shape, and element texts.</summary>
    private static List<byte[]> Seeds()
    {
        var id = new PsiSessionId(42);
        using PsiKey key = PsiKey.Generate();
        PsiPreparedSet set = PsiPreparedSet.Prepare(key, id,
            [PsiElement.Parse("domain-name:a.example"), PsiElement.Parse("ipv4-addr:198.51.100.7"), PsiElement.Parse("url:http://x.example/")]);
        var initiator = new PsiInitiatorSession(id, PsiMode.Intersection,
            [PsiElement.Parse("domain-name:a.example"), PsiElement.Parse("ipv4-addr:192.0.2.1")], set.Count, new PsiOptions { ChunkSize = 1 });
        var responder = new PsiResponderSession(set, id, PsiMode.Intersection, initiator.SetSize, new PsiOptions { ChunkSize = 1 });
        var blinded = new ArrayBufferWriter<byte>();
        while (initiator.TryWriteBlinded(blinded))
        {
        }

        var answers = new ArrayBufferWriter<byte>();
        ReadOnlySpan<byte> rest = blinded.WrittenSpan;
        while (PsiChunk.TryRead(rest, out _, out _, out int length))
        {
            responder.Evaluate(rest[..length], answers);
            rest = rest[length..];
        }

        var tags = new ArrayBufferWriter<byte>();
        responder.WriteTags(tags);
        var filter = new ArrayBufferWriter<byte>();
        responder.WriteFilter(filter, 8);
        return
        [
            blinded.WrittenSpan.ToArray(),
            [.. answers.WrittenSpan, .. tags.WrittenSpan],
            [.. answers.WrittenSpan, .. filter.WrittenSpan],
            filter.WrittenSpan[PsiChunk.HeaderLength..].ToArray(),
            GolombCodedSet.Encode([1, 2, UInt128.MaxValue], 3),
            "ipv6-addr:2001:DB8::0:1"u8.ToArray(),
            "url:HTTP://Example.com"u8.ToArray(),
            "file:sha-1:DA39A3EE5E6B4B0D3255BFEF95601890AFD80709"u8.ToArray(),
        ];
    }
}
