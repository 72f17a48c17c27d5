namespace Detente.Ledger.Sequencing;

/// <summary>When to seal a batch: after <see cref="MaxEntries"/> pending entries or <see cref="MaxDelay"/> after the first, whichever comes first.</summary>
/// <remarks>
/// Only decides; the node's sequencing loop asks <see cref="ShouldSeal"/> after each added entry and waits
/// <see cref="DelayUntilDue"/> (on the same <see cref="TimeProvider"/>) otherwise. Not thread-safe: one sequencer loop owns it.
/// </remarks>
public sealed class BatchPolicy
{
    private readonly TimeProvider _time;
    private DateTimeOffset? _firstPending;
    private int _pending;

    /// <summary>Creates a policy.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxEntries"/> is not positive or <paramref name="maxDelay"/> is negative.</exception>
    public BatchPolicy(int maxEntries, TimeSpan maxDelay, TimeProvider? timeProvider = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxEntries);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDelay, TimeSpan.Zero);
        MaxEntries = maxEntries;
        MaxDelay = maxDelay;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The most entries in one batch.</summary>
    public int MaxEntries { get; }

    /// <summary>The longest an entry waits for its checkpoint.</summary>
    public TimeSpan MaxDelay { get; }

    /// <summary>The number of entries waiting.</summary>
    public int Pending => _pending;

    /// <summary>Records that <paramref name="count"/> entries were added to the pending batch.</summary>
    public void Added(int count = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        _firstPending ??= _time.GetUtcNow();
        _pending = checked(_pending + count);
    }

    /// <summary>True when the pending batch should be sealed now.</summary>
    public bool ShouldSeal() =>
        _pending > 0 && (_pending >= MaxEntries || _time.GetUtcNow() - _firstPending!.Value >= MaxDelay);

    /// <summary>How long until the pending batch is due; null when nothing is pending.</summary>
    public TimeSpan? DelayUntilDue()
    {
        if (_pending == 0)
        {
            return null;
        }

        TimeSpan left = MaxDelay - (_time.GetUtcNow() - _firstPending!.Value);
        return _pending >= MaxEntries || left < TimeSpan.Zero ? TimeSpan.Zero : left;
    }

    /// <summary>Records that the pending batch was sealed.</summary>
    public void Sealed()
    {
        _pending = 0;
        _firstPending = null;
    }
}
