using Microsoft.Extensions.Logging;

namespace Detente.Taxii;

/// <summary>The library's log messages (event ids 7xxx). Paths and counts only: never object contents or credentials.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 7001, Level = LogLevel.Warning, Message = "TAXII {Method} {Path} answered {StatusCode}")]
    public static partial void RequestFailed(ILogger logger, string method, string path, int statusCode);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Warning, Message = "TAXII {Method} {Path}: response refused: {Reason}")]
    public static partial void ResponseRefused(ILogger logger, string method, string path, string reason);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Debug, Message = "TAXII page {Page} of {Path}: {Count} objects, more: {More}")]
    public static partial void PageRead(ILogger logger, int page, string path, int count, bool more);
}
