using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Detente.Storage.Sql;

namespace Detente.Storage;

/// <summary>What <see cref="CursorCodec.TryDecode"/> found.</summary>
public enum CursorStatus
{
    /// <summary>The cursor is one this store issued for this query.</summary>
    Valid = 0,

    /// <summary>Not a cursor at all: wrong length or not base64url.</summary>
    Malformed = 1,

    /// <summary>A cursor of a format version this code does not know.</summary>
    UnsupportedVersion = 2,

    /// <summary>The cursor was altered, issued by another store, or issued for another collection or other filters.</summary>
    Invalid = 3,
}

/// <summary>
/// Turns a paging position into TAXII's opaque <c>next</c> value and back, without keeping any state: the cursor
/// carries the position and a MAC over it, the collection and the filters.
/// </summary>
/// <remarks>
/// Format 1: base64url (no padding) of <c>0x01 ‖ position (8 bytes, big-endian µs) ‖ tag (16 bytes)</c>, where the
/// tag is HMAC-SHA-256 (truncated) under the store's own key of a domain string, the collection id, a canonical
/// encoding of the <see cref="ObjectFilter"/> and the position. The store creates the key once and keeps it, so every
/// node instance over the same store accepts the cursors of the others. <c>limit</c> is not bound: a client may
/// change its page size between pages.
/// </remarks>
public sealed class CursorCodec
{
    private const byte FormatVersion = 1;
    private const int TagSize = 16;
    private const int RawSize = 1 + sizeof(long) + TagSize;
    private const int TextSize = 34; // base64url of 25 bytes, unpadded
    private static readonly byte[] s_domain = "detente.storage.cursor.v1"u8.ToArray();
    private readonly byte[] _key;

    internal CursorCodec(ReadOnlySpan<byte> key)
    {
        if (key.Length < 32)
        {
            throw new ArgumentException("The cursor key must have at least 32 bytes.", nameof(key));
        }

        _key = key.ToArray();
    }

    /// <summary>The cursor that continues <paramref name="filter"/> on <paramref name="collectionId"/> after the
    /// version added at <paramref name="after"/> (the <see cref="StoredObject.DateAdded"/> of the last one returned).</summary>
    public string Encode(Guid collectionId, ObjectFilter filter, DateTimeOffset after)
    {
        ArgumentNullException.ThrowIfNull(filter);
        Span<byte> raw = stackalloc byte[RawSize];
        raw[0] = FormatVersion;
        long position = Micros.From(after);
        BinaryPrimitives.WriteInt64BigEndian(raw[1..], position);
        Tag(collectionId, filter, position, raw[(1 + sizeof(long))..]);
        return Base64Url.EncodeToString(raw);
    }

    /// <summary>Reads a cursor issued by <see cref="Encode"/> for the same collection and filters.</summary>
    /// <param name="cursor">The client's <c>next</c> value.</param>
    /// <param name="collectionId">The collection of the request.</param>
    /// <param name="filter">The filters of the request.</param>
    /// <param name="after">The position to read after when the result is <see cref="CursorStatus.Valid"/>.</param>
    /// <returns><see cref="CursorStatus.Valid"/>, or why the cursor is refused; never throws for any text.</returns>
    public CursorStatus TryDecode(string? cursor, Guid collectionId, ObjectFilter filter, out DateTimeOffset after)
    {
        ArgumentNullException.ThrowIfNull(filter);
        after = default;
        if (cursor is null || cursor.Length != TextSize)
        {
            return CursorStatus.Malformed;
        }

        Span<byte> raw = stackalloc byte[RawSize + 3];
        // Only the canonical spelling is accepted: no padding, no whitespace, unused low bits zero.
        if (Base64Url.DecodeFromChars(cursor, raw, out _, out int written) != OperationStatus.Done || written != RawSize
            || !string.Equals(Base64Url.EncodeToString(raw[..RawSize]), cursor, StringComparison.Ordinal))
        {
            return CursorStatus.Malformed;
        }

        if (raw[0] != FormatVersion)
        {
            return CursorStatus.UnsupportedVersion;
        }

        long position = BinaryPrimitives.ReadInt64BigEndian(raw[1..]);
        Span<byte> expected = stackalloc byte[TagSize];
        Tag(collectionId, filter, position, expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, raw.Slice(1 + sizeof(long), TagSize))
            || !Micros.TryToDateTimeOffset(position, out after))
        {
            after = default;
            return CursorStatus.Invalid;
        }

        return CursorStatus.Valid;
    }

    private void Tag(Guid collectionId, ObjectFilter filter, long position, Span<byte> destination)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        buffer.Write(s_domain);
        Span<byte> id = stackalloc byte[16];
        collectionId.TryWriteBytes(id, bigEndian: true, out _);
        buffer.Write(id);
        WriteFilter(buffer, filter);
        Span<byte> pos = stackalloc byte[sizeof(long)];
        BinaryPrimitives.WriteInt64BigEndian(pos, position);
        buffer.Write(pos);
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(_key, buffer.WrittenSpan, mac);
        mac[..TagSize].CopyTo(destination);
    }

    // A canonical encoding: equal filters (as the store reads them) give equal bytes, whatever the order or
    // repetition of list values and the precision timestamps were written with.
    private static void WriteFilter(ArrayBufferWriter<byte> buffer, ObjectFilter filter)
    {
        WriteString(buffer, filter.AddedAfter is { } a ? VersionKey.Of(a) : string.Empty);
        WriteList(buffer, filter.Ids);
        WriteList(buffer, filter.Types);
        WriteList(buffer, filter.SpecVersions);
        VersionFilter v = filter.Versions;
        buffer.Write([(byte)((v.IncludeFirst ? 1 : 0) | (v.IncludeLast ? 2 : 0) | (v.IncludeAll ? 4 : 0))]);
        WriteList(buffer, v.Timestamps.Select(VersionKey.Of).ToArray());
    }

    private static void WriteList(ArrayBufferWriter<byte> buffer, IReadOnlyList<string> values)
    {
        string[] sorted = values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        Span<byte> count = stackalloc byte[sizeof(int)];
        BinaryPrimitives.WriteInt32BigEndian(count, sorted.Length);
        buffer.Write(count);
        foreach (string value in sorted)
        {
            WriteString(buffer, value);
        }
    }

    private static void WriteString(ArrayBufferWriter<byte> buffer, string value)
    {
        int length = Encoding.UTF8.GetByteCount(value);
        Span<byte> prefix = stackalloc byte[sizeof(int)];
        BinaryPrimitives.WriteInt32BigEndian(prefix, length);
        buffer.Write(prefix);
        Encoding.UTF8.GetBytes(value, buffer.GetSpan(length));
        buffer.Advance(length);
    }
}
