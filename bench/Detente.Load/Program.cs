using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Detente.Load;

/// <summary>
/// A load client for a running node (<c>detente serve --rate-limit 0</c>): posts envelopes of indicators, pages through a
/// collection, or does both for a long run while sampling the node's memory from <c>/metrics</c>. It parses as little as
/// it can, so that the machine's cores go to the node. See docs/PERFORMANCE.md for the commands.
/// </summary>
public static class Program
{
    private const string Taxii21 = "application/taxii+json;version=2.1";

    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 0)
        {
            await Console.Error.WriteLineAsync(Usage);
            return 2;
        }

        if (args[0] == "sync")
        {
            // Two nodes in-process: no URL or token to give.
            int objects = Arg(args, "--objects", 100_000), envelope = Arg(args, "--envelope", 1_000), page = Arg(args, "--limit", 500);
            Console.WriteLine($"# sync objects {objects} page {page} | {Environment.ProcessorCount} cores, .NET {Environment.Version}");
            return await SyncRun.RunAsync(objects, envelope, page);
        }

        if (args[0] is "policy-ab" or "signing-ab" or "withheld-ab")
        {
            // In-process nodes: no URL or token to give.
            List<string> rest = [.. args.Skip(1)];
            int at = rest.IndexOf("--rounds");
            int rounds = 6;
            if (at >= 0 && at + 1 < rest.Count && int.TryParse(rest[at + 1], NumberStyles.None, CultureInfo.InvariantCulture, out rounds))
            {
                rest.RemoveRange(at, 2);
            }

            at = rest.IndexOf("--withheld");
            int withheld = 100_000;
            if (at >= 0 && at + 1 < rest.Count && int.TryParse(rest[at + 1], NumberStyles.None, CultureInfo.InvariantCulture, out withheld))
            {
                rest.RemoveRange(at, 2);
            }

            if (!Options.TryParse([.. rest, "--url", "http://127.0.0.1/", "--token", "-"], out Options? abOptions, out string? abProblem))
            {
                await Console.Error.WriteLineAsync(abProblem + Environment.NewLine + Usage);
                return 2;
            }

            Console.WriteLine($"# {args[0]} objects {abOptions.Objects} envelope {abOptions.Envelope} rounds {rounds} seconds {abOptions.Seconds} concurrency {abOptions.Concurrency} | {Environment.ProcessorCount} cores, .NET {Environment.Version}");
            return args[0] switch
            {
                "policy-ab" => await PolicyAb.RunAsync(abOptions, rounds),
                "withheld-ab" => await WithheldAb.RunAsync(abOptions, rounds, withheld),
                _ => await SigningAb.RunAsync(abOptions, rounds),
            };
        }

        if (!Options.TryParse(args.AsSpan(1), out Options? options, out string? problem))
        {
            await Console.Error.WriteLineAsync(problem + Environment.NewLine + Usage);
            return 2;
        }

        using var http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = options.Concurrency + 1,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            AutomaticDecompression = DecompressionMethods.None,
        })
        {
            BaseAddress = options.Url,
            Timeout = TimeSpan.FromMinutes(5),
        };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.Token);
        http.DefaultRequestHeaders.TryAddWithoutValidation("Accept", Taxii21);
        Console.WriteLine($"# {args[0]} {options} | client: {Environment.ProcessorCount} cores, .NET {Environment.Version}");
        return args[0] switch
        {
            "ingest" => await IngestAsync(http, options),
            "read" => await ReadAsync(http, options),
            "soak" => await SoakAsync(http, options),
            _ => Fail(Usage),
        };
    }

    private const string Usage = """
        usage: Detente.Load ingest|read|soak --url URL --token TOKEN [--collection ALIAS-OR-ID] [--api-root NAME]
                 ingest: [--objects 100000] [--envelope 1000] [--concurrency 2] [--seed 1]
                 read:   [--limit 100] [--seconds 30] [--concurrency 4] [--expect 100000]
                 sync (two nodes in-process, no --url/--token): [--objects 100000] [--envelope 1000] [--limit 500]
                 policy-ab (two nodes in-process, no --url/--token): [--objects 100000] [--rounds 6] [--seconds 30] [--concurrency 4] [--limit 100]
                 withheld-ab (two nodes in-process, two collections; --objects visible per collection, --withheld TLP:RED interleaved in one): [--objects 1000] [--withheld 100000] [--rounds 6] [--seconds 30] [--concurrency 4] [--limit 100]
                 signing-ab (two nodes in-process, each posted --objects fresh indicators per round): [--objects 100000] [--envelope 1000] [--rounds 6] [--concurrency 2]
                 soak:   [--minutes 10] [--sample-seconds 30] [--limit 100] [--concurrency 4] [--write-every-seconds 2] [--envelope 1000] [--seed 1]
        """;

    private static int Arg(string[] args, string name, int fallback)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length && int.TryParse(args[at + 1], NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value > 0
            ? value
            : fallback;
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine(message);
        return 2;
    }

    // ---- ingest ----

    private static async Task<int> IngestAsync(HttpClient http, Options options)
    {
        byte[][] bodies = [.. Indicators.Envelopes(options.Seed, options.Objects, options.Envelope)];
        var latencies = new long[bodies.Length];
        int nextBody = -1;
        long failures = 0;
        var wall = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, options.Concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref nextBody)) < bodies.Length)
            {
                long started = Stopwatch.GetTimestamp();
                int succeeded = await PostAsync(http, options.ObjectsPath, bodies[i]);
                latencies[i] = Stopwatch.GetTimestamp() - started;
                if (succeeded != options.Envelope)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        })));
        wall.Stop();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ingest: {options.Objects} objects in {bodies.Length} envelopes of {options.Envelope}, concurrency {options.Concurrency}: "
            + $"{wall.Elapsed.TotalSeconds:F2} s, {options.Objects / wall.Elapsed.TotalSeconds:F0} objects/s, "
            + $"{bodies.Length / wall.Elapsed.TotalSeconds:F1} requests/s, {Latency.Describe(latencies)}, envelopes not fully stored: {failures}"));
        return failures == 0 ? 0 : 1;
    }

    /// <summary>Posts an envelope and waits until its status is complete; the number of objects stored.</summary>
    internal static async Task<int> PostAsync(HttpClient http, string path, byte[] body)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(Taxii21);
        using HttpResponseMessage response = await http.PostAsync(path, content);
        if (response.StatusCode != HttpStatusCode.Accepted)
        {
            throw new InvalidOperationException($"POST {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        using JsonDocument status = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync());
        string id = status.RootElement.GetProperty("id").GetString()!;
        JsonDocument current = status;
        try
        {
            // A request over the node's asynchronous threshold is answered pending: follow its status.
            while (current.RootElement.GetProperty("status").GetString() == "pending")
            {
                await Task.Yield();
                using HttpResponseMessage again = await http.GetAsync(new Uri(http.BaseAddress!, "status/" + id + "/"));
                current = JsonDocument.Parse(await again.Content.ReadAsByteArrayAsync());
            }

            return current.RootElement.GetProperty("success_count").GetInt32();
        }
        finally
        {
            if (!ReferenceEquals(current, status))
            {
                current.Dispose();
            }
        }
    }

    // ---- read ----

    private static async Task<int> ReadAsync(HttpClient http, Options options)
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(options.Seconds));
        // A short warm-up, not counted: the node's first requests compile its code.
        await ReadPagesAsync(http, options, 1, CancellationToken.None, maxPages: 200);
        ReadResult result = await ReadPagesAsync(http, options, options.Concurrency, stop.Token);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"read: pages of {options.Limit}, concurrency {options.Concurrency}, {result.Wall.TotalSeconds:F1} s: {result.Pages} pages, "
            + $"{result.Pages / result.Wall.TotalSeconds:F0} pages/s, {result.Objects / result.Wall.TotalSeconds:F0} objects/s, "
            + $"{result.Bytes / result.Wall.TotalSeconds / (1 << 20):F1} MiB/s, {Latency.Describe(result.Latencies)}, "
            + $"complete walks {result.Walks} (objects per walk {(result.WalkObjects.Count == 0 ? "-" : string.Join('/', result.WalkObjects.Distinct()))})"));
        return options.Expect > 0 && result.WalkObjects.Any(n => n != options.Expect) ? 1 : 0;
    }

    internal sealed record ReadResult(long Pages, long Objects, long Bytes, TimeSpan Wall, long[] Latencies, int Walks, IReadOnlyList<long> WalkObjects);

    /// <summary>Each worker walks the collection page by page with <c>next</c>, and starts over at its end.</summary>
    internal static async Task<ReadResult> ReadPagesAsync(HttpClient http, Options options, int workers, CancellationToken stop, long maxPages = long.MaxValue)
    {
        var perWorker = new List<long>[workers];
        long pages = 0, objects = 0, bytes = 0;
        var walkObjects = new System.Collections.Concurrent.ConcurrentBag<long>();
        var wall = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
        {
            var latencies = perWorker[w] = new List<long>(1 << 16);
            string? next = null;
            long walk = 0;
            bool partialWalk = w > 0; // workers after the first start mid-collection after one page, to spread the reads
            while (!stop.IsCancellationRequested && Interlocked.Read(ref pages) < maxPages)
            {
                string query = "?limit=" + options.Limit.ToString(CultureInfo.InvariantCulture) + (next is null ? "" : "&next=" + Uri.EscapeDataString(next));
                long started = Stopwatch.GetTimestamp();
                byte[] body;
                try
                {
                    body = await http.GetByteArrayAsync(options.ObjectsPath + query, stop);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    break;
                }

                latencies.Add(Stopwatch.GetTimestamp() - started);
                int count = Envelopes.CountObjects(body);
                Interlocked.Increment(ref pages);
                Interlocked.Add(ref objects, count);
                Interlocked.Add(ref bytes, body.Length);
                walk += count;
                next = Envelopes.Next(body);
                if (next is null)
                {
                    if (!partialWalk)
                    {
                        walkObjects.Add(walk);
                    }

                    partialWalk = false;
                    walk = 0;
                }
            }
        })));
        wall.Stop();
        return new ReadResult(pages, objects, bytes, wall.Elapsed, [.. perWorker.SelectMany(l => l)], walkObjects.Count, [.. walkObjects]);
    }

    // ---- soak ----

    private static async Task<int> SoakAsync(HttpClient http, Options options)
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(options.Minutes));
        Task<ReadResult> reading = ReadPagesAsync(http, options, options.Concurrency, stop.Token);
        Task writing = Task.Run(async () =>
        {
            int seed = options.Seed * 1_000;
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.WriteEverySeconds));
            try
            {
                while (await timer.WaitForNextTickAsync(stop.Token))
                {
                    byte[] body = Indicators.Envelopes(seed++, options.Envelope, options.Envelope).Single();
                    await PostAsync(http, options.ObjectsPath, body);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
        });

        Console.WriteLine("elapsed_s\tworking_set_mib\tgc_heap_mib\tgen2_collections\trequests_total");
        var clock = Stopwatch.StartNew();
        using (var sampler = new PeriodicTimer(TimeSpan.FromSeconds(options.SampleSeconds)))
        {
            do
            {
                string metrics = await http.GetStringAsync("/metrics");
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{clock.Elapsed.TotalSeconds:F0}\t{Metric(metrics, "process_working_set_bytes ") / (1 << 20):F1}\t"
                    + $"{Metric(metrics, "dotnet_gc_heap_bytes ") / (1 << 20):F1}\t{Metric(metrics, "dotnet_gc_collections_total{generation=\"2\"} "):F0}\t"
                    + $"{SumMetric(metrics, "detente_http_requests_total{"):F0}"));
            }
            while (!stop.IsCancellationRequested && await WaitAsync(sampler, stop.Token));
        }

        ReadResult result = await reading;
        await writing;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"soak: {result.Wall.TotalMinutes:F1} min, {result.Pages / result.Wall.TotalSeconds:F0} pages/s, {Latency.Describe(result.Latencies)}"));
        return 0;
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stop)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stop);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static double Metric(string text, string prefix)
    {
        foreach (string line in text.Split('\n'))
        {
            if (line.StartsWith(prefix, StringComparison.Ordinal))
            {
                return double.Parse(line.AsSpan(prefix.Length), CultureInfo.InvariantCulture);
            }
        }

        return double.NaN;
    }

    private static double SumMetric(string text, string prefix) =>
        text.Split('\n').Where(l => l.StartsWith(prefix, StringComparison.Ordinal))
            .Sum(l => double.Parse(l.AsSpan(l.LastIndexOf(' ') + 1), CultureInfo.InvariantCulture));
}

