using System.Globalization;
using System.Threading.RateLimiting;
using Detente.Stix;

namespace Detente.Node;

/// <summary>
/// Every limit of the node in one record: what it accepts from one request and one principal, the page sizes it
/// serves, how large adds are queued, and how long statuses are kept; each setter rejects nonsense. Every refusal is a
/// TAXII error (413, 400 or 429) and is logged; a <c>limit</c> over the maximum is not refused but served smaller.
/// </summary>
public sealed record NodeLimits
{
    /// <summary>The defaults documented on each property.</summary>
    public static NodeLimits Default { get; } = new();

    /// <summary>
    /// Largest request body in bytes; a larger one is refused with 413 before it is read (by its
    /// <c>Content-Length</c>, or while reading a chunked body). Default 10 MiB, the default <c>max_content_length</c>
    /// of an API root.
    /// </summary>
    public long MaxBodyBytes
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, (long)Array.MaxLength);
            field = value;
        }
    } = 10L << 20;

    /// <summary>
    /// Most objects in one posted envelope; more is refused with 413 (the envelope is larger than the node is willing to
    /// process, RFC 9110 §15.5.14) while it is read, before the objects are held in memory. Default 10,000.
    /// </summary>
    public int MaxObjectsPerEnvelope
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            field = value;
        }
    } = 10_000;

    /// <summary>
    /// Deepest nesting of JSON objects and arrays in a request body; deeper is refused with 400 (the request is one the
    /// node does not process as sent: TAXII 2.1 §3.6 keeps 413 for a payload over <c>max_content_length</c>, and
    /// nesting is not size). Default 64.
    /// </summary>
    public int MaxJsonDepth
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 1000);
            field = value;
        }
    } = 64;

    /// <summary>The page size of an objects, manifest or versions request without <c>limit</c>. Default 100.</summary>
    public int DefaultPageLimit
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            field = value;
        }
    } = 100;

    /// <summary>The largest page the node serves; a larger <c>limit</c> is lowered to it (TAXII 2.1 §3.4.2). Default 1,000.</summary>
    public int MaxPageLimit
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            field = value;
        }
    } = 1_000;

    /// <summary>
    /// Requests a principal may make per <see cref="RatePeriod"/> on average, or 0 for no rate limit. A principal over
    /// its rate gets 429 with <c>Retry-After</c>. Default 1,000 (per second).
    /// </summary>
    public int RatePermits
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            field = value;
        }
    } = 1_000;

    /// <summary>The period <see cref="RatePermits"/> are given back over. Default 1 second.</summary>
    public TimeSpan RatePeriod
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.FromMilliseconds(1));
            field = value;
        }
    } = TimeSpan.FromSeconds(1);

    /// <summary>Most requests a principal may make at once after being idle (the token bucket's size). Default 2,000.</summary>
    public int RateBurst
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            field = value;
        }
    } = 2_000;

    /// <summary>
    /// An add request with more objects than this is answered at once with a <c>pending</c> status and stored by the
    /// background worker; smaller ones are stored before the answer. Default 1,000.
    /// </summary>
    public int AsyncThreshold
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            field = value;
        }
    } = 1_000;

    /// <summary>How many objects the background worker stores per transaction (and per status update). Default 500.</summary>
    public int IngestChunkSize
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            field = value;
        }
    } = 500;

    /// <summary>
    /// How many threads at most check the objects of one add request at once (validation, origin, the node's signature;
    /// an envelope of fewer than 64 objects is checked on the request's thread). Results and their order do not depend
    /// on it. Default: the number of processors.
    /// </summary>
    public int IngestCheckParallelism
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            field = value;
        }
    } = Environment.ProcessorCount;

    /// <summary>How many queued add requests the background worker holds; a request beyond it waits for room. Default 16.</summary>
    public int IngestQueueCapacity
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            field = value;
        }
    } = 16;

    /// <summary>
    /// How long a status resource is kept once none of its objects is pending (counted from its request); the node
    /// deletes older ones, which then answer 404. Default 7 days.
    /// </summary>
    public TimeSpan StatusRetention
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.FromMinutes(1));
            field = value;
        }
    } = TimeSpan.FromDays(7);

    /// <summary>
    /// Full tiles of the node's own log kept in memory for proofs (inclusion, consistency, PSI session proofs), each with
    /// the hashes inside it computed (<see cref="Ledger.Tiles.TileCache"/>: 16,352 bytes a tile, least recently used
    /// dropped first). Default 1,024 tiles, at most about 16 MiB.
    /// </summary>
    public int LogTileCacheTiles
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            field = value;
        }
    } = Ledger.Tiles.TileCache.DefaultCapacity;

    /// <summary>The page size to serve for a request's <c>limit</c> (null when absent): the default, or at most the maximum.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="requested"/> is not positive (the node answers 400 before).</exception>
    public int PageLimit(int? requested)
    {
        if (requested is not int value)
        {
            return Math.Min(DefaultPageLimit, MaxPageLimit);
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
        return Math.Min(value, MaxPageLimit);
    }

    /// <summary>The reader limits of a request body: <see cref="MaxBodyBytes"/>, <see cref="MaxJsonDepth"/> and
    /// <see cref="MaxObjectsPerEnvelope"/> over <paramref name="baseLimits"/> (the reader defaults when null).</summary>
    public StixReaderLimits ReaderLimits(StixReaderLimits? baseLimits = null) => (baseLimits ?? StixReaderLimits.Default) with
    {
        MaxBytes = MaxBodyBytes,
        MaxDepth = MaxJsonDepth,
        MaxBundleObjects = MaxObjectsPerEnvelope,
    };
}

