using Detente.Stix;

namespace Detente.Storage.Sql;

/// <summary>Keys whose byte order is the order the store needs: version instants and spec versions.</summary>
internal static class VersionKey
{
    /// <summary>
    /// The timestamp as <c>YYYY-MM-DDTHH:mm:ss</c> followed, when it is not zero, by <c>.</c> and the sub-second digits
    /// without trailing zeros. Equal instants give equal keys whatever precision they were written with, and the
    /// ordinal (byte) order of keys is the order of instants: the fixed-width part decides first, then the fractions,
    /// compared digit by digit, where a shorter fraction that is a prefix of a longer one is the smaller instant.
    /// </summary>
    public static string Of(StixTimestamp timestamp)
    {
        string text = timestamp.ToString();
        if (text.Length == 0)
        {
            return "0001-01-01T00:00:00"; // default(StixTimestamp)
        }

        // "YYYY-MM-DDTHH:mm:ss" is 19 characters; a fraction follows as ".d+" before the final "Z".
        ReadOnlySpan<char> fraction = text.Length > 20 ? text.AsSpan(20, text.Length - 21).TrimEnd('0') : [];
        return fraction.IsEmpty ? text[..19] : string.Concat(text.AsSpan(0, 20), fraction);
    }

    /// <summary>
    /// A number that orders spec versions written <c>major.minor</c> (<c>2.0</c> &lt; <c>2.1</c> &lt; <c>2.10</c>);
    /// any other text orders below them all, as 0.
    /// </summary>
    public static int SpecKey(string specVersion)
    {
        int dot = specVersion.IndexOf('.', StringComparison.Ordinal);
        if (dot is <= 0 or > 3 || specVersion.Length - dot - 1 is <= 0 or > 3)
        {
            return 0;
        }

        return int.TryParse(specVersion.AsSpan(0, dot), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int major)
            && int.TryParse(specVersion.AsSpan(dot + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int minor)
            ? (major * 1000) + minor + 1
            : 0;
    }
}
