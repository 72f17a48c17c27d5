using System.Globalization;
using System.Text;

namespace Detente.Policy;

/// <summary>What an egress rule does with the objects it matches.</summary>
public enum EgressEffect
{
    /// <summary>Deny the matched objects. A matching deny rule always wins.</summary>
    Deny = 0,

    /// <summary>Allow the matched objects. Once a partner has an allow rule, only objects that one matches leave.</summary>
    Allow = 1,
}

/// <summary>A partner egress rule: allow or deny by object type, label, collection, confidence and age.</summary>
/// <remarks>
/// A rule matches an object when every condition it sets holds (no condition: every object). A bound on a value the
/// object lacks (<c>confidence</c>; <c>modified</c> and <c>created</c> for the age) fails closed: it holds for a deny
/// rule and does not for an allow rule, so an unknown value never lets an object out. Rules run after
/// TLP, so they only narrow what TLP allows: a matching deny rule withholds the object; when the partner has allow
/// rules, an object none of them matches is withheld too.
/// </remarks>
public sealed record EgressRule
{
    /// <summary>Allow or deny.</summary>
    public required EgressEffect Effect { get; init; }

    /// <summary>Matches objects whose <c>type</c> is one of these. Empty: any type.</summary>
    public IReadOnlyList<string> ObjectTypes { get; init; } = [];

    /// <summary>Matches objects with at least one of these <c>labels</c>. Empty: any labels, none included.</summary>
    public IReadOnlyList<string> Labels { get; init; } = [];

    /// <summary>Matches objects read from one of these collections. Empty: any collection.</summary>
    public IReadOnlyList<Guid> Collections { get; init; } = [];

    /// <summary>Matches objects whose <c>confidence</c> is at least this (0–100). Null: no lower bound.</summary>
    public int? MinConfidence { get; init; }

    /// <summary>Matches objects whose <c>confidence</c> is at most this (0–100). Null: no upper bound.</summary>
    public int? MaxConfidence { get; init; }

    /// <summary>Matches objects at least this old (since <c>modified</c>, or <c>created</c>). Null: no lower bound.</summary>
    public TimeSpan? MinAge { get; init; }

    /// <summary>Matches objects at most this old (since <c>modified</c>, or <c>created</c>). Null: no upper bound.</summary>
    public TimeSpan? MaxAge { get; init; }

    /// <summary>The rule as explanations quote it: <c>deny type in [identity], confidence ≤ 49</c>.</summary>
    public override string ToString()
    {
        var text = new StringBuilder(Effect == EgressEffect.Deny ? "deny" : "allow");
        int conditions = 0;
        if (ObjectTypes.Count > 0)
        {
            Condition(text, ref conditions).Append("type in [").AppendJoin(", ", ObjectTypes).Append(']');
        }

        if (Labels.Count > 0)
        {
            Condition(text, ref conditions).Append("label in [").AppendJoin(", ", Labels).Append(']');
        }

        if (Collections.Count > 0)
        {
            Condition(text, ref conditions).Append("collection in [").AppendJoin(", ", Collections).Append(']');
        }

        if (MinConfidence is int min)
        {
            Condition(text, ref conditions).Append(CultureInfo.InvariantCulture, $"confidence >= {min}");
        }

        if (MaxConfidence is int max)
        {
            Condition(text, ref conditions).Append(CultureInfo.InvariantCulture, $"confidence <= {max}");
        }

        if (MinAge is TimeSpan older)
        {
            Condition(text, ref conditions).Append("age >= ").Append(older.ToString("c", CultureInfo.InvariantCulture));
        }

        if (MaxAge is TimeSpan newer)
        {
            Condition(text, ref conditions).Append("age <= ").Append(newer.ToString("c", CultureInfo.InvariantCulture));
        }

        if (conditions == 0)
        {
            text.Append(" everything");
        }

        return text.ToString();
    }

    private static StringBuilder Condition(StringBuilder text, ref int conditions) =>
        text.Append(conditions++ == 0 ? " " : ", ");
}
