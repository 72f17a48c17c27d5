using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Detente.Patterns.Observations;

namespace Detente.Patterns.Evaluation;

/// <summary>One evaluation of a pattern over a list of observations: the bounded search for a binding.</summary>
/// <remarks>
/// Each expression yields its distinct bindings (at most <see cref="EvaluationOptions.MaxBindingsPerExpression"/>, and
/// only as many as its parent needs: one for the root). The time constraints of enclosing qualifiers travel down
/// (<see cref="Constraints"/>) and prune while joining: every binding of a subexpression is part of the binding its
/// ancestors check, and adding observations never narrows a binding's span, so a binding that breaks an enclosing
/// <c>WITHIN</c> or <c>START … STOP</c> cannot be part of a match.
/// </remarks>
internal sealed class BindingSearch
{
    private readonly IReadOnlyList<Observation> _observations;
    private readonly EvaluationOptions _options;
    private readonly Dictionary<SimpleObservation, LeafResult> _leaves = new(ReferenceEqualityComparer.Instance);
    private long _steps;
    private bool _aborted;
    private string? _unknownReason;

    public BindingSearch(IReadOnlyList<Observation> observations, EvaluationOptions options)
    {
        _observations = observations;
        _options = options;
    }

    public PatternEvaluation Run(ObservationExpression root)
    {
        NodeResult result = Evaluate(root, Constraints.None, 1);
        if (result.Bindings.Count > 0)
        {
            Binding binding = result.Bindings[0];
            var bound = new Observation[binding.Indexes.Length];
            for (int i = 0; i < bound.Length; i++)
            {
                bound[i] = _observations[binding.Indexes[i]];
            }

            return new PatternEvaluation(EvaluationStatus.Match, bound, binding.Counts, null);
        }

        if (_aborted || result.Truncated)
        {
            string reason = _aborted
                ? $"the search stopped after {_options.MaxSteps} steps (EvaluationOptions.MaxSteps)"
                : $"an expression had more than {_options.MaxBindingsPerExpression} bindings (EvaluationOptions.MaxBindingsPerExpression)";
            return new PatternEvaluation(EvaluationStatus.LimitExceeded, [], [], reason);
        }

        return result.Unknown
            ? new PatternEvaluation(EvaluationStatus.Undetermined, [], [], _unknownReason)
            : new PatternEvaluation(EvaluationStatus.NoMatch, [], [], null);
    }

