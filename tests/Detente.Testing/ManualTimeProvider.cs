namespace Detente.Testing;

/// <summary>A clock that stands still until a test moves it, so that tests never depend on real time.</summary>
public sealed class ManualTimeProvider : TimeProvider
{
    private readonly Lock _lock = new();
    private DateTimeOffset _now;

    /// <summary>Creates a clock showing <paramref name="start"/> (default 2026-01-01T00:00:00Z).</summary>
    public ManualTimeProvider(DateTimeOffset? start = null)
    {
        _now = start ?? new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    }

    /// <inheritdoc/>
    public override DateTimeOffset GetUtcNow()
    {
        lock (_lock)
        {
            return _now;
        }
    }

    /// <summary>Moves the clock by <paramref name="delta"/> (which may be negative: clocks do go back).</summary>
    public void Advance(TimeSpan delta)
    {
        lock (_lock)
        {
            _now += delta;
        }
    }

    /// <summary>Sets the clock to <paramref name="now"/>.</summary>
    public void Set(DateTimeOffset now)
    {
        lock (_lock)
        {
            _now = now;
        }
    }
}
