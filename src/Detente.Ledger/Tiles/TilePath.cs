using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace Detente.Ledger.Tiles;

/// <summary>The path of a hash tile (<c>tile/&lt;L&gt;/&lt;N&gt;[.p/&lt;W&gt;]</c>) or entry bundle (<c>tile/entries/&lt;N&gt;[.p/&lt;W&gt;]</c>).</summary>
/// <remarks>
/// C2SP tlog-tiles: L is 0..63 in decimal without leading zeroes; N is written in 3-digit groups, all but the last
/// prefixed with <c>x</c> (1234067 is <c>x001/x234/067</c>); W, for a partial tile only, is 1..255 without leading
/// zeroes. Parsing accepts exactly the one canonical path for each tile: no leading zero group, no <c>.p/256</c>,
/// nothing before or after.
/// </remarks>
public readonly record struct TilePath
{
    /// <summary>The <see cref="Level"/> of an entry bundle.</summary>
    public const int EntriesLevel = -1;

    /// <summary>The number of hashes (or entries) in a full tile: tiles have height 8.</summary>
    public const int FullWidth = 256;

    /// <summary>The highest tile level a path may name.</summary>
    public const int MaxLevel = 63;

    /// <summary>Creates a path.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The level is not -1..63, the index is negative or the width not 1..256.</exception>
    public TilePath(int level, long index, int width)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(level, EntriesLevel);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(level, MaxLevel);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(width, FullWidth);
        Level = level;
        Index = index;
        Width = width;
    }

    /// <summary>The tile level (hashes at tree level 8·L), or <see cref="EntriesLevel"/> for an entry bundle.</summary>
    public int Level { get; }

    /// <summary>The tile's index within its level.</summary>
    public long Index { get; }

    /// <summary>The number of hashes or entries: 256 for a full tile, 1..255 for a partial one.</summary>
    public int Width { get; }

    /// <summary>True for an entry bundle.</summary>
    public bool IsEntryBundle => Level == EntriesLevel;

    /// <summary>True for a full tile (256 wide).</summary>
    public bool IsFull => Width == FullWidth;

    /// <summary>The same tile, full width (the one a partial tile grows into).</summary>
    public TilePath AsFull() => new(Level, Index, FullWidth);

    /// <summary>The hash tile at <paramref name="level"/>, full.</summary>
    public static TilePath Hashes(int level, long index, int width = FullWidth)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(level);
        return new TilePath(level, index, width);
    }

    /// <summary>The entry bundle <paramref name="index"/>.</summary>
    public static TilePath Entries(long index, int width = FullWidth) => new(EntriesLevel, index, width);

    /// <summary>Parses a canonical tile path.</summary>
    /// <exception cref="LedgerFormatException">The text is not a canonical tile path.</exception>
    public static TilePath Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out TilePath path, out string? problem, out int position)
            ? path
            : ThrowHelper.Format<TilePath>($"Not a tile path: {problem}", position);
    }

    /// <summary>Parses a canonical tile path; false for anything else.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out TilePath path) => TryParse(text, out path, out _, out _);

    private static bool TryParse(string? text, out TilePath path, out string? problem, out int position)
    {
        path = default;
        problem = null;
        position = 0;
        if (text is null || !text.StartsWith("tile/", StringComparison.Ordinal))
        {
            problem = "it does not start with 'tile/'.";
            return false;
        }

        string[] parts = text.Split('/');
        position = 5;
        int level;
        if (parts[1] == "entries")
        {
            level = EntriesLevel;
        }
        else if (!TryParseSmall(parts[1], MaxLevel, allowZero: true, out level))
        {
            problem = "the level is not a decimal number 0..63 without leading zeroes.";
            return false;
        }

        // The index: groups x000../NNN, then possibly ".p" on the last group and one width element.
        int last = parts.Length - 1;
        int width = FullWidth;
        if (last >= 3 && parts[last - 1].EndsWith(".p", StringComparison.Ordinal))
        {
            position = text.Length - parts[last].Length;
            if (!TryParseSmall(parts[last], FullWidth - 1, allowZero: false, out width))
            {
                problem = "the partial width is not a decimal number 1..255 without leading zeroes.";
                return false;
            }

            parts[last - 1] = parts[last - 1][..^2];
            last--;
        }

        int groups = last - 1;
        if (groups < 1 || groups > 7)
        {
            problem = "the index has no 3-digit groups or too many.";
            return false;
        }

        long index = 0;
        position = 6 + parts[1].Length;
        for (int g = 0; g < groups; g++)
        {
            string group = parts[2 + g];
            bool final = g == groups - 1;
            if (group.Length != (final ? 3 : 4) || (!final && group[0] != 'x'))
            {
                problem = "every index group but the last is 'x' and 3 digits, the last is 3 digits.";
                return false;
            }

            ReadOnlySpan<char> digits = final ? group : group.AsSpan(1);
            if (!char.IsAsciiDigit(digits[0]) || !char.IsAsciiDigit(digits[1]) || !char.IsAsciiDigit(digits[2]))
            {
                problem = "an index group holds something other than 3 decimal digits.";
                return false;
            }

            int value = ((digits[0] - '0') * 100) + ((digits[1] - '0') * 10) + (digits[2] - '0');
            if (g == 0 && value == 0 && groups > 1)
            {
                problem = "the index has a leading zero group.";
                return false;
            }

            if (index > (long.MaxValue - value) / 1000)
            {
                problem = "the index is too large.";
                return false;
            }

            index = (index * 1000) + value;
            position += group.Length + 1;
        }

        path = new TilePath(level, index, width);
        return true;
    }

    private static bool TryParseSmall(string text, int max, bool allowZero, out int value)
    {
        value = 0;
        if (text.Length is 0 or > 3 || (text.Length > 1 && text[0] == '0'))
        {
            return false;
        }

        foreach (char c in text)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        return value <= max && (allowZero || value > 0);
    }

    /// <summary>The canonical path, e.g. <c>tile/0/x001/x234/067.p/17</c> or <c>tile/entries/000</c>.</summary>
    public override string ToString()
    {
        var builder = new StringBuilder("tile/", 40);
        builder.Append(IsEntryBundle ? "entries" : Level.ToString(CultureInfo.InvariantCulture));
        string digits = Index.ToString(CultureInfo.InvariantCulture);
        int pad = (3 - (digits.Length % 3)) % 3;
        digits = new string('0', pad) + digits;
        for (int i = 0; i < digits.Length; i += 3)
        {
            builder.Append('/');
            if (i + 3 < digits.Length)
            {
                builder.Append('x');
            }

            builder.Append(digits, i, 3);
        }

        if (!IsFull)
        {
            builder.Append(".p/").Append(Width.ToString(CultureInfo.InvariantCulture));
        }

        return builder.ToString();
    }
}
