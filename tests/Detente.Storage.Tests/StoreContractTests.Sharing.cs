using Detente.Stix.Schema;

namespace Detente.Storage.Tests;

public abstract partial class StoreContractTests
{
    private const string FrIdentity = "identity--00000000-0000-4000-8000-0000000000f1";
    private const string RuIdentity = "identity--00000000-0000-4000-8000-0000000000f2";
    private const string Elections = "marking-definition--7f1b0a52-4c2e-4f7a-9d3e-0e0a5c1e0001";

    // RFC 8032 §7.1 test 1 and test 2 public keys.
    private static readonly byte[] s_key1 = Convert.FromHexString("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
    private static readonly byte[] s_key2 = Convert.FromHexString("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c");

    private static PartnerRecord Fr => new() { Name = "fr-cert", Identity = FrIdentity, VerificationKey = s_key1, Url = new Uri("https://fr.example/taxii2/") };

    private static PartnerRecord Ru => new() { Name = "ru-cert", Identity = RuIdentity, VerificationKey = s_key2 };

    [Fact]
    public async Task Partners_are_added_listed_and_kept_across_a_reopen()
    {
        Assert.Equal(SharingChange.Changed, await Store.AddPartnerAsync(Ru, Ct));
        Assert.Equal(SharingChange.Changed, await Store.AddPartnerAsync(Fr, Ct));

        await ReopenAsync();

        IReadOnlyList<PartnerRecord> partners = await Store.ListPartnersAsync(Ct);
        Assert.Equal(["fr-cert", "ru-cert"], partners.Select(p => p.Name));
        Assert.Equal(FrIdentity, partners[0].Identity);
        Assert.Equal(s_key1, partners[0].VerificationKey.ToArray());
        Assert.Equal(new Uri("https://fr.example/taxii2/"), partners[0].Url);
        Assert.Null(partners[1].Url);
    }

    [Fact]
    public async Task A_partner_name_or_identity_is_taken_once()
    {
        await Store.AddPartnerAsync(Fr, Ct);
        long version = await Store.GetSharingVersionAsync(Ct);

        Assert.Equal(SharingChange.AlreadyExists, await Store.AddPartnerAsync(Fr with { Identity = RuIdentity }, Ct));
        Assert.Equal(SharingChange.AlreadyExists, await Store.AddPartnerAsync(Ru with { Identity = FrIdentity }, Ct));
        Assert.Single(await Store.ListPartnersAsync(Ct));
        Assert.Equal(version, await Store.GetSharingVersionAsync(Ct));
    }

    [Theory]
    [InlineData("FR-CERT", FrIdentity, "url")]
    [InlineData("-fr", FrIdentity, "url")]
    [InlineData("fr-cert", "indicator--00000000-0000-4000-8000-0000000000f1", "url")]
    [InlineData("fr-cert", FrIdentity, "key")]
    [InlineData("fr-cert", FrIdentity, "ftp")]
    public async Task A_bad_partner_is_refused_and_changes_nothing(string name, string identity, string broken)
    {
        PartnerRecord partner = new()
        {
            Name = name,
            Identity = identity,
            VerificationKey = broken == "key" ? new byte[31] : s_key1,
            Url = new Uri(broken == "ftp" ? "ftp://fr.example/" : "https://fr.example/"),
        };

        await Assert.ThrowsAsync<ArgumentException>(() => Store.AddPartnerAsync(partner, Ct));
        Assert.Empty(await Store.ListPartnersAsync(Ct));
    }

    [Fact]
    public async Task Sharing_groups_hold_partners_and_removing_a_partner_removes_its_memberships()
    {
        Guid collection = await NewCollectionAsync();
        await Store.AddPartnerAsync(Fr, Ct);
        await Store.AddPartnerAsync(Ru, Ct);
        Assert.Equal(SharingChange.Changed, await Store.AddSharingGroupAsync("g-elections", Elections, Ct));
        Assert.Equal(SharingChange.Changed, await Store.SetGroupMemberAsync("g-elections", "ru-cert", true, Ct));
        Assert.Equal(SharingChange.Changed, await Store.SetGroupMemberAsync("g-elections", "fr-cert", true, Ct));
        Assert.Equal(SharingChange.Unchanged, await Store.SetGroupMemberAsync("g-elections", "fr-cert", true, Ct));
        Assert.Equal(SharingChange.Changed, await Store.SetCollectionPartnerAsync(collection, "ru-cert", true, Ct));

        SharingGroupRecord group = Assert.Single(await Store.ListSharingGroupsAsync(Ct));
        Assert.Equal(("g-elections", Elections), (group.Name, group.MarkingDefinitionId));
        Assert.Equal(["fr-cert", "ru-cert"], group.Members);

        Assert.True(await Store.RemovePartnerAsync("ru-cert", Ct));
        Assert.False(await Store.RemovePartnerAsync("ru-cert", Ct));
        Assert.Equal(["fr-cert"], Assert.Single(await Store.ListSharingGroupsAsync(Ct)).Members);
        Assert.Empty(Assert.Single((await Store.GetSharingConfigurationAsync(Ct)).Collections, c => c.CollectionId == collection).Partners);
    }

    [Fact]
    public async Task Membership_changes_name_what_is_missing()
    {
        Guid collection = await NewCollectionAsync();
        await Store.AddPartnerAsync(Fr, Ct);
        await Store.AddSharingGroupAsync("g-elections", Elections, Ct);

        Assert.Equal(SharingChange.GroupNotFound, await Store.SetGroupMemberAsync("g-finance", "fr-cert", true, Ct));
        Assert.Equal(SharingChange.PartnerNotFound, await Store.SetGroupMemberAsync("g-elections", "us-cert", true, Ct));
        Assert.Equal(SharingChange.Unchanged, await Store.SetGroupMemberAsync("g-elections", "fr-cert", false, Ct));
        Assert.Equal(SharingChange.CollectionNotFound, await Store.SetCollectionPartnerAsync(Guid.NewGuid(), "fr-cert", true, Ct));
        Assert.Equal(SharingChange.PartnerNotFound, await Store.SetCollectionPartnerAsync(collection, "us-cert", true, Ct));
        Assert.Equal(SharingChange.AlreadyExists, await Store.AddSharingGroupAsync("g-elections", "marking-definition--7f1b0a52-4c2e-4f7a-9d3e-0e0a5c1e0002", Ct));
        Assert.Equal(SharingChange.AlreadyExists, await Store.AddSharingGroupAsync("g-other", Elections, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.AddSharingGroupAsync("g-tlp", TlpMarkings.Tlp2Red, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.AddSharingGroupAsync("G", Elections, Ct));
        Assert.True(await Store.RemoveSharingGroupAsync("g-elections", Ct));
        Assert.False(await Store.RemoveSharingGroupAsync("g-elections", Ct));
        Assert.Empty(await Store.ListSharingGroupsAsync(Ct));
    }

    [Fact]
    public async Task Every_sharing_change_moves_the_version_and_the_configuration_reads_it_all()
    {
        Guid collection = await NewCollectionAsync();
        var versions = new List<long> { await Store.GetSharingVersionAsync(Ct) };
        await Store.AddPartnerAsync(Fr, Ct);
        versions.Add(await Store.GetSharingVersionAsync(Ct));
        await Store.AddSharingGroupAsync("g-elections", Elections, Ct);
        versions.Add(await Store.GetSharingVersionAsync(Ct));
        await Store.SetGroupMemberAsync("g-elections", "fr-cert", true, Ct);
        versions.Add(await Store.GetSharingVersionAsync(Ct));
        await Store.SetCollectionPartnerAsync(collection, "fr-cert", true, Ct);
        versions.Add(await Store.GetSharingVersionAsync(Ct));
        Assert.Equal(SharingChange.Changed, await Store.SetDefaultMarkingAsync(collection, TlpMarkings.Tlp2Green, Ct));
        versions.Add(await Store.GetSharingVersionAsync(Ct));
        Assert.Equal(SharingChange.Unchanged, await Store.SetDefaultMarkingAsync(collection, TlpMarkings.Tlp2Green, Ct));
        Assert.Equal(SharingChange.CollectionNotFound, await Store.SetDefaultMarkingAsync(Guid.NewGuid(), TlpMarkings.Tlp2Green, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.SetDefaultMarkingAsync(collection, "TLP:GREEN", Ct));

        Assert.Equal(versions.Order(), versions);
        Assert.Equal(versions.Count, versions.Distinct().Count());
        SharingConfiguration configuration = await Store.GetSharingConfigurationAsync(Ct);
        Assert.Equal(versions[^1], configuration.Version);
        Assert.Equal("fr-cert", Assert.Single(configuration.Partners).Name);
        Assert.Equal(["fr-cert"], Assert.Single(configuration.SharingGroups).Members);
        CollectionSharingRecord sharing = Assert.Single(configuration.Collections, c => c.CollectionId == collection);
        Assert.Equal(TlpMarkings.Tlp2Green, sharing.DefaultMarkingId);
        Assert.Equal(["fr-cert"], sharing.Partners);
        Assert.Equal(TlpMarkings.Tlp2Green, (await Store.GetCollectionAsync(collection, Ct))!.DefaultMarkingId);
    }

    [Fact]
    public async Task Facts_given_with_an_object_are_returned_with_it()
    {
        Guid collection = await NewCollectionAsync();
        ObjectToAdd with = TestObjects.Version(TestObjects.NewId(), TestObjects.At(1)) with { Facts = new byte[] { 1, 2, 3 } };
        ObjectToAdd without = TestObjects.Version(TestObjects.NewId(), TestObjects.At(2));
        await Store.AddObjectsAsync(collection, [with, without], Ct);

        List<StoredObject> all = await ReadAllAsync(collection);
        Assert.Equal([1, 2, 3], all[0].Facts.ToArray());
        Assert.True(all[1].Facts.IsEmpty);
    }

    [Fact]
    public async Task Versions_stored_without_facts_get_them_once()
    {
        Guid collection = await NewCollectionAsync();
        Guid other = await NewCollectionAsync();
        ObjectToAdd[] versions = [.. Enumerable.Range(1, 1200).Select(i => TestObjects.Version(TestObjects.NewId(), TestObjects.At(i)))];
        await Store.AddObjectsAsync(collection, versions, Ct);
        await Store.AddObjectsAsync(other, [TestObjects.Version(TestObjects.NewId(), TestObjects.At(1)) with { Facts = new byte[] { 9 } }], Ct);

        int filled = await Store.FillMissingFactsAsync(json => [(byte)json.Length, 7], Ct);

        Assert.Equal(1200, filled);
        List<StoredObject> all = await ReadAllAsync(collection);
        Assert.All(all, o => Assert.Equal(new byte[] { (byte)o.Json.Length, 7 }, o.Facts.ToArray()));
        Assert.Equal([9], Assert.Single(await ReadAllAsync(other)).Facts.ToArray());
        Assert.Equal(0, await Store.FillMissingFactsAsync(static _ => throw new InvalidOperationException("nothing is left to compute"), Ct));
    }

    [Fact]
    public void Facts_longer_than_the_limit_are_refused() =>
        Assert.Throws<ArgumentException>(() => TestObjects.Version(TestObjects.NewId(), TestObjects.At(1)) with { Facts = new byte[ObjectToAdd.MaxFactsLength + 1] });

    // RFC 8032 §7.1 test 3 public key.
    private static readonly byte[] s_key3 = Convert.FromHexString("fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025");

    [Fact]
    public async Task A_partner_starts_with_the_key_it_was_registered_with_and_gains_more()
    {
        await Store.AddPartnerAsync(Fr, Ct);
        DateTimeOffset registered = Clock.GetUtcNow();
        Clock.Advance(TimeSpan.FromMinutes(1));
        long version = await Store.GetSharingVersionAsync(Ct);
        DateTimeOffset end = Clock.GetUtcNow().AddDays(30);

        Assert.Equal(SharingChange.Changed, await Store.AddPartnerKeyAsync("fr-cert", s_key3, end, Ct));
        Assert.True(await Store.GetSharingVersionAsync(Ct) > version);
        await ReopenAsync();

        PartnerRecord fr = Assert.Single(await Store.ListPartnersAsync(Ct));
        Assert.Equal(s_key1, fr.VerificationKey.ToArray());
        Assert.Equal(2, fr.Keys.Count);
        Assert.Equal(s_key1, fr.Keys[0].PublicKey.ToArray());
        Assert.Equal((registered, (DateTimeOffset?)null, (DateTimeOffset?)null), (fr.Keys[0].Added!.Value, fr.Keys[0].NotAfter, fr.Keys[0].Revoked));
        Assert.Equal(s_key3, fr.Keys[1].PublicKey.ToArray());
        Assert.Equal(end, fr.Keys[1].NotAfter);
        Assert.True(fr.Keys[1].IsValidAt(end.AddTicks(-10)));
        Assert.False(fr.Keys[1].IsValidAt(end));
    }

    [Fact]
    public async Task A_key_belongs_to_one_partner_once_and_bad_keys_are_refused()
    {
        await Store.AddPartnerAsync(Fr, Ct);
        await Store.AddPartnerAsync(Ru, Ct);
        long version = await Store.GetSharingVersionAsync(Ct);

        Assert.Equal(SharingChange.AlreadyExists, await Store.AddPartnerKeyAsync("fr-cert", s_key1, null, Ct));
        Assert.Equal(SharingChange.AlreadyExists, await Store.AddPartnerKeyAsync("fr-cert", s_key2, null, Ct));
        Assert.Equal(SharingChange.PartnerNotFound, await Store.AddPartnerKeyAsync("de-cert", s_key3, null, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.AddPartnerKeyAsync("fr-cert", new byte[32], null, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.AddPartnerKeyAsync("fr-cert", s_key3.AsMemory(1), null, Ct));
        // A new partner cannot be registered with another partner's key.
        Assert.Equal(SharingChange.AlreadyExists, await Store.AddPartnerAsync(new PartnerRecord { Name = "de-cert", Identity = "identity--00000000-0000-4000-8000-0000000000f3", VerificationKey = s_key2 }, Ct));

        Assert.Equal(version, await Store.GetSharingVersionAsync(Ct));
        Assert.All(await Store.ListPartnersAsync(Ct), p => Assert.Single(p.Keys));
    }

    [Fact]
    public async Task A_revoked_key_stays_listed_is_not_taken_back_and_the_last_key_cannot_be_revoked()
    {
        await Store.AddPartnerAsync(Fr, Ct);
        Assert.Equal(SharingChange.LastKey, await Store.RevokePartnerKeyAsync("fr-cert", s_key1, Ct));
        await Store.AddPartnerKeyAsync("fr-cert", s_key3, null, Ct);
        Clock.Advance(TimeSpan.FromHours(1));
        DateTimeOffset revokedAt = Clock.GetUtcNow();

        Assert.Equal(SharingChange.Changed, await Store.RevokePartnerKeyAsync("fr-cert", s_key1, Ct));
        Assert.Equal(SharingChange.Unchanged, await Store.RevokePartnerKeyAsync("fr-cert", s_key1, Ct));
        Assert.Equal(SharingChange.LastKey, await Store.RevokePartnerKeyAsync("fr-cert", s_key3, Ct));
        Assert.Equal(SharingChange.KeyNotFound, await Store.RevokePartnerKeyAsync("fr-cert", s_key2, Ct));
        Assert.Equal(SharingChange.PartnerNotFound, await Store.RevokePartnerKeyAsync("de-cert", s_key1, Ct));
        Assert.Equal(SharingChange.AlreadyExists, await Store.AddPartnerKeyAsync("fr-cert", s_key1, null, Ct));

        PartnerRecord fr = Assert.Single(await Store.ListPartnersAsync(Ct));
        Assert.Equal(revokedAt, fr.Keys[0].Revoked);
        Assert.False(fr.Keys[0].IsValidAt(revokedAt));
        Assert.Null(fr.Keys[1].Revoked);
    }

    [Fact]
    public async Task Delegated_identities_are_kept_per_partner_and_go_with_it()
    {
        const string Team = "identity--00000000-0000-4000-8000-0000000000a1";
        await Store.AddPartnerAsync(Fr, Ct);
        Assert.Equal(SharingChange.Changed, await Store.SetPartnerDelegationAsync("fr-cert", Team, true, Ct));
        Assert.Equal(SharingChange.Unchanged, await Store.SetPartnerDelegationAsync("fr-cert", Team, true, Ct));
        Assert.Equal(SharingChange.Changed, await Store.SetPartnerDelegationAsync("fr-cert", RuIdentity, true, Ct));
        Assert.Equal(SharingChange.PartnerNotFound, await Store.SetPartnerDelegationAsync("de-cert", Team, true, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.SetPartnerDelegationAsync("fr-cert", FrIdentity, true, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.SetPartnerDelegationAsync("fr-cert", "indicator--00000000-0000-4000-8000-0000000000a1", true, Ct));
        await ReopenAsync();
        Assert.Equal([Team, RuIdentity], (await Store.ListPartnersAsync(Ct))[0].DelegatedIdentities);

        Assert.Equal(SharingChange.Changed, await Store.SetPartnerDelegationAsync("fr-cert", RuIdentity, false, Ct));
        Assert.Equal(SharingChange.Unchanged, await Store.SetPartnerDelegationAsync("fr-cert", RuIdentity, false, Ct));
        Assert.Equal([Team], (await Store.ListPartnersAsync(Ct))[0].DelegatedIdentities);

        Assert.True(await Store.RemovePartnerAsync("fr-cert", Ct));
        Assert.Equal(SharingChange.Changed, await Store.AddPartnerAsync(Fr, Ct));
        PartnerRecord again = Assert.Single(await Store.ListPartnersAsync(Ct));
        Assert.Empty(again.DelegatedIdentities);
        Assert.Single(again.Keys);
    }
}

public abstract partial class StoreContractTests
{
    [Fact]
    public async Task Partner_rules_are_numbered_in_order_kept_across_a_reopen_and_removed_by_number()
    {
        await Store.AddPartnerAsync(Fr, Ct);
        await Store.AddPartnerAsync(Ru, Ct);
        Guid collection = await NewCollectionAsync();
        var full = new PartnerRuleRecord
        {
            Partner = "fr-cert",
            Allow = true,
            ObjectTypes = ["indicator", "malware"],
            Labels = ["malicious-activity", "with space, comma \"quote\""],
            Collections = [collection],
            MinConfidence = 10,
            MaxConfidence = 90,
            MinAge = TimeSpan.FromHours(1),
            MaxAge = TimeSpan.FromDays(30),
        };
        var deny = new PartnerRuleRecord { Partner = "fr-cert", Allow = false, ObjectTypes = ["identity"] };
        long version = await Store.GetSharingVersionAsync(Ct);
        Assert.Equal(SharingChange.Changed, await Store.AddPartnerRuleAsync(full, Ct));
        Assert.Equal(SharingChange.Changed, await Store.AddPartnerRuleAsync(deny, Ct));
        Assert.Equal(SharingChange.Changed, await Store.AddPartnerRuleAsync(new PartnerRuleRecord { Partner = "ru-cert", Allow = false }, Ct));
        Assert.True(await Store.GetSharingVersionAsync(Ct) > version);

        await ReopenAsync();

        IReadOnlyList<PartnerRuleRecord> rules = await Store.ListPartnerRulesAsync("fr-cert", Ct);
        Assert.Equal(2, rules.Count);
        Assert.Equal(full with { ObjectTypes = [], Labels = [], Collections = [] }, rules[0] with { ObjectTypes = [], Labels = [], Collections = [] });
        Assert.Equal(full.ObjectTypes, rules[0].ObjectTypes);
        Assert.Equal(full.Labels, rules[0].Labels);
        Assert.Equal(full.Collections, rules[0].Collections);
        Assert.Equal(["identity"], rules[1].ObjectTypes);
        Assert.False(rules[1].Allow);
        SharingConfiguration configuration = await Store.GetSharingConfigurationAsync(Ct);
        Assert.Equal(["fr-cert", "fr-cert", "ru-cert"], configuration.PartnerRules.Select(r => r.Partner));

        // Removing rule 1 makes the deny rule number 1; an unknown number or partner removes nothing.
        Assert.False(await Store.RemovePartnerRuleAsync("fr-cert", 3, Ct));
        Assert.False(await Store.RemovePartnerRuleAsync("fr-cert", 0, Ct));
        Assert.False(await Store.RemovePartnerRuleAsync("nobody", 1, Ct));
        Assert.True(await Store.RemovePartnerRuleAsync("fr-cert", 1, Ct));
        Assert.Equal(["identity"], Assert.Single(await Store.ListPartnerRulesAsync("fr-cert", Ct)).ObjectTypes);

        // A partner's rules go with it.
        Assert.True(await Store.RemovePartnerAsync("ru-cert", Ct));
        Assert.Empty(await Store.ListPartnerRulesAsync("ru-cert", Ct));
    }

    [Fact]
    public async Task Bad_partner_rules_are_refused_and_change_nothing()
    {
        await Store.AddPartnerAsync(Fr, Ct);
        long version = await Store.GetSharingVersionAsync(Ct);
        Assert.Equal(SharingChange.PartnerNotFound, await Store.AddPartnerRuleAsync(new PartnerRuleRecord { Partner = "nobody", Allow = true }, Ct));
        PartnerRuleRecord[] bad =
        [
            new() { Partner = "Fr", Allow = true },
            new() { Partner = "fr-cert", Allow = true, ObjectTypes = ["Not A Type"] },
            new() { Partner = "fr-cert", Allow = true, Labels = [""] },
            new() { Partner = "fr-cert", Allow = true, Labels = ["a\nb"] },
            new() { Partner = "fr-cert", Allow = true, MinConfidence = 101 },
            new() { Partner = "fr-cert", Allow = true, MinConfidence = 60, MaxConfidence = 50 },
            new() { Partner = "fr-cert", Allow = true, MaxAge = TimeSpan.FromSeconds(-1) },
            new() { Partner = "fr-cert", Allow = true, MaxAge = TimeSpan.FromMilliseconds(1500) },
            new() { Partner = "fr-cert", Allow = true, MinAge = TimeSpan.FromDays(2), MaxAge = TimeSpan.FromDays(1) },
            new() { Partner = "fr-cert", Allow = true, ObjectTypes = [.. Enumerable.Repeat("indicator", PartnerRuleRecord.MaxValues + 1)] },
        ];
        foreach (PartnerRuleRecord rule in bad)
        {
            await Assert.ThrowsAsync<ArgumentException>(() => Store.AddPartnerRuleAsync(rule, Ct));
        }

        Assert.Empty(await Store.ListPartnerRulesAsync("fr-cert", Ct));
        Assert.Equal(version, await Store.GetSharingVersionAsync(Ct));
    }

    [Fact]
    public async Task Redaction_paths_are_added_once_listed_and_removed()
    {
        long version = await Store.GetSharingVersionAsync(Ct);
        Assert.Equal(SharingChange.Changed, await Store.AddRedactionPathAsync("external_references.url", Ct));
        Assert.Equal(SharingChange.Changed, await Store.AddRedactionPathAsync("description", Ct));
        Assert.Equal(SharingChange.AlreadyExists, await Store.AddRedactionPathAsync("description", Ct));
        Assert.True(await Store.GetSharingVersionAsync(Ct) > version);

        await ReopenAsync();

        Assert.Equal(["description", "external_references.url"], await Store.ListRedactionPathsAsync(Ct));
        Assert.Equal(["description", "external_references.url"], (await Store.GetSharingConfigurationAsync(Ct)).RedactionPaths);
        foreach (string bad in (string[])["", "id", "granular_markings.selectors", "external_references.0.url", "a..b", "bad path", new string('x', 251)])
        {
            await Assert.ThrowsAsync<ArgumentException>(() => Store.AddRedactionPathAsync(bad, Ct));
        }

        Assert.True(await Store.RemoveRedactionPathAsync("description", Ct));
        Assert.False(await Store.RemoveRedactionPathAsync("description", Ct));
        Assert.Equal(["external_references.url"], await Store.ListRedactionPathsAsync(Ct));
    }
}

public abstract partial class StoreContractTests
{
    private const string CopyrightMarking = "marking-definition--7f1b0a52-4c2e-4f7a-9d3e-0e0a5c1e0003";
    private const string TermsMarking = "marking-definition--7f1b0a52-4c2e-4f7a-9d3e-0e0a5c1e0005";

    [Fact]
    public async Task Neutral_markings_are_added_once_listed_in_the_sharing_snapshot_and_removed()
    {
        long version = await Store.GetSharingVersionAsync(Ct);
        Assert.Equal(SharingChange.Changed, await Store.AddNeutralMarkingAsync(TermsMarking, Ct));
        Assert.Equal(SharingChange.Changed, await Store.AddNeutralMarkingAsync(CopyrightMarking, Ct));
        Assert.Equal(SharingChange.AlreadyExists, await Store.AddNeutralMarkingAsync(CopyrightMarking, Ct));
        long added = await Store.GetSharingVersionAsync(Ct);
        Assert.True(added > version);

        await ReopenAsync();

        Assert.Equal([CopyrightMarking, TermsMarking], await Store.ListNeutralMarkingsAsync(Ct));
        Assert.Equal([CopyrightMarking, TermsMarking], (await Store.GetSharingConfigurationAsync(Ct)).NeutralMarkings);
        foreach (string bad in (string[])["", "indicator--7f1b0a52-4c2e-4f7a-9d3e-0e0a5c1e0003", "marking-definition--nope",
            TlpMarkings.Tlp2Clear, TlpMarkings.Tlp2Red, TlpMarkings.Tlp1White,
            TlpMarkings.Tlp1Amber])
        {
            ArgumentException e = await Assert.ThrowsAsync<ArgumentException>(() => Store.AddNeutralMarkingAsync(bad, Ct));
            Assert.False(string.IsNullOrEmpty(e.Message));
        }

        Assert.Equal(added, await Store.GetSharingVersionAsync(Ct)); // refusals change nothing
        Assert.True(await Store.RemoveNeutralMarkingAsync(TermsMarking, Ct));
        Assert.False(await Store.RemoveNeutralMarkingAsync(TermsMarking, Ct));
        Assert.Equal([CopyrightMarking], await Store.ListNeutralMarkingsAsync(Ct));
        Assert.True(await Store.GetSharingVersionAsync(Ct) > added);
    }
}
