using Detente.Storage;
using Detente.Storage.Postgres;
using Detente.Testing;
using Npgsql;

namespace Detente.Node.Tests;

/// <summary>
/// The node's suite on PostgreSQL: each test in a schema of its own, dropped afterwards. The server comes from
/// <c>DETENTE_TEST_POSTGRES</c>; without it the tests are skipped, unless <c>DETENTE_REQUIRE_POSTGRES=1</c>, which makes
/// them fail (<see cref="TestPostgres"/>, the storage tests' rule).
/// </summary>
public sealed class PostgresNodeTests : NodeContractTests
{
    private readonly string _schema = "detente_node_" + Guid.NewGuid().ToString("N");
    private string _connectionString = string.Empty;

    public override async ValueTask InitializeAsync()
    {
        string? connectionString = TestPostgres.ConnectionString;
        if (connectionString is null)
        {
            Assert.False(TestPostgres.IsRequired, TestPostgres.MissingButRequired);
            Assert.Skip(TestPostgres.SkipReason);
        }

        _connectionString = connectionString;
        await base.InitializeAsync();
    }

    protected override Task<IStore> OpenStoreAsync(TimeProvider time) => PostgresStore.OpenAsync(_connectionString, _schema, time);

    protected override async Task ExecuteSqlAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SET search_path TO \"{_schema}\"; {sql}", connection);
        await command.ExecuteNonQueryAsync();
    }

    protected override Task DeleteStoreAsync() =>
        _connectionString.Length == 0 ? Task.CompletedTask : ExecuteSqlAsync($"DROP SCHEMA IF EXISTS \"{_schema}\" CASCADE");
}
