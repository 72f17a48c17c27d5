using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Detente.Psi;

/// <summary>
/// Tags: what the two sides compare. A tag is 16 bytes, the start of a SHA-512 output over the unblinded element
/// N = k · HashToGroup(x): in intersection mode the RFC 9497 Finalize output for (x, N); in cardinality mode
/// SHA-512("Detente-PSI-v1-cardinality" || N), since after the shuffle the initiator no longer knows which x an
/// answer belongs to. 128 bits make an accidental match between n·m pairs about n·m / 2^128.
/// </summary>
internal static class PsiTags
{
    /// <summary>Bytes of a tag.</summary>
    public const int Length = 16;

    public static UInt128 Intersection(ReadOnlySpan<byte> input, ReadOnlySpan<byte> unblinded)
    {
        Span<byte> output = stackalloc byte[Oprf.OutputLength];
        Oprf.HashTranscript(input, unblinded, output);
        return BinaryPrimitives.ReadUInt128BigEndian(output);
    }

    public static UInt128 Cardinality(ReadOnlySpan<byte> unblinded)
    {
        Span<byte> buffer = stackalloc byte[26 + Ristretto255.ElementLength];
        "Detente-PSI-v1-cardinality"u8.CopyTo(buffer);
        unblinded.CopyTo(buffer[26..]);
        Span<byte> output = stackalloc byte[Oprf.OutputLength];
        SHA512.HashData(buffer, output);
        return BinaryPrimitives.ReadUInt128BigEndian(output);
    }

    public static UInt128 Random()
    {
        Span<byte> bytes = stackalloc byte[Length];
        RandomNumberGenerator.Fill(bytes);
        return BinaryPrimitives.ReadUInt128BigEndian(bytes);
    }
}
