using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace Detente.Psi;

/// <summary>expand_message_xmd with SHA-512 (RFC 9380 §5.3.1).</summary>
internal static class ExpandMessageXmd
{
    private const int HashLength = 64;   // b_in_bytes for SHA-512
    private const int BlockLength = 128; // s_in_bytes for SHA-512

    // Messages up to this length are hashed from a stack buffer; longer ones from a rented one.
    private const int StackLimit = 1024;

    /// <summary>Fills <paramref name="output"/> with expand_message_xmd(msg, DST, len(output)).</summary>
    /// <exception cref="ArgumentException">DST is empty or longer than 255 bytes, or the output is longer than 255 · 64 bytes.</exception>
    public static void Sha512(ReadOnlySpan<byte> message, ReadOnlySpan<byte> dst, Span<byte> output)
    {
        if (dst.Length is 0 or > 255)
        {
            ThrowDst(dst.Length);
        }

        int ell = (output.Length + HashLength - 1) / HashLength;
        if (output.Length == 0 || ell > 255)
        {
            ThrowOutput(output.Length);
        }

        // b_0 = H(Z_pad || msg || I2OSP(len_in_bytes, 2) || I2OSP(0, 1) || DST_prime), DST_prime = DST || I2OSP(len(DST), 1)
        int b0Length = BlockLength + message.Length + 2 + 1 + dst.Length + 1;
        byte[]? rented = null;
        Span<byte> b0Input = b0Length <= StackLimit
            ? stackalloc byte[StackLimit]
            : (rented = ArrayPool<byte>.Shared.Rent(b0Length));
        try
        {
            b0Input = b0Input[..b0Length];
            b0Input[..BlockLength].Clear();
            message.CopyTo(b0Input[BlockLength..]);
            int at = BlockLength + message.Length;
            BinaryPrimitives.WriteUInt16BigEndian(b0Input[at..], (ushort)output.Length);
            b0Input[at + 2] = 0;
            dst.CopyTo(b0Input[(at + 3)..]);
            b0Input[^1] = (byte)dst.Length;

            Span<byte> b0 = stackalloc byte[HashLength];
            SHA512.HashData(b0Input, b0);

            // b_i = H(strxor(b_0, b_(i-1)) || I2OSP(i, 1) || DST_prime), with b_1 = H(b_0 || I2OSP(1, 1) || DST_prime)
            Span<byte> bi = stackalloc byte[HashLength];
            Span<byte> biInput = stackalloc byte[HashLength + 1 + 255 + 1];
            biInput = biInput[..(HashLength + 1 + dst.Length + 1)];
            dst.CopyTo(biInput[(HashLength + 1)..]);
            biInput[^1] = (byte)dst.Length;
            for (int i = 1; i <= ell; i++)
            {
                for (int j = 0; j < HashLength; j++)
                {
                    biInput[j] = (byte)(b0[j] ^ (i == 1 ? 0 : bi[j]));
                }

                biInput[HashLength] = (byte)i;
                SHA512.HashData(biInput, bi);
                int offset = (i - 1) * HashLength;
                int take = Math.Min(HashLength, output.Length - offset);
                bi[..take].CopyTo(output[offset..]);
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    [DoesNotReturn]
    private static void ThrowDst(int length) =>
        throw new ArgumentException($"A domain separation tag has 1 to 255 bytes, not {length}.", "dst");

    [DoesNotReturn]
    private static void ThrowOutput(int length) =>
        throw new ArgumentException($"expand_message_xmd with SHA-512 gives 1 to 16320 bytes, not {length}.", "output");
}
