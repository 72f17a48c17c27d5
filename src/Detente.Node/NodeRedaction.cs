using System.Buffers;
using System.Collections.Immutable;
using Detente.Policy;
using Detente.Stix;
using Detente.Stix.Signatures;
using Detente.Stix.Validation;
using Detente.Storage;

namespace Detente.Node;

/// <summary>What becomes of a version the policy allows with redaction.</summary>
public enum RedactionOutcome
{
    /// <summary>Served redacted, unsigned: the stored object carried no signature, so none is lost.</summary>
    Served,

    /// <summary>Served redacted and signed by this node: the node is the object's creator and signs what it creates.</summary>
    SignedByNode,

    /// <summary>Withheld: the redacted object would not be valid STIX.</summary>
    WithheldInvalid,

    /// <summary>Withheld: the stored object is signed by another organization; the redacted form would lose that signature
    /// and this node cannot sign in its creator's name.</summary>
    WithheldForeignSignature,
}

/// <summary>The redacted form of one version: its bytes when served, and what was decided.</summary>
/// <param name="Outcome">Served (signed or not) or withheld, and why.</param>
/// <param name="Json">The bytes to serve (RFC 8785 form); null when withheld.</param>
public sealed record RedactedForm(RedactionOutcome Outcome, byte[]? Json)
{
    /// <summary>True when the redacted form is served.</summary>
    public bool IsServed => Json is not null;

    /// <summary>What <c>detente policy explain</c> appends to the decision's reason.</summary>
    public string Explanation(string? createdByRef) => Outcome switch
    {
        RedactionOutcome.SignedByNode => " (signed by this node, its creator)",
        RedactionOutcome.WithheldInvalid => " (withheld: the redacted object would not be valid STIX)",
        RedactionOutcome.WithheldForeignSignature =>
            $" (withheld: the redacted object would lose the signature of its creator {createdByRef ?? "(none named)"}, and this node signs only what it creates)",
        _ => string.Empty,
    };
}

/// <summary>
/// What the node serves for a version the policy allows with redaction: the stored object without the redacted parts
/// (<see cref="Redaction.Apply"/>: their granular markings and the producer's signature go too), as RFC 8785 canonical
/// JSON, checked by <see cref="StixValidator"/>, and signed again when this node is its creator.
/// </summary>
/// <remarks>
/// <para>A redaction that leaves an object that is not valid STIX (a rule on a property its type requires, such as an
/// indicator's <c>pattern</c>) withholds the version: the node never serves an invalid object. The redacted form is never
/// stored; it keeps the original <c>id</c> and <c>modified</c>.</para>
/// <para>Signatures (decision): a partner accepts an object only with a valid signature of its creator. When the node's
/// identity is the object's <c>created_by_ref</c>, the node signs the redacted form with its key (the same detached JWS as
/// on ingest), so it verifies as the node's. When the stored object carries a signature and another organization created
/// it, the node cannot sign as that creator: the version is withheld, never served with a broken or missing signature.
/// An object stored unsigned (a node without signing) is served redacted and unsigned, as stored.</para>
/// </remarks>
public static class NodeRedaction
{
    /// <summary>The code <c>detente policy explain</c> prints for a version withheld because its redacted form would lose
    /// another organization's signature.</summary>
    public const string ForeignSignatureCode = "deny.redacted-foreign-signature";

    private static readonly StixValidator s_validator = new();

    /// <summary>The redacted form of <paramref name="version"/> for a reader, signed by <paramref name="signing"/> when the
    /// node is its creator; withheld (null bytes) when it would be invalid or would lose another organization's signature.</summary>
    /// <param name="version">The stored version.</param>
    /// <param name="redactions">The selectors to remove (from the decision).</param>
    /// <param name="signing">The node's signing identity; null when the node signs nothing.</param>
    public static RedactedForm Apply(StoredObject version, ImmutableArray<string> redactions, NodeSigning? signing)
    {
        (RedactionOutcome outcome, StixObject? redacted) = Plan(version, redactions, signing?.IdentityId);
        switch (outcome)
        {
            case RedactionOutcome.Served:
                return new RedactedForm(outcome, Canonical(redacted!, version.Json.Length));
            case RedactionOutcome.SignedByNode:
                return new RedactedForm(outcome, Canonical(StixSignatures.Sign(redacted!, signing!.Key), version.Json.Length + 256));
            default:
                return new RedactedForm(outcome, null);
        }
    }

    /// <summary>What <see cref="Apply"/> would decide for a node whose identity is <paramref name="nodeIdentity"/> (null:
    /// a node that signs nothing), without signing: for <c>detente policy explain</c>, which has no key.</summary>
    public static RedactionOutcome Decide(StoredObject version, ImmutableArray<string> redactions, string? nodeIdentity) =>
        Plan(version, redactions, nodeIdentity).Outcome;

    private static (RedactionOutcome Outcome, StixObject? Redacted) Plan(StoredObject version, ImmutableArray<string> redactions, string? nodeIdentity)
    {
        ArgumentNullException.ThrowIfNull(version);
        StixObject original, redacted;
        try
        {
            original = new StixReader().ReadObject(version.Json.Span);
            redacted = Redaction.Apply(original, redactions);
        }
        catch (StixFormatException)
        {
            return (RedactionOutcome.WithheldInvalid, null);
        }

        if (!s_validator.Validate(redacted).IsValid)
        {
            return (RedactionOutcome.WithheldInvalid, null);
        }

        if (nodeIdentity is not null && string.Equals(original.CreatedByRef, nodeIdentity, StringComparison.Ordinal))
        {
            return (RedactionOutcome.SignedByNode, redacted);
        }

        return StixSignatures.Read(original).Count > 0 ? (RedactionOutcome.WithheldForeignSignature, null) : (RedactionOutcome.Served, redacted);
    }

    private static byte[] Canonical(StixObject stixObject, int sizeHint)
    {
        var output = new ArrayBufferWriter<byte>(Math.Max(sizeHint, 256));
        stixObject.Canonicalize(output);
        return output.WrittenSpan.ToArray();
    }
}
