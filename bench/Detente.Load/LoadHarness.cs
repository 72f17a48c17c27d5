using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Detente.Load;

/// <summary>What the in-process A/B and sync runs share: a client of a started node, the median of rounds, and the
/// machine's load average to print beside each figure.</summary>
internal static class LoadHarness
{
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

    /// <summary>The median of <paramref name="values"/>.</summary>
    public static double Median(List<double> values)
    {
        double[] sorted = [.. values.Order()];
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>The 1, 5 and 15 minute load averages ("?" where /proc/loadavg is absent).</summary>
    public static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";
}
