using Detente.Stix;
using Microsoft.Extensions.Logging;

namespace Detente.Taxii.Client;

/// <summary>Settings of a <see cref="TaxiiClient"/>; each setter rejects nonsense.</summary>
public sealed record TaxiiClientOptions
{
    /// <summary>The defaults documented on each property.</summary>
    public static TaxiiClientOptions Default { get; } = new();

    /// <summary>The credentials sent with every request. Default: none.</summary>
    public TaxiiCredentials? Credentials { get; init; }

    /// <summary>
    /// The largest response body read, in bytes: a longer one (declared or not) is refused with a
    /// <see cref="TaxiiFormatException"/> without reading past the limit. Default 32 MiB.
    /// </summary>
    public long MaxResponseBytes
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, (long)Array.MaxLength);
            field = value;
        }
    } = 32L << 20;

    /// <summary>
    /// Limits on the JSON of responses (depth, string length, members, objects per envelope); their
    /// <see cref="StixReaderLimits.MaxBytes"/> is replaced by <see cref="MaxResponseBytes"/>. Default: the reader's defaults.
    /// </summary>
    public StixReaderLimits ReaderLimits
    {
        get;
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            field = value;
        }
    } = StixReaderLimits.Default;

    /// <summary>The <c>User-Agent</c> header (TAXII 2.1 §8.4.1: a client SHOULD identify itself). Default <c>Detente.Taxii/&lt;version&gt;</c>.</summary>
    public string UserAgent
    {
        get;
        init
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(value);
            if (value.Any(c => c < ' ' || c > '~'))
            {
                throw new ArgumentException("A User-Agent is printable ASCII.", nameof(UserAgent));
            }

            field = value;
        }
    } = $"Detente.Taxii/{typeof(TaxiiClientOptions).Assembly.GetName().Version?.ToString(3) ?? "1.0.0"}";

    /// <summary>Where the client logs failed requests and refused responses. Default: nowhere.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }
}
