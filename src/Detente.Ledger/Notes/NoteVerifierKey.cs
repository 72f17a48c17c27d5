using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Detente.Ledger.Merkle;
using Detente.Stix.Signatures;

namespace Detente.Ledger.Notes;

/// <summary>A note verifier key (vkey): a key name, its key id, a signature type and an Ed25519 public key.</summary>
/// <remarks>
/// C2SP signed-note v1.0.0, "Verifier keys": <c>&lt;name&gt;+hex(key id)+base64(type ‖ public key)</c>, with
/// key id = SHA-256(name ‖ 0x0A ‖ type ‖ public key)[:4] read big-endian. Type 0x01 verifies Ed25519 note
/// signatures; type 0x04 verifies tlog-cosignature v1.0.1 cosignatures. Ed25519 follows Detente's one pinned
/// verification rule (see <c>Detente.Stix</c>, "Signatures").
/// </remarks>
public sealed class NoteVerifierKey : IEquatable<NoteVerifierKey>
{
    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private NoteVerifierKey(string name, NoteKeyType type, StixVerificationKey publicKey)
    {
        Name = name;
        Type = type;
        PublicKey = publicKey;
        KeyId = ComputeKeyId(name, type, publicKey.RawPublicKey.Span);
    }

    /// <summary>The key name that signature lines carry.</summary>
    public string Name { get; }

    /// <summary>The 32-bit key id.</summary>
    public uint KeyId { get; }

    /// <summary>The signature type.</summary>
    public NoteKeyType Type { get; }

    /// <summary>The Ed25519 public key.</summary>
    public StixVerificationKey PublicKey { get; }

    /// <summary>A verifier key for <paramref name="publicKey"/> under <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">The name is not a valid key name, or the type is not one this library supports.</exception>
    public static NoteVerifierKey Create(string name, NoteKeyType type, StixVerificationKey publicKey)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(publicKey);
        if (!SignedNote.IsValidKeyName(name))
        {
            throw new ArgumentException("A key name is non-empty and holds no spaces and no '+'.", nameof(name));
        }

        if (type is not (NoteKeyType.Ed25519 or NoteKeyType.Cosignature))
        {
            throw new ArgumentException("Only Ed25519 (0x01) and cosignature (0x04) keys are supported.", nameof(type));
        }

        return new NoteVerifierKey(name, type, publicKey);
    }

    /// <summary>The key id SHA-256(name ‖ 0x0A ‖ type ‖ public key)[:4], big-endian.</summary>
    public static uint ComputeKeyId(string name, NoteKeyType type, ReadOnlySpan<byte> publicKey)
    {
        ArgumentNullException.ThrowIfNull(name);
        byte[] nameBytes = s_strictUtf8.GetBytes(name);
        byte[] input = new byte[nameBytes.Length + 2 + publicKey.Length];
        nameBytes.CopyTo(input, 0);
        input[nameBytes.Length] = 0x0A;
        input[nameBytes.Length + 1] = (byte)type;
        publicKey.CopyTo(input.AsSpan(nameBytes.Length + 2));
        return BinaryPrimitives.ReadUInt32BigEndian(SHA256.HashData(input));
    }

    /// <summary>Parses a vkey string.</summary>
    /// <exception cref="LedgerFormatException">The text is not a vkey of a supported type whose key id matches.</exception>
    public static NoteVerifierKey Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out NoteVerifierKey? key, out string? problem) ? key : ThrowHelper.Format<NoteVerifierKey>($"Not a verifier key: {problem}", 0);
    }

    /// <summary>Parses a vkey string; false for anything else.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out NoteVerifierKey? key) => TryParse(text, out key, out _);

    private static bool TryParse(string? text, [NotNullWhen(true)] out NoteVerifierKey? key, out string? problem)
    {
        key = null;
        problem = null;
        int first = text?.IndexOf('+', StringComparison.Ordinal) ?? -1;
        if (text is null || first <= 0 || text.Length < first + 10 || text[first + 9] != '+')
        {
            problem = "it is not name+keyid+key.";
            return false;
        }

        string name = text[..first];
        string hex = text.Substring(first + 1, 8);
        if (!SignedNote.IsValidKeyName(name))
        {
            problem = "the key name is empty or holds a space or '+'.";
            return false;
        }

        if (!hex.All(static c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f')
            || !uint.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out uint keyId))
        {
            problem = "the key id is not 8 lower-case hex digits.";
            return false;
        }

        if (!StrictBase64.TryDecode(text.AsSpan(first + 10), out byte[] material) || material.Length != 33)
        {
            problem = "the key is not canonical base64 of a type byte and a 32-byte Ed25519 key.";
            return false;
        }

        if (material[0] is not ((byte)NoteKeyType.Ed25519 or (byte)NoteKeyType.Cosignature))
        {
            problem = "the signature type is not 0x01 (Ed25519) or 0x04 (cosignature).";
            return false;
        }

        if (!StixVerificationKey.TryFromRawPublicKey(material.AsSpan(1), out StixVerificationKey? publicKey))
        {
            problem = "the Ed25519 key is not a canonical point of large order.";
            return false;
        }

        var parsed = new NoteVerifierKey(name, (NoteKeyType)material[0], publicKey);
        if (parsed.KeyId != keyId)
        {
            problem = "the key id does not match the name and key.";
            return false;
        }

        key = parsed;
        return true;
    }

    /// <summary>True when <paramref name="signature"/> (the bytes after the key id) verifies over <paramref name="text"/>.</summary>
    /// <param name="text">The note text's UTF-8 bytes.</param>
    /// <param name="signature">For Ed25519, 64 bytes; for a cosignature, the 72-byte timestamped signature.</param>
    /// <param name="timestamp">For a cosignature, its POSIX time; otherwise null.</param>
    public bool VerifySignature(ReadOnlySpan<byte> text, ReadOnlySpan<byte> signature, out long? timestamp)
    {
        timestamp = null;
        if (Type == NoteKeyType.Ed25519)
        {
            return signature.Length == 64 && Ed25519Rules.Verify(PublicKey.PublicKey, PublicKey.RawPublicKey.Span, text, signature) == Ed25519Violation.None;
        }

        if (signature.Length != 72)
        {
            return false;
        }

        ulong time = BinaryPrimitives.ReadUInt64BigEndian(signature);
        if (time > long.MaxValue)
        {
            return false;
        }

        byte[] message = Cosigner.SignedMessage((long)time, text);
        if (Ed25519Rules.Verify(PublicKey.PublicKey, PublicKey.RawPublicKey.Span, message, signature[8..]) != Ed25519Violation.None)
        {
            return false;
        }

        timestamp = (long)time;
        return true;
    }

    /// <summary>The vkey string <c>name+hex+base64</c>.</summary>
    public override string ToString()
    {
        byte[] material = new byte[33];
        material[0] = (byte)Type;
        PublicKey.RawPublicKey.Span.CopyTo(material.AsSpan(1));
        return $"{Name}+{KeyId:x8}+{Convert.ToBase64String(material)}";
    }

    /// <summary>True for the same name, type and public key.</summary>
    public bool Equals(NoteVerifierKey? other) =>
        other is not null && Type == other.Type && string.Equals(Name, other.Name, StringComparison.Ordinal) && PublicKey.Equals(other.PublicKey);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is NoteVerifierKey other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Name, KeyId);
}
