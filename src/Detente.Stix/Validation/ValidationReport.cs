namespace Detente.Stix.Validation;

/// <summary>The outcome of validating STIX content: every error (a MUST broken) and every warning (a SHOULD missed).</summary>
/// <remarks>Issues are listed in document order. Validation never stops at the first problem.</remarks>
public sealed class ValidationReport
{
    /// <summary>Creates a report.</summary>
    /// <exception cref="ArgumentNullException">A list is null.</exception>
    public ValidationReport(IReadOnlyList<ValidationIssue> errors, IReadOnlyList<ValidationIssue> warnings)
    {
        ArgumentNullException.ThrowIfNull(errors);
        ArgumentNullException.ThrowIfNull(warnings);
        Errors = errors;
        Warnings = warnings;
    }

    /// <summary>A report with no issues.</summary>
    public static ValidationReport Empty { get; } = new([], []);

    /// <summary>Violations of the specification's MUST rules; any one makes the content invalid.</summary>
    public IReadOnlyList<ValidationIssue> Errors { get; }

    /// <summary>Departures from the specification's SHOULD rules; the content is still valid.</summary>
    public IReadOnlyList<ValidationIssue> Warnings { get; }

    /// <summary>True when there are no errors.</summary>
    public bool IsValid => Errors.Count == 0;

    /// <summary>A summary: the error and warning counts.</summary>
    public override string ToString() => $"{Errors.Count} error(s), {Warnings.Count} warning(s)";
}
