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

    private sealed record Cell(string Id, Level Level, Placement Placement, bool Group, Level? EarlierVersion);

    [Fact]
    public async Task Every_path_out_reveals_exactly_what_the_rules_allow()
    {
        // Partners, one sharing group, the collection's partners; then the running node picks the settings up.
        byte[][] keys = [Convert.FromHexString("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"),
            Convert.FromHexString("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c"),
            Convert.FromHexString("fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025")];
        await _store.AddPartnerAsync(new PartnerRecord { Name = "p-in", Identity = "identity--00000000-0000-4000-8000-00000000000a", VerificationKey = keys[0] }, Ct);
        await _store.AddPartnerAsync(new PartnerRecord { Name = "p-out", Identity = "identity--00000000-0000-4000-8000-00000000000b", VerificationKey = keys[1] }, Ct);
        await _store.AddPartnerAsync(new PartnerRecord { Name = "p-producer", Identity = ProducerIdentity, VerificationKey = keys[2] }, Ct);
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

            cells.Add(new Cell(NewIndicatorId(), level, Placement.ObjectTlp2, false, Level.Red));
        }

        var adminStatuses = new List<string>();
        foreach (Cell[] chunk in cells.Chunk(Limits.AsyncThreshold - 2)) // each chunk holds at most two earlier versions: stored before the answer
        {
            IEnumerable<string> earlier = chunk.Where(c => c.EarlierVersion is not null)
                .Select(c => MarkedIndicator(c with { Level = c.EarlierVersion!.Value }, 1));
            TaxiiStatus status = await PostAsync(earlier.Concat(chunk.Select(c => MarkedIndicator(c, 2))));
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

        Assert.Equal(cells.Count + cells.Count(c => c.EarlierVersion is not null), dateAdded.Count);

        string latest = "2025-01-01T00:00:02.000Z", first = "2025-01-01T00:00:01.000Z";
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

            // Object by id and its versions: the visible versions, or the very 404 of an object that does not exist.
            byte[] missingObject = await NotFoundBodyAsync(ObjectsPath + NewIndicatorId() + "/", token);
            byte[] missingVersions = await NotFoundBodyAsync(ObjectsPath + NewIndicatorId() + "/versions/", token);
            foreach (Cell cell in cells)
            {
                bool latestVisible = Oracle(kind, cell);
                bool earlierVisible = cell.EarlierVersion is { } e && Oracle(kind, cell with { Level = e });
                string[] versions = [.. new[] { (earlierVisible, first), (latestVisible, latest) }.Where(v => v.Item1).Select(v => v.Item2)];
                using HttpResponseMessage byId = await SendAsync(HttpMethod.Get, ObjectsPath + cell.Id + "/", token);
                using HttpResponseMessage list = await SendAsync(HttpMethod.Get, ObjectsPath + cell.Id + "/versions/", token);
                if (versions.Length == 0)
                {
                    Assert.True(HttpStatusCode.NotFound == byId.StatusCode, $"{what}: {cell} by id");
                    Assert.Equal(missingObject, await byId.Content.ReadAsByteArrayAsync(Ct));
                    Assert.Equal(HttpStatusCode.NotFound, list.StatusCode);
                    Assert.Equal(missingVersions, await list.Content.ReadAsByteArrayAsync(Ct));
                    continue;
                }

                Assert.True(HttpStatusCode.OK == byId.StatusCode, $"{what}: {cell} by id");
                TaxiiEnvelope envelope = new TaxiiReader().ReadEnvelope(await byId.Content.ReadAsByteArrayAsync(Ct));
                Assert.Equal(latestVisible ? [cell.Id] : [], Ids(envelope));
                Assert.Equal(HttpStatusCode.OK, list.StatusCode);
                Assert.Equal(versions, new TaxiiReader().ReadVersions(await list.Content.ReadAsByteArrayAsync(Ct)).Versions);
                AssertDateHeaders(list, versions.Select(v => dateAdded[(cell.Id, v)]).ToArray(), what);
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

    private string ManifestPath => $"/taxii2/default/collections/{_collectionId:D}/manifest/";

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

    private async Task<StoredObject> ReadStoredAsync(string id) =>
        Assert.Single(await _store.ReadObjectsAsync(_collectionId, ObjectFilter.None with { Ids = [id] }, cancellationToken: Ct).ToListAsync(Ct));
}
