using Detente.Patterns.Evaluation;
using Detente.Patterns.Observations;

namespace Detente.Patterns.Tests.Evaluation;

/// <summary>Observation operators and qualifiers (STIX 2.1 §9.5), each edge: exact WITHIN, START, STOP, equal FOLLOWEDBY times, number_observed.</summary>
public sealed class ObservationOperatorTests
{
    private const string A = "[domain-name:value = 'a.example']";
    private const string B = "[domain-name:value = 'b.example']";

    private static Observation Da(string first, string? last = null, long count = 1) =>
        Obs.Span(first, last ?? first, count, """{"type":"domain-name","value":"a.example"}""");

    private static Observation Db(string first, string? last = null, long count = 1) =>
        Obs.Span(first, last ?? first, count, """{"type":"domain-name","value":"b.example"}""");

    private static EvaluationStatus Status(string pattern, params Observation[] observations) => Obs.Eval(pattern, observations).Status;

    [Fact]
    public void Or_binds_either_side()
    {
        Observation b = Db("2024-01-01T00:00:00Z");
        PatternEvaluation r = Obs.Eval($"{A} OR {B}", b);
        Assert.True(r.IsMatch);
        Assert.Equal([b], r.Bindings);
        Assert.Equal(EvaluationStatus.NoMatch, Status($"{A} OR {A}", b));
    }

    [Fact]
    public void And_needs_distinct_observation_instances()
    {
        Observation both = Obs.At("2024-01-01T00:00:00Z", """{"type":"domain-name","value":"a.example"}""", """{"type":"domain-name","value":"b.example"}""");
        Assert.Equal(EvaluationStatus.NoMatch, Status($"{A} AND {B}", both));
        Assert.Equal(EvaluationStatus.NoMatch, Status($"{A} AND {A}", Da("2024-01-01T00:00:00Z")));

        // An observed-data seen twice is two instances.
        Observation twice = Obs.Span("2024-01-01T00:00:00Z", "2024-01-01T00:00:00Z", 2, """{"type":"domain-name","value":"a.example"}""", """{"type":"domain-name","value":"b.example"}""");
        PatternEvaluation r = Obs.Eval($"{A} AND {B}", twice);
        Assert.True(r.IsMatch);
        Assert.Equal([twice], r.Bindings);
        Assert.Equal([2L], r.Instances);
        Assert.True(Obs.Eval($"{A} AND {A}", Da("2024-01-01T00:00:00Z", count: 2)).IsMatch);
        Assert.False(Obs.Eval($"{A} AND {A} AND {A}", Da("2024-01-01T00:00:00Z", count: 2)).IsMatch);
    }

    [Fact]
    public void Followed_by_allows_equal_times_and_overlapping_intervals()
    {
        Assert.True(Obs.Eval($"{A} FOLLOWEDBY {B}", Da("2024-01-01T00:00:00Z"), Db("2024-01-01T00:00:00Z")).IsMatch);
        Assert.False(Obs.Eval($"{A} FOLLOWEDBY {B}", Da("2024-01-01T00:00:00.001Z"), Db("2024-01-01T00:00:00Z")).IsMatch);

        // a in [10:00, 10:10], b in [09:00, 10:00]: a at 10:00 and b at 10:00 is a legal choice.
        Assert.True(Obs.Eval($"{A} FOLLOWEDBY {B}", Da("2024-01-01T10:00:00Z", "2024-01-01T10:10:00Z"), Db("2024-01-01T09:00:00Z", "2024-01-01T10:00:00Z")).IsMatch);
        Assert.False(Obs.Eval($"{A} FOLLOWEDBY {B}", Da("2024-01-01T10:00:01Z", "2024-01-01T10:10:00Z"), Db("2024-01-01T09:00:00Z", "2024-01-01T10:00:00Z")).IsMatch);

        // Sub-millisecond precision counts.
        Assert.False(Obs.Eval($"{A} FOLLOWEDBY {B}", Da("2024-01-01T00:00:00.0000000001Z"), Db("2024-01-01T00:00:00Z")).IsMatch);
    }

