using System.Buffers;
using System.Collections.Immutable;
using Detente.Policy;
using Detente.Stix;
using Detente.Stix.Validation;
using Detente.Storage;

namespace Detente.Node;

/// <summary>
/// What the node serves for a version the policy allows with redaction: the stored object without the redacted parts
/// (<see cref="Redaction.Apply"/>: their granular markings and the producer's signature go too), as RFC 8785 canonical
/// JSON, checked by <see cref="StixValidator"/>.
/// </summary>
/// <remarks>A redaction that leaves an object that is not valid STIX (a rule on a property its type requires, such as an
/// indicator's <c>pattern</c>) withholds the version: the node never serves an invalid object. The redacted form is never
/// stored; it keeps the original <c>id</c> and <c>modified</c>.</remarks>
public static class NodeRedaction
{
    private static readonly StixValidator s_validator = new();

    /// <summary>The redacted bytes of <paramref name="version"/>, or null when the redacted object is not valid STIX (or
    /// the stored bytes are not a STIX object).</summary>
    public static byte[]? TryApply(StoredObject version, ImmutableArray<string> redactions)
    {
        ArgumentNullException.ThrowIfNull(version);
        StixObject redacted;
        try
        {
            redacted = Redaction.Apply(new StixReader().ReadObject(version.Json.Span), redactions);
        }
        catch (StixFormatException)
        {
            return null;
        }

        if (!s_validator.Validate(redacted).IsValid)
        {
            return null;
        }

        var output = new ArrayBufferWriter<byte>(version.Json.Length);
        redacted.Canonicalize(output);
        return output.WrittenSpan.ToArray();
    }
}
