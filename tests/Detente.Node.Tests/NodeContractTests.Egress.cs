using System.Net;
using Detente.Storage;
using Detente.Taxii;
using Detente.Taxii.Client;
using Detente.Taxii.Query;
using Microsoft.Extensions.DependencyInjection;

namespace Detente.Node.Tests;

public abstract partial class NodeContractTests
{
    /// <summary>Withholds the versions of some objects from everyone.</summary>
    private sealed class DenyIdsPolicy(IReadOnlySet<string> denied) : IEgressPolicy
    {
        public EgressDecision Decide(NodePrincipal reader, CollectionWithAccess collection, StoredObject version) =>
            denied.Contains(version.Id) ? EgressDecision.Deny("test") : ReadGrantEgressPolicy.Instance.Decide(reader, collection, version);
    }

    [Fact]
    public async Task Withheld_objects_change_no_count_header_more_or_page_boundary()
    {
        List<string> ids = await PostIndicatorsAsync(12);
        HashSet<string> denied = [ids[2], ids[5], ids[8], ids[11]];
        string[] visible = [.. ids.Where(id => !denied.Contains(id))];
        TaxiiManifest all = (await Client(_adminToken).GetManifestAsync(DefaultRoot, CollectionId, new TaxiiObjectQuery { Limit = 50 }, Ct)).Resource;
        Dictionary<string, string> dateAdded = all.Objects.ToDictionary(r => r.Id, r => r.DateAdded.ToString());

        (_, Uri server) = await StartNodeAsync(new DenyIdsPolicy(denied));
        TaxiiClient client = Client(_adminToken, server: server);
        var root = new Uri(server, "/taxii2/default/");

        // Pages of 4 hold 4 visible objects each; the second ends the listing although a withheld object follows it.
        var seen = new List<string>();
        TaxiiObjectQuery query = new() { Limit = 4 };
        var mores = new List<bool>();
        while (true)
        {
            TaxiiPage<TaxiiEnvelope> page = await client.GetObjectsAsync(root, CollectionId, query, Ct);
            string[] pageIds = Ids(page.Resource);
            Assert.Equal(4, pageIds.Length);
            Assert.Equal(dateAdded[pageIds[0]], page.DateAddedFirst!.Value.ToString());
            Assert.Equal(dateAdded[pageIds[^1]], page.DateAddedLast!.Value.ToString());
            seen.AddRange(pageIds);
            mores.Add(page.Resource.More);
            if (!page.Resource.More)
            {
                break;
            }

            query = query with { Next = page.Resource.Next };
        }

        Assert.Equal(visible, seen);
        Assert.Equal([true, false], mores);

        // added_after paging and the manifest see the same.
        TaxiiPage<TaxiiManifest> manifest = await client.GetManifestAsync(root, CollectionId, new TaxiiObjectQuery { Limit = 50 }, Ct);
        Assert.Equal(visible, manifest.Resource.Objects.Select(r => r.Id));
        Assert.False(manifest.Resource.More);
        Assert.Equal(dateAdded[visible[^1]], manifest.DateAddedLast!.Value.ToString());
        TaxiiPage<TaxiiEnvelope> tail = await client.GetObjectsAsync(root, CollectionId, new TaxiiObjectQuery { AddedAfter = manifest.DateAddedLast }, Ct);
        Assert.Empty(tail.Resource.Objects);
        Assert.Null(tail.DateAddedFirst);

        // A withheld object does not exist for the reader: not by id, not its versions, not for deletion.
        using var http = new HttpClient();
        foreach ((HttpMethod method, string path) in new[]
        {
            (HttpMethod.Get, $"objects/{ids[2]}/"),
            (HttpMethod.Get, $"objects/{ids[2]}/versions/"),
            (HttpMethod.Delete, $"objects/{ids[2]}/"),
        })
        {
            using var request = new HttpRequestMessage(method, new Uri(server, $"/taxii2/default/collections/{CollectionId}/{path}"));
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", _adminToken);
            await AssertTaxiiErrorAsync(await http.SendAsync(request, Ct), HttpStatusCode.NotFound);
        }

        Assert.Single((await Client(_adminToken).GetObjectAsync(DefaultRoot, CollectionId, ids[2], null, Ct)).Resource.Objects);
    }

    [Fact]
    public async Task A_large_post_is_answered_pending_and_completed_by_the_worker()
    {
        IngestQueue queue = _app.Services.GetRequiredService<IngestQueue>();
        var firstChunk = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var done = new TaskCompletionSource<Guid>(TaskCreationOptions.RunContinuationsAsynchronously);
        queue.AfterChunk = async (_, stored, ct) =>
        {
            if (stored == Limits.IngestChunkSize)
            {
                firstChunk.TrySetResult();
                await release.Task.WaitAsync(ct);
            }
        };
        queue.JobDone = id => done.TrySetResult(id);

        var ids = Enumerable.Range(0, 12).Select(_ => NewIndicatorId()).ToList();
        string invalid = Indicator(NewIndicatorId(), 1).Replace("\"pattern_type\":\"stix\",", "", StringComparison.Ordinal);
        TaxiiStatus posted = await PostAsync(ids.Select(id => Indicator(id, 1)).Append(invalid));
        Assert.False(posted.IsComplete);
        Assert.Equal(13, posted.TotalCount);
        Assert.Equal(1, posted.FailureCount);
        Assert.True(posted.PendingCount >= 12 - Limits.IngestChunkSize);

        // Held after its first chunk, the job's status shows what is stored and what is pending.
        await firstChunk.Task.WaitAsync(Ct);
        TaxiiStatus running = await Client(_adminToken).GetStatusAsync(DefaultRoot, posted.Id, Ct);
        Assert.Equal(Limits.IngestChunkSize, running.SuccessCount);
        Assert.Equal(12 - Limits.IngestChunkSize, running.PendingCount);
        Assert.Equal(12 - Limits.IngestChunkSize, running.Pendings.Count);
        Assert.Equal(Limits.IngestChunkSize, (await Client(_adminToken).GetObjectsAsync(DefaultRoot, CollectionId, new TaxiiObjectQuery { Limit = 50 }, Ct)).Resource.Objects.Count);
        release.SetResult();

        // The wait is driven by the worker's completion, bounded in attempts, not by the clock.
        TaxiiStatus final = await Client(_adminToken).WaitForStatusAsync(DefaultRoot, posted, async (attempt, ct) =>
        {
            Assert.True(attempt <= 2, "The status stayed pending after the worker finished.");
            await done.Task.WaitAsync(ct);
        }, Ct);
        Assert.Equal(Guid.Parse(posted.Id), await done.Task);
        Assert.True(final.IsComplete);
        Assert.Equal(12, final.SuccessCount);
        Assert.Equal(1, final.FailureCount);
        Assert.Equal(0, final.PendingCount);
        TaxiiEnvelope stored = (await Client(_adminToken).GetObjectsAsync(DefaultRoot, CollectionId, new TaxiiObjectQuery { Limit = 50 }, Ct)).Resource;
        Assert.Equal(ids, Ids(stored));
    }

    [Fact]
    public async Task Stopping_the_node_drains_queued_posts()
    {
        var ids = Enumerable.Range(0, 11).Select(_ => NewIndicatorId()).ToList();
        TaxiiStatus posted = await PostAsync(ids.Select(id => Indicator(id, 1)));
        Assert.Equal(11, posted.TotalCount);
        await _app.StopAsync(Ct);
        StatusResource status = (await _store.GetStatusAsync(Guid.Parse(posted.Id), Ct))!;
        Assert.Equal("complete", status.Status);
        Assert.Equal(11, status.SuccessCount);
    }
}
