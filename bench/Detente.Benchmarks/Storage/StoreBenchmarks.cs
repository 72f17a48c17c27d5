using System.Text;
using BenchmarkDotNet.Attributes;
using Detente.Stix;
using Detente.Storage;
using Detente.Storage.Postgres;
using Detente.Storage.Sqlite;
using Detente.Testing;

namespace Detente.Benchmarks.Storage;

/// <summary>Seeded object batches and a store to put them in, for the storage benchmarks.</summary>
public static class StoreBench
{
    /// <summary>SQLite always; PostgreSQL too when <c>DETENTE_BENCH_POSTGRES</c> is set.</summary>
    public static IEnumerable<string> Backends =>
        string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DETENTE_BENCH_POSTGRES")) ? ["sqlite"] : ["sqlite", "postgres"];

    /// <summary><see cref="Backends"/> and SQLite with <see cref="SqliteDurability.ProcessCrash"/>.</summary>
    public static IEnumerable<string> WriteBackends => Backends.Append("sqlite-process-crash");

    /// <summary>The store a benchmark runs on: SQLite in a temporary folder, or PostgreSQL (in a schema of its own)
    /// from <c>DETENTE_BENCH_POSTGRES</c>.</summary>
    public static async Task<(IStore Store, Func<Task> Cleanup)> OpenAsync(string backend)
    {
        if (backend == "postgres")
        {
            string connectionString = Environment.GetEnvironmentVariable("DETENTE_BENCH_POSTGRES")
                ?? throw new InvalidOperationException("Set DETENTE_BENCH_POSTGRES to an Npgsql connection string to benchmark PostgreSQL.");
            string schema = "detente_bench_" + Guid.NewGuid().ToString("N");
            IStore pg = await PostgresStore.OpenAsync(connectionString, schema);
            return (pg, async () =>
            {
                await pg.DisposeAsync();
                await using var connection = new Npgsql.NpgsqlConnection(connectionString);
                await connection.OpenAsync();
                await using var drop = new Npgsql.NpgsqlCommand($"DROP SCHEMA \"{schema}\" CASCADE", connection);
                await drop.ExecuteNonQueryAsync();
            });
        }

        string folder = Path.Combine(Path.GetTempPath(), "detente-bench-" + Guid.NewGuid().ToString("N"));
        var options = new SqliteStoreOptions
        {
            Durability = backend == "sqlite-process-crash" ? SqliteDurability.ProcessCrash : SqliteDurability.PowerLoss,
        };
        IStore sqlite = await SqliteStore.OpenAsync(folder, options);
        return (sqlite, async () =>
        {
            await sqlite.DisposeAsync();
            Directory.Delete(folder, recursive: true);
        });
    }

    public static async Task<Guid> NewCollectionAsync(IStore store)
    {
        await store.CreateApiRootAsync(new ApiRoot { Name = "bench", Title = "Benchmarks" });
        var id = Guid.NewGuid();
        await store.CreateCollectionAsync(new Collection { Id = id, ApiRoot = "bench", Title = "bench" });
        return id;
    }

    /// <summary><paramref name="count"/> generated objects (≈ 420 bytes each) in batches of <paramref name="batchSize"/>.</summary>
    public static ObjectToAdd[][] Batches(int count, int batchSize, int seed)
    {
        var generator = new StixContentGenerator(seed);
        var reader = new StixReader();
        return Enumerable.Range(0, count)
            .Select(_ =>
            {
                byte[] json = Encoding.UTF8.GetBytes(generator.NextObject());
                return ObjectToAdd.From(reader.ReadObject(json), json);
            })
            .Chunk(batchSize)
            .ToArray();
    }
}

