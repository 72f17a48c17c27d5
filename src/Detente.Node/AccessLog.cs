using System.Globalization;

namespace Detente.Node;

/// <summary>
/// The access log and request metrics: one line per request (event 8040) with the principal, method, route template,
/// collection, object count when an endpoint reported one, status and duration. Never tokens, never object contents,
/// never query strings.
/// </summary>
internal sealed class AccessLogMiddleware(RequestDelegate next, NodeMetrics metrics, TimeProvider timeProvider, ILogger<AccessLogMiddleware> logger)
{
    private const string ObjectCountKey = "Detente.Node.ObjectCount";
    private const string CollectionKey = "Detente.Node.Collection";
    private const string CollectionRouteValue = "collectionId";

    /// <summary>Records the collection a request addressed (by id or alias), for its access log line.</summary>
    public static void SetCollection(HttpContext context, Guid collectionId)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Items[CollectionKey] = collectionId;
    }

    /// <summary>Records how many objects a request read or wrote, for its access log line.</summary>
    public static void SetObjectCount(HttpContext context, int count)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        context.Items[ObjectCountKey] = count;
    }

    public async Task InvokeAsync(HttpContext context)
    {
        long started = timeProvider.GetTimestamp();
        try
        {
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            TimeSpan duration = timeProvider.GetElapsedTime(started);
            string route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? NodeMetrics.Unmatched;
            int status = context.Response.StatusCode;
            metrics.RecordRequest(context.Request.Method, route, status, duration);
            if (logger.IsEnabled(LogLevel.Information))
            {
                string principal = TokenAuthenticationMiddleware.FindPrincipal(context)?.Name ?? "-";
                // The collection found (named by id or alias), else the id as given if it is one; never other URL text.
                string collection = context.Items.TryGetValue(CollectionKey, out object? found) && found is Guid id
                    ? id.ToString("D")
                    : context.Request.RouteValues.TryGetValue(CollectionRouteValue, out object? value) && value is string c
                        ? (Guid.TryParseExact(c, "D", out _) ? c : "malformed")
                        : "-";
                string objects = context.Items.TryGetValue(ObjectCountKey, out object? count) && count is int n
                    ? n.ToString(CultureInfo.InvariantCulture)
                    : "-";
                Log.Access(logger, principal, context.Request.Method, route, collection, objects, status, duration.TotalMilliseconds);
            }
        }
    }
}
