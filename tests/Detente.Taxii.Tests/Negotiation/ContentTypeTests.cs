namespace Detente.Taxii.Tests.Negotiation;

/// <summary>Content-Type of a POST body (415 when refused), and of a response the client reads.</summary>
public sealed class ContentTypeTests
{
    public static TheoryData<string?, bool> Cases => new()
    {
        { "application/taxii+json;version=2.1", true },
        { "application/taxii+json", true },
        { "application/taxii+json; version=2.1", true },
        { "application/taxii+json ;version=2.1 ", true },
        { " application/taxii+json;version=2.1", true },
        { "APPLICATION/TAXII+JSON;VERSION=2.1", true },
        { "application/taxii+json;version=\"2.1\"", true },
        { "application/taxii+json;version=2.1;charset=utf-8", true },
        { "application/taxii+json; charset=UTF-8; version=2.1", true },
        { "application/taxii+json;charset=\"utf-8\"", true },
        { "application/taxii+json;;version=2.1;", true },

        { null, false },
        { "", false },
        { "application/json", false },
        { "application/stix+json;version=2.1", false },
        { "application/vnd.oasis.taxii+json;version=2.0", false },
        { "text/plain", false },
        { "application/taxii+json;version=2.0", false },
        { "application/taxii+json;version=2.1.0", false },
        { "application/taxii+json;version=", false },
        { "application/taxii+json;version", false },
        { "application/taxii+json;version=2.1;charset=latin1", false },
        { "application/taxii+json;version=2.1;version=2.1", false },
        { "application/taxii+json;charset=utf-8;charset=utf-8", false },
        { "application/taxii+json;version=2.1;q=1", false },
        { "application/taxii+json;boundary=x", false },
        { "application/taxii+json, application/taxii+json", false },
        { "application/taxii+json;version=2.1, text/html", false },
        { "application/*", false },
        { "*/*", false },
        { "application/taxii+json;version = 2.1", false },
        { "application/taxii+json version=2.1", false },
        { "application/taxii+json;version=\"2.1", false },
        { "application/taxii+jsonx", false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Taxii_2_1_bodies_are_recognized_and_nothing_else(string? contentType, bool accepted)
    {
        Assert.Equal(accepted, TaxiiMediaTypes.IsTaxii21ContentType(contentType));
    }

    [Theory]
    [InlineData("application/taxii+json;version=2.1", true)]
    [InlineData("application/taxii+json; version=\"2.1\"", true)]
    [InlineData("application/taxii+json", false)]
    [InlineData("application/taxii+json;version=2.0", false)]
    [InlineData("application/stix+json;version=2.1", false)]
    public void An_api_root_lists_taxii_2_1_only_with_its_version(string version, bool supported)
    {
        Assert.Equal(supported, new TaxiiApiRoot("t", [version], 1).SupportsTaxii21);
    }
}
