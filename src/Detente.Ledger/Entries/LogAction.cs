namespace Detente.Ledger.Entries;

/// <summary>What a log entry records about an object version.</summary>
public enum LogAction
{
    /// <summary>The node published the object version (<c>"publish"</c>).</summary>
    Publish,

    /// <summary>The node revoked the object (<c>"revoke"</c>): the entry commits to the revoked version.</summary>
    Revoke,

    /// <summary>The node deleted the object version from its store (<c>"delete"</c>).</summary>
    Delete,
}
