using System.Text;

namespace Detente.Ledger.Notes;

/// <summary>A signed note: text ending in a newline, a blank line, and one or more signature lines.</summary>
/// <remarks>
/// C2SP signed-note v1.0.0. A note is UTF-8 with no control characters below U+0020 other than newline; the text is
/// separated from the signatures by the last blank line; each signature line is <c>— name base64</c> ending in a
/// newline; key names are non-empty with no Unicode spaces and no <c>+</c>; a decoded signature is a 4-byte key id and
/// at least one byte more. Parsing checks the form only; <see cref="Verify"/> checks signatures against known keys.
/// The text MUST be ignored unless <see cref="Verify"/> succeeded.
/// </remarks>
public sealed class SignedNote
{
    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private static ReadOnlySpan<byte> SignaturePrefix => "\u2014 "u8;

    /// <summary>Creates a note.</summary>
    /// <exception cref="ArgumentException">The text is empty, does not end in a newline, or holds a control character other than newline.</exception>
    public SignedNote(string text, IReadOnlyList<NoteSignature> signatures)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(signatures);
        if (text.Length == 0 || text[^1] != '\n' || text.Any(static c => c < 0x20 && c != '\n') || !IsWellFormedUtf16(text))
        {
            throw new ArgumentException("A note text is non-empty, ends in a newline and holds no control characters but newlines.", nameof(text));
        }

