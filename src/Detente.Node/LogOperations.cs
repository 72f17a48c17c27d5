namespace Detente.Node;

/// <summary>The node's operational log messages: access log, limits, start and stop (event ids 8040–8079).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 8040, Level = LogLevel.Information,
        Message = "Access {Principal} {Method} {Route} collection={Collection} objects={ObjectCount} status={StatusCode} {DurationMs:0.###} ms")]
    public static partial void Access(ILogger logger, string principal, string method, string route, string collection, string objectCount,
        int statusCode, double durationMs);

    [LoggerMessage(EventId = 8041, Level = LogLevel.Warning, Message = "Refused {Method} {Path}: body of {Length} bytes is over the limit of {Limit}")]
    public static partial void BodyTooLarge(ILogger logger, string method, string path, long length, long limit);

    [LoggerMessage(EventId = 8042, Level = LogLevel.Warning, Message = "Refused {Method} {Path} for {Principal}: rate limit, retry after {RetryAfterSeconds} s")]
    public static partial void RateLimited(ILogger logger, string principal, string method, string path, long retryAfterSeconds);

    [LoggerMessage(EventId = 8043, Level = LogLevel.Warning, Message = "Client certificate {Thumbprint} is not mapped to a principal or is outside its validity")]
    public static partial void UnknownClientCertificate(ILogger logger, string thumbprint);

    [LoggerMessage(EventId = 8044, Level = LogLevel.Information, Message = "Node listening on {Addresses}")]
    public static partial void Listening(ILogger logger, string addresses);

    [LoggerMessage(EventId = 8045, Level = LogLevel.Information, Message = "Node stopped")]
    public static partial void Stopped(ILogger logger);

    [LoggerMessage(EventId = 8046, Level = LogLevel.Warning, Message = "Refused {Method} {Path} for {Principal}: over the {Limit} limit, {StatusCode}")]
    public static partial void LimitExceeded(ILogger logger, string principal, string method, string path, string limit, int statusCode);
}
