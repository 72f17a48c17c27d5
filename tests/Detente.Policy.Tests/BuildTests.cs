using static Detente.Policy.Tests.Fixture;

namespace Detente.Policy.Tests;

/// <summary>Bad settings: every problem is listed with its path and rule id, and no policy is built.</summary>
public sealed class BuildTests
{
    private static PolicyIssue[] Errors(PolicySettings settings)
    {
        PolicyBuildResult result = SharingPolicy.Build(settings);
        Assert.False(result.IsValid);
        Assert.Null(result.Policy);
        return [.. result.Errors];
    }

    private static void AssertSingle(PolicySettings settings, string path, string rule)
    {
        PolicyIssue issue = Assert.Single(Errors(settings));
        Assert.Equal(path, issue.Path);
        Assert.Equal(rule, issue.Rule);
    }

    private static PolicySettings WithPartner(int index, Func<Partner, Partner> change)
    {
        PolicySettings settings = Settings();
        Partner[] partners = [.. settings.Partners];
        partners[index] = change(partners[index]);
        return settings with { Partners = partners };
    }

    [Fact]
    public void The_fixture_is_valid() => Assert.True(SharingPolicy.Build(Settings()).IsValid);

    [Fact]
    public void An_empty_policy_is_valid_and_shares_nothing_beyond_clear()
    {
        SharingPolicy policy = Build(new PolicySettings());
        Assert.Equal(PrincipalKind.Guest, policy.Principal("anyone").Kind);
        Assert.Equal(PolicyCode.NotFederationMember, policy.Decide(policy.Principal("anyone"), Facts()).Code);
        Assert.Equal(TlpLevel.Amber, policy.Collection(Guid.NewGuid()).DefaultTlp);
    }

    [Fact]
    public void An_unknown_partner_in_a_group()
    {
        PolicySettings settings = Settings() with
        {
            SharingGroups = [new SharingGroup { Name = "g-x", MarkingDefinitionId = Elections, Members = ["fr-cert", "xx-cert"] }],
        };
        PolicyIssue issue = Assert.Single(Errors(settings));
        Assert.Equal("sharing_groups[0].members[1]", issue.Path);
        Assert.Equal(PolicyRules.UnknownPartner, issue.Rule);
        Assert.Equal("sharing_groups[0].members[1]: 'xx-cert' is not a configured partner (policy.unknown-partner)", issue.ToString());
    }

    [Fact]
    public void Unknown_and_repeated_partners_of_a_collection() =>
        Assert.Equal(
            [PolicyRules.UnknownPartner, PolicyRules.DuplicateMember],
            Errors(Settings() with
            {
                Collections = [new CollectionSharing { CollectionId = Shared, Partners = ["nobody", "fr-cert", "fr-cert"] }],
            }).Select(static e => e.Rule));

    [Fact]
    public void Duplicate_names_identities_and_principals()
    {
        // The name is also the partner's default principal, so both clash.
        Assert.Equal([PolicyRules.DuplicateName, PolicyRules.DuplicatePrincipal],
            Errors(WithPartner(1, p => p with { Name = "fr-cert" }) with { SharingGroups = [], Collections = [] }).Select(static e => e.Rule));
        AssertSingle(WithPartner(1, p => p with { Identity = IdentityOf(1) }), "partners[1].identity", PolicyRules.DuplicateIdentity);
        AssertSingle(WithPartner(1, p => p with { Principals = ["x", "fr-cert"] }), "partners[1].principals[1]", PolicyRules.DuplicatePrincipal);
        AssertSingle(Settings() with
        {
            SharingGroups = [.. Settings().SharingGroups, new SharingGroup { Name = "g-finance", MarkingDefinitionId = Unknown }],
        }, "sharing_groups[2].name", PolicyRules.DuplicateName);
    }

    [Theory]
    [InlineData("")]
    [InlineData("RU-CERT")]
    [InlineData("-cert")]
    [InlineData("ru cert")]
    [InlineData("ru/cert")]
    [InlineData("a12345678901234567890123456789012345678901234567890123456789012345")]
    public void Names_keep_to_their_syntax(string name) =>
        Assert.Contains(Errors(WithPartner(0, p => p with { Name = name })), static e => e.Path == "partners[0].name" && e.Rule == PolicyRules.NameSyntax);

    [Theory]
    [InlineData("indicator--00000000-0000-4000-8000-000000000001")]
    [InlineData("identity--not-a-uuid")]
    [InlineData("")]
    public void A_partner_identity_is_an_identity_id(string identity) =>
        AssertSingle(WithPartner(2, p => p with { Identity = identity }), "partners[2].identity", PolicyRules.IdentitySyntax);

    [Fact]
    public void A_partner_needs_a_key() =>
        AssertSingle(WithPartner(3, p => p with { VerificationKeys = [] }), "partners[3].verification_keys", PolicyRules.KeyMissing);

    [Theory]
    [InlineData("")]
    [InlineData(" fr")]
    [InlineData("fr\n")]
    public void Principal_names_are_plain(string principal) =>
        AssertSingle(WithPartner(0, p => p with { Principals = [principal] }), "partners[0].principals[0]", PolicyRules.PrincipalSyntax);

