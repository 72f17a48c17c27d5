using System.Net;
using System.Text;
using Detente.Stix.Schema;
using Detente.Storage;
using Detente.Taxii;
using Microsoft.Extensions.DependencyInjection;

namespace Detente.Node.Tests;

/// <summary>
/// Issue 6's proof: every path out × every principal kind × every TLP level × object-level (TLP 2.0 and 1.0) or granular
/// marking × sharing-group marking, over real HTTP, each response compared with what an oracle written from the rules
/// (not from the policy library) allows: bodies, <c>more</c>, <c>next</c>, <c>X-TAXII-Date-Added-*</c> headers and
/// 404-versus-200, and a withheld object's 404 byte for byte the same as a missing object's.
/// </summary>
public abstract partial class NodeContractTests
{
    private const string ProducerIdentity = "identity--00000000-0000-4000-8000-00000000aaaa";
    private const string GroupMarking = "marking-definition--00000000-0000-4000-8000-00000000a001";
    private const string UnknownMarking = "marking-definition--00000000-0000-4000-8000-00000000b001";
    private const int MatrixPage = 4;

    public enum Kind { Admin, Analyst, Reader, PartnerInGroup, PartnerNotInGroup, Producer, Guest }

    public enum Level { Clear, Green, Amber, AmberStrict, Red, None, Unknown }

    public enum Placement { ObjectTlp2, ObjectTlp1, Granular }

    /// <summary>One object of the matrix. With <paramref name="EarlierVersion"/> or <paramref name="EarlierGroup"/>, it has an
    /// earlier version marked with that level (same placement) or that sharing-group flag, added before the latest.</summary>
    private sealed record Cell(string Id, Level Level, Placement Placement, bool Group, Level? EarlierVersion, bool? EarlierGroup = null)
    {
        public bool HasEarlier => EarlierVersion is not null || EarlierGroup is not null;

        public Cell Earlier() => this with { Level = EarlierVersion ?? Level, Group = EarlierGroup ?? Group, EarlierVersion = null, EarlierGroup = null };
    }

    /// <summary>What a reader gets for an object that does not exist, on each per-object route.</summary>
    private sealed record MissingAnswers(byte[] Object, byte[] ObjectAll, byte[] ObjectFirst, byte[] Versions, byte[] Proof, byte[] ProofFirst,
        byte[] Openings);

    private const string EarlierVersionStamp = "2025-01-01T00:00:01.000Z";
    private const string LatestVersionStamp = "2025-01-01T00:00:02.000Z";

