using CsCheck;
using Detente.Testing;
using static Detente.Policy.Tests.Fixture;
using static Detente.Policy.Tests.Generators;

namespace Detente.Policy.Tests;

/// <summary>Properties of the decision over random objects, readers, paths, collections and partner rules.</summary>
public sealed class DecisionProperties
{
    private const int Iterations = 500;

    private static readonly string[] s_nonTlpMarkings = [Elections, Finance, Copyright, Unknown];
    private static readonly string[] s_allMarkings =
        [Clear, Green, Amber, AmberStrict, Red, Tlp1White, Tlp1Red, Elections, Finance, Copyright, Unknown];
    private static readonly string[] s_selectors = ["description", "pattern", "labels.[0]", "external_references.[0].url", "name"];

    private static readonly Gen<GranularMarking> s_granular =
        Gen.Select(Pick(s_allMarkings), Subset(s_selectors), static (m, s) => new GranularMarking(m, [.. s]));

    private static Gen<ObjectFacts> FactsFrom(Gen<string[]> markings) => Gen.Select(
        markings, s_granular.Array[0, 2], Pick("indicator", "malware", "identity"), Subset("a", "b", "malicious-activity"),
        Gen.Int[-1, 100], Gen.Int[0, 100], Gen.Bool,
        static (refs, granular, type, labels, confidence, days, hasModified) => new ObjectFacts
        {
            Type = type,
            Id = type + "--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
            Created = Now.AddDays(-days - 1),
            Modified = hasModified ? Now.AddDays(-days) : null,
            Confidence = confidence < 0 ? null : confidence,
            Labels = [.. labels],
            ObjectMarkingRefs = [.. refs],
            GranularMarkings = [.. granular],
        });

    private static readonly Gen<ObjectFacts> s_facts = FactsFrom(Pick(s_allMarkings).Array[0, 3]);
    private static readonly Gen<ObjectFacts> s_factsWithoutTlp = FactsFrom(Pick(s_nonTlpMarkings).Array[0, 2]);

    private static readonly Gen<EgressRule> s_rule = Gen.Select(
        Gen.Bool, Subset("indicator", "malware"), Subset("a", "malicious-activity"), Subset(Shared, Internal),
        Gen.Int[-1, 100], Gen.Int[-1, 60], Gen.Bool,
        static (deny, types, labels, collections, confidence, days, upper) => new EgressRule
        {
            Effect = deny ? EgressEffect.Deny : EgressEffect.Allow,
            ObjectTypes = types,
            Labels = labels,
            Collections = collections,
            MinConfidence = confidence >= 0 && !upper ? confidence : null,
            MaxConfidence = confidence >= 0 && upper ? confidence : null,
            MinAge = days >= 0 && upper ? TimeSpan.FromDays(days) : null,
            MaxAge = days >= 0 && !upper ? TimeSpan.FromDays(days) : null,
        });

    private static readonly Gen<PolicySettings> s_settings = Gen.Select(s_rule.Array[0, 2].Array[4], Subset(PartnerNames),
        Subset(PartnerNames), Subset(PartnerNames), static (rules, elections, finance, collection) => Settings(n => rules[Array.IndexOf(PartnerNames, n)]) with
        {
            SharingGroups =
            [
                new SharingGroup { Name = "g-elections", MarkingDefinitionId = Elections, Members = elections },
                new SharingGroup { Name = "g-finance", MarkingDefinitionId = Finance, Members = finance },
            ],
            Collections = [new CollectionSharing { CollectionId = Shared, Partners = collection }, new CollectionSharing { CollectionId = Public, DefaultTlp = TlpLevel.Green }],
        });

    /// <summary>A reader (an index for <see cref="Reader"/>), a path, a collection, a read grant.</summary>
    private sealed record Context(int Reader, EgressPath Path, Guid Collection, bool CanRead);

    private static readonly Gen<Context> s_context = Gen.Select(Gen.Int[0, 8], Pick(Enum.GetValues<EgressPath>()), Pick(Shared, Internal, Public),
        Gen.Int[0, 4], static (reader, path, collection, grant) => new Context(reader, path, collection, grant > 0));

    private static PolicyPrincipal Reader(SharingPolicy policy, int index) => index switch
    {
        < 4 => policy.Principal(PartnerNames[index]),
        4 => policy.Principal("public-feed"),
        5 => policy.LocalUser("root", LocalRole.Admin),
        6 => policy.LocalUser("alice", LocalRole.Analyst),
        7 => policy.LocalUser("bob", LocalRole.Reader),
        _ => policy.Federation,
    };

