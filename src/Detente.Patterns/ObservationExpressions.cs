using System.Collections.Immutable;
using System.Runtime.CompilerServices;

namespace Detente.Patterns;

/// <summary>An observation expression (STIX 2.1 §9.5): what one or more observations must show.</summary>
/// <remarks>One of <see cref="SimpleObservation"/>, <see cref="CompoundObservation"/> or <see cref="QualifiedObservation"/>.</remarks>
public abstract class ObservationExpression : PatternNode
{
    private protected ObservationExpression()
    {
    }
}

/// <summary>The observation operators that join observation expressions (STIX 2.1 §9.5.2), highest precedence first.</summary>
public enum ObservationOperator
{
    /// <summary><c>AND</c>: every operand matches, each on a different observation.</summary>
    And,

    /// <summary><c>OR</c>: at least one operand matches.</summary>
    Or,

    /// <summary><c>FOLLOWEDBY</c>: every operand matches, on different observations, each at or after the one before.</summary>
    FollowedBy,
}

/// <summary>Comparison expressions in square brackets, matched against a single observation: <c>[ipv4-addr:value = '198.51.100.3']</c>.</summary>
public sealed class SimpleObservation : ObservationExpression
{
    /// <summary>Creates the observation expression <c>[comparison]</c>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="comparison"/> is null.</exception>
    public SimpleObservation(ComparisonExpression comparison)
    {
        ArgumentNullException.ThrowIfNull(comparison);
        Comparison = comparison;
    }

    /// <summary>The comparison expression between the brackets.</summary>
    public ComparisonExpression Comparison { get; }

    /// <inheritdoc/>
    public override bool Equals(PatternNode? other) =>
        ReferenceEquals(this, other) || (other is SimpleObservation o && Comparison.Equals(o.Comparison));

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(1, Comparison);
}

/// <summary>
/// Two or more observation expressions joined by one observation operator: <c>[a] AND [b] AND [c]</c>.
/// </summary>
/// <remarks>
/// A chain of one operator is one node with all its operands, in order (the operators associate left to right, and
/// <c>AND</c>, <c>OR</c> and <c>FOLLOWEDBY</c> are associative), so the depth of the tree grows with parentheses only.
/// An operand is itself a compound of the same operator only when the pattern put it in parentheses.
/// </remarks>
public sealed class CompoundObservation : ObservationExpression
{
    /// <summary>Creates <c>operand₁ OP operand₂ OP …</c>.</summary>
    /// <exception cref="ArgumentNullException">An operand is null.</exception>
    /// <exception cref="ArgumentException">There are fewer than two operands.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="operator"/> is not defined.</exception>
    public CompoundObservation(ObservationOperator @operator, params ImmutableArray<ObservationExpression> operands)
    {
        if (!Enum.IsDefined(@operator))
        {
            throw new ArgumentOutOfRangeException(nameof(@operator));
        }

        NodeChecks.Operands(operands, nameof(operands));
        Operator = @operator;
        Operands = operands;
    }

    /// <summary>The operator joining the operands.</summary>
    public ObservationOperator Operator { get; }

    /// <summary>The operands, at least two, in written order.</summary>
    public ImmutableArray<ObservationExpression> Operands { get; }

    /// <inheritdoc/>
    public override bool Equals(PatternNode? other)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        return ReferenceEquals(this, other)
            || (other is CompoundObservation o && Operator == o.Operator && NodeChecks.SequenceEqual(Operands, o.Operands));
    }

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        return HashCode.Combine(2, Operator, NodeChecks.SequenceHash(Operands));
    }
}

/// <summary>An observation expression restricted by qualifiers: <c>[a] REPEATS 5 TIMES WITHIN 600 SECONDS</c> (STIX 2.1 §9.5.1).</summary>
/// <remarks>
/// The qualifiers written one after another on the same expression are one node, in written order. Qualifiers on a
/// parenthesized expression that already has qualifiers nest: <c>([a] WITHIN 5 SECONDS) REPEATS 2 TIMES</c>.
/// </remarks>
public sealed class QualifiedObservation : ObservationExpression
{
    /// <summary>Creates <c>expression QUALIFIER₁ QUALIFIER₂ …</c>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="expression"/> or a qualifier is null.</exception>
    /// <exception cref="ArgumentException">There is no qualifier.</exception>
    public QualifiedObservation(ObservationExpression expression, params ImmutableArray<PatternQualifier> qualifiers)
    {
        ArgumentNullException.ThrowIfNull(expression);
        if (qualifiers.IsDefaultOrEmpty)
        {
            throw new ArgumentException("A qualified observation expression has at least one qualifier.", nameof(qualifiers));
        }

        foreach (PatternQualifier qualifier in qualifiers)
        {
            ArgumentNullException.ThrowIfNull(qualifier, nameof(qualifiers));
        }

        Expression = expression;
        Qualifiers = qualifiers;
    }

    /// <summary>The expression the qualifiers apply to.</summary>
    public ObservationExpression Expression { get; }

    /// <summary>The qualifiers, at least one, in written order.</summary>
    public ImmutableArray<PatternQualifier> Qualifiers { get; }

    /// <inheritdoc/>
    public override bool Equals(PatternNode? other)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        return ReferenceEquals(this, other)
            || (other is QualifiedObservation o && Expression.Equals(o.Expression) && NodeChecks.SequenceEqual(Qualifiers, o.Qualifiers));
    }

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        return HashCode.Combine(3, Expression, NodeChecks.SequenceHash(Qualifiers));
    }
}
