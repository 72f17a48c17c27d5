using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace Detente.Node;

/// <summary>
/// The node's metrics, served at <c>/metrics</c> in the Prometheus text exposition format (version 0.0.4): requests by
/// method, route template and status; request latency by route template in fixed buckets; objects stored; the process's
/// working set, managed heap and garbage collections.
/// </summary>
/// <remarks>
/// Labels are bounded: route templates (never raw paths or collection ids), methods the routes know (others are
/// <c>OTHER</c>) and status codes. One instance per node (a DI singleton), so nodes in one process do not mix.
/// </remarks>
internal sealed class NodeMetrics
{
    /// <summary>The route label of a request no endpoint matched.</summary>
    public const string Unmatched = "unmatched";

    /// <summary>The upper bounds of the latency buckets, in seconds (a final <c>+Inf</c> bucket is implied).</summary>
    internal static readonly double[] s_bucketBounds = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly ConcurrentDictionary<(string Method, string Route, int Status), Counter> _requests = new();
    private readonly ConcurrentDictionary<string, Histogram> _latency = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Counter> _syncObjects = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Partner, string Kind), Counter> _auditAlarms = new();
    private long _objectsStored;
    private readonly ConcurrentDictionary<string, Counter> _origins = new(StringComparer.Ordinal);

    /// <summary>Records one answered request.</summary>
    public void RecordRequest(string method, string route, int status, TimeSpan duration)
    {
        string m = method switch
        {
            "GET" or "HEAD" or "POST" or "DELETE" or "PUT" or "PATCH" or "OPTIONS" => method,
            _ => "OTHER",
        };
        _requests.GetOrAdd((m, route, status), static _ => new Counter()).Increment();
        _latency.GetOrAdd(route, static _ => new Histogram()).Observe(duration);
    }

    /// <summary>Adds objects the node stored (new versions, not those already present): the hook for the objects endpoints.</summary>
    public void RecordObjectsStored(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        Interlocked.Add(ref _objectsStored, count);
    }

    /// <summary>Counts one origin decision on the way in (<see cref="OriginVerdict.Label"/>: a fixed set of values).</summary>
    public void RecordOrigin(OriginVerdict verdict) => _origins.GetOrAdd(verdict.Label, static _ => new Counter()).Increment();

    /// <summary>The origin decisions labelled <paramref name="label"/> since the node started.</summary>
    public long Origins(string label) => _origins.TryGetValue(label, out Counter? counter) ? counter.Value : 0;

    /// <summary>Adds new object versions received from a partner by sync.</summary>
    public void RecordSyncObjects(string partner, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        _syncObjects.GetOrAdd(partner, static _ => new Counter()).Add(count);
    }

    /// <summary>Counts an audit alarm raised against a partner.</summary>
    public void RecordAuditAlarm(string partner, string kind) =>
        _auditAlarms.GetOrAdd((partner, kind), static _ => new Counter()).Increment();

    /// <summary>The objects stored since the node started.</summary>
    public long ObjectsStored => Interlocked.Read(ref _objectsStored);

    /// <summary>Writes every metric in the Prometheus text exposition format, series sorted for stable output.</summary>
    public string Write()
    {
        var text = new StringBuilder(4096);
        text.Append("# HELP detente_http_requests_total HTTP requests answered, by method, route template and status.\n");
        text.Append("# TYPE detente_http_requests_total counter\n");
        foreach (KeyValuePair<(string Method, string Route, int Status), Counter> entry in _requests
            .OrderBy(e => e.Key.Route, StringComparer.Ordinal).ThenBy(e => e.Key.Method, StringComparer.Ordinal).ThenBy(e => e.Key.Status))
        {
            text.Append("detente_http_requests_total{method=\"").Append(Escape(entry.Key.Method))
                .Append("\",route=\"").Append(Escape(entry.Key.Route))
                .Append("\",status=\"").Append(entry.Key.Status.ToString(CultureInfo.InvariantCulture))
                .Append("\"} ").Append(entry.Value.Value.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        text.Append("# HELP detente_http_request_duration_seconds Time from request start to the end of the response, by route template.\n");
        text.Append("# TYPE detente_http_request_duration_seconds histogram\n");
        foreach (KeyValuePair<string, Histogram> entry in _latency.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            entry.Value.WriteTo(text, "detente_http_request_duration_seconds", "route=\"" + Escape(entry.Key) + "\"");
        }

        text.Append("# HELP detente_objects_stored_total Object versions stored since the node started.\n");
        text.Append("# TYPE detente_objects_stored_total counter\n");
        text.Append("detente_objects_stored_total ").Append(ObjectsStored.ToString(CultureInfo.InvariantCulture)).Append('\n');
        text.Append("# HELP detente_object_origins_total Origin decisions on objects coming in (signed by the node, verified, or refused and why).\n");
        text.Append("# TYPE detente_object_origins_total counter\n");
        foreach (KeyValuePair<string, Counter> entry in _origins.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            text.Append("detente_object_origins_total{decision=\"").Append(Escape(entry.Key)).Append("\"} ")
                .Append(entry.Value.Value.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        text.Append("# HELP detente_sync_objects_received_total New object versions stored from partners by sync, by partner.\n");
        text.Append("# TYPE detente_sync_objects_received_total counter\n");
        foreach (KeyValuePair<string, Counter> entry in _syncObjects.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            text.Append("detente_sync_objects_received_total{partner=\"").Append(Escape(entry.Key)).Append("\"} ")
                .Append(entry.Value.Value.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        text.Append("# HELP detente_audit_alarms_total Audit alarms raised against partner logs, by partner and kind.\n");
        text.Append("# TYPE detente_audit_alarms_total counter\n");
        foreach (KeyValuePair<(string Partner, string Kind), Counter> entry in _auditAlarms
            .OrderBy(e => e.Key.Partner, StringComparer.Ordinal).ThenBy(e => e.Key.Kind, StringComparer.Ordinal))
        {
            text.Append("detente_audit_alarms_total{partner=\"").Append(Escape(entry.Key.Partner)).Append("\",kind=\"").Append(Escape(entry.Key.Kind))
                .Append("\"} ").Append(entry.Value.Value.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        WriteProcess(text);
        return text.ToString();
    }

    /// <summary>The process's memory and collections, so that a long run shows whether memory grows.</summary>
    private static void WriteProcess(StringBuilder text)
    {
        text.Append("# HELP process_working_set_bytes Physical memory of the node's process.\n");
        text.Append("# TYPE process_working_set_bytes gauge\n");
        text.Append("process_working_set_bytes ").Append(Environment.WorkingSet.ToString(CultureInfo.InvariantCulture)).Append('\n');
        GCMemoryInfo gc = GC.GetGCMemoryInfo();
        text.Append("# HELP dotnet_gc_heap_bytes Managed heap size after the last garbage collection.\n");
        text.Append("# TYPE dotnet_gc_heap_bytes gauge\n");
        text.Append("dotnet_gc_heap_bytes ").Append(gc.HeapSizeBytes.ToString(CultureInfo.InvariantCulture)).Append('\n');
        text.Append("# HELP dotnet_gc_collections_total Garbage collections since the node started, by generation.\n");
        text.Append("# TYPE dotnet_gc_collections_total counter\n");
        for (int generation = 0; generation <= GC.MaxGeneration; generation++)
        {
            text.Append("dotnet_gc_collections_total{generation=\"").Append(generation.ToString(CultureInfo.InvariantCulture)).Append("\"} ")
                .Append(GC.CollectionCount(generation).ToString(CultureInfo.InvariantCulture)).Append('\n');
        }
    }

    /// <summary>A label value in the exposition format: backslash, double quote and line feed escaped.</summary>
    internal static string Escape(string value) =>
        value.AsSpan().IndexOfAny("\\\"\n") < 0 ? value : value.Replace("\\", "\\\\", StringComparison.Ordinal)
            .Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private sealed class Counter
    {
        private long _value;

        public long Value => Interlocked.Read(ref _value);

        public void Increment() => Interlocked.Increment(ref _value);

        public void Add(long count) => Interlocked.Add(ref _value, count);
    }

    /// <summary>A latency histogram: per-bucket counts (not cumulative; summed when written), the sum and the count.</summary>
    private sealed class Histogram
    {
        private readonly long[] _buckets = new long[s_bucketBounds.Length + 1];
        private long _sumTicks;
        private long _count;

        public void Observe(TimeSpan duration)
        {
            double seconds = duration.TotalSeconds;
            int i = 0;
            while (i < s_bucketBounds.Length && seconds > s_bucketBounds[i])
            {
                i++;
            }

            Interlocked.Increment(ref _buckets[i]);
            Interlocked.Add(ref _sumTicks, Math.Max(0, duration.Ticks));
            Interlocked.Increment(ref _count);
        }

        public void WriteTo(StringBuilder text, string name, string labels)
        {
            long cumulative = 0;
            for (int i = 0; i <= s_bucketBounds.Length; i++)
            {
                cumulative += Interlocked.Read(ref _buckets[i]);
                string le = i < s_bucketBounds.Length ? s_bucketBounds[i].ToString("R", CultureInfo.InvariantCulture) : "+Inf";
                text.Append(name).Append("_bucket{").Append(labels).Append(",le=\"").Append(le).Append("\"} ")
                    .Append(cumulative.ToString(CultureInfo.InvariantCulture)).Append('\n');
            }

            double sum = TimeSpan.FromTicks(Interlocked.Read(ref _sumTicks)).TotalSeconds;
            text.Append(name).Append("_sum{").Append(labels).Append("} ").Append(sum.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
            text.Append(name).Append("_count{").Append(labels).Append("} ")
                .Append(Interlocked.Read(ref _count).ToString(CultureInfo.InvariantCulture)).Append('\n');
        }
    }
}

/// <summary>Serves <c>/metrics</c>: to administrators, or to anyone when <see cref="NodeOptions.PublicMetrics"/> is set.</summary>
internal static class MetricsEndpoint
{
    /// <summary>The media type of the Prometheus text exposition format.</summary>
    public const string MediaType = "text/plain; version=0.0.4; charset=utf-8";

    public static void Map(IEndpointRouteBuilder app) => app.MapGet("/metrics", static (HttpContext context, NodeOptions options, NodeMetrics metrics) =>
    {
        if (!options.PublicMetrics && TokenAuthenticationMiddleware.FindPrincipal(context) is not { IsAdmin: true })
        {
            return TaxiiErrors.Result(StatusCodes.Status403Forbidden, "Forbidden", "Metrics are served to administrators.");
        }

        return Results.Text(metrics.Write(), MediaType);
    });
}
