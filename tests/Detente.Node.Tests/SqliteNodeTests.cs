using Detente.Storage;
using Detente.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Detente.Node.Tests;

/// <summary>The node's suite on SQLite: each test in a fresh temporary data folder.</summary>
public sealed class SqliteNodeTests : NodeContractTests
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "detente-node-" + Guid.NewGuid().ToString("N"));

    protected override Task<IStore> OpenStoreAsync(TimeProvider time) => SqliteStore.OpenAsync(_folder, time);

    protected override async Task ExecuteSqlAsync(string sql)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(_folder, SqliteStore.FileName),
            Pooling = false,
        }.ToString());
        await connection.OpenAsync();
        await using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    protected override Task DeleteStoreAsync()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }

        return Task.CompletedTask;
    }
}
