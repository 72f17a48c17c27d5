namespace Detente.Ledger.Notes;

/// <summary>The signature types this library signs and verifies (C2SP signed-note v1.0.0, "Signature types").</summary>
public enum NoteKeyType : byte
{
    /// <summary>0x01: Ed25519 over the note text (checkpoints signed by a log).</summary>
    Ed25519 = 0x01,

    /// <summary>0x04: timestamped Ed25519 witness cosignature (C2SP tlog-cosignature v1.0.1).</summary>
    Cosignature = 0x04,
}
