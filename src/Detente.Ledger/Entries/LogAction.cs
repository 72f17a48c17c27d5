namespace Detente.Ledger.Entries;

/// <summary>What a log entry records: something that happened to an object version, or a record of its own.</summary>
public enum LogAction
{
    /// <summary>The node published the object version (<c>"publish"</c>).</summary>
    Publish,

    /// <summary>The node revoked the object (<c>"revoke"</c>): the entry commits to the revoked version.</summary>
    Revoke,

    /// <summary>The node deleted the object version from its store (<c>"delete"</c>).</summary>
    Delete,

    /// <summary>
    /// A private set intersection session the node answered (<c>"psi-session"</c>): the entry commits to the session's
    /// record (parties, set sizes, mode, key commitment, outcome), not to an object. Always salted.
    /// </summary>
    PsiSession,
}
