using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Detente.Node;

/// <summary>
/// How the node makes one kind of outgoing call (to a partner node, to a witness of its log): the server certificate to
/// trust, the client certificate for mutual TLS, and the timeouts. The one place that builds the node's outgoing
/// handlers and clients, so that every outgoing connection gets the same TLS rules.
/// </summary>
/// <remarks>
/// With <see cref="TrustedCertificate"/> the server's certificate must chain to it alone (a self-signed server certificate,
/// or a private CA), and its name must match the URL's host; without it the system's roots decide. Redirects are never
/// followed (a credential never follows one to another host). The certificates are the caller's: this record does not
/// dispose them.
/// </remarks>
public sealed record OutgoingHttp
{
    /// <summary>A certificate to trust as the only root of the server's certificate, instead of the system's roots; null
    /// trusts the system's roots.</summary>
    public X509Certificate2? TrustedCertificate { get; init; }

    /// <summary>The client certificate (with its private key) presented for mutual TLS, or null.</summary>
    public X509Certificate2? ClientCertificate { get; init; }

    /// <summary>How long one request may take, answer included. Default 2 minutes.</summary>
    public TimeSpan RequestTimeout
    {
        get;
        init => field = value > TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(value), "The timeout is positive.");
    } = TimeSpan.FromMinutes(2);

    /// <summary>How long opening a connection (TCP and TLS) may take. Default 15 s.</summary>
    public TimeSpan ConnectTimeout
    {
        get;
        init => field = value > TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(value), "The timeout is positive.");
    } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Wraps the handler the client sends through; null sends directly. For tools and tests that observe or alter the
    /// server's answers.
    /// </summary>
    public Func<HttpMessageHandler, HttpMessageHandler>? WrapHandler { get; init; }

    /// <summary>The handler: TLS trust, client certificate, connect timeout, no redirects (then <see cref="WrapHandler"/>).</summary>
    public HttpMessageHandler CreateHandler()
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            MaxConnectionsPerServer = 16,
            ConnectTimeout = ConnectTimeout,
        };
        if (ClientCertificate is not null)
        {
            handler.SslOptions.ClientCertificates = [ClientCertificate];
        }

        if (TrustedCertificate is { } trusted)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                ValidateAgainst(trusted, certificate as X509Certificate2, errors);
        }

        return WrapHandler is null ? handler : WrapHandler(handler);
    }

    /// <summary>A client over <see cref="CreateHandler"/> with <see cref="RequestTimeout"/>; <paramref name="bearerToken"/>,
    /// when given, is sent with every request as <c>Authorization: Bearer</c>.</summary>
    public HttpClient CreateClient(string? bearerToken = null)
    {
        var http = new HttpClient(CreateHandler(), disposeHandler: true) { Timeout = RequestTimeout };
        if (bearerToken is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearerToken);
        }

        return http;
    }

    /// <summary>
    /// What went wrong with an outgoing request, for an operator: a TLS failure says so and what to do (trust the server's
    /// certificate with <c>--ca-cert</c>, or check the client certificate); anything else is the exception's message.
    /// </summary>
    public static string Describe(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        if (error is HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError } || error.InnerException is AuthenticationException)
        {
            string detail = error.InnerException?.Message ?? error.Message;
            return "the TLS connection failed: " + detail.TrimEnd('.') + ". When the server's certificate is self-signed or from a private CA, "
                + "trust it with --ca-cert; when the server asks for a client certificate, give --client-cert and --client-key.";
        }

        return error.Message;
    }

    /// <summary>Which certificates are set (thumbprints), never a key.</summary>
    public override string ToString() =>
        $"trusted certificate {(TrustedCertificate is null ? "system roots" : TrustedCertificate.Thumbprint)}, "
        + $"client certificate {(ClientCertificate is null ? "none" : ClientCertificate.Thumbprint)}";

    /// <summary>The server certificate chains to <paramref name="trusted"/> alone (a custom root), and its name matched.</summary>
    private static bool ValidateAgainst(X509Certificate2 trusted, X509Certificate2? certificate, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(trusted);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }
}
