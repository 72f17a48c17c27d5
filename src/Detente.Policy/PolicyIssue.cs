namespace Detente.Policy;

/// <summary>One problem in <see cref="PolicySettings"/>: where, which rule, what is wrong.</summary>
/// <param name="Path">Where, e.g. <c>sharing_groups[2].members[0]</c>.</param>
/// <param name="Rule">The rule's id, one of the <see cref="PolicyRules"/> constants.</param>
/// <param name="Message">What is wrong.</param>
public sealed record PolicyIssue(string Path, string Rule, string Message)
{
    /// <summary><c>Path: Message (Rule)</c>.</summary>
    public override string ToString() => string.Concat(Path, ": ", Message, " (", Rule, ")");
}

/// <summary>The ids of the rules <see cref="SharingPolicy.Build"/> checks.</summary>
public static class PolicyRules
{
    /// <summary>A list holds a null entry.</summary>
    public const string NullEntry = "policy.null-entry";

    /// <summary>A partner or group name breaks the name syntax.</summary>
    public const string NameSyntax = "policy.name-syntax";

    /// <summary>Two partners, or two groups, have one name.</summary>
    public const string DuplicateName = "policy.duplicate-name";

    /// <summary>A partner's identity is not an <c>identity--</c> STIX id.</summary>
    public const string IdentitySyntax = "policy.identity-syntax";

    /// <summary>Two partners have one identity.</summary>
    public const string DuplicateIdentity = "policy.duplicate-identity";

    /// <summary>A partner has no verification key.</summary>
    public const string KeyMissing = "policy.key-missing";

    /// <summary>A principal name is empty or has control characters or spaces at its ends.</summary>
    public const string PrincipalSyntax = "policy.principal-syntax";

    /// <summary>A principal name belongs to two partners.</summary>
    public const string DuplicatePrincipal = "policy.duplicate-principal";

    /// <summary>A group or collection names a partner that is not configured.</summary>
    public const string UnknownPartner = "policy.unknown-partner";

    /// <summary>A group or collection names a partner twice.</summary>
    public const string DuplicateMember = "policy.duplicate-member";

    /// <summary>A marking id is not a <c>marking-definition--</c> STIX id, or is a TLP marking.</summary>
    public const string MarkingSyntax = "policy.marking-syntax";

    /// <summary>A marking id is used twice (by two groups, or a group and a neutral marking).</summary>
    public const string DuplicateMarking = "policy.duplicate-marking";

    /// <summary>More sharing groups than <see cref="SharingPolicy.MaxSharingGroups"/>.</summary>
    public const string TooManyGroups = "policy.too-many-groups";

    /// <summary>Two collection entries have one id.</summary>
    public const string DuplicateCollection = "policy.duplicate-collection";

    /// <summary>A TLP level or rule effect is not a defined value.</summary>
    public const string UndefinedValue = "policy.undefined-value";

    /// <summary>An egress rule's confidence bounds are outside 0–100 or crossed.</summary>
    public const string RuleConfidence = "policy.rule-confidence";

    /// <summary>An egress rule's age bounds are negative or crossed.</summary>
    public const string RuleAge = "policy.rule-age";

    /// <summary>A redaction path breaks the path syntax, or names a property that cannot be removed.</summary>
    public const string RedactionPath = "policy.redaction-path";
}
