using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using Detente.Node;
using Detente.Stix.Schema;
using Detente.Storage;
using Detente.Storage.Sqlite;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Detente.Load;

/// <summary>
/// A partner's page with and without withheld versions between the visible ones, with and without the store's egress-class
/// prefilter, in one run: one SQLite store with two collections holding the same number of visible (AMBER, the default)
/// indicators, one of them with <c>--withheld</c> TLP:RED indicators interleaved (an equal run after each visible one), and
/// two nodes on the store, one with the node's policy (the store skips RED for a partner in an index), one with the same
/// decisions but no prefilter (the store reads every version and the gate drops the RED ones). A partner walks each
/// collection with <c>next</c> on each node in turn; the page rate, latency and process CPU per page of the four are compared.
/// </summary>
internal static class WithheldAb
{
    /// <summary>The node's decisions without its egress class: what the gate did before the store kept classes.</summary>
    private sealed class WithoutPrefilter(IEgressPolicy inner) : IEgressPolicy
    {
        public EgressDecision Decide(NodePrincipal reader, CollectionWithAccess collection, StoredObject version) => inner.Decide(reader, collection, version);

        public Func<StoredObject, EgressDecision> For(NodePrincipal reader, CollectionWithAccess collection) => inner.For(reader, collection);

        public EgressDecision DecideLog(NodePrincipal reader) => inner.DecideLog(reader);

        public object? DecisionStamp(NodePrincipal reader) => inner.DecisionStamp(reader);
    }

