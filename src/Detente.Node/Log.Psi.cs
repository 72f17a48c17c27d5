namespace Detente.Node;

/// <summary>PSI events (8090–8099).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 8090, Level = LogLevel.Information, Message = "PSI session record {Record}")]
    public static partial void PsiSessionRecorded(ILogger logger, string record);

    [LoggerMessage(EventId = 8091, Level = LogLevel.Warning, Message = "PSI session {SessionId} of {Principal} refused a chunk: {Reason}")]
    public static partial void PsiChunkRefused(ILogger logger, string sessionId, string principal, string reason);

    [LoggerMessage(EventId = 8092, Level = LogLevel.Information,
        Message = "PSI {Set} set for {Principal}: {Elements} elements from {Objects} visible objects, {Skipped} skipped (not of the simple form)")]
    public static partial void PsiSetBuilt(ILogger logger, string set, string principal, int elements, int objects, int skipped);

    [LoggerMessage(EventId = 8093, Level = LogLevel.Warning, Message = "Refused a PSI session for {Principal}: {StatusCode} {Reason}")]
    public static partial void PsiRefused(ILogger logger, string principal, int statusCode, string reason);
}
