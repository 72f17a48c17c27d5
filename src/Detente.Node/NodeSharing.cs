using Detente.Policy;
using Detente.Stix;
using Detente.Stix.Signatures;
using Detente.Storage;

namespace Detente.Node;

/// <summary>How the node builds its sharing policy from its store, and the facts it keeps of each object version.</summary>
public static class NodeSharing
{
    /// <summary>
    /// The policy settings of <paramref name="configuration"/>: each partner record a partner (its name is the principal
    /// its tokens and client certificate authenticate as), each group a sharing group, each collection its default level
    /// (its default marking's TLP level; a default marking that is not TLP counts as AMBER) and partners.
    /// </summary>
    public static PolicySettings Settings(SharingConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ILookup<string, PartnerRuleRecord> rules = configuration.PartnerRules.ToLookup(r => r.Partner, StringComparer.Ordinal);
        return new PolicySettings
        {
            Partners = [.. configuration.Partners.Select(p => new Partner
            {
                Name = p.Name,
                Identity = p.Identity,
                VerificationKeys = VerificationKeys(p),
                EgressRules = [.. rules[p.Name].Select(ToEgressRule)],
            })],
            SharingGroups = [.. configuration.SharingGroups.Select(static g => new SharingGroup
            {
                Name = g.Name,
                MarkingDefinitionId = g.MarkingDefinitionId,
                Members = g.Members,
            })],
            Collections = [.. configuration.Collections.Select(static c => new CollectionSharing
            {
                CollectionId = c.CollectionId,
                DefaultTlp = Tlp.TryFromMarkingId(c.DefaultMarkingId, out TlpLevel level) ? level : TlpLevel.Amber,
                Partners = c.Partners,
            })],
            RedactablePaths = configuration.RedactionPaths,
            NeutralMarkings = configuration.NeutralMarkings,
        };
    }

    /// <summary>A stored partner rule as explanations quote it (<c>deny type in [identity], confidence &lt;= 49</c>).</summary>
    public static string Describe(PartnerRuleRecord rule) => ToEgressRule(rule).ToString();

    /// <summary>Every problem the sharing policy library finds in <paramref name="configuration"/> (with its path and rule
    /// id); empty when a node would build its policy from it.</summary>
    public static IReadOnlyList<string> Problems(SharingConfiguration configuration) => [.. Build(configuration).Errors.Select(e => e.ToString())];

    /// <summary>The policy's form of a stored partner rule.</summary>
    public static EgressRule ToEgressRule(PartnerRuleRecord rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        return new EgressRule
        {
            Effect = rule.Allow ? EgressEffect.Allow : EgressEffect.Deny,
            ObjectTypes = rule.ObjectTypes,
            Labels = rule.Labels,
            Collections = rule.Collections,
            MinConfidence = rule.MinConfidence,
            MaxConfidence = rule.MaxConfidence,
            MinAge = rule.MinAge,
            MaxAge = rule.MaxAge,
        };
    }

    /// <summary>The partner's keys that are not revoked (the key it was registered with when the record lists none).
    /// Whether a key is past its not-after date is decided when a signature is checked (<see cref="OriginVerifier"/>).</summary>
    private static StixVerificationKey[] VerificationKeys(PartnerRecord partner)
    {
        IEnumerable<ReadOnlyMemory<byte>> raw = partner.Keys.Count > 0
            ? partner.Keys.Where(static k => k.Revoked is null).Select(static k => k.PublicKey)
            : [partner.VerificationKey];
        var keys = new List<StixVerificationKey>();
        foreach (ReadOnlyMemory<byte> r in raw)
        {
            if (StixVerificationKey.TryFromRawPublicKey(r.Span, out StixVerificationKey? key))
            {
                keys.Add(key);
            }
        }

        return [.. keys];
    }

    /// <summary>Builds the policy of <paramref name="configuration"/>; invalid settings are a value (every problem).</summary>
    public static PolicyBuildResult Build(SharingConfiguration configuration) => SharingPolicy.Build(Settings(configuration));

    /// <summary>
    /// <paramref name="toAdd"/> with what the policy stores beside <paramref name="stixObject"/>, from one reading of its
    /// facts: the facts themselves (<see cref="ObjectToAdd.Facts"/>) and its egress class (<see cref="ObjectToAdd.EgressClass"/>:
    /// its reach, <see cref="SharingPolicy.ReachOf"/>, so that the store skips it for readers outside the reach).
    /// </summary>
    public static ObjectToAdd WithPolicyFacts(ObjectToAdd toAdd, StixObject stixObject)
    {
        ArgumentNullException.ThrowIfNull(toAdd);
        ObjectFacts facts = ObjectFacts.From(stixObject);
        return toAdd with { Facts = ObjectFactsEncoding.Encode(facts), EgressClass = (byte)SharingPolicy.ReachOf(in facts) };
    }

    /// <summary>The egress class of a stored version (for versions stored before the store kept classes): the reach of the
    /// facts the policy decides by (<see cref="FactsOf"/>); <see cref="EgressReach.Any"/> (no restriction, the decision
    /// decides) when they do not read.</summary>
    public static byte EgressClassOf(StoredObject version)
    {
        ArgumentNullException.ThrowIfNull(version);
        try
        {
            ObjectFacts facts = FactsOf(version);
            return (byte)SharingPolicy.ReachOf(in facts);
        }
        catch (StixFormatException)
        {
            return (byte)EgressReach.Any;
        }
    }

    /// <summary>The facts to store for a version held without them: read from its JSON; empty when the JSON does not read
    /// (the policy then reads it again, and withholds it if it still does not).</summary>
    public static byte[] EncodeFacts(ReadOnlyMemory<byte> json)
    {
        try
        {
            return ObjectFactsEncoding.Encode(ObjectFacts.Read(json.Span));
        }
        catch (StixFormatException)
        {
            return [];
        }
    }

    /// <summary>The facts of a stored version: its stored facts, or, when it has none or they do not decode, read from its JSON.</summary>
    /// <exception cref="StixFormatException">The version has no usable stored facts and its JSON does not read.</exception>
    public static ObjectFacts FactsOf(StoredObject version)
    {
        ArgumentNullException.ThrowIfNull(version);
        return !version.Facts.IsEmpty && ObjectFactsEncoding.TryDecode(version.Facts.Span, out ObjectFacts facts)
            ? facts
            : ObjectFacts.Read(version.Json.Span);
    }

    /// <summary>The policy reader a node principal is: local roles are local users, the partner role is the partner of
    /// that name (a guest when no partner has it).</summary>
    public static PolicyPrincipal PrincipalOf(SharingPolicy policy, NodePrincipal reader)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(reader);
        return reader.Role switch
        {
            TokenRole.Admin => policy.LocalUser(reader.Name, LocalRole.Admin),
            TokenRole.Analyst => policy.LocalUser(reader.Name, LocalRole.Analyst),
            TokenRole.Reader => policy.LocalUser(reader.Name, LocalRole.Reader),
            _ => policy.Principal(reader.Name),
        };
    }
}
