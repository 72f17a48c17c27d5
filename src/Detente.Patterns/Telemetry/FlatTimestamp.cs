using System.Buffers.Text;

namespace Detente.Patterns.Telemetry;

/// <summary>Event times in the forms flat logs write them, read without allocating.</summary>
/// <remarks>
/// <list type="bullet">
/// <item>Epoch seconds, a JSON number or a string of digits with an optional fraction: Zeek's <c>1700000000.123456</c>.
/// The fraction is read digit by digit (not through a double), so microseconds are exact.</item>
/// <item>ISO 8601 / RFC 3339: <c>2024-01-02T03:04:05.123456Z</c>, with <c>T</c>, <c>t</c> or a space between date and
/// time, any number of fraction digits (kept to 100 ns), and <c>Z</c>, <c>±HH:MM</c>, <c>±HHMM</c> (Suricata's
/// <c>+0000</c>) or <c>±HH</c>; no offset is read as UTC.</item>
/// </list>
/// Times before 0001-01-01 or after 9999-12-31 are refused, as are leap seconds (second 60).
/// </remarks>
internal static class FlatTimestamp
{
    private const long MaxEpochSeconds = 253_402_300_799; // 9999-12-31T23:59:59Z

    /// <summary>Reads a time; <paramref name="fractionDigits"/> is the number of sub-second digits written (at most 7).</summary>
    public static bool TryParse(ReadOnlySpan<byte> text, out DateTimeOffset value, out int fractionDigits)
    {
        value = default;
        fractionDigits = 0;
        if (text.Length >= 10 && text[4] == '-')
        {
            return TryParseIso(text, out value, out fractionDigits);
        }

        return TryParseEpoch(text, out value, out fractionDigits);
    }

    private static bool TryParseEpoch(ReadOnlySpan<byte> text, out DateTimeOffset value, out int fractionDigits)
    {
        value = default;
        fractionDigits = 0;
        int dot = text.IndexOf((byte)'.');
        ReadOnlySpan<byte> whole = dot < 0 ? text : text[..dot];
        if (whole.Length is 0 or > 12 || !AllDigits(whole) || text.IndexOfAny((byte)'e', (byte)'E') >= 0)
        {
            fractionDigits = 6;
            return TryParseEpochDouble(text, out value);
        }

        long seconds = 0;
        foreach (byte b in whole)
        {
            seconds = (seconds * 10) + (b - '0');
        }

        long ticks = 0;
        if (dot >= 0)
        {
            ReadOnlySpan<byte> fraction = text[(dot + 1)..];
            if (fraction.Length == 0 || !AllDigits(fraction))
            {
                return false;
            }

            ticks = FractionTicks(fraction, out fractionDigits);
        }

        if (seconds > MaxEpochSeconds)
        {
            return false;
        }

        value = new DateTimeOffset(DateTimeOffset.UnixEpoch.Ticks + (seconds * TimeSpan.TicksPerSecond) + ticks, TimeSpan.Zero);
        return true;
    }

    private static bool TryParseEpochDouble(ReadOnlySpan<byte> text, out DateTimeOffset value)
    {
        // Exponent forms (1.7e9) from tools that write doubles: read as a double, to the microsecond.
        value = default;
        if (!Utf8Parser.TryParse(text, out double seconds, out int consumed, 'E') || consumed != text.Length
            || !double.IsFinite(seconds) || seconds < 0 || seconds > MaxEpochSeconds)
        {
            return false;
        }

        long micros = (long)Math.Round(seconds * 1_000_000);
        value = new DateTimeOffset(DateTimeOffset.UnixEpoch.Ticks + (micros * 10), TimeSpan.Zero);
        return true;
    }

    private static bool TryParseIso(ReadOnlySpan<byte> s, out DateTimeOffset value, out int fractionDigits)
    {
        value = default;
        fractionDigits = 0;
        if (s.Length < 19 || s[7] != '-' || s[10] is not ((byte)'T' or (byte)'t' or (byte)' ') || s[13] != ':' || s[16] != ':'
            || !Number(s, 0, 4, out int year) || !Number(s, 5, 2, out int month) || !Number(s, 8, 2, out int day)
            || !Number(s, 11, 2, out int hour) || !Number(s, 14, 2, out int minute) || !Number(s, 17, 2, out int second))
        {
            return false;
        }

        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        int i = 19;
        long ticks = 0;
        if (i < s.Length && s[i] is (byte)'.' or (byte)',')
        {
            int start = ++i;
            while (i < s.Length && s[i] is >= (byte)'0' and <= (byte)'9')
            {
                i++;
            }

            if (i == start)
            {
                return false;
            }

            ticks = FractionTicks(s[start..i], out fractionDigits);
        }

        long offsetMinutes = 0;
        if (i < s.Length)
        {
            ReadOnlySpan<byte> zone = s[i..];
            if (zone is [(byte)'Z' or (byte)'z'])
            {
                offsetMinutes = 0;
            }
            else if (zone.Length >= 3 && zone[0] is (byte)'+' or (byte)'-' && Number(zone, 1, 2, out int oh) && oh <= 23)
            {
                int om = 0;
                bool ok = zone.Length switch
                {
                    3 => true,
                    5 => Number(zone, 3, 2, out om),
                    6 => zone[3] == ':' && Number(zone, 4, 2, out om),
                    _ => false,
                };
                if (!ok || om > 59)
                {
                    return false;
                }

                offsetMinutes = (zone[0] == '-' ? -1 : 1) * ((oh * 60) + om);
            }
            else
            {
                return false;
            }
        }

        long local = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified).Ticks + ticks;
        long utc = local - (offsetMinutes * TimeSpan.TicksPerMinute);
        if (utc < DateTime.MinValue.Ticks || utc > DateTime.MaxValue.Ticks)
        {
            return false;
        }

        value = new DateTimeOffset(utc, TimeSpan.Zero);
        return true;
    }

    /// <summary>The first seven digits of a fraction as 100 ns ticks; the rest are dropped.</summary>
    private static long FractionTicks(ReadOnlySpan<byte> digits, out int kept)
    {
        kept = Math.Min(digits.Length, 7);
        long ticks = 0;
        for (int i = 0; i < 7; i++)
        {
            ticks = (ticks * 10) + (i < digits.Length ? digits[i] - '0' : 0);
        }

        return ticks;
    }

    private static bool AllDigits(ReadOnlySpan<byte> s)
    {
        foreach (byte b in s)
        {
            if (b is < (byte)'0' or > (byte)'9')
            {
                return false;
            }
        }

        return true;
    }

    private static bool Number(ReadOnlySpan<byte> s, int start, int count, out int value)
    {
        value = 0;
        if (start + count > s.Length)
        {
            return false;
        }

        for (int i = start; i < start + count; i++)
        {
            byte b = s[i];
            if (b is < (byte)'0' or > (byte)'9')
            {
                return false;
            }

            value = (value * 10) + (b - '0');
        }

        return true;
    }
}
