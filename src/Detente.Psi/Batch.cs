namespace Detente.Psi;

/// <summary>Runs per-item work over both cores in pieces, so a busy core slows a phase rather than stalling it.</summary>
internal static class Batch
{
    private const int PieceSize = 256;

    /// <summary>
    /// Runs <paramref name="body"/>(start, end) over [0, count) in pieces; each piece returns the index of its first
    /// bad item or -1. Returns the smallest bad index, or -1.
    /// </summary>
    public static int Run(int count, int parallelism, Func<int, int, int> body)
    {
        int pieces = (count + PieceSize - 1) / PieceSize;
        if (parallelism <= 1 || pieces <= 1)
        {
            return count == 0 ? -1 : body(0, count);
        }

        int firstBad = int.MaxValue;
        Parallel.For(0, pieces, new ParallelOptions { MaxDegreeOfParallelism = parallelism }, piece =>
        {
            int start = piece * PieceSize;
            int bad = body(start, Math.Min(count, start + PieceSize));
            if (bad >= 0)
            {
                int seen;
                do
                {
                    seen = Volatile.Read(ref firstBad);
                }
                while (bad < seen && Interlocked.CompareExchange(ref firstBad, bad, seen) != seen);
            }
        });
        return firstBad == int.MaxValue ? -1 : firstBad;
    }
}