/// <summary>Refuses a request whose declared body is larger than <see cref="NodeLimits.MaxBodyBytes"/> before anything reads it.</summary>
internal sealed class BodyLimitMiddleware(RequestDelegate next, NodeOptions options, ILogger<BodyLimitMiddleware> logger)
{
    public Task InvokeAsync(HttpContext context)
    {
        long? length = context.Request.ContentLength;
        long max = options.Limits.MaxBodyBytes;
        if (length > max)
        {
            Log.BodyTooLarge(logger, context.Request.Method, context.Request.Path, length.Value, max);
            // The body stays unread: the connection cannot be reused, and saying so lets Kestrel finish the response
            // instead of draining a body larger than it accepts.
            context.Response.OnStarting(() =>
            {
                context.Response.Headers.Connection = "close";
                return Task.CompletedTask;
            });
            return TaxiiErrors.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, "Request too large",
                "The request body is larger than " + max.ToString(CultureInfo.InvariantCulture) + " bytes.");
        }

        return next(context);
    }
}

/// <summary>
/// Limits each authenticated principal to <see cref="NodeLimits.RatePermits"/> requests per
/// <see cref="NodeLimits.RatePeriod"/> (a token bucket of <see cref="NodeLimits.RateBurst"/>); over it, 429 with
/// <c>Retry-After</c> in whole seconds.
/// </summary>
internal sealed class PrincipalRateLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string>? _limiter;

    public PrincipalRateLimiter(NodeLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        if (limits.RatePermits == 0)
        {
            return;
        }

        var bucket = new TokenBucketRateLimiterOptions
        {
            TokenLimit = limits.RateBurst,
            TokensPerPeriod = limits.RatePermits,
            ReplenishmentPeriod = limits.RatePeriod,
            QueueLimit = 0,
            AutoReplenishment = true,
        };
        _limiter = PartitionedRateLimiter.Create<string, string>(principal => RateLimitPartition.GetTokenBucketLimiter(principal, _ => bucket),
            StringComparer.Ordinal);
    }

    /// <summary>Takes one permit for <paramref name="principal"/>: null when granted, else how long to wait.</summary>
    public TimeSpan? TryAcquire(string principal)
    {
        if (_limiter is null)
        {
            return null;
        }

        using RateLimitLease lease = _limiter.AttemptAcquire(principal);
        if (lease.IsAcquired)
        {
            return null;
        }

        return lease.TryGetMetadata(MetadataName.RetryAfter, out TimeSpan retryAfter) ? retryAfter : TimeSpan.FromSeconds(1);
    }

    public void Dispose() => _limiter?.Dispose();
}

/// <summary>Applies <see cref="PrincipalRateLimiter"/> to authenticated requests.</summary>
internal sealed class RateLimitMiddleware(RequestDelegate next, PrincipalRateLimiter limiter, ILogger<RateLimitMiddleware> logger)
{
    public Task InvokeAsync(HttpContext context)
    {
        NodePrincipal? principal = TokenAuthenticationMiddleware.FindPrincipal(context);
        if (principal is null || limiter.TryAcquire(principal.Name) is not TimeSpan wait)
        {
            return next(context);
        }

        long seconds = Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds));
        Log.RateLimited(logger, principal.Name, context.Request.Method, context.Request.Path, seconds);
        string retryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        // The error writer clears the headers; Retry-After goes on just before they are sent.
        context.Response.OnStarting(() =>
        {
            context.Response.Headers.RetryAfter = retryAfter;
            return Task.CompletedTask;
        });
        return TaxiiErrors.WriteAsync(context, StatusCodes.Status429TooManyRequests, "Too many requests", "Retry after " + retryAfter + " s.");
    }
}
