using System.Text;

namespace Detente.Node;

/// <summary>
/// <c>GET /identity/</c>: the node's signed STIX <c>identity</c> and Detente's signature extension definition with its
/// defining identity, as one STIX 2.1 bundle, so that partners can register the node (its identity id and key) and
/// recognise the extension its signatures ride in.
/// </summary>
/// <remarks>
/// Authenticated like every route, and the same for every principal: the objects are public by design and come from no
/// collection, so no egress decision applies. 404 when the node has no signing identity (<see cref="NodeOptions.Signing"/>).
/// </remarks>
internal static class IdentityEndpoints
{
    /// <summary>The media type of the answer: a STIX 2.1 bundle.</summary>
    public const string MediaType = "application/stix+json;version=2.1";

    public static void Map(IEndpointRouteBuilder app) => app.MapGet("/identity/", GetIdentity);

    private static IResult GetIdentity(NodeOptions options)
    {
        if (options.Signing is not NodeSigning signing)
        {
            return TaxiiErrors.Result(StatusCodes.Status404NotFound, "Not found", "This node has no signing identity.");
        }

        var body = new MemoryStream();
        body.Write("{\"type\":\"bundle\",\"id\":\""u8);
        body.Write(Encoding.UTF8.GetBytes(signing.BundleId));
        body.Write("\",\"objects\":["u8);
        body.Write(signing.IdentityJson.Span);
        foreach (Stix.StixObject definition in NodeSigning.Definitions)
        {
            body.WriteByte((byte)',');
            body.Write(definition.Canonicalize());
        }

        body.Write("]}"u8);
        return Results.Bytes(body.ToArray(), MediaType);
    }
}
