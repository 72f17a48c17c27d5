using Detente.Stix;

namespace Detente.Taxii.Client;

/// <summary>One page of a paged endpoint: the resource and the <c>date_added</c> range from the response headers.</summary>
/// <typeparam name="TResource"><see cref="TaxiiEnvelope"/>, <see cref="TaxiiManifest"/> or <see cref="TaxiiVersions"/>.</typeparam>
public sealed class TaxiiPage<TResource>
    where TResource : ITaxiiResource
{
    internal TaxiiPage(TResource resource, StixTimestamp? dateAddedFirst, StixTimestamp? dateAddedLast)
    {
        Resource = resource;
        DateAddedFirst = dateAddedFirst;
        DateAddedLast = dateAddedLast;
    }

    /// <summary>The resource in the body.</summary>
    public TResource Resource { get; }

    /// <summary><c>X-TAXII-Date-Added-First</c>: when the page's first object was added; null when the header is absent.</summary>
    public StixTimestamp? DateAddedFirst { get; }

    /// <summary><c>X-TAXII-Date-Added-Last</c>: when the page's last object was added; null when the header is absent.</summary>
    public StixTimestamp? DateAddedLast { get; }
}
