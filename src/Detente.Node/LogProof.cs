using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using Detente.Ledger;
using Detente.Ledger.Entries;
using Detente.Ledger.Merkle;
using Detente.Ledger.Notes;
using Detente.Ledger.Tiles;
using Detente.Stix;
using Detente.Storage;

namespace Detente.Node;

/// <summary>Why no proof could be made for a version.</summary>
public enum LogProofStatus
{
    /// <summary>The proof was made.</summary>
    Ok,

    /// <summary>The version has no log entry (it was stored before the node kept a log).</summary>
    NotLogged,

    /// <summary>The version is logged, but no checkpoint covers it yet (the sequencer seals within its batch delay).</summary>
    NotYetSealed,

    /// <summary>The tree size asked for is not one the log had a checkpoint of.</summary>
    NoSuchCheckpoint,

    /// <summary>The tree size asked for does not hold the version's entry (it is not above the leaf index).</summary>
    NotInTree,
}

/// <summary>
/// An inclusion proof of one object version in the node's transparency log: the entry, its salt, its leaf index, the
/// RFC 9162 audit path and the signed checkpoint it proves against. What <c>GET /log/proof/…</c> answers (as JSON) and
/// what <c>detente log proof</c> prints and checks.
/// </summary>
/// <remarks>
/// JSON members: <c>object_id</c>, <c>version</c>, <c>date_added</c>, <c>action</c> (<c>publish</c>, <c>revoke</c>),
/// <c>leaf_index</c>, <c>tree_size</c>, <c>entry</c> and <c>salt</c> (base64), <c>inclusion_proof</c> (base64 hashes,
/// leaf to root) and <c>checkpoint</c> (the signed note text). It reveals the salt: give it only to a reader who may read
/// the version.
/// </remarks>
public sealed record LogProof
{
    /// <summary>The object's id.</summary>
    public required string ObjectId { get; init; }

    /// <summary>The version (TAXII's: <c>modified</c>, else <c>created</c>, else the first <c>date_added</c>).</summary>
    public required string Version { get; init; }

    /// <summary>What the entry records.</summary>
    public required LogAction Action { get; init; }

    /// <summary>The entry's index in the log.</summary>
    public required long LeafIndex { get; init; }

    /// <summary>The tree size of <see cref="Checkpoint"/>.</summary>
    public required long TreeSize { get; init; }

    /// <summary>The entry's bytes.</summary>
    public required ReadOnlyMemory<byte> Entry { get; init; }

    /// <summary>The entry's salt.</summary>
    public required ReadOnlyMemory<byte> Salt { get; init; }

    /// <summary>The audit path, leaf to root.</summary>
    public required IReadOnlyList<MerkleHash> InclusionProof { get; init; }

    /// <summary>The signed checkpoint note the proof is against.</summary>
    public required string Checkpoint { get; init; }

    /// <summary>Makes the proof of <paramref name="version"/> of a collection against the store's latest checkpoint, or against
    /// the checkpoint the log had at <paramref name="treeSize"/> (every checkpoint is kept), for a partner who pinned an older one.</summary>
    /// <remarks>The caller must have decided that its reader may read the version (egress): the proof holds the salt.</remarks>
    public static Task<(LogProofStatus Status, LogProof? Proof)> CreateAsync(IStore store, Guid collectionId, StoredObject version,
        long? treeSize = null, CancellationToken cancellationToken = default) =>
        CreateAsync(store, collectionId, version, treeSize, null, cancellationToken);

    /// <summary>Makes the proof of <paramref name="version"/> as <see cref="CreateAsync(IStore, Guid, StoredObject, long?, CancellationToken)"/>
    /// does, taking full tiles from <paramref name="tiles"/>, the cache of the store's log tiles, when given.</summary>
    /// <remarks>The caller must have decided that its reader may read the version (egress): the proof holds the salt.</remarks>
    public static async Task<(LogProofStatus Status, LogProof? Proof)> CreateAsync(IStore store, Guid collectionId, StoredObject version,
        long? treeSize, TileCache? tiles, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(version);
        if (await store.FindLogEntryAsync(collectionId, version.DateAdded, cancellationToken).ConfigureAwait(false) is not { } record)
        {
            return (LogProofStatus.NotLogged, null);
        }

        if (treeSize is { } asked && asked <= record.LeafIndex)
        {
            return (LogProofStatus.NotInTree, null);
        }

        ReadOnlyMemory<byte>? stored = treeSize is { } size
            ? await store.ReadLogCheckpointAsync(size, cancellationToken).ConfigureAwait(false)
            : await store.LogTiles.ReadCheckpointAsync(cancellationToken).ConfigureAwait(false);
        if (stored is not { } note)
        {
            return (treeSize is null ? LogProofStatus.NotYetSealed : LogProofStatus.NoSuchCheckpoint, null);
        }

        Checkpoint checkpoint = Ledger.Notes.Checkpoint.FromNote(SignedNote.Parse(note.Span));
        if (record.LeafIndex >= checkpoint.Size)
        {
            return (LogProofStatus.NotYetSealed, null);
        }

        MerkleHash[] path = await MerkleProof.InclusionAsync(new TileHashReader(store.LogTiles, checkpoint.Size, tiles), record.LeafIndex, checkpoint.Size,
            cancellationToken).ConfigureAwait(false);
        return (LogProofStatus.Ok, new LogProof
        {
            ObjectId = version.Id,
            Version = version.Version.ToString(),
            Action = record.Action,
            LeafIndex = record.LeafIndex,
            TreeSize = checkpoint.Size,
            Entry = record.Entry,
            Salt = record.Salt,
            InclusionProof = path,
            Checkpoint = Encoding.UTF8.GetString(note.Span),
        });
    }

