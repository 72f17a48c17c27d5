using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using Detente.Ledger.Notes;
using Detente.Storage;

namespace Detente.Node;

/// <summary>Where one object version is in the log and the salt that opens its entry's commitment; or, for a version the
/// reader is served redacted, only that it is redacted (<see cref="IsRedacted"/>).</summary>
/// <param name="ObjectId">The object's id.</param>
/// <param name="Version">The version (TAXII's: <c>modified</c>, else <c>created</c>, else the first <c>date_added</c>).</param>
/// <param name="LeafIndex">The entry's index in the log; -1 for a redacted version.</param>
/// <param name="Salt">The entry's salt (empty for a clear entry and for a redacted version).</param>
public sealed record LogOpening(string ObjectId, string Version, long LeafIndex, ReadOnlyMemory<byte> Salt)
{
    /// <summary>True when the reader is served this version redacted: its entry commits to the full object, so it gets no
    /// leaf index and no salt (the salt would let it test guesses of the redacted parts against the commitment).</summary>
    public bool IsRedacted => LeafIndex < 0;

    /// <summary>The mark of a version served redacted: no leaf index, no salt.</summary>
    public static LogOpening Redacted(string objectId, string version) => new(objectId, version, -1, ReadOnlyMemory<byte>.Empty);
}

/// <summary>
/// The log openings of a page of object versions: for each version the reader may read unredacted, its leaf index and
/// salt; for each version it is served redacted, only that mark; and the signed checkpoint whose tree holds every opened
/// one. What <c>GET /log/openings/…</c> answers.
/// </summary>
/// <remarks>
/// <para>Openings carry no proofs: the reader checks each one against the log's own tiles and entry bundles (the entry at
/// the leaf index commits to the object with the salt, and the tiles hash to the checkpoint's root), so a page of a
/// thousand versions costs one request and a few tile reads instead of a thousand proof requests.</para>
/// <para>JSON members: <c>tree_size</c>, <c>checkpoint</c> (the signed note text) and <c>openings</c>, a list of
/// <c>{"object_id","version","leaf_index","salt"}</c> (salt in base64), or <c>{"object_id","version","redacted":true}</c> for
/// a version served redacted (no leaf index, no salt), in the page's <c>date_added</c> order. It reveals salts: give it
/// only for versions the reader may read, and never for a redacted one.</para>
/// </remarks>
/// <param name="TreeSize">The size of <paramref name="Checkpoint"/>; every opening's leaf index is below it.</param>
/// <param name="Checkpoint">The signed checkpoint note (empty when the log has none and there are no openings).</param>
/// <param name="Openings">The openings, in the page's order.</param>
public sealed record LogOpenings(long TreeSize, string Checkpoint, IReadOnlyList<LogOpening> Openings)
{
    /// <summary>The most openings read from one answer (the largest TAXII page a node serves is 1,000 versions).</summary>
    public const int MaxOpenings = 10_000;

    /// <summary>Makes the openings of <paramref name="versions"/> (versions the reader may read) of a collection against the
    /// store's latest checkpoint: a version <paramref name="isRedacted"/> says is served redacted gets only the redacted mark;
    /// other versions without a log entry are left out.</summary>
    /// <returns>The openings, or null when an entry is logged but no checkpoint covers it yet (ask again in a second). A log
    /// without a checkpoint answers no openings with tree size 0 and an empty checkpoint when nothing of the page is logged.</returns>
    public static async Task<LogOpenings?> CreateAsync(IStore store, Guid collectionId, IReadOnlyList<StoredObject> versions,
        Func<StoredObject, bool>? isRedacted = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(versions);
        ReadOnlyMemory<byte>? note = await store.LogTiles.ReadCheckpointAsync(cancellationToken).ConfigureAwait(false);
        long size = note is { } signed ? Ledger.Notes.Checkpoint.FromNote(SignedNote.Parse(signed.Span)).Size : 0;
        bool[] redacted = [.. versions.Select(v => isRedacted?.Invoke(v) == true)];
        List<StoredObject> open = [.. versions.Where((_, i) => !redacted[i])];
        IReadOnlyList<LogEntryRecord?> found = await store.FindLogEntriesAsync(collectionId, [.. open.Select(v => v.DateAdded)], cancellationToken)
            .ConfigureAwait(false);
        var openings = new List<LogOpening>(versions.Count);
        for (int i = 0, o = 0; i < versions.Count; i++)
        {
            if (redacted[i])
            {
                openings.Add(LogOpening.Redacted(versions[i].Id, versions[i].Version.ToString()));
                continue;
            }

            if (found[o++] is not { } record)
            {
                continue;
            }

            if (record.LeafIndex >= size)
            {
                return null;
            }

            openings.Add(new LogOpening(versions[i].Id, versions[i].Version.ToString(), record.LeafIndex, record.Salt));
        }

        return new LogOpenings(size, note is { } text ? Encoding.UTF8.GetString(text.Span) : string.Empty, openings);
    }