/// <summary>The command line: every option has a default but the URL and the token.</summary>
internal sealed record Options
{
    public required Uri Url { get; init; }

    public required string Token { get; init; }

    public string ApiRoot { get; init; } = "default";

    public string Collection { get; init; } = "default";

    public int Objects { get; init; } = 100_000;

    public int Envelope { get; init; } = 1_000;

    public int Concurrency { get; init; } = 2;

    public int Seed { get; init; } = 1;

    public int Limit { get; init; } = 100;

    public int Seconds { get; init; } = 30;

    public long Expect { get; init; }

    public int Minutes { get; init; } = 10;

    public int SampleSeconds { get; init; } = 30;

    public int WriteEverySeconds { get; init; } = 2;

    public string ObjectsPath => $"taxii2/{ApiRoot}/collections/{Collection}/objects/";

    public override string ToString() => $"url {Url} collection {ApiRoot}/{Collection}";

    public static bool TryParse(ReadOnlySpan<string> args, [NotNullWhen(true)] out Options? options, out string? problem)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        options = null;
        problem = null;
        for (int i = 0; i < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                problem = $"'{args[i]}' is not '--option value'.";
                return false;
            }

            values[args[i][2..]] = args[i + 1];
        }

        if (!values.TryGetValue("url", out string? url) || !Uri.TryCreate(url.TrimEnd('/') + "/", UriKind.Absolute, out Uri? uri)
            || !values.TryGetValue("token", out string? token))
        {
            problem = "--url and --token are required.";
            return false;
        }

        try
        {
            options = new Options
            {
                Url = new Uri(uri, "/"),
                Token = token,
                ApiRoot = values.GetValueOrDefault("api-root", "default"),
                Collection = values.GetValueOrDefault("collection", "default"),
                Objects = Int(values, "objects", 100_000),
                Envelope = Int(values, "envelope", 1_000),
                Concurrency = Int(values, "concurrency", values.ContainsKey("limit") || values.ContainsKey("seconds") ? 4 : 2),
                Seed = Int(values, "seed", 1),
                Limit = Int(values, "limit", 100),
                Seconds = Int(values, "seconds", 30),
                Expect = Int(values, "expect", 0),
                Minutes = Int(values, "minutes", 10),
                SampleSeconds = Int(values, "sample-seconds", 30),
                WriteEverySeconds = Int(values, "write-every-seconds", 2),
            };
        }
        catch (FormatException e)
        {
            problem = e.Message;
            return false;
        }

        return true;
    }

    private static int Int(Dictionary<string, string> values, string name, int fallback) =>
        !values.TryGetValue(name, out string? text) ? fallback
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value > 0 ? value
        : throw new FormatException($"--{name} is a positive whole number.");
}

