namespace Detente.Storage.Sql;

/// <summary>Instants as the store keeps them: whole microseconds since 0001-01-01T00:00:00Z.</summary>
internal static class Micros
{
    private const long TicksPerMicrosecond = TimeSpan.TicksPerMicrosecond;
    private static readonly long s_max = DateTimeOffset.MaxValue.UtcTicks / TicksPerMicrosecond;

    /// <summary>The instant, rounded down to the microsecond.</summary>
    public static long From(DateTimeOffset value) => value.UtcTicks / TicksPerMicrosecond;

    /// <summary>The instant of a stored value.</summary>
    public static DateTimeOffset ToDateTimeOffset(long micros) => new(micros * TicksPerMicrosecond, TimeSpan.Zero);

    /// <summary>The instant of a value from outside (a cursor), when it is one.</summary>
    public static bool TryToDateTimeOffset(long micros, out DateTimeOffset value)
    {
        if (micros < 0 || micros > s_max)
        {
            value = default;
            return false;
        }

        value = ToDateTimeOffset(micros);
        return true;
    }
}
