using System.Net;

namespace Detente.Taxii.Client;

/// <summary>A TAXII server answered a request with an HTTP error status.</summary>
/// <remarks>
/// <see cref="Error"/> holds the server's TAXII error message when the body was one (TAXII 2.1 §3.6.1); otherwise
/// <see cref="ReasonPhrase"/> is all there is. Text from the server is quoted escaped and cut short in <see cref="Exception.Message"/>.
/// </remarks>
public sealed class TaxiiException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TaxiiException(HttpStatusCode statusCode, string? reasonPhrase, TaxiiError? error, string message)
        : base(message)
    {
        StatusCode = statusCode;
        ReasonPhrase = reasonPhrase;
        Error = error;
    }

    /// <summary>Creates the exception.</summary>
    public TaxiiException()
        : this("A TAXII request failed.")
    {
    }

    /// <summary>Creates the exception.</summary>
    public TaxiiException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public TaxiiException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The HTTP status of the response.</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>The HTTP reason phrase, as the server sent it (HTTP/1.1 only).</summary>
    public string? ReasonPhrase { get; }

    /// <summary>The TAXII error message in the body; null when the body was not one.</summary>
    public TaxiiError? Error { get; }
}
