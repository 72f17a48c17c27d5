using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using Detente.Patterns.Parsing;

namespace Detente.Patterns;

/// <summary>A parsed STIX pattern (STIX 2.1 §9): its observation expression tree and the grammar version it follows.</summary>
/// <remarks>
/// <para>
/// Immutable and thread-safe. Two patterns are equal when their versions and trees are equal (structurally, see
/// <see cref="PatternNode"/>). <see cref="ToString"/> prints the canonical text, which parses back to an equal pattern.
/// </para>
/// <para>
/// The tree: <see cref="Root"/> is a <see cref="SimpleObservation"/> (<c>[…]</c>), a <see cref="CompoundObservation"/>
/// (<c>AND</c>, <c>OR</c>, <c>FOLLOWEDBY</c>) or a <see cref="QualifiedObservation"/> (<c>WITHIN</c>, <c>REPEATS</c>,
/// <c>START … STOP</c>). Inside the brackets, a <see cref="ComparisonExpression"/> is a <see cref="PropertyComparison"/>,
/// an <see cref="ExistsComparison"/> or a <see cref="CompoundComparison"/> (<c>AND</c>, <c>OR</c>). Parentheses leave no
/// node: they shape the tree.
/// </para>
/// </remarks>
public sealed class Pattern : IEquatable<Pattern>
{
    /// <summary>Creates a pattern from a tree built in code.</summary>
    /// <param name="root">The observation expression.</param>
    /// <param name="version">The grammar the pattern follows; it decides how the pattern prints.</param>
    /// <exception cref="ArgumentNullException"><paramref name="root"/> is null.</exception>
    /// <exception cref="ArgumentException">The tree cannot be written in <paramref name="version"/>: <c>EXISTS</c> in a 2.0 pattern.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="version"/> is not defined.</exception>
    public Pattern(ObservationExpression root, PatternVersion version = PatternVersion.V21)
    {
        ArgumentNullException.ThrowIfNull(root);
        CheckVersion(version);
        if (version == PatternVersion.V20 && HasExists(root))
        {
            throw new ArgumentException("STIX 2.0 patterns have no EXISTS.", nameof(root));
        }

        Root = root;
        Version = version;
    }

    /// <summary>The parser's constructor: the tree was read in <paramref name="version"/>.</summary>
    internal Pattern(ObservationExpression root, PatternVersion version, bool trusted)
    {
        System.Diagnostics.Debug.Assert(trusted);
        Root = root;
        Version = version;
    }

    /// <summary>The observation expression the pattern consists of.</summary>
    public ObservationExpression Root { get; }

    /// <summary>The grammar the pattern follows.</summary>
    public PatternVersion Version { get; }

    /// <summary>Parses a STIX pattern.</summary>
    /// <param name="text">The pattern, e.g. <c>[ipv4-addr:value = '198.51.100.3']</c>.</param>
    /// <param name="version">The grammar: STIX 2.1 (default) or 2.0.</param>
    /// <param name="limits">Bounds on length and nesting; <see cref="PatternLimits.Default"/> when null.</param>
    /// <returns>The pattern. It has passed the grammar, not the semantic rules: see <c>PatternValidator</c>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="version"/> is not defined.</exception>
    /// <exception cref="PatternSyntaxException">The text is not a pattern of that grammar, has an invalid constant, or exceeds a limit.</exception>
    public static Pattern Parse(string text, PatternVersion version = PatternVersion.V21, PatternLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        CheckVersion(version);
        return PatternParser.Parse(text, version, limits ?? PatternLimits.Default);
    }

    /// <summary>Parses a STIX pattern, answering false rather than throwing when it is not one.</summary>
    /// <param name="text">The pattern text.</param>
    /// <param name="pattern">The pattern, when the text is one.</param>
    /// <param name="version">The grammar: STIX 2.1 (default) or 2.0.</param>
    /// <param name="limits">Bounds on length and nesting; <see cref="PatternLimits.Default"/> when null.</param>
    /// <returns>True when <paramref name="text"/> is a pattern; <see cref="Parse"/> says why not.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="version"/> is not defined.</exception>
    public static bool TryParse(string text, [NotNullWhen(true)] out Pattern? pattern, PatternVersion version = PatternVersion.V21, PatternLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        CheckVersion(version);
        try
        {
            pattern = PatternParser.Parse(text, version, limits ?? PatternLimits.Default);
            return true;
        }
        catch (PatternSyntaxException)
        {
            pattern = null;
            return false;
        }
    }

    /// <summary>The pattern in canonical form: the same text for equal patterns, and it parses back to an equal pattern.</summary>
    /// <remarks>Whitespace, comments, redundant parentheses, <c>==</c>/<c>&lt;&gt;</c>, plus signs and quotes the grammar
    /// does not need are normalized; see <c>README.md</c>.</remarks>
    public override string ToString() => PatternPrinter.Print(this);

    /// <summary>True when the versions and the trees are equal (structurally).</summary>
    public bool Equals(Pattern? other) =>
        ReferenceEquals(this, other) || (other is not null && Version == other.Version && Root.Equals(other.Root));

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Pattern other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Version, Root);

    private static void CheckVersion(PatternVersion version)
    {
        if (version is not (PatternVersion.V21 or PatternVersion.V20))
        {
            throw new ArgumentOutOfRangeException(nameof(version), version, "Not a pattern grammar version.");
        }
    }

    private static bool HasExists(ObservationExpression expression)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        switch (expression)
        {
            case SimpleObservation simple:
                return HasExists(simple.Comparison);
            case CompoundObservation compound:
                foreach (ObservationExpression operand in compound.Operands)
                {
                    if (HasExists(operand))
                    {
                        return true;
                    }
                }

                return false;
            case QualifiedObservation qualified:
                return HasExists(qualified.Expression);
            default:
                return false;
        }
    }

    private static bool HasExists(ComparisonExpression expression)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        switch (expression)
        {
            case ExistsComparison:
                return true;
            case CompoundComparison compound:
                foreach (ComparisonExpression operand in compound.Operands)
                {
                    if (HasExists(operand))
                    {
                        return true;
                    }
                }

                return false;
            default:
                return false;
        }
    }
}
