using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Detente.Ledger.Merkle;

/// <summary>A 32-byte SHA-256 Merkle tree hash (a leaf hash, an interior node hash or a root).</summary>
/// <remarks>RFC 9162 §2.1.1 with SHA-256: every hash in the log is exactly 32 bytes.</remarks>
public readonly struct MerkleHash : IEquatable<MerkleHash>
{
    /// <summary>The length of a hash in bytes.</summary>
    public const int Size = 32;

    private readonly Buffer32 _bytes;

    /// <summary>Creates a hash from exactly 32 bytes.</summary>
    /// <exception cref="ArgumentException"><paramref name="bytes"/> is not 32 bytes.</exception>
    public MerkleHash(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Size)
        {
            throw new ArgumentException("A Merkle hash is 32 bytes.", nameof(bytes));
        }

        bytes.CopyTo(_bytes);
    }

    /// <summary>The 32 bytes.</summary>
    [UnscopedRef]
    public ReadOnlySpan<byte> Bytes => _bytes;

    /// <summary>Reads a hash from the first 32 bytes of <paramref name="source"/> (which must hold at least 32).</summary>
    internal static MerkleHash Read(ReadOnlySpan<byte> source) => new(source[..Size]);

    /// <summary>Parses the standard (RFC 4648 §4, padded) base64 form; only the one canonical encoding is accepted.</summary>
    public static bool TryParseBase64(ReadOnlySpan<char> text, out MerkleHash hash)
    {
        hash = default;
        if (text.Length != 44 || !StrictBase64.TryDecode(text, out byte[] bytes) || bytes.Length != Size)
        {
            return false;
        }

        hash = new MerkleHash(bytes);
        return true;
    }

    /// <summary>Parses the lower-case hex form (64 characters).</summary>
    /// <exception cref="FormatException">The text is not 64 hex digits.</exception>
    public static MerkleHash FromHex(string hex)
    {
        ArgumentNullException.ThrowIfNull(hex);
        if (hex.Length != 2 * Size)
        {
            throw new FormatException("A Merkle hash is 64 hex digits.");
        }

        return new MerkleHash(Convert.FromHexString(hex));
    }

    /// <summary>Copies the 32 bytes to <paramref name="destination"/>.</summary>
    public void CopyTo(Span<byte> destination) => Bytes.CopyTo(destination);

    /// <summary>The 32 bytes in a new array.</summary>
    public byte[] ToArray() => Bytes.ToArray();

    /// <summary>The standard padded base64 form (44 characters), as checkpoints and proofs write it.</summary>
    public string ToBase64() => Convert.ToBase64String(Bytes);

    /// <summary>The lower-case hex form.</summary>
    public string ToHex() => Convert.ToHexStringLower(Bytes);

    /// <summary>True when both hold the same 32 bytes.</summary>
    public bool Equals(MerkleHash other) => Bytes.SequenceEqual(other.Bytes);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is MerkleHash other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => BitConverter.ToInt32(Bytes);

    /// <summary>The base64 form.</summary>
    public override string ToString() => ToBase64();

    /// <summary>True when both hold the same 32 bytes.</summary>
    public static bool operator ==(MerkleHash left, MerkleHash right) => left.Equals(right);

    /// <summary>True when the two differ.</summary>
    public static bool operator !=(MerkleHash left, MerkleHash right) => !left.Equals(right);

    [InlineArray(Size)]
    private struct Buffer32
    {
        private byte _element0;
    }
}

/// <summary>Standard base64 (RFC 4648 §4, with padding) with exactly one accepted encoding per byte string.</summary>
/// <remarks>
/// Refuses whitespace, characters outside the alphabet, missing or extra padding and non-zero unused bits in the last
/// character (RFC 4648 §3.5), which the BCL decoder would let through; signed notes need one textual form per value.
/// </remarks>
internal static class StrictBase64
{
    /// <summary>Decodes canonical padded base64; false for anything else.</summary>
    public static bool TryDecode(ReadOnlySpan<char> text, out byte[] data)
    {
        data = [];
        if (text.Length == 0 || text.Length % 4 != 0)
        {
            return false;
        }

        foreach (char c in text)
        {
            if (c > 0x7F || c is ' ' or '\t' or '\r' or '\n')
            {
                return false;
            }
        }

        byte[] buffer = new byte[text.Length / 4 * 3];
        if (!Convert.TryFromBase64Chars(text, buffer, out int written))
        {
            return false;
        }

        data = buffer.AsSpan(0, written).ToArray();

        // One encoding per value: re-encoding must give the same text (rejects non-zero pad bits).
        Span<char> again = text.Length <= 512 ? stackalloc char[text.Length] : new char[text.Length];
        return Convert.TryToBase64Chars(data, again, out int chars) && chars == text.Length && again.SequenceEqual(text);
    }

    /// <summary>Decodes canonical padded base64 from ASCII bytes; false for anything else.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> utf8, out byte[] data)
    {
        data = [];
        if (utf8.Length == 0 || utf8.Length % 4 != 0)
        {
            return false;
        }

        byte[] buffer = new byte[utf8.Length / 4 * 3];
        if (Base64.DecodeFromUtf8(utf8, buffer, out int consumed, out int written) != System.Buffers.OperationStatus.Done || consumed != utf8.Length)
        {
            return false;
        }

        data = buffer.AsSpan(0, written).ToArray();
        Span<byte> again = utf8.Length <= 512 ? stackalloc byte[utf8.Length] : new byte[utf8.Length];
        return Base64.EncodeToUtf8(data, again, out _, out int encoded) == System.Buffers.OperationStatus.Done
            && encoded == utf8.Length && again.SequenceEqual(utf8);
    }
}
