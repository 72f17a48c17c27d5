using System.Globalization;
using System.Text;
using Detente.Ledger.Merkle;

namespace Detente.Ledger.Notes;

/// <summary>A checkpoint: the origin, tree size and root hash of a log, as the text of a signed note.</summary>
/// <remarks>
/// C2SP tlog-checkpoint v1.0.0: at least three non-empty newline-terminated lines: the origin (non-empty), the tree
/// size in decimal without leading zeroes, the root hash in base64; any further lines are non-empty extension lines.
/// Checkpoints carry no time; freshness comes from cosignature timestamps (<see cref="Witnessing.Freshness"/>).
/// </remarks>
public sealed class Checkpoint : IEquatable<Checkpoint>
{
    /// <summary>Creates a checkpoint.</summary>
    /// <exception cref="ArgumentException">The origin or an extension line is empty or holds a newline or control character.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The size is negative.</exception>
    public Checkpoint(string origin, long size, MerkleHash rootHash, IReadOnlyList<string>? extensions = null)
    {
        ArgumentNullException.ThrowIfNull(origin);
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        if (!IsValidLine(origin))
        {
            throw new ArgumentException("The origin is a non-empty line without control characters.", nameof(origin));
        }

        extensions ??= [];
        if (!extensions.All(IsValidLine))
        {
            throw new ArgumentException("Extension lines are non-empty lines without control characters.", nameof(extensions));
        }

        Origin = origin;
        Size = size;
        RootHash = rootHash;
        Extensions = extensions.ToArray();
    }

    /// <summary>The log's identity (first line).</summary>
    public string Origin { get; }

    /// <summary>The number of leaves.</summary>
    public long Size { get; }

    /// <summary>The RFC 9162 root of the tree of <see cref="Size"/> leaves.</summary>
    public MerkleHash RootHash { get; }

    /// <summary>Any extension lines (opaque; not recommended).</summary>
    public IReadOnlyList<string> Extensions { get; }

    /// <summary>Reads the note text of a checkpoint.</summary>
    /// <exception cref="LedgerFormatException">The text is not a checkpoint body.</exception>
    public static Checkpoint ParseText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0 || text[^1] != '\n')
        {
            ThrowHelper.Format("A checkpoint text ends in a newline.", text.Length);
        }

        string[] lines = text[..^1].Split('\n');
        if (lines.Length < 3)
        {
            ThrowHelper.Format("A checkpoint has at least three lines: origin, size, root hash.", text.Length);
        }

        int position = 0;
        for (int i = 0; i < lines.Length; i++)
        {
            if (!IsValidLine(lines[i]))
            {
                ThrowHelper.Format($"Checkpoint line {i + 1} is empty or holds a control character.", position);
            }

            position += lines[i].Length + 1;
        }

        string sizeText = lines[1];
        int sizeAt = lines[0].Length + 1;
        long size = sizeText.All(char.IsAsciiDigit) && (sizeText.Length == 1 || sizeText[0] != '0')
            && long.TryParse(sizeText, NumberStyles.None, CultureInfo.InvariantCulture, out long parsed)
                ? parsed
                : ThrowHelper.Format<long>("The tree size is not a decimal number without leading zeroes.", sizeAt);

        if (!MerkleHash.TryParseBase64(lines[2], out MerkleHash root))
        {
            ThrowHelper.Format("The root hash is not the canonical base64 of 32 bytes.", sizeAt + sizeText.Length + 1);
        }

        return new Checkpoint(lines[0], size, root, lines[3..]);
    }

    /// <summary>Reads a checkpoint from a note whose signatures the caller has verified.</summary>
    /// <exception cref="LedgerFormatException">The note text is not a checkpoint body.</exception>
    public static Checkpoint FromNote(SignedNote note)
    {
        ArgumentNullException.ThrowIfNull(note);
        return ParseText(note.Text);
    }

    /// <summary>The note text: origin, size, root and extension lines, each ending in a newline.</summary>
    public string ToText()
    {
        var builder = new StringBuilder();
        builder.Append(Origin).Append('\n')
            .Append(Size.ToString(CultureInfo.InvariantCulture)).Append('\n')
            .Append(RootHash.ToBase64()).Append('\n');
        foreach (string extension in Extensions)
        {
            builder.Append(extension).Append('\n');
        }

        return builder.ToString();
    }

    /// <summary>True for the same text.</summary>
    public bool Equals(Checkpoint? other) =>
        other is not null && string.Equals(ToText(), other.ToText(), StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Checkpoint other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Origin, Size, RootHash);

    /// <summary>The note text.</summary>
    public override string ToString() => ToText();

    private static bool IsValidLine(string line)
    {
        if (line.Length == 0)
        {
            return false;
        }

        foreach (char c in line)
        {
            if (c < 0x20)
            {
                return false;
            }
        }

        return true;
    }
}
