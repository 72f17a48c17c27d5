using Detente.Taxii.Http;

namespace Detente.Taxii;

/// <summary>The TAXII and STIX media types, and content negotiation for them.</summary>
/// <remarks>
/// TAXII 2.1 §1.6.8: requests and responses use <c>application/taxii+json</c> with an optional <c>version</c>
/// parameter; without it the type means "the latest version the server supports", which for this library is 2.1.
/// HTTP rules: RFC 9110 §8.3 (Content-Type), §12.5.1 (Accept). Every method here is a pure function that never
/// throws, whatever the header holds.
/// </remarks>
public static class TaxiiMediaTypes
{
    /// <summary><c>application/taxii+json;version=2.1</c>: every TAXII 2.1 request and response body.</summary>
    public const string Taxii21 = "application/taxii+json;version=2.1";

    /// <summary><c>application/taxii+json</c>: TAXII, the latest version the server supports.</summary>
    public const string Taxii = "application/taxii+json";

    /// <summary><c>application/stix+json;version=2.1</c>: the media type of STIX 2.1 objects in a collection.</summary>
    public const string Stix21 = "application/stix+json;version=2.1";

    /// <summary><c>application/stix+json</c>: STIX, any version.</summary>
    public const string Stix = "application/stix+json";

    /// <summary>The version parameter value of this TAXII version.</summary>
    public const string Version21 = "2.1";

    private static readonly Representation s_taxii21 = new("application", "taxii+json", Version21);
    private static readonly Representation s_stix21 = new("application", "stix+json", Version21);

    /// <summary>
    /// True when a response of type <see cref="Taxii21"/> is acceptable to a request with this Accept header;
    /// false means the answer is 406 (Not Acceptable).
    /// </summary>
    /// <param name="accept">The Accept header; several field lines joined with commas; null when absent.</param>
    /// <remarks>See <see cref="Taxii21Quality"/> for the rules.</remarks>
    public static bool AcceptsTaxii21(string? accept) => Taxii21Quality(accept) > 0;

    /// <summary>The quality, in thousandths (0–1000), that an Accept header gives to <see cref="Taxii21"/>.</summary>
    /// <param name="accept">The Accept header; several field lines joined with commas; null when absent.</param>
    /// <remarks>
    /// <list type="bullet">
    /// <item>No Accept header, or one with no element at all: 1000 (RFC 9110 §12.5.1: any type is acceptable).</item>
    /// <item>The most specific matching range decides (<c>*/*</c> &lt; <c>application/*</c> &lt;
    /// <c>application/taxii+json</c> &lt; the same with parameters); <c>q=0</c> means not acceptable.</item>
    /// <item><c>application/taxii+json</c> without a version matches (the latest version, TAXII 2.1 §1.6.8.2); any
    /// other version does not; <c>charset=utf-8</c> may appear; any other parameter makes the range describe
    /// something else.</item>
    /// <item>Type, subtype and parameter names ignore case; values may be quoted; whitespace around <c>;</c> and
    /// <c>,</c> is allowed; a malformed element (bad q such as <c>q=2</c> or <c>q=0.5000</c>, a bad token, an
    /// unterminated quote) is ignored.</item>
    /// </list>
    /// </remarks>
    public static int Taxii21Quality(string? accept) =>
        accept is null || accept == Taxii21 // what TAXII clients send, answered without parsing. Bench: Taxii/TaxiiBenchmarks.AcceptTypical
            ? MediaTypeSyntax.FullQuality
            : MediaTypeSyntax.Quality(accept, s_taxii21);

    /// <summary>The quality, in thousandths (0–1000), that an Accept header gives to <see cref="Stix21"/>.</summary>
    /// <param name="accept">The Accept header; null when absent.</param>
    /// <remarks>The rules of <see cref="Taxii21Quality"/>, for <c>application/stix+json;version=2.1</c>.</remarks>
    public static int Stix21Quality(string? accept) =>
        accept is null ? MediaTypeSyntax.FullQuality : MediaTypeSyntax.Quality(accept, s_stix21);

    /// <summary>
    /// True when a request or response body with this Content-Type is TAXII 2.1; false means the answer to a
    /// request is 415 (Unsupported Media Type).
    /// </summary>
    /// <param name="contentType">The Content-Type header; null when absent (then false).</param>
    /// <remarks>
    /// Accepted: <c>application/taxii+json</c> with <c>version=2.1</c> or no version (the latest), and at most a
    /// <c>charset</c> of UTF-8; any case; a quoted value; whitespace around <c>;</c>. Refused: any other version or
    /// parameter, a repeated parameter, a list, wildcards, and anything malformed.
    /// </remarks>
    public static bool IsTaxii21ContentType(string? contentType) =>
        contentType == Taxii21 || (contentType is not null && MediaTypeSyntax.IsContentType(contentType, s_taxii21));

    /// <summary>True when <paramref name="mediaType"/> is exactly TAXII 2.1 with its version written (an API root's <c>versions</c> entry).</summary>
    internal static bool IsExplicitTaxii21(string mediaType) =>
        MediaTypeSyntax.IsContentType(mediaType, s_taxii21) && MediaTypeSyntax.HasVersion(mediaType, Version21);
}
