namespace Detente.Patterns.Evaluation;

/// <summary>The answer of an evaluation.</summary>
public enum EvaluationStatus
{
    /// <summary>No binding of observations satisfies the pattern.</summary>
    NoMatch,

    /// <summary>The observations in <see cref="PatternEvaluation.Bindings"/> satisfy the pattern.</summary>
    Match,

    /// <summary>
    /// No binding was found, but some comparison could not be decided (a value that must be read as a timestamp or as
    /// binary data is malformed, a <c>MATCHES</c> expression does not compile or timed out), so a match cannot be ruled out.
    /// </summary>
    Undetermined,

    /// <summary>No binding was found before an <see cref="EvaluationOptions"/> limit was reached.</summary>
    LimitExceeded,
}

/// <summary>The three-valued result of a comparison expression on an observation (Kleene logic).</summary>
public enum ComparisonOutcome
{
    /// <summary>The comparison does not hold.</summary>
    False,

    /// <summary>The comparison holds.</summary>
    True,

    /// <summary>The comparison could not be decided (see <see cref="EvaluationStatus.Undetermined"/>).</summary>
    Unknown,
}
