using System.Buffers;
using CsCheck;
using Detente.Testing;

namespace Detente.Psi.Tests;

public sealed class PsiChunkTests
{
    [Fact]
    public void Frames_round_trip()
    {
        Gen<(PsiChunkKind Kind, bool Last, UInt128 Id, int Sequence, int Count)> gen = Gen.Select(
            Gen.Int[1, 4].Select(k => (PsiChunkKind)k),
            Gen.Bool, Gen.Select(Gen.ULong, Gen.ULong, (a, b) => new UInt128(a, b)), Gen.Int[0, int.MaxValue], Gen.Int[0, 40]);
        Property.ForAll(gen, c =>
        {
            var header = new PsiChunkHeader(c.Kind, c.Last, new PsiSessionId(c.Id), c.Sequence, c.Count);
            byte[] payload = new byte[header.PayloadLength];
            new Random(c.Count).NextBytes(payload);
            var buffer = new ArrayBufferWriter<byte>();
            PsiChunk.Write(buffer, header, payload);
            Assert.Equal(header, PsiChunk.ReadWhole(buffer.WrittenSpan, out ReadOnlySpan<byte> read));
            Assert.Equal(payload, read.ToArray());
            // Every strict prefix asks for more bytes.
            for (int cut = 0; cut < buffer.WrittenCount; cut += 7)
            {
                Assert.False(PsiChunk.TryRead(buffer.WrittenSpan[..cut], out _, out _, out _));
            }
        });
    }

    [Fact]
    public void Malformed_headers_are_refused()
    {
        var buffer = new ArrayBufferWriter<byte>();
        PsiChunk.Write(buffer, new PsiChunkHeader(PsiChunkKind.Tags, true, PsiSessionId.New(), 0, 1), new byte[16]);
        byte[] good = buffer.WrittenSpan.ToArray();
        (int Offset, byte Value, string Message)[] cases =
        [
            (0, (byte)'X', "starts with 'DPSI'"),
            (4, 2, "version 2"),
            (5, 9, "unknown PSI chunk kind"),
            (7, 2, "unknown PSI chunk flags"),
            (28, 0x80, "out of range"),
            (29, 0x01, "out of range"),
        ];
        foreach ((int offset, byte value, string message) in cases)
        {
            byte[] bad = (byte[])good.Clone();
            bad[offset] = value;
            Assert.Contains(message, Assert.Throws<PsiException>(() => PsiChunk.TryRead(bad, out _, out _, out _)).Message, StringComparison.Ordinal);
        }

        Assert.Throws<PsiException>(() => PsiChunk.ReadWhole([.. good, 0], out _));
    }

    [Fact]
    public void Random_bytes_are_read_or_refused_with_psi_exception_only()
    {
        Property.ForAll(Gen.Byte.Array[0, 80], bytes =>
        {
            byte[] input = bytes.Length >= 6 ? [.. "DPSI"u8, 1, (byte)(bytes[0] % 5), .. bytes.AsSpan(2)] : bytes;
            try
            {
                if (PsiChunk.TryRead(input, out PsiChunkHeader header, out ReadOnlySpan<byte> payload, out int length))
                {
                    Assert.Equal(PsiChunk.HeaderLength + header.PayloadLength, length);
                    Assert.Equal(header.PayloadLength, payload.Length);
                }
            }
            catch (PsiException)
            {
            }
        }, iterations: 3000);
    }
}
