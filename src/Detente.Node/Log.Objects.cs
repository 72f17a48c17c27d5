namespace Detente.Node;

/// <summary>The object endpoints' log messages (event ids 8010–8039): counts, ids and principals, never object contents.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 8010, Level = LogLevel.Debug, Message = "Withheld {Count} object versions of collection {CollectionId} from {Principal}")]
    public static partial void Withheld(ILogger logger, string principal, Guid collectionId, int count);

    [LoggerMessage(EventId = 8011, Level = LogLevel.Information, Message = "{Principal} added objects to collection {CollectionId}: {Total} sent, {Refused} refused, {Queued} queued")]
    public static partial void ObjectsReceived(ILogger logger, string principal, Guid collectionId, int total, int refused, int queued);

    [LoggerMessage(EventId = 8012, Level = LogLevel.Error, Message = "Storing {Count} objects of status {StatusId} failed")]
    public static partial void IngestFailed(ILogger logger, Exception exception, Guid statusId, int count);

    [LoggerMessage(EventId = 8013, Level = LogLevel.Information, Message = "Status {StatusId} complete")]
    public static partial void IngestCompleted(ILogger logger, Guid statusId);

    [LoggerMessage(EventId = 8014, Level = LogLevel.Warning, Message = "Status {StatusId} could not be queued; its {Count} pending objects are marked failed")]
    public static partial void IngestNotQueued(ILogger logger, Guid statusId, int count);

    [LoggerMessage(EventId = 8015, Level = LogLevel.Warning, Message = "Shutdown cut the object queue short; the pending objects of status {StatusId} are marked failed at the next start")]
    public static partial void IngestAbandoned(ILogger logger, Guid statusId);

    [LoggerMessage(EventId = 8016, Level = LogLevel.Information, Message = "{Principal} deleted {Count} versions of {ObjectId} from collection {CollectionId}")]
    public static partial void ObjectDeleted(ILogger logger, string principal, Guid collectionId, string objectId, int count);

    [LoggerMessage(EventId = 8017, Level = LogLevel.Warning, Message = "A stop cut {Count} pending objects of {Statuses} add requests short; they are marked failed (send them again)")]
    public static partial void InterruptedAddsFailed(ILogger logger, int count, int statuses);

    [LoggerMessage(EventId = 8018, Level = LogLevel.Information, Message = "Deleted {Count} finished statuses requested before {Cutoff}")]
    public static partial void StatusesExpired(ILogger logger, int count, DateTimeOffset cutoff);

    [LoggerMessage(EventId = 8019, Level = LogLevel.Error, Message = "Deleting expired statuses failed")]
    public static partial void StatusSweepFailed(ILogger logger, Exception exception);
}
