using System.Buffers;
using System.Buffers.Binary;

namespace Detente.Ledger.Tiles;

/// <summary>Entry bundles: a tile's entries, each as a big-endian uint16 length followed by that many bytes.</summary>
/// <remarks>C2SP tlog-tiles, "Log entries". An entry is therefore at most 65,535 bytes; a full bundle holds 256 entries.</remarks>
public static class EntryBundle
{
    /// <summary>The largest entry a bundle can hold.</summary>
    public const int MaxEntryBytes = ushort.MaxValue;

    /// <summary>Encodes <paramref name="entries"/> as a bundle.</summary>
    /// <exception cref="ArgumentException">There are more than 256 entries or one is longer than 65,535 bytes.</exception>
    public static byte[] Encode(IReadOnlyList<ReadOnlyMemory<byte>> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var output = new ArrayBufferWriter<byte>(256);
        Encode(entries, output);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Writes <paramref name="entries"/> as a bundle to <paramref name="output"/>.</summary>
    /// <exception cref="ArgumentException">There are more than 256 entries or one is longer than 65,535 bytes.</exception>
    public static void Encode(IReadOnlyList<ReadOnlyMemory<byte>> entries, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(output);
        if (entries.Count > TilePath.FullWidth)
        {
            throw new ArgumentException("A bundle holds at most 256 entries.", nameof(entries));
        }

        foreach (ReadOnlyMemory<byte> entry in entries)
        {
            if (entry.Length > MaxEntryBytes)
            {
                throw new ArgumentException("A bundled entry is at most 65,535 bytes.", nameof(entries));
            }

            Span<byte> span = output.GetSpan(2 + entry.Length);
            BinaryPrimitives.WriteUInt16BigEndian(span, (ushort)entry.Length);
            entry.Span.CopyTo(span[2..]);
            output.Advance(2 + entry.Length);
        }
    }

    /// <summary>Decodes a bundle that must hold exactly <paramref name="expectedCount"/> entries and nothing after them.</summary>
    /// <exception cref="LedgerFormatException">A length runs past the end, there are fewer or more entries, or bytes remain.</exception>
    public static ReadOnlyMemory<byte>[] Decode(ReadOnlyMemory<byte> bundle, int expectedCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(expectedCount);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(expectedCount, TilePath.FullWidth);
        var entries = new ReadOnlyMemory<byte>[expectedCount];
        ReadOnlySpan<byte> span = bundle.Span;
        int offset = 0;
        for (int i = 0; i < expectedCount; i++)
        {
            if (span.Length - offset < 2)
            {
                ThrowHelper.Format($"The bundle ends before entry {i} of {expectedCount}.", offset);
            }

            int length = BinaryPrimitives.ReadUInt16BigEndian(span[offset..]);
            offset += 2;
            if (span.Length - offset < length)
            {
                ThrowHelper.Format($"Entry {i} claims {length} bytes but the bundle ends first.", offset - 2);
            }

            entries[i] = bundle.Slice(offset, length);
            offset += length;
        }

        if (offset != span.Length)
        {
            ThrowHelper.Format($"The bundle has {span.Length - offset} bytes after its {expectedCount} entries.", offset);
        }

        return entries;
    }
}
