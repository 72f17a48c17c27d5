namespace Detente.Taxii;

/// <summary>
/// Input that cannot be read as the TAXII resource expected: malformed JSON, over a limit, a member of the wrong
/// type, a required member missing, or a response that is not TAXII 2.1 content at all.
/// </summary>
/// <remarks>A failed read changes no state. <see cref="BytePosition"/> or <see cref="Path"/> says where.</remarks>
public sealed class TaxiiFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong, in a sentence.</param>
    /// <param name="bytePosition">Zero-based byte offset where reading stopped; -1 when unknown.</param>
    /// <param name="path">The JSON path of the offending member (<c>$.objects[3]</c>); null when not about a member.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public TaxiiFormatException(string message, long bytePosition, string? path = null, Exception? innerException = null)
        : base(path is null ? message : $"{path}: {message}", innerException)
    {
        BytePosition = bytePosition;
        Path = path;
    }

    /// <summary>Creates the exception.</summary>
    public TaxiiFormatException()
        : this("Input is not a readable TAXII resource.", -1)
    {
    }

    /// <summary>Creates the exception.</summary>
    public TaxiiFormatException(string message)
        : this(message, -1)
    {
    }

    /// <summary>Creates the exception.</summary>
    public TaxiiFormatException(string message, Exception innerException)
        : this(message, -1, null, innerException)
    {
    }

    /// <summary>Zero-based byte offset into the document where the problem was found; -1 if unknown.</summary>
    public long BytePosition { get; }

    /// <summary>The JSON path of the member at fault (<c>$.collections[1].can_read</c>); null when not about a member.</summary>
    public string? Path { get; }
}
