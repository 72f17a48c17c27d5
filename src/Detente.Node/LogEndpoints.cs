using System.Text.Json;
using Detente.Ledger;
using Detente.Ledger.Entries;
using Detente.Ledger.Merkle;
using Detente.Ledger.Notes;
using Detente.Ledger.Tiles;
using Detente.Stix;
using Detente.Storage;
using Detente.Taxii.Query;

namespace Detente.Node;

/// <summary>
/// The transparency log's routes: C2SP tlog-tiles read paths under <c>/log/</c> (checkpoint, hash tiles, entry bundles)
/// and inclusion proofs by object id and version (<c>/log/proof/…</c>).
/// </summary>
/// <remarks>
/// Authenticated like every route. The checkpoint, tiles and bundles pass the egress gate as one path-level decision
/// (<see cref="IEgressPolicy.DecideLog"/>: entries are salted); a proof reveals its entry's salt, so it is answered only for
/// a version the reader may read through the gate, and "not found" otherwise, exactly as reading the object.
/// </remarks>
internal static class LogEndpoints
{
    /// <summary>The media type of proofs.</summary>
    public const string ProofMediaType = "application/json";

    private const string FullTileCache = "public, max-age=31536000, immutable";
    private const string PartialTileCache = "public, max-age=60";
    private const string CheckpointCache = "public, max-age=1";

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/log/checkpoint", GetCheckpointAsync).WithMetadata(RequiresEgressPolicy.Instance);
        app.MapGet("/log/tile/{**path}", GetTileAsync).WithMetadata(RequiresEgressPolicy.Instance);
        app.MapGet("/log/proof/{apiRoot}/collections/{collectionId}/objects/{objectId}/", GetProofAsync).WithMetadata(RequiresEgressPolicy.Instance);
    }

    private static IResult? RefuseLog(HttpContext context)
    {
        NodePrincipal reader = TokenAuthenticationMiddleware.GetPrincipal(context);
        return EgressGate.For(context).MayReadLog(reader) ? null : TaxiiErrors.Result(StatusCodes.Status404NotFound, "Not found");
    }

    private static async Task<IResult> GetCheckpointAsync(HttpContext context, IStore store, CancellationToken cancellationToken)
    {
        if (RefuseLog(context) is { } refused)
        {
            return refused;
        }

        if (await store.LogTiles.ReadCheckpointAsync(cancellationToken).ConfigureAwait(false) is not { } note)
        {
            return TaxiiErrors.Result(StatusCodes.Status404NotFound, "Checkpoint not found", "The log has no checkpoint yet.");
        }

        context.Response.Headers.CacheControl = CheckpointCache;
        return Results.Bytes(note.ToArray(), "text/plain; charset=utf-8");
    }

    private static async Task<IResult> GetTileAsync(string path, HttpContext context, IStore store, CancellationToken cancellationToken)
    {
        if (RefuseLog(context) is { } refused)
        {
            return refused;
        }

        if (!TilePath.TryParse("tile/" + path, out TilePath tile))
        {
            return TaxiiErrors.Result(StatusCodes.Status400BadRequest, "Bad request", "Not a C2SP tlog-tiles path (tile/<L>/<N>[.p/<W>] or tile/entries/<N>[.p/<W>]).");
        }

        if (await store.LogTiles.ReadTileAsync(tile, cancellationToken).ConfigureAwait(false) is not { } data)
        {
            return TaxiiErrors.Result(StatusCodes.Status404NotFound, "Tile not found");
        }

        context.Response.Headers.CacheControl = tile.IsFull ? FullTileCache : PartialTileCache;
        return Results.Bytes(data.ToArray(), "application/octet-stream");
    }

    private static async Task<IResult> GetProofAsync(string apiRoot, string collectionId, string objectId, HttpContext context, IStore store,
        CancellationToken cancellationToken)
    {
        ObjectEndpoints.Request request = await ObjectEndpoints.ReadRequestAsync(context, store, apiRoot, collectionId, TaxiiQueryEndpoint.Object,
            cancellationToken).ConfigureAwait(false);
        if (request.Error is not null)
        {
            return request.Error;
        }

        if (!StixId.TryParse(objectId, out _))
        {
            return TaxiiErrors.Result(StatusCodes.Status404NotFound, "Object not found");
        }

        ObjectFilter filter = ObjectEndpoints.ToFilter(request.Query) with { Ids = [objectId] };
        EgressPage page = await EgressGate.For(context).ReadPageAsync(request.Principal, request.Collection!, filter, null, 1, cancellationToken)
            .ConfigureAwait(false);
        if (page.Items.Count == 0)
        {
            return TaxiiErrors.Result(StatusCodes.Status404NotFound, "Object not found");
        }

        if (page.More)
        {
            return TaxiiErrors.Result(StatusCodes.Status400BadRequest, "Bad request",
                "The filters select more than one version; a proof is for one version (match[version]=<timestamp>, first or last).");
        }

        StoredObject version = page.Items[0];
        Guid collection = request.Collection!.Collection.Id;
        if (await store.FindLogEntryAsync(collection, version.DateAdded, cancellationToken).ConfigureAwait(false) is not { } record)
        {
            return TaxiiErrors.Result(StatusCodes.Status404NotFound, "Log entry not found", "This version was stored before the node kept a log.");
        }

        if (await store.LogTiles.ReadCheckpointAsync(cancellationToken).ConfigureAwait(false) is not { } note)
        {
            return NotYet(context);
        }

        Checkpoint checkpoint;
        try
        {
            checkpoint = Checkpoint.FromNote(SignedNote.Parse(note.Span));
        }
        catch (LedgerFormatException)
        {
            return NotYet(context);
        }

        if (record.LeafIndex >= checkpoint.Size)
        {
            return NotYet(context);
        }

        MerkleHash[] path = await MerkleProof.InclusionAsync(new TileHashReader(store.LogTiles, checkpoint.Size), record.LeafIndex, checkpoint.Size,
            cancellationToken).ConfigureAwait(false);
        AccessLogMiddleware.SetObjectCount(context, 1);
        context.Response.Headers.CacheControl = "no-store";
        return Results.Bytes(WriteProof(version, record, checkpoint.Size, path, note), ProofMediaType);
    }

    private static IResult NotYet(HttpContext context)
    {
        context.Response.Headers.RetryAfter = "1";
        return TaxiiErrors.Result(StatusCodes.Status503ServiceUnavailable, "Not yet in a checkpoint",
            "The version is logged but no checkpoint covers it yet; ask again in a second.");
    }

    private static byte[] WriteProof(StoredObject version, LogEntryRecord record, long treeSize, MerkleHash[] path, ReadOnlyMemory<byte> note)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("object_id", version.Id);
            writer.WriteString("version", version.Version.ToString());
            writer.WriteString("date_added", StixTimestamp.FromDateTimeOffset(version.DateAdded, 6).ToString());
            writer.WriteString("action", record.Action switch
            {
                LogAction.Publish => "publish",
                LogAction.Revoke => "revoke",
                _ => "delete",
            });
            writer.WriteNumber("leaf_index", record.LeafIndex);
            writer.WriteNumber("tree_size", treeSize);
            writer.WriteBase64String("entry", record.Entry.Span);
            writer.WriteBase64String("salt", record.Salt.Span);
            writer.WriteStartArray("inclusion_proof");
            foreach (MerkleHash hash in path)
            {
                writer.WriteStringValue(hash.ToBase64());
            }

            writer.WriteEndArray();
            writer.WriteString("checkpoint", System.Text.Encoding.UTF8.GetString(note.Span));
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
