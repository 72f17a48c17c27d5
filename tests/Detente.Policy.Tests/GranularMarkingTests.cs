using System.Collections.Immutable;
using static Detente.Policy.Tests.Fixture;

namespace Detente.Policy.Tests;

public sealed class GranularMarkingTests
{
    private static readonly SharingPolicy s_policy = Fixture.Policy;

    private static ObjectFacts With(ObjectFacts facts, params (string Marking, string[] Selectors)[] markings) =>
        facts with { GranularMarkings = [.. markings.Select(static m => new GranularMarking(m.Marking, [.. m.Selectors]))] };

    [Fact]
    public void A_part_marked_beyond_the_reader_withholds_the_whole_object_without_a_redaction_rule()
    {
        ObjectFacts facts = With(Facts(Green), (Red, ["pattern"]));
        PolicyDecision decision = s_policy.Decide(s_policy.Principal("us-cert"), facts);
        Assert.Equal(PolicyOutcome.Deny, decision.Outcome);
        Assert.Equal("deny.granular-marking", decision.CodeName);
        Assert.Equal("denied: 'pattern' is marked TLP:RED beyond what partner us-cert may read, and no redaction rule covers it", decision.Reason);
    }

    [Fact]
    public void A_part_marked_beyond_the_reader_is_redacted_when_a_rule_covers_it()
    {
        ObjectFacts facts = With(Facts(Green), (Red, ["description", "external_references.[1].url"]));
        PolicyDecision decision = s_policy.Decide(s_policy.Principal("us-cert"), facts);
        Assert.Equal(PolicyOutcome.AllowWithRedaction, decision.Outcome);
        Assert.True(decision.IsAllowed);
        Assert.Equal("allow.redacted", decision.CodeName);
        Assert.Equal(["description", "external_references.[1].url"], decision.Redactions);
        Assert.Equal("allowed with redaction of description, external_references.[1].url (marked beyond what partner us-cert may read)",
            decision.Reason);
    }

    [Fact]
    public void One_uncovered_selector_withholds_the_object_even_when_others_are_covered()
    {
        ObjectFacts facts = With(Facts(Green), (Amber, ["description"]), (Red, ["name"]));
        PolicyDecision decision = s_policy.Decide(s_policy.Principal("us-cert"), facts);
        Assert.Equal(PolicyCode.GranularMarking, decision.Code);
        Assert.Contains("'name' is marked TLP:RED", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_part_the_reader_may_see_changes_nothing()
    {
        // ru-cert is a partner of the collection, so an AMBER part of a GREEN object is fine; RED parts reach local users.
        ObjectFacts facts = With(Facts(Green), (Amber, ["pattern"]), (Clear, ["name"]));
        Assert.Equal(PolicyCode.TlpGreen, s_policy.Decide(s_policy.Principal("ru-cert"), facts).Code);
        Assert.Equal(PolicyCode.LocalUser, s_policy.Decide(s_policy.LocalUser("alice", LocalRole.Reader), With(Facts(Green), (Red, ["pattern"]))).Code);

        // An export carries the object off the node, and its RED part may not go: withheld, as no rule covers 'pattern'.
        Assert.Equal("denied: 'pattern' is marked TLP:RED beyond what local user alice may read, and no redaction rule covers it",
            s_policy.Decide(s_policy.LocalUser("alice", LocalRole.Reader), With(Facts(Green), (Red, ["pattern"])), path: EgressPath.Export).Reason);
        Assert.Equal(["description"],
            s_policy.Decide(s_policy.LocalUser("alice", LocalRole.Reader), With(Facts(Green), (Red, ["description"])), path: EgressPath.Export).Redactions);
    }

    [Fact]
    public void A_less_restrictive_part_does_not_loosen_the_object()
    {
        ObjectFacts facts = With(Facts(Red), (Clear, ["name"]));
        Assert.Equal(PolicyCode.TlpRed, s_policy.Decide(s_policy.Principal("fr-cert"), facts).Code);
    }

    [Fact]
    public void A_sharing_group_on_a_part_narrows_that_part()
    {
        ObjectFacts facts = With(Facts(Green), (Finance, ["description"]), (Elections, ["pattern"]));
        PolicyDecision fr = s_policy.Decide(s_policy.Principal("fr-cert"), facts);
        Assert.Equal(PolicyCode.Redacted, fr.Code);
        Assert.Equal(["description"], fr.Redactions);

        PolicyDecision us = s_policy.Decide(s_policy.Principal("us-cert"), facts);
        Assert.Equal("denied: 'pattern' is marked for sharing group g-elections beyond what partner us-cert may read, and no redaction rule covers it",
            us.Reason);
        Assert.Equal(PolicyCode.TlpGreen, s_policy.Decide(s_policy.Principal("de-cert"), facts).Code);
    }

    [Fact]
    public void Unknown_and_lang_granular_markings()
    {
        // An unknown marking makes its part the collection default (AMBER here); lang markings restrict nothing.
        ObjectFacts unknown = With(Facts(Green), (Unknown, ["pattern"]));
        Assert.Equal(PolicyCode.GranularMarking, s_policy.Decide(s_policy.Principal("us-cert"), unknown).Code);
        Assert.Equal(PolicyCode.TlpGreen, s_policy.Decide(s_policy.Principal("ru-cert"), unknown).Code);
        ObjectFacts lang = Facts(Green) with { GranularMarkings = [new GranularMarking(null, ["description"])] };
        Assert.Equal(PolicyCode.TlpGreen, s_policy.Decide(s_policy.Principal("us-cert"), lang).Code);
        Assert.Equal(PolicyCode.TlpGreen, s_policy.Decide(s_policy.Principal("us-cert"), With(Facts(Green), (Copyright, ["pattern"]))).Code);
    }

    [Fact]
    public void Redaction_rules_cover_paths_at_or_below_them_whatever_the_indices()
    {
        ImmutableArray<string> covered = ["description", "external_references", "external_references.[0]", "external_references.[3].url"];
        foreach (string selector in covered)
        {
            Assert.Equal(PolicyCode.Redacted, s_policy.Decide(s_policy.Principal("us-cert"), With(Facts(Green), (Red, [selector]))).Code);
        }

        foreach (string selector in new[] { "descriptions", "name", "external", "kill_chain_phases.[0].phase_name" })
        {
            Assert.Equal(PolicyCode.GranularMarking, s_policy.Decide(s_policy.Principal("us-cert"), With(Facts(Green), (Red, [selector]))).Code);
        }
    }
}