    [Theory]
    [InlineData("identity--7f1b0a52-4c2e-4f7a-9d3e-0e0a5c1e0001", PolicyRules.MarkingSyntax)]
    [InlineData("marking-definition--x", PolicyRules.MarkingSyntax)]
    [InlineData(Amber, PolicyRules.MarkingSyntax)]
    [InlineData(Tlp1Red, PolicyRules.MarkingSyntax)]
    [InlineData(Finance, PolicyRules.DuplicateMarking)]
    [InlineData(Copyright, PolicyRules.DuplicateMarking)]
    public void A_group_marking_is_a_new_marking_definition(string marking, string rule)
    {
        PolicySettings settings = Settings() with
        {
            SharingGroups = [.. Settings().SharingGroups, new SharingGroup { Name = "g-new", MarkingDefinitionId = marking }],
        };
        PolicyIssue issue = Assert.Single(Errors(settings), static e => e.Path == "sharing_groups[2].marking_definition_id"
            || e.Path.StartsWith("neutral_markings", StringComparison.Ordinal));
        Assert.Equal(rule, issue.Rule);
    }

    [Fact]
    public void At_most_64_sharing_groups()
    {
        SharingGroup[] groups = [.. Enumerable.Range(0, 65).Select(static i => new SharingGroup
        {
            Name = "g" + i, MarkingDefinitionId = $"marking-definition--00000000-0000-4000-8000-{i:D12}",
        })];
        AssertSingle(new PolicySettings { SharingGroups = groups }, "sharing_groups", PolicyRules.TooManyGroups);
        Assert.True(SharingPolicy.Build(new PolicySettings { SharingGroups = groups[..64] }).IsValid);
    }

    [Fact]
    public void Collections_once_each_with_a_defined_level()
    {
        AssertSingle(Settings() with { Collections = [new CollectionSharing { CollectionId = Shared }, new CollectionSharing { CollectionId = Shared }] },
            "collections[1].collection_id", PolicyRules.DuplicateCollection);
        AssertSingle(Settings() with { Collections = [new CollectionSharing { CollectionId = Shared, DefaultTlp = (TlpLevel)7 }] },
            "collections[0].default_tlp", PolicyRules.UndefinedValue);
        AssertSingle(Settings() with { DefaultTlp = (TlpLevel)(-1) }, "default_tlp", PolicyRules.UndefinedValue);
    }

    [Fact]
    public void Egress_rule_bounds()
    {
        AssertSingle(WithPartner(0, p => p with { EgressRules = [new EgressRule { Effect = EgressEffect.Deny, MinConfidence = 101 }] }),
            "partners[0].egress_rules[0].confidence", PolicyRules.RuleConfidence);
        AssertSingle(WithPartner(0, p => p with { EgressRules = [new EgressRule { Effect = EgressEffect.Deny, MinConfidence = 60, MaxConfidence = 50 }] }),
            "partners[0].egress_rules[0].confidence", PolicyRules.RuleConfidence);
        AssertSingle(WithPartner(0, p => p with { EgressRules = [new EgressRule { Effect = EgressEffect.Deny, MinAge = TimeSpan.FromDays(-1) }] }),
            "partners[0].egress_rules[0].age", PolicyRules.RuleAge);
        AssertSingle(WithPartner(0, p => p with
        {
            EgressRules = [new EgressRule { Effect = EgressEffect.Allow }, new EgressRule { Effect = EgressEffect.Allow, MinAge = TimeSpan.FromDays(9), MaxAge = TimeSpan.FromDays(1) }],
        }), "partners[0].egress_rules[1].age", PolicyRules.RuleAge);
        AssertSingle(WithPartner(0, p => p with { EgressRules = [new EgressRule { Effect = (EgressEffect)5 }] }),
            "partners[0].egress_rules[0].effect", PolicyRules.UndefinedValue);
    }

    [Theory]
    [InlineData("")]
    [InlineData("labels.[1]")]
    [InlineData("external_references..url")]
    [InlineData("id")]
    [InlineData("object_marking_refs")]
    [InlineData("granular_markings")]
    [InlineData("extensions")]
    [InlineData("a b")]
    public void Redaction_paths_are_removable_property_paths(string path) =>
        AssertSingle(Settings() with { RedactablePaths = [path] }, "redactable_paths[0]", PolicyRules.RedactionPath);

    [Fact]
    public void Every_problem_is_listed_at_once()
    {
        PolicySettings settings = new()
        {
            Partners = [new Partner { Name = "Bad Name", Identity = "x" }, null!],
            SharingGroups = [new SharingGroup { Name = "g", MarkingDefinitionId = "m", Members = ["nobody"] }],
            RedactablePaths = ["id"],
        };
        Assert.Equal(
            [PolicyRules.NameSyntax, PolicyRules.IdentitySyntax, PolicyRules.KeyMissing, PolicyRules.NullEntry,
                PolicyRules.MarkingSyntax, PolicyRules.UnknownPartner, PolicyRules.RedactionPath],
            Errors(settings).Select(static e => e.Rule));
    }

    [Fact]
    public void Changing_the_lists_after_build_changes_nothing()
    {
        string[] members = ["fr-cert"];
        Stix.Signatures.StixVerificationKey[] keys = [Key];
        PolicySettings settings = Settings() with
        {
            Partners = [Partner("fr-cert") with { VerificationKeys = keys }, Partner("de-cert"), Partner("ru-cert"), Partner("us-cert")],
            SharingGroups = [new SharingGroup { Name = "g-elections", MarkingDefinitionId = Elections, Members = members }],
        };
        SharingPolicy policy = Build(settings);
        members[0] = "us-cert";
        keys[0] = null!;
        Assert.Equal(PolicyCode.AmberSharingGroup, policy.Decide(policy.Principal("fr-cert"), Facts(Amber, Elections)).Code);
        Assert.Equal(PolicyCode.NotInSharingGroup, policy.Decide(policy.Principal("us-cert"), Facts(Amber, Elections)).Code);
        Assert.Equal([Key], policy.KeysOf(IdentityOf(1)));
        Assert.Equal(["fr-cert"], policy.Settings.SharingGroups[0].Members);
    }
}
