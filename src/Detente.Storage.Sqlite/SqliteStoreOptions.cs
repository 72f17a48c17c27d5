namespace Detente.Storage.Sqlite;

/// <summary>What a committed write survives.</summary>
public enum SqliteDurability
{
    /// <summary>A crash of the process or of the machine, and power loss: every commit waits for the disk
    /// (<c>synchronous = FULL</c>). The default.</summary>
    PowerLoss = 0,

    /// <summary>A crash of the process only (kill -9): commits do not wait for the disk (<c>synchronous = NORMAL</c>), so
    /// the last commits before a power loss or OS crash may be lost, though the database stays consistent. On the
    /// benchmark machine this took ingest from about 18,000 to about 24,000 objects/s. For demonstrations and tests,
    /// not for a node whose transparency log partners audit.</summary>
    ProcessCrash = 1,
}

/// <summary>Options of the embedded store; each property documents its default.</summary>
public sealed record SqliteStoreOptions
{
    /// <summary>The defaults.</summary>
    public static SqliteStoreOptions Default { get; } = new();

    /// <summary>What a committed write survives. Default <see cref="SqliteDurability.PowerLoss"/>.</summary>
    public SqliteDurability Durability
    {
        get;
        init
        {
            if (!Enum.IsDefined(value))
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "Unknown durability.");
            }

            field = value;
        }
    } = SqliteDurability.PowerLoss;
}
