using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Detente.Node;

/// <summary>
/// TLS for the node: the server certificate and the client certificates it maps to principals (mutual TLS).
/// </summary>
public sealed record NodeTls
{
    /// <summary>The server certificate, with its private key; every <c>https</c> URL is served with it.</summary>
    public required X509Certificate2 ServerCertificate { get; init; }

    /// <summary>The client certificates that authenticate principals when a request sends no token. Default: none.</summary>
    public ClientCertificateMap ClientCertificates { get; init; } = ClientCertificateMap.Empty;
}

/// <summary>Where the node may listen, and how Kestrel is set up for it.</summary>
public static class NodeHosting
{
    /// <summary>The URL the node listens on when none is given: loopback only.</summary>
    public const string DefaultUrl = "http://127.0.0.1:7443";

    /// <summary>
    /// Checks the URLs the node is to listen on: each must be an absolute <c>http</c> or <c>https</c> URL; plain
    /// <c>http</c> only on a loopback address (<c>127.0.0.0/8</c>, <c>::1</c>, <c>localhost</c>); <c>https</c> only with a
    /// server certificate.
    /// </summary>
    /// <returns>Null when the URLs are acceptable, else why not (for the operator).</returns>
    public static string? CheckUrls(IReadOnlyList<string> urls, bool hasCertificate)
    {
        ArgumentNullException.ThrowIfNull(urls);
        if (urls.Count == 0)
        {
            return "No URL to listen on.";
        }

        foreach (string url in urls)
        {
            // Kestrel's wildcard hosts ("*", "+") are not valid URI hosts; they mean every interface.
            string parsable = url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal);
            if (!Uri.TryCreate(parsable, UriKind.Absolute, out Uri? uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                return $"'{url}' is not an http:// or https:// URL.";
            }

            if (uri.Scheme == Uri.UriSchemeHttps && !hasCertificate)
            {
                return $"'{url}' needs a TLS certificate (give --tls-cert and --tls-key, or let the node create a self-signed one).";
            }

            if (uri.Scheme == Uri.UriSchemeHttp && !IsLoopback(uri))
            {
                return $"'{url}' would serve tokens and objects without TLS on a network interface; use https:// (or a loopback address).";
            }
        }

        return null;
    }

    /// <summary>Whether a URL's host is a loopback address or <c>localhost</c>.</summary>
    public static bool IsLoopback(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (uri.IsLoopback)
        {
            return true;
        }

        return IPAddress.TryParse(uri.DnsSafeHost, out IPAddress? address) && IPAddress.IsLoopback(address);
    }

    /// <summary>Sets the web host up for the node: Kestrel (<see cref="ConfigureKestrel"/>) and, with TLS, https URLs.</summary>
    internal static void ConfigureWebHost(IWebHostBuilder webHost, NodeOptions options)
    {
        webHost.ConfigureKestrel(k => ConfigureKestrel(k, options));
        if (options.Tls is not null)
        {
            // The slim builder leaves https out unless asked for.
            webHost.UseKestrelHttpsConfiguration();
        }
    }

    /// <summary>Sets Kestrel up for the node: body size limit, server certificate, client certificates allowed (not required).</summary>
    internal static void ConfigureKestrel(KestrelServerOptions kestrel, NodeOptions options)
    {
        kestrel.AddServerHeader = false;
        kestrel.Limits.MaxRequestBodySize = options.Limits.MaxBodyBytes;
        if (options.Tls is NodeTls tls)
        {
            kestrel.ConfigureHttpsDefaults(https =>
            {
                https.ServerCertificate = tls.ServerCertificate;
                https.ClientCertificateMode = ClientCertificateMode.AllowCertificate;
                // The chain does not matter: a client certificate authenticates only by its pinned SHA-256 thumbprint
                // (ClientCertificateMap), checked per request; an unmapped one is as good as none.
                https.AllowAnyClientCertificate();
            });
        }
    }

    /// <summary>Checks the URLs (<see cref="CheckUrls"/>) and throws for the operator when they are not acceptable.</summary>
    /// <exception cref="NodeConfigurationException">A URL is not acceptable.</exception>
    internal static void RequireAcceptableUrls(IReadOnlyList<string> urls, NodeOptions options)
    {
        if (CheckUrls(urls, options.Tls is not null) is string problem)
        {
            NodeConfigurationException.Throw(problem);
        }
    }
}
