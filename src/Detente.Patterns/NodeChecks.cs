using System.Collections.Immutable;
using Detente.Stix;

namespace Detente.Patterns;

/// <summary>Argument checks and sequence equality shared by the syntax-tree nodes.</summary>
internal static class NodeChecks
{
    public static void Operands<T>(ImmutableArray<T> operands, string paramName)
        where T : PatternNode
    {
        if (operands.IsDefault || operands.Length < 2)
        {
            throw new ArgumentException("A compound expression has at least two operands.", paramName);
        }

        foreach (T operand in operands)
        {
            ArgumentNullException.ThrowIfNull(operand, paramName);
        }
    }

    public static void Timestamp(StixTimestamp value, string paramName)
    {
        if (value.ToString().Length == 0)
        {
            throw new ArgumentException("default(StixTimestamp) is not a timestamp; parse or create one.", paramName);
        }
    }

    public static bool SequenceEqual<T>(ImmutableArray<T> left, ImmutableArray<T> right)
        where T : PatternNode
    {
        if (left.Length != right.Length)
        {
            return false;
        }

        for (int i = 0; i < left.Length; i++)
        {
            if (!left[i].Equals(right[i]))
            {
                return false;
            }
        }

        return true;
    }

    public static int SequenceHash<T>(ImmutableArray<T> items)
        where T : PatternNode
    {
        var hash = new HashCode();
        foreach (T item in items)
        {
            hash.Add(item.GetHashCode());
        }

        return hash.ToHashCode();
    }
}
