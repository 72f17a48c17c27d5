namespace Detente.Stix;

/// <summary>Input that cannot be read as STIX JSON: malformed, over a limit, or not representable exactly.</summary>
/// <remarks>A failed read changes no state; the position says where reading stopped.</remarks>
public sealed class StixFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StixFormatException(string message, long bytePosition, Exception? innerException = null)
        : base(message, innerException)
    {
        BytePosition = bytePosition;
    }

    /// <summary>Creates the exception.</summary>
    public StixFormatException()
        : this("Input is not readable STIX JSON.", -1)
    {
    }

    /// <summary>Creates the exception.</summary>
    public StixFormatException(string message)
        : this(message, -1)
    {
    }

    /// <summary>Creates the exception.</summary>
    public StixFormatException(string message, Exception innerException)
        : this(message, -1, innerException)
    {
    }

    /// <summary>Zero-based byte offset into the document (or JSON line) where the problem was found; -1 if unknown.</summary>
    public long BytePosition { get; }

    /// <summary>One-based line number for JSON lines input; null for a single document.</summary>
    public long? LineNumber { get; init; }

    /// <summary>The limit the input went over, or null when the input is malformed or not representable.</summary>
    public StixLimit? ExceededLimit { get; init; }
}

/// <summary>The limits of <see cref="StixReaderLimits"/>, as named by <see cref="StixFormatException.ExceededLimit"/>.</summary>
public enum StixLimit
{
    /// <summary><see cref="StixReaderLimits.MaxBytes"/>.</summary>
    Bytes = 1,

    /// <summary><see cref="StixReaderLimits.MaxDepth"/>.</summary>
    Depth = 2,

    /// <summary><see cref="StixReaderLimits.MaxBundleObjects"/>.</summary>
    BundleObjects = 3,

    /// <summary><see cref="StixReaderLimits.MaxStringBytes"/>.</summary>
    StringBytes = 4,

    /// <summary><see cref="StixReaderLimits.MaxObjectMembers"/>.</summary>
    ObjectMembers = 5,
}
