using System.Globalization;
using System.Text;

namespace Detente.Stix;

/// <summary>Makes outside text safe to quote in a message, an issue path or a log line.</summary>
/// <remarks>
/// Text read from input ends up on terminals and in logs. Quoted raw, a control character could fake an extra line
/// (<c>\n</c>, U+2028, U+2029), drive the terminal (ESC), or reorder what is displayed (bidi controls such as
/// U+202E). Every such character, and every unpaired surrogate, is written as <c>\uXXXX</c>, and <c>\</c> as
/// <c>\\</c> so the escapes cannot be forged; the result holds printable text only. This is the one place that
/// decides what is printable; the validator, the signature checks and the reader use it.
/// </remarks>
internal static class Printable
{
    /// <summary>
    /// Returns <paramref name="value"/> with at most <paramref name="maxLength"/> of its characters kept (then <c>…</c>),
    /// control characters written as <c>\uXXXX</c> and <c>\</c> as <c>\\</c>.
    /// </summary>
    /// <remarks>The value itself is returned, without allocating, when it is short enough and needs no escape.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxLength"/> is less than 1.</exception>
    internal static string Escape(string value, int maxLength) => Escape(value, maxLength, '\\');

    /// <summary>
    /// As <see cref="Escape(string, int)"/>, and also writes <paramref name="quote"/> as <c>\</c> followed by it, for
    /// text that goes between such quotes (JSONPath bracket notation: <c>['…']</c>).
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxLength"/> is less than 1.</exception>
    internal static string Escape(string value, int maxLength, char quote)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxLength);

        int length = Math.Min(value.Length, maxLength);
        if (length < value.Length && char.IsHighSurrogate(value[length - 1]) && char.IsLowSurrogate(value[length]))
        {
            length--; // never cut a surrogate pair in two
        }

        int first = IndexOfEscape(value.AsSpan(0, length), quote);
        if (first < 0)
        {
            return length == value.Length ? value : string.Concat(value.AsSpan(0, length), "…");
        }

        var builder = new StringBuilder(length + 16);
        builder.Append(value, 0, first);
        for (int i = first; i < length; i++)
        {
            char c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                builder.Append(c).Append(value[i + 1]);
                i++;
            }
            else if (c == '\\' || c == quote)
            {
                builder.Append('\\').Append(c);
            }
            else if (IsUnprintable(c) || char.IsSurrogate(c))
            {
                builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }

        if (length < value.Length)
        {
            builder.Append('…');
        }

        return builder.ToString();
    }

    private static int IndexOfEscape(ReadOnlySpan<char> text, char quote)
    {
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (c == '\\' || c == quote || IsUnprintable(c) || char.IsSurrogate(c))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>C0 and C1 controls, DEL, the line and paragraph separators and the bidi controls (surrogates are
    /// checked apart: only unpaired ones are escaped).</summary>
    private static bool IsUnprintable(char c) =>
        c < ' '
        || c is >= '\u007f' and <= '\u009f'
        || c is '\u2028' or '\u2029'
        || c is '\u061c' or '\u200e' or '\u200f' or (>= '\u202a' and <= '\u202e') or (>= '\u2066' and <= '\u2069');
}
