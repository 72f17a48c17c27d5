using Detente.Taxii;

namespace Detente.Node;

/// <summary>
/// The one place TAXII error messages are written (TAXII 2.1 §3.6.1), in the TAXII media type: the node's own refusals,
/// the framework's bad requests (400, 413), and the empty 401, 404, 405 and other error statuses it would otherwise send.
/// </summary>
internal static class TaxiiErrors
{
    /// <summary>Writes a TAXII error with <paramref name="statusCode"/> unless the response has started.</summary>
    public static async Task WriteAsync(HttpContext context, int statusCode, string title, string? description = null)
    {
        if (context.Response.HasStarted)
        {
            return;
        }

        context.Response.Clear();
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = TaxiiMediaTypes.Taxii21;
        if (statusCode == StatusCodes.Status401Unauthorized)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer, Basic realm=\"detente\"";
        }

        byte[] body = TaxiiError.ForStatus(statusCode, title, description).Serialize();
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>A result that writes a TAXII error, for endpoints.</summary>
    public static IResult Result(int statusCode, string title, string? description = null) => new ErrorResult(statusCode, title, description);

    /// <summary>The title the node gives a status the framework produced without a body.</summary>
    public static string TitleFor(int statusCode) => statusCode switch
    {
        400 => "Bad request",
        401 => "Authentication required",
        403 => "Forbidden",
        404 => "Not found",
        405 => "Method not allowed",
        406 => "Not acceptable",
        413 => "Request too large",
        415 => "Unsupported media type",
        422 => "Unprocessable content",
        429 => "Too many requests",
        _ => "Error",
    };

    private sealed class ErrorResult(int statusCode, string title, string? description) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext) => WriteAsync(httpContext, statusCode, title, description);
    }
}

/// <summary>
/// Turns every failure into a TAXII error: framework bad requests, unhandled exceptions (500, logged, no details), and
/// error statuses left without a body (unknown route 404, wrong method 405, 401 from authentication).
/// </summary>
internal sealed class TaxiiErrorMiddleware(RequestDelegate next, ILogger<TaxiiErrorMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (BadHttpRequestException e)
        {
            int status = e.StatusCode is >= 400 and < 500 ? e.StatusCode : StatusCodes.Status400BadRequest;
            Log.Refused(logger, context.Request.Method, context.Request.Path, status, TaxiiErrors.TitleFor(status));
            await TaxiiErrors.WriteAsync(context, status, TaxiiErrors.TitleFor(status)).ConfigureAwait(false);
            return;
        }
        catch (Exception e) when (!context.RequestAborted.IsCancellationRequested)
        {
            Log.Unhandled(logger, e, context.Request.Method, context.Request.Path);
            await TaxiiErrors.WriteAsync(context, StatusCodes.Status500InternalServerError, "Internal error").ConfigureAwait(false);
            return;
        }

        int code = context.Response.StatusCode;
        if (code >= 400 && !context.Response.HasStarted && context.Response.ContentLength is null && context.Response.ContentType is null)
        {
            await TaxiiErrors.WriteAsync(context, code, TaxiiErrors.TitleFor(code)).ConfigureAwait(false);
        }
    }
}
