using Detente.Ledger.Notes;

namespace Detente.Ledger.Auditing;

/// <summary>What kind of problem a log audit found.</summary>
public enum DiscrepancyKind
{
    /// <summary>The store has no checkpoint.</summary>
    CheckpointMissing,

    /// <summary>The checkpoint is not a well-formed signed note or checkpoint body.</summary>
    CheckpointMalformed,

    /// <summary>The checkpoint's signature does not verify with the log's key.</summary>
    CheckpointSignature,

    /// <summary>The checkpoint names another origin than expected.</summary>
    CheckpointOrigin,

    /// <summary>An entry bundle is missing.</summary>
    BundleMissing,

    /// <summary>An entry bundle does not decode to the number of entries it must hold.</summary>
    BundleMalformed,

    /// <summary>An entry is not a well-formed Detente log entry.</summary>
    EntryMalformed,

    /// <summary>A hash tile is missing.</summary>
    TileMissing,

    /// <summary>A hash tile has the wrong length.</summary>
    TileLength,

    /// <summary>A hash in a tile differs from the one recomputed from the entries.</summary>
    TileMismatch,

    /// <summary>The root recomputed from the entries differs from the checkpoint's.</summary>
    RootMismatch,

    /// <summary>The pinned checkpoint is of another origin, larger than the current one, or not consistent with it.</summary>
    Inconsistent,
}

/// <summary>The first problem an audit found, with where it is.</summary>
/// <param name="Kind">What is wrong.</param>
/// <param name="Where">The tile path, entry index or checkpoint it concerns.</param>
/// <param name="Message">A precise English description.</param>
public sealed record LogDiscrepancy(DiscrepancyKind Kind, string Where, string Message)
{
    /// <summary>The discrepancy as one line.</summary>
    public override string ToString() => $"{Kind} at {Where}: {Message}";
}

/// <summary>The outcome of walking a whole log: what was checked, and the first discrepancy if there is one.</summary>
/// <param name="Checkpoint">The checkpoint that was audited, once it could be read.</param>
/// <param name="EntriesChecked">Entries whose leaf hashes were recomputed.</param>
/// <param name="BundlesChecked">Entry bundles read and decoded.</param>
/// <param name="TilesChecked">Hash tiles compared byte for byte with the recomputed ones.</param>
/// <param name="Checks">What was checked, in order, one line each.</param>
/// <param name="Discrepancy">The first problem found; null when the log is sound.</param>
public sealed record LogAuditResult(
    Checkpoint? Checkpoint, long EntriesChecked, long BundlesChecked, long TilesChecked, IReadOnlyList<string> Checks, LogDiscrepancy? Discrepancy)
{
    /// <summary>True when every check passed.</summary>
    public bool IsValid => Discrepancy is null;
}