    /// <summary>
    /// Checks the proof: the checkpoint is signed by <paramref name="logKey"/> and is of <see cref="TreeSize"/>, the entry
    /// is a well-formed entry of the checkpoint's origin, the audit path leads from its leaf hash to the checkpoint's
    /// root, and — when <paramref name="stixObject"/> is given — the entry commits to that object with the salt.
    /// </summary>
    /// <returns>Null when everything holds; else the first problem, in English.</returns>
    public string? Verify(NoteVerifierKey logKey, StixObject? stixObject = null)
    {
        ArgumentNullException.ThrowIfNull(logKey);
        try
        {
            if (VerifyCheckpoint(Checkpoint, TreeSize, logKey, out string? problem) is not { } checkpoint)
            {
                return problem;
            }

            LogEntry entry = LogEntry.Parse(Entry.Span);
            if (!string.Equals(entry.Origin, checkpoint.Origin, StringComparison.Ordinal))
            {
                return $"the entry names the origin '{entry.Origin}', the checkpoint '{checkpoint.Origin}'.";
            }

            if (!MerkleProof.VerifyInclusion(LeafIndex, TreeSize, entry.LeafHash, [.. InclusionProof], checkpoint.RootHash))
            {
                return $"the inclusion proof of leaf {LeafIndex} does not lead to the checkpoint's root.";
            }

            if (stixObject is not null && !entry.Matches(stixObject, Salt.Span))
            {
                return "the entry does not commit to this object with this salt.";
            }

            return null;
        }
        catch (LedgerFormatException e)
        {
            return "malformed: " + e.Message;
        }
    }

    /// <summary>
    /// Checks a proof's checkpoint: the note parses, is signed by <paramref name="logKey"/>, and is of
    /// <paramref name="treeSize"/>. Shared by every proof that carries its checkpoint's text.
    /// </summary>
    /// <returns>The checkpoint when it holds; else null, and the problem in English.</returns>
    /// <exception cref="LedgerFormatException">The note or the checkpoint is malformed.</exception>
    internal static Checkpoint? VerifyCheckpoint(string checkpointText, long treeSize, NoteVerifierKey logKey, out string? problem)
    {
        SignedNote note = SignedNote.Parse(Encoding.UTF8.GetBytes(checkpointText));
        NoteVerification verification = note.Verify([logKey]);
        if (!verification.IsValid)
        {
            problem = "the checkpoint's signature does not verify: " + verification.Message;
            return null;
        }

        Checkpoint checkpoint = Ledger.Notes.Checkpoint.FromNote(note);
        problem = checkpoint.Size == treeSize ? null : $"the checkpoint is of size {checkpoint.Size}, the proof says {treeSize}.";
        return problem is null ? checkpoint : null;
    }

    /// <summary>The proof as JSON (UTF-8).</summary>
    public byte[] ToJson()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("object_id", ObjectId);
            writer.WriteString("version", Version);
            writer.WriteString("action", Action switch
            {
                LogAction.Publish => "publish",
                LogAction.Revoke => "revoke",
                _ => "delete",
            });
            writer.WriteNumber("leaf_index", LeafIndex);
            writer.WriteNumber("tree_size", TreeSize);
            writer.WriteBase64String("entry", Entry.Span);
            writer.WriteBase64String("salt", Salt.Span);
            writer.WriteStartArray("inclusion_proof");
            foreach (MerkleHash hash in InclusionProof)
            {
                writer.WriteStringValue(hash.ToBase64());
            }

