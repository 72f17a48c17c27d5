using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace Detente.Patterns.Parsing;

/// <summary>Writes syntax trees in the canonical pattern syntax that <see cref="PatternParser"/> reads back to an equal tree.</summary>
/// <remarks>
/// Canonical form: single spaces around operators and keywords, none inside brackets and parentheses; parentheses only
/// where the tree needs them (an operand of lower or equal precedence, or a qualified expression qualified again);
/// <c>=</c> and <c>!=</c> for the alternative spellings <c>==</c> and <c>&lt;&gt;</c>; names quoted only when the grammar
/// requires it; numbers without a plus sign or exponent; base64 padded; hex in lower case; no comments.
/// </remarks>
internal static class PatternPrinter
{
    public static string Print(Pattern pattern)
    {
        var builder = new StringBuilder();
        Observation(builder, pattern.Root, pattern.Version);
        return builder.ToString();
    }

    public static string Print(PatternNode node, PatternVersion version)
    {
        var builder = new StringBuilder();
        switch (node)
        {
            case ObservationExpression observation:
                Observation(builder, observation, version);
                break;
            case ComparisonExpression comparison:
                Comparison(builder, comparison);
                break;
            case ObjectPath path:
                Path(builder, path);
                break;
            case PatternConstant constant:
                Constant(builder, constant);
                break;
            case PatternQualifier qualifier:
                Qualifier(builder, qualifier, version);
                break;
        }

        return builder.ToString();
    }

    public static string Print(PathComponent component)
    {
        var builder = new StringBuilder();
        Component(builder, component);
        return builder.ToString();
    }

    private static int Precedence(ObservationOperator op) => op switch
    {
        ObservationOperator.And => 3,
        ObservationOperator.Or => 2,
        _ => 1,
    };

