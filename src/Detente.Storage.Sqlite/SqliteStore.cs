using Detente.Storage.Sql;
using Microsoft.Extensions.Logging;

namespace Detente.Storage.Sqlite;

/// <summary>Opens the embedded store: one SQLite database file in the node's data folder.</summary>
/// <remarks>
/// The file is <see cref="FileName"/> in the data folder, in WAL mode with <c>synchronous=FULL</c> (a committed batch
/// survives a crash of the process or of the machine; see <see cref="SqliteStoreOptions.Durability"/>), foreign keys on and a busy timeout of 5 s; the WAL is
/// checkpointed every 64 MiB. One connection
/// writes, one write at a time (writes queue in the process); readers come from a pool and never wait for the
/// writer. One process opens a data folder at a time.
/// </remarks>
public static class SqliteStore
{
    /// <summary>The database file's name in the data folder.</summary>
    public const string FileName = "detente.db";

    /// <summary>Opens (creating the folder and the database when needed) and migrates the store in <paramref name="dataFolder"/>.</summary>
    /// <exception cref="StoreException">The database was written by a newer Detente (<see cref="StoreError.SchemaTooNew"/>).</exception>
    /// <exception cref="ArgumentException"><paramref name="dataFolder"/> is empty.</exception>
    public static Task<IStore> OpenAsync(string dataFolder, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null,
        CancellationToken cancellationToken = default) =>
        OpenAsync(dataFolder, SqliteStoreOptions.Default, timeProvider, loggerFactory, cancellationToken);

    /// <summary>Opens (creating the folder and the database when needed) and migrates the store in <paramref name="dataFolder"/>
    /// with <paramref name="options"/>.</summary>
    /// <exception cref="StoreException">The database was written by a newer Detente (<see cref="StoreError.SchemaTooNew"/>).</exception>
    /// <exception cref="ArgumentException"><paramref name="dataFolder"/> is empty.</exception>
    public static Task<IStore> OpenAsync(string dataFolder, SqliteStoreOptions options, TimeProvider? timeProvider = null,
        ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataFolder);
        ArgumentNullException.ThrowIfNull(options);
        Directory.CreateDirectory(dataFolder);
        var backend = new SqliteBackend(Path.GetFullPath(Path.Combine(dataFolder, FileName)), options);
        return SqlStore.OpenAsync(backend, timeProvider, loggerFactory, cancellationToken);
    }
}
