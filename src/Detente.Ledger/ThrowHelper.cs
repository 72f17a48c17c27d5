using System.Diagnostics.CodeAnalysis;

namespace Detente.Ledger;

/// <summary>Throws in one place, so that parsing methods stay small.</summary>
internal static class ThrowHelper
{
    [DoesNotReturn]
    public static void Format(string message, long position) => throw new LedgerFormatException(message, position);

    [DoesNotReturn]
    public static T Format<T>(string message, long position) => throw new LedgerFormatException(message, position);
}
