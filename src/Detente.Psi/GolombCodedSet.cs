using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;

namespace Detente.Psi;

/// <summary>
/// A Golomb-compressed set (GCS) of tags, for when the initiator only needs membership: each of the N tags is mapped
/// to a value in [0, N · 2^P), the values are sorted, and their differences are Golomb-Rice coded with parameter P
/// (quotient in unary, P remainder bits). It costs about N · (P + 1.5) bits instead of N · 128, and a tag not in the set
/// is reported as a member with probability about 2^-P (the false-positive rate).
/// </summary>
/// <remarks>
/// Format: I2OSP(N, 4) || I2OSP(P, 1) || the codes, most significant bit first, the last byte padded with zero bits.
/// A decoder refuses anything else: P outside 1..32, a value outside the range, a missing or extra byte, non-zero padding.
/// </remarks>
public static class GolombCodedSet
{
    /// <summary>The default P: a false-positive rate of 2^-20 (about one in a million) per query.</summary>
    public const int DefaultBits = 20;

    /// <summary>Bytes before the codes.</summary>
    public const int HeaderLength = 5;

    /// <summary>The probability that a tag not in a set of <paramref name="count"/> is reported as a member.</summary>
    public static double FalsePositiveRate(int count, int bits) =>
        count == 0 ? 0 : 1 - Math.Pow(1 - (1.0 / ((double)count * Math.Pow(2, bits))), count);

    /// <summary>Maps a (uniformly random) tag to [0, <paramref name="range"/>) by its top 64 bits.</summary>
    public static ulong Map(UInt128 tag, ulong range) => (ulong)(((tag >> 64) * range) >> 64);

    /// <summary>The range values fall in: N · 2^P.</summary>
    public static ulong Range(int count, int bits) => checked((ulong)count << bits);

