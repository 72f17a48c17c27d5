using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Detente.Psi;
using Detente.Storage;

namespace Detente.Node;

/// <summary>
/// The PSI routes (<c>/psi/</c>): an initiator — a partner node or an analyst with <c>detente psi run</c> — runs a
/// session against one of this node's sets, as far as the operator's <see cref="NodePsiOptions"/> allow. Authenticated
/// as every route; JSON for the session parameters, <c>application/octet-stream</c> chunk frames (<see cref="PsiChunk"/>)
/// for the protocol messages; every refusal a TAXII error.
/// </summary>
/// <remarks>
/// <list type="number">
/// <item><c>GET /psi/key</c> → <c>{"key_epoch", "key_commitment", "expires"}</c>: the current epoch's id and public key
/// K = k·B, for the initiator to precompute its additive blinds.</item>
/// <item><c>POST /psi/sessions</c> with <c>{"set", "mode", "size", "key_epoch", "key_commitment"}</c> → 201
/// <c>{"session_id", "responder_set_size", "key_epoch", "key_commitment"}</c>. Refused, before anything is computed: 404
/// when PSI is off, 403 for a principal, set or mode without a grant, 413 for a size over the cap, 409 when the epoch is
/// no longer current, 429 with <c>Retry-After</c> over the rate limit.</item>
/// <item><c>POST /psi/sessions/{id}/blinded</c>: one or more Blinded frames → the Evaluated frames (in cardinality mode
/// all of them, shuffled, with the last blinded frame). A malformed frame ends the session: 400.</item>
/// <item><c>GET /psi/sessions/{id}/tags[?filter_bits=P]</c> → the node's tags, or their Golomb-compressed set.</item>
/// <item><c>DELETE /psi/sessions/{id}</c> → 200 <c>{"session_id", "outcome", "proof", "log"}</c>: the session ends and is
/// recorded; <c>log</c> is the receipt (<see cref="PsiSessionLogProof"/> without proofs: each log entry of the session with
/// its leaf index, salt and record) and <c>proof</c> the path of <c>GET /log/proof/psi/{id}</c>, which answers the inclusion
/// proofs once a checkpoint covers the entries.</item>
/// </list>
/// </remarks>
internal static class PsiEndpoints
{
    /// <summary>The media type of chunk frames.</summary>
    public const string OctetStream = "application/octet-stream";

    private const int MaxParametersBytes = 4096;

