using Detente.Stix.Schema;

namespace Detente.Storage.Tests;

public abstract partial class StoreContractTests
{
    [Fact]
    public async Task Api_roots_are_created_found_and_listed_by_name()
    {
        Assert.Equal(CreateResult.Created, await Store.CreateApiRootAsync(new ApiRoot { Name = "zeta", Title = "Z", Description = "last", MaxContentLength = 1234 }, cancellationToken: Ct));
        Assert.Equal(CreateResult.Created, await Store.CreateApiRootAsync(new ApiRoot { Name = "alpha", Title = "A" }, cancellationToken: Ct));
        Assert.Equal(CreateResult.AlreadyExists, await Store.CreateApiRootAsync(new ApiRoot { Name = "zeta", Title = "other" }, cancellationToken: Ct));

        ApiRoot zeta = (await Store.GetApiRootAsync("zeta", cancellationToken: Ct))!;
        Assert.Equal(new ApiRoot { Name = "zeta", Title = "Z", Description = "last", MaxContentLength = 1234 }, zeta);
        Assert.Equal(10L << 20, (await Store.GetApiRootAsync("alpha", cancellationToken: Ct))!.MaxContentLength);
        Assert.Null(await Store.GetApiRootAsync("missing", cancellationToken: Ct));
        Assert.Equal(["alpha", "zeta"], (await Store.ListApiRootsAsync(cancellationToken: Ct)).Select(r => r.Name));
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("slash/")]
    [InlineData("..")]
    public async Task An_api_root_name_must_be_a_url_safe_segment(string name)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Store.CreateApiRootAsync(new ApiRoot { Name = name, Title = "t" }, cancellationToken: Ct));
        Assert.Empty(await Store.ListApiRootsAsync(cancellationToken: Ct));
    }

    [Fact]
    public async Task A_collection_has_the_documented_defaults_and_no_grants()
    {
        Guid id = await NewCollectionAsync();

        Collection collection = (await Store.GetCollectionAsync(id, cancellationToken: Ct))!;
        Assert.Equal(Root, collection.ApiRoot);
        Assert.Equal([Collection.Stix21MediaType], collection.MediaTypes);
        Assert.Equal(TlpMarkings.Tlp2Amber, collection.DefaultMarkingId);
        Assert.Null(collection.Alias);
        Assert.Empty(await Store.ListGrantsAsync(id, cancellationToken: Ct));
        Assert.Equal(CollectionAccess.None, await Store.GetAccessAsync(id, "alice", cancellationToken: Ct));
        Assert.Empty(await Store.ListCollectionsForAsync(Root, "alice", cancellationToken: Ct));
    }

    [Fact]
    public async Task A_collection_keeps_every_property_it_was_created_with()
    {
        await Store.CreateApiRootAsync(new ApiRoot { Name = Root, Title = "t" }, cancellationToken: Ct);
        var created = new Collection
        {
            Id = Guid.NewGuid(), ApiRoot = Root, Title = "Indicators", Description = "Shared with the working group",
            Alias = "indicators", MediaTypes = ["application/stix+json;version=2.1", "application/stix+json;version=2.0"],
            DefaultMarkingId = TlpMarkings.Tlp2Green,
        };
        Assert.Equal(CreateResult.Created, await Store.CreateCollectionAsync(created, cancellationToken: Ct));

        Collection found = (await Store.GetCollectionAsync(created.Id, cancellationToken: Ct))!;
        Assert.Equal(created with { MediaTypes = found.MediaTypes }, found);
        Assert.Equal(created.MediaTypes, found.MediaTypes);
        Assert.Equal(created.Id, (await Store.GetCollectionByAliasAsync(Root, "indicators", cancellationToken: Ct))!.Id);
        Assert.Null(await Store.GetCollectionByAliasAsync("other", "indicators", cancellationToken: Ct));
    }

    [Fact]
    public async Task Creating_a_collection_reports_why_it_was_not_created()
    {
        Guid first = await NewCollectionAsync(alias: "a");
        await Store.CreateApiRootAsync(new ApiRoot { Name = "api2", Title = "t" }, cancellationToken: Ct);

        Assert.Equal(CreateResult.AlreadyExists, await Store.CreateCollectionAsync(new Collection { Id = first, ApiRoot = Root, Title = "again" }, cancellationToken: Ct));
        Assert.Equal(CreateResult.AliasTaken, await Store.CreateCollectionAsync(new Collection { Id = Guid.NewGuid(), ApiRoot = Root, Title = "t", Alias = "a" }, cancellationToken: Ct));
        Assert.Equal(CreateResult.ApiRootNotFound, await Store.CreateCollectionAsync(new Collection { Id = Guid.NewGuid(), ApiRoot = "nowhere", Title = "t" }, cancellationToken: Ct));
        // An alias is unique within its API root only.
        Assert.Equal(CreateResult.Created, await Store.CreateCollectionAsync(new Collection { Id = Guid.NewGuid(), ApiRoot = "api2", Title = "t", Alias = "a" }, cancellationToken: Ct));
        Assert.Single(await Store.ListCollectionsAsync(Root, cancellationToken: Ct));
    }

    [Fact]
    public async Task Bad_collection_definitions_are_refused_and_change_nothing()
    {
        await Store.CreateApiRootAsync(new ApiRoot { Name = Root, Title = "t" }, cancellationToken: Ct);
        Guid version7 = Guid.CreateVersion7();
        await Assert.ThrowsAsync<ArgumentException>(() => Store.CreateCollectionAsync(new Collection { Id = version7, ApiRoot = Root, Title = "t" }, cancellationToken: Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.CreateCollectionAsync(new Collection { Id = Guid.NewGuid(), ApiRoot = Root, Title = "" }, cancellationToken: Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.CreateCollectionAsync(new Collection { Id = Guid.NewGuid(), ApiRoot = Root, Title = "t", Alias = "" }, cancellationToken: Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.CreateCollectionAsync(new Collection { Id = Guid.NewGuid(), ApiRoot = Root, Title = "t", MediaTypes = [] }, cancellationToken: Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.CreateCollectionAsync(new Collection { Id = Guid.NewGuid(), ApiRoot = Root, Title = "t", DefaultMarkingId = "indicator--5e57c739-391a-4eb3-b6be-7d15ca92d5ed" }, cancellationToken: Ct));
        Assert.Empty(await Store.ListCollectionsAsync(Root, cancellationToken: Ct));
    }

    [Fact]
    public async Task Collections_are_listed_by_title_and_for_a_principal_with_its_access()
    {
        await Store.CreateApiRootAsync(new ApiRoot { Name = Root, Title = "t" }, cancellationToken: Ct);
        Guid b = Guid.NewGuid(), a = Guid.NewGuid(), c = Guid.NewGuid();
        await Store.CreateCollectionAsync(new Collection { Id = b, ApiRoot = Root, Title = "Beta" }, cancellationToken: Ct);
        await Store.CreateCollectionAsync(new Collection { Id = a, ApiRoot = Root, Title = "Alpha" }, cancellationToken: Ct);
        await Store.CreateCollectionAsync(new Collection { Id = c, ApiRoot = Root, Title = "Gamma" }, cancellationToken: Ct);
        await Store.GrantAsync(b, "alice", CollectionAccess.Read, cancellationToken: Ct);
        await Store.GrantAsync(a, "alice", CollectionAccess.Write, cancellationToken: Ct);
        await Store.GrantAsync(c, "bob", CollectionAccess.ReadWrite, cancellationToken: Ct);

        Assert.Equal([a, b, c], (await Store.ListCollectionsAsync(Root, cancellationToken: Ct)).Select(x => x.Id));
        Assert.Empty(await Store.ListCollectionsAsync("other", cancellationToken: Ct));
        IReadOnlyList<CollectionWithAccess> alices = await Store.ListCollectionsForAsync(Root, "alice", cancellationToken: Ct);
        Assert.Equal([a, b], alices.Select(x => x.Collection.Id));
        Assert.Equal([CollectionAccess.Write, CollectionAccess.Read], alices.Select(x => x.Access));
    }

    [Fact]
    public async Task Grants_are_set_changed_listed_and_revoked()
    {
        Guid id = await NewCollectionAsync();

        Assert.True(await Store.GrantAsync(id, "bob", CollectionAccess.Read, cancellationToken: Ct));
        Assert.True(await Store.GrantAsync(id, "alice", CollectionAccess.Read, cancellationToken: Ct));
        Assert.True(await Store.GrantAsync(id, "alice", CollectionAccess.ReadWrite, cancellationToken: Ct));
        Assert.Equal(CollectionAccess.ReadWrite, await Store.GetAccessAsync(id, "alice", cancellationToken: Ct));
        Assert.Equal(
            [new CollectionGrant("alice", CollectionAccess.ReadWrite), new CollectionGrant("bob", CollectionAccess.Read)],
            await Store.ListGrantsAsync(id, cancellationToken: Ct));

        Assert.True(await Store.RevokeAsync(id, "alice", cancellationToken: Ct));
        Assert.False(await Store.RevokeAsync(id, "alice", cancellationToken: Ct));
        Assert.True(await Store.GrantAsync(id, "bob", CollectionAccess.None, cancellationToken: Ct));
        Assert.Equal(CollectionAccess.None, await Store.GetAccessAsync(id, "alice", cancellationToken: Ct));
        Assert.Empty(await Store.ListGrantsAsync(id, cancellationToken: Ct));
    }

    [Fact]
    public async Task Grants_on_an_unknown_collection_change_nothing()
    {
        var unknown = Guid.NewGuid();
        Assert.False(await Store.GrantAsync(unknown, "alice", CollectionAccess.Read, cancellationToken: Ct));
        Assert.False(await Store.RevokeAsync(unknown, "alice", cancellationToken: Ct));
        Assert.Equal(CollectionAccess.None, await Store.GetAccessAsync(unknown, "alice", cancellationToken: Ct));
        Assert.Null(await Store.GetCollectionAsync(unknown, cancellationToken: Ct));
    }
}
