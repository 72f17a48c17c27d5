namespace Detente.Patterns.Validation;

/// <summary>The id of every rule <see cref="PatternValidator"/> checks; each <see cref="PatternIssue"/> carries one.</summary>
/// <remarks>
/// Errors break a MUST of STIX 2.1 §9 (or of the OASIS grammar); warnings mark what is allowed but most likely a
/// mistake. The summary of each constant says which, and where the specification says it.
/// </remarks>
public static class PatternRules
{
    /// <summary>Error: the text is not a pattern of the grammar, has an invalid constant, or exceeds a <see cref="PatternLimits"/> limit (§9, STIXPattern.g4).</summary>
    public const string Syntax = "pattern.syntax";

    /// <summary>Error: an object type is not a STIX type name: 3–250 characters of a–z, 0–9 and single hyphens (§3.1, §9.7).</summary>
    public const string ObjectTypeFormat = "pattern.object-type-format";

    /// <summary>Warning: an object type is neither a STIX 2.1 type nor a custom type (<c>x-</c> prefix, §11.2).</summary>
    public const string ObjectTypeUnknown = "pattern.object-type-unknown";

    /// <summary>Warning: an object type is a STIX type but not a Cyber-observable Object; object paths name SCOs (§9.1, §9.7).</summary>
    public const string ObjectTypeNotSco = "pattern.object-type-not-sco";

    /// <summary>Warning: an object path names a property, member, extension or referenced property that STIX 2.1 does not define there and that is not custom (<c>x_</c>, <c>-ext</c>) (§9.7; STIX 2.1 patterns only).</summary>
    public const string PropertyUnknown = "pattern.property-unknown";

    /// <summary>Warning: a list index is negative; it selects nothing (§9.7.2: 0 to N−1).</summary>
    public const string IndexNegative = "pattern.index-negative";

    /// <summary>Warning: a constant is not of a type the property can be compared with, so the comparison is always false (or true for <c>!=</c>) (§9.2, §9.6.1; STIX 2.1 patterns only).</summary>
    public const string ConstantType = "pattern.constant-type";

    /// <summary>Error: comparison expressions joined by AND cannot be satisfied by one object: they name different object types (§9.5: "such Comparison Expressions MUST be joined by OR").</summary>
    public const string AndObjectTypes = "pattern.and-object-types";

    /// <summary>Warning: an operand of AND allows object types the other operands exclude, so that part can never match (§9.5).</summary>
    public const string UnsatisfiableAlternative = "pattern.unsatisfiable-alternative";

    /// <summary>Error: an observation expression has two qualifiers of the same type (§9.5.1: "MUST NOT have more than one Qualifier of a particular type").</summary>
    public const string DuplicateQualifier = "pattern.duplicate-qualifier";

    /// <summary>Error: <c>WITHIN</c> is not a positive number of seconds (§9.5.1).</summary>
    public const string WithinPositive = "pattern.within-positive";

    /// <summary>Error: <c>REPEATS</c> is not a positive integer (§9.5.1).</summary>
    public const string RepeatsPositive = "pattern.repeats-positive";

    /// <summary>Error: <c>START</c> is not before <c>STOP</c>, so no observation time is at or after START and before STOP (§9.5.1).</summary>
    public const string StartStopOrder = "pattern.start-stop-order";

    /// <summary>Error: <c>IN</c> has an empty set, which nothing is in.</summary>
    public const string SetEmpty = "pattern.set-empty";

    /// <summary>Error: the set of <c>IN</c> mixes kinds of constants (integers and floats are one kind, binary and hex another) (§9.6.1: "constants of homogeneous data type").</summary>
    public const string SetMixed = "pattern.set-mixed";

    /// <summary>Error: the constant of <c>MATCHES</c> is not a regular expression (checked with .NET's regular expressions, the engine that evaluates it) (§9.6.1).</summary>
    public const string Regex = "pattern.regex";

    /// <summary>Error: the constant of <c>ISSUBSET</c> or <c>ISSUPERSET</c> is not an IPv4 or IPv6 address or CIDR block (§9.6.1, §6.8, §6.9).</summary>
    public const string SubsetValue = "pattern.subset-value";

    /// <summary>Error: <c>ISSUBSET</c> or <c>ISSUPERSET</c> is applied to a path that is not the <c>value</c> of an ipv4-addr or ipv6-addr (§9.6.1).</summary>
    public const string SubsetPath = "pattern.subset-path";

    /// <summary>Error: a value compared with a hash of a known algorithm (<c>hashes.'SHA-256'</c>) is not a hash of that algorithm (§2.7; as the OASIS validator).</summary>
    public const string HashValue = "pattern.hash-value";
}