    [Fact]
    public void Followed_by_chains_order_every_step()
    {
        const string C = "[domain-name:value = 'c.example']";
        Observation a = Da("2024-01-01T00:00:00Z");
        Observation b = Db("2024-01-01T00:00:02Z");
        Observation c = Obs.At("2024-01-01T00:00:01Z", """{"type":"domain-name","value":"c.example"}""");
        Observation cLate = Obs.At("2024-01-01T00:00:03Z", """{"type":"domain-name","value":"c.example"}""");
        Assert.False(Obs.Eval($"{A} FOLLOWEDBY {B} FOLLOWEDBY {C}", a, b, c).IsMatch);
        PatternEvaluation r = Obs.Eval($"{A} FOLLOWEDBY {B} FOLLOWEDBY {C}", c, cLate, b, a);
        Assert.True(r.IsMatch);
        Assert.Equal([cLate, b, a], r.Bindings); // in input order
        Assert.Equal("2024-01-01T00:00:00Z", r.FirstObserved.ToString());
        Assert.Equal("2024-01-01T00:00:03Z", r.LastObserved.ToString());
    }

    [Fact]
    public void Followed_by_needs_distinct_instances()
    {
        Observation both = Obs.At("2024-01-01T00:00:00Z", """{"type":"domain-name","value":"a.example"}""", """{"type":"domain-name","value":"b.example"}""");
        Assert.False(Obs.Eval($"{A} FOLLOWEDBY {B}", both).IsMatch);
    }

    [Fact]
    public void Within_is_inclusive_at_exactly_n_seconds()
    {
        Observation a = Da("2024-01-01T00:00:00Z");
        Assert.True(Obs.Eval($"({A} AND {B}) WITHIN 10 SECONDS", a, Db("2024-01-01T00:00:10Z")).IsMatch);
        Assert.False(Obs.Eval($"({A} AND {B}) WITHIN 10 SECONDS", a, Db("2024-01-01T00:00:10.001Z")).IsMatch);
        Assert.True(Obs.Eval($"({A} AND {B}) WITHIN 10.5 SECONDS", a, Db("2024-01-01T00:00:10.5Z")).IsMatch);
        Assert.True(Obs.Eval($"({A} AND {B}) WITHIN 0.001 SECONDS", a, Db("2024-01-01T00:00:00.001Z")).IsMatch);

        // The span runs from the earliest last_observed to the latest first_observed.
        Observation longA = Da("2024-01-01T00:00:00Z", "2024-01-01T01:00:00Z");
        Assert.True(Obs.Eval($"({A} AND {B}) WITHIN 10 SECONDS", longA, Db("2024-01-01T01:00:10Z")).IsMatch);
        Assert.False(Obs.Eval($"({A} AND {B}) WITHIN 10 SECONDS", longA, Db("2024-01-01T01:00:11Z")).IsMatch);
        Assert.True(Obs.Eval($"({A} AND {B}) WITHIN 1 SECONDS", longA, Db("2024-01-01T00:30:00Z")).IsMatch);
    }

    [Fact]
    public void Within_picks_a_binding_that_fits_among_many()
    {
        var observations = new List<Observation>();
        for (int i = 0; i < 50; i++)
        {
            observations.Add(Da($"2024-01-01T00:{i:00}:00Z"));
        }

        Observation b = Db("2024-01-01T00:49:30Z");
        observations.Add(b);
        PatternEvaluation r = PatternEvaluator.Evaluate(Pattern.Parse($"({A} FOLLOWEDBY {B}) WITHIN 30 SECONDS"), observations);
        Assert.True(r.IsMatch);
        Assert.Equal([observations[49], b], r.Bindings);
    }

    [Fact]
    public void Start_is_inclusive_and_stop_exclusive()
    {
        const string Window = " START t'2024-01-01T00:00:00Z' STOP t'2024-01-02T00:00:00Z'";
        Assert.True(Obs.Eval(A + Window, Da("2024-01-01T00:00:00Z")).IsMatch);
        Assert.False(Obs.Eval(A + Window, Da("2023-12-31T23:59:59.999Z")).IsMatch);
        Assert.True(Obs.Eval(A + Window, Da("2024-01-01T23:59:59.999Z")).IsMatch);
        Assert.False(Obs.Eval(A + Window, Da("2024-01-02T00:00:00Z")).IsMatch);

        // An observed-data interval that meets the window: last_observed ≥ START and first_observed < STOP.
        Assert.True(Obs.Eval(A + Window, Da("2023-12-31T00:00:00Z", "2024-01-01T00:00:00Z")).IsMatch);
        Assert.False(Obs.Eval(A + Window, Da("2023-12-31T00:00:00Z", "2023-12-31T23:59:59Z")).IsMatch);
        Assert.True(Obs.Eval(A + Window, Da("2024-01-01T12:00:00Z", "2024-01-03T00:00:00Z")).IsMatch);
    }

