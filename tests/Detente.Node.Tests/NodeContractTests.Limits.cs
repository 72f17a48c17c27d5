using System.Net;
using Detente.Taxii;
using Detente.Taxii.Client;
using Detente.Taxii.Query;

namespace Detente.Node.Tests;

public abstract partial class NodeContractTests
{
    [Fact]
    public async Task An_envelope_over_the_object_limit_is_a_413_taxii_error_is_logged_and_stores_nothing()
    {
        string[] ids = [.. Enumerable.Range(0, Limits.MaxObjectsPerEnvelope + 1).Select(_ => NewIndicatorId())];
        using HttpResponseMessage response = await SendAsync(HttpMethod.Post, ObjectsPath, _adminToken, body: Envelope(ids.Select(id => Indicator(id, 1))));
        await AssertTaxiiErrorAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains(_log.Entries, e => e.EventId == 8046 && e.Message.Contains("BundleObjects", StringComparison.Ordinal));
        Assert.Empty((await Client(_adminToken).GetObjectsAsync(DefaultRoot, CollectionId, cancellationToken: Ct)).Resource.Objects);

        // At the limit, every object is taken.
        TaxiiStatus status = await PostAsync(ids.Skip(1).Select(id => Indicator(id, 1)));
        Assert.Equal(Limits.MaxObjectsPerEnvelope, status.TotalCount);
    }

    [Fact]
    public async Task An_envelope_nested_deeper_than_the_limit_is_a_400_taxii_error_is_logged_and_stores_nothing()
    {
        // The envelope is depth 1, its objects array 2, an object 3: the extension nests on to depth limit + 1.
        int extra = Limits.MaxJsonDepth - 3 + 1;
        string nested = string.Concat(Enumerable.Repeat("{\"x\":", extra)) + "1" + new string('}', extra);
        string deep = Indicator(NewIndicatorId(), 1).TrimEnd().TrimEnd('}') + ", \"x_deep\": " + nested + "}";
        using HttpResponseMessage response = await SendAsync(HttpMethod.Post, ObjectsPath, _adminToken, body: Envelope(deep, Indicator(NewIndicatorId(), 1)));
        await AssertTaxiiErrorAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains(_log.Entries, e => e.EventId == 8046 && e.Message.Contains("Depth", StringComparison.Ordinal));
        Assert.Empty((await Client(_adminToken).GetObjectsAsync(DefaultRoot, CollectionId, cancellationToken: Ct)).Resource.Objects);

        // One level less is read (and then judged by the validator, object by object).
        string shallower = string.Concat(Enumerable.Repeat("{\"x\":", extra - 1)) + "1" + new string('}', extra - 1);
        string fits = Indicator(NewIndicatorId(), 1).TrimEnd().TrimEnd('}') + ", \"x_deep\": " + shallower + "}";
        using HttpResponseMessage accepted = await SendAsync(HttpMethod.Post, ObjectsPath, _adminToken, body: Envelope(fits));
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
    }

    [Fact]
    public async Task A_limit_over_the_maximum_gets_a_page_of_the_maximum_and_a_next()
    {
        List<string> ids = await PostIndicatorsAsync(Limits.MaxPageLimit + 5);
        TaxiiClient client = Client(_adminToken);
        TaxiiPage<TaxiiEnvelope> page = await client.GetObjectsAsync(DefaultRoot, CollectionId, new TaxiiObjectQuery { Limit = 100_000 }, Ct);
        Assert.Equal(ids.Take(Limits.MaxPageLimit), Ids(page.Resource));
        Assert.True(page.Resource.More);
        TaxiiPage<TaxiiEnvelope> rest = await client.GetObjectsAsync(DefaultRoot, CollectionId,
            new TaxiiObjectQuery { Limit = 100_000, Next = page.Resource.Next }, Ct);
        Assert.Equal(ids.Skip(Limits.MaxPageLimit), Ids(rest.Resource));
        Assert.False(rest.Resource.More);

        TaxiiPage<TaxiiManifest> manifest = await client.GetManifestAsync(DefaultRoot, CollectionId, new TaxiiObjectQuery { Limit = 100_000 }, Ct);
        Assert.Equal(Limits.MaxPageLimit, manifest.Resource.Objects.Count);
        Assert.Equal(Limits.DefaultPageLimit, (await client.GetObjectsAsync(DefaultRoot, CollectionId, cancellationToken: Ct)).Resource.Objects.Count);
    }
}
