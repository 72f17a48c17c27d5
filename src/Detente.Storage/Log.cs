using Microsoft.Extensions.Logging;

namespace Detente.Storage;

/// <summary>The store's log messages (event ids 6000–6099). Ids, counts and outcomes only: never object content,
/// token secrets or their hashes.</summary>
internal static partial class Log
{
    [LoggerMessage(6000, LogLevel.Information, "Opened the {Backend} store at {Location}, schema version {SchemaVersion}")]
    public static partial void StoreOpened(ILogger logger, string backend, string location, int schemaVersion);

    [LoggerMessage(6001, LogLevel.Information, "Applied schema migration {Version} ({Name}) to the {Backend} store")]
    public static partial void MigrationApplied(ILogger logger, int version, string name, string backend);

    [LoggerMessage(6002, LogLevel.Error, "The {Backend} store at {Location} has schema version {Found}; this code knows up to {Known}")]
    public static partial void SchemaTooNew(ILogger logger, string backend, string location, long found, int known);

    [LoggerMessage(6010, LogLevel.Information, "Created API root {ApiRoot}")]
    public static partial void ApiRootCreated(ILogger logger, string apiRoot);

    [LoggerMessage(6011, LogLevel.Information, "Created collection {CollectionId} in API root {ApiRoot}")]
    public static partial void CollectionCreated(ILogger logger, Guid collectionId, string apiRoot);

    [LoggerMessage(6012, LogLevel.Information, "Set access of {Principal} to collection {CollectionId}: read {CanRead}, write {CanWrite}")]
    public static partial void AccessSet(ILogger logger, string principal, Guid collectionId, bool canRead, bool canWrite);

    [LoggerMessage(6020, LogLevel.Debug, "Added {Added} object version(s) to collection {CollectionId} ({AlreadyPresent} already present)")]
    public static partial void ObjectsAdded(ILogger logger, int added, Guid collectionId, int alreadyPresent);

    [LoggerMessage(6021, LogLevel.Warning, "Adding {Count} object version(s) to collection {CollectionId} failed; nothing was added")]
    public static partial void AddFailed(ILogger logger, int count, Guid collectionId, Exception exception);

    [LoggerMessage(6022, LogLevel.Information, "Deleted {Count} version(s) of {ObjectId} from collection {CollectionId}")]
    public static partial void ObjectDeleted(ILogger logger, int count, string objectId, Guid collectionId);

    [LoggerMessage(6030, LogLevel.Debug, "Created status {StatusId} with {Total} object(s)")]
    public static partial void StatusCreated(ILogger logger, Guid statusId, int total);

    [LoggerMessage(6040, LogLevel.Information, "Added API token {TokenId} for {Principal} ({Role})")]
    public static partial void TokenAdded(ILogger logger, string tokenId, string principal, TokenRole role);

    [LoggerMessage(6041, LogLevel.Information, "Revoked API token {TokenId}")]
    public static partial void TokenRevoked(ILogger logger, string tokenId);

    [LoggerMessage(6050, LogLevel.Information, "Sharing settings: {Change} {Name}")]
    public static partial void SharingChanged(ILogger logger, string change, string name);

    [LoggerMessage(6051, LogLevel.Information, "Computed the facts of {Count} object version(s) stored without them")]
    public static partial void FactsFilled(ILogger logger, int count);

    [LoggerMessage(6052, LogLevel.Information, "The transparency log's origin is {Origin}")]
    public static partial void LogOriginSet(ILogger logger, string origin);

    [LoggerMessage(6060, LogLevel.Information, "Backfilled the transparency log: {Count} version(s) of collection key {CollectionKey} stored before the log got publish entries")]
    public static partial void LogBackfilled(ILogger logger, long collectionKey, int count);
}
