using Detente.Ledger.Tiles;
using Detente.Storage;

namespace Detente.Node.Sync;

/// <summary>How a node pulls from its partners; each property documents its default.</summary>
public sealed record NodeSyncOptions
{
    /// <summary>How often <c>detente serve</c> syncs every partner it subscribes to; null (the default) syncs only on demand.</summary>
    public TimeSpan? Interval
    {
        get;
        init => field = value is { } v && v <= TimeSpan.Zero ? throw new ArgumentOutOfRangeException(nameof(value), "The interval is positive.") : value;
    }

    /// <summary>The connection to a partner (its secrets from the data folder, <see cref="PartnerSecrets"/>), or null when
    /// this node cannot reach it. Default: none (no partner can be synced).</summary>
    public Func<PartnerRecord, PartnerConnection?> Connections { get; init; } = static _ => null;

    /// <summary>Objects asked for per page (TAXII <c>limit</c>; the partner may send fewer). Default 1,000 (a node's largest page,
    /// <c>NodeLimits.MaxPageLimit</c>); 1–1,000.</summary>
    public int PageSize
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 1_000);
            field = value;
        }
    } = 1_000;

    /// <summary>Attempts of one request before the sync gives up (network failures, 5xx, 429, a proof not yet sealed). Default 8.</summary>
    public int MaxAttempts
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            field = value;
        }
    } = 8;

    /// <summary>The first retry's delay bound; each retry doubles it, up to <see cref="RetryMaxDelay"/>, and waits a random
    /// part of it (full jitter). Default 250 ms.</summary>
    public TimeSpan RetryBaseDelay
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            field = value;
        }
    } = TimeSpan.FromMilliseconds(250);

    /// <summary>The largest retry delay bound. Default 30 s.</summary>
    public TimeSpan RetryMaxDelay
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            field = value;
        }
    } = TimeSpan.FromSeconds(30);

    /// <summary>Inclusion proofs asked for at once while auditing a page. Default 8; 1–64.</summary>
    public int ProofConcurrency
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 64);
            field = value;
        }
    } = 8;

    /// <summary>Threads that check a page's objects (validation, origin signatures, inclusion) at once. Default: the number of
    /// processors, at most 64; 1–64. Pages are still stored one at a time, in order.</summary>
    public int CheckConcurrency
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 64);
            field = value;
        }
    } = Math.Min(Environment.ProcessorCount, 64);

    /// <summary>Called after every successful audit of a partner's checkpoint (the witness's cosigning seam); null: none.</summary>
    public IAuditWitness? Witness { get; init; }
}

/// <summary>What a node does with a partner checkpoint it has just verified: the seam for the node's witness
/// (<c>NodeWitness.CosignAsync</c>), which cosigns it.</summary>
public interface IAuditWitness
{
    /// <summary>Called once per sync, after the partner's checkpoint verified (signature, consistency with the pinned one,
    /// gossip, every received object included) and was pinned. A failure here is logged and fails nothing.</summary>
    /// <param name="partner">The partner's name.</param>
    /// <param name="checkpoint">The verified signed checkpoint note, byte for byte as the partner served it.</param>
    /// <param name="partnerTiles">The partner's log tiles (read-only), from which consistency proofs are made.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task CheckpointVerifiedAsync(string partner, ReadOnlyMemory<byte> checkpoint, ITileStore partnerTiles, CancellationToken cancellationToken = default);
}
