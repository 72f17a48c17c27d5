using Detente.Storage.Sqlite;
using Detente.Testing;
using Detente.Storage.Sql;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Detente.Storage.Tests;

/// <summary>The store contract on SQLite: each test in a fresh temporary data folder.</summary>
public sealed class SqliteStoreTests : StoreContractTests
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "detente-store-" + Guid.NewGuid().ToString("N"));

    private string DatabasePath => Path.Combine(_folder, SqliteStore.FileName);

    protected override Task<IStore> OpenStoreAsync(TimeProvider time) => SqliteStore.OpenAsync(_folder, time);

    protected override Task InjectInsertFailureAsync(string objectId) => ExecuteAsync(
        $"CREATE TRIGGER refuse_{Guid.NewGuid():N} BEFORE INSERT ON objects WHEN NEW.object_id = '{objectId}' "
        + "BEGIN SELECT RAISE(ABORT, 'injected failure'); END;");

    protected override async Task<IReadOnlyList<long>> ReadSchemaVersionsAsync()
    {
        await using SqliteConnection connection = await ConnectAsync();
        await using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT version FROM schema_migrations ORDER BY version";
        var versions = new List<long>();
        await using SqliteDataReader reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            versions.Add(reader.GetInt64(0));
        }

        return versions;
    }

    protected override Task RecordSchemaVersionAsync(int version) =>
        ExecuteAsync($"INSERT INTO schema_migrations (version, name, applied_at) VALUES ({version}, 'from a newer Detente', 0)");

    protected override Task RewindToSchema10WithWitnessTokenAsync(string witness, string token) =>
        SqliteRewind.ToSchema10WithWitnessTokenAsync(DatabasePath, witness, $"key-of-{witness}", "https://witness.example/log/witness", token);

    protected override Task RewindToSchema13Async() => SqliteRewind.ToSchema13Async(DatabasePath, Ct);

    protected override async Task<long> RowsReadAsync(Guid collection, ObjectFilter filter, int limit)
    {
        await using SqliteConnection connection = await ConnectAsync();
        connection.Handle!.enable_sqlite3_next_stmt(true);
        await using SqliteCommand keyCommand = connection.CreateCommand();
        keyCommand.CommandText = $"SELECT collection_key FROM collections WHERE id = '{collection:D}'";
        long key = (long)(await keyCommand.ExecuteScalarAsync(Ct))!;
        ObjectQuery query = ObjectQuery.Build(filter);
        await using SqliteCommand command = connection.CreateCommand();
        command.CommandText = query.Sql;
        query.Bind(command, key, -1, limit);
        await using (SqliteDataReader reader = await command.ExecuteReaderAsync(Ct))
        {
            while (await reader.ReadAsync(Ct))
            {
            }
        }

        // The command's prepared statement keeps its counters until the command is disposed: sum the virtual machine's
        // steps of the page's statement.
        long steps = 0;
        for (sqlite3_stmt? statement = raw.sqlite3_next_stmt(connection.Handle, null); statement is not null;
            statement = raw.sqlite3_next_stmt(connection.Handle, statement))
        {
            if (raw.sqlite3_sql(statement).utf8_to_string() == query.Sql)
            {
                steps += raw.sqlite3_stmt_status(statement, raw.SQLITE_STMTSTATUS_VM_STEP, 0);
            }
        }

        Assert.True(steps > 0, "the page's statement was not found");
        return steps;
    }

    protected override Task DeleteStoreAsync()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }

        return Task.CompletedTask;
    }

    [Fact]
    public async Task The_database_is_one_file_in_wal_mode_with_foreign_keys()
    {
        await using SqliteConnection connection = await ConnectAsync();
        await using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync(cancellationToken: Ct));
        Assert.True(File.Exists(DatabasePath));
        Assert.DoesNotContain(Directory.GetFiles(_folder), f => !Path.GetFileName(f).StartsWith(SqliteStore.FileName, StringComparison.Ordinal));

        // The store's own connections enforce foreign keys: a grant for a collection that does not exist is refused.
        Assert.False(await Store.GrantAsync(Guid.NewGuid(), "alice", CollectionAccess.Read, cancellationToken: Ct));
    }

    [Fact]
    public async Task Reads_do_not_wait_for_a_write_in_progress()
    {
        Guid collection = await NewCollectionAsync();
        await Store.AddObjectsAsync(collection, [TestObjects.Version(TestObjects.NewId(), TestObjects.At(1))], cancellationToken: Ct);

        // Another connection holds the database's write lock; the store's readers still read the committed data.
        await using SqliteConnection other = await ConnectAsync();
        await using SqliteTransaction transaction = other.BeginTransaction(deferred: false);
        Assert.Single(await ReadAllAsync(collection));
    }

    [Fact]
    public async Task A_store_that_survives_process_crashes_only_keeps_its_data_across_reopening()
    {
        Guid collection = await NewCollectionAsync();
        ObjectToAdd version = TestObjects.Version(TestObjects.NewId(), TestObjects.At(1));
        await Store.DisposeAsync();
        Store = await SqliteStore.OpenAsync(_folder, new SqliteStoreOptions { Durability = SqliteDurability.ProcessCrash }, Clock, cancellationToken: Ct);
        await Store.AddObjectsAsync(collection, [version], Ct);

        await ReopenAsync();

        Assert.Equal(version.Json.ToArray(), Assert.Single(await ReadAllAsync(collection)).Json.ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => new SqliteStoreOptions { Durability = (SqliteDurability)7 });
    }

    private async Task<SqliteConnection> ConnectAsync()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString());
        await connection.OpenAsync();
        return connection;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using SqliteConnection connection = await ConnectAsync();
        await using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
