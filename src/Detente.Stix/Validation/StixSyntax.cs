using Detente.Stix.Identifiers;

namespace Detente.Stix.Validation;

/// <summary>The value-format checks of the validator that other components need too (e.g. pattern checks).</summary>
/// <remarks>Allocation-free and never throwing for bad input; each accepts exactly what <see cref="StixValidator"/> accepts.</remarks>
public static class StixSyntax
{
    /// <summary>True when <paramref name="value"/> is a valid ipv4-addr <c>value</c>: a dotted-decimal address, optionally with a CIDR prefix 0–32 (STIX 2.1 §6.8).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is null.</exception>
    public static bool IsIpv4Value(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Syntax.IsIpv4(value, out _);
    }

    /// <summary>True when <paramref name="value"/> is a valid ipv6-addr <c>value</c>: an RFC 4291 address, optionally with a CIDR prefix 0–128 (STIX 2.1 §6.9).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is null.</exception>
    public static bool IsIpv6Value(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Syntax.IsIpv6(value, out _);
    }

    /// <summary>Checks a hash value against its algorithm (STIX 2.1 §2.7, <c>hash-algorithm-ov</c>).</summary>
    /// <param name="algorithm">The algorithm name; spelled as the reference producer normalizes it (<c>sha256</c> is <c>SHA-256</c>).</param>
    /// <param name="value">The hash value.</param>
    /// <returns>Null when the value fits the algorithm or the algorithm is not one of the vocabulary's; otherwise what the value should look like, e.g. <c>64 hexadecimal digits</c>.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static string? CheckHashValue(string algorithm, string value)
    {
        ArgumentNullException.ThrowIfNull(algorithm);
        ArgumentNullException.ThrowIfNull(value);
        return Syntax.CheckHashValue(HashNames.Normalize(algorithm), value);
    }
}
