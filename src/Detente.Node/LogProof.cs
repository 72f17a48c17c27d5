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

    /// <summary>Makes the proof of <paramref name="version"/> of a collection against the store's latest checkpoint.</summary>
    /// <remarks>The caller must have decided that its reader may read the version (egress): the proof holds the salt.</remarks>
    public static async Task<(LogProofStatus Status, LogProof? Proof)> CreateAsync(IStore store, Guid collectionId, StoredObject version,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(version);
        if (await store.FindLogEntryAsync(collectionId, version.DateAdded, cancellationToken).ConfigureAwait(false) is not { } record)
        {
            return (LogProofStatus.NotLogged, null);
        }

        if (await store.LogTiles.ReadCheckpointAsync(cancellationToken).ConfigureAwait(false) is not { } note)
        {
            return (LogProofStatus.NotYetSealed, null);
        }

        Checkpoint checkpoint = Ledger.Notes.Checkpoint.FromNote(SignedNote.Parse(note.Span));
        if (record.LeafIndex >= checkpoint.Size)
        {
            return (LogProofStatus.NotYetSealed, null);
        }

        MerkleHash[] path = await MerkleProof.InclusionAsync(new TileHashReader(store.LogTiles, checkpoint.Size), record.LeafIndex, checkpoint.Size,
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
            SignedNote note = SignedNote.Parse(Encoding.UTF8.GetBytes(Checkpoint));
            NoteVerification verification = note.Verify([logKey]);
            if (!verification.IsValid)
            {
                return "the checkpoint's signature does not verify: " + verification.Message;
            }

            Checkpoint checkpoint = Ledger.Notes.Checkpoint.FromNote(note);
            if (checkpoint.Size != TreeSize)
            {
                return $"the checkpoint is of size {checkpoint.Size}, the proof says {TreeSize}.";
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
