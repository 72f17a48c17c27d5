using System.Globalization;

namespace Detente.Patterns;

/// <summary>Text that is not a STIX pattern: a syntax error, an invalid constant, or a limit exceeded.</summary>
/// <remarks>
/// A failed parse changes no state. <see cref="Expected"/> and <see cref="Found"/> name kinds of tokens
/// (<c>']'</c>, <c>a string</c>, <c>end of pattern</c>) and never quote identifiers or constants of the pattern, so the
/// message can be shown or logged wherever the pattern itself may not be.
/// </remarks>
public sealed class PatternSyntaxException : Exception
{
    /// <summary>Creates the exception for a problem at <paramref name="position"/>.</summary>
    /// <param name="position">Zero-based offset, in UTF-16 code units, where the problem was found.</param>
    /// <param name="expected">What would have been valid there, e.g. <c>']'</c> or <c>a comparison operator</c>.</param>
    /// <param name="found">What was there instead, e.g. <c>a string</c> or <c>end of pattern</c>.</param>
    public PatternSyntaxException(int position, string expected, string found)
        : base(string.Create(CultureInfo.InvariantCulture, $"Invalid STIX pattern at position {position}: expected {expected}, found {found}."))
    {
        Position = position;
        Expected = expected;
        Found = found;
    }

    /// <summary>Creates the exception.</summary>
    public PatternSyntaxException()
        : this("Invalid STIX pattern.")
    {
    }

    /// <summary>Creates the exception.</summary>
    public PatternSyntaxException(string message)
        : base(message)
    {
        Position = -1;
        Expected = string.Empty;
        Found = string.Empty;
    }

    /// <summary>Creates the exception.</summary>
    public PatternSyntaxException(string message, Exception innerException)
        : base(message, innerException)
    {
        Position = -1;
        Expected = string.Empty;
        Found = string.Empty;
    }

    /// <summary>Zero-based offset, in UTF-16 code units, where the problem was found; -1 if unknown.</summary>
    public int Position { get; }

    /// <summary>What would have been valid at <see cref="Position"/>, readable (e.g. <c>']'</c>, <c>a comparison operator</c>).</summary>
    public string Expected { get; }

    /// <summary>What was at <see cref="Position"/> instead: a kind of token (e.g. <c>a string</c>, <c>'WITHIN'</c>) or <c>end of pattern</c>.</summary>
    public string Found { get; }
}
