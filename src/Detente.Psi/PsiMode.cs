namespace Detente.Psi;

/// <summary>What the initiator learns.</summary>
public enum PsiMode
{
    /// <summary>The initiator learns the common elements; the responder learns the initiator's set size.</summary>
    Intersection = 0,

    /// <summary>The initiator learns only how many elements are common (the responder shuffles its answers).</summary>
    Cardinality = 1,
}

/// <summary>How the initiator blinds its elements in intersection mode. The responder's work and the tags are the same for both.</summary>
public enum PsiBlinding
{
    /// <summary>
    /// H(x) + r·B with a pair (r·B, r·K) precomputed per element for the responder's public key K of a key epoch
    /// (<see cref="PsiBlinds"/>); the answer is unblinded with − r·K. No scalar multiplication online on the initiator's side.
    /// </summary>
    Additive = 0,

    /// <summary>RFC 9497 Blind: r·H(x), unblinded with r⁻¹. Needs no public key, costs two scalar multiplications online per element.</summary>
    Multiplicative = 1,
}
