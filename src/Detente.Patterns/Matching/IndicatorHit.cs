using Detente.Patterns.Observations;
using Detente.Stix;

namespace Detente.Patterns.Matching;

/// <summary>An indicator that matched: which one, where, and when.</summary>
/// <param name="IndicatorId">The indicator's id.</param>
/// <param name="Position">Where the event that completed the match came from (line and byte offset of a flat log line; line or index of a STIX observed-data).</param>
/// <param name="FirstObserved">The earliest <c>first_observed</c> of the observations that matched (the event time for a flat line).</param>
/// <param name="LastObserved">The latest <c>last_observed</c> of the observations that matched.</param>
/// <param name="ObservedDataIds">The ids of the observed-data that matched, in order; empty for flat log lines.</param>
public sealed record IndicatorHit(
    string IndicatorId,
    SourcePosition Position,
    StixTimestamp FirstObserved,
    StixTimestamp LastObserved,
    IReadOnlyList<string> ObservedDataIds);
