namespace Detente.Psi;

/// <summary>What the initiator learns.</summary>
public enum PsiMode
{
    /// <summary>The initiator learns the common elements; the responder learns the initiator's set size.</summary>
    Intersection = 0,

    /// <summary>The initiator learns only how many elements are common (the responder shuffles its answers).</summary>
    Cardinality = 1,
}
