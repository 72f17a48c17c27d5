using System.Globalization;
using System.Text;
using Detente.Ledger.Notes;

namespace Detente.Ledger.Witnessing;

/// <summary>Reads and writes the bodies of tlog-witness <c>add-checkpoint</c> responses.</summary>
/// <remarks>
/// C2SP tlog-witness v1.0.0: a 200 response is one or more note signature lines, each <c>— name base64\n</c>; a 409
/// response is the witness's latest cosigned size in decimal and a newline, with content type
/// <see cref="SizeContentType"/>.
/// </remarks>
public static class WitnessResponses
{
    /// <summary>The content type of a 409 Conflict body.</summary>
    public const string SizeContentType = "text/x.tlog.size";

    /// <summary>The 200 body: one signature line per cosignature.</summary>
    public static byte[] FormatCosignatures(IReadOnlyList<NoteSignature> cosignatures)
    {
        ArgumentNullException.ThrowIfNull(cosignatures);
        if (cosignatures.Count == 0)
        {
            throw new ArgumentException("A response carries at least one cosignature.", nameof(cosignatures));
        }

        return Encoding.UTF8.GetBytes(string.Concat(cosignatures.Select(static s => s + "\n")));
    }

    /// <summary>Reads a 200 body: one or more signature lines and nothing else.</summary>
    /// <exception cref="LedgerFormatException">The body is not one or more well-formed signature lines.</exception>
    public static IReadOnlyList<NoteSignature> ParseCosignatures(ReadOnlySpan<byte> body, NoteLimits? limits = null)
    {
        limits ??= NoteLimits.Default;
        if (body.IsEmpty || body[^1] != (byte)'\n')
        {
            ThrowHelper.Format("The response is empty or does not end in a newline.", body.Length);
        }

        if (body.Length > limits.MaxBytes)
        {
            ThrowHelper.Format("The response is too large.", limits.MaxBytes);
        }

        var signatures = new List<NoteSignature>();
        int offset = 0;
        while (offset < body.Length)
        {
            int end = body[offset..].IndexOf((byte)'\n');
            if (signatures.Count == limits.MaxSignatures)
            {
                ThrowHelper.Format("The response has too many signature lines.", offset);
            }

            ReadOnlySpan<byte> line = body.Slice(offset, end);
            for (int i = 0; i < line.Length; i++)
            {
                if (line[i] < 0x20)
                {
                    ThrowHelper.Format("The response holds a control character.", offset + i);
                }
            }

            signatures.Add(SignedNote.ParseSignatureLine(line, offset));
            offset += end + 1;
        }

        return signatures;
    }

    /// <summary>The 409 body: the size and a newline.</summary>
    public static byte[] FormatSize(long size)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        return Encoding.ASCII.GetBytes(size.ToString(CultureInfo.InvariantCulture) + "\n");
    }

    /// <summary>Reads a 409 body.</summary>
    /// <exception cref="LedgerFormatException">The body is not a decimal size followed by one newline.</exception>
    public static long ParseSize(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty || body[^1] != (byte)'\n')
        {
            ThrowHelper.Format("The size body does not end in a newline.", body.Length);
        }

        return AddCheckpointRequest.ParseSize(body[..^1], 0);
    }
}
