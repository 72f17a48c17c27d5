using System.Buffers.Binary;

namespace Detente.Ledger.Notes;

/// <summary>One signature line of a signed note: <c>— &lt;key name&gt; base64(key id ‖ signature)</c>.</summary>
/// <remarks>C2SP signed-note v1.0.0, "Signatures". The key id is the big-endian uint32 in the first four decoded bytes.</remarks>
public sealed class NoteSignature : IEquatable<NoteSignature>
{
    private readonly byte[] _signature;

    /// <summary>Creates a signature line.</summary>
    /// <exception cref="ArgumentException">The name is not a valid key name or the signature is empty.</exception>
    public NoteSignature(string keyName, uint keyId, ReadOnlySpan<byte> signature)
    {
        ArgumentNullException.ThrowIfNull(keyName);
        if (!SignedNote.IsValidKeyName(keyName))
        {
            throw new ArgumentException("A key name is non-empty and holds no spaces and no '+'.", nameof(keyName));
        }

        if (signature.IsEmpty)
        {
            throw new ArgumentException("A signature is not empty.", nameof(signature));
        }

        KeyName = keyName;
        KeyId = keyId;
        _signature = signature.ToArray();
    }

    /// <summary>The key name.</summary>
    public string KeyName { get; }

    /// <summary>The 32-bit key id.</summary>
    public uint KeyId { get; }

    /// <summary>The signature bytes after the key id.</summary>
    public ReadOnlyMemory<byte> Signature => _signature;

    /// <summary>The base64 of key id ‖ signature, as written on the line.</summary>
    public string ToBase64()
    {
        byte[] all = new byte[4 + _signature.Length];
        BinaryPrimitives.WriteUInt32BigEndian(all, KeyId);
        _signature.CopyTo(all, 4);
        return Convert.ToBase64String(all);
    }

    /// <summary>The line, without its final newline: <c>— name base64</c>.</summary>
    public override string ToString() => $"\u2014 {KeyName} {ToBase64()}";

    /// <summary>True for the same name, key id and signature bytes.</summary>
    public bool Equals(NoteSignature? other) =>
        other is not null && KeyId == other.KeyId && string.Equals(KeyName, other.KeyName, StringComparison.Ordinal)
        && _signature.AsSpan().SequenceEqual(other._signature);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is NoteSignature other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(KeyName, KeyId);
}
