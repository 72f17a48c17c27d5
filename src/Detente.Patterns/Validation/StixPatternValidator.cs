using System.Globalization;
using Detente.Stix.Validation;

namespace Detente.Patterns.Validation;

/// <summary>Checks indicator patterns for <see cref="StixValidator"/>: set it as <see cref="StixValidatorOptions.PatternValidator"/>.</summary>
/// <remarks>
/// <c>pattern_type</c> <c>stix</c> only (other pattern languages are not checked). <c>pattern_version</c> picks the
/// grammar: <c>2.0</c>, <c>2.1</c>, or absent for 2.1 (the indicator's own spec_version, STIX 2.1 §4.7); any other
/// version is checked as 2.1 with a warning. Messages give positions and rule ids, never the pattern's text.
/// Stateless and thread-safe.
/// </remarks>
public sealed class StixPatternValidator : IPatternValidator
{
    private readonly PatternLimits _limits;

    /// <summary>Creates the validator.</summary>
    /// <param name="limits">Bounds on pattern length and nesting; <see cref="PatternLimits.Default"/> when null.</param>
    public StixPatternValidator(PatternLimits? limits = null)
    {
        _limits = limits ?? PatternLimits.Default;
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentNullException"><paramref name="pattern"/> or <paramref name="patternType"/> is null.</exception>
    public PatternCheck Validate(string pattern, string patternType, string? patternVersion)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(patternType);
        if (patternType != "stix")
        {
            return PatternCheck.Valid;
        }

        PatternVersion version = patternVersion == "2.0" ? PatternVersion.V20 : PatternVersion.V21;
        PatternValidationResult result = PatternValidator.Validate(pattern, version, _limits);
        bool unknownVersion = patternVersion is not (null or "2.0" or "2.1");
        if (result.IsValid && result.Warnings.Count == 0 && !unknownVersion)
        {
            return PatternCheck.Valid;
        }

        var errors = new List<string>(result.Errors.Count);
        foreach (PatternIssue issue in result.Errors)
        {
            errors.Add(Describe(issue));
        }

        var warnings = new List<string>(result.Warnings.Count + 1);
        if (unknownVersion)
        {
            warnings.Add("pattern_version is not 2.0 or 2.1, the STIX patterning versions this node knows; the pattern was checked as 2.1");
        }

        foreach (PatternIssue issue in result.Warnings)
        {
            warnings.Add(Describe(issue));
        }

        return new PatternCheck(errors, warnings);
    }

    private static string Describe(PatternIssue issue) =>
        string.Create(CultureInfo.InvariantCulture, $"at position {issue.Position}: {issue.Message} ({issue.Rule})");
}
