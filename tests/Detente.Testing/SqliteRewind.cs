using Microsoft.Data.Sqlite;

namespace Detente.Testing;

/// <summary>
/// Turns a SQLite store back into one an older Detente left, for the tests of what a newer one does with it at start.
/// </summary>
public static class SqliteRewind
{
    /// <summary>
    /// Rewinds the store in <paramref name="databaseFile"/> to schema 13, before versions had an egress class: migration 14
    /// is undone, so the next open lists every version then held as waiting for its class.
    /// </summary>
    public static async Task ToSchema13Async(string databaseFile, CancellationToken cancellationToken = default)
    {
        await ExecuteAsync(databaseFile, """
            DELETE FROM schema_migrations WHERE version >= 14;
            DROP TABLE egress_class_pending;
            DROP INDEX objects_latest_class;
            DROP INDEX objects_class;
            ALTER TABLE objects DROP COLUMN egress_class;
            """, [], cancellationToken);
    }

    /// <summary>
    /// Rewinds the store in <paramref name="databaseFile"/> to schema 10, when witness tokens were kept in the store, and
    /// keeps <paramref name="token"/> there for a witness named <paramref name="witness"/>. Every migration above 10 is
    /// undone, since migrations run above the highest recorded version.
    /// </summary>
    public static async Task ToSchema10WithWitnessTokenAsync(string databaseFile, string witness, string verifierKey, string url,
        string token, CancellationToken cancellationToken = default)
    {
        await ToSchema13Async(databaseFile, cancellationToken);
        await ExecuteAsync(databaseFile, """
            DELETE FROM schema_migrations WHERE version >= 11;
            DROP TABLE neutral_markings;
            DROP TABLE log_witness_tokens_to_move;
            ALTER TABLE witnessed_logs DROP COLUMN cosignature;
            ALTER TABLE log_witnesses ADD COLUMN token TEXT;
            INSERT INTO log_witnesses (name, verifier_key, url, token, known_size) VALUES ($witness, $key, $url, $token, 0);
            """, [("$witness", witness), ("$key", verifierKey), ("$url", url), ("$token", token)], cancellationToken);
    }

    private static async Task ExecuteAsync(string databaseFile, string sql, (string Name, string Value)[] parameters,
        CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = databaseFile,
            Pooling = false,
        }.ToString());
        await connection.OpenAsync(cancellationToken);
        await using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        foreach ((string name, string value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
