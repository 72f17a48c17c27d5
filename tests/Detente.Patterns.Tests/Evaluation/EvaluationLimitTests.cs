using Detente.Patterns.Evaluation;
using Detente.Patterns.Observations;

namespace Detente.Patterns.Tests.Evaluation;

/// <summary>The search is bounded: combinatorial patterns end with an answer or LimitExceeded, never a hang.</summary>
public sealed class EvaluationLimitTests
{
    private const string A = "[domain-name:value = 'a.example']";
    private const string B = "[domain-name:value = 'b.example']";

    private static List<Observation> Many(string value, int count, int secondsApart = 1)
    {
        var list = new List<Observation>(count);
        DateTimeOffset start = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        for (int i = 0; i < count; i++)
        {
            string time = start.AddSeconds(i * secondsApart).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
            list.Add(Obs.At(time, $$"""{"type":"domain-name","value":"{{value}}"}"""));
        }

        return list;
    }

    [Fact]
    public void An_impossible_repeat_over_pairs_ends_with_limit_exceeded()
    {
        // 30 a and 20 b: 600 pairs and instances enough for 25, but 21 disjoint pairs need 21 b's. The search is C(600, 21).
        List<Observation> observations = [.. Many("a.example", 30), .. Many("b.example", 20)];
        var options = new EvaluationOptions { MaxSteps = 200_000 };
        PatternEvaluation r = PatternEvaluator.Evaluate(Pattern.Parse($"({A} AND {B}) REPEATS 21 TIMES"), observations, options);
        Assert.Equal(EvaluationStatus.LimitExceeded, r.Status);
        Assert.Contains("MaxSteps", r.Reason, StringComparison.Ordinal);
        Assert.Empty(r.Bindings);
    }

    [Fact]
    public void A_possible_repeat_over_pairs_is_found_quickly()
    {
        List<Observation> observations = [.. Many("a.example", 20), .. Many("b.example", 20)];
        var options = new EvaluationOptions { MaxSteps = 200_000 };
        PatternEvaluation r = PatternEvaluator.Evaluate(Pattern.Parse($"({A} AND {B}) REPEATS 20 TIMES"), observations, options);
        Assert.Equal(EvaluationStatus.Match, r.Status);
        Assert.Equal(40, r.Bindings.Count);
    }

    [Fact]
    public void Too_few_instances_is_a_plain_no_match()
    {
        List<Observation> observations = Many("a.example", 200);
        Assert.Equal(EvaluationStatus.NoMatch, PatternEvaluator.Evaluate(Pattern.Parse($"{A} REPEATS 201 TIMES"), observations).Status);
        Assert.Equal(EvaluationStatus.NoMatch, PatternEvaluator.Evaluate(Pattern.Parse($"({A} AND {A}) REPEATS 101 TIMES"), observations).Status);
        Assert.Equal(EvaluationStatus.NoMatch, PatternEvaluator.Evaluate(Pattern.Parse($"{A} REPEATS 2147483647 TIMES"), observations).Status);
    }

    [Fact]
    public void A_window_prunes_the_repeat_search()
    {
        // 2,000 observations a second apart: no 10 fit in 5 seconds; the time-ordered search sees that at once.
        List<Observation> observations = Many("a.example", 2000);
        var options = new EvaluationOptions { MaxSteps = 1_000_000 };
        Assert.Equal(EvaluationStatus.NoMatch, PatternEvaluator.Evaluate(Pattern.Parse($"{A} REPEATS 10 TIMES WITHIN 5 SECONDS"), observations, options).Status);
        PatternEvaluation r = PatternEvaluator.Evaluate(Pattern.Parse($"{A} REPEATS 10 TIMES WITHIN 9 SECONDS"), observations, options);
        Assert.True(r.IsMatch);
        Assert.Equal(10, r.Bindings.Count);
    }

