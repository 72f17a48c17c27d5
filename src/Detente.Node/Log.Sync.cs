namespace Detente.Node;

/// <summary>Sync and audit messages (event ids 8100–8109, 8170). Never tokens or object contents.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 8100, Level = LogLevel.Information,
        Message = "Sync from {Partner}: {ApiRoot}/{Collection} page {Page}: {Objects} objects, {New} new, {Refused} refused")]
    public static partial void SyncPage(ILogger logger, string partner, string apiRoot, string collection, int page, int objects, int @new, int refused);

    [LoggerMessage(EventId = 8101, Level = LogLevel.Information, Message = "Sync from {Partner} done: {Pages} pages, {New} new objects; its log verified at size {Size}")]
    public static partial void SyncDone(ILogger logger, string partner, int pages, long @new, long size);

    [LoggerMessage(EventId = 8102, Level = LogLevel.Critical,
        Message = "Audit of partner {Partner} failed ({Kind}): {Finding}. Evidence kept; data from it is refused until an operator clears the alarm")]
    public static partial void AuditAlarm(ILogger logger, string partner, string kind, string finding);

    [LoggerMessage(EventId = 8103, Level = LogLevel.Warning, Message = "Sync from {Partner} refused: an audit alarm stands ({Alarm})")]
    public static partial void SyncRefused(ILogger logger, string partner, string alarm);

    [LoggerMessage(EventId = 8104, Level = LogLevel.Warning, Message = "Sync from {Partner}: {What} failed (attempt {Attempt}), retrying in {DelayMs} ms: {Reason}")]
    public static partial void SyncRetry(ILogger logger, string partner, string what, int attempt, long delayMs, string reason);

    [LoggerMessage(EventId = 8105, Level = LogLevel.Warning, Message = "Sync from {Partner}: object {ObjectId} is invalid and was not stored")]
    public static partial void SyncObjectRefused(ILogger logger, string partner, string objectId);

    [LoggerMessage(EventId = 8106, Level = LogLevel.Warning, Message = "Gossip of partner {Partner} unavailable: {Reason}")]
    public static partial void GossipUnavailable(ILogger logger, string partner, string reason);

    [LoggerMessage(EventId = 8107, Level = LogLevel.Error, Message = "Scheduled sync from {Partner} failed; the next one resumes at its cursor")]
    public static partial void SyncFailed(ILogger logger, Exception exception, string partner);

    [LoggerMessage(EventId = 8108, Level = LogLevel.Warning, Message = "The witness failed on the verified checkpoint of {Partner}")]
    public static partial void AuditWitnessFailed(ILogger logger, Exception exception, string partner);

    [LoggerMessage(EventId = 8170, Level = LogLevel.Information,
        Message = "Sync from {Partner}: {ApiRoot}/{Collection} page {Page}: {Count} versions received redacted and unproven (the partner's node serves them redacted, signed as their creator; its log commits to the full objects)")]
    public static partial void SyncReceivedRedacted(ILogger logger, string partner, string apiRoot, string collection, int page, int count);

    [LoggerMessage(EventId = 8190, Level = LogLevel.Warning,
        Message = "Sync from {Partner}: the page being stored when the sync stopped was not stored ({Reason}); the next sync resumes at the stored cursor")]
    public static partial void SyncStoreAbandoned(ILogger logger, string partner, string reason);
}