    /// <summary>The openings as JSON (UTF-8).</summary>
    public byte[] ToJson()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("tree_size", TreeSize);
            writer.WriteString("checkpoint", Checkpoint);
            writer.WriteStartArray("openings");
            foreach (LogOpening opening in Openings)
            {
                writer.WriteStartObject();
                writer.WriteString("object_id", opening.ObjectId);
                writer.WriteString("version", opening.Version);
                if (opening.IsRedacted)
                {
                    writer.WriteBoolean("redacted", true);
                }
                else
                {
                    writer.WriteNumber("leaf_index", opening.LeafIndex);
                    writer.WriteBase64String("salt", opening.Salt.Span);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>Reads openings written by <see cref="ToJson"/>; false (with why) for anything else.</summary>
    public static bool TryParse(ReadOnlySpan<byte> json, [NotNullWhen(true)] out LogOpenings? openings, [NotNullWhen(false)] out string? problem)
    {
        openings = null;
        try
        {
            using JsonDocument document = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { MaxDepth = 8 });
            JsonElement root = document.RootElement;
            long treeSize = root.GetProperty("tree_size").GetInt64();
            string checkpoint = root.GetProperty("checkpoint").GetString() ?? throw new FormatException("no checkpoint");
            JsonElement list = root.GetProperty("openings");
            if (list.GetArrayLength() > MaxOpenings)
            {
                throw new FormatException($"more than {MaxOpenings} openings");
            }

            var items = new List<LogOpening>(list.GetArrayLength());
            foreach (JsonElement item in list.EnumerateArray())
            {
                if (item.TryGetProperty("redacted", out JsonElement mark))
                {
                    // A redacted version: the mark, and nothing that would open a commitment.
                    if (mark.ValueKind != JsonValueKind.True || item.TryGetProperty("leaf_index", out _) || item.TryGetProperty("salt", out _))
                    {
                        throw new FormatException("a redacted version with a leaf index or salt, or a redacted mark that is not true");
                    }

                    items.Add(LogOpening.Redacted(
                        item.GetProperty("object_id").GetString() ?? throw new FormatException("no object id"),
                        item.GetProperty("version").GetString() ?? throw new FormatException("no version")));
                    continue;
                }

                long leaf = item.GetProperty("leaf_index").GetInt64();
                if (leaf < 0)
                {
                    throw new FormatException("a negative leaf index");
                }

                items.Add(new LogOpening(
                    item.GetProperty("object_id").GetString() ?? throw new FormatException("no object id"),
                    item.GetProperty("version").GetString() ?? throw new FormatException("no version"),
                    leaf,
                    item.GetProperty("salt").GetBytesFromBase64()));
            }

            if (treeSize < 0)
            {
                throw new FormatException("a negative tree size");
            }

            openings = new LogOpenings(treeSize, checkpoint, items);
            problem = null;
            return true;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException)
        {
            problem = "not log openings: " + e.Message;
            return false;
        }
    }
}
