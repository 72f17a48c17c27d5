namespace Detente.Ledger;

/// <summary>Log input that cannot be read: a malformed note, checkpoint, tile path, entry bundle, entry or witness body.</summary>
/// <remarks>A failed read changes no state; <see cref="Position"/> says where reading stopped.</remarks>
public sealed class LedgerFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    public LedgerFormatException(string message, long position, Exception? innerException = null)
        : base(message, innerException)
    {
        Position = position;
    }

    /// <summary>Creates the exception.</summary>
    public LedgerFormatException()
        : this("Input is not a readable log structure.", -1)
    {
    }

    /// <summary>Creates the exception.</summary>
    public LedgerFormatException(string message)
        : this(message, -1)
    {
    }

    /// <summary>Creates the exception.</summary>
    public LedgerFormatException(string message, Exception innerException)
        : this(message, -1, innerException)
    {
    }

    /// <summary>Zero-based offset (bytes, or characters for text given as a string) where the problem was found; -1 if unknown.</summary>
    public long Position { get; }
}