    [Fact]
    public void Start_stop_applies_to_every_observation_of_the_binding()
    {
        const string Window = " START t'2024-01-01T00:00:00Z' STOP t'2024-01-02T00:00:00Z'";
        Assert.True(Obs.Eval($"({A} AND {B})" + Window, Da("2024-01-01T01:00:00Z"), Db("2024-01-01T02:00:00Z")).IsMatch);
        Assert.False(Obs.Eval($"({A} AND {B})" + Window, Da("2024-01-01T01:00:00Z"), Db("2024-01-02T02:00:00Z")).IsMatch);
        Assert.True(Obs.Eval($"{A}{Window} AND {B}", Da("2024-01-01T01:00:00Z"), Db("2024-01-05T02:00:00Z")).IsMatch);
    }

    [Fact]
    public void Stix20_start_stop_strings_evaluate_the_same()
    {
        Pattern p20 = Pattern.Parse("[domain-name:value = 'a.example'] START '2024-01-01T00:00:00Z' STOP '2024-01-02T00:00:00Z'", PatternVersion.V20);
        Assert.True(PatternEvaluator.Evaluate(p20, [Da("2024-01-01T00:00:00Z")]).IsMatch);
        Assert.False(PatternEvaluator.Evaluate(p20, [Da("2024-01-02T00:00:00Z")]).IsMatch);
    }

    [Fact]
    public void Repeats_counts_observations_and_their_number_observed()
    {
        Assert.False(Obs.Eval($"{A} REPEATS 3 TIMES", Da("2024-01-01T00:00:00Z"), Da("2024-01-01T00:00:01Z")).IsMatch);
        Assert.True(Obs.Eval($"{A} REPEATS 3 TIMES", Da("2024-01-01T00:00:00Z"), Da("2024-01-01T00:00:01Z"), Da("2024-01-01T00:00:02Z")).IsMatch);
        Assert.True(Obs.Eval($"{A} REPEATS 3 TIMES", Da("2024-01-01T00:00:00Z", count: 3)).IsMatch);
        Assert.True(Obs.Eval($"{A} REPEATS 3 TIMES", Da("2024-01-01T00:00:00Z", count: 2), Da("2024-01-01T00:00:01Z")).IsMatch);
        Assert.False(Obs.Eval($"{A} REPEATS 4 TIMES", Da("2024-01-01T00:00:00Z", count: 2), Da("2024-01-01T00:00:01Z")).IsMatch);
        PatternEvaluation big = Obs.Eval($"{A} REPEATS 1000000 TIMES", Da("2024-01-01T00:00:00Z", count: 999_999_999));
        Assert.True(big.IsMatch);
        Assert.Equal([1_000_000L], big.Instances);
    }

    [Fact]
    public void Repeats_of_a_compound_uses_no_instance_twice()
    {
        Observation a1 = Da("2024-01-01T00:00:00Z");
        Observation b1 = Db("2024-01-01T00:00:01Z");
        Observation a2 = Da("2024-01-01T00:00:02Z");
        Assert.False(Obs.Eval($"({A} FOLLOWEDBY {B}) REPEATS 2 TIMES", a1, b1, a2).IsMatch);
        Observation b2 = Db("2024-01-01T00:00:03Z");
        PatternEvaluation r = Obs.Eval($"({A} FOLLOWEDBY {B}) REPEATS 2 TIMES", a1, b1, a2, b2);
        Assert.True(r.IsMatch);
        Assert.Equal(4, r.Bindings.Count);
    }

