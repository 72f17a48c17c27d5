using System.Diagnostics.CodeAnalysis;

namespace Detente.Node;

/// <summary>
/// The node cannot start or be administered as configured: a URL it may not listen on, a data folder or key file others
/// can read, a malformed configuration file (with its line). Nothing was changed.
/// </summary>
public sealed class NodeConfigurationException : Exception
{
    /// <summary>Creates the exception with a message for the operator.</summary>
    public NodeConfigurationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the line of a configuration file it is about.</summary>
    public NodeConfigurationException(string message, int line)
        : base(message)
    {
        Line = line;
    }

    /// <summary>Creates the exception with a message and the failure behind it.</summary>
    public NodeConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with no message.</summary>
    public NodeConfigurationException()
    {
    }

    /// <summary>The 1-based line of the configuration file at fault, or 0 when the problem is not in a file's text.</summary>
    public int Line { get; }

    [DoesNotReturn]
    internal static void Throw(string message) => throw new NodeConfigurationException(message);

    [DoesNotReturn]
    internal static void Throw(string message, int line) => throw new NodeConfigurationException(message, line);
}
