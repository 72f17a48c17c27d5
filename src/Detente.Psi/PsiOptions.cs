namespace Detente.Psi;

/// <summary>Limits and tuning for one side of a PSI session; the setters refuse nonsense.</summary>
public sealed record PsiOptions
{
    /// <summary>Items per chunk (points or tags). Default 4096; 1 to 65536.</summary>
    public int ChunkSize
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, PsiChunk.MaxItems);
            field = value;
        }
    } = 4096;

    /// <summary>Largest set either side accepts, its own or the peer's (after padding). Default 2,000,000.</summary>
    /// <remarks>The node sets its own, smaller cap per partner: small domains are enumerable (see README).</remarks>
    public int MaxSetSize
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            field = value;
        }
    } = 2_000_000;

    /// <summary>Pad this side's set with dummies up to this size so that only the padded size is revealed; 0 = no padding.</summary>
    public int PadTo
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            field = value;
        }
    }

    /// <summary>Threads used for the group operations. Default: the processor count.</summary>
    public int Parallelism
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            field = value;
        }
    } = Environment.ProcessorCount;
}
