using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Detente.Stix;

/// <summary>A STIX timestamp: <c>YYYY-MM-DDTHH:mm:ss[.s+]Z</c>, with its precision as written.</summary>
/// <remarks>
/// STIX 2.1 §3.2: RFC 3339, UTC, the <c>Z</c> designator; a decimal point only when sub-second digits follow.
/// Any number of sub-second digits is kept exactly (the text is the value), and comparison is exact.
/// </remarks>
public readonly struct StixTimestamp : IEquatable<StixTimestamp>, IComparable<StixTimestamp>
{
    private readonly string _text;
    private readonly long _seconds; // whole seconds since 0001-01-01T00:00:00Z
    private readonly string _fraction; // sub-second digits without trailing zeros

    private StixTimestamp(string text, long seconds, string fraction, int precision)
    {
        _text = text;
        _seconds = seconds;
        _fraction = fraction;
        FractionDigits = precision;
    }

    /// <summary>The number of sub-second digits written (0 when there is no decimal point).</summary>
    public int FractionDigits { get; }

    /// <summary>The instant, rounded down to .NET's 100 ns resolution.</summary>
    public DateTimeOffset Value
    {
        get
        {
            long ticks = _seconds * TimeSpan.TicksPerSecond;
            string fraction = _fraction ?? string.Empty; // default(StixTimestamp) is 0001-01-01T00:00:00Z
            string seven = fraction.Length >= 7 ? fraction[..7] : fraction.PadRight(7, '0');
            return new DateTimeOffset(ticks + long.Parse(seven, NumberStyles.None, CultureInfo.InvariantCulture), TimeSpan.Zero);
        }
    }

    /// <summary>Parses a STIX timestamp.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out StixTimestamp timestamp)
    {
        timestamp = default;
        // Fixed part: "YYYY-MM-DDTHH:mm:ss" (19 chars), then optional ".digits", then "Z".
        if (text is null || text.Length < 20 || text[^1] != 'Z')
        {
            return false;
        }

        ReadOnlySpan<char> s = text;
        if (s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':')
        {
            return false;
        }

        if (!Digits(s, 0, 4, out int year) || !Digits(s, 5, 2, out int month) || !Digits(s, 8, 2, out int day)
            || !Digits(s, 11, 2, out int hour) || !Digits(s, 14, 2, out int minute) || !Digits(s, 17, 2, out int second))
        {
            return false;
        }

        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)
            || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        string fraction = string.Empty;
        int precision = 0;
        if (text.Length > 20)
        {
            if (s[19] != '.' || text.Length == 21)
            {
                return false;
            }

            ReadOnlySpan<char> digits = s[20..^1];
            foreach (char c in digits)
            {
                if (c is < '0' or > '9')
                {
                    return false;
                }
            }

            precision = digits.Length;
            fraction = digits.TrimEnd('0').ToString();
        }

        long seconds = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc).Ticks / TimeSpan.TicksPerSecond;
        timestamp = new StixTimestamp(text, seconds, fraction, precision);
        return true;
    }

    /// <summary>Parses a STIX timestamp.</summary>
    /// <exception cref="FormatException">The text is not a STIX timestamp.</exception>
    public static StixTimestamp Parse(string text) =>
        TryParse(text, out StixTimestamp t) ? t : throw new FormatException($"'{text}' is not a STIX timestamp (YYYY-MM-DDTHH:mm:ss[.s+]Z).");

    /// <summary>Formats an instant with millisecond precision, the precision STIX requires of created and modified.</summary>
    public static StixTimestamp FromDateTimeOffset(DateTimeOffset value, int fractionDigits = 3)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(fractionDigits);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(fractionDigits, 7);
        DateTime utc = value.UtcDateTime;
        string text = utc.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss", CultureInfo.InvariantCulture);
        if (fractionDigits > 0)
        {
            string fraction = (utc.Ticks % TimeSpan.TicksPerSecond).ToString("D7", CultureInfo.InvariantCulture);
            text = string.Concat(text, ".", fraction.AsSpan(0, fractionDigits));
        }

        return Parse(text + "Z");
    }

    /// <summary>The timestamp exactly as written.</summary>
    public override string ToString() => _text ?? string.Empty;

    /// <inheritdoc/>
    public int CompareTo(StixTimestamp other)
    {
        int c = _seconds.CompareTo(other._seconds);
        return c != 0 ? c : string.CompareOrdinal(_fraction ?? string.Empty, other._fraction ?? string.Empty);
    }

    /// <summary>True when both denote the same instant (precision as written does not matter).</summary>
    public bool Equals(StixTimestamp other) => CompareTo(other) == 0;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is StixTimestamp other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(_seconds, _fraction ?? string.Empty);

    /// <summary>Compares instants.</summary>
    public static bool operator ==(StixTimestamp left, StixTimestamp right) => left.Equals(right);

    /// <summary>Compares instants.</summary>
    public static bool operator !=(StixTimestamp left, StixTimestamp right) => !left.Equals(right);

    /// <summary>Compares instants.</summary>
    public static bool operator <(StixTimestamp left, StixTimestamp right) => left.CompareTo(right) < 0;

    /// <summary>Compares instants.</summary>
    public static bool operator >(StixTimestamp left, StixTimestamp right) => left.CompareTo(right) > 0;

    /// <summary>Compares instants.</summary>
    public static bool operator <=(StixTimestamp left, StixTimestamp right) => left.CompareTo(right) <= 0;

    /// <summary>Compares instants.</summary>
    public static bool operator >=(StixTimestamp left, StixTimestamp right) => left.CompareTo(right) >= 0;

    private static bool Digits(ReadOnlySpan<char> s, int start, int count, out int value)
    {
        value = 0;
        for (int i = start; i < start + count; i++)
        {
            char c = s[i];
            if (c is < '0' or > '9')
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        return true;
    }
}
