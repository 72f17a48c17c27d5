namespace Detente.Psi;

/// <summary>What the initiator learned from a session.</summary>
public sealed class PsiResult
{
    internal PsiResult(PsiMode mode, int count, IReadOnlyList<PsiElement> intersection, double falsePositiveRate)
    {
        Mode = mode;
        Count = count;
        Intersection = intersection;
        FalsePositiveRate = falsePositiveRate;
    }

    /// <summary>The mode of the session.</summary>
    public PsiMode Mode { get; }

    /// <summary>How many of the initiator's elements the responder also holds.</summary>
    public int Count { get; }

    /// <summary>The common elements (intersection mode), in the initiator's order; empty in cardinality mode.</summary>
    public IReadOnlyList<PsiElement> Intersection { get; }

    /// <summary>
    /// The probability that one of the initiator's elements not held by the responder is counted anyway: 0 with tags
    /// (up to 2^-128), about 2^-P with a Golomb-compressed set.
    /// </summary>
    public double FalsePositiveRate { get; }
}
