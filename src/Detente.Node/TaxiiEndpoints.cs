using Detente.Storage;
using Detente.Taxii;

namespace Detente.Node;

/// <summary>The TAXII 2.1 endpoints (§4, §5) under <c>/taxii2/</c>.</summary>
internal static class TaxiiEndpoints
{
    /// <summary>The longest alias looked up (the store keeps names of at most 256 characters).</summary>
    private const int MaxAliasLength = 256;

    public static void Map(IEndpointRouteBuilder app)
    {
        RouteGroupBuilder taxii = app.MapGroup("/taxii2").AddEndpointFilter(static async (context, next) =>
        {
            HttpContext http = context.HttpContext;
            if (!TaxiiMediaTypes.AcceptsTaxii21(http.Request.Headers.Accept.ToString()))
            {
                return TaxiiErrors.Result(StatusCodes.Status406NotAcceptable, "Not acceptable",
                    "This server answers in " + TaxiiMediaTypes.Taxii21 + ".");
            }

            return await next(context).ConfigureAwait(false);
        });

        taxii.MapGet("/", GetDiscoveryAsync);
        taxii.MapGet("/{apiRoot}/", GetApiRootAsync);
        taxii.MapGet("/{apiRoot}/collections/", GetCollectionsAsync);
        taxii.MapGet("/{apiRoot}/collections/{collectionId}/", GetCollectionAsync);
        ObjectEndpoints.Map(taxii);
    }

    private static async Task<IResult> GetDiscoveryAsync(NodeOptions options, NodePublicUrl publicUrl, IStore store, CancellationToken cancellationToken)
    {
        IReadOnlyList<ApiRoot> roots = await store.ListApiRootsAsync(cancellationToken).ConfigureAwait(false);
        var discovery = new TaxiiDiscovery(options.Title)
        {
            Description = options.Description,
            Contact = options.Contact,
            Default = roots.Any(r => r.Name == options.DefaultApiRoot) ? publicUrl.ApiRootUrl(options.DefaultApiRoot).AbsoluteUri : null,
            ApiRoots = [.. roots.Select(r => publicUrl.ApiRootUrl(r.Name).AbsoluteUri)],
        };
        return Taxii(discovery);
    }

    private static async Task<IResult> GetApiRootAsync(string apiRoot, IStore store, CancellationToken cancellationToken)
    {
        ApiRoot? root = await store.GetApiRootAsync(apiRoot, cancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return NotFound("API root");
        }

        return Taxii(new TaxiiApiRoot(root.Title, [TaxiiMediaTypes.Taxii21], root.MaxContentLength) { Description = root.Description });
    }

    private static async Task<IResult> GetCollectionsAsync(string apiRoot, HttpContext context, IStore store, CancellationToken cancellationToken)
    {
        if (await store.GetApiRootAsync(apiRoot, cancellationToken).ConfigureAwait(false) is null)
        {
            return NotFound("API root");
        }

        NodePrincipal principal = TokenAuthenticationMiddleware.GetPrincipal(context);
        IReadOnlyList<CollectionWithAccess> visible = principal.IsAdmin
            ? [.. (await store.ListCollectionsAsync(apiRoot, cancellationToken).ConfigureAwait(false)).Select(c => new CollectionWithAccess(c, CollectionAccess.ReadWrite))]
            : await store.ListCollectionsForAsync(apiRoot, principal.Name, cancellationToken).ConfigureAwait(false);
        return Taxii(new TaxiiCollections(visible.Where(c => !c.Access.IsNone).Select(ToTaxii)));
    }

    private static async Task<IResult> GetCollectionAsync(string apiRoot, string collectionId, HttpContext context, IStore store,
        CancellationToken cancellationToken)
    {
        CollectionWithAccess? found = await FindVisibleAsync(context, apiRoot, collectionId, TokenAuthenticationMiddleware.GetPrincipal(context), store, cancellationToken)
            .ConfigureAwait(false);
        return found is null ? NotFound("Collection") : Taxii(ToTaxii(found));
    }

    /// <summary>
    /// The collection <paramref name="collectionIdOrAlias"/> of <paramref name="apiRoot"/> if the principal may see it
    /// (holds any grant, or is an administrator); null for an unknown collection and an invisible one alike.
    /// </summary>
    /// <remarks>
    /// The URL names a collection by its id (a version-4 UUID) or by its <c>alias</c>, which TAXII 2.1 §5.2.1 defines
    /// as "a human readable collection name that can be used on systems to alias a collection ID", unique within an
    /// API root (example: <c>/{api-root}/collections/critical-high-value-indicators/</c>). A value that is a version-4
    /// UUID is always taken as an id. The collection found is recorded for the access log.
    /// </remarks>
    internal static async Task<CollectionWithAccess?> FindVisibleAsync(HttpContext context, string apiRoot, string collectionIdOrAlias,
        NodePrincipal principal, IStore store, CancellationToken cancellationToken)
    {
        Collection? collection;
        if (Guid.TryParseExact(collectionIdOrAlias, "D", out Guid id) && id.Version == 4)
        {
            collection = await store.GetCollectionAsync(id, cancellationToken).ConfigureAwait(false);
        }
        else if (collectionIdOrAlias.Length is > 0 and <= MaxAliasLength && !collectionIdOrAlias.Any(char.IsControl))
        {
            collection = await store.GetCollectionByAliasAsync(apiRoot, collectionIdOrAlias, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            return null;
        }

        if (collection is null || !string.Equals(collection.ApiRoot, apiRoot, StringComparison.Ordinal))
        {
            return null;
        }

        CollectionAccess access = principal.IsAdmin
            ? CollectionAccess.ReadWrite
            : await store.GetAccessAsync(collection.Id, principal.Name, cancellationToken).ConfigureAwait(false);
        if (access.IsNone)
        {
            return null;
        }

        AccessLogMiddleware.SetCollection(context, collection.Id);
        return new CollectionWithAccess(collection, access);
    }

    private static TaxiiCollection ToTaxii(CollectionWithAccess c) =>
        new(c.Collection.Id.ToString("D"), c.Collection.Title, c.Access.CanRead, c.Access.CanWrite)
        {
            Description = c.Collection.Description,
            Alias = c.Collection.Alias,
            MediaTypes = c.Collection.MediaTypes,
        };

    private static IResult NotFound(string what) => TaxiiErrors.Result(StatusCodes.Status404NotFound, what + " not found");

    private static IResult Taxii(ITaxiiResource resource) => Results.Bytes(resource.Serialize(), TaxiiMediaTypes.Taxii21);
}
