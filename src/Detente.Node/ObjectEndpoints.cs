using Detente.Stix;
using Detente.Stix.Validation;
using Detente.Patterns.Validation;
using Detente.Storage;
using Detente.Taxii;
using Detente.Taxii.Query;

namespace Detente.Node;

/// <summary>
/// TAXII 2.1's object endpoints (§5.3–§5.8) and status (§4.3): objects GET and POST, an object GET and DELETE, its
/// versions, the manifest, and status resources. Every read goes through <see cref="EgressGate"/>.
/// </summary>
internal static class ObjectEndpoints
{
    private const string Objects = "/{apiRoot}/collections/{collectionId}/objects/";
    private const string Object = Objects + "{objectId}/";

    /// <summary>Registers what the endpoints need: the egress policy (<see cref="ReadGrantEgressPolicy"/> unless given),
    /// the gate, the validator with the STIX pattern validator, and the background ingest worker.</summary>
    public static void AddServices(IServiceCollection services, IEgressPolicy? egressPolicy)
    {
        // The sharing policy, built from the store before the node serves (its facts filled in first), then kept current.
        services.AddSingleton<SharingPolicySource>();
        services.AddHostedService(static sp => sp.GetRequiredService<SharingPolicySource>());
        services.AddSingleton(sp => egressPolicy
            ?? new SharingEgressPolicy(() => sp.GetRequiredService<SharingPolicySource>().Current, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<EgressGate>();
        services.AddSingleton(new StixValidator(new StixValidatorOptions { PatternValidator = new StixPatternValidator() }));
        services.AddSingleton(static sp => new OriginVerifier(sp.GetRequiredService<SharingPolicySource>(), sp.GetRequiredService<NodeOptions>(),
            sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IngestQueue>();
        services.AddSingleton<ObjectIngest>();
        // Recovery of interrupted adds runs first, before the worker and before the server takes requests.
        services.AddSingleton<StatusMaintenance>();
        services.AddHostedService(static sp => sp.GetRequiredService<StatusMaintenance>());
        services.AddHostedService<IngestWorker>();
    }

    public static void Map(RouteGroupBuilder taxii)
    {
        taxii.MapGet(Objects, GetObjectsAsync).WithMetadata(RequiresEgressPolicy.Instance);
        taxii.MapPost(Objects, AddObjectsAsync);
        taxii.MapGet(Object, GetObjectAsync).WithMetadata(RequiresEgressPolicy.Instance);
        taxii.MapDelete(Object, DeleteObjectAsync).WithMetadata(RequiresEgressPolicy.Instance);
        taxii.MapGet(Object + "versions/", GetVersionsAsync).WithMetadata(RequiresEgressPolicy.Instance);
        taxii.MapGet("/{apiRoot}/collections/{collectionId}/manifest/", GetManifestAsync).WithMetadata(RequiresEgressPolicy.Instance);
        taxii.MapGet("/{apiRoot}/status/{statusId}/", GetStatusAsync).WithMetadata(RequiresEgressPolicy.Instance);
    }

    // ---- reads ----

    private static async Task<IResult> GetObjectsAsync(string apiRoot, string collectionId, HttpContext context, IStore store,
        NodeOptions options, CancellationToken cancellationToken)
    {
        Request request = await ReadRequestAsync(context, store, apiRoot, collectionId, TaxiiQueryEndpoint.Objects, cancellationToken).ConfigureAwait(false);
        if (request.Error is not null)
        {
            return request.Error;
        }

        return await PageAsync(request, ToFilter(request.Query), options, store, context, static (page, next) => new EnvelopeResult(page, next),
            cancellationToken).ConfigureAwait(false);
    }

    private static async Task<IResult> GetObjectAsync(string apiRoot, string collectionId, string objectId, HttpContext context,
        IStore store, NodeOptions options, CancellationToken cancellationToken)
    {
        Request request = await ReadRequestAsync(context, store, apiRoot, collectionId, TaxiiQueryEndpoint.Object, cancellationToken).ConfigureAwait(false);
        if (request.Error is not null)
        {
            return request.Error;
        }

        if (!await IsVisibleObjectAsync(request, objectId, store, context, cancellationToken).ConfigureAwait(false))
        {
            return NotFound("Object");
        }

        ObjectFilter filter = ToFilter(request.Query) with { Ids = [objectId] };
        return await PageAsync(request, filter, options, store, context, static (page, next) => new EnvelopeResult(page, next), cancellationToken)
            .ConfigureAwait(false);
    }

    private static async Task<IResult> GetVersionsAsync(string apiRoot, string collectionId, string objectId, HttpContext context,
        IStore store, NodeOptions options, CancellationToken cancellationToken)
    {
        Request request = await ReadRequestAsync(context, store, apiRoot, collectionId, TaxiiQueryEndpoint.Versions, cancellationToken).ConfigureAwait(false);
        if (request.Error is not null)
        {
            return request.Error;
        }

        if (!await IsVisibleObjectAsync(request, objectId, store, context, cancellationToken).ConfigureAwait(false))
        {
            return NotFound("Object");
        }

        ObjectFilter filter = ObjectFilter.VersionsOf(objectId, request.Query.AddedAfter, request.Query.SpecVersions);
        return await PageAsync(request, filter, options, store, context,
            static (page, _) => new PageResult(page, new TaxiiVersions(page.Items.Select(v => v.Version.ToString()), page.More)),
            cancellationToken).ConfigureAwait(false);
    }

    private static async Task<IResult> GetManifestAsync(string apiRoot, string collectionId, HttpContext context, IStore store,
        NodeOptions options, CancellationToken cancellationToken)
    {
        Request request = await ReadRequestAsync(context, store, apiRoot, collectionId, TaxiiQueryEndpoint.Manifest, cancellationToken).ConfigureAwait(false);
        if (request.Error is not null)
        {
            return request.Error;
        }

        return await PageAsync(request, ToFilter(request.Query), options, store, context,
            static (page, _) => new PageResult(page, new TaxiiManifest(page.Items.Select(ToManifestRecord), page.More)),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads one page through the gate; <c>next</c> continues from its last version.</summary>
    private static async Task<IResult> PageAsync(Request request, ObjectFilter filter, NodeOptions options, IStore store, HttpContext context,
        Func<EgressPage, string?, IResult> result, CancellationToken cancellationToken)
    {
        (EgressPage? page, string? cursor, IResult? error) = await ReadPageAsync(request, filter, options, store, context, cancellationToken).ConfigureAwait(false);
        return error ?? result(page!, cursor);
    }

    /// <summary>The page of visible versions a collection read selects (its <c>next</c> and <c>limit</c> applied, through the
    /// egress gate), with the cursor of the next page; or the 400 of a bad <c>next</c>.</summary>
    internal static async Task<(EgressPage? Page, string? Next, IResult? Error)> ReadPageAsync(Request request, ObjectFilter filter, NodeOptions options,
        IStore store, HttpContext context, CancellationToken cancellationToken)
    {
        Guid collectionId = request.Collection!.Collection.Id;
        DateTimeOffset? after = null;
        if (request.Query.Next is string next)
        {
            CursorStatus status = store.Cursors.TryDecode(next, collectionId, filter, out DateTimeOffset position);
            if (status != CursorStatus.Valid)
            {
                return (null, null, TaxiiErrors.Result(StatusCodes.Status400BadRequest, "Bad request", status switch
                {
                    CursorStatus.UnsupportedVersion => "next: this token comes from another version of the node; start again without it.",
                    CursorStatus.Invalid => "next: this token was not issued for this collection and these filters.",
                    _ => "next: this is not a token this node issued.",
                }));
            }

            after = position;
        }

        int limit = options.Limits.PageLimit(request.Query.Limit);
        EgressPage page = await EgressGate.For(context).ReadPageAsync(request.Principal, request.Collection, filter, after, limit, cancellationToken)
            .ConfigureAwait(false);
        string? cursor = page.More ? store.Cursors.Encode(collectionId, filter, page.Items[^1].DateAdded) : null;
        AccessLogMiddleware.SetObjectCount(context, page.Items.Count);
        return (page, cursor, null);
    }

    /// <summary>
    /// True when the reader may see some version of <paramref name="objectId"/>: an unknown object and one whose every
    /// version is withheld are both "not found".
    /// </summary>
    private static async Task<bool> IsVisibleObjectAsync(Request request, string objectId, IStore store, HttpContext context,
        CancellationToken cancellationToken)
    {
        Guid collectionId = request.Collection!.Collection.Id;
        return StixId.TryParse(objectId, out _)
            && await store.ContainsObjectAsync(collectionId, objectId, cancellationToken).ConfigureAwait(false)
            && await EgressGate.For(context).AnyVisibleAsync(request.Principal, request.Collection, ObjectFilter.VersionsOf(objectId), cancellationToken)
                .ConfigureAwait(false);
    }

    private static async Task<IResult> GetStatusAsync(string apiRoot, string statusId, HttpContext context, IStore store,
        CancellationToken cancellationToken)
    {
        _ = EgressGate.For(context);
        NodePrincipal principal = TokenAuthenticationMiddleware.GetPrincipal(context);
        StatusResource? status = Guid.TryParseExact(statusId, "D", out Guid id)
            ? await store.GetStatusAsync(id, cancellationToken).ConfigureAwait(false)
            : null;
        if (status is null || !string.Equals(status.ApiRoot, apiRoot, StringComparison.Ordinal) || !EgressGate.MayReadStatus(principal, status))
        {
            return NotFound("Status");
        }

        return Taxii(ToTaxii(status));
    }

    // ---- writes ----

    private static async Task<IResult> AddObjectsAsync(string apiRoot, string collectionId, HttpContext context, IStore store,
        ObjectIngest ingest, NodeOptions options, ILogger<ObjectIngest> logger, CancellationToken cancellationToken)
    {
        NodePrincipal principal = TokenAuthenticationMiddleware.GetPrincipal(context);
        CollectionWithAccess? found = await TaxiiEndpoints.FindVisibleAsync(context, apiRoot, collectionId, principal, store, cancellationToken)
            .ConfigureAwait(false);
        if (found is null)
        {
            return NotFound("Collection");
        }

        if (!found.Access.CanWrite)
        {
            return TaxiiErrors.Result(StatusCodes.Status403Forbidden, "Forbidden", "You may not add objects to this collection.");
        }

        if (!TaxiiMediaTypes.IsTaxii21ContentType(context.Request.ContentType))
        {
            return TaxiiErrors.Result(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type",
                "Send an envelope as " + TaxiiMediaTypes.Taxii21 + ".");
        }

        if (context.Request.QueryString.HasValue)
        {
            return TaxiiErrors.Result(StatusCodes.Status400BadRequest, "Bad request", "Adding objects takes no query parameters.");
        }

        ApiRoot? root = await store.GetApiRootAsync(apiRoot, cancellationToken).ConfigureAwait(false);
        long maxBytes = root?.MaxContentLength ?? StixReaderLimits.Default.MaxBytes;
        byte[]? body = await ReadBodyAsync(context.Request, maxBytes, cancellationToken).ConfigureAwait(false);
        if (body is null)
        {
            return TaxiiErrors.Result(StatusCodes.Status413RequestEntityTooLarge, "Request too large",
                $"This API root takes bodies of at most {maxBytes} bytes (its max_content_length).");
        }

        TaxiiEnvelope envelope;
        try
        {
            envelope = new TaxiiReader(options.Limits.ReaderLimits() with { MaxBytes = maxBytes }).ReadEnvelope(body);
        }
        catch (TaxiiFormatException e) when (e.InnerException is StixFormatException { ExceededLimit: StixLimit limit })
        {
            // Too many objects is a payload larger than the node processes (413); anything else over a reader limit
            // (nesting, a string, an object's members) is a request the node does not read as sent (400).
            int code = limit == StixLimit.BundleObjects ? StatusCodes.Status413RequestEntityTooLarge : StatusCodes.Status400BadRequest;
            Log.LimitExceeded(logger, principal.Name, context.Request.Method, context.Request.Path, limit.ToString(), code);
            return code == StatusCodes.Status413RequestEntityTooLarge
                ? TaxiiErrors.Result(code, "Request too large",
                    $"An envelope may hold at most {options.Limits.MaxObjectsPerEnvelope} objects; send them in several requests.")
                : TaxiiErrors.Result(code, "Bad request", e.Message);
        }
        catch (TaxiiFormatException e)
        {
            // Not JSON at all is a bad request; JSON that is not an envelope cannot be processed.
            return e.Path is null
                ? TaxiiErrors.Result(StatusCodes.Status400BadRequest, "Bad request", e.Message)
                : TaxiiErrors.Result(StatusCodes.Status422UnprocessableEntity, "Unprocessable content", e.Message);
        }

        StatusResource status = await ingest.AddAsync(principal, found.Collection, envelope, cancellationToken).ConfigureAwait(false);
        AccessLogMiddleware.SetObjectCount(context, status.TotalCount);
        return new AcceptedResult(ToTaxii(status).Serialize());
    }

    private static async Task<IResult> DeleteObjectAsync(string apiRoot, string collectionId, string objectId, HttpContext context,
        IStore store, ILogger<ObjectIngest> logger, CancellationToken cancellationToken)
    {
        Request request = await ReadRequestAsync(context, store, apiRoot, collectionId, TaxiiQueryEndpoint.DeleteObject, cancellationToken,
            requireWrite: true).ConfigureAwait(false);
        if (request.Error is not null)
        {
            return request.Error;
        }

        if (!await IsVisibleObjectAsync(request, objectId, store, context, cancellationToken).ConfigureAwait(false))
        {
            return NotFound("Object");
        }

        // The versions to delete are chosen among those the caller may see, by the gate that serves GET: "first" is the
        // earliest visible version, and a withheld version is never deleted (nor does the answer tell that it exists).
        var filter = new ObjectFilter
        {
            Ids = [objectId],
            Versions = request.Query.Versions is null ? VersionFilter.All : ToVersions(request.Query.Versions),
            SpecVersions = request.Query.SpecVersions,
        };
        Guid collection = request.Collection!.Collection.Id;
        var doomed = new List<(string SpecVersion, StixTimestamp Version)>();
        EgressGate gate = EgressGate.For(context);
        DateTimeOffset? after = null;
        while (true)
        {
            EgressPage page = await gate.ReadPageAsync(request.Principal, request.Collection, filter, after, ObjectFilter.MaxValues, cancellationToken)
                .ConfigureAwait(false);
            doomed.AddRange(page.Items.Select(static v => (v.SpecVersion, v.Version)));
            if (!page.More)
            {
                break;
            }

            after = page.Items[^1].DateAdded;
        }

        int deleted = 0;
        // Exactly the visible versions, each in its own spec version (a withheld version of another spec version may share
        // a timestamp).
        foreach (IGrouping<string, StixTimestamp> spec in doomed.Distinct().GroupBy(static d => d.SpecVersion, static d => d.Version, StringComparer.Ordinal))
        {
            foreach (StixTimestamp[] chunk in spec.Chunk(ObjectFilter.MaxValues))
            {
                deleted += await store.DeleteObjectAsync(collection, objectId, VersionFilter.Exactly(chunk), [spec.Key], cancellationToken)
                    .ConfigureAwait(false);
            }
        }

        Log.ObjectDeleted(logger, request.Principal.Name, collection, objectId, deleted);
        return Results.Bytes([], TaxiiMediaTypes.Taxii21);
    }

    // ---- common ----

    /// <summary>What every collection read needs: the reader, the collection with its grant, and the parsed query.</summary>
    internal sealed record Request(NodePrincipal Principal, CollectionWithAccess? Collection, TaxiiObjectQuery Query, IResult? Error);

    /// <summary>Authorizes and parses: 404 for an invisible collection, 403 without <c>can_read</c> (and, for delete,
    /// <c>can_write</c>: TAXII 2.1 §5.7 needs both), 400 for a bad query.</summary>
    internal static async Task<Request> ReadRequestAsync(HttpContext context, IStore store, string apiRoot, string collectionId,
        TaxiiQueryEndpoint endpoint, CancellationToken cancellationToken, bool requireWrite = false)
    {
        NodePrincipal principal = TokenAuthenticationMiddleware.GetPrincipal(context);
        CollectionWithAccess? found = await TaxiiEndpoints.FindVisibleAsync(context, apiRoot, collectionId, principal, store, cancellationToken)
            .ConfigureAwait(false);
        if (found is null)
        {
            return new Request(principal, null, TaxiiObjectQuery.None, NotFound("Collection"));
        }

        if (!found.Access.CanRead || (requireWrite && !found.Access.CanWrite))
        {
            return new Request(principal, found, TaxiiObjectQuery.None, TaxiiErrors.Result(StatusCodes.Status403Forbidden, "Forbidden",
                requireWrite ? "Deleting objects needs both read and write access to the collection." : "You may not read this collection."));
        }

        if (!TaxiiObjectQuery.TryParse(context.Request.QueryString.Value, endpoint, out TaxiiObjectQuery? query, out TaxiiQueryError? error))
        {
            return new Request(principal, found, TaxiiObjectQuery.None, TaxiiErrors.Result(StatusCodes.Status400BadRequest, "Bad request", error.ToString()));
        }

        return new Request(principal, found, query, null);
    }

    internal static ObjectFilter ToFilter(TaxiiObjectQuery query) => new()
    {
        AddedAfter = query.AddedAfter,
        Ids = query.Ids,
        Types = query.Types,
        Versions = query.Versions is null ? VersionFilter.Last : ToVersions(query.Versions),
        SpecVersions = query.SpecVersions,
    };

    private static VersionFilter ToVersions(TaxiiVersionFilter versions) => new()
    {
        IncludeAll = versions.IncludesAll,
        IncludeFirst = versions.IncludesFirst,
        IncludeLast = versions.IncludesLast,
        Timestamps = versions.Timestamps,
    };

    /// <summary>Reads a body of at most <paramref name="maxBytes"/> bytes; null when it is longer (or declared longer).</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
        {
            return null;
        }

        using var buffer = new MemoryStream((int)Math.Min(request.ContentLength ?? 4096, 1 << 20));
        byte[] chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static TaxiiManifestRecord ToManifestRecord(StoredObject version) =>
        new(version.Id, StixTimestamp.FromDateTimeOffset(version.DateAdded, 6), version.Version.ToString()) { MediaType = version.MediaType };

    private static TaxiiStatus ToTaxii(StatusResource status) =>
        new(status.Id.ToString("D"), status.PendingCount == 0 ? TaxiiRequestStatus.Complete : TaxiiRequestStatus.Pending,
            status.TotalCount, status.SuccessCount, status.FailureCount, status.PendingCount)
        {
            RequestTimestamp = StixTimestamp.FromDateTimeOffset(status.RequestTimestamp, 6),
            Successes = [.. status.Successes.Select(ToTaxii)],
            Failures = [.. status.Failures.Select(ToTaxii)],
            Pendings = [.. status.Pendings.Select(ToTaxii)],
        };

    private static TaxiiStatusDetails ToTaxii(StatusDetail detail) =>
        new(detail.Id, detail.Version.Length == 0 ? null : detail.Version) { Message = detail.Message };

    private static IResult NotFound(string what) => TaxiiErrors.Result(StatusCodes.Status404NotFound, what + " not found");

    private static IResult Taxii(ITaxiiResource resource) => Results.Bytes(resource.Serialize(), TaxiiMediaTypes.Taxii21);

    private static void WriteDateHeaders(HttpResponse response, EgressPage page)
    {
        if (page.Items.Count > 0)
        {
            response.Headers[TaxiiHeaders.DateAddedFirst] = StixTimestamp.FromDateTimeOffset(page.Items[0].DateAdded, 6).ToString();
            response.Headers[TaxiiHeaders.DateAddedLast] = StixTimestamp.FromDateTimeOffset(page.Items[^1].DateAdded, 6).ToString();
        }
    }

    /// <summary>An envelope streamed to the response: the stored bytes of each version, copied as they are.</summary>
    private sealed class EnvelopeResult(EgressPage page, string? next) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            HttpResponse response = httpContext.Response;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = TaxiiMediaTypes.Taxii21;
            WriteDateHeaders(response, page);
            var envelope = new TaxiiEnvelopeWriter(response.BodyWriter);
            foreach (StoredObject version in page.Items)
            {
                envelope.WriteObject(version.Json.Span);
            }

            envelope.Complete(page.More, next);
            await response.BodyWriter.FlushAsync(httpContext.RequestAborted).ConfigureAwait(false);
        }
    }

    /// <summary>202 Accepted with a status resource (TAXII 2.1 §5.5: the answer to every add request).</summary>
    private sealed class AcceptedResult(byte[] body) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            HttpResponse response = httpContext.Response;
            response.StatusCode = StatusCodes.Status202Accepted;
            response.ContentType = TaxiiMediaTypes.Taxii21;
            response.ContentLength = body.Length;
            await response.Body.WriteAsync(body, httpContext.RequestAborted).ConfigureAwait(false);
        }
    }

    /// <summary>A manifest or versions resource with the page's date headers.</summary>
    private sealed class PageResult(EgressPage page, ITaxiiResource resource) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            WriteDateHeaders(httpContext.Response, page);
            return Taxii(resource).ExecuteAsync(httpContext);
        }
    }
}
