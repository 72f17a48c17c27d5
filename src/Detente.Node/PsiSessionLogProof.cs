using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using Detente.Ledger;
using Detente.Ledger.Entries;
using Detente.Ledger.Merkle;
using Detente.Ledger.Notes;
using Detente.Ledger.Tiles;
using Detente.Psi;
using Detente.Storage;

namespace Detente.Node;

/// <summary>One <c>psi-session</c> entry of a session in the node's log, with what its parties need to check it.</summary>
/// <param name="LeafIndex">The entry's index in the log.</param>
/// <param name="Entry">The entry's bytes.</param>
/// <param name="Salt">The entry's 32-byte salt.</param>
/// <param name="Record">The canonical (JCS) bytes of the session record the entry commits to.</param>
/// <param name="InclusionProof">The RFC 9162 audit path, leaf to root; empty in a receipt (no checkpoint asked for).</param>
public sealed record PsiSessionLogEntry(long LeafIndex, ReadOnlyMemory<byte> Entry, ReadOnlyMemory<byte> Salt, ReadOnlyMemory<byte> Record,
    IReadOnlyList<MerkleHash> InclusionProof)
{
    /// <summary>The record's <c>outcome</c> (<c>opened</c>, <c>completed</c>, …), or null when the record has none.</summary>
    public string? Outcome => RecordMember("outcome");

    /// <summary>A string member of the record, or null.</summary>
    public string? RecordMember(string name)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(Record);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty(name, out JsonElement value)
                && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>
/// The log entries of one PSI session (its <c>opened</c> record and its outcome) with their salts and records, and — once a
/// checkpoint covers them — their inclusion proofs against that signed checkpoint. What <c>DELETE /psi/sessions/{id}</c>
/// answers as a receipt (no proofs, no checkpoint) and <c>GET /log/proof/psi/{id}</c> as a proof; only the session's
/// parties (its initiator, administrators) get either, since it reveals the salts.
/// </summary>
/// <remarks>
/// JSON members: <c>session_id</c>, <c>tree_size</c> (0 in a receipt), <c>checkpoint</c> (the signed note text; empty in a
/// receipt), <c>entries</c>: each <c>leaf_index</c>, <c>entry</c>, <c>salt</c> and <c>record</c> (base64; the record is
/// its canonical JSON) and <c>inclusion_proof</c> (base64 hashes, leaf to root).
/// </remarks>
public sealed record PsiSessionLogProof
{
    /// <summary>The session id (the record id blinded in each entry).</summary>
    public required PsiSessionId SessionId { get; init; }

    /// <summary>The tree size of <see cref="Checkpoint"/>; 0 in a receipt.</summary>
    public required long TreeSize { get; init; }

    /// <summary>The signed checkpoint note the proofs are against; empty in a receipt.</summary>
    public required string Checkpoint { get; init; }

    /// <summary>The session's entries, oldest first.</summary>
    public required IReadOnlyList<PsiSessionLogEntry> Entries { get; init; }

    /// <summary>True when this is a receipt (the entries without proofs) rather than a proof.</summary>
    public bool IsReceipt => Checkpoint.Length == 0;

    /// <summary>A receipt of the given entries (no proofs).</summary>
    public static PsiSessionLogProof Receipt(PsiSessionId sessionId, IEnumerable<LogEntryRecord> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        return new PsiSessionLogProof
        {
            SessionId = sessionId,
            TreeSize = 0,
            Checkpoint = string.Empty,
            Entries = [.. entries.Select(static e => new PsiSessionLogEntry(e.LeafIndex, e.Entry, e.Salt, e.Record, []))],
        };
    }

    /// <summary>Makes the proof of the session's entries against the store's latest checkpoint.</summary>
    /// <remarks>The caller must have decided that its reader is a party of the session: the proof holds the salts.</remarks>
    public static Task<(LogProofStatus Status, PsiSessionLogProof? Proof)> CreateAsync(IStore store, IReadOnlyList<LogEntryRecord> entries,
        PsiSessionId sessionId, CancellationToken cancellationToken = default) =>
        CreateAsync(store, entries, sessionId, null, cancellationToken);

    /// <summary>Makes the proofs as <see cref="CreateAsync(IStore, IReadOnlyList{LogEntryRecord}, PsiSessionId, CancellationToken)"/> does,
    /// taking full tiles from <paramref name="tiles"/>, the cache of the store's log tiles, when given.</summary>
    public static async Task<(LogProofStatus Status, PsiSessionLogProof? Proof)> CreateAsync(IStore store, IReadOnlyList<LogEntryRecord> entries,
        PsiSessionId sessionId, TileCache? tiles, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0)
        {
            return (LogProofStatus.NotLogged, null);
        }

        if (await store.LogTiles.ReadCheckpointAsync(cancellationToken).ConfigureAwait(false) is not { } note)
        {
            return (LogProofStatus.NotYetSealed, null);
        }

        Checkpoint checkpoint = Ledger.Notes.Checkpoint.FromNote(SignedNote.Parse(note.Span));
        if (entries.Any(e => e.LeafIndex >= checkpoint.Size))
        {
            return (LogProofStatus.NotYetSealed, null);
        }

        var reader = new TileHashReader(store.LogTiles, checkpoint.Size, tiles);
        var proven = new List<PsiSessionLogEntry>(entries.Count);
        foreach (LogEntryRecord entry in entries)
        {
            MerkleHash[] path = await MerkleProof.InclusionAsync(reader, entry.LeafIndex, checkpoint.Size, cancellationToken).ConfigureAwait(false);
            proven.Add(new PsiSessionLogEntry(entry.LeafIndex, entry.Entry, entry.Salt, entry.Record, path));
        }

        return (LogProofStatus.Ok, new PsiSessionLogProof
        {
            SessionId = sessionId,
            TreeSize = checkpoint.Size,
            Checkpoint = Encoding.UTF8.GetString(note.Span),
            Entries = proven,
        });
    }

    /// <summary>
    /// Checks the proof: the checkpoint is signed by <paramref name="logKey"/> and is of <see cref="TreeSize"/>; there is
    /// at least one entry; each is a well-formed <c>psi-session</c> entry of the checkpoint's origin whose audit path leads
    /// to the checkpoint's root; each commits to its record, <see cref="SessionId"/> and salt; each record names the
    /// session — and <paramref name="initiator"/>, when given, as its initiator.
    /// </summary>
    /// <returns>Null when everything holds; else the first problem, in English.</returns>
    public string? Verify(NoteVerifierKey logKey, string? initiator = null)
    {
        ArgumentNullException.ThrowIfNull(logKey);
        if (IsReceipt)
        {
            return "a receipt has no checkpoint to verify against; fetch the proof once the entries are sealed.";
        }

        if (Entries.Count == 0)
        {
            return "the proof holds no entry.";
        }

        try
        {
            if (LogProof.VerifyCheckpoint(Checkpoint, TreeSize, logKey, out string? problem) is not { } checkpoint)
            {
                return problem;
            }

            string id = SessionId.ToString();
            foreach (PsiSessionLogEntry item in Entries)
            {
                LogEntry entry = LogEntry.Parse(item.Entry.Span);
                if (entry.Action != LogAction.PsiSession)
                {
                    return $"entry {item.LeafIndex} is not a psi-session entry.";
                }

                if (!string.Equals(entry.Origin, checkpoint.Origin, StringComparison.Ordinal))
                {
                    return $"entry {item.LeafIndex} names the origin '{entry.Origin}', the checkpoint '{checkpoint.Origin}'.";
                }

                if (!MerkleProof.VerifyInclusion(item.LeafIndex, TreeSize, entry.LeafHash, [.. item.InclusionProof], checkpoint.RootHash))
                {
                    return $"the inclusion proof of leaf {item.LeafIndex} does not lead to the checkpoint's root.";
                }

                if (!entry.MatchesRecord(item.Record.Span, id, item.Salt.Span))
                {
                    return $"entry {item.LeafIndex} does not commit to this record, session and salt.";
                }

                if (!string.Equals(item.RecordMember("session_id"), id, StringComparison.Ordinal))
                {
                    return $"the record of entry {item.LeafIndex} is not of session {id}.";
                }

                if (initiator is not null && !string.Equals(item.RecordMember("initiator"), initiator, StringComparison.Ordinal))
                {
                    return $"the record of entry {item.LeafIndex} names another initiator than '{initiator}'.";
                }
            }

            return null;
        }
        catch (LedgerFormatException e)
        {
            return "malformed: " + e.Message;
        }
    }

    /// <summary>The proof (or receipt) as JSON (UTF-8).</summary>
    public byte[] ToJson()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            WriteTo(writer);
        }

        return buffer.ToArray();
    }

    /// <summary>Writes the proof (or receipt) as one JSON object.</summary>
    public void WriteTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteString("session_id", SessionId.ToString());
        writer.WriteNumber("tree_size", TreeSize);
        writer.WriteString("checkpoint", Checkpoint);
        writer.WriteStartArray("entries");
        foreach (PsiSessionLogEntry entry in Entries)
        {
            writer.WriteStartObject();
            writer.WriteNumber("leaf_index", entry.LeafIndex);
            writer.WriteBase64String("entry", entry.Entry.Span);
            writer.WriteBase64String("salt", entry.Salt.Span);
            writer.WriteBase64String("record", entry.Record.Span);
            writer.WriteStartArray("inclusion_proof");
            foreach (MerkleHash hash in entry.InclusionProof)
            {
                writer.WriteStringValue(hash.ToBase64());
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>Reads a proof or receipt written by <see cref="ToJson"/>; false (with why) for anything else.</summary>
    public static bool TryParse(JsonElement root, [NotNullWhen(true)] out PsiSessionLogProof? proof, [NotNullWhen(false)] out string? problem)
    {
        proof = null;
        try
        {
            var entries = new List<PsiSessionLogEntry>();
            foreach (JsonElement e in root.GetProperty("entries").EnumerateArray())
            {
                entries.Add(new PsiSessionLogEntry(e.GetProperty("leaf_index").GetInt64(), e.GetProperty("entry").GetBytesFromBase64(),
                    e.GetProperty("salt").GetBytesFromBase64(), e.GetProperty("record").GetBytesFromBase64(),
                    [.. e.GetProperty("inclusion_proof").EnumerateArray().Select(h => new MerkleHash(h.GetBytesFromBase64()))]));
            }

            proof = new PsiSessionLogProof
            {
                SessionId = PsiSessionId.Parse(root.GetProperty("session_id").GetString()!),
                TreeSize = root.GetProperty("tree_size").GetInt64(),
                Checkpoint = root.GetProperty("checkpoint").GetString()!,
                Entries = entries,
            };
            problem = null;
            return true;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException
            or PsiException)
        {
            problem = "not a PSI session log proof: " + e.Message;
            return false;
        }
    }
}
