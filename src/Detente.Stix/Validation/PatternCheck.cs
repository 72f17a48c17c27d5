using System.Collections.ObjectModel;

namespace Detente.Stix.Validation;

/// <summary>What an <see cref="IPatternValidator"/> found in a pattern: errors make the indicator invalid, warnings do not.</summary>
/// <remarks>
/// Each message reads after the path of the pattern (<c>$.pattern: …</c>) and must not quote the pattern: a position and
/// what was expected are enough, and pattern text would be outside input in the report.
/// </remarks>
public sealed class PatternCheck
{
    private static readonly ReadOnlyCollection<string> s_none = ReadOnlyCollection<string>.Empty;

    /// <summary>Creates a result holding copies of <paramref name="errors"/> and <paramref name="warnings"/>.</summary>
    /// <exception cref="ArgumentNullException">A list is null, or holds null.</exception>
    public PatternCheck(IReadOnlyList<string> errors, IReadOnlyList<string> warnings)
    {
        Errors = Copy(errors, nameof(errors));
        Warnings = Copy(warnings, nameof(warnings));
    }

    /// <summary>A valid pattern without warnings.</summary>
    public static PatternCheck Valid { get; } = new([], []);

    /// <summary>What makes the pattern invalid (§9 MUST rules, syntax errors).</summary>
    public IReadOnlyList<string> Errors { get; }

    /// <summary>What is doubtful but allowed (e.g. a property the specification does not define).</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>True when there are no errors.</summary>
    public bool IsValid => Errors.Count == 0;

    /// <summary>A result with one error.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="message"/> is null.</exception>
    public static PatternCheck Invalid(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return new PatternCheck([message], []);
    }

    /// <summary>A summary: the error and warning counts.</summary>
    public override string ToString() => $"{Errors.Count} error(s), {Warnings.Count} warning(s)";

    private static ReadOnlyCollection<string> Copy(IReadOnlyList<string> messages, string paramName)
    {
        ArgumentNullException.ThrowIfNull(messages, paramName);
        if (messages.Count == 0)
        {
            return s_none;
        }

        var copy = new string[messages.Count];
        for (int i = 0; i < copy.Length; i++)
        {
            copy[i] = messages[i] ?? throw new ArgumentNullException(paramName, "The list holds null.");
        }

        return Array.AsReadOnly(copy);
    }
}
