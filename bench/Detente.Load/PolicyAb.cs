using System.Net.Http.Headers;
using Detente.Node;
using Detente.Storage;
using Detente.Storage.Sqlite;
using Microsoft.AspNetCore.Builder;

namespace Detente.Load;

/// <summary>
/// The read benchmark with the sharing policy on and off, in one run: two nodes in this process on one SQLite store, one
/// with the node's policy (<see cref="SharingEgressPolicy"/>), one with <see cref="ReadGrantEgressPolicy"/>; a partner
/// walks the collection with <c>next</c> on each in turn (A, B, A, B, …), and the rates of each are compared.
/// </summary>
internal static class PolicyAb
{
    public static async Task<int> RunAsync(Options options, int rounds)
    {
        string folder = Path.Combine(Path.GetTempPath(), "detente-policy-ab-" + Guid.NewGuid().ToString("N"));
        NodeDataFolder.Open(folder);
        try
        {
            await using IStore store = await SqliteStore.OpenAsync(folder, TimeProvider.System);
            BootstrapResult bootstrap = await NodeBootstrap.EnsureAsync(store, TimeProvider.System);
            Guid collection = bootstrap.DefaultCollectionId!.Value;

            // The reader is a partner of the collection: unmarked objects are the collection's default, AMBER, which goes to
            // the collection's partners, so both nodes serve every object and the policy runs its whole course.
            string secret = await LoadHarness.AddReadingPartnerAsync(store, collection);

            await using WebApplication policyNode = await LoadHarness.StartNodeAsync(store, LoadHarness.Unlimited);
            await using WebApplication baselineNode = await LoadHarness.StartNodeAsync(store, LoadHarness.Unlimited, ReadGrantEgressPolicy.Instance);

            // Ingest through the policy node, so that the facts are stored as in production.
            using (HttpClient admin = LoadHarness.Client(policyNode, bootstrap.AdminToken!, options))
            {
                foreach (byte[] body in Indicators.Envelopes(options.Seed, options.Objects, options.Envelope))
                {
                    using var content = new ByteArrayContent(body);
                    content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/taxii+json;version=2.1");
                    using HttpResponseMessage response = await admin.PostAsync(options.ObjectsPath, content);
                    response.EnsureSuccessStatusCode();
                }
            }

            using HttpClient withPolicy = LoadHarness.Client(policyNode, secret, options);
            using HttpClient baseline = LoadHarness.Client(baselineNode, secret, options);
            // Warm-up, not counted: long enough for the read path of both to reach its optimized code (a few hundred pages
            // did not: the first measured round of the policy node was the slowest by far).
            foreach (HttpClient http in new[] { withPolicy, baseline })
            {
                using var warm = new CancellationTokenSource(TimeSpan.FromSeconds(Math.Min(5, options.Seconds)));
                await Program.ReadPagesAsync(http, options, options.Concurrency, warm.Token);
            }

            int exit = await LoadHarness.AlternateAsync("policy", "read-grant", rounds, "page", async name =>
            {
                using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(options.Seconds));
                Program.ReadResult result = await Program.ReadPagesAsync(name == "policy" ? withPolicy : baseline, options, options.Concurrency, stop.Token);
                return new RoundResult(result.Pages, result.Wall.TotalSeconds, ", " + Latency.Describe(result.Latencies),
                    result.WalkObjects.Any(n => n != options.Objects)
                        ? $"a walk saw {string.Join('/', result.WalkObjects.Distinct())} objects, not {options.Objects}"
                        : null);
            });
            await policyNode.StopAsync();
            await baselineNode.StopAsync();
            return exit;
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }

}
