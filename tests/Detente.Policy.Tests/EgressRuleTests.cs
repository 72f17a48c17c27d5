using static Detente.Policy.Tests.Fixture;

namespace Detente.Policy.Tests;

public sealed class EgressRuleTests
{
    private static SharingPolicy PolicyWith(params EgressRule[] rules) =>
        Build(Settings(name => name == "fr-cert" ? rules : []));

    private static PolicyDecision DecideFor(SharingPolicy policy, ObjectFacts facts, Guid? collection = null) =>
        policy.Decide(policy.Principal("fr-cert"), facts, collection);

    [Fact]
    public void A_deny_rule_by_type_withholds_and_names_itself()
    {
        SharingPolicy policy = PolicyWith(new EgressRule { Effect = EgressEffect.Deny, ObjectTypes = ["identity", "indicator"] });
        PolicyDecision decision = DecideFor(policy, Facts(Green));
        Assert.Equal("deny.egress-rule", decision.CodeName);
        Assert.Equal("denied: egress rule #1 of partner fr-cert (deny type in [identity, indicator])", decision.Reason);
        Assert.Equal(PolicyCode.TlpGreen, DecideFor(policy, Facts(Green) with { Type = "malware" }).Code);
        Assert.Equal(PolicyCode.TlpGreen, policy.Decide(policy.Principal("de-cert"), Facts(Green)).Code); // other partners unaffected
    }

    [Fact]
    public void Rules_run_after_tlp_and_never_widen_it()
    {
        SharingPolicy policy = PolicyWith(new EgressRule { Effect = EgressEffect.Allow });
        Assert.Equal(PolicyCode.TlpRed, DecideFor(policy, Facts(Red)).Code);
        Assert.Equal(PolicyCode.NotInSharingGroup, DecideFor(policy, Facts(Amber, Finance)).Code);
    }

    [Fact]
    public void Deny_wins_over_allow()
    {
        SharingPolicy policy = PolicyWith(
            new EgressRule { Effect = EgressEffect.Allow, ObjectTypes = ["indicator"] },
            new EgressRule { Effect = EgressEffect.Deny, Labels = ["malicious-activity"] });
        PolicyDecision decision = DecideFor(policy, Facts(Green));
        Assert.Equal(PolicyCode.EgressRuleDenies, decision.Code);
        Assert.Equal("denied: egress rule #2 of partner fr-cert (deny label in [malicious-activity])", decision.Reason);
        Assert.Equal(PolicyCode.TlpGreen, DecideFor(policy, Facts(Green) with { Labels = ["benign"] }).Code);
    }

    [Fact]
    public void With_allow_rules_only_what_one_allows_leaves()
    {
        SharingPolicy policy = PolicyWith(new EgressRule { Effect = EgressEffect.Allow, ObjectTypes = ["malware"] });
        PolicyDecision decision = DecideFor(policy, Facts(Green));
        Assert.Equal("deny.no-allow-rule", decision.CodeName);
        Assert.Equal("denied: no egress rule of partner fr-cert allows it", decision.Reason);
        Assert.Equal(PolicyCode.TlpGreen, DecideFor(policy, Facts(Green) with { Type = "malware" }).Code);
    }

    [Fact]
    public void Rules_by_collection()
    {
        SharingPolicy policy = PolicyWith(new EgressRule { Effect = EgressEffect.Deny, Collections = [Internal] });
        Assert.Equal(PolicyCode.EgressRuleDenies, DecideFor(policy, Facts(Green), Internal).Code);
        Assert.Equal(PolicyCode.TlpGreen, DecideFor(policy, Facts(Green), Shared).Code);
    }