    [Fact]
    public void Qualifiers_in_a_row_apply_in_written_order()
    {
        Observation[] spread = [Da("2024-01-01T00:00:00Z"), Da("2024-01-01T00:00:20Z")];

        // (REPEATS 2) WITHIN 10: the two repetitions together must fit in 10 seconds.
        Assert.False(Obs.Eval($"{A} REPEATS 2 TIMES WITHIN 10 SECONDS", spread).IsMatch);
        Assert.True(Obs.Eval($"{A} REPEATS 2 TIMES WITHIN 20 SECONDS", spread).IsMatch);

        // (WITHIN 10) REPEATS 2: each repetition fits in 10 seconds on its own.
        Assert.True(Obs.Eval($"{A} WITHIN 10 SECONDS REPEATS 2 TIMES", spread).IsMatch);
        Assert.True(Obs.Eval($"({A} WITHIN 10 SECONDS) REPEATS 2 TIMES", spread).IsMatch);
        Assert.False(Obs.Eval($"({A} REPEATS 2 TIMES) WITHIN 10 SECONDS", spread).IsMatch);
    }

    [Fact]
    public void Nested_qualifiers_constrain_their_own_expression()
    {
        Observation a = Da("2024-01-01T00:00:00Z");
        Observation b = Db("2024-01-01T00:00:05Z");
        Observation a2 = Da("2024-01-01T00:01:00Z");
        Observation b2 = Db("2024-01-01T00:01:05Z");
        string pair = $"(({A} FOLLOWEDBY {B}) WITHIN 5 SECONDS)";
        Assert.True(Obs.Eval($"{pair} REPEATS 2 TIMES", a, b, a2, b2).IsMatch);
        Assert.False(Obs.Eval($"({pair} REPEATS 2 TIMES) WITHIN 60 SECONDS", a, b, a2, b2).IsMatch);
        Assert.True(Obs.Eval($"({pair} REPEATS 2 TIMES) WITHIN 65 SECONDS", a, b, a2, b2).IsMatch);
        Assert.True(Obs.Eval($"({pair} REPEATS 2 TIMES) START t'2024-01-01T00:00:00Z' STOP t'2024-01-01T00:01:05.001Z'", a, b, a2, b2).IsMatch);
        Assert.False(Obs.Eval($"({pair} REPEATS 2 TIMES) START t'2024-01-01T00:00:00Z' STOP t'2024-01-01T00:01:05Z'", a, b, a2, b2).IsMatch);
    }

    [Fact]
    public void Nothing_matches_no_observations()
    {
        Assert.Equal(EvaluationStatus.NoMatch, Status(A));
        Assert.Equal(EvaluationStatus.NoMatch, Status($"{A} OR {B}"));
        PatternEvaluation r = Obs.Eval(A);
        Assert.Empty(r.Bindings);
        Assert.Null(r.FirstObserved);
        Assert.Null(r.Reason);
    }

    [Fact]
    public void An_undecidable_comparison_makes_no_match_undetermined_but_not_a_match_elsewhere()
    {
        Observation bad = Obs.At("2024-01-01T00:00:00Z", """{"type":"file","created":"not a time"}""");
        Observation good = Obs.At("2024-01-01T00:00:00Z", """{"type":"file","created":"2024-01-01T00:00:00Z"}""");
        const string P = "[file:created = t'2024-01-01T00:00:00Z']";
        PatternEvaluation undecided = Obs.Eval(P, bad);
        Assert.Equal(EvaluationStatus.Undetermined, undecided.Status);
        Assert.Contains("not a STIX timestamp", undecided.Reason, StringComparison.Ordinal);
        Assert.Equal(EvaluationStatus.Match, Obs.Eval(P, bad, good).Status);

        // An AND whose other operand surely has no binding is surely false.
        Assert.Equal(EvaluationStatus.NoMatch, Obs.Eval($"{P} AND {A}", bad).Status);
        Assert.Equal(EvaluationStatus.Undetermined, Obs.Eval($"{P} AND {A}", bad, Da("2024-01-01T00:00:00Z")).Status);
    }

    [Fact]
    public void Arguments_are_checked()
    {
        Assert.Throws<ArgumentNullException>(() => PatternEvaluator.Evaluate(null!, []));
        Assert.Throws<ArgumentNullException>(() => PatternEvaluator.Evaluate(Pattern.Parse(A), null!));
        Assert.Throws<ArgumentNullException>(() => PatternEvaluator.Evaluate(Pattern.Parse(A), [null!]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new EvaluationOptions { MaxSteps = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new EvaluationOptions { MaxBindingsPerExpression = -1 });
    }
}
