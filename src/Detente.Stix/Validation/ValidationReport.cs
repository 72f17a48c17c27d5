using System.Collections.ObjectModel;

namespace Detente.Stix.Validation;

/// <summary>The outcome of validating STIX content: every error (a MUST broken) and every warning (a SHOULD missed).</summary>
/// <remarks>Issues are listed in document order. Validation never stops at the first problem.</remarks>
public sealed class ValidationReport
{
    /// <summary>Creates a report holding copies of <paramref name="errors"/> and <paramref name="warnings"/>.</summary>
    /// <remarks>The report owns its lists: later changes to the arguments do not show in it, and its own lists are read-only.</remarks>
    /// <exception cref="ArgumentNullException">A list is null, or holds null.</exception>
    public ValidationReport(IReadOnlyList<ValidationIssue> errors, IReadOnlyList<ValidationIssue> warnings)
        : this(Copy(errors, nameof(errors)), Copy(warnings, nameof(warnings)))
    {
    }

    /// <summary>Takes ownership of <paramref name="errors"/> and <paramref name="warnings"/>, which no one else may keep.</summary>
    internal ValidationReport(ValidationIssue[] errors, ValidationIssue[] warnings)
    {
        // ReadOnlyCollection rather than the bare array: a caller casting Errors back to ValidationIssue[] or IList<>
        // must not be able to change the report.
        Errors = errors.Length == 0 ? ReadOnlyCollection<ValidationIssue>.Empty : Array.AsReadOnly(errors);
        Warnings = warnings.Length == 0 ? ReadOnlyCollection<ValidationIssue>.Empty : Array.AsReadOnly(warnings);
    }

    /// <summary>A report with no issues.</summary>
    public static ValidationReport Empty { get; } = new(Array.Empty<ValidationIssue>(), Array.Empty<ValidationIssue>());

    /// <summary>Violations of the specification's MUST rules; any one makes the content invalid.</summary>
    public IReadOnlyList<ValidationIssue> Errors { get; }

    /// <summary>Departures from the specification's SHOULD rules; the content is still valid.</summary>
    public IReadOnlyList<ValidationIssue> Warnings { get; }

    /// <summary>True when there are no errors.</summary>
    public bool IsValid => Errors.Count == 0;

    /// <summary>A summary: the error and warning counts.</summary>
    public override string ToString() => $"{Errors.Count} error(s), {Warnings.Count} warning(s)";

    private static ValidationIssue[] Copy(IReadOnlyList<ValidationIssue> issues, string paramName)
    {
        ArgumentNullException.ThrowIfNull(issues, paramName);
        var copy = new ValidationIssue[issues.Count];
        for (int i = 0; i < copy.Length; i++)
        {
            copy[i] = issues[i] ?? throw new ArgumentNullException(paramName, "The list holds null.");
        }

        return copy;
    }
}
