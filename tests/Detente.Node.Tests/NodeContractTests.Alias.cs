using System.Net;
using Detente.Storage;
using Detente.Taxii;
using Detente.Taxii.Client;

namespace Detente.Node.Tests;

public abstract partial class NodeContractTests
{
    [Fact]
    public async Task A_collection_is_addressed_by_its_alias_as_by_its_id()
    {
        TaxiiClient admin = Client(_adminToken);
        TaxiiCollection byAlias = await admin.GetCollectionAsync(DefaultRoot, "default", Ct);
        Assert.Equal(CollectionId, byAlias.Id);

        string id = NewIndicatorId();
        TaxiiStatus posted = await admin.AddObjectsAsync(DefaultRoot, "default", ReadEnvelope(Envelope(Indicator(id, 1))), Ct);
        Assert.Equal(1, posted.SuccessCount);
        Assert.Equal([id], Ids((await admin.GetObjectsAsync(DefaultRoot, "default", cancellationToken: Ct)).Resource));
        Assert.Equal([id], Ids((await admin.GetObjectsAsync(DefaultRoot, CollectionId, cancellationToken: Ct)).Resource));
        Assert.Single((await admin.GetManifestAsync(DefaultRoot, "default", cancellationToken: Ct)).Resource.Objects);
        Assert.Single((await admin.GetVersionsAsync(DefaultRoot, "default", id, cancellationToken: Ct)).Resource.Versions);

        // The access log names the collection by its id, whatever the URL said.
        await _log.WaitForAsync(e => e.EventId == 8040 && e.Message.Contains("GET /taxii2/{apiRoot}/collections/{collectionId}/manifest/", StringComparison.Ordinal));
        Assert.Contains(_log.Entries, e => e.EventId == 8040 && e.Message.Contains($"collection={CollectionId} ", StringComparison.Ordinal)
            && e.Message.Contains("/manifest/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_alias_hides_a_collection_as_an_id_does()
    {
        string stranger = await CreateTokenAsync("stranger", TokenRole.Partner);
        await AssertTaxiiErrorAsync(await SendAsync(HttpMethod.Get, "/taxii2/default/collections/default/", stranger), HttpStatusCode.NotFound);
        await AssertTaxiiErrorAsync(await SendAsync(HttpMethod.Get, "/taxii2/default/collections/default/objects/", stranger), HttpStatusCode.NotFound);
        await AssertTaxiiErrorAsync(await SendAsync(HttpMethod.Get, "/taxii2/default/collections/no-such-alias/", _adminToken), HttpStatusCode.NotFound);
        await AssertTaxiiErrorAsync(await SendAsync(HttpMethod.Get, "/taxii2/default/collections/de%0Afault/", _adminToken), HttpStatusCode.NotFound);

        // Read access by alias is read access, nothing more.
        Assert.True(await _store.GrantAsync(_collectionId, "stranger", CollectionAccess.Read, Ct));
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, "/taxii2/default/collections/default/objects/", stranger)).StatusCode);
        await AssertTaxiiErrorAsync(await SendAsync(HttpMethod.Post, "/taxii2/default/collections/default/objects/", stranger,
            body: Envelope(Indicator(NewIndicatorId(), 1))), HttpStatusCode.Forbidden);
    }
}
