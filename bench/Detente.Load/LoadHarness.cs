using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using Detente.Node;
using Detente.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Detente.Load;

/// <summary>What the in-process A/B and sync runs share: a client of a started node, the alternating rounds of an A/B run
/// with their medians, and the machine's load average to print beside each figure.</summary>
internal static class LoadHarness
{
    /// <summary>The node options of a load run: the default limits without the per-principal rate limit.</summary>
    public static NodeOptions Unlimited => new() { Limits = NodeLimits.Default with { RatePermits = 0 } };

    /// <summary>Starts a node over <paramref name="store"/> on a free loopback port, logging warnings and above.</summary>
    public static async Task<WebApplication> StartNodeAsync(IStore store, NodeOptions options, IEgressPolicy? policy = null)
    {
        WebApplication app = DetenteNode.Build(store, options, ["http://127.0.0.1:0"], TimeProvider.System,
            static logging => logging.SetMinimumLevel(LogLevel.Warning).AddSimpleConsole(), policy);
        await app.StartAsync();
        return app;
    }

    /// <summary>
    /// Adds the partner <c>p-bench</c>, a partner of <paramref name="collections"/> with read access to them, and a partner
    /// token for it; returns the token's secret.
    /// </summary>
    public static async Task<string> AddReadingPartnerAsync(IStore store, params Guid[] collections)
    {
        await store.AddPartnerAsync(new PartnerRecord
        {
            Name = "p-bench",
            Identity = "identity--00000000-0000-4000-8000-00000000be01",
            VerificationKey = Convert.FromHexString("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"),
        });
        foreach (Guid collection in collections)
        {
            await store.SetCollectionPartnerAsync(collection, "p-bench", true);
            await store.GrantAsync(collection, "p-bench", CollectionAccess.Read);
        }

        (ApiToken token, string secret) = NodeTokens.Create("p-bench", TokenRole.Partner, DateTimeOffset.UtcNow, null);
        await store.AddTokenAsync(token);
        return secret;
    }

    /// <summary>A TAXII client of <paramref name="app"/> (its first bound address) with <paramref name="token"/>, enough
    /// connections for the options' concurrency.</summary>
    public static HttpClient Client(WebApplication app, string token, Options options)
    {
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = options.Concurrency + 1, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
        {
            BaseAddress = new Uri(address + "/"),
            Timeout = TimeSpan.FromMinutes(5),
        };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        http.DefaultRequestHeaders.TryAddWithoutValidation("Accept", "application/taxii+json;version=2.1");
        return http;
    }

    /// <summary>
    /// Runs <paramref name="a"/> and <paramref name="b"/> in turn (A B, B A, …) for <paramref name="rounds"/> rounds, timing
    /// the process CPU of each run; prints a line per run and then the medians of the rate and of the CPU per unit.
    /// </summary>
    /// <param name="a">The first side's name.</param>
    /// <param name="b">The second side's name.</param>
    /// <param name="rounds">How many rounds (each runs both sides once).</param>
    /// <param name="unit">What a run counts, singular ("object", "page").</param>
    /// <param name="run">One measured run of the named side.</param>
    /// <returns>0, or 1 at the first run that reports an error (printed on stderr).</returns>
    public static async Task<int> AlternateAsync(string a, string b, int rounds, string unit, Func<string, Task<RoundResult>> run)
    {
        var rates = new Dictionary<string, List<double>> { [a] = [], [b] = [] };
        var cpu = new Dictionary<string, List<double>> { [a] = [], [b] = [] };
        for (int round = 0; round < rounds; round++)
        {
            foreach (string name in round % 2 == 0 ? new[] { a, b } : [b, a])
            {
                TimeSpan cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
                RoundResult result = await run(name);
                double cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds;
                if (result.Error is { } error)
                {
                    Console.Error.WriteLine($"{name}: {error}");
                    return 1;
                }

                double rate = result.Units / result.WallSeconds, perUnit = cpuSeconds * 1e6 / result.Units;
                rates[name].Add(rate);
                cpu[name].Add(perUnit);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"round {round + 1} {name,-10}: {result.Units} {unit}s in {result.WallSeconds:F2} s, {rate:F0} {unit}s/s, "
                    + $"process cpu {perUnit:F1} µs/{unit}{result.Detail}, load {LoadAverage()}"));
            }
        }

        double medianA = Median(rates[a]), medianB = Median(rates[b]);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"median {unit}s/s: {a} {medianA:F0}, {b} {medianB:F0}, change {(medianA / medianB - 1) * 100:+0.0;-0.0}%; "
            + $"median process cpu µs/{unit}: {a} {Median(cpu[a]):F1}, {b} {Median(cpu[b]):F1}"));
        return 0;
    }

    /// <summary>The median of <paramref name="values"/>.</summary>
    public static double Median(List<double> values)
    {
        double[] sorted = [.. values.Order()];
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>The 1, 5 and 15 minute load averages ("?" where /proc/loadavg is absent).</summary>
    public static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";
}

/// <summary>One measured run of an A/B round: how many units it did in how long, a note for its line (starting with a
/// comma, or empty), or the error that ends the benchmark.</summary>
internal readonly record struct RoundResult(long Units, double WallSeconds, string Detail = "", string? Error = null);
