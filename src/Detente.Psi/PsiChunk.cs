using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;

namespace Detente.Psi;

/// <summary>What a chunk carries.</summary>
public enum PsiChunkKind : byte
{
    /// <summary>Initiator → responder: blinded elements, 32 bytes each.</summary>
    Blinded = 1,

    /// <summary>Responder → initiator: evaluated elements, 32 bytes each, in the blinded order (intersection) or shuffled (cardinality).</summary>
    Evaluated = 2,

    /// <summary>Responder → initiator: the responder's tags (16 bytes each, sorted).</summary>
    Tags = 3,

    /// <summary>Responder → initiator: a piece of the Golomb-compressed set of the responder's tags (bytes).</summary>
    Filter = 4,
}

/// <summary>The header of one chunk frame.</summary>
/// <param name="Kind">What the chunk carries.</param>
/// <param name="IsLast">This is the last chunk of its kind in the session.</param>
/// <param name="SessionId">The session the chunk belongs to.</param>
/// <param name="Sequence">0, 1, 2, … per kind.</param>
/// <param name="Count">Items in the payload (bytes for <see cref="PsiChunkKind.Filter"/>).</param>
public readonly record struct PsiChunkHeader(PsiChunkKind Kind, bool IsLast, PsiSessionId SessionId, int Sequence, int Count)
{
    /// <summary>Bytes of the payload.</summary>
    public int PayloadLength => Count * PsiChunk.ItemLength(Kind);
}

/// <summary>
/// Chunk frames, the unit of every PSI message: a 32-byte header (magic "DPSI", version 1, kind, flags, session id,
/// sequence number, item count; big-endian) and the payload. A message is a sequence of frames of one kind, the last
/// one flagged, so that it can be streamed over HTTP with bounded memory.
/// </summary>
public static class PsiChunk
{
    /// <summary>Bytes of a frame header.</summary>
    public const int HeaderLength = 32;

    /// <summary>Most items (or filter bytes) in one frame.</summary>
    public const int MaxItems = 65536;

    /// <summary>The protocol version in each header.</summary>
    public const byte Version = 1;

    private const ushort LastFlag = 1;

    /// <summary>Bytes per payload item.</summary>
    public static int ItemLength(PsiChunkKind kind) => kind switch
    {
        PsiChunkKind.Blinded or PsiChunkKind.Evaluated => Ristretto255.ElementLength,
        PsiChunkKind.Tags => PsiTags.Length,
        _ => 1,
    };

    /// <summary>Writes a header; the caller writes <see cref="PsiChunkHeader.PayloadLength"/> payload bytes after it.</summary>
    public static void WriteHeader(Span<byte> destination, PsiChunkHeader header)
    {
        "DPSI"u8.CopyTo(destination);
        destination[4] = Version;
        destination[5] = (byte)header.Kind;
        BinaryPrimitives.WriteUInt16BigEndian(destination[6..], header.IsLast ? LastFlag : (ushort)0);
        header.SessionId.WriteTo(destination.Slice(8, PsiSessionId.Length));
        BinaryPrimitives.WriteInt32BigEndian(destination[24..], header.Sequence);
        BinaryPrimitives.WriteInt32BigEndian(destination[28..], header.Count);
    }

    /// <summary>Writes a whole frame to <paramref name="output"/>.</summary>
    public static void Write(IBufferWriter<byte> output, PsiChunkHeader header, ReadOnlySpan<byte> payload)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (payload.Length != header.PayloadLength)
        {
            throw new ArgumentException("The payload length does not match the header.", nameof(payload));
        }

        Span<byte> span = output.GetSpan(HeaderLength + payload.Length);
        WriteHeader(span, header);
        payload.CopyTo(span[HeaderLength..]);
        output.Advance(HeaderLength + payload.Length);
    }

    /// <summary>
    /// Reads the frame at the start of <paramref name="buffer"/>. Returns false when more bytes are needed; throws for a
    /// malformed header.
    /// </summary>
    /// <exception cref="PsiException">Wrong magic or version, unknown kind, unknown flags, or a count outside 0..<see cref="MaxItems"/>.</exception>
    public static bool TryRead(ReadOnlySpan<byte> buffer, out PsiChunkHeader header, out ReadOnlySpan<byte> payload, out int frameLength)
    {
        header = default;
        payload = default;
        frameLength = 0;
        if (buffer.Length < HeaderLength)
        {
            return false;
        }

        if (!buffer[..4].SequenceEqual("DPSI"u8))
        {
            Throw("a PSI chunk starts with 'DPSI'");
        }

        if (buffer[4] != Version)
        {
            Throw($"PSI chunk version {buffer[4]} is not supported (this side speaks {Version})");
        }

        var kind = (PsiChunkKind)buffer[5];
        if (kind is not (PsiChunkKind.Blinded or PsiChunkKind.Evaluated or PsiChunkKind.Tags or PsiChunkKind.Filter))
        {
            Throw($"unknown PSI chunk kind {buffer[5]}");
        }

        ushort flags = BinaryPrimitives.ReadUInt16BigEndian(buffer[6..]);
        if ((flags & ~LastFlag) != 0)
        {
            Throw($"unknown PSI chunk flags 0x{flags:x4}");
        }

        int sequence = BinaryPrimitives.ReadInt32BigEndian(buffer[24..]);
        int count = BinaryPrimitives.ReadInt32BigEndian(buffer[28..]);
        if (sequence < 0 || count < 0 || count > MaxItems)
        {
            Throw($"PSI chunk sequence {sequence} or count {count} is out of range (count at most {MaxItems})");
        }

        header = new PsiChunkHeader(kind, (flags & LastFlag) != 0, PsiSessionId.Read(buffer.Slice(8, PsiSessionId.Length)), sequence, count);
        frameLength = HeaderLength + header.PayloadLength;
        if (buffer.Length < frameLength)
        {
            header = default;
            frameLength = 0;
            return false;
        }

        payload = buffer.Slice(HeaderLength, frameLength - HeaderLength);
        return true;
    }

    /// <summary>Reads exactly one frame that fills <paramref name="frame"/>.</summary>
    /// <exception cref="PsiException">The frame is malformed, truncated, or followed by extra bytes.</exception>
    public static PsiChunkHeader ReadWhole(ReadOnlySpan<byte> frame, out ReadOnlySpan<byte> payload)
    {
        if (!TryRead(frame, out PsiChunkHeader header, out payload, out int length))
        {
            Throw("the PSI chunk is truncated");
        }

        if (length != frame.Length)
        {
            Throw("extra bytes after the PSI chunk");
        }

        return header;
    }

    [DoesNotReturn]
    private static void Throw(string message) => throw new PsiException(message);
}
