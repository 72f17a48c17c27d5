namespace Detente.Stix.Validation;

/// <summary>Checks the <c>pattern</c> of an indicator; Detente.Patterns implements it and the host wires it in.</summary>
/// <remarks>Declared here so that Detente.Stix needs no reference to the patterning library (no reference cycles).</remarks>
public interface IPatternValidator
{
    /// <summary>Validates a pattern.</summary>
    /// <param name="pattern">The indicator's <c>pattern</c>.</param>
    /// <param name="patternType">The indicator's <c>pattern_type</c>, e.g. <c>stix</c>.</param>
    /// <param name="patternVersion">The indicator's <c>pattern_version</c>, when present.</param>
    /// <returns>What is wrong with the pattern (errors) and what is doubtful (warnings); messages must not quote the pattern.</returns>
    public PatternCheck Validate(string pattern, string patternType, string? patternVersion);
}
