using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Detente.Stix.Signatures;

namespace Detente.Ledger.Notes;

/// <summary>Produces timestamped Ed25519 cosignatures of checkpoints (signature type 0x04).</summary>
/// <remarks>
/// C2SP tlog-cosignature v1.0.1: the signature is a 72-byte <c>timestamped_signature</c> (big-endian u64 POSIX time,
/// then 64 bytes of Ed25519) over <c>"cosignature/v1\ntime &lt;decimal&gt;\n"</c> followed by the checkpoint's note
/// text. Only sign a checkpoint after verifying it is consistent with the last one cosigned for its origin
/// (<see cref="Witnessing.Witness"/> does).
/// </remarks>
public sealed class Cosigner
{
    private readonly StixSigningKey _key;
    private readonly TimeProvider _time;

    /// <summary>Creates a cosigner; the key stays owned by the caller.</summary>
    /// <exception cref="ArgumentException">The name is not a valid key name.</exception>
    public Cosigner(string name, StixSigningKey key, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        _key = key;
        _time = timeProvider ?? TimeProvider.System;
        VerifierKey = NoteVerifierKey.Create(name, NoteKeyType.Cosignature, key.VerificationKey);
    }

    /// <summary>The cosigner's name.</summary>
    public string Name => VerifierKey.Name;

    /// <summary>The vkey (type 0x04) that checks this cosigner's cosignatures.</summary>
    public NoteVerifierKey VerifierKey { get; }

    /// <summary>Cosigns a checkpoint note text at the current time (whole seconds).</summary>
    /// <exception cref="ArgumentException">The text is not a valid note text.</exception>
    public NoteSignature Cosign(string checkpointText)
    {
        var note = new SignedNote(checkpointText, []);
        long now = _time.GetUtcNow().ToUnixTimeSeconds();
        if (now < 0)
        {
            throw new InvalidOperationException("The clock is before 1970.");
        }

        byte[] signature = _key.Sign(SignedMessage(now, Encoding.UTF8.GetBytes(note.Text)));
        byte[] timestamped = new byte[72];
        BinaryPrimitives.WriteUInt64BigEndian(timestamped, (ulong)now);
        signature.CopyTo(timestamped, 8);
        return new NoteSignature(Name, VerifierKey.KeyId, timestamped);
    }

    /// <summary>The bytes a cosignature signs: header line, time line, then the note text.</summary>
    internal static byte[] SignedMessage(long time, ReadOnlySpan<byte> text)
    {
        byte[] header = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"cosignature/v1\ntime {time}\n"));
        byte[] message = new byte[header.Length + text.Length];
        header.CopyTo(message, 0);
        text.CopyTo(message.AsSpan(header.Length));
        return message;
    }
}