/// <summary>Seeded, valid STIX 2.1 indicators, serialized once into envelopes before anything is timed.</summary>
internal static class Indicators
{
    public static IEnumerable<byte[]> Envelopes(int seed, int objects, int perEnvelope) =>
        Objects(seed, objects).Chunk(perEnvelope).Select(Envelope);

    /// <summary>An envelope of <paramref name="objects"/> (each one serialized object).</summary>
    public static byte[] Envelope(IEnumerable<string> objects) => Encoding.UTF8.GetBytes("{\"objects\":[" + string.Join(",", objects) + "]}");

    /// <summary>The indicators of <see cref="Envelopes"/>, one by one; each marked <paramref name="markingRef"/> when given.</summary>
    public static IEnumerable<string> Objects(int seed, int objects, string? markingRef = null)
    {
        var random = new Random(seed);
        var id = new byte[16];
        string marking = markingRef is null ? string.Empty : ",\"object_marking_refs\":[\"" + markingRef + "\"]";
        for (int made = 0; made < objects; made++)
        {
            random.NextBytes(id);
            id[6] = (byte)((id[6] & 0x0F) | 0x40);
            id[8] = (byte)((id[8] & 0x3F) | 0x80);
            string hex = Convert.ToHexStringLower(id);
            string address = string.Create(CultureInfo.InvariantCulture, $"10.{random.Next(256)}.{random.Next(256)}.{random.Next(1, 255)}");
            yield return string.Create(CultureInfo.InvariantCulture,
                $$"""{"type":"indicator","spec_version":"2.1","id":"indicator--{{hex[..8]}}-{{hex[8..12]}}-{{hex[12..16]}}-{{hex[16..20]}}-{{hex[20..]}}","created":"2025-01-01T00:00:00.000Z","modified":"2025-01-01T00:00:00.000Z","name":"load test {{seed}}/{{made}}","indicator_types":["malicious-activity"],"pattern":"[ipv4-addr:value = '{{address}}']","pattern_type":"stix","valid_from":"2025-01-01T00:00:00Z"{{marking}}}""");
        }
    }
}

