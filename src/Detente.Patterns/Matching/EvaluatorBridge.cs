using Detente.Patterns.Evaluation;
using Detente.Patterns.Observations;

namespace Detente.Patterns.Matching;

/// <summary>The general evaluator (<see cref="ComparisonEvaluator"/>, <see cref="PatternEvaluator"/>) behind <see cref="IMatchEvaluator"/>.</summary>
/// <remarks>An undecided comparison or evaluation (<see cref="EvaluationStatus.Undetermined"/>, <see cref="EvaluationStatus.LimitExceeded"/>) is not a hit.</remarks>
internal sealed class EvaluatorBridge : IMatchEvaluator
{
    public static EvaluatorBridge Instance { get; } = new();

    public bool Matches(ComparisonExpression comparison, Observation observation) => ComparisonEvaluator.Matches(comparison, observation);

    public bool Matches(Pattern pattern, IReadOnlyList<Observation> observations, out IReadOnlyList<Observation> binding)
    {
        PatternEvaluation evaluation = PatternEvaluator.Evaluate(pattern, observations);
        binding = evaluation.IsMatch ? evaluation.Bindings : [];
        return evaluation.IsMatch;
    }
}