            writer.WriteEndArray();
            writer.WriteString("checkpoint", Checkpoint);
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>Reads a proof written by <see cref="ToJson"/>; false (with why) for anything else.</summary>
    public static bool TryParse(ReadOnlySpan<byte> json, [NotNullWhen(true)] out LogProof? proof, [NotNullWhen(false)] out string? problem)
    {
        proof = null;
        try
        {
            using JsonDocument document = JsonDocument.Parse(json.ToArray());
            JsonElement root = document.RootElement;
            string action = root.GetProperty("action").GetString()!;
            proof = new LogProof
            {
                ObjectId = root.GetProperty("object_id").GetString()!,
                Version = root.GetProperty("version").GetString()!,
                Action = action switch
                {
                    "publish" => LogAction.Publish,
                    "revoke" => LogAction.Revoke,
                    "delete" => LogAction.Delete,
                    _ => throw new FormatException("unknown action"),
                },
                LeafIndex = root.GetProperty("leaf_index").GetInt64(),
                TreeSize = root.GetProperty("tree_size").GetInt64(),
                Entry = root.GetProperty("entry").GetBytesFromBase64(),
                Salt = root.GetProperty("salt").GetBytesFromBase64(),
                InclusionProof = [.. root.GetProperty("inclusion_proof").EnumerateArray().Select(h => new MerkleHash(h.GetBytesFromBase64()))],
                Checkpoint = root.GetProperty("checkpoint").GetString()!,
            };
            problem = null;
            return proof.ObjectId is not null && proof.Version is not null && proof.Checkpoint is not null;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException)
        {
            problem = "not a log proof: " + e.Message;
            return false;
        }
    }
}

/// <summary>
/// A consistency proof between two checkpoints of the node's log (RFC 9162 §2.1.4), with both signed checkpoints: what
/// <c>GET /log/consistency?old=M&amp;new=N</c> answers, so that a partner holding the checkpoint of size M can move to N.
/// </summary>
/// <param name="OldSize">The older tree size.</param>
/// <param name="NewSize">The newer tree size.</param>
/// <param name="Proof">The consistency proof (empty when a size is 0 or both are equal).</param>
/// <param name="OldCheckpoint">The signed checkpoint of <paramref name="OldSize"/>.</param>
/// <param name="NewCheckpoint">The signed checkpoint of <paramref name="NewSize"/>.</param>
public sealed record LogConsistency(long OldSize, long NewSize, IReadOnlyList<MerkleHash> Proof, string OldCheckpoint, string NewCheckpoint)
{
    /// <summary>Checks both checkpoints' signatures with <paramref name="logKey"/>, their sizes, and the proof between their roots.</summary>
    /// <returns>Null when everything holds; else the first problem, in English.</returns>
    public string? Verify(NoteVerifierKey logKey)
    {
        ArgumentNullException.ThrowIfNull(logKey);
        try
        {
            SignedNote oldNote = SignedNote.Parse(Encoding.UTF8.GetBytes(OldCheckpoint));
            SignedNote newNote = SignedNote.Parse(Encoding.UTF8.GetBytes(NewCheckpoint));
            if (!oldNote.Verify([logKey]).IsValid || !newNote.Verify([logKey]).IsValid)
            {
                return "a checkpoint's signature does not verify with the log key.";
            }

            Checkpoint older = Checkpoint.FromNote(oldNote);
            Checkpoint newer = Checkpoint.FromNote(newNote);
            if (older.Size != OldSize || newer.Size != NewSize)
            {
                return "the checkpoints are not of the sizes the proof names.";
            }

            bool consistent = OldSize == 0 ? Proof.Count == 0
                : OldSize == NewSize ? Proof.Count == 0 && older.RootHash == newer.RootHash
                : MerkleProof.VerifyConsistency(OldSize, NewSize, older.RootHash, newer.RootHash, [.. Proof]);
            return consistent ? null : $"the consistency proof from {OldSize} to {NewSize} does not verify.";
        }
        catch (LedgerFormatException e)
        {
            return "malformed: " + e.Message;
        }
    }

    /// <summary>The proof as JSON: <c>old_size</c>, <c>new_size</c>, <c>consistency_proof</c> (base64 hashes), <c>old_checkpoint</c>, <c>new_checkpoint</c>.</summary>
    public byte[] ToJson()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteNumber("old_size", OldSize);
            writer.WriteNumber("new_size", NewSize);
            writer.WriteStartArray("consistency_proof");
            foreach (MerkleHash hash in Proof)
            {
                writer.WriteStringValue(hash.ToBase64());
            }

            writer.WriteEndArray();
            writer.WriteString("old_checkpoint", OldCheckpoint);
            writer.WriteString("new_checkpoint", NewCheckpoint);
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>Reads a proof written by <see cref="ToJson"/>; false (with why) for anything else.</summary>
    public static bool TryParse(ReadOnlySpan<byte> json, [NotNullWhen(true)] out LogConsistency? consistency, [NotNullWhen(false)] out string? problem)
    {
        consistency = null;
        try
        {
            using JsonDocument document = JsonDocument.Parse(json.ToArray());
            JsonElement root = document.RootElement;
            consistency = new LogConsistency(
                root.GetProperty("old_size").GetInt64(),
                root.GetProperty("new_size").GetInt64(),
                [.. root.GetProperty("consistency_proof").EnumerateArray().Select(h => new MerkleHash(h.GetBytesFromBase64()))],
                root.GetProperty("old_checkpoint").GetString() ?? throw new FormatException("no old checkpoint"),
                root.GetProperty("new_checkpoint").GetString() ?? throw new FormatException("no new checkpoint"));
            problem = null;
            return true;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException)
        {
            problem = "not a consistency proof: " + e.Message;
            return false;
        }
    }
}
