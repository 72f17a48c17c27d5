using CsCheck;

namespace Detente.Policy.Tests;

internal static class Generators
{
    /// <summary>One of <paramref name="items"/>, uniformly.</summary>
    public static Gen<T> Pick<T>(params T[] items) => Gen.Int[0, items.Length - 1].Select(i => items[i]);

    /// <summary>A subset of <paramref name="items"/>, in their order.</summary>
    public static Gen<T[]> Subset<T>(params T[] items) =>
        Gen.Int[0, (1 << items.Length) - 1].Select(mask => items.Where((_, i) => (mask & (1 << i)) != 0).ToArray());
}
