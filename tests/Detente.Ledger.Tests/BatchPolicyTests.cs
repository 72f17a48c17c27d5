using Detente.Ledger.Sequencing;
using Detente.Testing;

namespace Detente.Ledger.Tests;

public sealed class BatchPolicyTests
{
    [Fact]
    public void A_batch_is_sealed_after_max_entries_or_max_delay_whichever_comes_first()
    {
        var time = new ManualTimeProvider(new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.Zero));
        var policy = new BatchPolicy(3, TimeSpan.FromSeconds(1), time);
        Assert.False(policy.ShouldSeal());
        Assert.Null(policy.DelayUntilDue());

        policy.Added();
        Assert.False(policy.ShouldSeal());
        Assert.Equal(TimeSpan.FromSeconds(1), policy.DelayUntilDue());
        time.Advance(TimeSpan.FromMilliseconds(400));
        Assert.Equal(TimeSpan.FromMilliseconds(600), policy.DelayUntilDue());
        policy.Added(2);
        Assert.True(policy.ShouldSeal());
        Assert.Equal(TimeSpan.Zero, policy.DelayUntilDue());
        policy.Sealed();
        Assert.Equal(0, policy.Pending);

        policy.Added();
        time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.False(policy.ShouldSeal());
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(policy.ShouldSeal());
    }

    [Fact]
    public void Nonsense_settings_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new BatchPolicy(0, TimeSpan.FromSeconds(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BatchPolicy(1, TimeSpan.FromSeconds(-1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BatchPolicy(1, TimeSpan.Zero).Added(0));
    }
}
