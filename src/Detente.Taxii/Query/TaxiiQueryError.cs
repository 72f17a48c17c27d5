namespace Detente.Taxii.Query;

/// <summary>Why a query string was refused: which parameter, and what is wrong with it. The answer is HTTP 400.</summary>
/// <remarks>Both texts are safe to return to the client and to log: parts of the query are quoted escaped and cut short.</remarks>
public sealed class TaxiiQueryError
{
    internal TaxiiQueryError(string parameter, string message)
    {
        Parameter = parameter;
        Message = message;
    }

    /// <summary>The parameter at fault as written (e.g. <c>match[version]</c>), or <c>query</c> for the whole string.</summary>
    public string Parameter { get; }

    /// <summary>What is wrong, in a sentence.</summary>
    public string Message { get; }

    /// <summary><c>parameter: message</c>.</summary>
    public override string ToString() => $"{Parameter}: {Message}";
}
