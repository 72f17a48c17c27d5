using static Detente.Policy.Tests.Fixture;

namespace Detente.Policy.Tests;

/// <summary>
/// TLP obligations of objects created by a partner (issue 7, forwarding): generated over every creator × TLP level ×
/// object-level or granular placement × reader kind, each decision compared with an oracle written from the rules.
/// </summary>
public sealed class ReceivedObjectTests
{
    private const string LocalCreator = "identity--00000000-0000-4000-8000-000000000099"; // not a partner: this node's own

    private static readonly (string Name, TlpLevel Level, string Marking)[] s_levels =
    [
        ("clear", TlpLevel.Clear, Clear), ("green", TlpLevel.Green, Green), ("amber", TlpLevel.Amber, Amber),
        ("amber-strict", TlpLevel.AmberStrict, AmberStrict), ("red", TlpLevel.Red, Red),
    ];

    private enum Reader { Local, FrCert, RuCert, DeCert, UsCert, Guest, Federation }

    [Fact]
    public void Amber_created_by_a_partner_goes_back_to_it_and_to_no_other_organization_across_every_level_and_reader()
    {
        SharingPolicy policy = Fixture.Policy;
        int checkedCount = 0;
        foreach (string? creatorPartner in new string?[] { null, "fr-cert", "ru-cert", "us-cert" })
        {
            string creator = creatorPartner is null ? LocalCreator : IdentityOf(Array.IndexOf(PartnerNames, creatorPartner) + 1);
            foreach ((string name, TlpLevel level, string marking) in s_levels)
            {
                foreach (bool granular in new[] { false, true })
                {
                    ObjectFacts facts = granular
                        ? Facts(Clear) with { CreatedByRef = creator, GranularMarkings = [new GranularMarking(marking, ["description"])] }
                        : Facts(marking) with { CreatedByRef = creator };
                    foreach (Reader kind in Enum.GetValues<Reader>())
                    {
                        PolicyPrincipal reader = kind switch
                        {
                            Reader.Local => policy.LocalUser("alice", LocalRole.Analyst),
                            Reader.FrCert => policy.Principal("fr-cert"),
                            Reader.RuCert => policy.Principal("ru-cert"),
                            Reader.DeCert => policy.Principal("de-cert"),
                            Reader.UsCert => policy.Principal("us-cert"),
                            Reader.Guest => policy.Principal("stranger"),
                            _ => policy.Federation,
                        };
                        PolicyDecision decision = policy.Decide(reader, facts);
                        bool may = May(kind, level, creatorPartner);
                        string what = $"{name} by {creatorPartner ?? "this node"}, {(granular ? "granular" : "object")}, {kind}";
                        if (granular)
                        {
                            // The object is CLEAR: a part beyond the reader is redacted (the description is redactable).
                            Assert.True((may ? PolicyOutcome.Allow : PolicyOutcome.AllowWithRedaction) == decision.Outcome, what);
                        }
                        else
                        {
                            Assert.True(may == decision.IsAllowed, what);
                            bool received = !may && level == TlpLevel.Amber && creatorPartner is not null && kind is not (Reader.Guest or Reader.Federation)
                                && !string.Equals(creatorPartner, Name(kind), StringComparison.Ordinal) && kind is Reader.FrCert or Reader.RuCert or Reader.DeCert or Reader.UsCert;
                            Assert.True(received == (decision.Code == PolicyCode.ReceivedNotPassedOn), what + ": " + decision.Reason);
                            if (received)
                            {
                                Assert.Equal("deny.received-not-passed-on", decision.CodeName);
                                Assert.Equal($"denied: TLP:AMBER received from partner {creatorPartner} is not passed on to another organization (partner {Name(kind)})",
                                    decision.Reason);
                            }
                        }

                        checkedCount++;
                    }
                }
            }
        }

        Assert.Equal(4 * 5 * 2 * 7, checkedCount);
    }

    private static string? Name(Reader kind) => kind switch
    {
        Reader.FrCert => "fr-cert",
        Reader.RuCert => "ru-cert",
        Reader.DeCert => "de-cert",
        Reader.UsCert => "us-cert",
        _ => null,
    };

    /// <summary>The rules, written out: may <paramref name="kind"/> read an object of <paramref name="level"/> created by
    /// <paramref name="creatorPartner"/> (null: this node) in the fixture's shared collection (partners fr-cert, ru-cert)?</summary>
    private static bool May(Reader kind, TlpLevel level, string? creatorPartner) => kind switch
    {
        Reader.Local => true,
        _ when level >= TlpLevel.AmberStrict => false, // RED never leaves; AMBER+STRICT never goes to a partner
        Reader.Guest => level == TlpLevel.Clear,
        Reader.Federation => level <= TlpLevel.Green,
        _ when level <= TlpLevel.Green => true, // CLEAR to anyone, GREEN to the community
        // AMBER: the collection's partners, and never another organization than its creator when a partner created it.
        _ => (creatorPartner is null || creatorPartner == Name(kind)) && kind is Reader.FrCert or Reader.RuCert,
    };
}
