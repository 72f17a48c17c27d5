namespace Detente.Policy;

/// <summary>An egress rule in the form the decision evaluates: arrays, bounds as numbers, no nulls.</summary>
internal sealed class CompiledRule
{
    private readonly string[] _types;
    private readonly string[] _labels;
    private readonly Guid[] _collections;
    private readonly int _minConfidence;
    private readonly int _maxConfidence;
    private readonly bool _hasConfidence;
    private readonly long _minAgeTicks;
    private readonly long _maxAgeTicks;
    private readonly bool _hasAge;

    public CompiledRule(EgressRule rule, int index)
    {
        Source = rule;
        Index = index;
        IsDeny = rule.Effect == EgressEffect.Deny;
        _types = [.. rule.ObjectTypes];
        _labels = [.. rule.Labels];
        _collections = [.. rule.Collections];
        _hasConfidence = rule.MinConfidence is not null || rule.MaxConfidence is not null;
        _minConfidence = rule.MinConfidence ?? 0;
        _maxConfidence = rule.MaxConfidence ?? 100;
        _hasAge = rule.MinAge is not null || rule.MaxAge is not null;
        _minAgeTicks = rule.MinAge?.Ticks ?? long.MinValue;
        _maxAgeTicks = rule.MaxAge?.Ticks ?? long.MaxValue;
    }

    public EgressRule Source { get; }

    /// <summary>The rule's index in the partner's <see cref="Partner.EgressRules"/>.</summary>
    public int Index { get; }

    public bool IsDeny { get; }

    // Per decision, no allocation: loops over small arrays. Bench: Policy/DecisionBenchmarks.WorstCase
    public bool Matches(in ObjectFacts facts, Guid collection, DateTimeOffset now)
    {
        if (_types.Length > 0 && Array.IndexOf(_types, facts.Type) < 0)
        {
            return false;
        }

        if (_labels.Length > 0 && !AnyLabel(facts))
        {
            return false;
        }

        if (_collections.Length > 0 && Array.IndexOf(_collections, collection) < 0)
        {
            return false;
        }

        // A bound on a value the object lacks (an unknown confidence, an SCO's age) fails closed: it holds for a deny
        // rule, so the rule withholds the object, and not for an allow rule, so the rule does not let it out.
        if (_hasConfidence)
        {
            if (facts.Confidence is not int c)
            {
                if (!IsDeny)
                {
                    return false;
                }
            }
            else if (c < _minConfidence || c > _maxConfidence)
            {
                return false;
            }
        }

        if (_hasAge)
        {
            if (facts.LastChanged is not DateTimeOffset changed)
            {
                return IsDeny;
            }

            // Both are UTC ticks between 0 and DateTime.MaxValue.Ticks, so the difference cannot overflow.
            long age = now.UtcTicks - changed.UtcTicks;
            if (age < _minAgeTicks || age > _maxAgeTicks)
            {
                return false;
            }
        }

        return true;
    }

    private bool AnyLabel(in ObjectFacts facts)
    {
        foreach (string label in facts.Labels)
        {
            if (Array.IndexOf(_labels, label) >= 0)
            {
                return true;
            }
        }

        return false;
    }
}
