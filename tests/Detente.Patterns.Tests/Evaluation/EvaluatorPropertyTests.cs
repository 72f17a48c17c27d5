using System.Collections.Immutable;
using CsCheck;
using Detente.Patterns.Evaluation;
using Detente.Patterns.Observations;
using Detente.Stix;
using Detente.Stix.Json;
using Detente.Testing;

namespace Detente.Patterns.Tests.Evaluation;

/// <summary>Properties of the evaluator on random patterns and random observations.</summary>
public sealed class EvaluatorPropertyTests
{
    private static readonly string[] s_types = ["file", "ipv4-addr", "domain-name", "network-traffic"];
    private static readonly string[] s_names = ["value", "name", "size", "tags", "src_ref", "created", "hashes", "payload_bin"];
    private static readonly string[] s_strings = ["a", "b", "10.0.0.1", "10.0.0.0/8", "2024-01-01T00:00:00Z", "SGk=", "abc"];
    private static readonly EvaluationOptions s_small = new() { MaxSteps = 20_000, MaxBindingsPerExpression = 200 };

    /// <summary>A JSON value drawn from a small pool, so that comparisons built from the same pool often hold.</summary>
    private static readonly Gen<JsonValue> s_value = Gen.Frequency(
        (4, Gen.OneOf(s_strings.Select(static v => Gen.Const((JsonValue)new JsonString(v))).ToArray())),
        (2, Gen.Int[0, 3].Select(static i => (JsonValue)new JsonNumber(i))),
        (1, Gen.Bool.Select(static b => JsonValue.FromBoolean(b))),
        (1, Gen.OneOf(s_strings.Select(static v => Gen.Const((JsonValue)new JsonString(v))).ToArray()).Array[0, 3]
            .Select(static items => (JsonValue)JsonArray.Create(items))),
        (1, Gen.OneOf(s_strings.Select(static v => Gen.Const((JsonValue)new JsonString(v))).ToArray())
            .Select(static v => (JsonValue)JsonObject.Create(("SHA-256", v)))));