    private static void Observation(StringBuilder builder, ObservationExpression expression, PatternVersion version)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        switch (expression)
        {
            case SimpleObservation simple:
                builder.Append('[');
                Comparison(builder, simple.Comparison);
                builder.Append(']');
                break;

            case CompoundObservation compound:
                string op = compound.Operator switch
                {
                    ObservationOperator.And => " AND ",
                    ObservationOperator.Or => " OR ",
                    _ => " FOLLOWEDBY ",
                };
                for (int i = 0; i < compound.Operands.Length; i++)
                {
                    if (i > 0)
                    {
                        builder.Append(op);
                    }

                    ObservationExpression operand = compound.Operands[i];
                    bool parenthesize = operand is CompoundObservation inner && Precedence(inner.Operator) <= Precedence(compound.Operator);
                    Parenthesized(builder, operand, version, parenthesize);
                }

                break;

            case QualifiedObservation qualified:
                Parenthesized(builder, qualified.Expression, version, qualified.Expression is CompoundObservation or QualifiedObservation);
                foreach (PatternQualifier qualifier in qualified.Qualifiers)
                {
                    builder.Append(' ');
                    Qualifier(builder, qualifier, version);
                }

                break;
        }
    }

    private static void Parenthesized(StringBuilder builder, ObservationExpression expression, PatternVersion version, bool parenthesize)
    {
        if (parenthesize)
        {
            builder.Append('(');
        }

        Observation(builder, expression, version);
        if (parenthesize)
        {
            builder.Append(')');
        }
    }

    private static void Qualifier(StringBuilder builder, PatternQualifier qualifier, PatternVersion version)
    {
        switch (qualifier)
        {
            case WithinQualifier within:
                builder.Append("WITHIN ");
                string seconds = FormatFloat(within.Seconds);
                builder.Append(seconds.EndsWith(".0", StringComparison.Ordinal) ? seconds.AsSpan(0, seconds.Length - 2) : seconds);
                builder.Append(" SECONDS");
                break;

            case RepeatsQualifier repeats:
                builder.Append("REPEATS ").Append(repeats.Count.ToString(CultureInfo.InvariantCulture)).Append(" TIMES");
                break;

            case StartStopQualifier startStop:
                string quote = version == PatternVersion.V21 ? "t'" : "'";
                builder.Append("START ").Append(quote).Append(startStop.Start.ToString()).Append("' STOP ")
                    .Append(quote).Append(startStop.Stop.ToString()).Append('\'');
                break;
        }
    }

    private static void Comparison(StringBuilder builder, ComparisonExpression expression)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        switch (expression)
        {
            case CompoundComparison compound:
                string op = compound.Operator == BooleanOperator.And ? " AND " : " OR ";
                for (int i = 0; i < compound.Operands.Length; i++)
                {
                    if (i > 0)
                    {
                        builder.Append(op);
                    }

                    ComparisonExpression operand = compound.Operands[i];

                    // AND binds tighter than OR: only an operand of equal or lower precedence needs parentheses.
                    bool parenthesize = operand is CompoundComparison inner && (inner.Operator == compound.Operator || inner.Operator == BooleanOperator.Or);
                    if (parenthesize)
                    {
                        builder.Append('(');
                    }

                    Comparison(builder, operand);
                    if (parenthesize)
                    {
                        builder.Append(')');
                    }
                }

                break;

            case PropertyComparison comparison:
                Path(builder, comparison.Path);
                builder.Append(comparison.Negated ? " NOT " : " ");
                builder.Append(comparison.Operator switch
                {
                    ComparisonOperator.Equal => "=",
                    ComparisonOperator.NotEqual => "!=",
                    ComparisonOperator.GreaterThan => ">",
                    ComparisonOperator.LessThan => "<",
                    ComparisonOperator.GreaterThanOrEqual => ">=",
                    ComparisonOperator.LessThanOrEqual => "<=",
                    ComparisonOperator.In => "IN",
                    ComparisonOperator.Like => "LIKE",
                    ComparisonOperator.Matches => "MATCHES",
                    ComparisonOperator.IsSubset => "ISSUBSET",
                    _ => "ISSUPERSET",
                });
                builder.Append(' ');
                Constant(builder, comparison.Value);
                break;

            case ExistsComparison exists:
                builder.Append(exists.Negated ? "NOT EXISTS " : "EXISTS ");
                Path(builder, exists.Path);
                break;
        }
    }

    private static void Path(StringBuilder builder, ObjectPath path)
    {
        builder.Append(path.ObjectType).Append(':');
        Name(builder, path.Components[0].Name!);
        for (int i = 1; i < path.Components.Length; i++)
        {
            Component(builder, path.Components[i]);
        }
    }

    private static void Component(StringBuilder builder, PathComponent component)
    {
        switch (component.Kind)
        {
            case PathComponentKind.Property:
                builder.Append('.');
                Name(builder, component.Name ?? string.Empty);
                break;
            case PathComponentKind.Index:
                builder.Append('[').Append(component.Index.ToString(CultureInfo.InvariantCulture)).Append(']');
                break;
            default:
                builder.Append("[*]");
                break;
        }
    }

    /// <summary>A property name: bare when the grammar allows it (an identifier without hyphens, not a keyword), else quoted.</summary>
    private static void Name(StringBuilder builder, string name)
    {
        if (Lexicon.IsBarePropertyName(name))
        {
            builder.Append(name);
        }
        else
        {
            Quoted(builder, name);
        }
    }

    private static void Constant(StringBuilder builder, PatternConstant constant)
    {
        switch (constant)
        {
            case StringConstant text:
                Quoted(builder, text.Value);
                break;
            case IntegerConstant integer:
                builder.Append(integer.Value.ToString(CultureInfo.InvariantCulture));
                break;
            case FloatConstant number:
                builder.Append(FormatFloat(number.Value));
                break;
            case BooleanConstant boolean:
                builder.Append(boolean.Value ? "true" : "false");
                break;
            case TimestampConstant timestamp:
                builder.Append("t'").Append(timestamp.Value.ToString()).Append('\'');
                break;
            case BinaryConstant { Encoding: BinaryEncoding.Base64 } binary:
                builder.Append("b'").Append(Convert.ToBase64String(binary.Value.AsSpan())).Append('\'');
                break;
            case BinaryConstant binary:
                builder.Append("h'").Append(Convert.ToHexStringLower(binary.Value.AsSpan())).Append('\'');
                break;
            case SetConstant set:
                builder.Append('(');
                for (int i = 0; i < set.Items.Length; i++)
                {
                    if (i > 0)
                    {
                        builder.Append(", ");
                    }

                    Constant(builder, set.Items[i]);
                }

                builder.Append(')');
                break;
        }
    }

    /// <summary>A string constant: apostrophes, with <c>\</c> and <c>'</c> escaped (the grammar's only escapes).</summary>
    private static void Quoted(StringBuilder builder, string value)
    {
        builder.Append('\'');
        foreach (char c in value)
        {
            if (c is '\'' or '\\')
            {
                builder.Append('\\');
            }

            builder.Append(c);
        }

        builder.Append('\'');
    }

    /// <summary>
    /// A double as the grammar's float (<c>-?[0-9]+\.[0-9]+</c>, no exponent): the shortest digits that read back to the
    /// same double, written out in full.
    /// </summary>
    internal static string FormatFloat(double value)
    {
        string shortest = value.ToString("R", CultureInfo.InvariantCulture); // e.g. "7", "-0", "0.1", "1E+300", "1.5E-07"
        bool negative = shortest[0] == '-';
        ReadOnlySpan<char> text = negative ? shortest.AsSpan(1) : shortest;
        int exponent = 0;
        int e = text.IndexOf('E');
        if (e >= 0)
        {
            exponent = int.Parse(text[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            text = text[..e];
        }

        int dot = text.IndexOf('.');
        string digits = dot < 0 ? text.ToString() : string.Concat(text[..dot], text[(dot + 1)..]);
        int point = (dot < 0 ? text.Length : dot) + exponent; // digits before the decimal point

        string whole;
        string fraction;
        if (point <= 0)
        {
            whole = "0";
            fraction = new string('0', -point) + digits;
        }
        else if (point >= digits.Length)
        {
            whole = digits + new string('0', point - digits.Length);
            fraction = "0";
        }
        else
        {
            whole = digits[..point];
            fraction = digits[point..];
        }

        whole = whole.TrimStart('0');
        fraction = fraction.TrimEnd('0');
        return string.Concat(negative ? "-" : string.Empty, whole.Length == 0 ? "0" : whole, ".", fraction.Length == 0 ? "0" : fraction);
    }
}
