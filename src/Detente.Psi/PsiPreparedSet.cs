namespace Detente.Psi;

/// <summary>
/// The responder's set evaluated under its key: one tag per element for each mode, sorted (so their order says
/// nothing about the set's order). This is the expensive part on the responder's side (one scalar multiplication per
/// element); it is done once per key and key context and can serve several sessions of that key epoch.
/// </summary>
public sealed class PsiPreparedSet
{
    private PsiPreparedSet(PsiKey key, PsiSessionId keyContext, UInt128[] intersection, UInt128[] cardinality, int realCount)
    {
        Key = key;
        KeyContext = keyContext;
        IntersectionTags = intersection;
        CardinalityTags = cardinality;
        RealCount = realCount;
    }

    /// <summary>The key the set was evaluated under.</summary>
    public PsiKey Key { get; }

    /// <summary>The key context named in the DST (the session id for a per-session key, or the key epoch id).</summary>
    public PsiSessionId KeyContext { get; }

    /// <summary>The set size the initiator sees (after padding).</summary>
    public int Count => IntersectionTags.Length;

    /// <summary>Elements that are real (not padding), after removing duplicates.</summary>
    public int RealCount { get; }

    internal UInt128[] IntersectionTags { get; }

    internal UInt128[] CardinalityTags { get; }

    /// <summary>Evaluates <paramref name="elements"/> under <paramref name="key"/> in the context <paramref name="keyContext"/>.</summary>
    /// <exception cref="PsiException">The set (after padding) is larger than <see cref="PsiOptions.MaxSetSize"/>.</exception>
    public static PsiPreparedSet Prepare(PsiKey key, PsiSessionId keyContext, IReadOnlyList<PsiElement> elements, PsiOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(elements);
        options ??= new PsiOptions();
        if (elements.Count > options.MaxSetSize)
        {
            throw new PsiException($"The set has {elements.Count} elements; the limit is {options.MaxSetSize}.");
        }

        Oprf oprf = Oprf.ForDetente(keyContext);
        UInt128[] intersection = new UInt128[elements.Count];
        UInt128[] cardinality = new UInt128[elements.Count];
        int bad = Batch.Run(elements.Count, options.Parallelism, (start, end) =>
        {
            Span<byte> hashed = stackalloc byte[Ristretto255.ElementLength];
            Span<byte> evaluated = stackalloc byte[Ristretto255.ElementLength];
            ReadOnlySpan<byte> scalar = key.Scalar;
            for (int i = start; i < end; i++)
            {
                ReadOnlySpan<byte> input = elements[i].Utf8;
                oprf.HashToGroup(input, hashed);
                if (!Ristretto255.TryMultiply(scalar, hashed, evaluated))
                {
                    return i;
                }

                intersection[i] = PsiTags.Intersection(input, evaluated);
                cardinality[i] = PsiTags.Cardinality(evaluated);
            }

            return -1;
        });
        if (bad >= 0)
        {
            throw new PsiException($"Element {bad} hashes to the identity element.", bad);
        }

        int real = SortDistinct(ref intersection);
        SortDistinct(ref cardinality);
        int padded = Math.Max(real, options.PadTo);
        if (padded > options.MaxSetSize)
        {
            throw new PsiException($"Padding to {padded} exceeds the limit of {options.MaxSetSize}.");
        }

        if (padded > real)
        {
            intersection = Pad(intersection, padded);
            cardinality = Pad(cardinality, padded);
        }

        return new PsiPreparedSet(key, keyContext, intersection, cardinality, real);
    }

    private static int SortDistinct(ref UInt128[] tags)
    {
        Array.Sort(tags);
        int distinct = 0;
        for (int i = 0; i < tags.Length; i++)
        {
            if (i == 0 || tags[i] != tags[distinct - 1])
            {
                tags[distinct++] = tags[i];
            }
        }

        Array.Resize(ref tags, distinct);
        return distinct;
    }

    private static UInt128[] Pad(UInt128[] tags, int size)
    {
        UInt128[] padded = new UInt128[size];
        tags.CopyTo(padded, 0);
        for (int i = tags.Length; i < size; i++)
        {
            padded[i] = PsiTags.Random();
        }

        Array.Sort(padded);
        return padded;
    }
}
