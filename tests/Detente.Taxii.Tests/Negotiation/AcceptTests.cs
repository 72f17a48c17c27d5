namespace Detente.Taxii.Tests.Negotiation;

/// <summary>Accept headers (RFC 9110 §12.5.1) against <c>application/taxii+json;version=2.1</c>.</summary>
public sealed class AcceptTests
{
    /// <summary>(Accept header, quality in thousandths). Quality 0 means 406.</summary>
    public static TheoryData<string?, int> Cases => new()
    {
        // Absent, empty, or only empty elements: anything goes.
        { null, 1000 },
        { "", 1000 },
        { "   ", 1000 },
        { " , ,, ", 1000 },

        // The TAXII type, as the spec and stock clients write it.
        { "application/taxii+json;version=2.1", 1000 },
        { "application/taxii+json", 1000 },
        { "application/taxii+json; version=2.1", 1000 },
        { "application/taxii+json ; version=2.1 ", 1000 },
        { "application/taxii+json;\tversion=2.1", 1000 },
        { "APPLICATION/TAXII+JSON;VERSION=2.1", 1000 },
        { "Application/Taxii+Json;Version=2.1", 1000 },
        { "application/taxii+json;version=\"2.1\"", 1000 },
        { "application/taxii+json;version=\"2\\.1\"", 1000 },
        { "application/taxii+json;version=2.1;charset=utf-8", 1000 },
        { "application/taxii+json;charset=\"UTF-8\";version=2.1", 1000 },
        { "application/taxii+json;;version=2.1;", 1000 },
        { "application/taxii+json;version=2.1,application/stix+json;version=2.1", 1000 },
        { "application/taxii+json;version=2.1, application/stix+json;version=2.1", 1000 },

        // Other versions, other types.
        { "application/taxii+json;version=2.0", 0 },
        { "application/taxii+json;version=2.10", 0 },
        { "application/taxii+json;version=\"2.1 \"", 0 },
        { "application/taxii+json;version=3.0", 0 },
        { "application/vnd.oasis.taxii+json;version=2.0", 0 },
        { "application/stix+json;version=2.1", 0 },
        { "application/json", 0 },
        { "text/html, application/xhtml+xml", 0 },
        { "application/taxii+json;version=2.1;charset=iso-8859-1", 0 },
        { "application/taxii+json;version=2.1;profile=x", 0 },
        { "application/taxii+json;foo=bar", 0 },

        // Wildcards.
        { "*/*", 1000 },
        { "application/*", 1000 },
        { "application/*;q=0.3", 300 },
        { "*/*;q=0.1", 100 },
        { "text/*", 0 },
        { "*/json", 0 },
        { "*/*;version=2.1", 1000 },

        // Quality values.
        { "application/taxii+json;version=2.1;q=0.5", 500 },
        { "application/taxii+json;version=2.1;Q=0.5", 500 },
        { "application/taxii+json;version=2.1 ; q=0.123", 123 },
        { "application/taxii+json;version=2.1;q=1", 1000 },
        { "application/taxii+json;version=2.1;q=1.000", 1000 },
        { "application/taxii+json;version=2.1;q=0", 0 },
        { "application/taxii+json;version=2.1;q=0.000", 0 },
        { "application/taxii+json;version=2.1;q=0.", 0 },
        { "application/taxii+json;q=0.7;version=2.0", 700 }, // after q: an accept extension, ignored

        // Malformed elements say nothing (and the rest of the header still counts).
        { "application/taxii+json;version=2.1;q=2", 0 },
        { "application/taxii+json;version=2.1;q=1.5", 0 },
        { "application/taxii+json;version=2.1;q=1.0001", 0 },
        { "application/taxii+json;version=2.1;q=0.1234", 0 },
        { "application/taxii+json;version=2.1;q=-1", 0 },
        { "application/taxii+json;version=2.1;q=.5", 0 },
        { "application/taxii+json;version=2.1;q=abc", 0 },
        { "application/taxii+json;version=2.1;q=\"0.5\"", 0 },
        { "application/taxii+json;version=2.1;q=", 0 },
        { "application/taxii+json;version=2.1;q", 0 },
        { "application/taxii+json;version = 2.1", 0 },
        { "application/taxii+json;version=2.1;version=2.1", 0 },
        { "application / taxii+json", 0 },
        { "application/", 0 },
        { "/taxii+json", 0 },
        { "application/taxii+json;version=\"2.1", 0 },
        { "application/taxii+json;version=2.1;q=0.5garbage", 0 },
        { "application/taxii+json;version=2.1 garbage", 0 },
        { "application/taxii+json;versión=2.1", 0 },
        { "garbage, application/taxii+json;version=2.1", 1000 },
        { "application/taxii+json;version=2.1;q=9, */*;q=0.2", 200 },
        { "application/x;p=\"a,b\", application/taxii+json;version=2.1;q=0.4", 400 },
        { "application/x;p=\"a,\\\"b\", application/taxii+json;version=2.1;q=0.4", 400 },
        { "application/x;p=\"unterminated, application/taxii+json;version=2.1", 0 },

        // The most specific matching range decides.
        { "application/taxii+json;version=2.1;q=0, */*", 0 },
        { "*/*, application/taxii+json;version=2.1;q=0", 0 },
        { "application/taxii+json;q=0, application/taxii+json;version=2.1", 1000 },
        { "application/taxii+json;version=2.1, application/taxii+json;q=0", 1000 },
        { "application/taxii+json;q=0, */*", 0 },
        { "application/*;q=0, application/taxii+json;version=2.1;q=0.2", 200 },
        { "application/taxii+json;version=2.0, */*;q=0.6", 600 },
        { "application/taxii+json;version=2.1;q=0.4, application/taxii+json;version=2.1;charset=utf-8;q=0.9", 900 },
        { "application/*;q=0.8, */*;q=0.1, text/html", 800 },
        { "application/taxii+json;q=0.3, application/taxii+json;q=0.6", 600 },
        { "application/taxii+json;version=2.0;q=1, application/taxii+json;q=0.5", 500 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_quality_of_taxii_2_1_follows_rfc_9110(string? accept, int quality)
    {
        Assert.Equal(quality, TaxiiMediaTypes.Taxii21Quality(accept));
        Assert.Equal(quality > 0, TaxiiMediaTypes.AcceptsTaxii21(accept));
    }

    [Theory]
    [InlineData("application/stix+json;version=2.1", 1000)]
    [InlineData("application/stix+json", 1000)]
    [InlineData("application/taxii+json;version=2.1", 0)]
    [InlineData("application/stix+json;version=2.0", 0)]
    [InlineData("application/taxii+json;version=2.1,application/stix+json;version=2.1;q=0.5", 500)]
    public void The_same_rules_hold_for_stix_2_1(string accept, int quality)
    {
        Assert.Equal(quality, TaxiiMediaTypes.Stix21Quality(accept));
    }

    [Fact]
    public void What_the_stock_python_client_and_the_spec_send_is_acceptable()
    {
        // taxii2-client (OASIS) sends exactly this; the spec's manifest example lists two types.
        Assert.True(TaxiiMediaTypes.AcceptsTaxii21("application/taxii+json;version=2.1"));
        Assert.True(TaxiiMediaTypes.AcceptsTaxii21("application/taxii+json;version=2.1,application/stix+json;version=2.1"));
    }
}
