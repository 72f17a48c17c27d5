namespace Detente.Node;

/// <summary>The transparency log's messages (event ids 8080–8089).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 8080, Level = LogLevel.Information, Message = "Transparency log {Origin}: checkpoint of {Size} entries verified against its tiles")]
    public static partial void LogVerified(ILogger logger, string origin, long size);

    [LoggerMessage(EventId = 8081, Level = LogLevel.Critical, Message = "Transparency log {Origin} is damaged, the node refuses to start: {Problem}")]
    public static partial void LogDamaged(ILogger logger, string origin, string problem);

    [LoggerMessage(EventId = 8082, Level = LogLevel.Debug, Message = "Transparency log {Origin}: checkpoint of {Size} entries ({Added} new)")]
    public static partial void LogSealed(ILogger logger, string origin, long size, int added);

    [LoggerMessage(EventId = 8083, Level = LogLevel.Information, Message = "Transparency log {Origin}: another sequencer moved the log; reloaded at {Size} entries")]
    public static partial void LogReloaded(ILogger logger, string origin, long size);

    [LoggerMessage(EventId = 8084, Level = LogLevel.Warning, Message = "Transparency log {Origin}: sealing a batch failed; retrying")]
    public static partial void LogSealFailed(ILogger logger, Exception exception, string origin);
}
