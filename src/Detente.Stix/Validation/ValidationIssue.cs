namespace Detente.Stix.Validation;

/// <summary>One problem found in STIX content: where it is, which rule it breaks, and what is wrong.</summary>
/// <param name="Path">A JSONPath to the offending value, e.g. <c>$.objects[3].valid_until</c>.</param>
/// <param name="Rule">The rule's id, one of the <see cref="ValidationRules"/> constants.</param>
/// <param name="Message">What is wrong, to be read after the path, e.g. <c>must be later than valid_from</c>.</param>
public sealed record ValidationIssue(string Path, string Rule, string Message)
{
    /// <summary>The issue as a command line prints it: <c>Path: Message</c>.</summary>
    public override string ToString() => string.Concat(Path, ": ", Message);
}
