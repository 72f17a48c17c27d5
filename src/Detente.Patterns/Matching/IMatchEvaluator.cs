using Detente.Patterns.Observations;

namespace Detente.Patterns.Matching;

/// <summary>The general evaluator as the compiled matcher uses it: to verify candidates and to run multi-observation patterns.</summary>
internal interface IMatchEvaluator
{
    /// <summary>True when some object of <paramref name="observation"/> satisfies <paramref name="comparison"/> (the inside of <c>[…]</c>).</summary>
    public bool Matches(ComparisonExpression comparison, Observation observation);

    /// <summary>True when <paramref name="pattern"/> matches <paramref name="observations"/>; <paramref name="binding"/> lists the observations of the match found.</summary>
    public bool Matches(Pattern pattern, IReadOnlyList<Observation> observations, out IReadOnlyList<Observation> binding);
}
