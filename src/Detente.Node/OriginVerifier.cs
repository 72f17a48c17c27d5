using System.Collections.Frozen;
using Detente.Stix;
using Detente.Stix.Json;
using Detente.Stix.Schema;
using Detente.Stix.Signatures;
using Detente.Storage;

namespace Detente.Node;

/// <summary>What the node decided about the origin of an object on its way in.</summary>
public enum OriginCode
{
    /// <summary>It carries a valid signature by a key of its <c>created_by_ref</c> identity: stored as sent.</summary>
    Verified,

    /// <summary>A local principal's object without a signature: the node originates it and signs it as its own.</summary>
    SignedByNode,

    /// <summary>A local principal's object without a signature, kept as sent: the node has no signing key (signing is off).</summary>
    Unsigned,

    /// <summary>Detente's own extension definition or the identity that defines it, exactly as published: stored as sent.</summary>
    WellKnown,

    /// <summary>Refused: the sender is not a registered partner.</summary>
    NotAPartner,

    /// <summary>Refused: the object carries no Detente signature.</summary>
    NoSignature,

    /// <summary>Refused: the signature extension or a signature is not in the one accepted form.</summary>
    MalformedSignature,

    /// <summary>Refused: a signature by a key of the identity does not verify (the object was changed, or the signature forged).</summary>
    BadSignature,

    /// <summary>Refused: no signature is by a key that belongs to the <c>created_by_ref</c> identity and is valid now.</summary>
    UnknownKey,

    /// <summary>Refused: the <c>created_by_ref</c> is neither the partner's identity nor one it delegates to.</summary>
    IdentityNotOfPartner,

    /// <summary>Refused: the object names no <c>created_by_ref</c>, so no key can be its creator's.</summary>
    NoCreator,

    /// <summary>Refused: a local principal's unsigned object created by another identity; the node does not sign in another's name.</summary>
    SignsForAnother,

    /// <summary>Accepted: forwarded by a partner, created by another partner of this node, and signed by a key of that
    /// creator (its origin), not the forwarder's.</summary>
    Forwarded,

    /// <summary>Refused: forwarded by a partner although its TLP marking does not let it be passed on (only TLP:CLEAR and
    /// TLP:GREEN go beyond the organization that received them).</summary>
    ForwardedBeyondMarking,
}

/// <summary>The decision on an object's origin: accepted or refused, and why in a sentence (ids and key ids only, never contents).</summary>
/// <param name="Code">The decision.</param>
/// <param name="Reason">Why, for the status resource and the log.</param>
/// <param name="KeyId">The key id of the signature that verified (or that the node signed with), when there is one.</param>
public readonly record struct OriginVerdict(OriginCode Code, string Reason, string? KeyId = null)
{
    /// <summary>True when the object may be stored.</summary>
    public bool IsAccepted => Code is OriginCode.Verified or OriginCode.SignedByNode or OriginCode.Unsigned or OriginCode.WellKnown or OriginCode.Forwarded;

    /// <summary>The metric label of <see cref="Code"/>: lower-case words joined by <c>_</c>.</summary>
    public string Label => Code switch
    {
        OriginCode.Verified => "verified",
        OriginCode.SignedByNode => "signed_by_node",
        OriginCode.Unsigned => "unsigned",
        OriginCode.WellKnown => "well_known",
        OriginCode.NotAPartner => "not_a_partner",
        OriginCode.NoSignature => "no_signature",
        OriginCode.MalformedSignature => "malformed_signature",
        OriginCode.BadSignature => "bad_signature",
        OriginCode.UnknownKey => "unknown_key",
        OriginCode.IdentityNotOfPartner => "identity_not_of_partner",
        OriginCode.NoCreator => "no_creator",
        OriginCode.Forwarded => "forwarded",
        OriginCode.ForwardedBeyondMarking => "forwarded_beyond_marking",
        _ => "signs_for_another",
    };
}

