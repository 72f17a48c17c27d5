using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Text;
using Detente.Stix.Schema;

namespace Detente.Policy;

/// <summary>
/// A compact, stable binary form of <see cref="ObjectFacts"/>, so that a store can keep the facts of each object version
/// beside its bytes and the policy decides without reading JSON.
/// </summary>
/// <remarks>
/// <para>Format version 1 (<see cref="CurrentVersion"/>), all integers little-endian:</para>
/// <code>
/// version   u8 = 1
/// present   u8    bit 0 type, 1 id, 2 created_by_ref, 3 created, 4 modified, 5 confidence (other bits 0)
/// type, id, created_by_ref      string each, when present
/// created, modified             i64 each, when present: UTC ticks (100 ns)
/// confidence                    u8 (0–100), when present
/// labels                        count, then strings
/// object_marking_refs           count, then strings
/// granular_markings             count, then each: u8 has-ref (0/1), string when 1, count, then selector strings
/// string  = count of UTF-8 bytes, then the bytes (valid UTF-8)
/// count   = unsigned LEB128, at most 5 bytes, canonical (no redundant high zero bytes)
/// </code>
/// <para>The encoding of equal facts is equal bytes; <see cref="TryDecode"/> accepts only what <see cref="Encode"/>
/// writes (nothing trailing, no unknown bit, no count beyond the remaining bytes), so a corrupt column reads as
/// "no facts" and the caller falls back to <see cref="ObjectFacts.Read"/> on the object's own bytes.</para>
/// </remarks>
public static class ObjectFactsEncoding
{
    /// <summary>The format version this library writes and reads.</summary>
    public const byte CurrentVersion = 1;

    private const int TypeBit = 1 << 0;
    private const int IdBit = 1 << 1;
    private const int CreatedByRefBit = 1 << 2;
    private const int CreatedBit = 1 << 3;
    private const int ModifiedBit = 1 << 4;
    private const int ConfidenceBit = 1 << 5;
    private const int KnownBits = (1 << 6) - 1;
    private const int MaxInternLength = 64;

    private static readonly UTF8Encoding s_strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    // The strings many objects repeat (TLP marking ids, common types): decoded to one shared instance each.
    private static readonly string[] s_interned =
    [
        TlpMarkings.Tlp2Clear, TlpMarkings.Tlp2Green, TlpMarkings.Tlp2Amber, TlpMarkings.Tlp2AmberStrict, TlpMarkings.Tlp2Red,
        TlpMarkings.Tlp1White, TlpMarkings.Tlp1Green, TlpMarkings.Tlp1Amber, TlpMarkings.Tlp1Red,
        "indicator", "malware", "attack-pattern", "campaign", "course-of-action", "grouping", "identity", "infrastructure",
        "intrusion-set", "location", "malware-analysis", "note", "observed-data", "opinion", "report", "threat-actor", "tool",
        "vulnerability", "relationship", "sighting", "marking-definition", "ipv4-addr", "ipv6-addr", "domain-name", "url", "file",
    ];

