using Detente.Stix;

namespace Detente.Patterns;

/// <summary>An observation expression qualifier (STIX 2.1 §9.5.1): <see cref="WithinQualifier"/>, <see cref="RepeatsQualifier"/> or <see cref="StartStopQualifier"/>.</summary>
public abstract class PatternQualifier : PatternNode
{
    private protected PatternQualifier()
    {
    }
}

/// <summary><c>WITHIN n SECONDS</c>: all matching observations fall within a window of n seconds.</summary>
public sealed class WithinQualifier : PatternQualifier
{
    /// <summary>Creates the qualifier.</summary>
    /// <param name="seconds">The window: finite and not negative (the grammar has no sign here; the validator requires it positive).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="seconds"/> is negative, NaN or infinite.</exception>
    public WithinQualifier(double seconds)
    {
        if (!double.IsFinite(seconds) || seconds < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(seconds), "The window is a finite number of seconds, not negative.");
        }

        Seconds = seconds == 0 ? 0.0 : seconds; // no -0.0: it would print with a sign the grammar does not allow here
    }

    /// <summary>The window in seconds (an integer or a decimal in the pattern).</summary>
    public double Seconds { get; }

    /// <inheritdoc/>
    public override bool Equals(PatternNode? other) => ReferenceEquals(this, other) || (other is WithinQualifier o && Seconds == o.Seconds);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(21, Seconds);
}

/// <summary><c>REPEATS n TIMES</c>: the expression matches n different observations.</summary>
public sealed class RepeatsQualifier : PatternQualifier
{
    /// <summary>Creates the qualifier.</summary>
    /// <param name="count">The number of matches: not negative (the validator requires it positive).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    public RepeatsQualifier(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        Count = count;
    }

    /// <summary>The number of matches required.</summary>
    public int Count { get; }

    /// <inheritdoc/>
    public override bool Equals(PatternNode? other) => ReferenceEquals(this, other) || (other is RepeatsQualifier o && Count == o.Count);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(22, Count);
}

/// <summary><c>START t'…' STOP t'…'</c>: matching observations are at or after the start and before the stop.</summary>
/// <remarks>STIX 2.0 writes the times as strings (<c>START '…' STOP '…'</c>); the tree is the same.</remarks>
public sealed class StartStopQualifier : PatternQualifier
{
    /// <summary>Creates the qualifier; the validator requires <paramref name="start"/> before <paramref name="stop"/>.</summary>
    /// <exception cref="ArgumentException">A timestamp is <c>default(StixTimestamp)</c>, which has no text.</exception>
    public StartStopQualifier(StixTimestamp start, StixTimestamp stop)
    {
        NodeChecks.Timestamp(start, nameof(start));
        NodeChecks.Timestamp(stop, nameof(stop));
        Start = start;
        Stop = stop;
    }

    /// <summary>The first instant included.</summary>
    public StixTimestamp Start { get; }

    /// <summary>The first instant excluded.</summary>
    public StixTimestamp Stop { get; }

    /// <summary>Equal when both times are written the same (as for <see cref="TimestampConstant"/>).</summary>
    public override bool Equals(PatternNode? other) =>
        ReferenceEquals(this, other)
        || (other is StartStopQualifier o && string.Equals(Start.ToString(), o.Start.ToString(), StringComparison.Ordinal)
            && string.Equals(Stop.ToString(), o.Stop.ToString(), StringComparison.Ordinal));

    /// <inheritdoc/>
    public override int GetHashCode() =>
        HashCode.Combine(23, StringComparer.Ordinal.GetHashCode(Start.ToString()), StringComparer.Ordinal.GetHashCode(Stop.ToString()));
}