    private static PolicyDecision Decide(SharingPolicy policy, Context context, ObjectFacts facts) =>
        policy.Decide(Reader(policy, context.Reader), facts, context.Collection, context.Path, context.CanRead);

    [Fact]
    public void The_decision_is_deterministic()
    {
        Property.ForAll(Gen.Select(s_settings, s_facts, s_context), static t =>
        {
            (PolicySettings settings, ObjectFacts facts, Context context) = t;
            SharingPolicy policy = Build(settings);
            SharingPolicy again = Build(settings);
            PolicyDecision first = Decide(policy, context, facts);
            Assert.Equal(first, Decide(policy, context, facts));
            PolicyDecision rebuilt = Decide(again, context, facts);
            Assert.Equal(first.Code, rebuilt.Code);
            Assert.Equal(first.Reason, rebuilt.Reason);
            Assert.Equal(first.Redactions, rebuilt.Redactions);
        }, Iterations);
    }

    [Fact]
    public void A_stricter_tlp_marking_never_allows_more_readers()
    {
        Property.ForAll(Gen.Select(s_settings, s_factsWithoutTlp, s_context, Gen.Int[0, 4], Gen.Int[0, 4]), static t =>
        {
            (PolicySettings settings, ObjectFacts facts, Context context, int a, int b) = t;
            SharingPolicy policy = Build(settings);
            var looser = (TlpLevel)Math.Min(a, b);
            var stricter = (TlpLevel)Math.Max(a, b);
            PolicyDecision strict = Decide(policy, context, facts with { ObjectMarkingRefs = [.. facts.ObjectMarkingRefs, Tlp.MarkingId(stricter)] });
            PolicyDecision loose = Decide(policy, context, facts with { ObjectMarkingRefs = [.. facts.ObjectMarkingRefs, Tlp.MarkingId(looser)] });
            Assert.True(!strict.IsAllowed || loose.IsAllowed, $"{stricter}: {strict.Reason}; {looser}: {loose.Reason}");
        }, Iterations);
    }

    [Fact]
    public void Adding_a_granular_marking_never_allows_more()
    {
        Property.ForAll(Gen.Select(s_settings, s_facts, s_context, s_granular), static t =>
        {
            (PolicySettings settings, ObjectFacts facts, Context context, GranularMarking granular) = t;
            SharingPolicy policy = Build(settings);
            bool before = Decide(policy, context, facts).IsAllowed;
            Assert.True(before || !Decide(policy, context, facts with { GranularMarkings = [.. facts.GranularMarkings, granular] }).IsAllowed);
        }, Iterations);
    }

    /// <remarks>The first sharing group of an AMBER object replaces the collection's partners as its audience (the
    /// issue's rule), so only a further group is a narrowing.</remarks>
    [Fact]
    public void Naming_a_further_sharing_group_never_allows_more()
    {
        Property.ForAll(Gen.Select(s_settings, s_facts, s_context, Gen.Bool), static t =>
        {
            (PolicySettings settings, ObjectFacts facts, Context context, bool electionsFirst) = t;
            SharingPolicy policy = Build(settings);
            ObjectFacts one = facts with { ObjectMarkingRefs = [.. facts.ObjectMarkingRefs, electionsFirst ? Elections : Finance] };
            ObjectFacts two = one with { ObjectMarkingRefs = [.. one.ObjectMarkingRefs, electionsFirst ? Finance : Elections] };
            Assert.True(Decide(policy, context, one).IsAllowed || !Decide(policy, context, two).IsAllowed);
        }, Iterations);
    }

    [Fact]
    public void Adding_a_deny_rule_never_allows_more()
    {
        Property.ForAll(Gen.Select(s_settings, s_facts, s_context, s_rule, Gen.Int[0, 3]), static t =>
        {
            (PolicySettings settings, ObjectFacts facts, Context context, EgressRule rule, int partner) = t;
            Partner[] partners = [.. settings.Partners];
            partners[partner] = partners[partner] with { EgressRules = [.. partners[partner].EgressRules, rule with { Effect = EgressEffect.Deny }] };
            PolicyDecision with = Decide(Build(settings with { Partners = partners }), context, facts);
            PolicyDecision without = Decide(Build(settings), context, facts);
            Assert.True(!with.IsAllowed || without.IsAllowed, $"with: {with.Reason}; without: {without.Reason}");
        }, Iterations);
    }

