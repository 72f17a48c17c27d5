using Detente.Policy;
using Detente.Stix;
using Detente.Storage;

namespace Detente.Node;

/// <summary>
/// The node's egress policy: every version passes <see cref="SharingPolicy.Decide"/> (TLP 2.0, sharing groups,
/// partners, egress rules, granular markings) on the policy the node built from its store.
/// </summary>
/// <remarks>
/// <para>Per request, the reader, the collection, the time and the policy snapshot are resolved once
/// (<see cref="For"/>); per version, the facts come from the store (<see cref="StoredObject.Facts"/>, written at ingest)
/// and the JSON is read only for versions stored without them.</para>
/// <para>A decision to allow with redaction carries its selectors (<see cref="EgressDecision.Redactions"/>): the gate
/// serves the redacted object, never the stored bytes (<see cref="NodeRedaction"/>).</para>
/// </remarks>
public sealed class SharingEgressPolicy : IEgressPolicy
{
    private readonly Func<SharingPolicy> _current;
    private readonly TimeProvider _time;

    /// <summary>Decides with the policy <paramref name="current"/> returns at the start of each request.</summary>
    /// <param name="current">The node's policy now (a snapshot the node swaps when the operator changes its settings).</param>
    /// <param name="time">The clock egress rules measure ages against.</param>
    public SharingEgressPolicy(Func<SharingPolicy> current, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(time);
        _current = current;
        _time = time;
    }

    /// <inheritdoc/>
    public EgressDecision Decide(NodePrincipal reader, CollectionWithAccess collection, StoredObject version) => For(reader, collection)(version);

    /// <inheritdoc/>
    public Func<StoredObject, EgressDecision> For(NodePrincipal reader, CollectionWithAccess collection)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(collection);
        SharingPolicy policy = _current();
        PolicyPrincipal who = NodeSharing.PrincipalOf(policy, reader);
        PolicyCollection sharing = policy.Collection(collection.Collection.Id);
        DateTimeOffset now = _time.GetUtcNow();
        bool canRead = collection.Access.CanRead;
        return version => Decide(policy, who, sharing, now, canRead, version);
    }

    /// <inheritdoc/>
    /// <remarks>Class <see cref="EgressReach.Any"/> for every reader but local users: a version of another class is
    /// <see cref="EgressReach.LocalUsers"/>, which <see cref="SharingPolicy.Decide"/> denies to partners, guests and the
    /// federation whatever the settings (<see cref="SharingPolicy.ReachOf"/>). Local users: no restriction.</remarks>
    public byte? EgressClassFor(NodePrincipal reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        PolicyPrincipal who = NodeSharing.PrincipalOf(_current(), reader);
        return SharingPolicy.MayReach(EgressReach.LocalUsers, who) ? null : (byte)EgressReach.Any;
    }

    /// <inheritdoc/>
    /// <remarks>The policy snapshot itself (a new object whenever the operator's settings change); null when the reader's
    /// partner has egress rules with a minimum or maximum age, whose decisions change with the time alone.</remarks>
    public object? DecisionStamp(NodePrincipal reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        SharingPolicy policy = _current();
        PolicyPrincipal who = NodeSharing.PrincipalOf(policy, reader);
        if (who.Partner is { } partner && partner.EgressRules.Any(static r => r.MinAge is not null || r.MaxAge is not null))
        {
            return null;
        }

        return policy;
    }

    /// <summary>The decision of <paramref name="policy"/> about <paramref name="version"/> for <paramref name="reader"/>
    /// reading it by <paramref name="path"/>.</summary>
    public static PolicyDecision Explain(SharingPolicy policy, PolicyPrincipal reader, PolicyCollection collection, DateTimeOffset now, bool canRead,
        StoredObject version, EgressPath path = EgressPath.TaxiiRead)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(version);
        ObjectFacts facts = NodeSharing.FactsOf(version);
        var request = new EgressRequest(reader, collection, in facts, path, now, canRead);
        return policy.Decide(in request);
    }

    private static EgressDecision Decide(SharingPolicy policy, PolicyPrincipal reader, PolicyCollection collection, DateTimeOffset now, bool canRead,
        StoredObject version)
    {
        PolicyDecision decision;
        try
        {
            decision = Explain(policy, reader, collection, now, canRead, version);
        }
        catch (StixFormatException)
        {
            // A stored version whose facts cannot be read is withheld: an unknown restriction is never read as none.
            return EgressDecision.Deny("unreadable");
        }

        return decision.Outcome switch
        {
            PolicyOutcome.Allow => EgressDecision.Allow(decision.CodeName),
            PolicyOutcome.AllowWithRedaction => EgressDecision.Allow(decision.CodeName) with { Redactions = decision.Redactions },
            _ => EgressDecision.Deny(decision.CodeName),
        };
    }
}
