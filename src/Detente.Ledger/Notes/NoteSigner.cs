using System.Text;
using Detente.Stix.Signatures;

namespace Detente.Ledger.Notes;

/// <summary>Signs note texts (checkpoints) with a node's Ed25519 key under a key name (signature type 0x01).</summary>
/// <remarks>C2SP signed-note v1.0.0, "Ed25519 signatures". Ed25519 is deterministic, so the same text always gets the same signature.</remarks>
public sealed class NoteSigner
{
    private readonly StixSigningKey _key;

    /// <summary>Creates a signer; the key stays owned by the caller.</summary>
    /// <exception cref="ArgumentException">The name is not a valid key name.</exception>
    public NoteSigner(string name, StixSigningKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        _key = key;
        VerifierKey = NoteVerifierKey.Create(name, NoteKeyType.Ed25519, key.VerificationKey);
    }

    /// <summary>The key name.</summary>
    public string Name => VerifierKey.Name;

    /// <summary>The verifier key that checks this signer's signatures (what <c>detente log key</c> prints).</summary>
    public NoteVerifierKey VerifierKey { get; }

    /// <summary>Signs <paramref name="text"/> (which must end in a newline).</summary>
    /// <exception cref="ArgumentException">The text is not a valid note text.</exception>
    public NoteSignature Sign(string text)
    {
        var note = new SignedNote(text, []);
        return new NoteSignature(Name, VerifierKey.KeyId, _key.Sign(Encoding.UTF8.GetBytes(note.Text)));
    }

    /// <summary>A signed note of <paramref name="text"/> carrying this signer's signature.</summary>
    /// <exception cref="ArgumentException">The text is not a valid note text.</exception>
    public SignedNote SignNote(string text) => new(text, [Sign(text)]);
}