/// <summary>
/// TAXII's common poll: one page of 100 from a collection of 100,000 objects, from a position in the middle
/// (the node's <c>next</c>), with the default filter (latest versions) and with a type filter. Target: well under 1 ms.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class StoreReadBenchmarks
{
    private IStore _store = null!;
    private Func<Task> _cleanup = null!;
    private Guid _collection;
    private DateTimeOffset _middle;
    private string _cursor = string.Empty;

    [ParamsSource(typeof(StoreBench), nameof(StoreBench.Backends))]
    public string Backend { get; set; } = "sqlite";

    [GlobalSetup]
    public async Task Setup()
    {
        (_store, _cleanup) = await StoreBench.OpenAsync(Backend);
        _collection = await StoreBench.NewCollectionAsync(_store);
        foreach (ObjectToAdd[] batch in StoreBench.Batches(100_000, 1_000, seed: 42))
        {
            await _store.AddObjectsAsync(_collection, batch);
        }

        List<StoredObject> first = await _store.ReadObjectsAsync(_collection, ObjectFilter.None, pageSizeHint: 1000).Take(50_000).ToListAsync();
        _middle = first[^1].DateAdded;
        _cursor = _store.Cursors.Encode(_collection, ObjectFilter.None, _middle);
    }

    [GlobalCleanup]
    public Task Cleanup() => _cleanup();

    // The node reads limit + 1 versions: the last one only tells it that there is more.
    [Benchmark]
    public async Task<int> PageOf100()
    {
        int bytes = 0, n = 0;
        await foreach (StoredObject o in _store.ReadObjectsAsync(_collection, ObjectFilter.None, _middle, 100))
        {
            bytes += o.Json.Length;
            if (++n == 101)
            {
                break;
            }
        }

        return bytes;
    }

    [Benchmark]
    public async Task<int> PageOf100FromCursor()
    {
        _store.Cursors.TryDecode(_cursor, _collection, ObjectFilter.None, out DateTimeOffset after);
        int n = 0;
        await foreach (StoredObject _ in _store.ReadObjectsAsync(_collection, ObjectFilter.None, after, 100).Take(101))
        {
            n++;
        }

        return n;
    }

    [Benchmark]
    public async Task<int> PageOf100Indicators()
    {
        var filter = new ObjectFilter { Types = ["indicator"] };
        int n = 0;
        await foreach (StoredObject _ in _store.ReadObjectsAsync(_collection, filter, _middle, 100).Take(101))
        {
            n++;
        }

        return n;
    }
}

/// <summary>
/// Adds batches of 1,000 new objects to a collection that already holds 100,000 (and grows by 8,000 per iteration):
/// every add also updates indexes of that size at random places. Objects/s = 1,000 / the time per operation.
/// Target: ≥ 20,000 objects/s on SQLite.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[IterationCount(10)]
[InvocationCount(8, 1)]
public class StoreIngestBenchmarks
{
    private IStore _store = null!;
    private Func<Task> _cleanup = null!;
    private ObjectToAdd[][] _batches = [];
    private Guid _collection;
    private int _seed = 1_000;
    private int _next;

    [ParamsSource(typeof(StoreBench), nameof(StoreBench.WriteBackends))]
    public string Backend { get; set; } = "sqlite";

    [GlobalSetup]
    public async Task Setup()
    {
        (_store, _cleanup) = await StoreBench.OpenAsync(Backend);
        _collection = await StoreBench.NewCollectionAsync(_store);
        foreach (ObjectToAdd[] batch in StoreBench.Batches(100_000, 1_000, seed: 42))
        {
            await _store.AddObjectsAsync(_collection, batch);
        }
    }

    // Each iteration adds objects generated for it, so that every object is new.
    [IterationSetup]
    public void NextBatches()
    {
        _batches = StoreBench.Batches(8_000, 1_000, seed: _seed++);
        _next = 0;
    }

    [GlobalCleanup]
    public Task Cleanup() => _cleanup();

    [Benchmark(OperationsPerInvoke = 1_000)]
    public async Task<int> AddBatchOf1000()
    {
        AddObjectsResult result = await _store.AddObjectsAsync(_collection, _batches[_next++]);
        return result.AddedCount;
    }

    /// <summary>What the node did per add request before: the objects in one transaction, then their status resource
    /// (1,000 details) in a second, then the status read back.</summary>
    [Benchmark(OperationsPerInvoke = 1_000)]
    public async Task<int> AddBatchOf1000ThenStatus()
    {
        ObjectToAdd[] batch = _batches[_next++];
        AddObjectsResult result = await _store.AddObjectsAsync(_collection, batch);
        NewStatus status = Status(batch) with
        {
            Details = [.. batch.Select((o, i) => new StatusDetail(o.Id, result.Objects[i].Version.ToString(), StatusOutcome.Success))],
        };
        await _store.CreateStatusAsync(status);
        StatusResource? stored = await _store.GetStatusAsync(status.Id);
        return stored!.SuccessCount;
    }

    /// <summary>What the node does per add request: the objects and their status resource in one transaction.</summary>
    [Benchmark(OperationsPerInvoke = 1_000)]
    public async Task<int> AddBatchOf1000WithStatus()
    {
        ObjectToAdd[] batch = _batches[_next++];
        (_, StatusResource stored) = await _store.AddObjectsWithStatusAsync(_collection, batch, Status(batch));
        return stored.SuccessCount;
    }

    private static NewStatus Status(ObjectToAdd[] batch) => new()
    {
        Id = Guid.NewGuid(),
        ApiRoot = "bench",
        Principal = "bench",
        RequestTimestamp = DateTimeOffset.UtcNow,
        Details = [.. batch.Select(o => new StatusDetail(o.Id, o.Version?.ToString() ?? string.Empty, StatusOutcome.Pending))],
    };
}
