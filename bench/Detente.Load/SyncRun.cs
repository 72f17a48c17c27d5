using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using Detente.Ledger.Notes;
using Detente.Node;
using Detente.Node.Sync;
using Detente.Stix.Signatures;
using Detente.Storage;
using Detente.Storage.Sqlite;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Detente.Load;

/// <summary>
/// Sync of N objects between two nodes in this process, each on its own SQLite store with its own log: the source is
/// filled first (not timed), then the sink's <see cref="PartnerSync"/> pulls everything with the full audit (checkpoint,
/// one inclusion proof per object, store with provenance and cursor). Prints objects/s and the process's memory, sampled
/// after every page (both nodes share the process: the figures bound the sink's from above).
/// </summary>
internal static class SyncRun
{
    public static async Task<int> RunAsync(int objects, int envelope, int pageSize)
    {
        string sourceFolder = Path.Combine(Path.GetTempPath(), "detente-sync-source-" + Guid.NewGuid().ToString("N"));
        string sinkFolder = Path.Combine(Path.GetTempPath(), "detente-sync-sink-" + Guid.NewGuid().ToString("N"));
        using StixSigningKey sourceKey = StixSigningKey.Create();
        using StixSigningKey sinkKey = StixSigningKey.Create();
        try
        {
            await using IStore source = await SqliteStore.OpenAsync(sourceFolder, TimeProvider.System);
            await using IStore sink = await SqliteStore.OpenAsync(sinkFolder, TimeProvider.System);
            BootstrapResult sourceBoot = await NodeBootstrap.EnsureAsync(source, TimeProvider.System);
            BootstrapResult sinkBoot = await NodeBootstrap.EnsureAsync(sink, TimeProvider.System);
            Guid collection = sourceBoot.DefaultCollectionId!.Value;

            // The sink reads the source's collection as a collection partner (the objects are unmarked: the default AMBER).
            await source.AddPartnerAsync(new PartnerRecord
            {
                Name = "sink",
                Identity = "identity--00000000-0000-4000-8000-00000000be02",
                VerificationKey = sinkKey.VerificationKey.RawPublicKey,
            });
            await source.SetCollectionPartnerAsync(collection, "sink", true);
            await source.GrantAsync(collection, "sink", CollectionAccess.Read);
            (ApiToken token, string secret) = NodeTokens.Create("sink", TokenRole.Partner, DateTimeOffset.UtcNow, null);
            await source.AddTokenAsync(token);

            // The source signs what it publishes (its identity is the creator), as the sink's origin check requires.
            var sourceSigning = new NodeSigning(sourceKey, NodeSigning.CreateIdentity("source", sourceKey, DateTimeOffset.UtcNow));
            await using WebApplication sourceNode = await LoadHarness.StartNodeAsync(source, new NodeOptions
            {
                Limits = NodeLimits.Default with { RatePermits = 0 },
                Log = new NodeLogOptions { Key = sourceKey, Origin = "source.example/log" },
                Signing = sourceSigning,
            });
            Uri sourceUrl = Address(sourceNode);
            using (var admin = new HttpClient { BaseAddress = sourceUrl, Timeout = TimeSpan.FromMinutes(10) })
            {
                admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", sourceBoot.AdminToken);
                var fill = Stopwatch.StartNew();
                foreach (byte[] body in Indicators.Envelopes(1, objects, envelope))
                {
                    using var content = new ByteArrayContent(body);
                    content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/taxii+json;version=2.1");
                    using HttpResponseMessage response = await admin.PostAsync($"taxii2/default/collections/{collection:D}/objects/", content);
                    response.EnsureSuccessStatusCode();
                }

                // Wait until the source's log covers every object (its sequencer seals within a second).
                while (await source.GetLogSizeAsync() < objects
                    || (await source.LogTiles.ReadCheckpointAsync() is not { } note
                        || Checkpoint.FromNote(SignedNote.Parse(note.Span)).Size < objects))
                {
                    await Task.Delay(100);
                }

                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"source filled: {objects} objects in {fill.Elapsed.TotalSeconds:F1} s (not timed below)"));
            }

            await sink.AddPartnerAsync(new PartnerRecord
            {
                Name = "source",
                Identity = sourceSigning.IdentityId,
                VerificationKey = sourceKey.VerificationKey.RawPublicKey,
                Url = sourceUrl,
            });
            await sink.SetPartnerLogKeyAsync("source", new NoteSigner("source.example/log", sourceKey).VerifierKey.ToString());
            await sink.SubscribeAsync(new SubscriptionRecord("source", "default", collection.ToString("D"), sinkBoot.DefaultCollectionId!.Value, null));
            var connection = new PartnerConnection { Url = sourceUrl, Token = secret };
            var sync = new PartnerSync(sink, new NodeSyncOptions { PageSize = pageSize, Connections = _ => connection }, TimeProvider.System);

            GC.Collect();
            long startHeap = GC.GetTotalMemory(true);
            long maxWorkingSet = 0, maxHeap = 0;
            var samples = new List<(long Objects, long WorkingSet, long Heap)>();
            long received = 0;
            TimeSpan cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            SyncReport report = await sync.SyncAsync("source", (p, _) =>
            {
                received += p.New;
                long workingSet = Environment.WorkingSet, heap = GC.GetTotalMemory(false);
                maxWorkingSet = Math.Max(maxWorkingSet, workingSet);
                maxHeap = Math.Max(maxHeap, heap);
                if (p.Page % Math.Max(1, objects / pageSize / 10) == 0)
                {
                    samples.Add((received, workingSet, heap));
                }

                return Task.CompletedTask;
            });
            double seconds = clock.Elapsed.TotalSeconds;
            double cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds;
            if (!report.IsClean || report.ObjectsNew != objects)
            {
                Console.Error.WriteLine($"sync: {report.ObjectsNew} new of {objects}, alarm {report.Alarm}");
                return 1;
            }

            foreach ((long n, long ws, long heap) in samples)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  after {n,9} objects: working set {ws / 1048576.0,7:F1} MiB, managed heap {heap / 1048576.0,7:F1} MiB"));
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"sync: {objects} objects in {report.Pages} pages, {seconds:F1} s, {objects / seconds:F0} objects/s, process cpu {cpu:F1} s; "
                + $"peak working set {maxWorkingSet / 1048576.0:F1} MiB, peak managed heap {maxHeap / 1048576.0:F1} MiB (start {startHeap / 1048576.0:F1} MiB); "
                + $"log verified at size {report.VerifiedSize}; load {LoadHarness.LoadAverage()}"));
            await sourceNode.StopAsync();
            return 0;
        }
        finally
        {
            Directory.Delete(sourceFolder, true);
            Directory.Delete(sinkFolder, true);
        }
    }


    private static Uri Address(WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");

}