/// <summary>
/// The one place that decides whether an object's origin is acceptable on the way in: objects from partners (posted, or
/// received by sync) must carry a valid signature by a key of their creator; objects of local principals are signed by
/// the node or, when already signed, must verify against a known key.
/// </summary>
/// <remarks>
/// <para>The rules (see <c>src/Detente.Node/README.md</c>, "Signatures on the way in"):</para>
/// <list type="bullet">
/// <item>From partner P: <c>created_by_ref</c> must be P's identity or one P delegates to (SCOs, which have no
/// <c>created_by_ref</c>, count as P's); the object must carry a valid signature by a key valid now (not revoked, before
/// its not-after) of P, or, for a delegated identity that is itself a partner's, of that partner.</item>
/// <item>From a local principal, unsigned: the node's own (its <c>created_by_ref</c> set to the node identity when absent,
/// then signed); refused when it names another creator. Signed: kept byte for byte when a signature verifies by the
/// node's key (creator the node) or by a valid key of the partner whose identity, or delegated identity, is the creator.</item>
/// <item>Detente's extension definition and its identity (<see cref="SignatureExtension"/>) pass unsigned when they are
/// exactly the published objects.</item>
/// </list>
/// <para>Keys, identities and delegations come from the store (<c>detente partner</c>), read with the sharing policy
/// (<see cref="SharingPolicySource"/>), so a change reaches a running node within <see cref="NodeOptions.SharingRefreshInterval"/>.</para>
/// </remarks>
public sealed class OriginVerifier
{
    private readonly SharingPolicySource _source;
    private readonly NodeSigning? _signing;
    private readonly StixVerificationKey? _nodeKey;
    private readonly TimeProvider _timeProvider;

    internal OriginVerifier(SharingPolicySource source, NodeOptions options, TimeProvider timeProvider)
    {
        _source = source;
        _signing = options.Signing;
        _nodeKey = _signing is null ? null : _signing.Key.VerificationKey;
        _timeProvider = timeProvider;
    }

