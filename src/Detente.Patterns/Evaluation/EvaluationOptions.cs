namespace Detente.Patterns.Evaluation;

/// <summary>Bounds on the work <see cref="PatternEvaluator"/> does for one pattern over one set of observations.</summary>
/// <remarks>
/// Deciding whether observation operators (<c>AND</c>, <c>FOLLOWEDBY</c>, <c>REPEATS</c>) can bind distinct observations
/// is a combinatorial search. The evaluator prunes it (time windows are applied while joining, equivalent bindings are
/// kept once), and these limits bound what remains: when one is reached before a binding is found, the result is
/// <see cref="EvaluationStatus.LimitExceeded"/>, never a hang. A binding found is always genuine, limit or not.
/// </remarks>
public sealed record EvaluationOptions
{
    /// <summary>The defaults: 100,000 bindings per expression, 10,000,000 search steps.</summary>
    public static EvaluationOptions Default { get; } = new();

    /// <summary>The most distinct bindings kept for one observation expression (default 100,000).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is zero or negative.</exception>
    public int MaxBindingsPerExpression
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            field = value;
        }
    } = 100_000;

    /// <summary>The most search steps (candidate joins and combinations tried) for one evaluation (default 10,000,000).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is zero or negative.</exception>
    public long MaxSteps
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            field = value;
        }
    } = 10_000_000;
}
