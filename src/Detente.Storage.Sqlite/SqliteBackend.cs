using System.Collections.Concurrent;
using System.Data.Common;
using Detente.Storage.Sql;
using Microsoft.Data.Sqlite;

namespace Detente.Storage.Sqlite;

/// <summary>SQLite under the shared engine: one writer connection behind a lock, a pool of read-only connections,
/// each keeping its prepared commands.</summary>
internal sealed class SqliteBackend : SqlBackend
{
    private const int MaxIdleReaders = 16;
    private const int BusyTimeoutMilliseconds = 5_000;

    private readonly string _connectionString;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ConcurrentBag<CachedConnection> _idleReaders = [];
    private CachedConnection? _writer;
    private int _disposed;

    private readonly string _synchronous;

    public SqliteBackend(string path, SqliteStoreOptions options)
    {
        _synchronous = options.Durability == SqliteDurability.ProcessCrash ? "NORMAL" : "FULL";
        Location = path;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = false, // the backend keeps its own connections, each with its prepared commands
        }.ToString();
    }

    public override string Name => "sqlite";

    public override string Location { get; }

    public override IReadOnlyList<Migration> Migrations => SqliteSchema.Migrations;

    public override IReadOnlyList<string> MigrationPreamble => [];

    public override int MaxRowsPerInsert => 1;

    public override int MaxLogRowsPerInsert => 16;

    // One writer at a time (the write lock): reading the row is enough.
    public override string LockCollectionSql => "SELECT last_date_added FROM collections WHERE collection_key = @c";

    public override string LockLogSql => "SELECT next_index, origin, clear_tlp_clear FROM log_state WHERE id = 1";

    public override async ValueTask<SqlSession> OpenReadAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (!_idleReaders.TryTake(out CachedConnection? connection))
        {
            connection = await OpenAsync(writer: false, cancellationToken).ConfigureAwait(false);
        }

        return new Session(this, connection, null);
    }

    public override async ValueTask<SqlSession> BeginWriteAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _writer ??= await OpenAsync(writer: true, cancellationToken).ConfigureAwait(false);
            // BEGIN IMMEDIATE: the write lock on the file is taken now, not at the first write.
            SqliteTransaction transaction = _writer.Connection.BeginTransaction(deferred: false);
            return new Session(this, _writer, transaction);
        }
        catch
        {
            _writeLock.Release();
            throw;
        }
    }

    public override bool IsUniqueViolation(DbException exception) =>
        exception is SqliteException { SqliteErrorCode: 19 }; // SQLITE_CONSTRAINT

    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // Waits for a write in progress to finish; later calls fail with ObjectDisposedException.
        await _writeLock.WaitAsync().ConfigureAwait(false);
        try
        {
            _writer?.Dispose();
            _writer = null;
            while (_idleReaders.TryTake(out CachedConnection? reader))
            {
                reader.Dispose();
            }
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async Task<CachedConnection> OpenAsync(bool writer, CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            using SqliteCommand pragmas = connection.CreateCommand();
            // The writer's cache and checkpoint interval fit batches of 1,000 objects, which dirty about 1,000 pages of
            // the object-id index each; SQLite's default checkpoint (1,000 pages) ran on almost every commit.
            // Bench: Storage/StoreIngestBenchmarks.
            pragmas.CommandText = writer
                ? $"PRAGMA journal_mode = WAL; PRAGMA synchronous = {_synchronous}; PRAGMA cache_size = -65536; PRAGMA wal_autocheckpoint = 16384; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = {BusyTimeoutMilliseconds};"
                : $"PRAGMA foreign_keys = ON; PRAGMA busy_timeout = {BusyTimeoutMilliseconds}; PRAGMA query_only = ON;";
            await pragmas.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return new CachedConnection(connection);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private void Return(CachedConnection connection, bool writer)
    {
        if (writer)
        {
            _writeLock.Release();
            return;
        }

        if (_disposed != 0 || _idleReaders.Count >= MaxIdleReaders || !connection.IsUsable)
        {
            connection.Dispose();
            return;
        }

        _idleReaders.Add(connection);
    }

    /// <summary>A connection with the commands prepared on it, by SQL text.</summary>
    private sealed class CachedConnection : IDisposable
    {
        private const int MaxCommands = 256;
        private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

        public CachedConnection(SqliteConnection connection)
        {
            Connection = connection;
        }

        public SqliteConnection Connection { get; }

        public bool IsUsable => Connection.State == System.Data.ConnectionState.Open;

        public SqliteCommand Command(string sql, SqliteTransaction? transaction)
        {
            if (!_commands.TryGetValue(sql, out SqliteCommand? command))
            {
                if (_commands.Count >= MaxCommands)
                {
                    // Filters of many shapes: start over rather than grow without bound.
                    DisposeCommands();
                }

                command = Connection.CreateCommand();
                command.CommandText = sql;
                _commands.Add(sql, command);
            }

            command.Transaction = transaction;
            return command;
        }

        public void Dispose()
        {
            DisposeCommands();
            Connection.Dispose();
        }

        private void DisposeCommands()
        {
            foreach (SqliteCommand command in _commands.Values)
            {
                command.Dispose();
            }

            _commands.Clear();
        }
    }

    private sealed class Session : SqlSession
    {
        private readonly SqliteBackend _backend;
        private readonly CachedConnection _connection;
        private readonly SqliteTransaction? _transaction;

        public Session(SqliteBackend backend, CachedConnection connection, SqliteTransaction? transaction)
            : base(connection.Connection, transaction)
        {
            _backend = backend;
            _connection = connection;
            _transaction = transaction;
        }

        public override DbCommand Command(string sql) => _connection.Command(sql, _transaction);

        protected override async ValueTask ReleaseAsync()
        {
            if (_transaction is not null)
            {
                await _transaction.DisposeAsync().ConfigureAwait(false);
            }

            _backend.Return(_connection, writer: _transaction is not null);
        }
    }
}
