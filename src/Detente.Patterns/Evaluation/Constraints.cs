using Detente.Patterns.Observations;
using Detente.Stix;

namespace Detente.Patterns.Evaluation;

/// <summary>
/// The time qualifiers a binding must satisfy because an enclosing expression (or the expression itself) carries them:
/// the narrowest <c>WITHIN</c>, and every <c>START … STOP</c>. Immutable.
/// </summary>
/// <remarks>
/// A binding's span is its latest <c>first_observed</c> minus its earliest <c>last_observed</c>: the smallest window that
/// touches every observation's [first_observed, last_observed] interval (0 or less when they overlap). Adding
/// observations to a binding never shrinks the span and never frees it from a START/STOP, so a binding these
/// constraints refuse cannot be part of a binding they accept. Spans are compared at .NET's 100 ns resolution.
/// </remarks>
internal sealed class Constraints
{
    private readonly double _withinTicks;
    private readonly StartStopQualifier[]? _windows;

    private Constraints(double withinTicks, StartStopQualifier[]? windows)
    {
        _withinTicks = withinTicks;
        _windows = windows;
    }

    /// <summary>No constraint.</summary>
    public static Constraints None { get; } = new(double.PositiveInfinity, null);

    /// <summary>These constraints and, if it is a time qualifier, <paramref name="qualifier"/>.</summary>
    public Constraints With(PatternQualifier qualifier) => qualifier switch
    {
        WithinQualifier within => new(Math.Min(_withinTicks, within.Seconds * TimeSpan.TicksPerSecond), _windows),
        StartStopQualifier window => new(window.Start < window.Stop ? _withinTicks : double.NegativeInfinity, [.. _windows ?? [], window]),
        _ => this,
    };

    /// <summary>True when the observation lies in every START/STOP window (last_observed ≥ START, first_observed &lt; STOP).</summary>
    /// <remarks>A window whose START is not before its STOP admits nothing (no instant is both ≥ START and &lt; STOP).</remarks>
    public bool Admits(Observation observation)
    {
        if (_windows is null)
        {
            return true;
        }

        if (double.IsNegativeInfinity(_withinTicks))
        {
            return false;
        }

        foreach (StartStopQualifier window in _windows)
        {
            if (observation.LastObserved < window.Start || observation.FirstObserved >= window.Stop)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>True when the binding fits the WITHIN span and every START/STOP window.</summary>
    public bool Admits(Binding binding)
    {
        if (double.IsNegativeInfinity(_withinTicks) || Span(binding.MaxFirst, binding.MinLast) > _withinTicks)
        {
            return false;
        }

        if (_windows is not null)
        {
            foreach (StartStopQualifier window in _windows)
            {
                if (binding.MinLast < window.Start || binding.MaxFirst >= window.Stop)
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>True when the union of <paramref name="a"/> and <paramref name="b"/> would fit (checked before building it).</summary>
    public bool Admits(Binding a, Binding b)
    {
        StixTimestamp maxFirst = a.MaxFirst > b.MaxFirst ? a.MaxFirst : b.MaxFirst;
        StixTimestamp minLast = a.MinLast < b.MinLast ? a.MinLast : b.MinLast;
        if (double.IsNegativeInfinity(_withinTicks) || Span(maxFirst, minLast) > _withinTicks)
        {
            return false;
        }

        if (_windows is not null)
        {
            foreach (StartStopQualifier window in _windows)
            {
                if (minLast < window.Start || maxFirst >= window.Stop)
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>
    /// False when adding <paramref name="next"/>, or anything whose latest first_observed is no earlier, to
    /// <paramref name="sofar"/> would break the WITHIN span.
    /// </summary>
    public bool CanExtend(Binding sofar, Binding next) => Span(next.MaxFirst, sofar.MinLast) <= _withinTicks;

    private static double Span(StixTimestamp latestFirst, StixTimestamp earliestLast) =>
        (latestFirst.Value - earliestLast.Value).Ticks;
}