    /// <summary>Decides whether <paramref name="stixObject"/>, sent by (or received from) partner
    /// <paramref name="partnerName"/>, may be stored: the same check a partner's POST passes.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public ValueTask<OriginVerdict> VerifyOriginAsync(string partnerName, StixObject stixObject, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(partnerName);
        ArgumentNullException.ThrowIfNull(stixObject);
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(CheckPartner(_source.Origins, partnerName, stixObject, _timeProvider.GetUtcNow()));
    }

    /// <summary>The check of an object posted by <paramref name="principal"/>: a partner's by <see cref="VerifyOriginAsync"/>'s
    /// rule, a local principal's by the local rule; returns the object to store (signed by the node when it originates it).</summary>
    internal (OriginVerdict Verdict, StixObject? ToStore) Check(NodePrincipal principal, StixObject stixObject)
    {
        DateTimeOffset now = _timeProvider.GetUtcNow();
        if (principal.Role == TokenRole.Partner)
        {
            OriginVerdict verdict = CheckPartner(_source.Origins, principal.Name, stixObject, now);
            return (verdict, verdict.IsAccepted ? stixObject : null);
        }

        return CheckLocal(_source.Origins, _signing, _nodeKey, stixObject, now);
    }

    internal static OriginVerdict CheckPartner(OriginKeys keys, string partnerName, StixObject stixObject, DateTimeOffset now)
    {
        if (!keys.Partners.TryGetValue(partnerName, out PartnerOrigin? partner))
        {
            return new OriginVerdict(OriginCode.NotAPartner,
                $"'{partnerName}' is not a registered partner: the node accepts objects only from partners whose keys it knows.");
        }

        if (IsWellKnown(stixObject))
        {
            return new OriginVerdict(OriginCode.WellKnown, "Detente's published definition.");
        }

        string? creator = stixObject.CreatedByRef;
        if (creator is null)
        {
            if (!IsSco(stixObject))
            {
                return new OriginVerdict(OriginCode.NoCreator,
                    "The object has no created_by_ref: a partner's object names its creator, whose key signs it.");
            }

            creator = partner.Identity;
        }
        else if (!string.Equals(creator, partner.Identity, StringComparison.Ordinal) && !partner.Delegated.Contains(creator))
        {
            if (keys.ByIdentity.TryGetValue(creator, out PartnerOrigin? origin))
            {
                return CheckForwarded(stixObject, partner, origin, now);
            }

            return new OriginVerdict(OriginCode.IdentityNotOfPartner,
                $"created_by_ref {Printable(creator)} is neither the identity of partner {partner.Name} ({partner.Identity}), nor one it delegates to, "
                + "nor another partner's.");
        }

        // The partner's own keys sign for it and for what it delegates; a delegated identity that is another partner's
        // signs with that partner's keys too (a forwarded object keeps its origin's signature).
        List<PartnerKey> allowed = [.. partner.Keys];
        if (!string.Equals(creator, partner.Identity, StringComparison.Ordinal) && keys.ByIdentity.TryGetValue(creator, out PartnerOrigin? owner))
        {
            allowed.AddRange(owner.Keys);
        }

        return CheckSignatures(stixObject, creator, allowed, null, now);
    }

    /// <summary>
    /// An object <paramref name="forwarder"/> passes on from <paramref name="origin"/>, another partner of this node: accepted
    /// only with a valid signature by a key of the origin (the forwarder's keys do not count: it cannot vouch for another's
    /// content), and only when its object-level TLP marking lets it be passed on (CLEAR or GREEN). No delegation is needed:
    /// the origin's signature proves the content, and its marking says who may pass it on.
    /// </summary>
    private static OriginVerdict CheckForwarded(StixObject stixObject, PartnerOrigin forwarder, PartnerOrigin origin, DateTimeOffset now)
    {
        Detente.Policy.TlpLevel? level = null;
        if (stixObject.Json["object_marking_refs"] is JsonArray refs)
        {
            foreach (JsonValue value in refs)
            {
                if (value is JsonString s && Detente.Policy.Tlp.TryFromMarkingId(s.Value, out Detente.Policy.TlpLevel one))
                {
                    level = level is { } l ? Detente.Policy.Tlp.MostRestrictive(l, one) : one;
                }
            }
        }

        if (level is not (Detente.Policy.TlpLevel.Clear or Detente.Policy.TlpLevel.Green))
        {
            return new OriginVerdict(OriginCode.ForwardedBeyondMarking,
                $"Forwarded by partner {forwarder.Name} from partner {origin.Name}, marked {(level is { } l2 ? Detente.Policy.Tlp.Name(l2) : "with no TLP level")}: "
                + "only TLP:CLEAR and TLP:GREEN are passed on beyond the organization that received them.");
        }

        OriginVerdict verdict = CheckSignatures(stixObject, origin.Identity, [.. origin.Keys], null, now);
        return verdict.Code == OriginCode.Verified
            ? new OriginVerdict(OriginCode.Forwarded,
                $"Forwarded by partner {forwarder.Name}; signed by key {verdict.KeyId} of its origin, partner {origin.Name}.", verdict.KeyId)
            : verdict with { Reason = $"Forwarded by partner {forwarder.Name} from partner {origin.Name}: " + verdict.Reason };
    }

    internal static (OriginVerdict Verdict, StixObject? ToStore) CheckLocal(OriginKeys keys, NodeSigning? signing, StixVerificationKey? nodeKey,
        StixObject stixObject, DateTimeOffset now)
    {
        if (IsWellKnown(stixObject))
        {
            return (new OriginVerdict(OriginCode.WellKnown, "Detente's published definition."), stixObject);
        }

        IReadOnlyList<StixSignatureInfo> signatures = StixSignatures.Read(stixObject);
        string? creator = stixObject.CreatedByRef;
        if (signatures.Count == 0)
        {
            if (signing is null)
            {
                return (new OriginVerdict(OriginCode.Unsigned, "Stored unsigned: the node has no signing key."), stixObject);
            }

            StixObject own = stixObject;
            if (creator is null)
            {
                if (!IsSco(stixObject))
                {
                    own = stixObject.With("created_by_ref", new JsonString(signing.IdentityId));
                }
            }
            else if (!string.Equals(creator, signing.IdentityId, StringComparison.Ordinal))
            {
                return (new OriginVerdict(OriginCode.SignsForAnother,
                    $"The object is unsigned and created by {Printable(creator)}, not by this node ({signing.IdentityId}): the node does not sign in another's name."), null);
            }

            try
            {
                return (new OriginVerdict(OriginCode.SignedByNode, "Signed by the node.", signing.Key.KeyId), StixSignatures.Sign(own, signing.Key));
            }
            catch (ArgumentException e)
            {
                return (new OriginVerdict(OriginCode.MalformedSignature, "The node cannot sign the object: " + e.Message), null);
            }
        }

        if (creator is null && !IsSco(stixObject))
        {
            return (new OriginVerdict(OriginCode.NoCreator, "The object is signed but has no created_by_ref, so no key can be its creator's."), null);
        }

        List<PartnerKey> allowed = [];
        if (creator is null)
        {
            // An SCO names no creator: any key the node knows.
            allowed.AddRange(keys.Partners.Values.SelectMany(static p => p.Keys));
        }
        else
        {
            if (keys.ByIdentity.TryGetValue(creator, out PartnerOrigin? owner))
            {
                allowed.AddRange(owner.Keys);
            }

            if (keys.Delegators.TryGetValue(creator, out PartnerOrigin[]? delegators))
            {
                allowed.AddRange(delegators.SelectMany(static p => p.Keys));
            }
        }

        bool nodeSigns = nodeKey is not null && (creator is null || string.Equals(creator, signing!.IdentityId, StringComparison.Ordinal));
        OriginVerdict verdict = CheckSignatures(stixObject, creator ?? "(none: an SCO)", allowed, nodeSigns ? nodeKey : null, now);
        return (verdict, verdict.IsAccepted ? stixObject : null);
    }

    private static OriginVerdict CheckSignatures(StixObject stixObject, string creator, List<PartnerKey> allowed, StixVerificationKey? nodeKey,
        DateTimeOffset now)
    {
        IReadOnlyList<StixSignatureInfo> signatures = StixSignatures.Read(stixObject);
        if (signatures.Count == 0)
        {
            return new OriginVerdict(OriginCode.NoSignature, $"The object carries no Detente signature; objects created by {Printable(creator)} must be signed by its key.");
        }

        foreach (StixSignatureInfo info in signatures)
        {
            if (!info.IsWellFormed)
            {
                return new OriginVerdict(OriginCode.MalformedSignature, "Malformed signature: " + info.Problem);
            }
        }

        string? expired = null;
        if (nodeKey is not null)
        {
            allowed.Add(new PartnerKey(nodeKey, null, null));
        }

        foreach (PartnerKey key in allowed)
        {
            SignatureCheck check = StixSignatures.Verify(stixObject, key.Key);
            switch (check.Status)
            {
                case SignatureStatus.Valid when key.IsValidAt(now):
                    return new OriginVerdict(OriginCode.Verified, $"Signed by key {key.Key.KeyId} of {Printable(creator)}.", key.Key.KeyId);
                case SignatureStatus.Valid:
                    expired ??= key.Key.KeyId;
                    break;
                case SignatureStatus.BadSignature:
                    return new OriginVerdict(OriginCode.BadSignature,
                        $"The signature by key {key.Key.KeyId} does not verify: the object was changed after it was signed, or the signature is forged.");
                case SignatureStatus.MalformedSignature:
                    return new OriginVerdict(OriginCode.MalformedSignature, "Malformed signature: " + check.Detail);
                default:
                    break;
            }
        }

        string signers = string.Join(", ", signatures.Select(static s => s.KeyId));
        return expired is not null
            ? new OriginVerdict(OriginCode.UnknownKey, $"The signature is by key {expired}, which is revoked or past its not-after date.")
            : new OriginVerdict(OriginCode.UnknownKey, $"No signature is by a key of {Printable(creator)} that the node knows (signed by {signers}).");
    }

    private static bool IsSco(StixObject stixObject) =>
        stixObject.Type is { } type && StixCatalog.TryGetCategory(type, out StixCategory category) && category == StixCategory.Sco;

    private static bool IsWellKnown(StixObject stixObject)
    {
        string? id = stixObject.Id;
        if (id is not (SignatureExtension.Id or SignatureExtension.IdentityId))
        {
            return false;
        }

        foreach (StixObject known in NodeSigning.Definitions)
        {
            if (known.Equals(stixObject))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>An id from an object, shortened and without control characters, for a reason (ids only, never contents).</summary>
    private static string Printable(string value)
    {
        string shown = value.Length > 100 ? value[..100] + "…" : value;
        return string.Concat(shown.Select(static c => char.IsControl(c) ? '?' : c));
    }
}

/// <summary>One key of a partner, with its validity.</summary>
internal sealed record PartnerKey(StixVerificationKey Key, DateTimeOffset? NotAfter, DateTimeOffset? Revoked)
{
    public bool IsValidAt(DateTimeOffset now) => Revoked is null && (NotAfter is null || now < NotAfter.Value);
}

/// <summary>A partner as origins are checked: its identity, its keys and the identities it delegates to.</summary>
internal sealed record PartnerOrigin(string Name, string Identity, IReadOnlyList<PartnerKey> Keys, FrozenSet<string> Delegated);

/// <summary>The partners' keys, identities and delegations at one sharing version.</summary>
internal sealed class OriginKeys
{
    private OriginKeys(FrozenDictionary<string, PartnerOrigin> partners)
    {
        Partners = partners;
        ByIdentity = partners.Values.ToFrozenDictionary(static p => p.Identity, StringComparer.Ordinal);
        Delegators = partners.Values.SelectMany(static p => p.Delegated.Select(d => (Identity: d, Partner: p)))
            .GroupBy(static d => d.Identity, StringComparer.Ordinal)
            .ToFrozenDictionary(static g => g.Key, static g => g.Select(static d => d.Partner).ToArray(), StringComparer.Ordinal);
    }

    /// <summary>No partners.</summary>
    public static OriginKeys Empty { get; } = new(FrozenDictionary<string, PartnerOrigin>.Empty);

    /// <summary>Partners by name (the principal their tokens authenticate as).</summary>
    public FrozenDictionary<string, PartnerOrigin> Partners { get; }

    /// <summary>Partners by identity.</summary>
    public FrozenDictionary<string, PartnerOrigin> ByIdentity { get; }

    /// <summary>For each delegated identity, the partners that delegate to it.</summary>
    public FrozenDictionary<string, PartnerOrigin[]> Delegators { get; }

    /// <summary>The origins of <paramref name="configuration"/>'s partners; keys that are not valid Ed25519 keys are left out.</summary>
    public static OriginKeys From(SharingConfiguration configuration)
    {
        var partners = new Dictionary<string, PartnerOrigin>(StringComparer.Ordinal);
        foreach (PartnerRecord p in configuration.Partners)
        {
            IEnumerable<PartnerKeyRecord> records = p.Keys.Count > 0 ? p.Keys : [new PartnerKeyRecord(p.VerificationKey, null, null, null)];
            var keys = new List<PartnerKey>();
            foreach (PartnerKeyRecord record in records)
            {
                if (StixVerificationKey.TryFromRawPublicKey(record.PublicKey.Span, out StixVerificationKey? key))
                {
                    keys.Add(new PartnerKey(key, record.NotAfter, record.Revoked));
                }
            }

            partners[p.Name] = new PartnerOrigin(p.Name, p.Identity, keys, p.DelegatedIdentities.ToFrozenSet(StringComparer.Ordinal));
        }

        // Identities are unique among partners (the store refuses a second); ToFrozenDictionary would throw otherwise.
        return new OriginKeys(partners.ToFrozenDictionary(StringComparer.Ordinal));
    }
}