    [Fact]
    public void Rules_by_confidence_and_a_missing_confidence_fails_closed()
    {
        SharingPolicy policy = PolicyWith(new EgressRule { Effect = EgressEffect.Deny, MaxConfidence = 49 });
        Assert.Equal(PolicyCode.EgressRuleDenies, DecideFor(policy, Facts(Green) with { Confidence = 49 }).Code);
        Assert.Equal(PolicyCode.EgressRuleDenies, DecideFor(policy, Facts(Green) with { Confidence = 0 }).Code);
        Assert.Equal(PolicyCode.TlpGreen, DecideFor(policy, Facts(Green) with { Confidence = 50 }).Code);
        Assert.Equal(PolicyCode.EgressRuleDenies, DecideFor(policy, Facts(Green) with { Confidence = null }).Code);

        SharingPolicy allow = PolicyWith(new EgressRule { Effect = EgressEffect.Allow, MinConfidence = 70 });
        Assert.Equal(PolicyCode.TlpGreen, DecideFor(allow, Facts(Green) with { Confidence = 70 }).Code);
        Assert.Equal(PolicyCode.NoAllowRule, DecideFor(allow, Facts(Green) with { Confidence = null }).Code);
    }

    [Fact]
    public void Rules_by_age_measure_from_modified_or_created_and_an_unknown_age_fails_closed()
    {
        SharingPolicy policy = PolicyWith(new EgressRule { Effect = EgressEffect.Deny, MinAge = TimeSpan.FromDays(30) });
        Assert.Equal(PolicyCode.TlpGreen, DecideFor(policy, Facts(Green) with { Modified = Now.AddDays(-29) }).Code);
        Assert.Equal(PolicyCode.EgressRuleDenies, DecideFor(policy, Facts(Green) with { Modified = Now.AddDays(-30) }).Code);
        Assert.Equal(PolicyCode.EgressRuleDenies, DecideFor(policy, Facts(Green) with { Modified = null, Created = Now.AddDays(-31) }).Code);
        Assert.Equal(PolicyCode.EgressRuleDenies, DecideFor(policy, Facts(Green) with { Modified = null, Created = null }).Code);
        Assert.Equal("denied: egress rule #1 of partner fr-cert (deny age >= 30.00:00:00)",
            DecideFor(policy, Facts(Green) with { Modified = Now.AddYears(-1) }).Reason);

        SharingPolicy recent = PolicyWith(new EgressRule { Effect = EgressEffect.Allow, MaxAge = TimeSpan.FromDays(7) });
        Assert.Equal(PolicyCode.TlpGreen, DecideFor(recent, Facts(Green)).Code);
        Assert.Equal(PolicyCode.NoAllowRule, DecideFor(recent, Facts(Green) with { Modified = Now.AddDays(-8) }).Code);
        Assert.Equal(PolicyCode.NoAllowRule, DecideFor(recent, Facts(Green) with { Modified = null, Created = null }).Code);
    }

    [Fact]
    public void Every_condition_of_a_rule_must_hold()
    {
        SharingPolicy policy = PolicyWith(new EgressRule
        {
            Effect = EgressEffect.Deny, ObjectTypes = ["indicator"], Labels = ["benign"], MinConfidence = 50,
        });
        Assert.Equal(PolicyCode.TlpGreen, DecideFor(policy, Facts(Green)).Code); // label does not match
        Assert.Equal(PolicyCode.EgressRuleDenies, DecideFor(policy, Facts(Green) with { Labels = ["x", "benign"] }).Code);
        Assert.Equal(PolicyCode.TlpGreen, DecideFor(policy, Facts(Green) with { Labels = ["benign"], Confidence = 10 }).Code);
    }

    [Fact]
    public void A_rule_without_conditions_matches_everything()
    {
        SharingPolicy policy = PolicyWith(new EgressRule { Effect = EgressEffect.Deny });
        Assert.Equal("denied: egress rule #1 of partner fr-cert (deny everything)", DecideFor(policy, Facts(Clear)).Reason);
    }

    [Fact]
    public void Rules_apply_to_partners_only()
    {
        SharingPolicy policy = PolicyWith(new EgressRule { Effect = EgressEffect.Deny });
        Assert.Equal(PolicyCode.LocalUser, policy.Decide(policy.LocalUser("alice", LocalRole.Analyst), Facts(Clear)).Code);
        Assert.Equal(PolicyCode.TlpClear, policy.Decide(policy.Principal("public-feed"), Facts(Clear)).Code);
    }
}