    /// <summary>Encodes <paramref name="tags"/> with parameter <paramref name="bits"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">P is outside 1..32.</exception>
    public static byte[] Encode(ReadOnlySpan<UInt128> tags, int bits = DefaultBits)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bits, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bits, 32);
        ulong range = Range(tags.Length, bits);
        ulong[] values = new ulong[tags.Length];
        for (int i = 0; i < tags.Length; i++)
        {
            values[i] = Map(tags[i], range);
        }

        Array.Sort(values);
        return EncodeSorted(values, bits);
    }

    /// <summary>Encodes values already mapped and sorted (all below N · 2^P).</summary>
    internal static byte[] EncodeSorted(ReadOnlySpan<ulong> values, int bits)
    {
        var writer = new BitWriter(HeaderLength + (int)(((long)values.Length * (bits + 2) + 7) / 8));
        ulong previous = 0;
        foreach (ulong value in values)
        {
            ulong delta = value - previous;
            previous = value;
            ulong quotient = delta >> bits;
            for (ulong q = 0; q < quotient; q++)
            {
                writer.Write(1, 1);
            }

            writer.Write(0, 1);
            writer.Write(delta & ((1UL << bits) - 1), bits);
        }

        byte[] result = writer.ToArray();
        BinaryPrimitives.WriteInt32BigEndian(result, values.Length);
        result[4] = (byte)bits;
        return result;
    }

    /// <summary>
    /// Counts the queries that are members, and marks them in <paramref name="isMember"/>. The queries are walked in
    /// value order beside the decoder, so memory is that of the queries, whatever the size of the set.
    /// </summary>
    /// <exception cref="PsiException">The encoding is malformed.</exception>
    public static int Match(ReadOnlySpan<byte> encoded, ReadOnlySpan<UInt128> queries, Span<bool> isMember)
    {
        if (isMember.Length != queries.Length)
        {
            throw new ArgumentException("One flag per query.", nameof(isMember));
        }

        var reader = new Reader(encoded);
        ulong[] mapped = new ulong[queries.Length];
        int[] order = new int[queries.Length];
        for (int i = 0; i < queries.Length; i++)
        {
            mapped[i] = Map(queries[i], reader.Range);
            order[i] = i;
        }

        Array.Sort(mapped, order);
        int members = 0;
        int next = 0;
        while (reader.TryReadNext(out ulong value))
        {
            while (next < mapped.Length && mapped[next] < value)
            {
                next++;
            }

            for (int j = next; j < mapped.Length && mapped[j] == value; j++)
            {
                if (!isMember[order[j]])
                {
                    isMember[order[j]] = true;
                    members++;
                }
            }
        }

        return members;
    }

    /// <summary>Decodes all values (for tests and small sets).</summary>
    /// <exception cref="PsiException">The encoding is malformed.</exception>
    public static ulong[] Decode(ReadOnlySpan<byte> encoded, out int bits)
    {
        var reader = new Reader(encoded);
        bits = reader.Bits;
        ulong[] values = new ulong[reader.Count];
        int i = 0;
        while (reader.TryReadNext(out ulong value))
        {
            values[i++] = value;
        }

        return values;
    }

    /// <summary>A strict streaming decoder.</summary>
    internal ref struct Reader
    {
        private readonly ReadOnlySpan<byte> _codes;
        private long _bit;
        private int _read;
        private ulong _previous;

        public Reader(ReadOnlySpan<byte> encoded)
        {
            if (encoded.Length < HeaderLength)
            {
                Throw("a Golomb-compressed set is shorter than its 5-byte header", 0);
            }

            Count = BinaryPrimitives.ReadInt32BigEndian(encoded);
            Bits = encoded[4];
            if (Count < 0 || Bits is < 1 or > 32)
            {
                Throw($"a Golomb-compressed set has count {Count} and parameter {Bits} (1..32)", 0);
            }

            Range = Range(Count, Bits);
            _codes = encoded[HeaderLength..];
            // Each code takes at least P + 1 bits: a count the bytes cannot hold is refused before any work.
            if ((long)Count * (Bits + 1) > (long)_codes.Length * 8)
            {
                Throw($"a Golomb-compressed set of {Count} values cannot fit in {_codes.Length} bytes", HeaderLength);
            }

            if (Count == 0 && _codes.Length != 0)
            {
                Throw("extra bytes after an empty Golomb-compressed set", HeaderLength);
            }
        }

        public int Count { get; }

        public int Bits { get; }

        public ulong Range { get; }

        public bool TryReadNext(out ulong value)
        {
            value = 0;
            if (_read == Count)
            {
                return false;
            }

            ulong quotient = 0;
            while (ReadBit() == 1)
            {
                quotient++;
                if ((quotient << Bits) >= Range)
                {
                    Throw("a Golomb-compressed set value is out of range", HeaderLength + (_bit / 8));
                }
            }

            ulong remainder = 0;
            for (int i = 0; i < Bits; i++)
            {
                remainder = (remainder << 1) | ReadBit();
            }

            // quotient << Bits < Range <= 2^63 and remainder < 2^32, so delta cannot wrap; compare before adding.
            ulong delta = (quotient << Bits) + remainder;
            if (delta >= Range - _previous)
            {
                Throw("a Golomb-compressed set value is out of range", HeaderLength + (_bit / 8));
            }

            value = _previous + delta;

            _previous = value;
            _read++;
            if (_read == Count)
            {
                CheckEnd();
            }

            return true;
        }

        private uint ReadBit()
        {
            if (_bit >= (long)_codes.Length * 8)
            {
                Throw("a Golomb-compressed set is truncated", HeaderLength + _codes.Length);
            }

            uint bit = (uint)(_codes[(int)(_bit >> 3)] >> (7 - (int)(_bit & 7))) & 1;
            _bit++;
            return bit;
        }

        private readonly void CheckEnd()
        {
            long usedBytes = (_bit + 7) / 8;
            if (usedBytes != _codes.Length)
            {
                Throw("extra bytes after a Golomb-compressed set", HeaderLength + usedBytes);
            }

            for (long b = _bit; b < usedBytes * 8; b++)
            {
                if (((_codes[(int)(b >> 3)] >> (7 - (int)(b & 7))) & 1) != 0)
                {
                    Throw("a Golomb-compressed set has non-zero padding bits", HeaderLength + (b / 8));
                }
            }
        }
    }

    [DoesNotReturn]
    private static void Throw(string message, long position) => throw new PsiException(message, position);

    private sealed class BitWriter(int capacity)
    {
        private byte[] _buffer = new byte[Math.Max(capacity, HeaderLength)];
        private long _bit = HeaderLength * 8L;

        public void Write(ulong value, int count)
        {
            for (int i = count - 1; i >= 0; i--)
            {
                int index = (int)(_bit >> 3);
                if (index >= _buffer.Length)
                {
                    Array.Resize(ref _buffer, _buffer.Length * 2);
                }

                if (((value >> i) & 1) != 0)
                {
                    _buffer[index] |= (byte)(0x80 >> (int)(_bit & 7));
                }

                _bit++;
            }
        }

        public byte[] ToArray() => _buffer.AsSpan(0, (int)((_bit + 7) / 8)).ToArray();
    }
}
