using Detente.Patterns.Observations;

namespace Detente.Patterns.Evaluation;

/// <summary>
/// Decides whether a whole pattern holds over a set of observations (STIX 2.1 §9.5): observation operators <c>AND</c>,
/// <c>OR</c>, <c>FOLLOWEDBY</c>, and the qualifiers <c>WITHIN</c>, <c>REPEATS</c>, <c>START … STOP</c>, nested in any way.
/// </summary>
/// <remarks>
/// <para>A <em>binding</em> is the multiset of observation instances that satisfies an expression: an observation with
/// <c>number_observed</c> n stands for n instances with its times and objects (as the OASIS reference matcher reads it).
/// <c>[…]</c> binds one instance of an observation its comparison expression holds for; <c>OR</c> binds what one operand
/// binds; <c>AND</c> and <c>FOLLOWEDBY</c> bind one binding per operand, using no instance twice, <c>FOLLOWEDBY</c>
/// with every left first_observed at or before every right last_observed; <c>REPEATS n TIMES</c> binds n bindings of
/// its expression, using no instance twice; <c>WITHIN d SECONDS</c> keeps bindings whose times fit in d seconds (the
/// latest first_observed minus the earliest last_observed is at most d); <c>START s STOP t</c> keeps bindings whose every
/// observation overlaps [s, t) (last_observed ≥ s and first_observed &lt; t). The full table, with its reasons, is in
/// the library's README ("Evaluation semantics").</para>
/// <para>The search keeps equivalent bindings once (instances of one observation are interchangeable), applies the
/// time windows of enclosing qualifiers while it joins (a binding that breaks one cannot become part of a match), stops
/// at the first match, and is bounded by <see cref="EvaluationOptions"/>. Thread-safe; the inputs are not modified.</para>
/// </remarks>
public static class PatternEvaluator
{
    /// <summary>Evaluates <paramref name="pattern"/> over <paramref name="observations"/>.</summary>
    /// <param name="pattern">The pattern (either grammar; the tree decides).</param>
    /// <param name="observations">The observations, in any order; their times decide the temporal operators.</param>
    /// <param name="options">Search bounds; <see cref="EvaluationOptions.Default"/> when null.</param>
    /// <returns>The status and, for a match, the observations bound.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="pattern"/> or <paramref name="observations"/> is null, or an observation is null.</exception>
    public static PatternEvaluation Evaluate(Pattern pattern, IReadOnlyList<Observation> observations, EvaluationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(observations);
        for (int i = 0; i < observations.Count; i++)
        {
            ArgumentNullException.ThrowIfNull(observations[i], nameof(observations));
        }

        var search = new BindingSearch(observations, options ?? EvaluationOptions.Default);
        return search.Run(pattern.Root);
    }
}
