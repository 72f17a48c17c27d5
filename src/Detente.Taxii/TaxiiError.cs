using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Detente.Stix.Json;
using Detente.Taxii.Json;

namespace Detente.Taxii;

/// <summary>The error message: what went wrong with a request, sent with an HTTP error status.</summary>
/// <remarks>
/// TAXII 2.1 §3.6.1. Every member is application-specific. Never put anything here the requester may not know
/// (Appendix B: do not reveal that something exists to a client that may not see it).
/// </remarks>
public sealed class TaxiiError : ITaxiiResource
{
    /// <summary>Creates the error message.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="title"/> is null.</exception>
    public TaxiiError(string title)
    {
        ArgumentNullException.ThrowIfNull(title);
        Title = title;
    }

    /// <summary>An error message with <see cref="HttpStatus"/> set to <paramref name="httpStatus"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="httpStatus"/> is not a 4xx or 5xx status.</exception>
    public static TaxiiError ForStatus(int httpStatus, string title, string? description = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(httpStatus, 400);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(httpStatus, 599);
        return new TaxiiError(title)
        {
            HttpStatus = httpStatus.ToString(CultureInfo.InvariantCulture),
            Description = description,
        };
    }

    /// <summary><c>title</c> (required): a human-readable plain-text title.</summary>
    public string Title { get; }

    /// <summary><c>description</c>: a human-readable plain-text description.</summary>
    public string? Description { get; init; }

    /// <summary><c>error_id</c>: an identifier of this occurrence.</summary>
    public string? ErrorId { get; init; }

    /// <summary><c>error_code</c>: the server's code for this kind of error.</summary>
    public string? ErrorCode { get; init; }

    /// <summary><c>http_status</c>: the HTTP status, as a string (the spec's type); equal to the response's status.</summary>
    /// <remarks>Read from a string or, as some servers write it, a number.</remarks>
    public string? HttpStatus { get; init; }

    /// <summary><c>external_details</c>: a URL with more details.</summary>
    public string? ExternalDetails { get; init; }

    /// <summary><c>details</c>: server-specific structured details.</summary>
    public JsonObject? Details { get; init; }

    /// <inheritdoc/>
    public void Serialize(IBufferWriter<byte> output)
    {
        using var writer = new Utf8JsonWriter(output, TaxiiJson.WriterOptions);
        writer.WriteStartObject();
        writer.WriteString("title", Title);
        TaxiiJson.WriteOptional(writer, "description", Description);
        TaxiiJson.WriteOptional(writer, "error_id", ErrorId);
        TaxiiJson.WriteOptional(writer, "error_code", ErrorCode);
        TaxiiJson.WriteOptional(writer, "http_status", HttpStatus);
        TaxiiJson.WriteOptional(writer, "external_details", ExternalDetails);
        if (Details is not null)
        {
            TaxiiJson.WriteValue(writer, "details", Details);
        }

        writer.WriteEndObject();
    }

    /// <inheritdoc/>
    public byte[] Serialize() => TaxiiJson.ToArray(Serialize);

    internal static TaxiiError Read(Members m)
    {
        string? httpStatus = m.Json["http_status"] is JsonNumber n && n.TryGetInt64(out long status)
            ? status.ToString(CultureInfo.InvariantCulture)
            : m.OptionalString("http_status");
        return new TaxiiError(m.RequiredString("title"))
        {
            Description = m.OptionalString("description"),
            ErrorId = m.OptionalString("error_id"),
            ErrorCode = m.OptionalString("error_code"),
            HttpStatus = httpStatus,
            ExternalDetails = m.OptionalString("external_details"),
            Details = m.OptionalObject("details"),
        };
    }
}
