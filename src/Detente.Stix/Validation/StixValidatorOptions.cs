namespace Detente.Stix.Validation;

/// <summary>Options for <see cref="StixValidator"/>.</summary>
public sealed record StixValidatorOptions
{
    /// <summary>The default of <see cref="MaxIssues"/>: 1,000.</summary>
    public const int DefaultMaxIssues = 1000;

    /// <summary>The default options: no pattern validator.</summary>
    public static StixValidatorOptions Default { get; } = new();

    /// <summary>
    /// Checks indicator patterns whose <c>pattern_type</c> is <c>stix</c>. Default: null, in which case only a
    /// non-empty <c>pattern</c> and a <c>pattern_type</c> are checked.
    /// </summary>
    public IPatternValidator? PatternValidator { get; init; }

    /// <summary>
    /// The most issues, errors and warnings together, one <c>Validate</c> call records. Default: 1,000
    /// (<see cref="DefaultMaxIssues"/>).
    /// </summary>
    /// <remarks>
    /// Past the limit the validator stops checking and ends the report with one more error,
    /// <see cref="ValidationRules.TooManyIssues"/>, at the document's root path; the report is then invalid. Without a
    /// limit, a 32 MiB object such as <c>"labels":[1,1,…]</c> would yield millions of issues (about a gigabyte).
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int MaxIssues
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            field = value;
        }
    } = DefaultMaxIssues;
}
