using Detente.Policy;
using Detente.Stix;
using Detente.Storage;

namespace Detente.Node;

/// <summary>The decision about one stored version of an object for one reader, with its reason.</summary>
/// <param name="CollectionId">The collection holding the version.</param>
/// <param name="Version">The version (its <c>modified</c>, else <c>created</c>).</param>
/// <param name="DateAdded">When the collection received it.</param>
/// <param name="Allowed">True when the reader receives it.</param>
/// <param name="Code">The decision's machine code (<c>deny.tlp-red</c>).</param>
/// <param name="Reason">Why (<c>denied: TLP:RED never leaves</c>): for the operator, never sent to the reader.</param>
public sealed record ExplainedVersion(Guid CollectionId, string Version, DateTimeOffset DateAdded, bool Allowed, string Code, string Reason);

/// <summary>What <c>detente policy explain</c> does: the node's decision about every stored version of an object for one
/// reader, exactly as the node's TAXII routes make it.</summary>
public static class PolicyExplain
{
    /// <summary>
    /// Decides, with the policy the node builds from <paramref name="store"/>, whether <paramref name="principal"/> may read
    /// each stored version of <paramref name="objectId"/> (in <paramref name="collectionId"/>, or in every collection that
    /// holds it). The principal is the partner of that name, else a local user with the role of its newest active token,
    /// else a guest; its read grant is the store's.
    /// </summary>
    /// <param name="store">The node's store.</param>
    /// <param name="objectId">The object.</param>
    /// <param name="principal">The reader.</param>
    /// <param name="collectionId">One collection, or null for every collection holding the object.</param>
    /// <param name="timeProvider">The clock egress rules measure ages against.</param>
    /// <param name="nodeIdentity">The node's identity id (<see cref="NodeSigning.IdentityId"/>), to say whether a redacted
    /// version is signed by the node (its creator) or withheld (another organization's signature would be lost); null for a
    /// node that signs nothing.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>The decisions, by collection then <c>date_added</c>; empty when no collection holds the object.</returns>
    /// <exception cref="NodeConfigurationException">The object id is not a STIX id, or the sharing settings do not build.</exception>
    public static async Task<IReadOnlyList<ExplainedVersion>> ExplainAsync(IStore store, string objectId, string principal, Guid? collectionId,
        TimeProvider timeProvider, string? nodeIdentity = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(timeProvider);
        NodeAdmin.RequirePrincipal(principal);
        if (!StixId.TryParse(objectId, out _))
        {
            NodeConfigurationException.Throw($"'{objectId}' is not a STIX id (type--UUID).");
        }

        PolicyBuildResult built = NodeSharing.Build(await store.GetSharingConfigurationAsync(cancellationToken).ConfigureAwait(false));
        if (!built.IsValid)
        {
            NodeConfigurationException.Throw("The sharing settings are refused: " + string.Join("; ", built.Errors));
        }

        SharingPolicy policy = built.Policy!;
        DateTimeOffset now = timeProvider.GetUtcNow();
        TokenRole role = await RoleOfAsync(store, policy, principal, now, cancellationToken).ConfigureAwait(false);
        PolicyPrincipal reader = NodeSharing.PrincipalOf(policy, new NodePrincipal(principal, role));
        var explained = new List<ExplainedVersion>();
        foreach (Guid id in await CollectionsAsync(store, collectionId, cancellationToken).ConfigureAwait(false))
        {
            if (!await store.ContainsObjectAsync(id, objectId, cancellationToken).ConfigureAwait(false))
            {
                continue;
            }

            bool canRead = (await store.GetAccessAsync(id, principal, cancellationToken).ConfigureAwait(false)).CanRead;
            PolicyCollection collection = policy.Collection(id);
            var versions = new List<ExplainedVersion>();
            bool? latestAllowed = null;
            await foreach (StoredObject version in store.ReadObjectsAsync(id, ObjectFilter.VersionsOf(objectId), cancellationToken: cancellationToken)
                .ConfigureAwait(false))
            {
                PolicyDecision decision = SharingEgressPolicy.Explain(policy, reader, collection, now, canRead, version);
                bool allowed = decision.Outcome == PolicyOutcome.Allow;
                string code = decision.CodeName;
                string reason = decision.Reason;
                if (decision.Outcome == PolicyOutcome.AllowWithRedaction)
                {
                    // The node serves the redacted object (signed when it is the creator), unless it would not be valid
                    // STIX or would lose another organization's signature (NodeRedaction).
                    RedactionOutcome outcome = NodeRedaction.Decide(version, decision.Redactions, nodeIdentity);
                    allowed = outcome is RedactionOutcome.Served or RedactionOutcome.SignedByNode;
                    reason += new RedactedForm(outcome, null).Explanation(NodeSharing.FactsOf(version).CreatedByRef);
                    code = outcome == RedactionOutcome.WithheldForeignSignature ? NodeRedaction.ForeignSignatureCode : code;
                }

                if (version.IsLatest)
                {
                    latestAllowed = allowed;
                }

                versions.Add(new ExplainedVersion(id, version.Version.ToString(), version.DateAdded, allowed, code, reason));
            }

            // An object is decided by its latest version: when that is withheld, so is every version (EgressGate).
            foreach (ExplainedVersion version in versions)
            {
                explained.Add(latestAllowed == false && version.Allowed
                    ? version with { Allowed = false, Reason = version.Reason + " (withheld: the latest version is withheld, so the whole object is)" }
                    : version);
            }
        }

        return explained;
    }

    private static async Task<TokenRole> RoleOfAsync(IStore store, SharingPolicy policy, string principal, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        if (policy.Principal(principal).Kind == PrincipalKind.Partner)
        {
            return TokenRole.Partner;
        }

        ApiToken? token = (await store.ListTokensAsync(cancellationToken).ConfigureAwait(false))
            .Where(t => string.Equals(t.Principal, principal, StringComparison.Ordinal) && t.IsActiveAt(now))
            .LastOrDefault();
        return token?.Role ?? TokenRole.Partner; // an unknown principal reads as a guest
    }

    private static async Task<IReadOnlyList<Guid>> CollectionsAsync(IStore store, Guid? collectionId, CancellationToken cancellationToken)
    {
        if (collectionId is { } one)
        {
            return [one];
        }

        var ids = new List<Guid>();
        foreach (ApiRoot root in await store.ListApiRootsAsync(cancellationToken).ConfigureAwait(false))
        {
            ids.AddRange((await store.ListCollectionsAsync(root.Name, cancellationToken).ConfigureAwait(false)).Select(c => c.Id));
        }

        return ids;
    }
}
