using System.Globalization;

namespace Detente.Patterns.Validation;

/// <summary>One problem found in a pattern: which rule, where, and what is wrong.</summary>
/// <param name="Rule">The rule's id, one of the <see cref="PatternRules"/> constants.</param>
/// <param name="Position">Zero-based offset, in UTF-16 code units, of the node concerned (a path, a constant, a qualifier).</param>
/// <param name="Message">What is wrong. It never quotes the pattern's own names or constants (only names STIX defines),
/// so it can be shown wherever the pattern cannot.</param>
public sealed record PatternIssue(string Rule, int Position, string Message)
{
    /// <summary>The issue as the command line prints it: <c>at 14: message [rule]</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"at {Position}: {Message} [{Rule}]");
}
