using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Detente.Storage;

namespace Detente.Node;

/// <summary>
/// Authenticates every request except <c>/healthz</c> and <c>/readyz</c> with an API token, sent as
/// <c>Authorization: Bearer {token}</c> or as HTTP Basic with the token as the password (the user name is ignored, so
/// clients that only speak Basic work with any user name). Anything else is a 401 TAXII error.
/// </summary>
/// <remarks>A request without an <c>Authorization</c> header may authenticate with a client certificate mapped in
/// <see cref="NodeTls.ClientCertificates"/>. <c>/metrics</c> passes without authentication when
/// <see cref="NodeOptions.PublicMetrics"/> is set.</remarks>
internal sealed class TokenAuthenticationMiddleware(RequestDelegate next, IStore store, NodeOptions options, TimeProvider timeProvider,
    ILogger<TokenAuthenticationMiddleware> logger)
{
    private const string PrincipalKey = "Detente.Node.Principal";

    /// <summary>The authenticated principal of a request that passed this middleware.</summary>
    public static NodePrincipal GetPrincipal(HttpContext context) =>
        context.Items[PrincipalKey] as NodePrincipal ?? throw new InvalidOperationException("The request was not authenticated.");

    /// <summary>The authenticated principal of a request, or null when it has none (yet).</summary>
    public static NodePrincipal? FindPrincipal(HttpContext context) => context.Items[PrincipalKey] as NodePrincipal;

    public async Task InvokeAsync(HttpContext context)
    {
        PathString path = context.Request.Path;
        if (path.Equals("/healthz", StringComparison.Ordinal) || path.Equals("/readyz", StringComparison.Ordinal)
            || (options.PublicMetrics && path.Equals("/metrics", StringComparison.Ordinal)))
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        string? token = PresentedToken(context.Request.Headers.Authorization.ToString());
        NodePrincipal? principal = token is null
            ? await ClientCertificatePrincipalAsync(context).ConfigureAwait(false)
            : await NodeTokens.AuthenticateAsync(store, token, timeProvider.GetUtcNow(), context.RequestAborted).ConfigureAwait(false);
        if (principal is null)
        {
            Log.AuthenticationFailed(logger, context.Request.Method, path);
            await TaxiiErrors.WriteAsync(context, StatusCodes.Status401Unauthorized, "Authentication required",
                "Send an API token as a Bearer token or as the password of HTTP Basic.").ConfigureAwait(false);
            return;
        }

        context.Items[PrincipalKey] = principal;
        await next(context).ConfigureAwait(false);
    }

    private async Task<NodePrincipal?> ClientCertificatePrincipalAsync(HttpContext context)
    {
        if (options.Tls is not { ClientCertificates.Count: > 0 } tls || !context.Request.IsHttps)
        {
            return null;
        }

        X509Certificate2? certificate = await context.Connection.GetClientCertificateAsync(context.RequestAborted).ConfigureAwait(false);
        if (certificate is null)
        {
            return null;
        }

        NodePrincipal? principal = tls.ClientCertificates.Authenticate(certificate, timeProvider.GetUtcNow());
        if (principal is null)
        {
            Log.UnknownClientCertificate(logger, ClientCertificateMap.Thumbprint(certificate));
        }

        return principal;
    }

    private static string? PresentedToken(string header)
    {
        if (!AuthenticationHeaderValue.TryParse(header, out AuthenticationHeaderValue? value) || value.Parameter is null)
        {
            return null;
        }

        if (value.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
        {
            return value.Parameter;
        }

        if (value.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase))
        {
            Span<byte> decoded = stackalloc byte[512];
            if (!Convert.TryFromBase64String(value.Parameter, decoded, out int written))
            {
                return null;
            }

            string pair = Encoding.UTF8.GetString(decoded[..written]);
            int colon = pair.IndexOf(':', StringComparison.Ordinal);
            return colon < 0 ? null : pair[(colon + 1)..];
        }

        return null;
    }
}
