using Detente.Storage;

namespace Detente.Node;

/// <summary>What a first start created: the admin token's text (shown once) and the default collection.</summary>
/// <param name="AdminToken">The admin token, to print once; null when the store was already set up.</param>
/// <param name="DefaultCollectionId">The default collection's id; null when the store was already set up.</param>
public sealed record BootstrapResult(string? AdminToken, Guid? DefaultCollectionId)
{
    /// <summary>Whether this start set the store up.</summary>
    public bool IsFirstStart => AdminToken is not null;
}

/// <summary>First start: a store without API roots gets the default API root, one collection and an admin token.</summary>
public static class NodeBootstrap
{
    /// <summary>The default API root's name (served at <c>/taxii2/default/</c>).</summary>
    public const string DefaultApiRootName = "default";

    /// <summary>The principal of the first admin token.</summary>
    public const string AdminPrincipal = "admin";

    /// <summary>Sets up an empty store; does nothing (and reveals no secret) when it already has an API root.</summary>
    public static async Task<BootstrapResult> EnsureAsync(IStore store, TimeProvider timeProvider, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(timeProvider);
        if ((await store.ListApiRootsAsync(cancellationToken).ConfigureAwait(false)).Count > 0)
        {
            return new BootstrapResult(null, null);
        }

        await store.CreateApiRootAsync(new ApiRoot { Name = DefaultApiRootName, Title = "Default API root" }, cancellationToken).ConfigureAwait(false);
        var collection = new Collection
        {
            Id = Guid.NewGuid(),
            ApiRoot = DefaultApiRootName,
            Title = "Default collection",
            Alias = "default",
        };
        await store.CreateCollectionAsync(collection, cancellationToken).ConfigureAwait(false);
        (ApiToken token, string secret) = NodeTokens.Create(AdminPrincipal, TokenRole.Admin, timeProvider.GetUtcNow(), null);
        await store.AddTokenAsync(token, cancellationToken).ConfigureAwait(false);
        await store.GrantAsync(collection.Id, AdminPrincipal, CollectionAccess.ReadWrite, cancellationToken).ConfigureAwait(false);
        return new BootstrapResult(secret, collection.Id);
    }
}
