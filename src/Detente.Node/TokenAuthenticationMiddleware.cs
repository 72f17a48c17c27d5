using System.Net.Http.Headers;
using System.Text;
using Detente.Storage;

namespace Detente.Node;

/// <summary>
/// Authenticates every request except <c>/healthz</c> and <c>/readyz</c> with an API token, sent as
/// <c>Authorization: Bearer {token}</c> or as HTTP Basic with the token as the password (the user name is ignored, so
/// clients that only speak Basic work with any user name). Anything else is a 401 TAXII error.
/// </summary>
internal sealed class TokenAuthenticationMiddleware(RequestDelegate next, IStore store, TimeProvider timeProvider,
    ILogger<TokenAuthenticationMiddleware> logger)
{
    private const string PrincipalKey = "Detente.Node.Principal";

    /// <summary>The authenticated principal of a request that passed this middleware.</summary>
    public static NodePrincipal GetPrincipal(HttpContext context) =>
        context.Items[PrincipalKey] as NodePrincipal ?? throw new InvalidOperationException("The request was not authenticated.");

    public async Task InvokeAsync(HttpContext context)
    {
        PathString path = context.Request.Path;
        if (path.Equals("/healthz", StringComparison.Ordinal) || path.Equals("/readyz", StringComparison.Ordinal))
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        string? token = PresentedToken(context.Request.Headers.Authorization.ToString());
        NodePrincipal? principal = token is null
            ? null
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
