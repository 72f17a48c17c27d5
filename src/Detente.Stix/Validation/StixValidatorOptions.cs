namespace Detente.Stix.Validation;

/// <summary>Options for <see cref="StixValidator"/>.</summary>
public sealed record StixValidatorOptions
{
    /// <summary>The default options: no pattern validator.</summary>
    public static StixValidatorOptions Default { get; } = new();

    /// <summary>
    /// Checks indicator patterns whose <c>pattern_type</c> is <c>stix</c>. Default: null, in which case only a
    /// non-empty <c>pattern</c> and a <c>pattern_type</c> are checked.
    /// </summary>
    public IPatternValidator? PatternValidator { get; init; }
}