    [Fact]
    public async Task Every_path_out_reveals_exactly_what_the_rules_allow()
    {
        // Partners, one sharing group, the collection's partners; then the running node picks the settings up.
        byte[][] keys = [Convert.FromHexString("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"),
            Convert.FromHexString("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c"),
            Convert.FromHexString("fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025")];
        await _store.AddPartnerAsync(new PartnerRecord { Name = "p-in", Identity = "identity--00000000-0000-4000-8000-00000000000a", VerificationKey = keys[0] }, Ct);
        await _store.AddPartnerAsync(new PartnerRecord { Name = "p-out", Identity = "identity--00000000-0000-4000-8000-00000000000b", VerificationKey = keys[1] }, Ct);
        await _store.AddPartnerAsync(new PartnerRecord { Name = "p-producer", Identity = "identity--00000000-0000-4000-8000-00000000aaab", VerificationKey = keys[2] }, Ct);
        // The cells' creator (ProducerIdentity) is no partner's identity: these are this organization's objects. Objects
        // created by a partner (whose AMBER is never passed on to another organization) are ForwardingTests' and
        // ReceivedObjectTests' matrix.
        await _store.AddSharingGroupAsync("g-one", GroupMarking, Ct);
        await _store.SetGroupMemberAsync("g-one", "p-in", true, Ct);
        await _store.SetCollectionPartnerAsync(_collectionId, "p-in", true, Ct);
        await _store.SetCollectionPartnerAsync(_collectionId, "p-out", true, Ct);
        Assert.True(await _app.Services.GetRequiredService<SharingPolicySource>().RefreshAsync(Ct));

        var tokens = new Dictionary<Kind, string> { [Kind.Admin] = _adminToken };
        foreach ((Kind kind, string name, TokenRole role) in new[]
        {
            (Kind.Analyst, "alice", TokenRole.Analyst), (Kind.Reader, "bob", TokenRole.Reader), (Kind.PartnerInGroup, "p-in", TokenRole.Partner),
            (Kind.PartnerNotInGroup, "p-out", TokenRole.Partner), (Kind.Producer, "p-producer", TokenRole.Partner), (Kind.Guest, "stranger", TokenRole.Partner),
        })
        {
            tokens[kind] = await CreateTokenAsync(name, role);
            Assert.True(await _store.GrantAsync(_collectionId, name, kind == Kind.Analyst ? CollectionAccess.ReadWrite : CollectionAccess.Read, Ct));
        }

        // Every cell of the matrix is one object; some have an earlier, more restricted version.
        var cells = new List<Cell>();
        foreach (Level level in Enum.GetValues<Level>())
        {
            foreach (Placement placement in Enum.GetValues<Placement>())
            {
                foreach (bool group in new[] { false, true })
                {
                    cells.Add(new Cell(NewIndicatorId(), level, placement, group, null));
                }
            }

            // Two versions, the latest stricter or looser than the earlier one, for every pair of levels.
            foreach (Level earlier in Enum.GetValues<Level>().Where(e => e != level))
            {
                cells.Add(new Cell(NewIndicatorId(), level, Placement.ObjectTlp2, false, earlier));
            }
        }

        // Two versions, the latest adding or dropping the sharing group.
        foreach (Level level in (Level[])[Level.Clear, Level.Green, Level.Amber])
        {
            cells.Add(new Cell(NewIndicatorId(), level, Placement.ObjectTlp2, true, null, EarlierGroup: false));
            cells.Add(new Cell(NewIndicatorId(), level, Placement.ObjectTlp2, false, null, EarlierGroup: true));
        }

        // Each object's earlier version before its latest, in requests small enough to be stored before the answer.
        var adminStatuses = new List<string>();
        IEnumerable<string> versionsInOrder = cells.SelectMany(c => c.HasEarlier
            ? new[] { MarkedIndicator(c.Earlier(), 1), MarkedIndicator(c, 2) }
            : [MarkedIndicator(c, 2)]);
        foreach (string[] chunk in versionsInOrder.Chunk(Limits.AsyncThreshold))
        {
            TaxiiStatus status = await PostAsync(chunk);
            Assert.Equal(status.TotalCount, status.SuccessCount);
            adminStatuses.Add(status.Id);
        }

        // The admin's view is the ground truth of date_added.
        Dictionary<(string, string), string> dateAdded = [];
        string? adminAfter = null;
        while (true)
        {
            using HttpResponseMessage all = await SendAsync(HttpMethod.Get,
                ManifestPath + "?limit=50&match[version]=all" + (adminAfter is null ? string.Empty : "&added_after=" + adminAfter), _adminToken);
            TaxiiManifest manifest = new TaxiiReader().ReadManifest(await all.Content.ReadAsByteArrayAsync(Ct));
            foreach (TaxiiManifestRecord r in manifest.Objects)
            {
                dateAdded[(r.Id, r.Version.ToString())] = r.DateAdded.ToString();
            }

            if (!manifest.More)
            {
                break;
            }

            adminAfter = all.Headers.GetValues("X-TAXII-Date-Added-Last").Single();
        }

        Assert.Equal(cells.Count + cells.Count(c => c.HasEarlier), dateAdded.Count);

        const string latest = LatestVersionStamp;
        List<Cell> byDateAdded = [.. cells.OrderBy(c => dateAdded[(c.Id, latest)], StringComparer.Ordinal)];
        foreach (Kind kind in Enum.GetValues<Kind>())
        {
            string token = tokens[kind];
            string[] expected = [.. byDateAdded.Where(c => Oracle(kind, c)).Select(c => c.Id)];
            string[][] chunks = expected.Length == 0 ? [[]] : [.. expected.Chunk(MatrixPage)];
            string what = $"{kind}";

            // Objects: pages of MatrixPage with next.
            string? next = null;
            for (int p = 0; p < chunks.Length; p++)
            {
                using HttpResponseMessage response = await SendAsync(HttpMethod.Get,
                    ObjectsPath + $"?limit={MatrixPage}" + (next is null ? string.Empty : "&next=" + Uri.EscapeDataString(next)), token);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                byte[] body = await response.Content.ReadAsByteArrayAsync(Ct);
                TaxiiEnvelope page = new TaxiiReader().ReadEnvelope(body);
                Assert.True(chunks[p].SequenceEqual(Ids(page)), $"{what}: objects page {p}");
                bool more = p < chunks.Length - 1;
                Assert.Equal(more, page.More);
                Assert.Equal(more, page.Next is not null);
                AssertDateHeaders(response, chunks[p].Select(id => dateAdded[(id, latest)]).ToArray(), what);
                next = page.Next;
            }

            // Manifest: pages of MatrixPage, continued with added_after = X-TAXII-Date-Added-Last; no next member.
            string? after = null;
            for (int p = 0; p < chunks.Length; p++)
            {
                using HttpResponseMessage response = await SendAsync(HttpMethod.Get,
                    ManifestPath + $"?limit={MatrixPage}" + (after is null ? string.Empty : "&added_after=" + after), token);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                byte[] body = await response.Content.ReadAsByteArrayAsync(Ct);
                Assert.DoesNotContain("\"next\"", Encoding.UTF8.GetString(body), StringComparison.Ordinal);
                TaxiiManifest page = new TaxiiReader().ReadManifest(body);
                Assert.True(chunks[p].SequenceEqual(page.Objects.Select(r => r.Id)), $"{what}: manifest page {p}");
                Assert.Equal(p < chunks.Length - 1, page.More);
                AssertDateHeaders(response, chunks[p].Select(id => dateAdded[(id, latest)]).ToArray(), what);
                after = response.Headers.TryGetValues("X-TAXII-Date-Added-Last", out IEnumerable<string>? last) ? last.Single() : null;
            }

            // Every version of every visible object (match[version]=all), in date_added order, paged with added_after.
            (string Id, string Version)[] expectedAll = [.. cells.SelectMany(c => VisibleVersions(kind, c).Select(v => (c.Id, v)))
                .OrderBy(v => dateAdded[v], StringComparer.Ordinal)];
            var seenAll = new List<(string, string)>();
            string? allAfter = null;
            while (true)
            {
                using HttpResponseMessage response = await SendAsync(HttpMethod.Get,
                    ManifestPath + "?limit=50&match[version]=all" + (allAfter is null ? string.Empty : "&added_after=" + allAfter), token);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                TaxiiManifest page = new TaxiiReader().ReadManifest(await response.Content.ReadAsByteArrayAsync(Ct));
                seenAll.AddRange(page.Objects.Select(r => (r.Id, r.Version.ToString())));
                AssertDateHeaders(response, [.. page.Objects.Select(r => dateAdded[(r.Id, r.Version.ToString())])], what);
                if (!page.More)
                {
                    break;
                }

                allAfter = response.Headers.GetValues("X-TAXII-Date-Added-Last").Single();
            }

            Assert.True(expectedAll.SequenceEqual(seenAll), $"{what}: manifest of all versions");

            // The earliest visible version of every visible object (match[version]=first), in date_added order, paged.
            (string Id, string Version)[] expectedFirst = [.. cells.Select(c => (c.Id, Versions: VisibleVersions(kind, c))).Where(c => c.Versions.Length > 0)
                .Select(c => (c.Id, c.Versions[0])).OrderBy(v => dateAdded[v], StringComparer.Ordinal)];
            var seenFirst = new List<(string, string)>();
            string? firstAfter = null;
            while (true)
            {
                using HttpResponseMessage response = await SendAsync(HttpMethod.Get,
                    ManifestPath + $"?limit={MatrixPage}&match[version]=first" + (firstAfter is null ? string.Empty : "&added_after=" + firstAfter), token);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                TaxiiManifest page = new TaxiiReader().ReadManifest(await response.Content.ReadAsByteArrayAsync(Ct));
                seenFirst.AddRange(page.Objects.Select(r => (r.Id, r.Version.ToString())));
                AssertDateHeaders(response, [.. page.Objects.Select(r => dateAdded[(r.Id, r.Version.ToString())])], what);
                Assert.True(page.Objects.Count == MatrixPage || !page.More, $"{what}: a first-version page is full when more follow");
                if (!page.More)
                {
                    break;
                }

                firstAfter = response.Headers.GetValues("X-TAXII-Date-Added-Last").Single();
            }

            Assert.True(expectedFirst.SequenceEqual(seenFirst), $"{what}: manifest of first versions");

            // Object by id (latest and all versions), its versions and its inclusion proof: the visible versions, or the
            // very 404 of an object that does not exist.
            MissingAnswers missing = await MissingAnswersAsync(token);
            foreach (Cell cell in cells)
            {
                await AssertObjectRoutesAsync(token, cell.Id, VisibleVersions(kind, cell), v => dateAdded[(cell.Id, v)], missing, $"{what}: {cell}");
            }

            // Status: the administrator's add requests are the administrator's; anyone else gets the 404 of an unknown status.
            byte[] missingStatus = await NotFoundBodyAsync($"/taxii2/default/status/{Guid.NewGuid():D}/", token);
            foreach (string status in adminStatuses)
            {
                using HttpResponseMessage response = await SendAsync(HttpMethod.Get, $"/taxii2/default/status/{status}/", token);
                if (kind == Kind.Admin)
                {
                    Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                }
                else
                {
                    Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
                    Assert.Equal(missingStatus, await response.Content.ReadAsByteArrayAsync(Ct));
                }
            }
        }

        // The analyst's own add: its status lists only what it sent, whatever the collection holds.
        TaxiiStatus own = await Client(tokens[Kind.Analyst]).AddObjectsAsync(DefaultRoot, CollectionId,
            ReadEnvelope(Envelope(MarkedIndicator(cells[0], 2), MarkedIndicator(new Cell(NewIndicatorId(), Level.Red, Placement.ObjectTlp2, false, null), 2))), Ct);
        Assert.Equal(2, own.SuccessCount);
        TaxiiStatus read = await Client(tokens[Kind.Analyst]).GetStatusAsync(DefaultRoot, own.Id, Ct);
        Assert.Equal(2, read.Successes.Count);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Get, $"/taxii2/default/status/{own.Id}/", tokens[Kind.PartnerInGroup])).StatusCode);
    }

    [Fact]
    public async Task When_the_latest_version_is_deleted_the_new_latest_decides()
    {
        string guest = await CreateTokenAsync("p-unknown", TokenRole.Partner); // not a configured partner: TLP:CLEAR only
        Assert.True(await _store.GrantAsync(_collectionId, "p-unknown", CollectionAccess.Read, Ct));
        var stricter = new Cell(NewIndicatorId(), Level.Red, Placement.ObjectTlp2, false, Level.Clear);
        var looser = new Cell(NewIndicatorId(), Level.Clear, Placement.ObjectTlp2, false, Level.Red);
        TaxiiStatus added = await PostAsync(MarkedIndicator(stricter.Earlier(), 1), MarkedIndicator(looser.Earlier(), 1), MarkedIndicator(stricter, 2),
            MarkedIndicator(looser, 2));
        Assert.Equal(4, added.SuccessCount);
        Dictionary<(string, string), string> dateAdded = [];
        using (HttpResponseMessage all = await SendAsync(HttpMethod.Get, ManifestPath + "?match[version]=all", _adminToken))
        {
            foreach (TaxiiManifestRecord r in new TaxiiReader().ReadManifest(await all.Content.ReadAsByteArrayAsync(Ct)).Objects)
            {
                dateAdded[(r.Id, r.Version.ToString())] = r.DateAdded.ToString();
            }
        }

        MissingAnswers missing = await MissingAnswersAsync(guest);
        await AssertObjectRoutesAsync(guest, stricter.Id, [], v => dateAdded[(stricter.Id, v)], missing, "newer stricter");
        await AssertObjectRoutesAsync(guest, looser.Id, [LatestVersionStamp], v => dateAdded[(looser.Id, v)], missing, "newer looser");
        Assert.Equal([looser.Id], await VisibleIdsAsync(guest));

        foreach (Cell cell in (Cell[])[stricter, looser])
        {
            using HttpResponseMessage deleted = await SendAsync(HttpMethod.Delete, ObjectsPath + cell.Id + "/?match[version]=last", _adminToken);
            Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        }

        // The earlier versions are now the latest, and they decide.
        await AssertObjectRoutesAsync(guest, stricter.Id, [EarlierVersionStamp], v => dateAdded[(stricter.Id, v)], missing, "stricter, latest deleted");
        await AssertObjectRoutesAsync(guest, looser.Id, [], v => dateAdded[(looser.Id, v)], missing, "looser, latest deleted");
        Assert.Equal([stricter.Id], await VisibleIdsAsync(guest));
    }

    [Fact]
    public async Task A_partner_deny_rule_withholds_on_every_route_and_a_redaction_path_trims_the_marked_part()
    {
        await _store.AddPartnerAsync(new PartnerRecord
        {
            Name = "p-rule",
            Identity = "identity--00000000-0000-4000-8000-00000000c002",
            VerificationKey = Convert.FromHexString("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"),
        }, Ct);
        Assert.Equal(SharingChange.Changed,
            await _store.AddPartnerRuleAsync(new PartnerRuleRecord { Partner = "p-rule", Allow = false, Labels = ["secret-source"] }, Ct));
        Assert.Equal(SharingChange.Changed, await _store.AddRedactionPathAsync("description", Ct));
        Assert.True(await _app.Services.GetRequiredService<SharingPolicySource>().RefreshAsync(Ct));
        string token = await CreateTokenAsync("p-rule", TokenRole.Partner);
        Assert.True(await _store.GrantAsync(_collectionId, "p-rule", CollectionAccess.Read, Ct));

        string denied = NewIndicatorId(), plain = NewIndicatorId(), trimmed = NewIndicatorId();
        string Green(string id, string extra) => $$"""
            {"type":"indicator","spec_version":"2.1","id":"{{id}}","created":"2025-01-01T00:00:00.000Z","modified":"{{LatestVersionStamp}}",
             "name":"n","description":"d","pattern":"[ipv4-addr:value = '198.51.100.1']","pattern_type":"stix","valid_from":"2025-01-01T00:00:00Z",
             "object_marking_refs":["{{TlpMarkings.Tlp2Green}}"]{{extra}}}
            """;
        TaxiiStatus added = await PostAsync(Green(denied, ", \"labels\":[\"secret-source\"]"), Green(plain, ", \"labels\":[\"other\"]"),
            Green(trimmed, $$""", "granular_markings":[{"marking_ref":"{{TlpMarkings.Tlp2Red}}","selectors":["description"]}]"""));
        Assert.Equal(3, added.SuccessCount);
        Dictionary<string, string> dateAdded = [];
        using (HttpResponseMessage all = await SendAsync(HttpMethod.Get, ManifestPath, _adminToken))
        {
            foreach (TaxiiManifestRecord r in new TaxiiReader().ReadManifest(await all.Content.ReadAsByteArrayAsync(Ct)).Objects)
            {
                dateAdded[r.Id] = r.DateAdded.ToString();
            }
        }

        // The deny rule: the very answers of a missing object on every route, and absent from lists.
        MissingAnswers missing = await MissingAnswersAsync(token);
        await AssertObjectRoutesAsync(token, denied, [], _ => dateAdded[denied], missing, "denied by rule");
        await AssertObjectRoutesAsync(token, plain, [LatestVersionStamp], _ => dateAdded[plain], missing, "not matched by the rule");
        Assert.Equal([plain, trimmed], await VisibleIdsAsync(token));
        using (HttpResponseMessage manifest = await SendAsync(HttpMethod.Get, ManifestPath, token))
        {
            Assert.Equal([plain, trimmed], new TaxiiReader().ReadManifest(await manifest.Content.ReadAsByteArrayAsync(Ct)).Objects.Select(r => r.Id));
        }

        // The redaction path: the RED description is removed, with its granular marking; the rest is served.
        using HttpResponseMessage byId = await SendAsync(HttpMethod.Get, ObjectsPath + trimmed + "/", token);
        Assert.Equal(HttpStatusCode.OK, byId.StatusCode);
        Detente.Stix.StixObject served = Assert.Single(new TaxiiReader().ReadEnvelope(await byId.Content.ReadAsByteArrayAsync(Ct)).Objects).Object;
        Assert.False(served.Json.ContainsKey("description"));
        Assert.False(served.Json.ContainsKey("granular_markings"));
        Assert.Equal("n", served.Json.GetString("name"));
        Assert.Equal(LatestVersionStamp, served.Modified.ToString());
        string adminBody = await (await SendAsync(HttpMethod.Get, ObjectsPath + trimmed + "/", _adminToken)).Content.ReadAsStringAsync(Ct);
        Assert.Contains("\"description\"", adminBody, StringComparison.Ordinal); // a local user reads the stored object
        // Its proof would reveal the salt of the whole original: not for a redacted reader.
        using HttpResponseMessage proof = await SendAsync(HttpMethod.Get, ProofPath(trimmed), token);
        Assert.Equal(HttpStatusCode.NotFound, proof.StatusCode);
        Assert.Equal(missing.Proof, await proof.Content.ReadAsByteArrayAsync(Ct));
        // Nor its opening: the openings say the version is redacted, with no leaf index and no salt (the plain one is logged
        // and waits for a checkpoint). The reader knew it: the object it is served is the redacted form.
        using (HttpResponseMessage trimmedOpenings = await SendAsync(HttpMethod.Get, OpeningsPath(trimmed), token))
        {
            Assert.Equal(HttpStatusCode.OK, trimmedOpenings.StatusCode);
            byte[] body = await trimmedOpenings.Content.ReadAsByteArrayAsync(Ct);
            Assert.True(LogOpenings.TryParse(body, out LogOpenings? marked, out string? problem), problem);
            LogOpening mark = Assert.Single(marked.Openings);
            Assert.True(mark.IsRedacted);
            Assert.Equal((trimmed, LatestVersionStamp), (mark.ObjectId, mark.Version));
            Assert.Equal(
                Encoding.UTF8.GetString(missing.Openings).Replace("\"openings\":[]", $$"""
                    "openings":[{"object_id":"{{trimmed}}","version":"{{LatestVersionStamp}}","redacted":true}]
                    """, StringComparison.Ordinal),
                Encoding.UTF8.GetString(body));
        }

        using (HttpResponseMessage plainOpenings = await SendAsync(HttpMethod.Get, OpeningsPath(plain), token))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, plainOpenings.StatusCode);
        }

        // Explain names the rule that decided, and says what it redacts.
        ExplainedVersion rule = Assert.Single(await PolicyExplain.ExplainAsync(_store, denied, "p-rule", null, _clock, cancellationToken: Ct));
        Assert.False(rule.Allowed);
        Assert.Equal("deny.egress-rule", rule.Code);
        Assert.Equal("denied: egress rule #1 of partner p-rule (deny label in [secret-source])", rule.Reason);
        ExplainedVersion redacted = Assert.Single(await PolicyExplain.ExplainAsync(_store, trimmed, "p-rule", null, _clock, cancellationToken: Ct));
        Assert.True(redacted.Allowed);
        Assert.Equal("allow.redacted", redacted.Code);
        Assert.StartsWith("allowed with redaction of description", redacted.Reason, StringComparison.Ordinal);

        // Without the redaction path, the object is withheld whole again.
        Assert.True(await _store.RemoveRedactionPathAsync("description", Ct));
        Assert.True(await _app.Services.GetRequiredService<SharingPolicySource>().RefreshAsync(Ct));
        Assert.Equal([plain], await VisibleIdsAsync(token));
    }

    private async Task<string[]> VisibleIdsAsync(string token)
    {
        using HttpResponseMessage response = await SendAsync(HttpMethod.Get, ObjectsPath, token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return Ids(new TaxiiReader().ReadEnvelope(await response.Content.ReadAsByteArrayAsync(Ct)));
    }

    private string ManifestPath => $"/taxii2/default/collections/{_collectionId:D}/manifest/";

    /// <summary>The versions of <paramref name="cell"/> that <paramref name="kind"/> may see, oldest first: none when its latest
    /// version is withheld (a reader never learns that a newer version exists), else every version the rules allow.</summary>
    private static string[] VisibleVersions(Kind kind, Cell cell)
    {
        if (!Oracle(kind, cell))
        {
            return [];
        }

        return cell.HasEarlier && Oracle(kind, cell.Earlier()) ? [EarlierVersionStamp, LatestVersionStamp] : [LatestVersionStamp];
    }

    /// <summary>Checks the per-object routes of <paramref name="id"/> for the reader of <paramref name="token"/>, who may see
    /// exactly <paramref name="visible"/> (its versions, oldest first; the last is the object's latest).</summary>
    private async Task AssertObjectRoutesAsync(string token, string id, string[] visible, Func<string, string> dateAddedOf, MissingAnswers missing,
        string what)
    {
        using HttpResponseMessage byId = await SendAsync(HttpMethod.Get, ObjectsPath + id + "/", token);
        using HttpResponseMessage byIdAll = await SendAsync(HttpMethod.Get, ObjectsPath + id + "/?match[version]=all", token);
        using HttpResponseMessage byIdFirst = await SendAsync(HttpMethod.Get, ObjectsPath + id + "/?match[version]=first", token);
        using HttpResponseMessage list = await SendAsync(HttpMethod.Get, ObjectsPath + id + "/versions/", token);
        using HttpResponseMessage proof = await SendAsync(HttpMethod.Get, ProofPath(id), token);
        using HttpResponseMessage openings = await SendAsync(HttpMethod.Get, OpeningsPath(id), token);
        using HttpResponseMessage proofFirst = await SendAsync(HttpMethod.Get, ProofPath(id) + "?match[version]=first", token);
        if (visible.Length == 0)
        {
            // The page of openings is the page of a missing object: no opening, byte for byte the same answer.
            Assert.True(HttpStatusCode.OK == openings.StatusCode, $"{what}: openings");
            Assert.Equal(missing.Openings, await openings.Content.ReadAsByteArrayAsync(Ct));
            Assert.True(HttpStatusCode.NotFound == byIdFirst.StatusCode, $"{what}: by id, first version");
            Assert.Equal(missing.ObjectFirst, await byIdFirst.Content.ReadAsByteArrayAsync(Ct));
            Assert.True(HttpStatusCode.NotFound == proofFirst.StatusCode, $"{what}: proof of the first version");
            Assert.Equal(missing.ProofFirst, await proofFirst.Content.ReadAsByteArrayAsync(Ct));
            Assert.True(HttpStatusCode.NotFound == byId.StatusCode, $"{what}: by id");
            Assert.Equal(missing.Object, await byId.Content.ReadAsByteArrayAsync(Ct));
            Assert.True(HttpStatusCode.NotFound == byIdAll.StatusCode, $"{what}: by id, all versions");
            Assert.Equal(missing.ObjectAll, await byIdAll.Content.ReadAsByteArrayAsync(Ct));
            Assert.True(HttpStatusCode.NotFound == list.StatusCode, $"{what}: versions");
            Assert.Equal(missing.Versions, await list.Content.ReadAsByteArrayAsync(Ct));
            Assert.True(HttpStatusCode.NotFound == proof.StatusCode, $"{what}: proof");
            Assert.Equal(missing.Proof, await proof.Content.ReadAsByteArrayAsync(Ct));
            Assert.False(byId.Headers.Contains("X-TAXII-Date-Added-First") || list.Headers.Contains("X-TAXII-Date-Added-First"), what);
            return;
        }

        Assert.True(HttpStatusCode.OK == byId.StatusCode, $"{what}: by id");
        TaxiiEnvelope envelope = new TaxiiReader().ReadEnvelope(await byId.Content.ReadAsByteArrayAsync(Ct));
        Assert.Equal([visible[^1]], envelope.Objects.Select(o => o.Object.Modified.ToString()));
        AssertDateHeaders(byId, [dateAddedOf(visible[^1])], what);

        // "first" is the earliest version the reader may see: a withheld older version leaves no trace.
        Assert.True(HttpStatusCode.OK == byIdFirst.StatusCode, $"{what}: by id, first version");
        TaxiiEnvelope first = new TaxiiReader().ReadEnvelope(await byIdFirst.Content.ReadAsByteArrayAsync(Ct));
        Assert.True(new[] { visible[0] }.SequenceEqual(first.Objects.Select(o => o.Object.Modified.ToString())), $"{what}: by id, first version");
        AssertDateHeaders(byIdFirst, [dateAddedOf(visible[0])], what);
        Assert.True(HttpStatusCode.ServiceUnavailable == proofFirst.StatusCode, $"{what}: proof of the first version");

        Assert.True(HttpStatusCode.OK == byIdAll.StatusCode, $"{what}: by id, all versions");
        TaxiiEnvelope all = new TaxiiReader().ReadEnvelope(await byIdAll.Content.ReadAsByteArrayAsync(Ct));
        Assert.Equal(visible, all.Objects.Select(o => o.Object.Modified.ToString()));
        Assert.Equal(Enumerable.Repeat(id, visible.Length), Ids(all));
        AssertDateHeaders(byIdAll, [.. visible.Select(dateAddedOf)], what);

        Assert.True(HttpStatusCode.OK == list.StatusCode, $"{what}: versions");
        Assert.Equal(visible, new TaxiiReader().ReadVersions(await list.Content.ReadAsByteArrayAsync(Ct)).Versions);
        AssertDateHeaders(list, [.. visible.Select(dateAddedOf)], what);

        // The node of these tests has no sequencer: a visible version is logged but no checkpoint covers it yet.
        Assert.True(HttpStatusCode.ServiceUnavailable == proof.StatusCode, $"{what}: proof");
        Assert.True(HttpStatusCode.ServiceUnavailable == openings.StatusCode, $"{what}: openings");
    }

    private async Task<MissingAnswers> MissingAnswersAsync(string token)
    {
        string id = NewIndicatorId();
        return new MissingAnswers(
            await NotFoundBodyAsync(ObjectsPath + id + "/", token),
            await NotFoundBodyAsync(ObjectsPath + id + "/?match[version]=all", token),
            await NotFoundBodyAsync(ObjectsPath + id + "/?match[version]=first", token),
            await NotFoundBodyAsync(ObjectsPath + id + "/versions/", token),
            await NotFoundBodyAsync(ProofPath(id), token),
            await NotFoundBodyAsync(ProofPath(id) + "?match[version]=first", token),
            await OpeningsBodyAsync(id, token));
    }

    /// <summary>The log openings of an object's versions (the page <c>match[id]</c> selects) for a reader, when the answer
    /// is 200: an object none of whose versions the reader may see unredacted has none.</summary>
    private async Task<byte[]> OpeningsBodyAsync(string id, string token)
    {
        using HttpResponseMessage response = await SendAsync(HttpMethod.Get, OpeningsPath(id), token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        byte[] body = await response.Content.ReadAsByteArrayAsync(Ct);
        Assert.True(LogOpenings.TryParse(body, out LogOpenings? openings, out string? problem), problem);
        Assert.Empty(openings.Openings);
        return body;
    }

    private string OpeningsPath(string id) => $"/log/openings/default/collections/{_collectionId:D}/objects/?match[id]={id}&match[version]=all";

    private string ProofPath(string id) => $"/log/proof/default/collections/{_collectionId:D}/objects/{id}/";

    /// <summary>The rules of issue 6, written out for this matrix: may <paramref name="kind"/> read <paramref name="cell"/>'s version?</summary>
    private static bool Oracle(Kind kind, Cell cell)
    {
        if (kind is Kind.Admin or Kind.Analyst or Kind.Reader)
        {
            return true; // local users read everything on the node, TLP:RED included; nothing here leaves it
        }

        // Placement: object-level marking, or an object marked CLEAR whose description carries the level.
        Level objectLevel = cell.Placement == Placement.Granular ? Level.Clear : cell.Level;
        Level? partLevel = cell.Placement == Placement.Granular && cell.Level != Level.None ? cell.Level : null;
        return May(kind, objectLevel, cell.Group) && (partLevel is not { } part || May(kind, part, cell.Group));

        static bool May(Kind kind, Level level, bool group)
        {
            // No TLP marking, or one the node does not know: the collection's default, AMBER.
            Level effective = level is Level.None or Level.Unknown ? Level.Amber : level;
            if (group && kind != Kind.PartnerInGroup)
            {
                return false; // a sharing group narrows every level to its members
            }

            return effective switch
            {
                Level.Clear => true,
                Level.Green => kind != Kind.Guest, // the federation's members
                Level.Amber => group ? kind == Kind.PartnerInGroup : kind is Kind.PartnerInGroup or Kind.PartnerNotInGroup, // the group, else the collection's partners
                _ => false, // AMBER+STRICT never goes to a partner, not even the producer; RED never leaves
            };
        }
    }

    private static string MarkedIndicator(Cell cell, int modifiedSecond)
    {
        string tlp2 = cell.Level switch
        {
            Level.Clear => TlpMarkings.Tlp2Clear,
            Level.Green => TlpMarkings.Tlp2Green,
            Level.Amber => TlpMarkings.Tlp2Amber,
            Level.AmberStrict => TlpMarkings.Tlp2AmberStrict,
            Level.Red => TlpMarkings.Tlp2Red,
            Level.Unknown => UnknownMarking,
            _ => string.Empty,
        };
        string tlp1 = cell.Level switch
        {
            Level.Clear => TlpMarkings.Tlp1White,
            Level.Green => TlpMarkings.Tlp1Green,
            Level.Amber => TlpMarkings.Tlp1Amber,
            Level.Red => TlpMarkings.Tlp1Red,
            _ => tlp2, // AMBER+STRICT has no TLP 1.0 marking
        };
        var objectRefs = new List<string>();
        string granular = string.Empty;
        switch (cell.Placement)
        {
            case Placement.ObjectTlp2 when tlp2.Length > 0:
                objectRefs.Add(tlp2);
                break;
            case Placement.ObjectTlp1 when tlp1.Length > 0:
                objectRefs.Add(tlp1);
                break;
            case Placement.Granular:
                objectRefs.Add(TlpMarkings.Tlp2Clear);
                if (tlp2.Length > 0)
                {
                    granular = $$""", "granular_markings":[{"marking_ref":"{{tlp2}}","selectors":["description"]}]""";
                }

                break;
        }

        if (cell.Group)
        {
            objectRefs.Add(GroupMarking);
        }

        string refs = objectRefs.Count == 0 ? string.Empty : ", \"object_marking_refs\":[" + string.Join(",", objectRefs.Select(r => "\"" + r + "\"")) + "]";
        return $$"""
            {"type":"indicator","spec_version":"2.1","id":"{{cell.Id}}","created_by_ref":"{{ProducerIdentity}}",
             "created":"2025-01-01T00:00:00.000Z","modified":"2025-01-01T00:00:{{modifiedSecond:D2}}.000Z","name":"cell",
             "description":"{{cell.Level}} {{cell.Placement}}","pattern":"[ipv4-addr:value = '198.51.100.1']","pattern_type":"stix",
             "valid_from":"2025-01-01T00:00:00Z"{{refs}}{{granular}}}
            """;
    }

    private static void AssertDateHeaders(HttpResponseMessage response, string[] dates, string what)
    {
        bool hasFirst = response.Headers.TryGetValues("X-TAXII-Date-Added-First", out IEnumerable<string>? firstValues);
        bool hasLast = response.Headers.TryGetValues("X-TAXII-Date-Added-Last", out IEnumerable<string>? lastValues);
        if (dates.Length == 0)
        {
            Assert.False(hasFirst || hasLast, $"{what}: an empty page has no date headers");
            return;
        }

        Assert.Equal(dates[0], firstValues!.Single());
        Assert.Equal(dates[^1], lastValues!.Single());
    }

    private async Task<byte[]> NotFoundBodyAsync(string path, string token)
    {
        using HttpResponseMessage response = await SendAsync(HttpMethod.Get, path, token);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        return await response.Content.ReadAsByteArrayAsync(Ct);
    }
}

public abstract partial class NodeContractTests
{
    [Fact]
    public async Task Posted_objects_carry_their_facts_and_older_versions_get_theirs_at_start()
    {
        string posted = NewIndicatorId(), old = NewIndicatorId();
        await PostAsync(Indicator(posted, 1));
        await _store.AddObjectsAsync(_collectionId,
            [new ObjectToAdd(old, "2.1", Detente.Stix.StixTimestamp.Parse("2025-01-01T00:00:01.000Z"), Encoding.UTF8.GetBytes(Indicator(old, 1)))], Ct);
        Assert.True((await ReadStoredAsync(old)).Facts.IsEmpty);
        StoredObject fromPost = await ReadStoredAsync(posted);
        Assert.True(Detente.Policy.ObjectFactsEncoding.TryDecode(fromPost.Facts.Span, out Detente.Policy.ObjectFacts facts));
        Assert.Equal(Detente.Policy.ObjectFacts.Read(fromPost.Json.Span), facts);

        await StartNodeAsync(null);

        StoredObject filled = await ReadStoredAsync(old);
        Assert.True(Detente.Policy.ObjectFactsEncoding.TryDecode(filled.Facts.Span, out Detente.Policy.ObjectFacts oldFacts));
        Assert.Equal(Detente.Policy.ObjectFacts.Read(filled.Json.Span), oldFacts);
        Assert.Contains(_log.Entries, e => e.EventId == 8063);
    }

    [Fact]
    public async Task A_running_node_picks_up_changed_sharing_settings()
    {
        string id = NewIndicatorId();
        await PostAsync(Indicator(id, 1)); // unmarked: the collection's default, AMBER
        string token = await CreateTokenAsync("p-late", TokenRole.Partner);
        await _store.GrantAsync(_collectionId, "p-late", CollectionAccess.Read, Ct);
        SharingPolicySource source = _app.Services.GetRequiredService<SharingPolicySource>();
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Get, ObjectsPath + id + "/", token)).StatusCode); // a guest

        await _store.AddPartnerAsync(new PartnerRecord
        {
            Name = "p-late",
            Identity = "identity--00000000-0000-4000-8000-00000000c001",
            VerificationKey = Convert.FromHexString("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"),
        }, Ct);
        await _store.SetCollectionPartnerAsync(_collectionId, "p-late", true, Ct);
        Assert.True(await source.RefreshAsync(Ct));
        Assert.False(await source.RefreshAsync(Ct)); // nothing changed since
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, ObjectsPath + id + "/", token)).StatusCode);

        await _store.SetDefaultMarkingAsync(_collectionId, TlpMarkings.Tlp2Red, Ct);
        Assert.True(await source.RefreshAsync(Ct));
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Get, ObjectsPath + id + "/", token)).StatusCode);
    }

    [Fact]
    public async Task A_neutral_marking_from_the_store_is_ignored_by_a_running_node()
    {
        string id = NewIndicatorId();
        await PostAsync($$"""
            {"type":"indicator","spec_version":"2.1","id":"{{id}}","created":"2025-01-01T00:00:00.000Z","modified":"2025-01-01T00:00:01.000Z",
             "name":"n","pattern":"[ipv4-addr:value = '198.51.100.1']","pattern_type":"stix","valid_from":"2025-01-01T00:00:00Z",
             "object_marking_refs":["{{TlpMarkings.Tlp2Clear}}","{{UnknownMarking}}"]}
            """);
        string token = await CreateTokenAsync("p-feed", TokenRole.Partner); // a guest: TLP:CLEAR only
        await _store.GrantAsync(_collectionId, "p-feed", CollectionAccess.Read, Ct);
        SharingPolicySource source = _app.Services.GetRequiredService<SharingPolicySource>();
        Assert.Empty(await VisibleIdsAsync(token)); // an unknown marking counts as the default level, AMBER

        Assert.Equal(SharingChange.Changed, await _store.AddNeutralMarkingAsync(UnknownMarking, Ct));
        Assert.True(await source.RefreshAsync(Ct));
        Assert.Equal([id], await VisibleIdsAsync(token));

        Assert.True(await _store.RemoveNeutralMarkingAsync(UnknownMarking, Ct));
        Assert.True(await source.RefreshAsync(Ct));
        Assert.Empty(await VisibleIdsAsync(token));
    }

    private async Task<StoredObject> ReadStoredAsync(string id) =>
        Assert.Single(await _store.ReadObjectsAsync(_collectionId, ObjectFilter.None with { Ids = [id] }, cancellationToken: Ct).ToListAsync(Ct));
}