    [Fact]
    public void Removing_a_partner_from_a_group_or_a_collection_never_allows_more()
    {
        Property.ForAll(Gen.Select(s_settings, s_facts, s_context, Gen.Int[0, 2], Gen.Int[0, 3]), static t =>
        {
            (PolicySettings settings, ObjectFacts facts, Context context, int where, int partner) = t;
            string name = PartnerNames[partner];
            PolicySettings fewer = where switch
            {
                0 => settings with { SharingGroups = [settings.SharingGroups[0] with { Members = [.. settings.SharingGroups[0].Members.Where(m => m != name)] }, settings.SharingGroups[1]] },
                1 => settings with { SharingGroups = [settings.SharingGroups[0], settings.SharingGroups[1] with { Members = [.. settings.SharingGroups[1].Members.Where(m => m != name)] }] },
                _ => settings with { Collections = [settings.Collections[0] with { Partners = [.. settings.Collections[0].Partners.Where(m => m != name)] }, settings.Collections[1]] },
            };
            PolicyDecision after = Decide(Build(fewer), context, facts);
            PolicyDecision before = Decide(Build(settings), context, facts);
            Assert.True(!after.IsAllowed || before.IsAllowed, $"after: {after.Reason}; before: {before.Reason}");
        }, Iterations);
    }

    [Fact]
    public void Red_reaches_only_local_users_reading_on_the_node_and_amber_strict_no_partner()
    {
        Property.ForAll(Gen.Select(s_settings, s_facts, s_context), static t =>
        {
            (PolicySettings settings, ObjectFacts facts, Context context) = t;
            SharingPolicy policy = Build(settings);
            PolicyPrincipal reader = Reader(policy, context.Reader);
            PolicyDecision red = Decide(policy, context, facts with { ObjectMarkingRefs = [.. facts.ObjectMarkingRefs, Red] });
            Assert.True(!red.IsAllowed || reader.Kind == PrincipalKind.LocalUser && context.Path == EgressPath.TaxiiRead);
            PolicyDecision strict = Decide(policy, context, facts with { ObjectMarkingRefs = [.. facts.ObjectMarkingRefs, AmberStrict] });
            Assert.True(!strict.IsAllowed || reader.Kind == PrincipalKind.LocalUser);
        }, Iterations);
    }

    [Fact]
    public void A_version_outside_its_reach_is_denied_to_every_such_reader()
    {
        // The store skips a version for a reader outside its reach without asking the decision: the decision must deny
        // it, whatever the settings, the path, the collection (and its default level), the grant and the other markings.
        Property.ForAll(Gen.Select(s_settings, s_facts, s_context), static t =>
        {
            (PolicySettings settings, ObjectFacts facts, Context context) = t;
            SharingPolicy policy = Build(settings);
            PolicyPrincipal reader = Reader(policy, context.Reader);
            EgressReach reach = SharingPolicy.ReachOf(in facts);
            if (!SharingPolicy.MayReach(reach, reader))
            {
                PolicyDecision decision = Decide(policy, context, facts);
                Assert.False(decision.IsAllowed, $"{reach} {reader.Kind}: {decision.Reason}");
            }
        }, Iterations);
    }

    [Fact]
    public void The_reach_is_local_users_exactly_when_an_object_level_tlp_marking_is_red_or_amber_strict()
    {
        Property.ForAll(s_facts, static facts =>
        {
            bool strict = facts.ObjectMarkingRefs.Any(static m => m is Red or Tlp1Red or AmberStrict);
            Assert.Equal(strict ? EgressReach.LocalUsers : EgressReach.Any, SharingPolicy.ReachOf(in facts));
        }, Iterations);
    }

    [Fact]
    public void Every_decision_has_a_code_and_a_reason_and_redactions_only_when_redacted()
    {
        Property.ForAll(Gen.Select(s_settings, s_facts, s_context), static t =>
        {
            (PolicySettings settings, ObjectFacts facts, Context context) = t;
            PolicyDecision decision = Decide(Build(settings), context, facts);
            Assert.StartsWith(decision.IsAllowed ? "allow" : "deny", decision.CodeName, StringComparison.Ordinal);
            Assert.StartsWith(decision.IsAllowed ? "allowed" : "denied", decision.Reason, StringComparison.Ordinal);
            Assert.Equal(decision.Outcome == PolicyOutcome.AllowWithRedaction, !decision.Redactions.IsEmpty);
        }, Iterations);
    }
}
