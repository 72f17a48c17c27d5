using System.Diagnostics;
using Detente.Node;
using Detente.Stix.Signatures;
using Detente.Storage;
using Detente.Storage.Sqlite;
using Microsoft.AspNetCore.Builder;

namespace Detente.Load;

/// <summary>
/// The ingest benchmark with signing on and off, in one run: two nodes in this process, each on its own SQLite store, one
/// with a signing identity (<see cref="NodeOptions.Signing"/>: every object an admin posts is set to be created by the node
/// and signed), one without; the admin posts fresh indicators to each in turn (A, B, B, A, …), and the rates and the
/// process CPU per object are compared.
/// </summary>
internal static class SigningAb
{
    public static async Task<int> RunAsync(Options options, int rounds)
    {
        string folderOn = Path.Combine(Path.GetTempPath(), "detente-signing-on-" + Guid.NewGuid().ToString("N"));
        string folderOff = Path.Combine(Path.GetTempPath(), "detente-signing-off-" + Guid.NewGuid().ToString("N"));
        NodeDataFolder.Open(folderOn);
        NodeDataFolder.Open(folderOff);
        using StixSigningKey key = StixSigningKey.Create();
        try
        {
            await using IStore storeOn = await SqliteStore.OpenAsync(folderOn, TimeProvider.System);
            await using IStore storeOff = await SqliteStore.OpenAsync(folderOff, TimeProvider.System);
            string tokenOn = (await NodeBootstrap.EnsureAsync(storeOn, TimeProvider.System)).AdminToken!;
            string tokenOff = (await NodeBootstrap.EnsureAsync(storeOff, TimeProvider.System)).AdminToken!;
            var signing = new NodeSigning(key, NodeSigning.CreateIdentity("Benchmark node", key, DateTimeOffset.UtcNow));
            await using WebApplication on = await LoadHarness.StartNodeAsync(storeOn, LoadHarness.Unlimited with { Signing = signing });
            await using WebApplication off = await LoadHarness.StartNodeAsync(storeOff, LoadHarness.Unlimited);
            using HttpClient clientOn = LoadHarness.Client(on, tokenOn, options);
            using HttpClient clientOff = LoadHarness.Client(off, tokenOff, options);
            int seed = options.Seed * 1000;
            foreach (HttpClient http in new[] { clientOn, clientOff })
            {
                await PostAllAsync(http, options, seed++, Math.Min(options.Objects, 5 * options.Envelope)); // warm-up, not counted
            }

            int exit = await LoadHarness.AlternateAsync("signing", "no-signing", rounds, "object", async name =>
            {
                var wall = Stopwatch.StartNew();
                long stored = await PostAllAsync(name == "signing" ? clientOn : clientOff, options, seed++, options.Objects);
                return new RoundResult(stored, wall.Elapsed.TotalSeconds,
                    Error: stored == options.Objects ? null : $"{stored} of {options.Objects} objects stored");
            });
            await on.StopAsync();
            await off.StopAsync();
            return exit;
        }
        finally
        {
            Directory.Delete(folderOn, true);
            Directory.Delete(folderOff, true);
        }
    }

    /// <summary>Posts <paramref name="objects"/> fresh indicators with <see cref="Options.Concurrency"/> requests in flight;
    /// returns how many the node stored.</summary>
    private static async Task<long> PostAllAsync(HttpClient http, Options options, int seed, int objects)
    {
        byte[][] bodies = [.. Indicators.Envelopes(seed, objects, options.Envelope)];
        int next = -1;
        long stored = 0;
        await Task.WhenAll(Enumerable.Range(0, options.Concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < bodies.Length)
            {
                Interlocked.Add(ref stored, await Program.PostAsync(http, options.ObjectsPath, bodies[i]));
            }
        })));
        return stored;
    }

}
