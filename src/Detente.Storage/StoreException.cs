namespace Detente.Storage;

/// <summary>What went wrong in a <see cref="StoreException"/>.</summary>
public enum StoreError
{
    /// <summary>The collection named by the call does not exist.</summary>
    CollectionNotFound = 1,

    /// <summary>The store was written by a newer version of Detente: its schema has migrations this code does not know.</summary>
    SchemaTooNew = 2,

    /// <summary>The transparency log already has entries under another origin; a log's origin never changes.</summary>
    LogOriginMismatch = 3,

    /// <summary>Objects from a partner were refused: its log has an unresolved audit alarm, or no pinned log key.</summary>
    PartnerNotAccepted = 4,
}

/// <summary>A store operation refused because of the store's state (an unknown collection, a newer schema).</summary>
/// <remarks>
/// A refused operation changes nothing. Caller bugs (null or malformed arguments) are <see cref="ArgumentException"/>s;
/// failures of the database itself surface as the provider's <see cref="System.Data.Common.DbException"/> after the
/// transaction was rolled back.
/// </remarks>
public sealed class StoreException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StoreException(StoreError error, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Error = error;
    }

    /// <summary>What went wrong.</summary>
    public StoreError Error { get; }

    /// <summary>The collection the operation named, when there was one.</summary>
    public Guid? CollectionId { get; init; }
}