        Text = text;
        Signatures = signatures.ToArray();
    }

    /// <summary>The note text, including its final newline (the bytes every signature covers).</summary>
    public string Text { get; }

    /// <summary>The signature lines, in order.</summary>
    public IReadOnlyList<NoteSignature> Signatures { get; }

    private static bool IsWellFormedUtf16(string text)
    {
        for (int i = 0; i < text.Length;)
        {
            if (Rune.DecodeFromUtf16(text.AsSpan(i), out _, out int used) != System.Buffers.OperationStatus.Done)
            {
                return false;
            }

            i += used;
        }

        return true;
    }

    /// <summary>True for a valid key name: non-empty, no Unicode space, no <c>+</c>.</summary>
    public static bool IsValidKeyName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0)
        {
            return false;
        }

        for (int i = 0; i < name.Length;)
        {
            if (Rune.DecodeFromUtf16(name.AsSpan(i), out Rune rune, out int used) != System.Buffers.OperationStatus.Done
                || Rune.IsWhiteSpace(rune) || rune.Value == '+' || rune.Value < 0x20)
            {
                return false;
            }

            i += used;
        }

        return true;
    }

    /// <summary>Reads a note's form (not its signatures' validity).</summary>
    /// <exception cref="LedgerFormatException">The bytes are not a well-formed signed note within <paramref name="limits"/>.</exception>
    public static SignedNote Parse(ReadOnlySpan<byte> note, NoteLimits? limits = null)
    {
        limits ??= NoteLimits.Default;
        if (note.Length > limits.MaxBytes)
        {
            ThrowHelper.Format($"The note is larger than {limits.MaxBytes} bytes.", limits.MaxBytes);
        }

        for (int i = 0; i < note.Length; i++)
        {
            if (note[i] < 0x20 && note[i] != (byte)'\n')
            {
                ThrowHelper.Format("The note holds a control character other than newline.", i);
            }
        }

        try
        {
            _ = s_strictUtf8.GetCharCount(note);
        }
        catch (DecoderFallbackException)
        {
            return ThrowHelper.Format<SignedNote>("The note is not valid UTF-8.", 0);
        }

        int split = note.LastIndexOf("\n\n"u8);
        if (split < 0)
        {
            ThrowHelper.Format("The note has no blank line before its signatures.", note.Length);
        }

        ReadOnlySpan<byte> text = note[..(split + 1)];
        ReadOnlySpan<byte> lines = note[(split + 2)..];
        if (lines.IsEmpty || lines[^1] != (byte)'\n')
        {
            ThrowHelper.Format("The note has no signature lines, or its last line does not end in a newline.", split + 2);
        }

        var signatures = new List<NoteSignature>();
        int offset = split + 2;
        while (!lines.IsEmpty)
        {
            int end = lines.IndexOf((byte)'\n');
            ReadOnlySpan<byte> line = lines[..end];
            if (signatures.Count == limits.MaxSignatures)
            {
                ThrowHelper.Format($"The note has more than {limits.MaxSignatures} signatures.", offset);
            }

            signatures.Add(ParseSignatureLine(line, offset));
            lines = lines[(end + 1)..];
            offset += end + 1;
        }

        return new SignedNote(s_strictUtf8.GetString(text), signatures);
    }

    /// <summary>Reads one signature line (without its newline).</summary>
    /// <exception cref="LedgerFormatException">The line is not <c>— name base64</c> with a valid name and canonical base64 of at least 5 bytes.</exception>
    internal static NoteSignature ParseSignatureLine(ReadOnlySpan<byte> line, long position)
    {
        if (!line.StartsWith(SignaturePrefix))
        {
            ThrowHelper.Format("A signature line does not start with an em dash and a space.", position);
        }

        line = line[SignaturePrefix.Length..];
        int space = line.IndexOf((byte)' ');
        if (space <= 0)
        {
            ThrowHelper.Format("A signature line has no key name followed by a space.", position);
        }

        string name;
        try
        {
            name = s_strictUtf8.GetString(line[..space]);
        }
        catch (DecoderFallbackException)
        {
            return ThrowHelper.Format<NoteSignature>("A key name is not valid UTF-8.", position);
        }

        if (!IsValidKeyName(name))
        {
            ThrowHelper.Format("A key name is empty or holds a space or '+'.", position);
        }

        if (!Merkle.StrictBase64.TryDecode(line[(space + 1)..], out byte[] decoded) || decoded.Length < 5)
        {
            ThrowHelper.Format("A signature is not canonical base64 of a key id and at least one byte.", position + SignaturePrefix.Length + space + 1);
        }

        return new NoteSignature(name, System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(decoded), decoded.AsSpan(4));
    }

    /// <summary>The note's bytes: text, blank line, one line per signature.</summary>
    /// <exception cref="InvalidOperationException">The note has no signatures (a signed note has at least one).</exception>
    public byte[] ToBytes()
    {
        if (Signatures.Count == 0)
        {
            throw new InvalidOperationException("A signed note has at least one signature.");
        }

        var builder = new StringBuilder(Text.Length + (Signatures.Count * 128));
        builder.Append(Text).Append('\n');
        foreach (NoteSignature signature in Signatures)
        {
            builder.Append(signature.ToString()).Append('\n');
        }

        return s_strictUtf8.GetBytes(builder.ToString());
    }

    /// <summary>A copy with <paramref name="signature"/> added after the existing ones.</summary>
    public SignedNote WithSignature(NoteSignature signature)
    {
        ArgumentNullException.ThrowIfNull(signature);
        return new SignedNote(Text, [.. Signatures, signature]);
    }

    /// <summary>Checks the signatures against <paramref name="known"/> keys, as C2SP signed-note requires of a verifier.</summary>
    /// <remarks>
    /// Signatures whose (name, key id) match no known key are ignored (<see cref="NoteVerification.Unknown"/>). A
    /// signature from a known key that fails makes the whole note invalid; so does a signature that two known keys
    /// claim. The note is valid only if at least one known key's signature verifies.
    /// </remarks>
    public NoteVerification Verify(IEnumerable<NoteVerifierKey> known)
    {
        ArgumentNullException.ThrowIfNull(known);
        NoteVerifierKey[] keys = known.ToArray();
        byte[] text = s_strictUtf8.GetBytes(Text);
        var verified = new List<NoteSignature>();
        var unknown = new List<NoteSignature>();
        foreach (NoteSignature signature in Signatures)
        {
            NoteVerifierKey? match = null;
            foreach (NoteVerifierKey key in keys)
            {
                if (key.KeyId == signature.KeyId && string.Equals(key.Name, signature.KeyName, StringComparison.Ordinal))
                {
                    if (match is not null && !match.Equals(key))
                    {
                        return NoteVerification.Failed(NoteFailure.AmbiguousKey, signature, $"Two known keys are named {signature.KeyName}+{signature.KeyId:x8}.");
                    }

                    match = key;
                }
            }

            if (match is null)
            {
                unknown.Add(signature);
                continue;
            }

            if (!match.VerifySignature(text, signature.Signature.Span, out _))
            {
                return NoteVerification.Failed(NoteFailure.InvalidSignature, signature, $"The signature of known key {signature.KeyName}+{signature.KeyId:x8} does not verify.");
            }

            verified.Add(signature);
        }

        return verified.Count == 0
            ? NoteVerification.Failed(NoteFailure.NoKnownSignature, null, "No signature on the note is from a known key.", unknown)
            : NoteVerification.Succeeded(verified, unknown);
    }
}