    private static readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> s_internLookup =
        s_interned.ToDictionary(static s => s, StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Writes <paramref name="facts"/> in the current format.</summary>
    public static byte[] Encode(in ObjectFacts facts)
    {
        var writer = new ArrayBufferWriter<byte>(128);
        int present = (facts.Type is null ? 0 : TypeBit)
            | (facts.Id is null ? 0 : IdBit)
            | (facts.CreatedByRef is null ? 0 : CreatedByRefBit)
            | (facts.Created is null ? 0 : CreatedBit)
            | (facts.Modified is null ? 0 : ModifiedBit)
            | (facts.Confidence is null ? 0 : ConfidenceBit);
        WriteByte(writer, CurrentVersion);
        WriteByte(writer, (byte)present);
        WriteOptional(writer, facts.Type);
        WriteOptional(writer, facts.Id);
        WriteOptional(writer, facts.CreatedByRef);
        WriteInstant(writer, facts.Created);
        WriteInstant(writer, facts.Modified);
        if (facts.Confidence is { } confidence)
        {
            if (confidence is < 0 or > 100)
            {
                throw new ArgumentOutOfRangeException(nameof(facts), confidence, "Confidence is 0–100.");
            }

            WriteByte(writer, (byte)confidence);
        }

        WriteStrings(writer, facts.Labels);
        WriteStrings(writer, facts.ObjectMarkingRefs);
        WriteCount(writer, facts.GranularMarkings.Length);
        foreach (GranularMarking marking in facts.GranularMarkings)
        {
            WriteByte(writer, marking.MarkingRef is null ? (byte)0 : (byte)1);
            WriteOptional(writer, marking.MarkingRef);
            WriteStrings(writer, marking.Selectors.IsDefault ? [] : marking.Selectors);
        }

        return writer.WrittenSpan.ToArray();
    }

    /// <summary>Reads facts written by <see cref="Encode"/>.</summary>
    /// <returns>False (and default facts) for bytes that are not exactly one encoding in the current format.</returns>
    public static bool TryDecode(ReadOnlySpan<byte> encoded, out ObjectFacts facts)
    {
        facts = default;
        var reader = new Reader(encoded);
        if (!reader.TryByte(out byte version) || version != CurrentVersion
            || !reader.TryByte(out byte present) || (present & ~KnownBits) != 0)
        {
            return false;
        }

        string? type = null, id = null, createdByRef = null;
        DateTimeOffset? created = null, modified = null;
        int? confidence = null;
        if (((present & TypeBit) != 0 && !reader.TryString(out type))
            || ((present & IdBit) != 0 && !reader.TryString(out id))
            || ((present & CreatedByRefBit) != 0 && !reader.TryString(out createdByRef))
            || ((present & CreatedBit) != 0 && !reader.TryInstant(out created))
            || ((present & ModifiedBit) != 0 && !reader.TryInstant(out modified)))
        {
            return false;
        }

        if ((present & ConfidenceBit) != 0)
        {
            if (!reader.TryByte(out byte c) || c > 100)
            {
                return false;
            }

            confidence = c;
        }

        if (!reader.TryStrings(out ImmutableArray<string> labels) || !reader.TryStrings(out ImmutableArray<string> markingRefs)
            || !reader.TryCount(out int granularCount))
        {
            return false;
        }

        ImmutableArray<GranularMarking>.Builder? granular = granularCount == 0 ? null : ImmutableArray.CreateBuilder<GranularMarking>(granularCount);
        for (int i = 0; i < granularCount; i++)
        {
            string? markingRef = null;
            if (!reader.TryByte(out byte hasRef) || hasRef > 1 || (hasRef == 1 && !reader.TryString(out markingRef))
                || !reader.TryStrings(out ImmutableArray<string> selectors))
            {
                return false;
            }

            granular!.Add(new GranularMarking(markingRef, selectors));
        }

        if (!reader.AtEnd)
        {
            return false;
        }

        facts = new ObjectFacts
        {
            Type = type,
            Id = id,
            CreatedByRef = createdByRef,
            Created = created,
            Modified = modified,
            Confidence = confidence,
            Labels = labels,
            ObjectMarkingRefs = markingRefs,
            GranularMarkings = granular is null ? [] : granular.MoveToImmutable(),
        };
        return true;
    }

    private static void WriteByte(ArrayBufferWriter<byte> writer, byte value)
    {
        writer.GetSpan(1)[0] = value;
        writer.Advance(1);
    }

    private static void WriteCount(ArrayBufferWriter<byte> writer, int count)
    {
        uint value = checked((uint)count);
        while (value >= 0x80)
        {
            WriteByte(writer, (byte)(value | 0x80));
            value >>= 7;
        }

        WriteByte(writer, (byte)value);
    }

    private static void WriteOptional(ArrayBufferWriter<byte> writer, string? value)
    {
        if (value is null)
        {
            return;
        }

        int length = s_strict.GetByteCount(value);
        WriteCount(writer, length);
        s_strict.GetBytes(value, writer.GetSpan(length));
        writer.Advance(length);
    }

    private static void WriteInstant(ArrayBufferWriter<byte> writer, DateTimeOffset? value)
    {
        if (value is { } instant)
        {
            BinaryPrimitives.WriteInt64LittleEndian(writer.GetSpan(8), instant.UtcTicks);
            writer.Advance(8);
        }
    }

    private static void WriteStrings(ArrayBufferWriter<byte> writer, ImmutableArray<string> values)
    {
        WriteCount(writer, values.Length);
        foreach (string value in values)
        {
            WriteOptional(writer, value);
        }
    }

    private ref struct Reader(ReadOnlySpan<byte> bytes)
    {
        private ReadOnlySpan<byte> _rest = bytes;

        public readonly bool AtEnd => _rest.IsEmpty;

        public bool TryByte(out byte value)
        {
            if (_rest.IsEmpty)
            {
                value = 0;
                return false;
            }

            value = _rest[0];
            _rest = _rest[1..];
            return true;
        }

        public bool TryCount(out int count)
        {
            count = 0;
            uint value = 0;
            for (int shift = 0; shift < 35; shift += 7)
            {
                if (!TryByte(out byte b))
                {
                    return false;
                }

                if (shift == 28 && b > 0x07)
                {
                    return false; // beyond 2^31 - 1
                }

                value |= (uint)(b & 0x7F) << shift;
                if ((b & 0x80) == 0)
                {
                    if (b == 0 && shift > 0)
                    {
                        return false; // not canonical
                    }

                    // Every item takes at least one byte, so a count beyond what is left is corrupt (and allocates nothing).
                    if (value > (uint)_rest.Length)
                    {
                        return false;
                    }

                    count = (int)value;
                    return true;
                }
            }

            return false;
        }

        public bool TryString(out string? value)
        {
            value = null;
            if (!TryCount(out int length))
            {
                return false;
            }

            ReadOnlySpan<byte> utf8 = _rest[..length];
            _rest = _rest[length..];
            if (!System.Text.Unicode.Utf8.IsValid(utf8))
            {
                return false;
            }

            if (length <= MaxInternLength)
            {
                Span<char> chars = stackalloc char[MaxInternLength];
                int written = s_strict.GetChars(utf8, chars);
                value = s_internLookup.TryGetValue(chars[..written], out string? known) ? known : new string(chars[..written]);
                return true;
            }

            value = s_strict.GetString(utf8);
            return true;
        }

        public bool TryInstant(out DateTimeOffset? value)
        {
            value = null;
            if (_rest.Length < 8)
            {
                return false;
            }

            long ticks = BinaryPrimitives.ReadInt64LittleEndian(_rest);
            _rest = _rest[8..];
            if (ticks is < 0 || ticks > DateTimeOffset.MaxValue.UtcTicks)
            {
                return false;
            }

            value = new DateTimeOffset(ticks, TimeSpan.Zero);
            return true;
        }

        public bool TryStrings(out ImmutableArray<string> values)
        {
            values = [];
            if (!TryCount(out int count))
            {
                return false;
            }

            if (count == 0)
            {
                return true;
            }

            var builder = ImmutableArray.CreateBuilder<string>(count);
            for (int i = 0; i < count; i++)
            {
                if (!TryString(out string? value))
                {
                    return false;
                }

                builder.Add(value!);
            }

            values = builder.MoveToImmutable();
            return true;
        }
    }
}