    [Fact]
    public void The_binding_limit_is_reported_when_it_hides_the_answer()
    {
        List<Observation> observations = [.. Many("a.example", 20), .. Many("b.example", 20)];
        var options = new EvaluationOptions { MaxBindingsPerExpression = 10 };
        PatternEvaluation r = PatternEvaluator.Evaluate(Pattern.Parse($"({A} AND {B}) REPEATS 20 TIMES"), observations, options);
        Assert.Equal(EvaluationStatus.LimitExceeded, r.Status);
        Assert.Contains("MaxBindingsPerExpression", r.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_binding_found_under_a_limit_is_still_a_match()
    {
        List<Observation> observations = [.. Many("a.example", 50), .. Many("b.example", 50)];
        var options = new EvaluationOptions { MaxBindingsPerExpression = 60 };
        Assert.Equal(EvaluationStatus.Match, PatternEvaluator.Evaluate(Pattern.Parse($"({A} AND {B}) REPEATS 2 TIMES"), observations, options).Status);
    }

    [Fact]
    public void A_limit_in_one_operand_does_not_hide_a_sure_no_match_in_another()
    {
        List<Observation> observations = Many("a.example", 40);
        var options = new EvaluationOptions { MaxBindingsPerExpression = 10 };
        Assert.Equal(EvaluationStatus.NoMatch, PatternEvaluator.Evaluate(Pattern.Parse($"{A} REPEATS 2 TIMES AND {B}"), observations, options).Status);
        Assert.Equal(EvaluationStatus.NoMatch, PatternEvaluator.Evaluate(Pattern.Parse($"{A} REPEATS 2 TIMES AND {B} WITHIN 5 SECONDS"), observations, options).Status);
        Assert.Equal(EvaluationStatus.LimitExceeded, PatternEvaluator.Evaluate(Pattern.Parse($"({A} REPEATS 2 TIMES) REPEATS 30 TIMES"), observations, options).Status);
    }

    [Fact]
    public void Followed_by_over_many_observations_without_a_match_is_a_no_match()
    {
        // Every b precedes every a: 500 × 500 candidate pairs, all refused.
        List<Observation> observations = [.. Many("b.example", 500), .. Many("a.example", 500).Select(static o => Shift(o))];
        Assert.Equal(EvaluationStatus.NoMatch, PatternEvaluator.Evaluate(Pattern.Parse($"{A} FOLLOWEDBY {B}"), observations).Status);
        Assert.Equal(EvaluationStatus.Match, PatternEvaluator.Evaluate(Pattern.Parse($"{B} FOLLOWEDBY {A}"), observations).Status);
    }

    [Fact]
    public void Invalid_qualifier_values_match_nothing()
    {
        List<Observation> observations = Many("a.example", 3);
        Assert.False(PatternEvaluator.Evaluate(new Pattern(new QualifiedObservation(Pattern.Parse(A).Root, new RepeatsQualifier(0))), observations).IsMatch);
        var backwards = new StartStopQualifier(Detente.Stix.StixTimestamp.Parse("2024-01-02T00:00:00Z"), Detente.Stix.StixTimestamp.Parse("2023-01-01T00:00:00Z"));
        Observation wide = Obs.Span("2022-01-01T00:00:00Z", "2025-01-01T00:00:00Z", 1, """{"type":"domain-name","value":"a.example"}""");
        Assert.False(PatternEvaluator.Evaluate(new Pattern(new QualifiedObservation(Pattern.Parse(A).Root, backwards)), [wide]).IsMatch);
        Assert.True(PatternEvaluator.Evaluate(new Pattern(new QualifiedObservation(Pattern.Parse(A).Root, new WithinQualifier(0))), [wide]).IsMatch);
    }

    private static Observation Shift(Observation o) =>
        Observation.Create(
            Detente.Stix.StixTimestamp.FromDateTimeOffset(o.FirstObserved.Value.AddDays(1), 0),
            Detente.Stix.StixTimestamp.FromDateTimeOffset(o.LastObserved.Value.AddDays(1), 0),
            o.NumberObserved,
            o.Objects,
            o.Form,
            o.Id);
}
