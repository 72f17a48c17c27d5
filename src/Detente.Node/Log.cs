
namespace Detente.Node;

/// <summary>The node's log messages (event ids 8xxx). Never object contents, tokens or their hashes.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 8001, Level = LogLevel.Information, Message = "Refused {Method} {Path}: {StatusCode} {Reason}")]
    public static partial void Refused(ILogger logger, string method, string path, int statusCode, string reason);

    [LoggerMessage(EventId = 8002, Level = LogLevel.Warning, Message = "Authentication failed for {Method} {Path}")]
    public static partial void AuthenticationFailed(ILogger logger, string method, string path);

    [LoggerMessage(EventId = 8003, Level = LogLevel.Error, Message = "Unhandled error in {Method} {Path}")]
    public static partial void Unhandled(ILogger logger, Exception exception, string method, string path);
}