/// <summary>Reads what the client needs from an envelope without parsing it: the node writes <c>objects</c> first,
/// then <c>more</c> and <c>next</c>, and this client's objects hold no such member names.</summary>
internal static class Envelopes
{
    private static ReadOnlySpan<byte> NextMember => "\"next\":\""u8;

    // One per object whatever the member order: the node stores the objects it signs in RFC 8785 form (members sorted,
    // "created" first), so counting "{\"type\":" found none of them; nothing nested in this client's indicators (the
    // signature extension included) has a spec_version.
    private static ReadOnlySpan<byte> ObjectStart => "\"spec_version\":"u8;

    public static string? Next(byte[] body)
    {
        int at = body.AsSpan().LastIndexOf(NextMember);
        if (at < 0)
        {
            return null;
        }

        int start = at + NextMember.Length;
        int end = body.AsSpan(start).IndexOf((byte)'"');
        return Encoding.UTF8.GetString(body, start, end);
    }

    public static int CountObjects(byte[] body) => body.AsSpan().Count(ObjectStart);
}

/// <summary>p50 and p99 of recorded durations (Stopwatch ticks).</summary>
internal static class Latency
{
    public static string Describe(long[] ticks)
    {
        if (ticks.Length == 0)
        {
            return "no requests";
        }

        long[] sorted = [.. ticks.Order()];
        return string.Create(CultureInfo.InvariantCulture,
            $"p50 {Milliseconds(sorted, 0.50):F2} ms, p99 {Milliseconds(sorted, 0.99):F2} ms, max {Milliseconds(sorted, 1.0):F2} ms");
    }

    private static double Milliseconds(long[] sorted, double quantile)
    {
        int index = Math.Min(sorted.Length - 1, (int)Math.Ceiling(quantile * sorted.Length) - 1);
        return sorted[Math.Max(0, index)] * 1000.0 / Stopwatch.Frequency;
    }
}
