using System.Collections.Immutable;
using System.Runtime.CompilerServices;

namespace Detente.Patterns;

/// <summary>A comparison expression (STIX 2.1 §9.6): a test of one object's properties, inside an observation expression's brackets.</summary>
/// <remarks>One of <see cref="PropertyComparison"/>, <see cref="ExistsComparison"/> or <see cref="CompoundComparison"/>.</remarks>
public abstract class ComparisonExpression : PatternNode
{
    private protected ComparisonExpression()
    {
    }
}

/// <summary>The Boolean operators that join comparison expressions (STIX 2.1 §9.6); <c>AND</c> binds tighter than <c>OR</c>.</summary>
public enum BooleanOperator
{
    /// <summary><c>AND</c>: both operands hold for the same object.</summary>
    And,

    /// <summary><c>OR</c>: at least one operand holds.</summary>
    Or,
}

/// <summary>The comparison operators of STIX 2.1 §9.6.1 (EXISTS is <see cref="ExistsComparison"/>).</summary>
public enum ComparisonOperator
{
    /// <summary><c>=</c> (also written <c>==</c>).</summary>
    Equal,

    /// <summary><c>!=</c> (also written <c>&lt;&gt;</c>).</summary>
    NotEqual,

    /// <summary><c>&gt;</c>.</summary>
    GreaterThan,

    /// <summary><c>&lt;</c>.</summary>
    LessThan,

    /// <summary><c>&gt;=</c>.</summary>
    GreaterThanOrEqual,

    /// <summary><c>&lt;=</c>.</summary>
    LessThanOrEqual,

    /// <summary><c>IN</c>: the value is one of a <see cref="SetConstant"/>.</summary>
    In,

    /// <summary><c>LIKE</c>: SQL LIKE with <c>%</c> and <c>_</c>, against a <see cref="StringConstant"/>.</summary>
    Like,

    /// <summary><c>MATCHES</c>: a PCRE regular expression, in a <see cref="StringConstant"/>.</summary>
    Matches,

    /// <summary><c>ISSUBSET</c>: an IP address or CIDR block inside the one in a <see cref="StringConstant"/>.</summary>
    IsSubset,

    /// <summary><c>ISSUPERSET</c>: an IP address or CIDR block containing the one in a <see cref="StringConstant"/>.</summary>
    IsSuperset,
}

/// <summary>
/// Two or more comparison expressions joined by one Boolean operator: <c>file:name = 'a' OR file:name = 'b' OR …</c>.
/// </summary>
/// <remarks>
/// As for <see cref="CompoundObservation"/>, a chain of one operator is one node; an operand is a compound of the same
/// operator only when the pattern put it in parentheses.
/// </remarks>
public sealed class CompoundComparison : ComparisonExpression
{
    /// <summary>Creates <c>operand₁ OP operand₂ OP …</c>.</summary>
    /// <exception cref="ArgumentNullException">An operand is null.</exception>
    /// <exception cref="ArgumentException">There are fewer than two operands.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="operator"/> is not defined.</exception>
    public CompoundComparison(BooleanOperator @operator, params ImmutableArray<ComparisonExpression> operands)
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
    public BooleanOperator Operator { get; }

    /// <summary>The operands, at least two, in written order.</summary>
    public ImmutableArray<ComparisonExpression> Operands { get; }

    /// <inheritdoc/>
    public override bool Equals(PatternNode? other)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        return ReferenceEquals(this, other)
            || (other is CompoundComparison o && Operator == o.Operator && NodeChecks.SequenceEqual(Operands, o.Operands));
    }

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        return HashCode.Combine(4, Operator, NodeChecks.SequenceHash(Operands));
    }
}

/// <summary>An object path compared with a constant: <c>file:size &gt; 1024</c>, <c>process:name NOT IN ('a', 'b')</c>.</summary>
public sealed class PropertyComparison : ComparisonExpression
{
    /// <summary>Creates <c>path [NOT] operator value</c>.</summary>
    /// <param name="path">The object path.</param>
    /// <param name="operator">The comparison operator.</param>
    /// <param name="value">The constant: a <see cref="SetConstant"/> for <c>IN</c> and only there; a <see cref="StringConstant"/>
    /// for <c>LIKE</c>, <c>MATCHES</c>, <c>ISSUBSET</c> and <c>ISSUPERSET</c>; not a <see cref="BooleanConstant"/> for the
    /// ordering operators (the grammar's rules).</param>
    /// <param name="negated">True for <c>NOT</c> before the operator.</param>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> or <paramref name="value"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="value"/> is not a kind of constant the operator takes.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="operator"/> is not defined.</exception>
    public PropertyComparison(ObjectPath path, ComparisonOperator @operator, PatternConstant value, bool negated = false)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(value);
        bool fits = @operator switch
        {
            ComparisonOperator.Equal or ComparisonOperator.NotEqual => value is not SetConstant,
            ComparisonOperator.GreaterThan or ComparisonOperator.LessThan or ComparisonOperator.GreaterThanOrEqual
                or ComparisonOperator.LessThanOrEqual => value is not SetConstant and not BooleanConstant,
            ComparisonOperator.In => value is SetConstant,
            ComparisonOperator.Like or ComparisonOperator.Matches or ComparisonOperator.IsSubset
                or ComparisonOperator.IsSuperset => value is StringConstant,
            _ => throw new ArgumentOutOfRangeException(nameof(@operator)),
        };
        if (!fits)
        {
            throw new ArgumentException($"The {@operator} operator does not take a {value.GetType().Name}.", nameof(value));
        }

        Path = path;
        Operator = @operator;
        Value = value;
        Negated = negated;
    }

    /// <summary>The object path on the left.</summary>
    public ObjectPath Path { get; }

    /// <summary>The comparison operator.</summary>
    public ComparisonOperator Operator { get; }

    /// <summary>The constant on the right.</summary>
    public PatternConstant Value { get; }

    /// <summary>True when <c>NOT</c> precedes the operator: the comparison's result is negated.</summary>
    public bool Negated { get; }

    /// <inheritdoc/>
    public override bool Equals(PatternNode? other) =>
        ReferenceEquals(this, other)
        || (other is PropertyComparison o && Operator == o.Operator && Negated == o.Negated && Path.Equals(o.Path) && Value.Equals(o.Value));

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(5, Path, Operator, Value, Negated);
}

/// <summary><c>[NOT] EXISTS path</c>: the object has the property (STIX 2.1 §9.6.1; not in STIX 2.0).</summary>
public sealed class ExistsComparison : ComparisonExpression
{
    /// <summary>Creates <c>[NOT] EXISTS path</c>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is null.</exception>
    public ExistsComparison(ObjectPath path, bool negated = false)
    {
        ArgumentNullException.ThrowIfNull(path);
        Path = path;
        Negated = negated;
    }

    /// <summary>The object path whose presence is tested.</summary>
    public ObjectPath Path { get; }

    /// <summary>True for <c>NOT EXISTS</c>.</summary>
    public bool Negated { get; }

    /// <inheritdoc/>
    public override bool Equals(PatternNode? other) =>
        ReferenceEquals(this, other) || (other is ExistsComparison o && Negated == o.Negated && Path.Equals(o.Path));

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(6, Path, Negated);
}