    private static readonly Gen<StixObject> s_object = Gen.Select(
        Gen.Frequency((3, Gen.OneOf(Gen.Const("file"), Gen.Const("ipv4-addr"))), (1, Gen.OneOf(s_types.Select(static t => Gen.Const(t)).ToArray()))),
        Gen.Select(Gen.OneOf(s_names.Select(static n => Gen.Const(n)).ToArray()), s_value).Array[0, 4],
        Gen.Int[0, 2],
        static (type, members, reference) =>
        {
            // Every object has a value and a name from the pool, so comparisons on them hold often.
            var list = new List<KeyValuePair<string, JsonValue>>
            {
                new("type", type),
                new("value", s_strings[reference * 2]),
                new("name", s_strings[(reference * 3) % 4]),
            };
            foreach ((string name, JsonValue value) in members)
            {
                if (name is not ("src_ref" or "value" or "name") && list.TrueForAll(m => m.Key != name))
                {
                    list.Add(new(name, value));
                }
            }

            list.Add(new("src_ref", reference.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            return new StixObject(JsonObject.Create(list));
        });

    /// <summary>Observations of one to three objects (keys "0", "1", "2"; src_ref may point at any), in the first minutes of 2024.</summary>
    private static readonly Gen<Observation> s_observation = Gen.Select(
        s_object.Array[1, 3], Gen.Int[0, 300], Gen.Int[0, 60], Gen.Int[1, 3],
        static (objects, start, length, count) => Observation.Create(
            Time(start), Time(start + length), count,
            objects.Select(static (o, i) => new ObservedObject(i.ToString(System.Globalization.CultureInfo.InvariantCulture), o)),
            ObservationForm.Embedded));

    /// <summary>Comparisons on the same small vocabulary: paths of one or two steps, constants from the pool.</summary>
    private static readonly Gen<ComparisonExpression> s_comparison = Gen.Select(
        Gen.Frequency((3, Gen.OneOf(Gen.Const("file"), Gen.Const("ipv4-addr"))), (1, Gen.OneOf(s_types.Select(static t => Gen.Const(t)).ToArray()))),
        Gen.Frequency((3, Gen.OneOf(Gen.Const("value"), Gen.Const("name"))), (1, Gen.OneOf(s_names.Select(static n => Gen.Const(n)).ToArray()))),
        Gen.Frequency((3, Gen.Const(-2)), (1, Gen.Const(-1)), (1, Gen.Int[0, 2]), (2, Gen.Const(-3))),
        Gen.Enum<ComparisonOperator>(), Gen.Bool,
        Gen.OneOf(s_strings.Select(static v => Gen.Const(v)).ToArray()), Gen.Int[0, 3],
        static (type, name, step, op, negated, text, number) =>
        {
            ImmutableArray<PathComponent> components = step switch
            {
                -1 => [PathComponent.OfProperty(name), PathComponent.AnyIndex],
                -3 => [PathComponent.OfProperty("src_ref"), PathComponent.OfProperty(name)],
                >= 0 => [PathComponent.OfProperty(name), PathComponent.OfIndex(step)],
                _ => [PathComponent.OfProperty(name)],
            };
            var path = new ObjectPath(type, components);
            if (number == 3 && op is ComparisonOperator.GreaterThan or ComparisonOperator.LessThan)
            {
                return (ComparisonExpression)new ExistsComparison(path, negated);
            }

            PatternConstant constant = op switch
            {
                ComparisonOperator.In => new SetConstant(new StringConstant(text), new StringConstant("b")),
                ComparisonOperator.Like => new StringConstant(text[..1] + "%"),
                ComparisonOperator.Matches => new StringConstant("^" + text[..1]),
                ComparisonOperator.IsSubset or ComparisonOperator.IsSuperset => new StringConstant("10.0.0.0/8"),
                _ when number == 0 => new IntegerConstant(number),
                _ when text.StartsWith("2024", StringComparison.Ordinal) => new TimestampConstant(StixTimestamp.Parse(text)),
                _ => new StringConstant(text),
            };
            return new PropertyComparison(path, op, constant, negated);
        });

    [Fact]
    public void The_evaluator_never_throws_on_random_patterns_and_observations()
    {
        Gen<(Pattern, Observation[])> gen = Gen.Select(PatternGenerators.Pattern, s_observation.Array[0, 6]);
        Property.ForAll(gen, static input =>
        {
            PatternEvaluation r = PatternEvaluator.Evaluate(input.Item1, input.Item2, s_small);
            Assert.True(Enum.IsDefined(r.Status));
            Assert.Equal(r.IsMatch, r.Bindings.Count > 0);
            Assert.Equal(r.Bindings.Count, r.Instances.Count);
            Assert.Equal(r.Status is EvaluationStatus.Undetermined or EvaluationStatus.LimitExceeded, r.Reason is not null);
        }, iterations: 300, print: static input => input.Item1.ToString());
    }

    [Fact]
    public void Random_patterns_over_related_observations_never_throw_and_bind_only_given_observations()
    {
        Gen<(ObservationExpression, Observation[])> gen = Gen.Select(Expression(2), s_observation.Array[0, 8]);
        Property.ForAll(gen, static input =>
        {
            PatternEvaluation r = PatternEvaluator.Evaluate(new Pattern(input.Item1), input.Item2, s_small);
            foreach (Observation o in r.Bindings)
            {
                Assert.Contains(o, input.Item2);
            }

            for (int i = 0; i < r.Bindings.Count; i++)
            {
                Assert.InRange(r.Instances[i], 1, r.Bindings[i].NumberObserved);
            }
        }, iterations: 300, print: static input => new Pattern(input.Item1).ToString());
    }

    [Fact]
    public void Observation_or_is_the_disjunction_of_its_operands()
    {
        Gen<(ComparisonExpression, ComparisonExpression, Observation)> gen = Gen.Select(s_comparison, s_comparison, s_observation);
        Property.ForAll(gen, static input =>
        {
            (ComparisonExpression a, ComparisonExpression b, Observation o) = input;
            var pattern = new Pattern(new CompoundObservation(ObservationOperator.Or, new SimpleObservation(a), new SimpleObservation(b)));
            bool expected = ComparisonEvaluator.Matches(a, o) || ComparisonEvaluator.Matches(b, o);
            Assert.Equal(expected, PatternEvaluator.Evaluate(pattern, [o]).IsMatch);
        }, iterations: 400);
    }

    [Fact]
    public void Comparison_and_on_a_single_object_is_the_conjunction_and_or_the_disjunction()
    {
        Gen<(ComparisonExpression, ComparisonExpression, Observation)> gen = Gen.Select(s_comparison, s_comparison, s_observation);
        Property.ForAll(gen, static input =>
        {
            (ComparisonExpression a, ComparisonExpression b, Observation many) = input;
            Observation o = Observation.Create(many.FirstObserved, many.LastObserved, 1, [many.Objects[0]], ObservationForm.Embedded);
            ComparisonOutcome x = ComparisonEvaluator.Evaluate(a, o, out _);
            ComparisonOutcome y = ComparisonEvaluator.Evaluate(b, o, out _);
            ComparisonOutcome and = ComparisonEvaluator.Evaluate(new CompoundComparison(BooleanOperator.And, a, b), o, out _);
            ComparisonOutcome or = ComparisonEvaluator.Evaluate(new CompoundComparison(BooleanOperator.Or, a, b), o, out _);
            Assert.Equal(x == ComparisonOutcome.True && y == ComparisonOutcome.True, and == ComparisonOutcome.True);
            Assert.Equal(x == ComparisonOutcome.False || y == ComparisonOutcome.False, and == ComparisonOutcome.False);
            Assert.Equal(x == ComparisonOutcome.True || y == ComparisonOutcome.True, or == ComparisonOutcome.True);
            Assert.Equal(x == ComparisonOutcome.False && y == ComparisonOutcome.False, or == ComparisonOutcome.False);
        }, iterations: 400);
    }

    [Fact]
    public void Not_negates_a_comparison_on_a_single_valued_property()
    {
        Gen<(ComparisonExpression, Observation)> gen = Gen.Select(s_comparison, s_observation);
        Property.ForAll(gen, static input =>
        {
            if (input.Item1 is not PropertyComparison { Path.Components.Length: 1 } c)
            {
                return;
            }

            ObservedObject root = input.Item2.Objects[0];
            Observation o = Observation.Create(input.Item2.FirstObserved, input.Item2.LastObserved, 1, [root], ObservationForm.Embedded);
            if (!string.Equals(root.Type, c.Path.ObjectType, StringComparison.Ordinal) || root.Json[c.Path.Components[0].Name!] is not (JsonString or JsonNumber))
            {
                return;
            }

            var negated = new PropertyComparison(c.Path, c.Operator, c.Value, !c.Negated);
            ComparisonOutcome x = ComparisonEvaluator.Evaluate(c, o, out _);
            ComparisonOutcome y = ComparisonEvaluator.Evaluate(negated, o, out _);
            Assert.Equal(x == ComparisonOutcome.Unknown, y == ComparisonOutcome.Unknown);
            if (x != ComparisonOutcome.Unknown)
            {
                Assert.NotEqual(x, y);
            }
        }, iterations: 400);
    }

    [Fact]
    public void Observation_and_over_two_observations_pairs_them_either_way()
    {
        Gen<(ComparisonExpression, ComparisonExpression, Observation, Observation)> gen = Gen.Select(s_comparison, s_comparison, s_observation, s_observation);
        int matched = 0;
        int followed = 0;
        Property.ForAll(gen, input =>
        {
            (ComparisonExpression a, ComparisonExpression b, Observation p, Observation q) = input;
            p = Once(p);
            q = Once(q);
            var and = new Pattern(new CompoundObservation(ObservationOperator.And, new SimpleObservation(a), new SimpleObservation(b)));
            var followedBy = new Pattern(new CompoundObservation(ObservationOperator.FollowedBy, new SimpleObservation(a), new SimpleObservation(b)));
            bool ap = ComparisonEvaluator.Matches(a, p);
            bool aq = ComparisonEvaluator.Matches(a, q);
            bool bp = ComparisonEvaluator.Matches(b, p);
            bool bq = ComparisonEvaluator.Matches(b, q);
            Assert.Equal((ap && bq) || (aq && bp), PatternEvaluator.Evaluate(and, [p, q]).IsMatch);
            bool pq = p.FirstObserved <= q.LastObserved;
            bool qp = q.FirstObserved <= p.LastObserved;
            Assert.Equal((ap && bq && pq) || (aq && bp && qp), PatternEvaluator.Evaluate(followedBy, [p, q]).IsMatch);
            matched += (ap && bq) || (aq && bp) ? 1 : 0;
            followed += (ap && bq && pq) || (aq && bp && qp) ? 1 : 0;
        }, iterations: 400);

        // The vocabulary is small enough that both answers occur often.
        Assert.InRange(matched, 10, 390);
        Assert.InRange(followed, 5, 390);
    }

    [Fact]
    public void Within_keeps_exactly_the_bindings_that_fit()
    {
        Gen<(Observation, Observation, int)> gen = Gen.Select(s_observation, s_observation, Gen.Int[0, 400]);
        Property.ForAll(gen, static input =>
        {
            (Observation p, Observation q, int seconds) = input;
            p = Once(p);
            q = Once(q);
            var a = new SimpleObservation(new ExistsComparison(new ObjectPath(p.Objects[0].Type, PathComponent.OfProperty("type"))));
            var b = new SimpleObservation(new ExistsComparison(new ObjectPath(q.Objects[0].Type, PathComponent.OfProperty("type"))));
            var pattern = new Pattern(new QualifiedObservation(new CompoundObservation(ObservationOperator.And, a, b), new WithinQualifier(seconds)));
            bool fits = (Max(p.FirstObserved, q.FirstObserved).Value - Min(p.LastObserved, q.LastObserved).Value).TotalSeconds <= seconds;
            Assert.Equal(fits, PatternEvaluator.Evaluate(pattern, [p, q]).IsMatch);
        }, iterations: 400);
    }

    [Fact]
    public void The_pattern_repeated_n_times_matches_an_observation_seen_n_times_and_not_n_minus_one()
    {
        Gen<(ComparisonExpression, Observation, int)> gen = Gen.Select(s_comparison, s_observation, Gen.Int[2, 50]);
        Property.ForAll(gen, static input =>
        {
            (ComparisonExpression c, Observation o, int n) = input;
            if (!ComparisonEvaluator.Matches(c, o))
            {
                return;
            }

            var pattern = new Pattern(new QualifiedObservation(new SimpleObservation(c), new RepeatsQualifier(n)));
            Assert.True(PatternEvaluator.Evaluate(pattern, [WithCount(o, n)]).IsMatch);
            Assert.False(PatternEvaluator.Evaluate(pattern, [WithCount(o, n - 1)]).IsMatch);
        }, iterations: 200);
    }

    private static Gen<ObservationExpression> Expression(int depth)
    {
        Gen<ObservationExpression> simple = s_comparison.Select(static c => (ObservationExpression)new SimpleObservation(c));
        if (depth == 0)
        {
            return simple;
        }

        Gen<ObservationExpression> inner = Expression(depth - 1);
        Gen<PatternQualifier> qualifier = Gen.Frequency(
            (2, Gen.Int[0, 120].Select(static s => (PatternQualifier)new WithinQualifier(s))),
            (2, Gen.Int[1, 4].Select(static n => (PatternQualifier)new RepeatsQualifier(n))),
            (1, Gen.Select(Gen.Int[0, 400], Gen.Int[0, 400], static (a, b) => (PatternQualifier)new StartStopQualifier(Time(a), Time(b)))));
        return Gen.Frequency(
            (3, simple),
            (2, Gen.Select(Gen.Enum<ObservationOperator>(), inner.Array[2, 3], static (op, operands) => (ObservationExpression)new CompoundObservation(op, [.. operands]))),
            (2, Gen.Select(inner, qualifier, static (e, q) => (ObservationExpression)new QualifiedObservation(e, q))));
    }

    private static StixTimestamp Time(int seconds) => StixTimestamp.FromDateTimeOffset(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero).AddSeconds(seconds), 0);

    private static StixTimestamp Max(StixTimestamp a, StixTimestamp b) => a > b ? a : b;

    private static StixTimestamp Min(StixTimestamp a, StixTimestamp b) => a < b ? a : b;

    private static Observation Once(Observation o) => WithCount(o, 1);

    private static Observation WithCount(Observation o, long count) => Observation.Create(o.FirstObserved, o.LastObserved, count, o.Objects, o.Form, o.Id);
}
