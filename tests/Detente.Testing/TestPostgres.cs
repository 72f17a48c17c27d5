namespace Detente.Testing;

/// <summary>
/// Where the PostgreSQL tests find their server: <c>DETENTE_TEST_POSTGRES</c> (an Npgsql connection string). Without
/// it those tests are skipped, unless <c>DETENTE_REQUIRE_POSTGRES=1</c> (as in CI), which makes them fail instead.
/// </summary>
public static class TestPostgres
{
    /// <summary>The variable holding the connection string.</summary>
    public const string ConnectionVariable = "DETENTE_TEST_POSTGRES";

    /// <summary>The variable that, set to <c>1</c>, turns a missing server into a failure.</summary>
    public const string RequireVariable = "DETENTE_REQUIRE_POSTGRES";

    /// <summary>Why the tests are skipped.</summary>
    public const string SkipReason = "PostgreSQL tests need DETENTE_TEST_POSTGRES (an Npgsql connection string); see the README.";

    /// <summary>Why the tests fail when required.</summary>
    public const string MissingButRequired = "DETENTE_REQUIRE_POSTGRES=1 but DETENTE_TEST_POSTGRES is not set: the PostgreSQL tests cannot run.";

    /// <summary>The connection string, or null when none is configured.</summary>
    public static string? ConnectionString =>
        Environment.GetEnvironmentVariable(ConnectionVariable) is { Length: > 0 } value ? value : null;

    /// <summary>True when a missing server must fail the tests.</summary>
    public static bool IsRequired => Environment.GetEnvironmentVariable(RequireVariable) == "1";
}
