namespace Detente.Testing;

/// <summary>
/// A clock whose timers fire only when the test moves it: <c>Task.Delay(d, clock)</c> completes when <see cref="Advance"/>
/// passes its due time, never by itself. <see cref="WaitForTimersAsync"/> lets a test wait until code under test is waiting
/// on the clock, so that schedules are tested without sleeping or real time.
/// </summary>
public sealed class SteppedTimeProvider : TimeProvider
{
    private readonly Lock _lock = new();
    private readonly List<SteppedTimer> _timers = [];
    private DateTimeOffset _now;
    private TaskCompletionSource _armed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Creates a clock showing <paramref name="start"/> (default 2026-01-01T00:00:00Z).</summary>
    public SteppedTimeProvider(DateTimeOffset? start = null)
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

    /// <summary>How many timers are armed (waiting for the clock).</summary>
    public int ArmedTimers
    {
        get
        {
            lock (_lock)
            {
                return _timers.Count(static t => t.Due is not null);
            }
        }
    }

    /// <summary>Waits until at least <paramref name="count"/> timers are armed.</summary>
    public async Task WaitForTimersAsync(int count, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task armed;
            lock (_lock)
            {
                if (_timers.Count(static t => t.Due is not null) >= count)
                {
                    return;
                }

                armed = _armed.Task;
            }

            await armed.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Moves the clock forward by <paramref name="delta"/> and fires every timer now due (periodic ones re-arm).</summary>
    public void Advance(TimeSpan delta)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delta, TimeSpan.Zero);
        var due = new List<SteppedTimer>();
        lock (_lock)
        {
            _now += delta;
            foreach (SteppedTimer timer in _timers)
            {
                if (timer.Due is { } at && at <= _now)
                {
                    due.Add(timer);
                    timer.Due = timer.Period is { } period ? _now + period : null;
                }
            }
        }

        foreach (SteppedTimer timer in due)
        {
            timer.Fire();
        }
    }

    /// <inheritdoc/>
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new SteppedTimer(this, callback, state);
        lock (_lock)
        {
            _timers.Add(timer);
        }

        timer.Change(dueTime, period);
        return timer;
    }

    private void Arm(SteppedTimer timer, TimeSpan dueTime, TimeSpan period)
    {
        bool fireNow = false;
        lock (_lock)
        {
            if (!_timers.Contains(timer))
            {
                return;
            }

            timer.Period = period == Timeout.InfiniteTimeSpan || period == TimeSpan.Zero ? null : period;
            if (dueTime == Timeout.InfiniteTimeSpan)
            {
                timer.Due = null;
            }
            else if (dueTime <= TimeSpan.Zero)
            {
                fireNow = true;
                timer.Due = timer.Period is { } p ? _now + p : null;
            }
            else
            {
                timer.Due = _now + dueTime;
                TaskCompletionSource armed = _armed;
                _armed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                armed.SetResult();
            }
        }

        if (fireNow)
        {
            timer.Fire();
        }
    }

    private void Remove(SteppedTimer timer)
    {
        lock (_lock)
        {
            _timers.Remove(timer);
        }
    }

    private sealed class SteppedTimer(SteppedTimeProvider clock, TimerCallback callback, object? state) : ITimer
    {
        public DateTimeOffset? Due { get; set; }

        public TimeSpan? Period { get; set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            clock.Arm(this, dueTime, period);
            return true;
        }

        public void Fire() => callback(state);

        public void Dispose() => clock.Remove(this);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
