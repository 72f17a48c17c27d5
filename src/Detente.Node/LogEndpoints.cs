using Detente.Ledger.Entries;
using Detente.Ledger.Tiles;
using Detente.Psi;
using Detente.Stix;
using Detente.Storage;
using Detente.Taxii.Query;

namespace Detente.Node;

/// <summary>
/// The transparency log's routes: C2SP tlog-tiles read paths under <c>/log/</c> (checkpoint, hash tiles, entry bundles)
/// and inclusion proofs by object id and version (<c>/log/proof/…</c>) and of PSI sessions (<c>/log/proof/psi/{id}</c>).
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
        app.MapGet("/log/key", GetKey).WithMetadata(RequiresEgressPolicy.Instance);
        app.MapGet("/log/tile/{**path}", GetTileAsync).WithMetadata(RequiresEgressPolicy.Instance);
        app.MapGet("/log/gossip", GetGossipAsync).WithMetadata(RequiresEgressPolicy.Instance);
        app.MapGet("/log/proof/{apiRoot}/collections/{collectionId}/objects/{objectId}/", GetProofAsync).WithMetadata(RequiresEgressPolicy.Instance);
        app.MapGet("/log/openings/{apiRoot}/collections/{collectionId}/objects/", GetOpeningsAsync).WithMetadata(RequiresEgressPolicy.Instance);
        app.MapGet("/log/proof/psi/{sessionId}", GetPsiProofAsync).WithMetadata(RequiresEgressPolicy.Instance);
        app.MapGet("/log/consistency", GetConsistencyAsync).WithMetadata(RequiresEgressPolicy.Instance);
        app.MapPost("/log/witness/add-checkpoint", AddCheckpointAsync);
    }

    /// <summary>The most bytes an add-checkpoint body may have: a note of the largest size, 63 proof lines and the old size line.</summary>
    private static readonly int s_maxWitnessBody = Ledger.Notes.NoteLimits.Default.MaxBytes + 4096;

    private static async Task<IResult> AddCheckpointAsync(HttpContext context, ILogger<NodeWitness> logger, CancellationToken cancellationToken)
    {
        if (context.RequestServices.GetService<LogSequencerService>()?.Witness is not { } witness)
        {
            return Results.Text("This node witnesses no logs.\n", "text/plain; charset=utf-8", statusCode: StatusCodes.Status404NotFound);
        }

        using var buffer = new MemoryStream();
        byte[] chunk = new byte[16 * 1024];
        int read;
        while ((read = await context.Request.Body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > s_maxWitnessBody)
            {
                return Results.Text("The request body is too large.\n", "text/plain; charset=utf-8", statusCode: StatusCodes.Status400BadRequest);
            }

            buffer.Write(chunk, 0, read);
        }

        Ledger.Witnessing.WitnessResponse response = await witness.AddCheckpointAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), cancellationToken)
            .ConfigureAwait(false);
        Log.WitnessAnswered(logger, OriginOf(buffer), response.StatusCode, response.Message);
        context.Response.Headers.CacheControl = "no-store";
        context.Response.StatusCode = response.StatusCode;
        context.Response.ContentType = response.ContentType;
        context.Response.ContentLength = response.Body.Length;
        await context.Response.Body.WriteAsync(response.Body, cancellationToken).ConfigureAwait(false);
        return Results.Empty;
    }

    /// <summary>The origin line of a request body's checkpoint, for the log line (or "-" when the body has none).</summary>
    private static string OriginOf(MemoryStream body)
    {
        ReadOnlySpan<byte> span = body.GetBuffer().AsSpan(0, (int)body.Length);
        int blank = span.IndexOf("\n\n"u8);
        if (blank < 0)
        {
            return "-";
        }

        ReadOnlySpan<byte> rest = span[(blank + 2)..];
        int end = rest.IndexOf((byte)'\n');
        string origin = System.Text.Encoding.UTF8.GetString(end < 0 ? rest : rest[..end]);
        return origin.Length is 0 or > 256 || origin.Any(char.IsControl) ? "-" : origin;
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

        if (await CosignedCheckpoint.ReadAsync(store, cancellationToken).ConfigureAwait(false) is not { } note)
        {
            return TaxiiErrors.Result(StatusCodes.Status404NotFound, "Checkpoint not found", "The log has no checkpoint yet.");
        }

        context.Response.Headers.CacheControl = CheckpointCache;
        return Results.Bytes(note.ToArray(), "text/plain; charset=utf-8");
    }

    /// <summary>The latest checkpoint this node verified of each partner log (its pinned ones) and of each log it witnesses, with
    /// the cosignatures it holds for them, so that nodes can compare what they were shown (two signed, inconsistent checkpoints
    /// of one log are a split view) and judge a log's freshness from the cosignatures.</summary>
    private static async Task<IResult> GetGossipAsync(HttpContext context, IStore store, CancellationToken cancellationToken)
    {
        if (RefuseLog(context) is { } refused)
        {
            return refused;
        }

        IReadOnlyList<(string Origin, string Checkpoint)> checkpoints = await GossipCheckpoints.ReadAsync(store, cancellationToken).ConfigureAwait(false);
        context.Response.Headers.CacheControl = "no-store";
        return Results.Bytes(Sync.GossipDocument.Write(checkpoints), ProofMediaType);
    }

    private static IResult GetKey(HttpContext context)
    {
        LogSequencerService? sequencer = context.RequestServices.GetService<LogSequencerService>();
        if (RefuseLog(context) is { } refused)
        {
            return refused;
        }

        if (sequencer?.Log is not { } log)
        {
            return TaxiiErrors.Result(StatusCodes.Status404NotFound, "Not found", "This node runs no transparency log.");
        }

        return Results.Text(log.VerifierKey + "\n", "text/plain; charset=utf-8");
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
        TileCache tiles, CancellationToken cancellationToken)
    {
        // tree_size is the proof's own parameter; the rest of the query is TAXII's, parsed strictly as for the object.
        if (!TryTakeTreeSize(context, out long? treeSize))
        {
            return TaxiiErrors.Result(StatusCodes.Status400BadRequest, "Bad request", "tree_size is one decimal tree size (a size the log had a checkpoint of).");
        }

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
        // A redacted version's proof would reveal the salt of the whole original object (and so let a reader test guesses
        // of the redacted parts): it is answered like a version the reader may not see.
        if (page.Items.Count == 0 || page.Redacted > 0)
        {
            return TaxiiErrors.Result(StatusCodes.Status404NotFound, "Object not found");
        }

        if (page.More)
        {
            return TaxiiErrors.Result(StatusCodes.Status400BadRequest, "Bad request",
                "The filters select more than one version; a proof is for one version (match[version]=<timestamp>, first or last).");
        }

        (LogProofStatus status, LogProof? proof) = await LogProof.CreateAsync(store, request.Collection!.Collection.Id, page.Items[0], treeSize,
            tiles, cancellationToken).ConfigureAwait(false);
        switch (status)
        {
            case LogProofStatus.NotLogged:
                return TaxiiErrors.Result(StatusCodes.Status404NotFound, "Log entry not found", "This version has no log entry yet.");
            case LogProofStatus.NotInTree:
                return TaxiiErrors.Result(StatusCodes.Status400BadRequest, "Bad request", "The tree of that size does not hold this version's entry.");
            case LogProofStatus.NoSuchCheckpoint:
                return TaxiiErrors.Result(StatusCodes.Status404NotFound, "Checkpoint not found", "The log never had a checkpoint of that size.");
        }

        if (proof is null)
        {
            return NotYet(context);
        }

        AccessLogMiddleware.SetObjectCount(context, 1);
        context.Response.Headers.CacheControl = "no-store";
        return Results.Bytes(proof.ToJson(), ProofMediaType);
    }

    /// <summary>
    /// The log openings (leaf index and salt) of the page of versions the same query on the objects route serves the
    /// reader, against the latest checkpoint: the page is read through the egress gate exactly as that route reads it, so a
    /// withheld version is absent and changes nothing else; a redacted version is listed as redacted, with no leaf index and
    /// no salt (the salt would let the reader test guesses of the redacted parts against the entry's commitment), and its
    /// single proof answers 404. The reader learns nothing it did not know: the redacted object it is served says so.
    /// </summary>
    private static async Task<IResult> GetOpeningsAsync(string apiRoot, string collectionId, HttpContext context, IStore store, NodeOptions options,
        CancellationToken cancellationToken)
    {
        ObjectEndpoints.Request request = await ObjectEndpoints.ReadRequestAsync(context, store, apiRoot, collectionId, TaxiiQueryEndpoint.Objects,
            cancellationToken).ConfigureAwait(false);
        if (request.Error is not null)
        {
            return request.Error;
        }

        (EgressPage? page, _, IResult? error) = await ObjectEndpoints.ReadPageAsync(request, ObjectEndpoints.ToFilter(request.Query), options, store,
            context, cancellationToken).ConfigureAwait(false);
        if (error is not null)
        {
            return error;
        }

        if (await LogOpenings.CreateAsync(store, request.Collection!.Collection.Id, page!.Items, page.IsRedacted, cancellationToken).ConfigureAwait(false)
            is not { } openings)
        {
            return NotYet(context, "A version of the page is logged but no checkpoint covers it yet; ask again in a second.");
        }

        AccessLogMiddleware.SetObjectCount(context, openings.Openings.Count);
        context.Response.Headers.CacheControl = "no-store";
        return Results.Bytes(openings.ToJson(), ProofMediaType);
    }

    /// <summary>Takes <c>tree_size</c> out of the request's query (once, a decimal without leading zeroes); false when it is malformed.</summary>
    private static bool TryTakeTreeSize(HttpContext context, out long? treeSize)
    {
        treeSize = null;
        string raw = context.Request.QueryString.Value ?? string.Empty;
        if (raw.Length == 0)
        {
            return true;
        }

        var kept = new List<string>();
        foreach (string part in raw[1..].Split('&'))
        {
            if (!part.StartsWith("tree_size=", StringComparison.Ordinal))
            {
                kept.Add(part);
                continue;
            }

            if (treeSize is not null || !TryParseSize(part["tree_size=".Length..], out long size))
            {
                return false;
            }

            treeSize = size;
        }

        context.Request.QueryString = kept.Count == 0 ? QueryString.Empty : new QueryString("?" + string.Join('&', kept));
        return true;
    }

    private static bool TryParseSize(string text, out long size)
    {
        size = 0;
        return text.Length is > 0 and <= 19 && (text.Length == 1 || text[0] != '0') && text.All(char.IsAsciiDigit)
            && long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out size);
    }

    private static async Task<IResult> GetConsistencyAsync(HttpContext context, IStore store, TileCache tiles, CancellationToken cancellationToken)
    {
        if (RefuseLog(context) is { } refused)
        {
            return refused;
        }

        IQueryCollection query = context.Request.Query;
        if (query.Keys.Any(k => k is not ("old" or "new")) || query["old"].Count != 1 || query["new"].Count > 1
            || !TryParseSize(query["old"].ToString(), out long oldSize))
        {
            return TaxiiErrors.Result(StatusCodes.Status400BadRequest, "Bad request", "Ask /log/consistency?old=M[&new=N], sizes the log had checkpoints of, M ≤ N.");
        }

        ReadOnlyMemory<byte>? newNote;
        if (query["new"].Count == 1)
        {
            if (!TryParseSize(query["new"].ToString(), out long asked))
            {
                return TaxiiErrors.Result(StatusCodes.Status400BadRequest, "Bad request", "new is a decimal tree size.");
            }

            newNote = await store.ReadLogCheckpointAsync(asked, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            newNote = await store.LogTiles.ReadCheckpointAsync(cancellationToken).ConfigureAwait(false);
        }

        ReadOnlyMemory<byte>? oldNote = await store.ReadLogCheckpointAsync(oldSize, cancellationToken).ConfigureAwait(false);
        if (newNote is not { } newBytes || oldNote is not { } oldBytes)
        {
            return TaxiiErrors.Result(StatusCodes.Status404NotFound, "Checkpoint not found", "The log never had a checkpoint of that size.");
        }

        long newSize = Ledger.Notes.Checkpoint.FromNote(Ledger.Notes.SignedNote.Parse(newBytes.Span)).Size;
        if (oldSize > newSize)
        {
            return TaxiiErrors.Result(StatusCodes.Status400BadRequest, "Bad request", "old is larger than new.");
        }

        Ledger.Merkle.MerkleHash[] proof = oldSize == 0 || oldSize == newSize
            ? []
            : await Ledger.Merkle.MerkleProof.ConsistencyAsync(new TileHashReader(store.LogTiles, newSize, tiles), oldSize, newSize, cancellationToken)
                .ConfigureAwait(false);
        context.Response.Headers.CacheControl = query["new"].Count == 1 ? FullTileCache : "no-store";
        return Results.Bytes(new LogConsistency(oldSize, newSize, proof, System.Text.Encoding.UTF8.GetString(oldBytes.Span),
            System.Text.Encoding.UTF8.GetString(newBytes.Span)).ToJson(), ProofMediaType);
    }

    /// <summary>The inclusion proofs of a PSI session's log entries, for the session's parties only (404 for anyone else,
    /// exactly as for a session that does not exist).</summary>
    private static async Task<IResult> GetPsiProofAsync(string sessionId, HttpContext context, IStore store, TileCache tiles, CancellationToken cancellationToken)
    {
        PsiSessionId id;
        try
        {
            id = PsiSessionId.Parse(sessionId);
        }
        catch (PsiException)
        {
            return TaxiiErrors.Result(StatusCodes.Status404NotFound, "Not found", "No such PSI session in the log.");
        }

        IReadOnlyList<LogEntryRecord> entries = await store.FindLogRecordsAsync(LogAction.PsiSession, id.ToString(), cancellationToken).ConfigureAwait(false);
        NodePrincipal reader = TokenAuthenticationMiddleware.GetPrincipal(context);
        string? initiator = entries.Count == 0 ? null
            : new PsiSessionLogEntry(entries[0].LeafIndex, entries[0].Entry, entries[0].Salt, entries[0].Record, []).RecordMember("initiator");
        if (entries.Count == 0 || !EgressGate.For(context).MayReadPsiSessionRecord(reader, initiator))
        {
            return TaxiiErrors.Result(StatusCodes.Status404NotFound, "Not found", "No such PSI session in the log.");
        }

        (_, PsiSessionLogProof? proof) = await PsiSessionLogProof.CreateAsync(store, entries, id, tiles, cancellationToken).ConfigureAwait(false);
        if (proof is null)
        {
            return NotYet(context, "The session is logged but no checkpoint covers its entries yet; ask again in a second.");
        }

        context.Response.Headers.CacheControl = "no-store";
        return Results.Bytes(proof.ToJson(), ProofMediaType);
    }

    private static IResult NotYet(HttpContext context,
        string description = "The version is logged but no checkpoint covers it yet; ask again in a second.")
    {
        context.Response.Headers.RetryAfter = "1";
        return TaxiiErrors.Result(StatusCodes.Status503ServiceUnavailable, "Not yet in a checkpoint", description);
    }
}
