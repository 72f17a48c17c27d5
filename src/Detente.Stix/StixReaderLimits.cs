namespace Detente.Stix;

/// <summary>Limits a <see cref="StixReader"/> enforces before it allocates for input; each setter rejects nonsense.</summary>
public sealed record StixReaderLimits
{
    /// <summary>The defaults documented on each property.</summary>
    public static StixReaderLimits Default { get; } = new();

    /// <summary>Largest document (or JSON line) in bytes. Default 32 MiB.</summary>
    public long MaxBytes
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, (long)Array.MaxLength);
            field = value;
        }
    } = 32L << 20;

    /// <summary>Deepest nesting of objects and arrays. Default 64.</summary>
    public int MaxDepth
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 1000);
            field = value;
        }
    } = 64;

    /// <summary>Most objects in the <c>objects</c> array of a bundle. Default 100,000.</summary>
    public int MaxBundleObjects
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            field = value;
        }
    } = 100_000;

    /// <summary>Longest string (member names included), in UTF-8 bytes as written in the input. Default 1 MiB.</summary>
    public int MaxStringBytes
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            field = value;
        }
    } = 1 << 20;

    /// <summary>Most members in one JSON object. Default 10,000.</summary>
    public int MaxObjectMembers
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            field = value;
        }
    } = 10_000;
}
