using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Detente.Node;

/// <summary>
/// The URL the node tells clients to use: <see cref="NodeOptions.PublicUrl"/>, or else the first address the server is
/// bound to (so a node started on port 0 names its real port), never anything from a request.
/// </summary>
internal sealed class NodePublicUrl(NodeOptions options, IServer server)
{
    private Uri? _bound;

    /// <summary>The public URL, ending in <c>/</c>.</summary>
    /// <exception cref="InvalidOperationException">No public URL is configured and the server is not listening yet.</exception>
    public Uri Get() => options.PublicUrl ?? (_bound ??= FromBoundAddress());

    /// <summary>The absolute URL of the API root named <paramref name="name"/>.</summary>
    public Uri ApiRootUrl(string name) => NodeOptions.ApiRootUrl(Get(), name);

    private Uri FromBoundAddress()
    {
        string? address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        if (address is null || !Uri.TryCreate(address, UriKind.Absolute, out Uri? uri) || uri.Port == 0)
        {
            throw new InvalidOperationException("The node has no public URL and is not listening yet.");
        }

        // An address bound on every interface ("0.0.0.0", "[::]") is no address to give a client.
        string host = IPAddress.TryParse(uri.DnsSafeHost, out IPAddress? ip) && (ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any))
            ? "localhost"
            : uri.Host;
        return new UriBuilder(uri.Scheme, host, uri.Port, "/").Uri;
    }
}
