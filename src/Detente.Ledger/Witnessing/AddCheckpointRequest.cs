using System.Globalization;
using System.Text;
using Detente.Ledger.Merkle;
using Detente.Ledger.Notes;

namespace Detente.Ledger.Witnessing;

/// <summary>The body of a tlog-witness <c>add-checkpoint</c> request: old size, consistency proof, blank line, checkpoint.</summary>
/// <remarks>
/// C2SP tlog-witness v1.0.0: <c>"old &lt;size&gt;\n"</c> (decimal, no leading zeroes), up to 63 lines each the base64
/// of one 32-byte hash, an empty line, then the signed checkpoint note. Parsing is strict: anything else is refused.
/// </remarks>
public sealed class AddCheckpointRequest
{
    /// <summary>The most consistency proof lines a request may carry.</summary>
    public const int MaxProofLines = 63;

    /// <summary>Creates a request.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The old size is negative or the proof longer than 63 hashes.</exception>
    public AddCheckpointRequest(long oldSize, IReadOnlyList<MerkleHash> proof, SignedNote checkpoint)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(oldSize);
        ArgumentNullException.ThrowIfNull(proof);
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(proof.Count, MaxProofLines, nameof(proof));
        OldSize = oldSize;
        Proof = proof.ToArray();
        Note = checkpoint;
    }

    /// <summary>The size of the checkpoint the client believes the witness last cosigned.</summary>
    public long OldSize { get; }

    /// <summary>The consistency proof from <see cref="OldSize"/> to the checkpoint's size.</summary>
    public IReadOnlyList<MerkleHash> Proof { get; }

    /// <summary>The signed checkpoint to cosign.</summary>
    public SignedNote Note { get; }

    /// <summary>Reads a request body.</summary>
    /// <exception cref="LedgerFormatException">The body is malformed (a witness answers 400 Bad Request).</exception>
    public static AddCheckpointRequest Parse(ReadOnlySpan<byte> body, NoteLimits? limits = null)
    {
        limits ??= NoteLimits.Default;
        if (body.Length > limits.MaxBytes + 4096)
        {
            ThrowHelper.Format("The request body is too large.", 0);
        }

        int end = body.IndexOf((byte)'\n');
        if (end < 0 || !body.StartsWith("old "u8))
        {
            ThrowHelper.Format("The body does not start with an 'old <size>' line.", 0);
        }

        long oldSize = ParseSize(body[4..end], 4);
        int offset = end + 1;
        var proof = new List<MerkleHash>();
        while (true)
        {
            int next = body[offset..].IndexOf((byte)'\n');
            if (next < 0)
            {
                ThrowHelper.Format("The body has no empty line before the checkpoint.", offset);
            }

            if (next == 0)
            {
                offset++;
                break;
            }

            if (proof.Count == MaxProofLines)
            {
                ThrowHelper.Format("The body has more than 63 consistency proof lines.", offset);
            }

            if (!StrictBase64.TryDecode(body.Slice(offset, next), out byte[] hash) || hash.Length != MerkleHash.Size)
            {
                ThrowHelper.Format("A consistency proof line is not the canonical base64 of 32 bytes.", offset);
            }

            proof.Add(new MerkleHash(hash));
            offset += next + 1;
        }

        SignedNote note;
        try
        {
            note = SignedNote.Parse(body[offset..], limits);
        }
        catch (LedgerFormatException e)
        {
            throw new LedgerFormatException($"The checkpoint is malformed: {e.Message}", offset + Math.Max(e.Position, 0), e);
        }

        return new AddCheckpointRequest(oldSize, proof, note);
    }

    /// <summary>The request body.</summary>
    public byte[] ToBytes()
    {
        var builder = new StringBuilder();
        builder.Append("old ").Append(OldSize.ToString(CultureInfo.InvariantCulture)).Append('\n');
        foreach (MerkleHash hash in Proof)
        {
            builder.Append(hash.ToBase64()).Append('\n');
        }

        builder.Append('\n');
        byte[] head = Encoding.UTF8.GetBytes(builder.ToString());
        byte[] note = Note.ToBytes();
        return [.. head, .. note];
    }

    /// <summary>Reads a decimal size without leading zeroes.</summary>
    internal static long ParseSize(ReadOnlySpan<byte> digits, long position)
    {
        if (digits.IsEmpty || digits.Length > 19 || (digits.Length > 1 && digits[0] == (byte)'0'))
        {
            ThrowHelper.Format("A size is a decimal number without leading zeroes.", position);
        }

        long value = 0;
        foreach (byte b in digits)
        {
            if (b is < (byte)'0' or > (byte)'9')
            {
                ThrowHelper.Format("A size is a decimal number without leading zeroes.", position);
            }

            if (value > (long.MaxValue - (b - '0')) / 10)
            {
                ThrowHelper.Format("A size is too large.", position);
            }

            value = (value * 10) + (b - '0');
        }

        return value;
    }
}
