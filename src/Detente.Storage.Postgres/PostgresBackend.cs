using System.Data.Common;
using Detente.Storage.Sql;
using Npgsql;

namespace Detente.Storage.Postgres;

/// <summary>PostgreSQL under the shared engine: pooled connections from an Npgsql data source, auto-prepared statements.</summary>
internal sealed class PostgresBackend : SqlBackend
{
    private readonly NpgsqlDataSource _dataSource;

    public PostgresBackend(NpgsqlDataSource dataSource, string schema, string location)
    {
        _dataSource = dataSource;
        Location = location;
        // The schema name was checked (a–z, 0–9, _), so it can be written into SQL as a quoted identifier.
        MigrationPreamble =
        [
            $"SELECT pg_advisory_xact_lock(hashtext('detente.storage.migrate.{schema}'))",
            $"CREATE SCHEMA IF NOT EXISTS \"{schema}\"",
        ];
    }

    public override string Name => "postgres";

    public override string Location { get; }

    public override IReadOnlyList<Migration> Migrations => PostgresSchema.Migrations;

    public override IReadOnlyList<string> MigrationPreamble { get; }

    public override int MaxRowsPerInsert => 64;

    // The row lock orders the writers of one collection: each computes date_added after the previous one committed.
    public override string LockCollectionSql => "SELECT last_date_added FROM collections WHERE collection_key = @c FOR UPDATE";

    public override string LockLogSql => "SELECT next_index, origin, clear_tlp_clear FROM log_state WHERE id = 1 FOR UPDATE";

    public override async ValueTask<SqlSession> OpenReadAsync(CancellationToken cancellationToken)
    {
        NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return new Session(connection, null);
    }

    public override async ValueTask<SqlSession> BeginWriteAsync(CancellationToken cancellationToken)
    {
        NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            NpgsqlTransaction transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            return new Session(connection, transaction);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public override bool IsUniqueViolation(DbException exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    public override ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    private sealed class Session : SqlSession
    {
        private readonly NpgsqlConnection _connection;
        private readonly NpgsqlTransaction? _transaction;
        private readonly List<NpgsqlCommand> _commands = [];

        public Session(NpgsqlConnection connection, NpgsqlTransaction? transaction)
            : base(connection, transaction)
        {
            _connection = connection;
            _transaction = transaction;
        }

        public override DbCommand Command(string sql)
        {
            var command = new NpgsqlCommand(sql, _connection, _transaction);
            _commands.Add(command);
            return command;
        }

        protected override async ValueTask ReleaseAsync()
        {
            foreach (NpgsqlCommand command in _commands)
            {
                await command.DisposeAsync().ConfigureAwait(false);
            }

            if (_transaction is not null)
            {
                await _transaction.DisposeAsync().ConfigureAwait(false);
            }

            await _connection.DisposeAsync().ConfigureAwait(false);
        }
    }
}
