namespace Detente.Node;

/// <summary>How the object endpoints page and ingest: page sizes and the asynchronous add path.</summary>
public sealed record NodeObjectOptions
{
    /// <summary>The page size when a request gives no <c>limit</c>. Default 100.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int DefaultPageSize
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            field = value;
        }
    } = 100;

    /// <summary>The largest page the node serves; a larger <c>limit</c> gets this many (TAXII 2.1 §3.4 lets a server
    /// return fewer). Default 1,000.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int MaxPageSize
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            field = value;
        }
    } = 1_000;

    /// <summary>
    /// An add request with more objects than this is answered at once with a <c>pending</c> status and stored by the
    /// background worker; smaller ones are stored before the answer. Default 1,000.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
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
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int IngestChunkSize
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            field = value;
        }
    } = 500;

    /// <summary>How many queued add requests the background worker holds; a request beyond it waits for room. Default 16.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int IngestQueueCapacity
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            field = value;
        }
    } = 16;
}
