namespace Detente.Node.Sync;

/// <summary>Kinds of audit failure, as recorded in evidence and alarms.</summary>
public static class AuditFailures
{
    /// <summary>The checkpoint is malformed, of another origin, or its signature does not verify with the pinned key.</summary>
    public const string BadSignature = "bad-signature";

    /// <summary>The checkpoint is smaller than the one pinned (the log lost entries), or the log is gone.</summary>
    public const string Rollback = "rollback";

    /// <summary>Two signed checkpoints of the log that no append-only history explains (same size and another root, or no
    /// consistency proof between them): the partner's own two, or the partner's and one another partner gossiped.</summary>
    public const string SplitView = "split-view";

    /// <summary>An object received in the sync is not in the partner's log (no proof, or a proof that does not verify).</summary>
    public const string MissingObject = "missing-object";

    /// <summary>An object received in the sync fails the origin check every object from a partner passes
    /// (<see cref="OriginVerifier"/>): no signature, a malformed or bad one, or none by a key of its creator.</summary>
    public const string ObjectOrigin = "object-origin";
}

/// <summary>One page stored during a sync.</summary>
/// <param name="Partner">The partner.</param>
/// <param name="ApiRoot">The remote API root.</param>
/// <param name="RemoteCollection">The remote collection.</param>
/// <param name="Page">The page's number in this sync of the subscription, from 1.</param>
/// <param name="Objects">Objects in the page.</param>
/// <param name="New">New versions stored.</param>
/// <param name="Refused">Objects refused by validation (not stored).</param>
/// <param name="Cursor">The subscription's cursor after the page.</param>
public sealed record SyncProgress(string Partner, string ApiRoot, string RemoteCollection, int Page, int Objects, int New, int Refused, string Cursor);

/// <summary>The outcome of syncing one partner.</summary>
/// <param name="Partner">The partner.</param>
/// <param name="Pages">Pages stored.</param>
/// <param name="ObjectsNew">New versions stored.</param>
/// <param name="ObjectsAlreadyPresent">Versions received that were stored already.</param>
/// <param name="ObjectsRefused">Objects refused by validation.</param>
/// <param name="VerifiedSize">The size of the partner's checkpoint verified and pinned by this sync, or null.</param>
/// <param name="Alarm">The partner's alarm (raised now, or before: then nothing was fetched), or null.</param>
/// <param name="Checks">What the audit checked, one line each.</param>
public sealed record SyncReport(string Partner, int Pages, long ObjectsNew, long ObjectsAlreadyPresent, long ObjectsRefused, long? VerifiedSize,
    string? Alarm, IReadOnlyList<string> Checks)
{
    /// <summary>True when the audit raised no alarm and found none standing.</summary>
    public bool IsClean => Alarm is null;

    /// <summary>New versions stored as received <em>redacted and unproven</em> (among <see cref="ObjectsNew"/>): the partner's
    /// node served them redacted and signed them as their creator, and its openings said so; its log commits to the full
    /// objects, so their inclusion is not proven.</summary>
    public long ObjectsRedacted { get; init; }
}
