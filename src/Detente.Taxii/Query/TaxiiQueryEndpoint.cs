namespace Detente.Taxii.Query;

/// <summary>The endpoints that take filter parameters; each allows its own set (TAXII 2.1 §5.3–§5.8).</summary>
public enum TaxiiQueryEndpoint
{
    /// <summary><c>GET {api-root}/collections/{id}/objects/</c>: every parameter.</summary>
    Objects,

    /// <summary><c>GET {api-root}/collections/{id}/manifest/</c>: every parameter.</summary>
    Manifest,

    /// <summary><c>GET {api-root}/collections/{id}/objects/{object-id}/</c>: <c>added_after</c>, <c>limit</c>, <c>next</c>, <c>match[version]</c>, <c>match[spec_version]</c>.</summary>
    Object,

    /// <summary><c>DELETE {api-root}/collections/{id}/objects/{object-id}/</c>: <c>match[version]</c>, <c>match[spec_version]</c>.</summary>
    DeleteObject,

    /// <summary><c>GET {api-root}/collections/{id}/objects/{object-id}/versions/</c>: <c>added_after</c>, <c>limit</c>, <c>next</c>, <c>match[spec_version]</c>.</summary>
    Versions,
}

/// <summary>The filter parameters, as flags.</summary>
[Flags]
internal enum QueryParameters
{
    None = 0,
    AddedAfter = 1,
    Limit = 2,
    Next = 4,
    Id = 8,
    Type = 16,
    Version = 32,
    SpecVersion = 64,
    Paging = AddedAfter | Limit | Next,
    All = Paging | Id | Type | Version | SpecVersion,
}

internal static class QueryEndpoints
{
    public static QueryParameters Allowed(TaxiiQueryEndpoint endpoint) =>
        endpoint switch
        {
            TaxiiQueryEndpoint.Objects or TaxiiQueryEndpoint.Manifest => QueryParameters.All,
            TaxiiQueryEndpoint.Object => QueryParameters.Paging | QueryParameters.Version | QueryParameters.SpecVersion,
            TaxiiQueryEndpoint.DeleteObject => QueryParameters.Version | QueryParameters.SpecVersion,
            TaxiiQueryEndpoint.Versions => QueryParameters.Paging | QueryParameters.SpecVersion,
            _ => throw new ArgumentOutOfRangeException(nameof(endpoint)),
        };

    public static string Name(QueryParameters parameter) =>
        parameter switch
        {
            QueryParameters.AddedAfter => "added_after",
            QueryParameters.Limit => "limit",
            QueryParameters.Next => "next",
            QueryParameters.Id => "match[id]",
            QueryParameters.Type => "match[type]",
            QueryParameters.Version => "match[version]",
            QueryParameters.SpecVersion => "match[spec_version]",
            _ => throw new ArgumentOutOfRangeException(nameof(parameter)),
        };
}
