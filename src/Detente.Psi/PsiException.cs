namespace Detente.Psi;

/// <summary>
/// Input to the PSI protocol could not be used: a malformed or out-of-order chunk, a group element from the peer
/// that is not a valid ristretto255 encoding or is the identity, an element that cannot be canonicalized, a limit
/// exceeded. A session that threw is finished; nothing it produced before should be used.
/// </summary>
public sealed class PsiException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong, in words for an operator.</param>
    /// <param name="position">Where: a 1-based line number for elements, or a 0-based item index in a chunk stream; -1 when none applies.</param>
    public PsiException(string message, long position = -1)
        : base(message)
    {
        Position = position;
    }

    /// <summary>Creates the exception without a position.</summary>
    public PsiException()
        : this("PSI input could not be used.")
    {
    }

    /// <summary>Creates the exception with an inner exception.</summary>
    public PsiException(string message, Exception innerException)
        : base(message, innerException)
    {
        Position = -1;
    }

    /// <summary>Where the problem is: a 1-based line number for elements, or a 0-based item index in a chunk stream; -1 when none applies.</summary>
    public long Position { get; }
}
