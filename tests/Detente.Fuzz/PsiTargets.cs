using System.Buffers;
using System.Text;
using Detente.Psi;

namespace Detente.Fuzz;

/// <summary>Fuzz targets for the PSI wire formats: chunk frames, the Golomb-compressed set, a session fed peer chunks, elements.</summary>
public static class PsiTargets
{
    /// <summary>
    /// PsiChunk.TryRead over a stream of frames: refuses with PsiException only; every frame it accepts writes back to
    /// exactly the bytes it was read from.
    /// </summary>
    public static void ChunkTarget(ReadOnlySpan<byte> input)
    {
        ReadOnlySpan<byte> rest = input;
        try
        {
            while (PsiChunk.TryRead(rest, out PsiChunkHeader header, out ReadOnlySpan<byte> payload, out int length))
            {
                var buffer = new ArrayBufferWriter<byte>();
                PsiChunk.Write(buffer, header, payload);
                Check(buffer.WrittenSpan.SequenceEqual(rest[..length]), "a frame does not write back to its bytes");
                rest = rest[length..];
            }
        }
        catch (PsiException)
        {
        }
    }

    /// <summary>
    /// GolombCodedSet.Decode: refuses with PsiException only; what it accepts is sorted, in range, and encodes back to
    /// exactly the input (the strict decoder admits one encoding per set).
    /// </summary>
    public static void FilterTarget(ReadOnlySpan<byte> input)
    {
        ulong[] values;
        int bits;
        try
        {
            values = GolombCodedSet.Decode(input, out bits);
        }
        catch (PsiException)
        {
            return;
        }

        ulong range = GolombCodedSet.Range(values.Length, bits);
        for (int i = 0; i < values.Length; i++)
        {
            Check(values[i] < range && (i == 0 || values[i - 1] <= values[i]), "decoded values are unsorted or out of range");
        }

        Check(GolombCodedSet.EncodeSorted(values, bits).AsSpan().SequenceEqual(input), "a decoded set does not encode back to its bytes");
    }

    /// <summary>
    /// An initiator session fed the input as the responder's chunks (evaluated elements, tags or a filter): refuses with
    /// PsiException only, and a session that completes counts at most its own elements.
    /// </summary>
    public static void SessionTarget(ReadOnlySpan<byte> input)
    {
        var session = new PsiInitiatorSession(new PsiSessionId(42), PsiMode.Intersection,
            [PsiElement.Parse("domain-name:a.example"), PsiElement.Parse("ipv4-addr:192.0.2.1")], responderSetSize: 3,
            new PsiOptions { ChunkSize = 1, Parallelism = 1 });
        var sink = new ArrayBufferWriter<byte>();
        while (session.TryWriteBlinded(sink))
        {
        }

        ReadOnlySpan<byte> rest = input;
        try
        {
            while (PsiChunk.TryRead(rest, out PsiChunkHeader header, out _, out int length))
            {
                if (header.Kind == PsiChunkKind.Evaluated)
                {
                    session.ReadEvaluated(rest[..length]);
                }
                else
                {
                    session.ReadResponder(rest[..length]);
                }

                rest = rest[length..];
            }

            if (session.CanComplete)
            {
                PsiResult result = session.Complete();
                Check(result.Count <= 2 && result.Intersection.Count == result.Count, "a session found more elements than it has");
            }
        }
        catch (PsiException)
        {
        }
    }

    /// <summary>PsiElement.TryParse: never throws; an accepted element's canonical form parses to itself.</summary>
    public static void ElementTarget(ReadOnlySpan<byte> input)
    {
        string text = Encoding.UTF8.GetString(input);
        if (PsiElement.TryParse(text, out PsiElement element, out _))
        {
            Check(PsiElement.TryParse(element.ToString(), out PsiElement again, out _) && again == element, "a canonical element is not a fixed point");
        }
    }

    private static void Check(bool condition, string message)
    {
        if (!condition)
        {
            throw new InvalidOperationException(message);
        }
    }
}
