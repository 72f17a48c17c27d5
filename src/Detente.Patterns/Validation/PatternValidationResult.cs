using System.Collections.ObjectModel;

namespace Detente.Patterns.Validation;

/// <summary>The outcome of validating a pattern: every error (a MUST broken) and every warning, in pattern order.</summary>
public sealed class PatternValidationResult
{
    internal PatternValidationResult(Pattern? pattern, PatternSyntaxException? syntaxError, List<PatternIssue>? errors, List<PatternIssue>? warnings)
    {
        Pattern = pattern;
        SyntaxError = syntaxError;
        Errors = errors is null ? ReadOnlyCollection<PatternIssue>.Empty : errors.AsReadOnly();
        Warnings = warnings is null ? ReadOnlyCollection<PatternIssue>.Empty : warnings.AsReadOnly();
    }

    /// <summary>The parsed pattern; null when the text did not parse (then <see cref="SyntaxError"/> says why).</summary>
    public Pattern? Pattern { get; }

    /// <summary>Why the text did not parse, when it did not; it is also the one error, <see cref="PatternRules.Syntax"/>.</summary>
    public PatternSyntaxException? SyntaxError { get; }

    /// <summary>Violations of the specification's MUST rules; any one makes the pattern invalid.</summary>
    public IReadOnlyList<PatternIssue> Errors { get; }

    /// <summary>What is allowed but most likely a mistake; the pattern is still valid.</summary>
    public IReadOnlyList<PatternIssue> Warnings { get; }

    /// <summary>True when there are no errors.</summary>
    public bool IsValid => Errors.Count == 0;

    /// <summary>A summary: the error and warning counts.</summary>
    public override string ToString() => $"{Errors.Count} error(s), {Warnings.Count} warning(s)";
}