    /// <summary>The bindings of <paramref name="expression"/> under <paramref name="constraints"/>, at most <paramref name="want"/>.</summary>
    private NodeResult Evaluate(ObservationExpression expression, Constraints constraints, int want)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        switch (expression)
        {
            case SimpleObservation simple:
                return Leaf(simple, constraints, want);
            case CompoundObservation compound when compound.Operator == ObservationOperator.Or:
                return Or(compound, constraints, want);
            case CompoundObservation compound:
                return Join(compound, constraints, want);
            case QualifiedObservation qualified:
                return Qualified(qualified, constraints, want);
            default:
                throw new ArgumentException("Not an observation expression this evaluator knows.", nameof(expression));
        }
    }

    private NodeResult Leaf(SimpleObservation simple, Constraints constraints, int want)
    {
        if (!_leaves.TryGetValue(simple, out LeafResult? leaf))
        {
            var matching = new List<int>();
            bool unknown = false;
            for (int i = 0; i < _observations.Count; i++)
            {
                switch (ComparisonEvaluator.Evaluate(simple.Comparison, _observations[i], out string? reason))
                {
                    case ComparisonOutcome.True:
                        matching.Add(i);
                        break;
                    case ComparisonOutcome.Unknown:
                        unknown = true;
                        _unknownReason ??= $"observation {Describe(_observations[i])}: {reason}";
                        break;
                }
            }

            leaf = new LeafResult(matching, unknown);
            _leaves.Add(simple, leaf);
        }

        var bindings = new List<Binding>();
        bool truncated = false;
        foreach (int index in leaf.Matching)
        {
            if (!constraints.Admits(_observations[index]))
            {
                continue;
            }

            if (Add(bindings, Binding.Single(index, _observations), want, ref truncated))
            {
                break;
            }
        }

        return new NodeResult(bindings, leaf.Unknown, truncated);
    }

    private NodeResult Or(CompoundObservation compound, Constraints constraints, int want)
    {
        var bindings = new List<Binding>();
        var seen = new HashSet<Binding>();
        bool unknown = false;
        bool truncated = false;
        foreach (ObservationExpression operand in compound.Operands)
        {
            NodeResult result = Evaluate(operand, constraints, want);
            unknown |= result.Unknown;
            truncated |= result.Truncated;
            foreach (Binding binding in result.Bindings)
            {
                if (seen.Add(binding) && Add(bindings, binding, want, ref truncated))
                {
                    return new NodeResult(bindings, unknown, truncated);
                }
            }
        }

        return new NodeResult(bindings, unknown, truncated);
    }

    /// <summary>AND and FOLLOWEDBY: one binding per operand, no instance used twice; FOLLOWEDBY also orders them in time.</summary>
    private NodeResult Join(CompoundObservation compound, Constraints constraints, int want)
    {
        bool followedBy = compound.Operator == ObservationOperator.FollowedBy;
        int full = _options.MaxBindingsPerExpression;
        var operands = new NodeResult[compound.Operands.Length];
        bool unknown = false;
        bool truncated = false;

        // Plain [..] operands first: one that surely has no binding answers the whole without the costly ones.
        for (int pass = 0; pass < 2; pass++)
        {
            for (int i = 0; i < operands.Length; i++)
            {
                if ((compound.Operands[i] is SimpleObservation) != (pass == 0))
                {
                    continue;
                }

                operands[i] = Evaluate(compound.Operands[i], constraints, full);
                unknown |= operands[i].Unknown;
                truncated |= operands[i].Truncated;
                if (operands[i].Bindings.Count == 0 && !operands[i].Unknown && !operands[i].Truncated)
                {
                    return new NodeResult([], false, false); // an operand that surely has no binding: nor has the whole
                }
            }
        }

        List<Binding> accumulated = operands[0].Bindings;
        for (int k = 1; k < operands.Length && accumulated.Count > 0; k++)
        {
            int limit = k == operands.Length - 1 ? want : full;
            var next = new List<Binding>();
            var seen = new HashSet<Binding>();

            // For FOLLOWEDBY, the right bindings latest-last_observed first: once one ends before the left begins, all
            // the rest do too.
            List<Binding> rights = followedBy
                ? [.. operands[k].Bindings.OrderByDescending(static b => b.MinLast)]
                : operands[k].Bindings;
            foreach (Binding left in accumulated)
            {
                foreach (Binding right in rights)
                {
                    if (!Step())
                    {
                        return new NodeResult(next, unknown, true);
                    }

                    if (followedBy && left.MaxFirst > right.MinLast)
                    {
                        break;
                    }

                    if (!constraints.Admits(left, right))
                    {
                        continue;
                    }

                    Binding? joined = Binding.Merge(left, right, 1, _observations);
                    if (joined is null || !seen.Add(joined))
                    {
                        continue;
                    }

                    if (Add(next, joined, limit, ref truncated))
                    {
                        goto joined;
                    }
                }
            }

        joined:
            accumulated = next;
        }

        return new NodeResult(accumulated, unknown, truncated);
    }

    /// <summary>
    /// Qualifiers apply in written order: <c>[a] REPEATS 2 TIMES WITHIN 5 SECONDS</c> is <c>([a] REPEATS 2 TIMES) WITHIN 5
    /// SECONDS</c>, and <c>[a] WITHIN 5 SECONDS REPEATS 2 TIMES</c> repeats bindings that each fit in 5 seconds.
    /// </summary>
    private NodeResult Qualified(QualifiedObservation qualified, Constraints constraints, int want)
    {
        ImmutableArray<PatternQualifier> qualifiers = qualified.Qualifiers;
        int full = _options.MaxBindingsPerExpression;

        // Every time qualifier of this node constrains a binding that contains the expression's bindings.
        Constraints inner = constraints;
        int lastRepeat = -1;
        for (int q = 0; q < qualifiers.Length; q++)
        {
            inner = inner.With(qualifiers[q]);
            lastRepeat = qualifiers[q] is RepeatsQualifier ? q : lastRepeat;
        }

        NodeResult result = Evaluate(qualified.Expression, inner, lastRepeat >= 0 ? full : want);
        List<Binding> bindings = result.Bindings;
        bool truncated = result.Truncated;
        for (int q = 0; q < qualifiers.Length; q++)
        {
            if (qualifiers[q] is RepeatsQualifier repeat)
            {
                // What follows this REPEATS constrains the repeated binding; what precedes it constrained each item.
                Constraints after = constraints;
                for (int r = q + 1; r < qualifiers.Length; r++)
                {
                    after = after.With(qualifiers[r]);
                }

                bindings = Repeat(bindings, repeat.Count, after, q == lastRepeat ? want : full, ref truncated);
            }
            else
            {
                Constraints only = Constraints.None.With(qualifiers[q]);
                bindings = bindings.FindAll(only.Admits);
            }
        }

        if (bindings.Count > want)
        {
            bindings = bindings.GetRange(0, want);
        }

        return new NodeResult(bindings, result.Unknown, truncated);
    }

    /// <summary>
    /// REPEATS: every multiset of <paramref name="count"/> bindings from <paramref name="items"/> (a binding may be taken
    /// more than once while its observations have instances left) that uses no instance twice, up to <paramref name="want"/>.
    /// </summary>
    /// <remarks>
    /// A depth-first search over the items in time order, choosing how many copies of each (most first), kept iterative
    /// so that no list is too long for the stack. It prunes a branch when the items left cannot supply the copies still
    /// needed, and stops extending when the next item starts after the constraints' window closes.
    /// </remarks>
    private List<Binding> Repeat(List<Binding> items, int count, Constraints constraints, int want, ref bool truncated)
    {
        var results = new List<Binding>();
        if (count == 1)
        {
            return items.Count > want ? items.GetRange(0, want) : items;
        }

        if (items.Count == 0 || count < 1 || !EnoughInstances(items, count))
        {
            return results; // REPEATS 0 (invalid) matches nothing
        }

        Binding[] sorted = [.. items];
        Array.Sort(sorted, static (a, b) => a.MaxFirst.CompareTo(b.MaxFirst));
        int n = sorted.Length;
        long[] copies = new long[n];
        long[] supply = new long[n + 1]; // copies available from item j on, capped at count
        for (int j = n - 1; j >= 0; j--)
        {
            copies[j] = Math.Min(sorted[j].MaxCopies(_observations), count);
            supply[j] = Math.Min(supply[j + 1] + copies[j], count);
        }

        var seen = new HashSet<Binding>();
        var accumulated = new Binding?[n + 1];
        long[] remaining = new long[n + 1];
        long[] next = new long[n + 1]; // the next number of copies of item j to try, -1 when exhausted
        int depth = 0;
        remaining[0] = count;
        next[0] = Math.Min(copies[0], count);
        while (depth >= 0)
        {
            if (remaining[depth] == 0)
            {
                Binding done = accumulated[depth]!;
                if (seen.Add(done) && Add(results, done, want, ref truncated))
                {
                    return results;
                }

                depth--;
                continue;
            }

            if (depth == n || supply[depth] < remaining[depth] || next[depth] < 0
                || (accumulated[depth] is Binding sofar && !constraints.CanExtend(sofar, sorted[depth])))
            {
                depth--;
                continue;
            }

            if (!Step())
            {
                truncated = true;
                return results;
            }

            long take = next[depth]--;
            Binding? extended = take == 0 ? accumulated[depth] : Binding.Merge(accumulated[depth], sorted[depth], take, _observations);
            if (take > 0 && (extended is null || !constraints.Admits(extended)))
            {
                continue;
            }

            accumulated[depth + 1] = extended;
            remaining[depth + 1] = remaining[depth] - take;
            depth++;
            if (depth < n)
            {
                next[depth] = Math.Min(copies[depth], remaining[depth]);
            }
        }

        return results;
    }

    /// <summary>
    /// False when the observations the items use do not have <paramref name="count"/> times the instances of the
    /// smallest item: no choice of items can then be disjoint.
    /// </summary>
    private bool EnoughInstances(List<Binding> items, int count)
    {
        var used = new HashSet<int>();
        long available = 0;
        long smallest = long.MaxValue;
        foreach (Binding item in items)
        {
            long size = 0;
            for (int i = 0; i < item.Indexes.Length; i++)
            {
                size += item.Counts[i];
                if (used.Add(item.Indexes[i]))
                {
                    available += _observations[item.Indexes[i]].NumberObserved;
                }
            }

            smallest = Math.Min(smallest, size);
        }

        return available / smallest >= count;
    }

    /// <summary>Counts one search step; false (and the limit noted) once <see cref="EvaluationOptions.MaxSteps"/> is passed.</summary>
    private bool Step()
    {
        if (_aborted || ++_steps > _options.MaxSteps)
        {
            _aborted = true;
            return false;
        }

        return true;
    }

    /// <summary>
    /// Adds a binding; true when the caller should stop: <paramref name="want"/> bindings are there, or the list already
    /// holds <see cref="EvaluationOptions.MaxBindingsPerExpression"/> and this one is refused (<paramref name="truncated"/> is set).
    /// </summary>
    private bool Add(List<Binding> bindings, Binding binding, int want, ref bool truncated)
    {
        if (bindings.Count >= _options.MaxBindingsPerExpression)
        {
            truncated = true;
            return true;
        }

        bindings.Add(binding);
        return bindings.Count >= want && want < _options.MaxBindingsPerExpression;
    }

    private static string Describe(Observation o) => o.Id ?? o.Position.ToString();

    private sealed record LeafResult(List<int> Matching, bool Unknown);

    /// <summary>What an expression binds; <paramref name="Unknown"/>: an undecided comparison may hide more;
    /// <paramref name="Truncated"/>: a limit may hide more.</summary>
    private readonly record struct NodeResult(List<Binding> Bindings, bool Unknown, bool Truncated);
}