    /// <summary>Registers the PSI services for <paramref name="options"/>.</summary>
    public static void AddServices(IServiceCollection services, NodePsiOptions options)
    {
        services.AddSingleton(sp => new PsiSessions(options, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<PsiSetBuilder>();
        services.AddSingleton(sp => new PsiPreparedSets(sp.GetRequiredService<IStore>(), sp.GetRequiredService<PsiSetBuilder>(),
            sp.GetRequiredService<IEgressPolicy>(), options));
        if (options.Recorder is not null)
        {
            services.AddSingleton(options.Recorder);
        }
        else
        {
            services.AddSingleton<IPsiSessionRecorder, TransparencyLogPsiSessionRecorder>();
        }
    }

    /// <summary>Maps the routes under <c>/psi</c>.</summary>
    public static void Map(IEndpointRouteBuilder app)
    {
        RouteGroupBuilder psi = app.MapGroup("/psi");
        psi.MapGet("/key", GetKey);
        psi.MapPost("/sessions", OpenAsync).WithMetadata(RequiresEgressPolicy.Instance);
        psi.MapPost("/sessions/{sessionId}/blinded", EvaluateAsync);
        psi.MapGet("/sessions/{sessionId}/tags", SendTagsAsync);
        psi.MapDelete("/sessions/{sessionId}", CloseAsync);
    }

    private static IResult GetKey(HttpContext context, PsiSessions sessions)
    {
        if (Refusal(context, sessions, out _) is IResult refused)
        {
            return refused;
        }

        PsiKeyEpoch epoch = sessions.CurrentEpoch();
        return Json(StatusCodes.Status200OK, writer =>
        {
            writer.WriteString("key_epoch", epoch.Id.ToString());
            writer.WriteString("key_commitment", Convert.ToHexStringLower(epoch.Key.PublicKey));
            writer.WriteString("expires", epoch.Ends.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
        });
    }

    private static async Task<IResult> OpenAsync(HttpContext context, PsiSessions sessions, PsiPreparedSets preparedSets, IPsiSessionRecorder recorder,
        IStore store, NodePublicUrl publicUrl, TimeProvider timeProvider, ILogger<PsiSessions> logger, CancellationToken cancellationToken)
    {
        if (Refusal(context, sessions, out PsiGrant? grant) is IResult refused)
        {
            return refused;
        }

        NodePrincipal principal = TokenAuthenticationMiddleware.GetPrincipal(context);
        await ExpireAsync(sessions, recorder, publicUrl, timeProvider).ConfigureAwait(false);
        OpenRequest? request = await ReadOpenRequestAsync(context, cancellationToken).ConfigureAwait(false);
        if (request is null)
        {
            return Refuse(logger, principal, StatusCodes.Status400BadRequest, "Bad PSI session request",
                "The body is a JSON object: set (indicators or sightings), mode (intersection or cardinality), size (the initiator's set size), "
                + "key_epoch and key_commitment (from GET /psi/key).");
        }

        if (!grant!.Sets.Contains(request.Set) || !grant.Modes.Contains(request.Mode))
        {
            return Refuse(logger, principal, StatusCodes.Status403Forbidden, "PSI not allowed",
                $"This principal may not run PSI in {ModeName(request.Mode)} mode against the {NodePsiOptions.SetName(request.Set)} set.");
        }

        if (request.Size > sessions.Options.MaxSetSize)
        {
            return Refuse(logger, principal, StatusCodes.Status413PayloadTooLarge, "PSI set too large",
                $"A set of {request.Size} elements is over this node's cap of {sessions.Options.MaxSetSize} per session.");
        }

        PsiKeyEpoch? epoch = sessions.TryHoldEpoch(request.KeyEpoch);
        if (epoch is null || !epoch.Key.PublicKey.SequenceEqual(request.KeyCommitment))
        {
            if (epoch is not null)
            {
                sessions.ReleaseEpoch(epoch);
            }

            return Refuse(logger, principal, StatusCodes.Status409Conflict, "PSI key epoch changed",
                "The key epoch or commitment is not the current one; fetch GET /psi/key again and precompute for it.");
        }

        bool added = false;
        try
        {
            await sessions.LoadHistoryAsync(store, cancellationToken).ConfigureAwait(false);
            if (!sessions.TryCountSession(principal.Name, out TimeSpan retryAfter))
            {
                long seconds = Math.Max(1, (long)Math.Ceiling(retryAfter.TotalSeconds));
                string retry = seconds.ToString(CultureInfo.InvariantCulture);
                // The error writer clears the headers; Retry-After goes on just before they are sent.
                context.Response.OnStarting(() =>
                {
                    context.Response.Headers.RetryAfter = retry;
                    return Task.CompletedTask;
                });
                return Refuse(logger, principal, StatusCodes.Status429TooManyRequests, "PSI rate limit",
                    $"This principal may open {sessions.Options.SessionsPerHour} PSI sessions per hour; retry after {seconds} s.");
            }

            (PsiPreparedSet prepared, _) = await preparedSets.GetAsync(EgressGate.For(context), principal, request.Set, epoch, cancellationToken)
                .ConfigureAwait(false);
            PsiOptions psiOptions = preparedSets.OptionsFor(prepared.Count);
            var id = PsiSessionId.New();
            var responder = new PsiResponderSession(prepared, id, request.Mode, request.Size, psiOptions);
            var session = new NodePsiSession(id, principal, request.Set, request.Mode, epoch, responder, prepared.Count, timeProvider.GetUtcNow());
            // Recorded before anything of the session leaves the node.
            await RecordAsync(recorder, session, publicUrl, session.Opened, "opened").ConfigureAwait(false);
            sessions.Add(session);
            added = true;
            return Json(StatusCodes.Status201Created, writer =>
            {
                writer.WriteString("session_id", id.ToString());
                writer.WriteNumber("responder_set_size", prepared.Count);
                writer.WriteString("key_epoch", epoch.Id.ToString());
                writer.WriteString("key_commitment", Convert.ToHexStringLower(epoch.Key.PublicKey));
            });
        }
        finally
        {
            if (!added)
            {
                sessions.ReleaseEpoch(epoch);
            }
        }
    }

    private static async Task<IResult> EvaluateAsync(string sessionId, HttpContext context, PsiSessions sessions, IPsiSessionRecorder recorder,
        NodePublicUrl publicUrl, TimeProvider timeProvider, ILogger<PsiSessions> logger, CancellationToken cancellationToken)
    {
        if (Find(context, sessions, sessionId, out NodePsiSession? session) is IResult refused)
        {
            return refused;
        }

        if (!string.Equals(context.Request.ContentType, OctetStream, StringComparison.OrdinalIgnoreCase))
        {
            return TaxiiErrors.Result(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", "PSI chunks are sent as " + OctetStream + ".");
        }

        // At most one chunk of the largest size in flight; the client sends one chunk per request.
        const int maxBody = PsiChunk.HeaderLength + (PsiChunk.MaxItems * 32);
        byte[]? body = await ReadBodyAsync(context, maxBody, cancellationToken).ConfigureAwait(false);
        if (body is null)
        {
            return TaxiiErrors.Result(StatusCodes.Status413PayloadTooLarge, "Request too large", $"A PSI request carries at most {maxBody} bytes.");
        }

        var output = new ArrayBufferWriter<byte>();
        string? problem = null;
        lock (session!.Responder)
        {
            try
            {
                ReadOnlySpan<byte> frames = body;
                if (frames.IsEmpty)
                {
                    throw new PsiException("the request carries no PSI chunk");
                }

                while (!frames.IsEmpty)
                {
                    if (!PsiChunk.TryRead(frames, out _, out _, out int length))
                    {
                        throw new PsiException("the PSI chunk is truncated");
                    }

                    session.Responder.Evaluate(frames[..length], output);
                    frames = frames[length..];
                }
            }
            catch (PsiException e)
            {
                problem = e.Message;
            }
            catch (InvalidOperationException e)
            {
                problem = e.Message;
            }
        }

        if (problem is not null)
        {
            Log.PsiChunkRefused(logger, session.Id.ToString(), session.Principal.Name, problem);
            if (sessions.Remove(session))
            {
                await RecordAsync(recorder, session, publicUrl, timeProvider.GetUtcNow(), "failed: " + problem).ConfigureAwait(false);
            }

            return TaxiiErrors.Result(StatusCodes.Status400BadRequest, "Malformed PSI chunk", $"The session is over: {problem}.");
        }

        return Results.Bytes(output.WrittenMemory.ToArray(), OctetStream);
    }

    private static async Task<IResult> SendTagsAsync(string sessionId, HttpContext context, PsiSessions sessions, CancellationToken cancellationToken)
    {
        if (Find(context, sessions, sessionId, out NodePsiSession? session) is IResult refused)
        {
            return refused;
        }

        int? bits = null;
        if (context.Request.Query.TryGetValue("filter_bits", out Microsoft.Extensions.Primitives.StringValues text))
        {
            if (text.Count != 1 || !int.TryParse(text[0], NumberStyles.None, CultureInfo.InvariantCulture, out int p) || p is < 1 or > 32)
            {
                return TaxiiErrors.Result(StatusCodes.Status400BadRequest, "Bad filter_bits", "filter_bits is a number from 1 to 32.");
            }

            bits = p;
        }

        var output = new ArrayBufferWriter<byte>();
        lock (session!.Responder)
        {
            if (bits is int p)
            {
                session.Responder.WriteFilter(output, p);
            }
            else
            {
                session.Responder.WriteTags(output);
            }

            session.TagsSent = true;
        }

        context.Response.ContentType = OctetStream;
        context.Response.ContentLength = output.WrittenCount;
        await context.Response.Body.WriteAsync(output.WrittenMemory, cancellationToken).ConfigureAwait(false);
        return Results.Empty;
    }

    private static async Task<IResult> CloseAsync(string sessionId, HttpContext context, PsiSessions sessions, IPsiSessionRecorder recorder,
        NodePublicUrl publicUrl, TimeProvider timeProvider)
    {
        if (Find(context, sessions, sessionId, out NodePsiSession? session) is IResult refused)
        {
            return refused;
        }

        if (!sessions.Remove(session!))
        {
            return TaxiiErrors.Result(StatusCodes.Status404NotFound, "Not found", "No such PSI session.");
        }

        string outcome;
        lock (session!.Responder)
        {
            outcome = session.Responder.IsComplete && session.TagsSent ? "completed" : "closed";
        }

        await RecordAsync(recorder, session, publicUrl, timeProvider.GetUtcNow(), outcome).ConfigureAwait(false);

        // The receipt: the session's log entries with their salts and records, for the initiator to check once sealed
        // (GET /log/proof/psi/{id}). Only the session's initiator reaches this point (Find).
        PsiSessionLogProof receipt = PsiSessionLogProof.Receipt(session.Id, session.Logged());
        context.Response.Headers.CacheControl = "no-store";
        return Json(StatusCodes.Status200OK, writer =>
        {
            writer.WriteString("session_id", session.Id.ToString());
            writer.WriteString("outcome", outcome);
            writer.WriteString("proof", "log/proof/psi/" + session.Id);
            writer.WritePropertyName("log");
            receipt.WriteTo(writer);
        });
    }

    /// <summary>Records the session with an outcome, and keeps the log entry with the session for its receipt.</summary>
    /// <remarks>Not cancelled with the request: a session that ends is recorded even if its caller went away.</remarks>
    private static async Task RecordAsync(IPsiSessionRecorder recorder, NodePsiSession session, NodePublicUrl publicUrl, DateTimeOffset time, string outcome)
    {
        LogEntryRecord? entry = await recorder.RecordAsync(session.Record(publicUrl.Get().AbsoluteUri, time, outcome), CancellationToken.None)
            .ConfigureAwait(false);
        if (entry is not null)
        {
            session.AddLogged(entry);
        }
    }

    /// <summary>Ends and records the sessions idle for longer than the timeout.</summary>
    private static async Task ExpireAsync(PsiSessions sessions, IPsiSessionRecorder recorder, NodePublicUrl publicUrl, TimeProvider timeProvider)
    {
        foreach (NodePsiSession expired in sessions.RemoveExpired())
        {
            await RecordAsync(recorder, expired, publicUrl, timeProvider.GetUtcNow(), "expired").ConfigureAwait(false);
        }
    }

    /// <summary>404 when PSI is off, 403 for a principal without a grant; null (and the grant) otherwise.</summary>
    private static IResult? Refusal(HttpContext context, PsiSessions sessions, out PsiGrant? grant)
    {
        grant = null;
        if (!sessions.Options.Enabled)
        {
            return TaxiiErrors.Result(StatusCodes.Status404NotFound, "Not found", "This node does not run PSI.");
        }

        NodePrincipal principal = TokenAuthenticationMiddleware.GetPrincipal(context);
        if (!sessions.Options.Grants.TryGetValue(principal.Name, out grant))
        {
            return TaxiiErrors.Result(StatusCodes.Status403Forbidden, "PSI not allowed", "This principal may not run PSI on this node.");
        }

        return null;
    }

    private static IResult? Find(HttpContext context, PsiSessions sessions, string sessionId, out NodePsiSession? session)
    {
        session = null;
        if (Refusal(context, sessions, out _) is IResult refused)
        {
            return refused;
        }

        PsiSessionId id;
        try
        {
            id = PsiSessionId.Parse(sessionId);
        }
        catch (PsiException)
        {
            return TaxiiErrors.Result(StatusCodes.Status404NotFound, "Not found", "No such PSI session.");
        }

        session = sessions.Find(id, TokenAuthenticationMiddleware.GetPrincipal(context));
        return session is null ? TaxiiErrors.Result(StatusCodes.Status404NotFound, "Not found", "No such PSI session.") : null;
    }

    private static IResult Refuse(ILogger logger, NodePrincipal principal, int statusCode, string title, string description)
    {
        Log.PsiRefused(logger, principal.Name, statusCode, description);
        return TaxiiErrors.Result(statusCode, title, description);
    }

    private sealed record OpenRequest(PsiSetKind Set, PsiMode Mode, int Size, PsiSessionId KeyEpoch, byte[] KeyCommitment);

    private static async Task<OpenRequest?> ReadOpenRequestAsync(HttpContext context, CancellationToken cancellationToken)
    {
        byte[]? body = await ReadBodyAsync(context, MaxParametersBytes, cancellationToken).ConfigureAwait(false);
        if (body is null)
        {
            return null;
        }

        try
        {
            using JsonDocument document = JsonDocument.Parse(body);
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !NodePsiOptions.TryParseSet(root.TryGetProperty("set", out JsonElement set) && set.ValueKind == JsonValueKind.String ? set.GetString() : null, out PsiSetKind kind)
                || !root.TryGetProperty("mode", out JsonElement mode) || mode.ValueKind != JsonValueKind.String
                || !root.TryGetProperty("size", out JsonElement size) || !size.TryGetInt32(out int n) || n < 0
                || !root.TryGetProperty("key_epoch", out JsonElement epoch) || epoch.ValueKind != JsonValueKind.String
                || !root.TryGetProperty("key_commitment", out JsonElement key) || key.ValueKind != JsonValueKind.String || key.GetString()!.Length != 64)
            {
                return null;
            }

            PsiMode? parsed = mode.GetString() switch
            {
                "intersection" => PsiMode.Intersection,
                "cardinality" => PsiMode.Cardinality,
                _ => null,
            };
            return parsed is PsiMode m ? new OpenRequest(kind, m, n, PsiSessionId.Parse(epoch.GetString()!), Convert.FromHexString(key.GetString()!)) : null;
        }
        catch (Exception e) when (e is JsonException or PsiException or FormatException)
        {
            return null;
        }
    }

    /// <summary>The whole body, or null when it is longer than <paramref name="max"/> bytes.</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpContext context, int max, CancellationToken cancellationToken)
    {
        if (context.Request.ContentLength > max)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        byte[] chunk = ArrayPool<byte>.Shared.Rent(16384);
        try
        {
            int read;
            while ((read = await context.Request.Body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > max)
                {
                    return null;
                }

                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        return buffer.ToArray();
    }

    private static string ModeName(PsiMode mode) => mode == PsiMode.Intersection ? "intersection" : "cardinality";

    private static IResult Json(int statusCode, Action<Utf8JsonWriter> members)
    {
        var output = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(output))
        {
            writer.WriteStartObject();
            members(writer);
            writer.WriteEndObject();
        }

        return new JsonResult(statusCode, output.WrittenMemory.ToArray());
    }

    private sealed class JsonResult(int statusCode, byte[] body) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = statusCode;
            httpContext.Response.ContentType = "application/json";
            httpContext.Response.ContentLength = body.Length;
            return httpContext.Response.Body.WriteAsync(body, httpContext.RequestAborted).AsTask();
        }
    }
}
