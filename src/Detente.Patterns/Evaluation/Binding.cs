using Detente.Patterns.Observations;
using Detente.Stix;

namespace Detente.Patterns.Evaluation;

/// <summary>
/// A multiset of observation instances: for each observation (by index) how many of its <c>number_observed</c>
/// instances are used, with the time summaries the temporal operators need. Immutable; structurally equal.
/// </summary>
internal sealed class Binding : IEquatable<Binding>
{
    private readonly int _hash;

    private Binding(int[] indexes, long[] counts, IReadOnlyList<Observation> observations)
    {
        Indexes = indexes;
        Counts = counts;
        MaxFirst = observations[indexes[0]].FirstObserved;
        MinLast = observations[indexes[0]].LastObserved;
        var hash = new HashCode();
        for (int i = 0; i < indexes.Length; i++)
        {
            Observation o = observations[indexes[i]];
            MaxFirst = o.FirstObserved > MaxFirst ? o.FirstObserved : MaxFirst;
            MinLast = o.LastObserved < MinLast ? o.LastObserved : MinLast;
            hash.Add(indexes[i]);
            hash.Add(counts[i]);
        }

        _hash = hash.ToHashCode();
    }

    /// <summary>The observations used, by index into the evaluated list, ascending.</summary>
    public int[] Indexes { get; }

    /// <summary>For each of <see cref="Indexes"/>, the number of its instances used (at least 1).</summary>
    public long[] Counts { get; }

    /// <summary>The latest <c>first_observed</c> of the observations used.</summary>
    public StixTimestamp MaxFirst { get; }

    /// <summary>The earliest <c>last_observed</c> of the observations used.</summary>
    public StixTimestamp MinLast { get; }

    /// <summary>One instance of observation <paramref name="index"/>.</summary>
    public static Binding Single(int index, IReadOnlyList<Observation> observations) => new([index], [1], observations);

    /// <summary>
    /// <paramref name="left"/> plus <paramref name="times"/> copies of <paramref name="right"/> (<paramref name="left"/> may
    /// be null: nothing), or null when that uses more instances of an observation than it has.
    /// </summary>
    public static Binding? Merge(Binding? left, Binding right, long times, IReadOnlyList<Observation> observations)
    {
        if (left is null && times == 1)
        {
            return right;
        }

        int[] li = left?.Indexes ?? [];
        long[] lc = left?.Counts ?? [];
        int[] indexes = new int[li.Length + right.Indexes.Length];
        long[] counts = new long[indexes.Length];
        int a = 0;
        int b = 0;
        int n = 0;
        while (a < li.Length || b < right.Indexes.Length)
        {
            int index;
            long count;
            if (b == right.Indexes.Length || (a < li.Length && li[a] < right.Indexes[b]))
            {
                index = li[a];
                count = lc[a++];
            }
            else if (a == li.Length || right.Indexes[b] < li[a])
            {
                index = right.Indexes[b];
                count = right.Counts[b++] * times;
            }
            else
            {
                index = li[a];
                count = lc[a++] + (right.Counts[b++] * times);
            }

            if (count > observations[index].NumberObserved)
            {
                return null;
            }

            indexes[n] = index;
            counts[n++] = count;
        }

        return new Binding(indexes[..n], counts[..n], observations);
    }

    /// <summary>How many copies of this binding fit in the observations' instance counts.</summary>
    public long MaxCopies(IReadOnlyList<Observation> observations)
    {
        long copies = long.MaxValue;
        for (int i = 0; i < Indexes.Length; i++)
        {
            copies = Math.Min(copies, observations[Indexes[i]].NumberObserved / Counts[i]);
        }

        return copies;
    }

    /// <inheritdoc/>
    public bool Equals(Binding? other) =>
        ReferenceEquals(this, other)
        || (other is not null && _hash == other._hash && Indexes.AsSpan().SequenceEqual(other.Indexes) && Counts.AsSpan().SequenceEqual(other.Counts));

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Binding other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => _hash;
}
