namespace Detente.Cli;

/// <summary>Exit codes shared by all commands.</summary>
internal static class ExitCodes
{
    /// <summary>Success; for <c>validate</c>, the input is valid.</summary>
    public const int Ok = 0;

    /// <summary>The input was read but is invalid (validation errors).</summary>
    public const int Invalid = 1;

    /// <summary>The input could not be used (missing file, unreadable JSON, a limit exceeded), or the command line is wrong.</summary>
    public const int Unusable = 2;
}
