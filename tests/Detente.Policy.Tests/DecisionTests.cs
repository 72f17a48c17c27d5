using static Detente.Policy.Tests.Fixture;

namespace Detente.Policy.Tests;

/// <summary>Every rule of the README's table, with its code and reason.</summary>
public sealed class DecisionTests
{
    private static readonly SharingPolicy s_policy = Fixture.Policy;
    private static PolicyPrincipal PartnerNamed(string name) => s_policy.Principal(name);

    [Fact]
    public void Tlp_red_never_leaves_the_node()
    {
        foreach (PolicyPrincipal reader in new[] { PartnerNamed("fr-cert"), s_policy.Principal("stranger"), s_policy.Federation })
        {
            foreach (EgressPath path in Enum.GetValues<EgressPath>())
            {
                PolicyDecision decision = s_policy.Decide(reader, Facts(Red), path: path);
                Assert.Equal(PolicyOutcome.Deny, decision.Outcome);
                Assert.Equal("deny.tlp-red", decision.CodeName);
                Assert.Equal("denied: TLP:RED never leaves", decision.Reason);
            }
        }
    }

    [Fact]
    public void Local_users_read_tlp_red_on_this_node_but_no_path_carries_it_off()
    {
        PolicyPrincipal analyst = s_policy.LocalUser("alice", LocalRole.Analyst);
        PolicyDecision read = s_policy.Decide(analyst, Facts(Red));
        Assert.Equal(PolicyOutcome.Allow, read.Outcome);
        Assert.Equal("allow.local-user", read.CodeName);
        Assert.Equal("allowed: local user alice (analyst) reads on this node", read.Reason);

        foreach (EgressPath path in new[] { EgressPath.Export, EgressPath.Sync, EgressPath.Log, EgressPath.PsiInput })
        {
            Assert.Equal(PolicyCode.TlpRed, s_policy.Decide(analyst, Facts(Red), path: path).Code);
            Assert.Equal(PolicyCode.LocalUser, s_policy.Decide(analyst, Facts(AmberStrict), path: path).Code);
        }
    }

    [Fact]
    public void Tlp_1_red_is_red()
    {
        Assert.Equal(PolicyCode.TlpRed, s_policy.Decide(PartnerNamed("fr-cert"), Facts(Tlp1Red)).Code);
    }

    [Fact]
    public void Amber_strict_never_goes_to_a_partner()
    {
        PolicyDecision decision = s_policy.Decide(PartnerNamed("fr-cert"), Facts(AmberStrict));
        Assert.Equal("deny.tlp-amber-strict", decision.CodeName);
        Assert.Equal("denied: TLP:AMBER+STRICT stays with the producing organization, never partner fr-cert", decision.Reason);

        // Not even to the producer, nor inside a sharing group it belongs to.
        ObjectFacts own = Facts(AmberStrict, Elections) with { CreatedByRef = IdentityOf(1) };
        Assert.Equal(PolicyCode.AmberStrict, s_policy.Decide(PartnerNamed("fr-cert"), own).Code);
        Assert.Equal(PolicyCode.AmberStrict, s_policy.Decide(s_policy.Federation, own, path: EgressPath.Log).Code);
    }

    [Fact]
    public void Clear_goes_to_anyone_the_collection_lets_read()
    {
        PolicyDecision guest = s_policy.Decide(s_policy.Principal("public-feed"), Facts(Clear));
        Assert.Equal("allow.tlp-clear", guest.CodeName);
        Assert.Equal($"allowed: TLP:CLEAR and guest public-feed may read collection {Shared}", guest.Reason);
        Assert.Equal(PolicyCode.TlpClear, s_policy.Decide(PartnerNamed("us-cert"), Facts(Tlp1White)).Code);
    }

    [Fact]
    public void Nothing_leaves_without_a_read_grant()
    {
        PolicyDecision decision = s_policy.Decide(PartnerNamed("fr-cert"), Facts(Clear), canRead: false);
        Assert.Equal("deny.no-read-grant", decision.CodeName);
        Assert.Equal($"denied: partner fr-cert may not read collection {Shared}", decision.Reason);
        Assert.Equal(PolicyCode.NoReadGrant, s_policy.Decide(s_policy.LocalUser("bob", LocalRole.Reader), Facts(Clear), canRead: false).Code);
        Assert.Equal(PolicyCode.LocalUser, s_policy.Decide(s_policy.LocalUser("root", LocalRole.Admin), Facts(Red), canRead: false).Code);
    }