    public static async Task<int> RunAsync(Options options, int rounds, int withheld)
    {
        string folder = Path.Combine(Path.GetTempPath(), "detente-withheld-ab-" + Guid.NewGuid().ToString("N"));
        NodeDataFolder.Open(folder);
        try
        {
            await using IStore store = await SqliteStore.OpenAsync(folder, TimeProvider.System);
            BootstrapResult bootstrap = await NodeBootstrap.EnsureAsync(store, TimeProvider.System);
            Guid crowded = bootstrap.DefaultCollectionId!.Value;
            var quiet = Guid.NewGuid();
            await store.CreateCollectionAsync(new Collection { Id = quiet, ApiRoot = NodeBootstrap.DefaultApiRootName, Title = "quiet" });
            string secret = await LoadHarness.AddReadingPartnerAsync(store, crowded, quiet);

            await using WebApplication prefiltered = await LoadHarness.StartNodeAsync(store, LoadHarness.Unlimited);
            await using WebApplication plain = await LoadHarness.StartNodeAsync(store, LoadHarness.Unlimited, new WithoutPrefilter(prefiltered.Services.GetRequiredService<IEgressPolicy>()));

            // Ingest through the node, so that facts and classes are stored as in production: the quiet collection gets the
            // visible indicators; the crowded one the same number, each followed by its share of TLP:RED ones.
            Options quietOptions = options with { Collection = quiet.ToString("D") };
            Options crowdedOptions = options with { Collection = crowded.ToString("D") };
            int perGap = withheld / options.Objects;
            IEnumerable<string> interleaved = Indicators.Objects(options.Seed, options.Objects)
                .Zip(Indicators.Objects(options.Seed + 1, perGap * options.Objects, TlpMarkings.Tlp2Red).Chunk(Math.Max(1, perGap))
                    .Concat(Enumerable.Repeat(Array.Empty<string>(), options.Objects)))
                .SelectMany(pair => perGap == 0 ? [pair.First] : pair.Second.Prepend(pair.First));
            var ingest = Stopwatch.StartNew();
            using (HttpClient admin = LoadHarness.Client(prefiltered, bootstrap.AdminToken!, options))
            {
                foreach ((Options target, IEnumerable<string> objects) in new[] { (quietOptions, Indicators.Objects(options.Seed, options.Objects)), (crowdedOptions, interleaved) })
                {
                    foreach (string[] chunk in objects.Chunk(options.Envelope))
                    {
                        using var content = new ByteArrayContent(Indicators.Envelope(chunk));
                        content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/taxii+json;version=2.1");
                        using HttpResponseMessage response = await admin.PostAsync(target.ObjectsPath, content);
                        response.EnsureSuccessStatusCode();
                    }
                }
            }

            // Large envelopes are stored after the answer: wait until every version is.
            long expected = options.Objects + (long)perGap * options.Objects;
            while (await store.ReadObjectsAsync(crowded, ObjectFilter.None, pageSizeHint: 1000).CountAsync() < expected
                || await store.ReadObjectsAsync(quiet, ObjectFilter.None, pageSizeHint: 1000).CountAsync() < options.Objects)
            {
                await Task.Delay(200);
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"# stored {options.Objects} visible per collection, {perGap * options.Objects} TLP:RED in the crowded one ({perGap} after each visible) in {ingest.Elapsed.TotalSeconds:F0} s"));

            using HttpClient prefilteredClient = LoadHarness.Client(prefiltered, secret, options);
            using HttpClient plainClient = LoadHarness.Client(plain, secret, options);
            (string Name, HttpClient Http, Options Options)[] sides =
            [
                ("quiet/prefilter", prefilteredClient, quietOptions), ("quiet/none", plainClient, quietOptions),
                ("crowded/prefilter", prefilteredClient, crowdedOptions), ("crowded/none", plainClient, crowdedOptions),
            ];
            foreach ((_, HttpClient http, Options o) in sides)
            {
                using var warm = new CancellationTokenSource(TimeSpan.FromSeconds(Math.Min(3, options.Seconds)));
                await Program.ReadPagesAsync(http, o, options.Concurrency, warm.Token);
            }

            var rates = sides.ToDictionary(s => s.Name, _ => new List<double>());
            var cpu = sides.ToDictionary(s => s.Name, _ => new List<double>());
            var p50 = sides.ToDictionary(s => s.Name, _ => new List<double>());
            for (int round = 0; round < rounds; round++)
            {
                foreach ((string name, HttpClient http, Options o) in round % 2 == 0 ? sides : sides.Reverse())
                {
                    TimeSpan cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
                    using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(options.Seconds));
                    Program.ReadResult result = await Program.ReadPagesAsync(http, o, options.Concurrency, stop.Token);
                    double cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds;
                    if (result.WalkObjects.Any(n => n != options.Objects))
                    {
                        await Console.Error.WriteLineAsync($"{name}: a walk saw {string.Join('/', result.WalkObjects.Distinct())} objects, not {options.Objects}");
                        return 1;
                    }

                    double rate = result.Pages / result.Wall.TotalSeconds, perPage = cpuSeconds * 1e6 / result.Pages;
                    long[] sorted = [.. result.Latencies.Order()];
                    double median = sorted.Length == 0 ? double.NaN : sorted[sorted.Length / 2] * 1000.0 / Stopwatch.Frequency;
                    rates[name].Add(rate);
                    cpu[name].Add(perPage);
                    p50[name].Add(median);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"round {round + 1} {name,-18}: {result.Pages} pages in {result.Wall.TotalSeconds:F2} s, {rate:F0} pages/s, "
                        + $"process cpu {perPage:F0} µs/page, {Latency.Describe(result.Latencies)}, load {LoadHarness.LoadAverage()}"));
                }
            }

            foreach ((string name, _, _) in sides)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"median {name,-18}: {LoadHarness.Median(rates[name]):F0} pages/s, p50 {LoadHarness.Median(p50[name]):F2} ms, process cpu {LoadHarness.Median(cpu[name]):F0} µs/page"));
            }

            foreach (string side in new[] { "prefilter", "none" })
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"crowded / quiet, {side}: p50 latency x{LoadHarness.Median(p50["crowded/" + side]) / LoadHarness.Median(p50["quiet/" + side]):F2}, "
                    + $"cpu per page x{LoadHarness.Median(cpu["crowded/" + side]) / LoadHarness.Median(cpu["quiet/" + side]):F2}"));
            }

            await prefiltered.StopAsync();
            await plain.StopAsync();
            return 0;
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }

}
