using System.Text;
using Detente.Node;
using Detente.Stix;
using Detente.Stix.Schema;
using Detente.Storage;
using Detente.Testing;

namespace Detente.Cli.Tests;

/// <summary><c>detente partner</c>, <c>detente group</c>, <c>detente collection partner|default-tlp</c> and <c>detente policy explain</c>.</summary>
public sealed class SharingCommandTests : IAsyncLifetime
{
    private const string FrIdentity = "identity--00000000-0000-4000-8000-0000000000f1";
    private const string RuIdentity = "identity--00000000-0000-4000-8000-0000000000f2";
    private const string FrKeyHex = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
    private const string RuKeyBase64Url = "PUAXw-hDiVqStwqnTRt-vJyYLM8uxJaMwM1V8Sr0Zgw";

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "detente-sharing-" + Guid.NewGuid().ToString("N"));
    private readonly ManualTimeProvider _clock = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private Guid _collection;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        NodeDataFolder.Open(_folder);
        await using IStore store = await NodeAdmin.OpenStoreAsync(_folder, null, _clock, cancellationToken: Ct);
        _collection = (await NodeBootstrap.EnsureAsync(store, _clock, Ct)).DefaultCollectionId!.Value;
    }

    public ValueTask DisposeAsync()
    {
        Directory.Delete(_folder, true);
        return ValueTask.CompletedTask;
    }

    private async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exit = await new DetenteCli(new MemoryStream(), output, error, _clock).RunAsync([.. args, "--data", _folder], Ct);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task A_partner_may_be_added_refusing_redacted_versions_and_the_switch_changes_later()
    {
        (int added, string addOut, _) = await RunAsync("partner", "add", "fr-cert", "--identity", FrIdentity, "--key", FrKeyHex, "--refuse-redacted");
        Assert.Equal(0, added);
        Assert.Contains("Versions it serves redacted are refused (missing-object).", addOut, StringComparison.Ordinal);
        Assert.Equal(0, (await RunAsync("partner", "add", "ru-cert", "--identity", RuIdentity, "--key", RuKeyBase64Url)).Exit);
        (_, string partners, _) = await RunAsync("partner", "list");
        Assert.Contains("\tREDACTED", partners.Split('\n')[0], StringComparison.Ordinal);
        Assert.EndsWith("\trefused", partners.Split('\n').Single(l => l.StartsWith("fr-cert\t", StringComparison.Ordinal)).TrimEnd(), StringComparison.Ordinal);
        Assert.EndsWith("\taccepted", partners.Split('\n').Single(l => l.StartsWith("ru-cert\t", StringComparison.Ordinal)).TrimEnd(), StringComparison.Ordinal);

        Assert.Equal(0, (await RunAsync("partner", "redacted", "accept", "fr-cert")).Exit);
        Assert.Equal(0, (await RunAsync("partner", "redacted", "refuse", "ru-cert")).Exit);
        (int missing, _, string noPartner) = await RunAsync("partner", "redacted", "refuse", "de-cert");
        Assert.Equal(1, missing);
        Assert.Contains("no partner de-cert", noPartner, StringComparison.Ordinal);
        await using IStore store = await NodeAdmin.OpenStoreAsync(_folder, null, _clock, cancellationToken: Ct);
        IReadOnlyList<PartnerRecord> stored = await store.ListPartnersAsync(Ct);
        Assert.False(stored.Single(p => p.Name == "fr-cert").RefuseRedacted);
        Assert.True(stored.Single(p => p.Name == "ru-cert").RefuseRedacted);
    }

    [Fact]
    public async Task Partners_and_groups_are_managed_and_listed()
    {
        Assert.Equal(0, (await RunAsync("partner", "add", "fr-cert", "--identity", FrIdentity, "--key", FrKeyHex, "--url", "https://fr.example/taxii2/")).Exit);
        Assert.Equal(0, (await RunAsync("partner", "add", "ru-cert", "--identity", RuIdentity, "--key", RuKeyBase64Url)).Exit);
        (int again, _, string taken) = await RunAsync("partner", "add", "fr-cert", "--identity", FrIdentity, "--key", FrKeyHex);
        Assert.Equal(1, again);
        Assert.Contains("exists", taken, StringComparison.Ordinal);
        Assert.Equal(2, (await RunAsync("partner", "add", "us-cert", "--identity", "identity--00000000-0000-4000-8000-0000000000f3", "--key", "00")).Exit);
        Assert.Equal(2, (await RunAsync("partner", "add", "US", "--identity", "identity--00000000-0000-4000-8000-0000000000f3", "--key", FrKeyHex)).Exit);

        (int created, string groupOut, _) = await RunAsync("group", "add", "g-elections");
        Assert.Equal(0, created);
        string marking = groupOut.Split("marking ")[1].Trim().TrimEnd('.');
        Assert.True(StixId.TryParse(marking, out StixId parsed) && parsed.Type == "marking-definition");
        Assert.Equal(0, (await RunAsync("group", "member", "add", "g-elections", "fr-cert")).Exit);
        Assert.Equal(1, (await RunAsync("group", "member", "add", "g-elections", "de-cert")).Exit);
        Assert.Equal(1, (await RunAsync("group", "member", "add", "g-finance", "fr-cert")).Exit);
        Assert.Equal(0, (await RunAsync("collection", "partner", "add", "default", "ru-cert")).Exit);
        Assert.Equal(0, (await RunAsync("collection", "default-tlp", "default", "green")).Exit);

        (_, string partners, _) = await RunAsync("partner", "list");
        Assert.Contains($"fr-cert\t{FrIdentity}\t{Detente.Stix.Signatures.StixVerificationKey.ComputeKeyId(Convert.FromHexString(FrKeyHex))}\thttps://fr.example/taxii2/\tg-elections",
            partners, StringComparison.Ordinal);
        Assert.Contains($"ru-cert\t{RuIdentity}\t", partners, StringComparison.Ordinal);
        (_, string groups, _) = await RunAsync("group", "list");
        Assert.Contains($"g-elections\t{marking}\tfr-cert", groups, StringComparison.Ordinal);

        await using (IStore store = await NodeAdmin.OpenStoreAsync(_folder, null, _clock, cancellationToken: Ct))
        {
            SharingConfiguration configuration = await store.GetSharingConfigurationAsync(Ct);
            CollectionSharingRecord sharing = Assert.Single(configuration.Collections);
            Assert.Equal(["ru-cert"], sharing.Partners);
            Assert.Equal(TlpMarkings.Tlp2Green, sharing.DefaultMarkingId);
        }

        Assert.Equal(0, (await RunAsync("partner", "remove", "fr-cert")).Exit);
        Assert.Equal(1, (await RunAsync("partner", "remove", "fr-cert")).Exit);
        Assert.Contains("g-elections\t" + marking + "\t-", (await RunAsync("group", "list")).Out, StringComparison.Ordinal);
        Assert.Equal(0, (await RunAsync("group", "remove", "g-elections")).Exit);
        Assert.DoesNotContain("g-elections", (await RunAsync("group", "list")).Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_prints_each_version_s_decision_and_exits_by_it()
    {
        await RunAsync("partner", "add", "fr-cert", "--identity", FrIdentity, "--key", FrKeyHex);
        await RunAsync("partner", "add", "ru-cert", "--identity", RuIdentity, "--key", RuKeyBase64Url);
        (_, string groupOut, _) = await RunAsync("group", "add", "g-elections");
        string marking = groupOut.Split("marking ")[1].Trim().TrimEnd('.');
        await RunAsync("group", "member", "add", "g-elections", "fr-cert");
        await RunAsync("collection", "grant", "default", "fr-cert", "--read");
        await RunAsync("collection", "grant", "default", "ru-cert", "--read");
        string red = StixId.NewRandom("indicator").ToString(), elections = StixId.NewRandom("indicator").ToString();
        await using (IStore store = await NodeAdmin.OpenStoreAsync(_folder, null, _clock, cancellationToken: Ct))
        {
            // Stored without facts, as before the store kept them: explain reads the JSON.
            await store.AddObjectsAsync(_collection,
            [
                Version(red, "2025-01-01T00:00:01.000Z", TlpMarkings.Tlp2Green),
                Version(red, "2025-01-01T00:00:02.000Z", TlpMarkings.Tlp2Red),
                Version(elections, "2025-01-01T00:00:01.000Z", TlpMarkings.Tlp2Green, marking),
            ], Ct);
        }

        (int exit, string output, _) = await RunAsync("policy", "explain", red, "--to", "ru-cert");
        Assert.Equal(1, exit); // the GREEN version would go out, but the latest version is RED: the whole object is withheld
        string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Contains("allow.tlp-green\tallowed: TLP:GREEN and partner ru-cert is a member of the federation "
            + "(withheld: the latest version is withheld, so the whole object is)", lines[0], StringComparison.Ordinal);
        Assert.Equal($"2025-01-01T00:00:02.000Z\tcollection {_collection:D}\tdeny.tlp-red\tdenied: TLP:RED never leaves", lines[1]);

        (int denied, string why, _) = await RunAsync("policy", "explain", elections, "--to", "ru-cert", "--collection", "default");
        Assert.Equal(1, denied);
        Assert.Contains("denied: partner ru-cert not in sharing group g-elections", why, StringComparison.Ordinal);
        Assert.Equal(0, (await RunAsync("policy", "explain", elections, "--to", "fr-cert")).Exit);

        // A local reader with a token reads on the node; an unknown principal is a guest without a grant.
        await RunAsync("token", "create", "--principal", "alice", "--role", "analyst");
        await RunAsync("collection", "grant", "default", "alice", "--read");
        Assert.Contains("allow.local-user", (await RunAsync("policy", "explain", red, "--to", "alice")).Out, StringComparison.Ordinal);
        Assert.Equal(0, (await RunAsync("policy", "explain", red, "--to", "alice")).Exit);
        Assert.Contains("deny.no-read-grant", (await RunAsync("policy", "explain", red, "--to", "nobody")).Out, StringComparison.Ordinal);
        Assert.Equal(1, (await RunAsync("policy", "explain", StixId.NewRandom("indicator").ToString(), "--to", "ru-cert")).Exit);
        Assert.Equal(2, (await RunAsync("policy", "explain", "not-an-id", "--to", "ru-cert")).Exit);
    }

    [Fact]
    public async Task Partner_rules_are_added_listed_removed_and_named_by_explain()
    {
        await RunAsync("partner", "add", "fr-cert", "--identity", FrIdentity, "--key", FrKeyHex);
        await RunAsync("collection", "grant", "default", "fr-cert", "--read");
        (int added, string addOut, _) = await RunAsync("partner", "rule", "add", "fr-cert", "--allow", "--type", "indicator", "--type", "malware",
            "--collection", "default", "--min-confidence", "10", "--max-age", "30d");
        Assert.Equal(0, added);
        Assert.Equal($"Rule #1 of partner fr-cert added: allow type in [indicator, malware], collection in [{_collection:D}], confidence >= 10, "
            + "age <= 30.00:00:00.\n", addOut.ReplaceLineEndings("\n"));
        Assert.Equal(0, (await RunAsync("partner", "rule", "add", "fr-cert", "--deny", "--label", "malicious-activity")).Exit);

        (int listed, string list, _) = await RunAsync("partner", "rule", "list", "fr-cert");
        Assert.Equal(0, listed);
        string[] rules = list.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, rules.Length);
        Assert.Equal("#2\tdeny label in [malicious-activity]", rules[1]);

        // Explain names the rule that decided.
        string labelled = StixId.NewRandom("indicator").ToString();
        await using (IStore store = await NodeAdmin.OpenStoreAsync(_folder, null, _clock, cancellationToken: Ct))
        {
            string json = $$"""
                {"type":"indicator","spec_version":"2.1","id":"{{labelled}}","created":"2025-12-31T00:00:00.000Z","modified":"2025-12-31T00:00:00.000Z",
                 "pattern":"[ipv4-addr:value = '198.51.100.1']","pattern_type":"stix","valid_from":"2025-01-01T00:00:00Z","confidence":50,
                 "labels":["malicious-activity"],"object_marking_refs":["{{TlpMarkings.Tlp2Green}}"]}
                """;
            await store.AddObjectsAsync(_collection, [new ObjectToAdd(labelled, "2.1", StixTimestamp.Parse("2025-12-31T00:00:00.000Z"), Encoding.UTF8.GetBytes(json))], Ct);
        }

        (int explained, string why, _) = await RunAsync("policy", "explain", labelled, "--to", "fr-cert");
        Assert.Equal(1, explained);
        Assert.Contains("deny.egress-rule\tdenied: egress rule #2 of partner fr-cert (deny label in [malicious-activity])", why, StringComparison.Ordinal);
        Assert.Equal(0, (await RunAsync("partner", "rule", "remove", "fr-cert", "2")).Exit);
        Assert.Equal(0, (await RunAsync("policy", "explain", labelled, "--to", "fr-cert")).Exit);

        // Bad input: a clear error, and nothing changes.
        (int both, _, string bothErr) = await RunAsync("partner", "rule", "add", "fr-cert", "--allow", "--deny");
        Assert.Equal(2, both);
        Assert.Contains("exactly one of --allow and --deny", bothErr, StringComparison.Ordinal);
        Assert.Equal(0, (await RunAsync("partner", "rule", "add", "fr-cert", "--deny")).Exit); // no condition: deny everything
        Assert.Contains("#2\tdeny everything", (await RunAsync("partner", "rule", "list", "fr-cert")).Out, StringComparison.Ordinal);
        Assert.Equal(0, (await RunAsync("partner", "rule", "remove", "fr-cert", "2")).Exit);
        (int age, _, string ageErr) = await RunAsync("partner", "rule", "add", "fr-cert", "--deny", "--max-age", "30 days");
        Assert.Equal(2, age);
        Assert.Contains("--max-age is a whole number followed by s, m, h, d or w", ageErr, StringComparison.Ordinal);
        Assert.Equal(2, (await RunAsync("partner", "rule", "add", "fr-cert", "--deny", "--min-confidence", "101")).Exit);
        Assert.Equal(2, (await RunAsync("partner", "rule", "add", "fr-cert", "--deny", "--type", "Not A Type")).Exit);
        Assert.Equal(1, (await RunAsync("partner", "rule", "add", "fr-cert", "--deny", "--collection", "nowhere")).Exit);
        Assert.Equal(1, (await RunAsync("partner", "rule", "add", "de-cert", "--deny")).Exit);
        Assert.Equal(1, (await RunAsync("partner", "rule", "remove", "fr-cert", "7")).Exit);
        Assert.Equal(1, (await RunAsync("partner", "rule", "list", "de-cert")).Exit);
        Assert.Single((await RunAsync("partner", "rule", "list", "fr-cert")).Out.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Redaction_paths_are_added_listed_removed_and_bad_ones_refused()
    {
        Assert.Equal(0, (await RunAsync("redaction", "add", "description")).Exit);
        Assert.Equal(0, (await RunAsync("redaction", "add", "external_references.url")).Exit);
        Assert.Equal(1, (await RunAsync("redaction", "add", "description")).Exit);
        (int id, _, string idErr) = await RunAsync("redaction", "add", "id");
        Assert.Equal(2, id);
        Assert.Contains("'id' may not be redacted", idErr, StringComparison.Ordinal);
        Assert.Equal(2, (await RunAsync("redaction", "add", "external_references.0.url")).Exit);
        Assert.Equal("description\nexternal_references.url\n", (await RunAsync("redaction", "list")).Out.ReplaceLineEndings("\n"));
        Assert.Equal(0, (await RunAsync("redaction", "remove", "description")).Exit);
        Assert.Equal(1, (await RunAsync("redaction", "remove", "description")).Exit);
        Assert.Equal("external_references.url\n", (await RunAsync("redaction", "list")).Out.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task Neutral_markings_are_added_listed_removed_and_bad_ones_refused_with_the_reason()
    {
        const string copyright = "marking-definition--7f1b0a52-4c2e-4f7a-9d3e-0e0a5c1e0003";
        const string terms = "marking-definition--7f1b0a52-4c2e-4f7a-9d3e-0e0a5c1e0005";
        Assert.Equal(0, (await RunAsync("marking", "neutral", "add", terms)).Exit);
        Assert.Equal(0, (await RunAsync("marking", "neutral", "add", copyright)).Exit);
        Assert.Equal(1, (await RunAsync("marking", "neutral", "add", copyright)).Exit);
        (int tlp, _, string tlpErr) = await RunAsync("marking", "neutral", "add", "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1");
        Assert.Equal(2, tlp);
        Assert.Contains("is the TLP 2.0 marking", tlpErr, StringComparison.Ordinal);
        (int notMarking, _, string notMarkingErr) = await RunAsync("marking", "neutral", "add", "indicator--7f1b0a52-4c2e-4f7a-9d3e-0e0a5c1e0003");
        Assert.Equal(2, notMarking);
        Assert.Contains("is not a marking-definition id", notMarkingErr, StringComparison.Ordinal);
        Assert.Equal(copyright + "\n" + terms + "\n", (await RunAsync("marking", "neutral", "list")).Out.ReplaceLineEndings("\n"));
        Assert.Equal(0, (await RunAsync("marking", "neutral", "remove", terms)).Exit);
        Assert.Equal(1, (await RunAsync("marking", "neutral", "remove", terms)).Exit);
        Assert.Equal(copyright + "\n", (await RunAsync("marking", "neutral", "list")).Out.ReplaceLineEndings("\n"));
    }

    [Theory]
    [InlineData("45s", 45)]
    [InlineData("90m", 5_400)]
    [InlineData("12h", 43_200)]
    [InlineData("30d", 2_592_000)]
    [InlineData("2w", 1_209_600)]
    [InlineData("0d", 0)]
    public void Ages_read_as_whole_units(string text, long seconds)
    {
        Assert.True(DetenteCli.TryParseAge(text, out TimeSpan age));
        Assert.Equal(TimeSpan.FromSeconds(seconds), age);
    }

    [Theory]
    [InlineData("")]
    [InlineData("d")]
    [InlineData("30")]
    [InlineData("30y")]
    [InlineData("-3d")]
    [InlineData("1.5h")]
    [InlineData("99999999999999999w")]
    public void Bad_ages_are_refused(string text) => Assert.False(DetenteCli.TryParseAge(text, out _));

    private static ObjectToAdd Version(string id, string modified, params string[] markings)
    {
        string json = $$"""
            {"type":"indicator","spec_version":"2.1","id":"{{id}}","created":"2025-01-01T00:00:00.000Z","modified":"{{modified}}",
             "pattern":"[ipv4-addr:value = '198.51.100.1']","pattern_type":"stix","valid_from":"2025-01-01T00:00:00Z",
             "object_marking_refs":[{{string.Join(",", markings.Select(m => "\"" + m + "\""))}}]}
            """;
        return new ObjectToAdd(id, "2.1", StixTimestamp.Parse(modified), Encoding.UTF8.GetBytes(json));
    }

    // RFC 8032 §7.1 test 3 public key.
    private const string ThirdKeyHex = "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025";

    [Fact]
    public async Task Partner_keys_are_added_listed_and_revoked()
    {
        Assert.Equal(0, (await RunAsync("partner", "add", "fr-cert", "--identity", FrIdentity, "--key", FrKeyHex)).Exit);
        string frKeyId = Detente.Stix.Signatures.StixVerificationKey.ComputeKeyId(Convert.FromHexString(FrKeyHex));
        string thirdKeyId = Detente.Stix.Signatures.StixVerificationKey.ComputeKeyId(Convert.FromHexString(ThirdKeyHex));
        _clock.Advance(TimeSpan.FromMinutes(5));

        (int added, string addOut, _) = await RunAsync("partner", "key", "add", "fr-cert", ThirdKeyHex, "--not-after", "2027-01-01T00:00:00Z");
        Assert.Equal(0, added);
        Assert.Contains($"Key {thirdKeyId} added to partner fr-cert until 2027-01-01T00:00:00Z.", addOut, StringComparison.Ordinal);
        (int twice, _, string twiceErr) = await RunAsync("partner", "key", "add", "fr-cert", ThirdKeyHex);
        Assert.Equal(1, twice);
        Assert.Contains("held already", twiceErr, StringComparison.Ordinal);
        Assert.Equal(1, (await RunAsync("partner", "key", "add", "de-cert", RuKeyBase64Url)).Exit);
        Assert.Equal(2, (await RunAsync("partner", "key", "add", "fr-cert", "00")).Exit);
        Assert.Equal(2, (await RunAsync("partner", "key", "add", "fr-cert", RuKeyBase64Url, "--not-after", "soon")).Exit);

        (_, string listed, _) = await RunAsync("partner", "key", "list", "fr-cert");
        Assert.Equal(
            [
                "KEY ID\tADDED\tNOT AFTER\tSTATE",
                $"{frKeyId}\t2026-01-01T00:00:00.000Z\t-\tvalid",
                $"{thirdKeyId}\t2026-01-01T00:05:00.000Z\t2027-01-01T00:00:00.000Z\tvalid",
            ],
            listed.Split('\n', StringSplitOptions.RemoveEmptyEntries));

        // Revoked by key id or by the key itself; the last valid key stays.
        (int revoked, string revokedOut, _) = await RunAsync("partner", "key", "remove", "fr-cert", frKeyId);
        Assert.Equal(0, revoked);
        Assert.Contains($"Key {frKeyId} of partner fr-cert revoked.", revokedOut, StringComparison.Ordinal);
        (int last, _, string lastErr) = await RunAsync("partner", "key", "remove", "fr-cert", ThirdKeyHex);
        Assert.Equal(1, last);
        Assert.Contains("last valid key", lastErr, StringComparison.Ordinal);
        Assert.Equal(1, (await RunAsync("partner", "key", "remove", "fr-cert", RuKeyBase64Url)).Exit);
        Assert.Equal(1, (await RunAsync("partner", "key", "list", "de-cert")).Exit);
        (_, string after, _) = await RunAsync("partner", "key", "list", "fr-cert");
        Assert.Contains($"{frKeyId}\t2026-01-01T00:00:00.000Z\t-\trevoked 2026-01-01T00:05:00.000Z", after, StringComparison.Ordinal);
        (_, string partners, _) = await RunAsync("partner", "list");
        Assert.Contains($"fr-cert\t{FrIdentity}\t{thirdKeyId}\t", partners, StringComparison.Ordinal);
        Assert.DoesNotContain(frKeyId, partners, StringComparison.Ordinal);

        _clock.Advance(TimeSpan.FromDays(400));
        (_, string expired, _) = await RunAsync("partner", "key", "list", "fr-cert");
        Assert.Contains($"{thirdKeyId}\t2026-01-01T00:05:00.000Z\t2027-01-01T00:00:00.000Z\texpired", expired, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delegated_identities_are_added_listed_and_removed()
    {
        const string Team = "identity--00000000-0000-4000-8000-0000000000a1";
        Assert.Equal(0, (await RunAsync("partner", "add", "fr-cert", "--identity", FrIdentity, "--key", FrKeyHex)).Exit);

        Assert.Equal(0, (await RunAsync("partner", "delegate", "add", "fr-cert", Team)).Exit);
        Assert.Equal(0, (await RunAsync("partner", "delegate", "add", "fr-cert", RuIdentity)).Exit);
        Assert.Equal(2, (await RunAsync("partner", "delegate", "add", "fr-cert", "indicator--00000000-0000-4000-8000-0000000000a1")).Exit);
        (int own, _, string ownErr) = await RunAsync("partner", "delegate", "add", "fr-cert", FrIdentity);
        Assert.Equal(1, own);
        Assert.Contains("own identity", ownErr, StringComparison.Ordinal);
        Assert.Equal(1, (await RunAsync("partner", "delegate", "add", "de-cert", Team)).Exit);
        Assert.Equal(0, (await RunAsync("partner", "delegate", "remove", "fr-cert", RuIdentity)).Exit);

        (_, string listed, _) = await RunAsync("partner", "delegate", "list", "fr-cert");
        Assert.Equal([$"{FrIdentity}\town", $"{Team}\tdelegated"], listed.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
