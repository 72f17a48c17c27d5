using System.Net;
using System.Text;
using Detente.Stix;
using Detente.Stix.Schema;
using Detente.Storage;
using Detente.Taxii;

namespace Detente.Node.Tests;

/// <summary>
/// "first" and "last" are the caller's: DELETE chooses among the versions the caller may see, exactly as GET does, and
/// <c>last</c> within an explicit <c>match[spec_version]</c> is the latest version the reader may see in those spec versions.
/// </summary>
public abstract partial class NodeContractTests
{
    private const string StampOne = "2025-01-01T00:00:01.000Z";
    private const string StampTwo = "2025-01-01T00:00:02.000Z";
    private const string StampThree = "2025-01-01T00:00:03.000Z";

    /// <summary>Every version of <paramref name="id"/> the store holds, oldest version first (what an administrator of the store sees).</summary>
    private async Task<List<string>> StoredVersionsAsync(string id)
    {
        var versions = new List<string>();
        await foreach (StoredObject o in _store.ReadObjectsAsync(_collectionId, ObjectFilter.VersionsOf(id, specVersions: ["2.0", "2.1"]), cancellationToken: Ct))
        {
            versions.Add(o.Version.ToString());
        }

        return [.. versions.Order(StringComparer.Ordinal)];
    }

