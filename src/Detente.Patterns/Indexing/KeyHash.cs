using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;

namespace Detente.Patterns.Indexing;

/// <summary>Seeded hashing for the open-addressing tables.</summary>
/// <remarks>
/// Indicators come from partners and telemetry from the network, so an attacker may choose keys. Every table draws a
/// random 64-bit seed, which keeps colliding keys from being precomputed (hash flooding); this is not a cryptographic
/// MAC. The mixer is the 64-bit finalizer of MurmurHash3 over 8-byte words. Bench: Patterns/IndexBenchmarks.
/// </remarks>
internal static class KeyHash
{
    private const ulong C1 = 0xFF51AFD7ED558CCD;
    private const ulong C2 = 0xC4CEB9FE1A85EC53;
    private const ulong K = 0x9E3779B97F4A7C15;

    public static ulong NewSeed()
    {
        Span<byte> bytes = stackalloc byte[8];
        RandomNumberGenerator.Fill(bytes);
        return BinaryPrimitives.ReadUInt64LittleEndian(bytes) | 1;
    }

    /// <summary>The one-byte tag of a hash: seven of its high bits and a set top bit (0 marks an empty slot).</summary>
    public static byte Tag(uint hash) => (byte)((hash >> 25) | 0x80);

    public static uint Hash(ulong value, ulong seed) => (uint)(Mix(value ^ seed) >> 32);

    public static uint Hash(ulong high, ulong low, ulong seed) =>
        (uint)(Mix(Mix(high ^ seed) ^ unchecked(low * K)) >> 32);

    public static uint Hash(ReadOnlySpan<byte> bytes, ulong seed)
    {
        unchecked // hashing wraps by design
        {
            int length = bytes.Length;
            ulong h = seed ^ ((ulong)length * K);
            if (length >= 8)
            {
                // Whole words, then the last eight bytes (overlapping the previous word): no byte loop for the tail.
                ulong last = BinaryPrimitives.ReadUInt64LittleEndian(bytes[^8..]);
                while (bytes.Length > 8)
                {
                    h = BitOperations.RotateLeft(h ^ (BinaryPrimitives.ReadUInt64LittleEndian(bytes) * C1), 29) * K;
                    bytes = bytes[8..];
                }

                h = BitOperations.RotateLeft(h ^ (last * C1), 29) * K;
            }
            else if (length >= 4)
            {
                ulong word = ((ulong)BinaryPrimitives.ReadUInt32LittleEndian(bytes) << 32) | BinaryPrimitives.ReadUInt32LittleEndian(bytes[^4..]);
                h = BitOperations.RotateLeft(h ^ (word * C1), 29) * K;
            }
            else if (length > 0)
            {
                ulong word = bytes[0] | ((ulong)bytes[length / 2] << 8) | ((ulong)bytes[length - 1] << 16);
                h = BitOperations.RotateLeft(h ^ (word * C1), 29) * K;
            }

            return (uint)(Mix(h) >> 32);
        }
    }

    private static ulong Mix(ulong x)
    {
        unchecked
        {
            x ^= x >> 33;
            x *= C1;
            x ^= x >> 33;
            x *= C2;
            x ^= x >> 33;
            return x;
        }
    }
}
