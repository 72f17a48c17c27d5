namespace Detente.Node;

/// <summary>Signature and origin messages (event ids 8070–8079): ids, key ids and decisions, never object contents.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 8070, Level = LogLevel.Warning,
        Message = "Refused object {ObjectId} from {Principal} for collection {CollectionId}: {Decision}: {Reason}")]
    public static partial void OriginRefused(ILogger logger, string principal, Guid collectionId, string objectId, string decision, string reason);
}
