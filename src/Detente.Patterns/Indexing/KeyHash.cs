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
            ulong h = seed ^ ((ulong)bytes.Length * K);
            while (bytes.Length >= 8)
            {
                h = BitOperations.RotateLeft(h ^ (BinaryPrimitives.ReadUInt64LittleEndian(bytes) * C1), 29) * K;
                bytes = bytes[8..];
            }

            if (bytes.Length > 0)
            {
                ulong tail = 0;
                for (int i = bytes.Length - 1; i >= 0; i--)
                {
                    tail = (tail << 8) | bytes[i];
                }

                h = BitOperations.RotateLeft(h ^ (tail * C1), 29) * K;
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
