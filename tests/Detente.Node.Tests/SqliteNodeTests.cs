using Detente.Storage;
using Detente.Storage.Sqlite;

namespace Detente.Node.Tests;

/// <summary>The node's suite on SQLite: each test in a fresh temporary data folder.</summary>
public sealed class SqliteNodeTests : NodeContractTests
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "detente-node-" + Guid.NewGuid().ToString("N"));

    protected override Task<IStore> OpenStoreAsync(TimeProvider time) => SqliteStore.OpenAsync(_folder, time);

    protected override Task DeleteStoreAsync()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }

        return Task.CompletedTask;
    }
}
