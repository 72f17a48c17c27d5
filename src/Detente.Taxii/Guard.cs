namespace Detente.Taxii;

/// <summary>Argument checks for the resource types: caller bugs, reported as <see cref="ArgumentException"/>s.</summary>
internal static class Guard
{
    /// <summary>An immutable copy of <paramref name="values"/>, none of them null.</summary>
    public static T[] Copy<T>(IEnumerable<T> values, string name)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(values, name);
        T[] copy = values.ToArray();
        foreach (T value in copy)
        {
            if (value is null)
            {
                throw new ArgumentException("The list holds a null item.", name);
            }
        }

        return copy;
    }

    /// <summary>Refuses an integer outside 0 or 1 (<paramref name="minimum"/>) … 2^53 − 1, the TAXII integer range (TAXII 2.1 §2).</summary>
    public static long Integer(long value, long minimum, string name)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(value, minimum, name);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(value, Detente.Stix.Json.JsonNumber.MaxSafeInteger, name);
        return value;
    }
}