    [Fact]
    public void Green_goes_to_federation_members_and_local_users_only()
    {
        PolicyDecision partner = s_policy.Decide(PartnerNamed("us-cert"), Facts(Green), collection: Internal);
        Assert.Equal("allow.tlp-green", partner.CodeName);
        Assert.Equal("allowed: TLP:GREEN and partner us-cert is a member of the federation", partner.Reason);

        PolicyDecision guest = s_policy.Decide(s_policy.Principal("public-feed"), Facts(Green));
        Assert.Equal("deny.not-federation-member", guest.CodeName);
        Assert.Equal("denied: TLP:GREEN is for members of the federation and guest public-feed is not one", guest.Reason);
        Assert.Equal(PolicyCode.LocalUser, s_policy.Decide(s_policy.LocalUser("bob", LocalRole.Reader), Facts(Green)).Code);
    }

    [Fact]
    public void Amber_without_a_sharing_group_goes_to_the_collections_partners()
    {
        PolicyDecision member = s_policy.Decide(PartnerNamed("ru-cert"), Facts(Amber));
        Assert.Equal("allow.tlp-amber-collection-partner", member.CodeName);
        Assert.Equal($"allowed: TLP:AMBER and partner ru-cert is a partner of collection {Shared}", member.Reason);

        PolicyDecision other = s_policy.Decide(PartnerNamed("us-cert"), Facts(Amber));
        Assert.Equal("deny.not-collection-partner", other.CodeName);
        Assert.Equal($"denied: TLP:AMBER and partner us-cert is not a partner of collection {Shared}", other.Reason);
        Assert.Equal(PolicyCode.NotFederationMember, s_policy.Decide(s_policy.Principal("public-feed"), Facts(Amber)).Code);
    }

    [Fact]
    public void Amber_with_a_sharing_group_goes_to_its_members_only()
    {
        PolicyDecision member = s_policy.Decide(PartnerNamed("de-cert"), Facts(Amber, Elections));
        Assert.Equal("allow.tlp-amber-sharing-group", member.CodeName);
        Assert.Equal("allowed: TLP:AMBER and partner de-cert is in sharing group g-elections", member.Reason);

        // ru-cert is a partner of the collection, but the object names a group it is not in.
        PolicyDecision outsider = s_policy.Decide(PartnerNamed("ru-cert"), Facts(Amber, Elections));
        Assert.Equal("deny.not-in-sharing-group", outsider.CodeName);
        Assert.Equal("denied: partner ru-cert not in sharing group g-elections", outsider.Reason);
    }

    [Fact]
    public void Several_sharing_groups_admit_only_partners_in_all_of_them()
    {
        Assert.Equal(PolicyCode.AmberSharingGroup, s_policy.Decide(PartnerNamed("de-cert"), Facts(Amber, Elections, Finance)).Code);
        Assert.Equal("denied: partner fr-cert not in sharing group g-finance",
            s_policy.Decide(PartnerNamed("fr-cert"), Facts(Amber, Elections, Finance)).Reason);
        Assert.Equal("denied: partner us-cert not in sharing group g-elections",
            s_policy.Decide(PartnerNamed("us-cert"), Facts(Amber, Elections, Finance)).Reason);
    }

    [Fact]
    public void A_sharing_group_narrows_green_and_clear_too()
    {
        Assert.Equal(PolicyCode.TlpGreen, s_policy.Decide(PartnerNamed("fr-cert"), Facts(Green, Elections)).Code);
        Assert.Equal(PolicyCode.NotInSharingGroup, s_policy.Decide(PartnerNamed("us-cert"), Facts(Green, Elections)).Code);
        Assert.Equal("denied: guest public-feed not in sharing group g-elections",
            s_policy.Decide(s_policy.Principal("public-feed"), Facts(Clear, Elections)).Reason);
    }

    [Fact]
    public void Missing_markings_take_the_collection_default_which_is_amber_unless_configured()
    {
        PolicyDecision shared = s_policy.Decide(PartnerNamed("us-cert"), Facts());
        Assert.Equal(PolicyCode.NotCollectionPartner, shared.Code);
        Assert.Equal(TlpLevel.Amber, shared.Level);
        Assert.Equal(PolicyCode.NotCollectionPartner, s_policy.Decide(PartnerNamed("fr-cert"), Facts(), collection: Internal).Code);
        Assert.Equal(PolicyCode.TlpGreen, s_policy.Decide(PartnerNamed("us-cert"), Facts(), collection: Public).Code);

        // Only a sharing group marking: still no TLP marking, so the default level with the group as audience.
        Assert.Equal(PolicyCode.AmberSharingGroup, s_policy.Decide(PartnerNamed("fr-cert"), Facts(Elections), collection: Internal).Code);
    }

