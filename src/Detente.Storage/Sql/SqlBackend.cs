using System.Data.Common;

namespace Detente.Storage.Sql;

/// <summary>One schema migration: applied once, in order, inside the migration transaction.</summary>
/// <param name="Version">The schema version it brings the store to (1, 2, …, without gaps).</param>
/// <param name="Name">A short description, recorded with it.</param>
/// <param name="Sql">The statements.</param>
internal sealed record Migration(int Version, string Name, string Sql);

/// <summary>What a database needs to give the shared engine: connections, a write transaction, and its dialect.</summary>
/// <remarks>
/// The engine's SQL is written once, in the subset both SQLite and PostgreSQL speak (<c>@name</c> parameters,
/// <c>ON CONFLICT DO NOTHING</c>, <c>RETURNING</c>, <c>LIMIT</c>, integers for flags and instants, text for ids).
/// A backend supplies the DDL, the statement that locks a collection row, and its connection handling.
/// </remarks>
internal abstract class SqlBackend : IAsyncDisposable
{
    /// <summary>The backend's name for logs: <c>sqlite</c> or <c>postgres</c>.</summary>
    public abstract string Name { get; }

    /// <summary>Where the store is, for logs (a file path, a host and schema; never a password).</summary>
    public abstract string Location { get; }

    /// <summary>The schema migrations, in order.</summary>
    public abstract IReadOnlyList<Migration> Migrations { get; }

    /// <summary>Statements run first in the migration transaction (a lock against other instances, the schema).</summary>
    public abstract IReadOnlyList<string> MigrationPreamble { get; }

    /// <summary>
    /// Reads <c>last_date_added</c> of collection <c>@c</c> and, where writers can run at once, locks the row until the
    /// transaction ends, so that transactions of one collection commit in <c>date_added</c> order.
    /// </summary>
    public abstract string LockCollectionSql { get; }

    /// <summary>
    /// Reads <c>next_index</c> and <c>origin</c> of the one <c>log_state</c> row and, where writers can run at once, locks
    /// it until the transaction ends: the global log lock, so that leaf indices are assigned and committed in order.
    /// Always taken after the collection's row (one lock order, no deadlock).
    /// </summary>
    public abstract string LockLogSql { get; }

    /// <summary>
    /// The most rows one <c>INSERT</c> writes. Where a statement costs a network round trip, many; where it does not,
    /// one, because binding parameters by name costs time that grows with the square of their number (SQLite looks
    /// each name up in a list). Bench: Storage/StoreIngestBenchmarks.
    /// </summary>
    public abstract int MaxRowsPerInsert { get; }

    /// <summary>
    /// The most transparency log entry rows one <c>INSERT</c> writes (five parameters a row, against the twelve of an object
    /// row, so that several rows per statement pay even where binding by name grows with the square of the count).
    /// Default: <see cref="MaxRowsPerInsert"/>. Bench: <c>ledger-store</c>.
    /// </summary>
    public virtual int MaxLogRowsPerInsert => MaxRowsPerInsert;

    /// <summary>A session for reading (no transaction), from the pool.</summary>
    public abstract ValueTask<SqlSession> OpenReadAsync(CancellationToken cancellationToken);

    /// <summary>A session with an open write transaction; disposing it without commit rolls back.</summary>
    public abstract ValueTask<SqlSession> BeginWriteAsync(CancellationToken cancellationToken);

    /// <summary>True when <paramref name="exception"/> is a unique-constraint violation.</summary>
    public abstract bool IsUniqueViolation(DbException exception);

    /// <inheritdoc/>
    public abstract ValueTask DisposeAsync();
}

/// <summary>A connection (and maybe a transaction) lent to the engine for one operation.</summary>
internal abstract class SqlSession : IAsyncDisposable
{
    private bool _committed;

    protected SqlSession(DbConnection connection, DbTransaction? transaction)
    {
        Connection = connection;
        Transaction = transaction;
    }

    public DbConnection Connection { get; }

    public DbTransaction? Transaction { get; }

    /// <summary>A command for <paramref name="sql"/>, bound to the session's transaction; a backend may hand out the
    /// same prepared command again for the same text (parameters keep their names, values are overwritten).</summary>
    public abstract DbCommand Command(string sql);

    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        await Transaction!.CommitAsync(cancellationToken).ConfigureAwait(false);
        _committed = true;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (Transaction is not null && !_committed)
            {
                await RollbackQuietlyAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            await ReleaseAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Returns the connection to its pool (or closes it) and releases any write lock.</summary>
    protected abstract ValueTask ReleaseAsync();

    private async Task RollbackQuietlyAsync()
    {
        try
        {
            await Transaction!.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (DbException)
        {
            // The transaction is gone already (the connection broke): the database rolled it back itself.
        }
        catch (InvalidOperationException)
        {
            // Likewise: the transaction was completed by the provider after a failure.
        }
    }
}

/// <summary>Parameter binding for both providers.</summary>
internal static class SqlParameters
{
    /// <summary>Sets parameter <paramref name="name"/> (written <c>@name</c> in the SQL) to <paramref name="value"/>.</summary>
    public static DbCommand Set(this DbCommand command, string name, object? value)
    {
        DbParameterCollection parameters = command.Parameters;
        int index = parameters.IndexOf(name);
        DbParameter parameter;
        if (index < 0)
        {
            parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameters.Add(parameter);
        }
        else
        {
            parameter = parameters[index];
        }

        parameter.Value = value ?? DBNull.Value;
        return command;
    }
}