    /// <summary>The versions the manifest lists for <paramref name="id"/> to <paramref name="token"/> with <paramref name="query"/>.</summary>
    private async Task<string[]> ManifestVersionsAsync(string token, string id, string query)
    {
        using HttpResponseMessage response = await SendAsync(HttpMethod.Get, ManifestPath + $"?match[id]={id}&{query}", token);
        if (response.StatusCode == HttpStatusCode.NoContent)
        {
            return [];
        }

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. new TaxiiReader().ReadManifest(await response.Content.ReadAsByteArrayAsync(Ct)).Objects.Select(r => r.Version.ToString())];
    }

    [Fact]
    public async Task Delete_first_or_last_chooses_among_the_versions_the_caller_may_see()
    {
        // A guest writer (no configured partner: TLP:CLEAR only) with read and write access.
        string guest = await CreateTokenAsync("p-writer", TokenRole.Partner);
        Assert.True(await _store.GrantAsync(_collectionId, "p-writer", CollectionAccess.ReadWrite, Ct));
        // hidden: its first version is TLP:RED (withheld from the guest), then two CLEAR versions; plain: three CLEAR versions.
        string hidden = NewIndicatorId(), plain = NewIndicatorId();
        var red = new Cell(hidden, Level.Red, Placement.ObjectTlp2, false, null);
        var clear = new Cell(hidden, Level.Clear, Placement.ObjectTlp2, false, null);
        var plainClear = new Cell(plain, Level.Clear, Placement.ObjectTlp2, false, null);
        Assert.Equal(6, (await PostAsync(MarkedIndicator(red, 1), MarkedIndicator(clear, 2), MarkedIndicator(clear, 3),
            MarkedIndicator(plainClear, 1), MarkedIndicator(plainClear, 2), MarkedIndicator(plainClear, 3))).SuccessCount);
        Assert.Equal([StampTwo, StampThree], await ManifestVersionsAsync(guest, hidden, "match[version]=all"));

        // "first" for the guest is its earliest visible version: the withheld first version stays, and the answer is the
        // very answer for an object that never had a withheld version.
        using HttpResponseMessage deleteHidden = await SendAsync(HttpMethod.Delete, ObjectsPath + hidden + "/?match[version]=first", guest);
        using HttpResponseMessage deletePlain = await SendAsync(HttpMethod.Delete, ObjectsPath + plain + "/?match[version]=first", guest);
        Assert.Equal(HttpStatusCode.OK, deleteHidden.StatusCode);
        Assert.Equal(deletePlain.StatusCode, deleteHidden.StatusCode);
        Assert.Equal(deletePlain.Content.Headers.ContentType?.ToString(), deleteHidden.Content.Headers.ContentType?.ToString());
        Assert.Equal(await deletePlain.Content.ReadAsByteArrayAsync(Ct), await deleteHidden.Content.ReadAsByteArrayAsync(Ct));
        Assert.Equal([StampOne, StampThree], await StoredVersionsAsync(hidden));
        Assert.Equal([StampTwo, StampThree], await StoredVersionsAsync(plain));

        // An administrator's "first" is the store's first.
        using (HttpResponseMessage adminFirst = await SendAsync(HttpMethod.Delete, ObjectsPath + plain + "/?match[version]=first", _adminToken))
        {
            Assert.Equal(HttpStatusCode.OK, adminFirst.StatusCode);
        }

        Assert.Equal([StampThree], await StoredVersionsAsync(plain));

        // "all" deletes every version the guest may see, never the withheld one; the object is then gone for the guest
        // (its only version is withheld), and still there for local users.
        using (HttpResponseMessage deleteAll = await SendAsync(HttpMethod.Delete, ObjectsPath + hidden + "/", guest))
        {
            Assert.Equal(HttpStatusCode.OK, deleteAll.StatusCode);
        }

        Assert.Equal([StampOne], await StoredVersionsAsync(hidden));
        MissingAnswers missing = await MissingAnswersAsync(guest);
        using (HttpResponseMessage gone = await SendAsync(HttpMethod.Delete, ObjectsPath + hidden + "/?match[version]=first", guest))
        {
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
            Assert.Equal(missing.Object, await gone.Content.ReadAsByteArrayAsync(Ct));
        }

        Assert.Equal([StampOne], await StoredVersionsAsync(hidden));
    }

    [Fact]
    public async Task Delete_last_within_a_spec_version_is_the_callers_last_in_it()
    {
        // STIX 2.0 objects cannot be added through TAXII here (the validator takes 2.1 only), but a store may hold them
        // (written by another tool): 2.0 versions t1 CLEAR and t2 RED, then a 2.1 version t3 CLEAR (the latest).
        string guest = await CreateTokenAsync("p-writer2", TokenRole.Partner);
        Assert.True(await _store.GrantAsync(_collectionId, "p-writer2", CollectionAccess.ReadWrite, Ct));
        string id = NewIndicatorId();
        await AddSpecVersionsAsync(id);

        Assert.Equal([StampOne], await ManifestVersionsAsync(guest, id, "match[version]=last&match[spec_version]=2.0"));
        using (HttpResponseMessage delete = await SendAsync(HttpMethod.Delete, ObjectsPath + id + "/?match[version]=last&match[spec_version]=2.0", guest))
        {
            Assert.Equal(HttpStatusCode.OK, delete.StatusCode);
        }

        // The guest's last 2.0 version was t1: t2, withheld, stays.
        Assert.Equal([StampTwo, StampThree], await StoredVersionsAsync(id));
    }

    [Fact]
    public async Task Last_and_first_within_an_explicit_spec_version_are_the_readers_visible_versions()
    {
        string guest = await CreateTokenAsync("p-spec", TokenRole.Partner);
        Assert.True(await _store.GrantAsync(_collectionId, "p-spec", CollectionAccess.Read, Ct));
        string id = NewIndicatorId();
        await AddSpecVersionsAsync(id);

        // The guest: within 2.0 its last is t1 (t2 is RED); the default "last" is the latest spec version's.
        Assert.Equal([StampOne], await ManifestVersionsAsync(guest, id, "match[version]=last&match[spec_version]=2.0"));
        Assert.Equal([StampOne], await ManifestVersionsAsync(guest, id, "match[version]=first&match[spec_version]=2.0"));
        Assert.Equal([StampThree], await ManifestVersionsAsync(guest, id, "match[version]=last&match[spec_version]=2.1"));
        Assert.Equal([StampThree], await ManifestVersionsAsync(guest, id, "match[version]=first&match[spec_version]=2.1"));
        Assert.Equal([StampOne, StampThree], await ManifestVersionsAsync(guest, id, "match[version]=first,last&match[spec_version]=2.0,2.1"));
        Assert.Equal([StampThree], await ManifestVersionsAsync(guest, id, "match[version]=last"));
        // Without a spec version filter, only the latest spec version's versions are selected (TAXII's default).
        Assert.Equal([StampThree], await ManifestVersionsAsync(guest, id, "match[version]=all"));
        Assert.Equal([StampOne, StampThree], await ManifestVersionsAsync(guest, id, "match[version]=all&match[spec_version]=2.0,2.1"));

        // By id, the objects route answers the same version, with its bytes.
        using (HttpResponseMessage byId = await SendAsync(HttpMethod.Get, ObjectsPath + id + "/?match[version]=last&match[spec_version]=2.0", guest))
        {
            Assert.Equal(HttpStatusCode.OK, byId.StatusCode);
            string body = await byId.Content.ReadAsStringAsync(Ct);
            Assert.Contains("\"modified\":\"" + StampOne + "\"", body, StringComparison.Ordinal);
            Assert.DoesNotContain(StampTwo, body, StringComparison.Ordinal);
        }

        // A local user sees the store's versions: last within 2.0 is t2.
        Assert.Equal([StampTwo], await ManifestVersionsAsync(_adminToken, id, "match[version]=last&match[spec_version]=2.0"));
        Assert.Equal([StampOne], await ManifestVersionsAsync(_adminToken, id, "match[version]=first&match[spec_version]=2.0,2.1"));
    }

    /// <summary>Stores, behind TAXII, 2.0 versions t1 (CLEAR) and t2 (RED) of <paramref name="id"/>, then a 2.1 version t3 (CLEAR).</summary>
    private async Task AddSpecVersionsAsync(string id)
    {
        static string Stix20(string id, string modified, string marking) =>
            $$"""{"type":"indicator","id":"{{id}}","created":"2025-01-01T00:00:00.000Z","modified":"{{modified}}","labels":["malicious-activity"],"pattern":"[ipv4-addr:value = '198.51.100.1']","valid_from":"2025-01-01T00:00:00Z","object_marking_refs":["{{marking}}"]}""";
        ObjectToAdd Version(string specVersion, string modified, string json) =>
            new(id, specVersion, StixTimestamp.Parse(modified), Encoding.UTF8.GetBytes(json));
        var clear = new Cell(id, Level.Clear, Placement.ObjectTlp2, false, null);
        AddObjectsResult added = await _store.AddObjectsAsync(_collectionId,
        [
            Version("2.0", StampOne, Stix20(id, StampOne, TlpMarkings.Tlp2Clear)),
            Version("2.0", StampTwo, Stix20(id, StampTwo, TlpMarkings.Tlp2Red)),
            Version("2.1", StampThree, MarkedIndicator(clear, 3).Trim()),
        ], Ct);
        Assert.Equal(3, added.AddedCount);
    }
}
