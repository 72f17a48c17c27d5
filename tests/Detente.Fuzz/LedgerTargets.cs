using System.Text;
using System.Text.RegularExpressions;
using Detente.Ledger;
using Detente.Ledger.Entries;
using Detente.Ledger.Notes;
using Detente.Ledger.Tiles;
using Detente.Ledger.Witnessing;

namespace Detente.Fuzz;

/// <summary>
/// The transparency log's parsers. Each refuses with <see cref="LedgerFormatException"/> only (or returns false), and
/// what it accepts writes back to exactly the input: every format has one canonical encoding.
/// </summary>
public static partial class LedgerTargets
{
    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    // Created on first use, inside a target (see FuzzTargets.Reader).
    private static class Keys
    {
        public static readonly NoteVerifierKey Peter = NoteVerifierKey.Parse("PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW");
    }

    private static class EntryJson
    {
        public static readonly Detente.Stix.StixReader Reader = new(new Detente.Stix.StixReaderLimits { MaxBytes = 1 << 16, MaxDepth = 4 });
    }

    /// <summary>SignedNote.Parse: an accepted note writes back byte for byte; verifying it never throws.</summary>
    public static void NoteTarget(ReadOnlySpan<byte> input)
    {
        SignedNote note;
        try
        {
            note = SignedNote.Parse(input);
        }
        catch (LedgerFormatException)
        {
            return;
        }

        if (!note.ToBytes().AsSpan().SequenceEqual(input))
        {
            throw new FuzzFailure("An accepted signed note does not write back as read.");
        }

        _ = note.Verify([Keys.Peter]);
    }

    /// <summary>Checkpoint.ParseText over an accepted note's text: an accepted checkpoint prints back as its text.</summary>
    public static void CheckpointTarget(ReadOnlySpan<byte> input)
    {
        try
        {
            SignedNote note = SignedNote.Parse(input);
            Checkpoint checkpoint = Checkpoint.ParseText(note.Text);
            if (!string.Equals(checkpoint.ToText(), note.Text, StringComparison.Ordinal))
            {
                throw new FuzzFailure("An accepted checkpoint does not print back as its note text.");
            }
        }
        catch (LedgerFormatException)
        {
        }
    }

    /// <summary>TilePath.TryParse never throws; what it accepts prints back exactly and matches the tlog-tiles grammar.</summary>
    public static void TilePathTarget(ReadOnlySpan<byte> input)
    {
        string text = Encoding.UTF8.GetString(input);
        if (!TilePath.TryParse(text, out TilePath path))
        {
            return;
        }

        if (path.ToString() != text)
        {
            throw new FuzzFailure("An accepted tile path does not print back as written.");
        }

        if (!TilePathGrammar().IsMatch(text))
        {
            throw new FuzzFailure("TilePath accepted text outside the tlog-tiles grammar.");
        }
    }

    /// <summary>EntryBundle.Decode with the count in the first byte: an accepted bundle re-encodes to the same bytes.</summary>
    public static void EntryBundleTarget(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty)
        {
            return;
        }

        byte[] bundle = input[1..].ToArray();
        ReadOnlyMemory<byte>[] entries;
        try
        {
            entries = EntryBundle.Decode(bundle, input[0]);
        }
        catch (LedgerFormatException)
        {
            return;
        }

        if (entries.Length != input[0] || !EntryBundle.Encode(entries).AsSpan().SequenceEqual(bundle))
        {
            throw new FuzzFailure("An accepted bundle does not re-encode to the same bytes.");
        }
    }

    /// <summary>AddCheckpointRequest.Parse: an accepted body writes back byte for byte; the witness answers any body with a status.</summary>
    public static void AddCheckpointTarget(ReadOnlySpan<byte> input)
    {
        try
        {
            AddCheckpointRequest request = AddCheckpointRequest.Parse(input);
            if (!request.ToBytes().AsSpan().SequenceEqual(input))
            {
                throw new FuzzFailure("An accepted add-checkpoint body does not write back as read.");
            }
        }
        catch (LedgerFormatException)
        {
        }

        try
        {
            long size = WitnessResponses.ParseSize(input);
            if (!WitnessResponses.FormatSize(size).AsSpan().SequenceEqual(input))
            {
                throw new FuzzFailure("An accepted size body does not write back as read.");
            }
        }
        catch (LedgerFormatException)
        {
        }

        try
        {
            IReadOnlyList<NoteSignature> signatures = WitnessResponses.ParseCosignatures(input);
            if (!WitnessResponses.FormatCosignatures(signatures).AsSpan().SequenceEqual(input))
            {
                throw new FuzzFailure("An accepted cosignature response does not write back as read.");
            }
        }
        catch (LedgerFormatException)
        {
        }
    }

    /// <summary>LogEntry.Parse: an accepted entry is canonical JSON to the general reader, and parses again to the same values.</summary>
    public static void LogEntryTarget(ReadOnlySpan<byte> input)
    {
        LogEntry entry;
        try
        {
            entry = LogEntry.Parse(input);
        }
        catch (LedgerFormatException)
        {
            return;
        }

        // Oracle: the general reader agrees that the bytes are one JSON object in canonical (JCS) form.
        if (!Detente.Stix.Json.JsonCanonicalizer.Canonicalize(EntryJson.Reader.Parse(input)).AsSpan().SequenceEqual(input))
        {
            throw new FuzzFailure("An accepted entry is not canonical JSON.");
        }

        LogEntry again = LogEntry.Parse(entry.Encoded.Span);
        if (!entry.Encoded.Span.SequenceEqual(input) || again.Commitment != entry.Commitment || again.Action != entry.Action
            || !string.Equals(again.Origin, entry.Origin, StringComparison.Ordinal))
        {
            throw new FuzzFailure("An accepted entry is not stable under parsing.");
        }
    }

    /// <summary>NoteVerifierKey.TryParse never throws; what it accepts prints back exactly.</summary>
    public static void VerifierKeyTarget(ReadOnlySpan<byte> input)
    {
        string text;
        try
        {
            text = s_strictUtf8.GetString(input);
        }
        catch (DecoderFallbackException)
        {
            return;
        }

        if (NoteVerifierKey.TryParse(text, out NoteVerifierKey? key) && key.ToString() != text)
        {
            throw new FuzzFailure("An accepted verifier key does not print back as written.");
        }
    }

    [GeneratedRegex(@"\Atile/(entries|0|[1-9]|[1-5][0-9]|6[0-3])(/x[0-9]{3})*/[0-9]{3}(\.p/([1-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5]))?\z", RegexOptions.CultureInvariant)]
    private static partial Regex TilePathGrammar();
}
