using System.Collections.Immutable;
using Detente.Storage;

namespace Detente.Node;

/// <summary>What the egress policy decided about one object version for one reader.</summary>
/// <param name="Allowed">True when the reader may see the version.</param>
/// <param name="Reason">Why: for logs and audits, never sent to the reader.</param>
public readonly record struct EgressDecision(bool Allowed, string Reason)
{
    /// <summary>When allowed: the selectors (STIX granular-marking selectors) to remove from the object before it is served;
    /// empty to serve it as stored. The gate serves the redacted object (see <see cref="NodeRedaction"/>), or withholds the
    /// version when the redacted object would not be valid STIX.</summary>
    public ImmutableArray<string> Redactions { get => field.IsDefault ? [] : field; init; }

    /// <summary>The reader may see the version.</summary>
    public static EgressDecision Allow(string reason) => new(true, reason);

    /// <summary>The reader may not see the version; it is withheld as if it did not exist.</summary>
    public static EgressDecision Deny(string reason) => new(false, reason);
}

/// <summary>
/// The one decision every object leaving the node passes: may <c>reader</c> see this version of this collection?
/// </summary>
/// <remarks>
/// The node asks it for every version it reads from the store before it counts, pages or describes anything, so a
/// withheld version changes no envelope, manifest, versions list, <c>more</c>, <c>next</c>, header or status code
/// (see <c>README.md</c>, "Egress gate"). Implementations must be thread-safe and must not do I/O per call; they
/// see the stored bytes so that they can decide on content (markings).
/// </remarks>
public interface IEgressPolicy
{
    /// <summary>Decides whether <paramref name="reader"/> may see <paramref name="version"/>.</summary>
    /// <param name="reader">The authenticated caller.</param>
    /// <param name="collection">The collection the version is read from, with the reader's grant on it.</param>
    /// <param name="version">The stored version, bytes included.</param>
    public EgressDecision Decide(NodePrincipal reader, CollectionWithAccess collection, StoredObject version);

    /// <summary>
    /// The decision for one request: <paramref name="reader"/> and <paramref name="collection"/> resolved once, then asked
    /// per version. Every version of one request is decided by the same policy, even if the operator changes it meanwhile.
    /// </summary>
    public Func<StoredObject, EgressDecision> For(NodePrincipal reader, CollectionWithAccess collection) =>
        version => Decide(reader, collection, version);

    /// <summary>Decides whether <paramref name="reader"/> may read the transparency log's public part: its checkpoint,
    /// hash tiles and entry bundles (<c>/log/</c>).</summary>
    /// <remarks>A path-level decision: every entry is salted (it names no object and no content), so by default every
    /// authenticated reader may. Inclusion proofs reveal a salt and are decided per version by <see cref="Decide"/>.</remarks>
    public EgressDecision DecideLog(NodePrincipal reader) => EgressDecision.Allow("log entries are salted");

    /// <summary>
    /// The egress class (<see cref="ObjectToAdd.EgressClass"/>, which the node stores from <see cref="NodeSharing.WithPolicyFacts"/>)
    /// the store may restrict <paramref name="reader"/>'s reads to, or null for none. Only when this policy denies
    /// <paramref name="reader"/> every version of every other class, whatever else holds: the store then skips those versions
    /// in an index, so that a page's cost does not grow with them, and the gate still decides every version it reads.
    /// </summary>
    public byte? EgressClassFor(NodePrincipal reader) => null;

    /// <summary>
    /// A value equal (<see cref="object.Equals(object)"/>) between two calls only when this policy's decisions for
    /// <paramref name="reader"/> are the same on the same stored versions, collections and grants — for the node to
    /// cache what it derived from them (the PSI set of a principal). Null when the decisions cannot be stamped (they
    /// depend on the time, or the policy does not say): then nothing derived from them is cached.
    /// </summary>
    public object? DecisionStamp(NodePrincipal reader) => null;
}

/// <summary>A reader sees every version of a collection it holds a read grant on (no markings considered): the node's
/// policy before <see cref="SharingEgressPolicy"/>, kept as the baseline of the read benchmark and for tests.</summary>
public sealed class ReadGrantEgressPolicy : IEgressPolicy
{
    /// <summary>The one instance.</summary>
    public static ReadGrantEgressPolicy Instance { get; } = new();

    /// <inheritdoc/>
    public EgressDecision Decide(NodePrincipal reader, CollectionWithAccess collection, StoredObject version)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(collection);
        return reader.IsAdmin
            ? EgressDecision.Allow("administrator")
            : collection.Access.CanRead ? EgressDecision.Allow("can_read") : EgressDecision.Deny("no read grant");
    }

    /// <inheritdoc/>
    /// <remarks>The decisions depend on the grants only, which the caller's stamp covers: one constant stamp.</remarks>
    public object? DecisionStamp(NodePrincipal reader) => Instance;
}

/// <summary>
/// Endpoint metadata: the endpoint returns objects or facts about objects, and reads them only through the egress
/// gate. The gate refuses to serve an endpoint without it, and a test checks that every object route carries it.
/// </summary>
public sealed class RequiresEgressPolicy
{
    /// <summary>The one instance.</summary>
    public static RequiresEgressPolicy Instance { get; } = new();

    private RequiresEgressPolicy()
    {
    }
}
