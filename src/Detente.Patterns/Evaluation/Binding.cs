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

    private Binding(int[] indexes, long[] counts, StixTimestamp maxFirst, StixTimestamp minLast, long maxFirstTicks, long minLastTicks, int hash)
    {
        Indexes = indexes;
        Counts = counts;
        MaxFirst = maxFirst;
        MinLast = minLast;
        MaxFirstTicks = maxFirstTicks;
        MinLastTicks = minLastTicks;
        _hash = hash;
    }

    /// <summary>The observations used, by index into the evaluated list, ascending.</summary>
    public int[] Indexes { get; }

    /// <summary>For each of <see cref="Indexes"/>, the number of its instances used (at least 1).</summary>
    public long[] Counts { get; }

    /// <summary>The latest <c>first_observed</c> of the observations used.</summary>
    public StixTimestamp MaxFirst { get; }

    /// <summary>The earliest <c>last_observed</c> of the observations used.</summary>
    public StixTimestamp MinLast { get; }

    /// <summary><see cref="MaxFirst"/> in .NET ticks (100 ns, rounded down), for WITHIN spans.</summary>
    public long MaxFirstTicks { get; }

    /// <summary><see cref="MinLast"/> in .NET ticks (100 ns, rounded down), for WITHIN spans.</summary>
    public long MinLastTicks { get; }

    /// <summary>One instance of observation <paramref name="index"/>.</summary>
    public static Binding Single(int index, IReadOnlyList<Observation> observations)
    {
        Observation o = observations[index];
        return new([index], [1], o.FirstObserved, o.LastObserved, o.FirstObserved.Value.Ticks, o.LastObserved.Value.Ticks, Mix(index, 1));
    }

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
        int[] ri = right.Indexes;
        long[] rc = right.Counts;
        int[] indexes = new int[li.Length + ri.Length];
        long[] counts = new long[indexes.Length];
        int a = 0;
        int b = 0;
        int n = 0;
        int hash = 0;
        while (a < li.Length || b < ri.Length)
        {
            int index;
            long count;
            if (b == ri.Length || (a < li.Length && li[a] < ri[b]))
            {
                index = li[a];
                count = lc[a++];
            }
            else if (a == li.Length || ri[b] < li[a])
            {
                index = ri[b];
                count = rc[b++] * times;
            }
            else
            {
                index = li[a];
                count = lc[a++] + (rc[b++] * times);
            }

            if (count > observations[index].NumberObserved)
            {
                return null;
            }

            indexes[n] = index;
            counts[n++] = count;
            hash = unchecked(hash + Mix(index, count));
        }

        // The times of a union are the extremes of its parts' (copies change nothing).
        Binding first = left is null || right.MaxFirst > left.MaxFirst ? right : left;
        Binding last = left is null || right.MinLast < left.MinLast ? right : left;
        return n == indexes.Length
            ? new Binding(indexes, counts, first.MaxFirst, last.MinLast, first.MaxFirstTicks, last.MinLastTicks, hash)
            : new Binding(indexes[..n], counts[..n], first.MaxFirst, last.MinLast, first.MaxFirstTicks, last.MinLastTicks, hash);
    }

    /// <summary>One element's share of the hash: the hash is their sum, so it does not depend on how a binding was built.</summary>
    private static int Mix(int index, long count) =>
        unchecked((int)(((ulong)(uint)index * 0x9E3779B97F4A7C15UL) ^ ((ulong)count * 0xC2B2AE3D27D4EB4FUL)) * 0x27D4EB2F);

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
