using Detente.Patterns.Observations;
using Detente.Stix;

namespace Detente.Patterns.Evaluation;

/// <summary>The result of <see cref="PatternEvaluator.Evaluate"/>: whether the pattern matched, and which observations it bound.</summary>
/// <remarks>Immutable. When several bindings satisfy the pattern, the first one the search finds is reported.</remarks>
public sealed class PatternEvaluation
{
    internal PatternEvaluation(EvaluationStatus status, Observation[] bindings, long[] instances, string? reason)
    {
        Status = status;
        Bindings = bindings;
        Instances = instances;
        Reason = reason;
        if (bindings.Length > 0)
        {
            StixTimestamp first = bindings[0].FirstObserved;
            StixTimestamp last = bindings[0].LastObserved;
            foreach (Observation o in bindings)
            {
                first = o.FirstObserved < first ? o.FirstObserved : first;
                last = o.LastObserved > last ? o.LastObserved : last;
            }

            FirstObserved = first;
            LastObserved = last;
        }
    }

    /// <summary>The answer.</summary>
    public EvaluationStatus Status { get; }

    /// <summary>True when <see cref="Status"/> is <see cref="EvaluationStatus.Match"/>.</summary>
    public bool IsMatch => Status == EvaluationStatus.Match;

    /// <summary>The observations the match bound, each once, in the order they were given; empty unless <see cref="IsMatch"/>.</summary>
    public IReadOnlyList<Observation> Bindings { get; }

    /// <summary>
    /// For each of <see cref="Bindings"/>, how many of its <c>number_observed</c> instances the match used (an observation
    /// seen 5 times can satisfy <c>[…] REPEATS 5 TIMES</c> on its own).
    /// </summary>
    public IReadOnlyList<long> Instances { get; }

    /// <summary>The earliest <c>first_observed</c> of the bound observations (for a sighting's <c>first_seen</c>); null without a match.</summary>
    public StixTimestamp? FirstObserved { get; }

    /// <summary>The latest <c>last_observed</c> of the bound observations (for a sighting's <c>last_seen</c>); null without a match.</summary>
    public StixTimestamp? LastObserved { get; }

    /// <summary>Why the status is <see cref="EvaluationStatus.Undetermined"/> or <see cref="EvaluationStatus.LimitExceeded"/>; otherwise null.</summary>
    public string? Reason { get; }

    /// <summary>The status, and the ids or positions of the bound observations.</summary>
    public override string ToString() =>
        IsMatch ? $"{Status}: {string.Join(", ", Bindings.Select(static o => o.Id ?? o.Position.ToString()))}" : Reason is null ? $"{Status}" : $"{Status}: {Reason}";
}