    [Fact]
    public void An_unknown_marking_counts_as_the_collection_default_and_a_neutral_one_is_ignored()
    {
        // GREEN and an unknown marking: the unknown one counts as AMBER (the default), and the most restrictive wins.
        PolicyDecision unknown = s_policy.Decide(PartnerNamed("us-cert"), Facts(Green, Unknown));
        Assert.Equal(PolicyCode.NotCollectionPartner, unknown.Code);
        Assert.Equal(TlpLevel.Amber, unknown.Level);
        Assert.Equal(PolicyCode.TlpGreen, s_policy.Decide(PartnerNamed("us-cert"), Facts(Green, Copyright)).Code);
        Assert.Equal(PolicyCode.TlpGreen, s_policy.Decide(PartnerNamed("us-cert"), Facts(Green, Unknown), collection: Public).Code);
    }

    [Theory]
    [InlineData(new[] { Clear, Green }, TlpLevel.Green)]
    [InlineData(new[] { Green, Red, Clear }, TlpLevel.Red)]
    [InlineData(new[] { Amber, AmberStrict }, TlpLevel.AmberStrict)]
    [InlineData(new[] { Tlp1White, Amber }, TlpLevel.Amber)]
    [InlineData(new[] { Clear, Clear }, TlpLevel.Clear)]
    public void Of_several_tlp_markings_the_most_restrictive_wins(string[] markings, TlpLevel expected)
    {
        PolicyDecision decision = s_policy.Decide(s_policy.LocalUser("alice", LocalRole.Analyst), Facts(markings));
        Assert.Equal(expected, decision.Level);
    }

    [Fact]
    public void Log_entries_are_decided_for_every_partner_at_once()
    {
        PolicyDecision green = s_policy.Decide(s_policy.Federation, Facts(Green), path: EgressPath.Log, canRead: false);
        Assert.Equal("allow.every-partner", green.CodeName);
        Assert.Equal("allowed: TLP:GREEN may be known to every partner", green.Reason);

        PolicyDecision amber = s_policy.Decide(s_policy.Federation, Facts(Amber), path: EgressPath.Log);
        Assert.Equal("deny.not-for-every-partner", amber.CodeName);
        Assert.Equal("denied: TLP:AMBER may not be known to every partner", amber.Reason);
        Assert.Equal("denied: sharing group g-finance is not every partner",
            s_policy.Decide(s_policy.Federation, Facts(Green, Finance), path: EgressPath.Log).Reason);
    }

    [Fact]
    public void A_partner_is_found_by_any_of_its_principals_and_an_unknown_principal_is_a_guest()
    {
        Partner fr = Partner("fr-cert") with { Principals = ["fr-cert-sync", "CN=node.cert.fr"] };
        SharingPolicy policy = Build(Settings() with { Partners = [fr, Partner("de-cert"), Partner("ru-cert"), Partner("us-cert")] });
        Assert.Equal(PrincipalKind.Partner, policy.Principal("CN=node.cert.fr").Kind);
        Assert.Same(policy.Principal("fr-cert-sync"), policy.Principal("CN=node.cert.fr"));
        Assert.Equal(PrincipalKind.Guest, policy.Principal("fr-cert").Kind); // its name is not one of its principals
        Assert.Equal(PrincipalKind.Partner, policy.Principal("de-cert").Kind);
    }

    [Fact]
    public void Partners_and_their_keys_are_found_by_identity()
    {
        Assert.True(s_policy.TryGetPartnerByIdentity(IdentityOf(3), out Partner? partner));
        Assert.Equal("ru-cert", partner.Name);
        Assert.Equal([Key], s_policy.KeysOf(IdentityOf(3)));
        Assert.Empty(s_policy.KeysOf("identity--00000000-0000-4000-8000-000000000099"));
        Assert.Empty(s_policy.KeysOf(null));
    }

    [Fact]
    public void A_default_request_is_refused() =>
        Assert.Throws<ArgumentException>(() => s_policy.Decide(default(EgressRequest)));

    [Fact]
    public void Deciding_allocates_nothing_in_the_common_case()
    {
        PolicyPrincipal reader = PartnerNamed("ru-cert");
        ObjectFacts facts = Facts(Amber);
        var request = new EgressRequest(reader, s_policy.Collection(Shared), in facts, EgressPath.TaxiiRead, Now, true);
        _ = s_policy.Decide(in request);
        long before = GC.GetAllocatedBytesForCurrentThread();
        PolicyCode code = default;
        for (int i = 0; i < 1000; i++)
        {
            code = s_policy.Decide(in request).Code;
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(PolicyCode.AmberCollectionPartner, code);
    }
}
