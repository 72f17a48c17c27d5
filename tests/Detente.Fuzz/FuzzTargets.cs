using System.Text;
using System.Text.Json;
using Detente.Patterns;
using Detente.Patterns.Validation;
using Detente.Policy;
using Detente.Stix;
using Detente.Stix.Json;
using Detente.Taxii;
using Detente.Taxii.Query;

namespace Detente.Fuzz;

/// <summary>
/// Fuzz targets. Each takes arbitrary bytes; the only exception it may let escape is the parser's documented one,
/// and whatever the parser accepts is re-checked by a simple oracle. Anything else is a bug.
/// </summary>
public static class FuzzTargets
{
    /// <summary>The targets by name, as <c>detente-fuzz NAME</c> and the mutation tests know them.</summary>
    public static IReadOnlyDictionary<string, FuzzTarget> All { get; } = new Dictionary<string, FuzzTarget>(StringComparer.Ordinal)
    {
        ["reader"] = StixReaderTarget,
        ["timestamp"] = TimestampTarget,
        ["id"] = IdTarget,
        ["pattern"] = PatternTarget,
        ["taxii-envelope"] = TaxiiEnvelopeTarget,
        ["taxii-status"] = TaxiiStatusTarget,
        ["accept"] = AcceptTarget,
        ["taxii-query"] = TaxiiQueryTarget,
        ["flat"] = FlatLineTarget.Fuzz,
        ["stix-match"] = StixMatchTarget.Fuzz,
        ["policy-facts"] = PolicyFactsTarget,
        ["policy-facts-encoding"] = PolicyFactsEncodingTarget,
        ["psi-chunk"] = PsiTargets.ChunkTarget,
        ["psi-filter"] = PsiTargets.FilterTarget,
        ["psi-session"] = PsiTargets.SessionTarget,
        ["psi-element"] = PsiTargets.ElementTarget,
        ["ledger-note"] = LedgerTargets.NoteTarget,
        ["ledger-checkpoint"] = LedgerTargets.CheckpointTarget,
        ["ledger-tile-path"] = LedgerTargets.TilePathTarget,
        ["ledger-bundle"] = LedgerTargets.EntryBundleTarget,
        ["ledger-add-checkpoint"] = LedgerTargets.AddCheckpointTarget,
        ["ledger-entry"] = LedgerTargets.LogEntryTarget,
        ["ledger-vkey"] = LedgerTargets.VerifierKeyTarget,
    };

    // Created on first use, inside a target: under AFL++ no instrumented (Detente.Stix) code may run before
    // Fuzzer.OutOfProcess.Run has mapped the coverage memory.
    private static class Reader
    {
        public static readonly StixReader Instance = new(new StixReaderLimits { MaxBytes = 1 << 20, MaxDepth = 32, MaxStringBytes = 4096 });
    }

    private static class Taxii
    {
        public static readonly TaxiiReader Instance = new(new StixReaderLimits { MaxBytes = 1 << 20, MaxDepth = 32, MaxStringBytes = 4096 });
    }

    /// <summary>
    /// TaxiiReader.ReadEnvelope: refuses with TaxiiFormatException only; in what it accepts, each object's bytes are
    /// one JSON object that reads to the parsed object, and the envelope writes, reads and writes the same bytes.
    /// </summary>
    public static void TaxiiEnvelopeTarget(ReadOnlySpan<byte> input)
    {
        TaxiiEnvelope envelope;
        try
        {
            envelope = Taxii.Instance.ReadEnvelope(input.ToArray());
        }
        catch (TaxiiFormatException)
        {
            return;
        }

        foreach (TaxiiEnvelopeObject item in envelope.Objects)
        {
            if (!Reader.Instance.Parse(item.Json.Span).Equals(item.Object.Json))
            {
                throw new FuzzFailure("An envelope object's bytes do not read to the object parsed with the envelope.");
            }
        }

        if (envelope.Next is not null && !envelope.More)
        {
            throw new FuzzFailure("An envelope has 'next' without 'more'.");
        }

        byte[] written = envelope.Serialize();
        if (!Taxii.Instance.ReadEnvelope(written).Serialize().AsSpan().SequenceEqual(written))
        {
            throw new FuzzFailure("An envelope does not write, read and write the same bytes.");
        }
    }

    /// <summary>TaxiiReader.ReadStatus: refuses with TaxiiFormatException only; what it accepts writes, reads and writes the same bytes.</summary>
    public static void TaxiiStatusTarget(ReadOnlySpan<byte> input)
    {
        TaxiiStatus status;
        try
        {
            status = Taxii.Instance.ReadStatus(input);
        }
        catch (TaxiiFormatException)
        {
            return;
        }

        if (status.TotalCount < 0 || status.SuccessCount < 0 || status.FailureCount < 0 || status.PendingCount < 0)
        {
            throw new FuzzFailure("A status with a negative count was accepted.");
        }

        byte[] written = status.Serialize();
        if (!Taxii.Instance.ReadStatus(written).Serialize().AsSpan().SequenceEqual(written))
        {
            throw new FuzzFailure("A status does not write, read and write the same bytes.");
        }
    }

    /// <summary>
    /// The Accept and Content-Type checks never throw; a quality is within 0–1000; and a Content-Type accepted as
    /// TAXII 2.1 is, read as an Accept header, fully acceptable.
    /// </summary>
    public static void AcceptTarget(ReadOnlySpan<byte> input)
    {
        string header = Encoding.Latin1.GetString(input);
        int quality = TaxiiMediaTypes.Taxii21Quality(header);
        if (quality is < 0 or > 1000 || TaxiiMediaTypes.Stix21Quality(header) is < 0 or > 1000)
        {
            throw new FuzzFailure($"A quality of {quality} is out of range.");
        }

        if (TaxiiMediaTypes.IsTaxii21ContentType(header) && quality != 1000)
        {
            throw new FuzzFailure("A TAXII 2.1 Content-Type is not fully acceptable as an Accept header.");
        }
    }

    /// <summary>TaxiiObjectQuery.TryParse never throws; what it accepts formats to a query string that parses to the same query.</summary>
    public static void TaxiiQueryTarget(ReadOnlySpan<byte> input)
    {
        string text = Encoding.UTF8.GetString(input);
        foreach (TaxiiQueryEndpoint endpoint in Enum.GetValues<TaxiiQueryEndpoint>())
        {
            if (!TaxiiObjectQuery.TryParse(text, endpoint, out TaxiiObjectQuery? query, out _))
            {
                continue;
            }

            if (!TaxiiObjectQuery.TryParse(query.ToQueryString(), endpoint, out TaxiiObjectQuery? again, out TaxiiQueryError? error) || !again.Equals(query))
            {
                throw new FuzzFailure($"A parsed query does not format and parse back to itself ({error}).");
            }
        }
    }

    /// <summary>StixReader.Parse: refuses with StixFormatException only; accepted input is valid JSON with unique names that round-trips through JCS.</summary>
    public static void StixReaderTarget(ReadOnlySpan<byte> input)
    {
        JsonValue value;
        try
        {
            value = Reader.Instance.Parse(input);
        }
        catch (StixFormatException)
        {
            return;
        }

        // Oracle 1: System.Text.Json accepts the same text (it is the RFC 8259 reference here).
        ReadOnlySpan<byte> text = input.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? input[3..] : input;
        try
        {
            using JsonDocument document = JsonDocument.Parse(text.ToArray(), new JsonDocumentOptions { MaxDepth = 64 });
            CheckAgainstDocument(value, document.RootElement);
        }
        catch (JsonException e)
        {
            throw new FuzzFailure($"StixReader accepted what System.Text.Json refuses: {e.Message}");
        }

        // Oracle 2: the canonical form reads back to an equal value and is a fixed point.
        byte[] canonical = JsonCanonicalizer.Canonicalize(value);
        JsonValue again = Reader.Instance.Parse(canonical);
        if (!again.Equals(value))
        {
            throw new FuzzFailure("The canonical form does not read back to an equal value.");
        }

        if (!JsonCanonicalizer.Canonicalize(again).AsSpan().SequenceEqual(canonical))
        {
            throw new FuzzFailure("Canonicalization is not idempotent.");
        }
    }

    /// <summary>
    /// ObjectFacts.Read (the policy's reader of stored object bytes): refuses with StixFormatException only; on every
    /// input the STIX reader also accepts as an object, it reads the same facts as ObjectFacts.From of the parsed object.
    /// </summary>
    public static void PolicyFactsTarget(ReadOnlySpan<byte> input)
    {
        ObjectFacts facts;
        try
        {
            facts = ObjectFacts.Read(input);
        }
        catch (StixFormatException)
        {
            facts = default;
            if (Accepts(input, out _))
            {
                // Repeated members are refused by both readers, so an object the STIX reader accepts must read here.
                throw new FuzzFailure("ObjectFacts.Read refused an object the STIX reader accepts.");
            }

            return;
        }

        if (Accepts(input, out StixObject? parsed) && !ObjectFacts.From(parsed!).Equals(facts))
        {
            throw new FuzzFailure("ObjectFacts.Read and ObjectFacts.From disagree on one object.");
        }

        if (!ObjectFactsEncoding.TryDecode(ObjectFactsEncoding.Encode(facts), out ObjectFacts decoded) || !decoded.Equals(facts))
        {
            throw new FuzzFailure("The stored encoding of facts does not read back as the same facts.");
        }

        static bool Accepts(ReadOnlySpan<byte> input, out StixObject? parsed)
        {
            try
            {
                parsed = Reader.Instance.Parse(input) is JsonObject json ? new StixObject(json) : null;
            }
            catch (StixFormatException)
            {
                parsed = null;
            }

            return parsed is not null;
        }
    }

    /// <summary>
    /// ObjectFactsEncoding.TryDecode (the facts a store keeps beside each object version) never throws, and what it
    /// accepts is exactly one canonical encoding: encoding the decoded facts gives back the input's bytes.
    /// </summary>
    public static void PolicyFactsEncodingTarget(ReadOnlySpan<byte> input)
    {
        if (ObjectFactsEncoding.TryDecode(input, out ObjectFacts facts) && !ObjectFactsEncoding.Encode(facts).AsSpan().SequenceEqual(input))
        {
            throw new FuzzFailure("A decoded facts encoding does not encode back to the same bytes.");
        }
    }

    /// <summary>StixTimestamp.TryParse never throws; what it accepts prints back exactly and matches the STIX grammar.</summary>
    public static void TimestampTarget(ReadOnlySpan<byte> input)
    {
        string text = Encoding.UTF8.GetString(input);
        if (!StixTimestamp.TryParse(text, out StixTimestamp t))
        {
            return;
        }

        if (t.ToString() != text)
        {
            throw new FuzzFailure("A parsed timestamp does not print back as written.");
        }

        // Grammar oracle: YYYY-MM-DDTHH:mm:ss[.s+]Z in ASCII, and .NET agrees on the date and time.
        if (!System.Text.RegularExpressions.Regex.IsMatch(text, @"\A\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z\z", System.Text.RegularExpressions.RegexOptions.CultureInvariant)
            || !DateTime.TryParseExact(text[..19], "yyyy'-'MM'-'dd'T'HH':'mm':'ss", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out _))
        {
            throw new FuzzFailure("StixTimestamp accepted text outside the STIX timestamp grammar.");
        }
    }

    /// <summary>StixId.TryParse never throws; what it accepts prints back exactly.</summary>
    public static void IdTarget(ReadOnlySpan<byte> input)
    {
        string text = Encoding.UTF8.GetString(input);
        if (StixId.TryParse(text, out StixId id) && id.ToString() != text)
        {
            throw new FuzzFailure("A parsed identifier does not print back as written.");
        }
    }

    /// <summary>
    /// Pattern.Parse, both grammars: refuses with PatternSyntaxException only; an accepted pattern prints a canonical
    /// form that parses back to an equal pattern and prints the same again, and validates without throwing.
    /// </summary>
    public static void PatternTarget(ReadOnlySpan<byte> input)
    {
        string text = Encoding.UTF8.GetString(input);
        foreach (PatternVersion version in (ReadOnlySpan<PatternVersion>)[PatternVersion.V21, PatternVersion.V20])
        {
            Pattern pattern;
            try
            {
                pattern = Pattern.Parse(text, version);
            }
            catch (PatternSyntaxException e)
            {
                if (e.Position < 0 || e.Position > text.Length || e.Expected.Length == 0 || e.Found.Length == 0)
                {
                    throw new FuzzFailure($"A syntax error without a position in the text or a reason: {e.Message}");
                }

                continue;
            }

            // Oracle 1: the canonical form reads back to an equal pattern (hash included) and is a fixed point.
            string canonical = pattern.ToString();
            Pattern again;
            try
            {
                again = Pattern.Parse(canonical, version);
            }
            catch (PatternSyntaxException e)
            {
                throw new FuzzFailure($"The canonical form of an accepted pattern does not parse: {e.Message}");
            }

            if (!again.Equals(pattern) || again.GetHashCode() != pattern.GetHashCode())
            {
                throw new FuzzFailure("The canonical form parses to a different pattern.");
            }

            if (again.ToString() != canonical)
            {
                throw new FuzzFailure("Printing is not idempotent.");
            }

            // Oracle 2: validation never throws, and a valid pattern's canonical form is valid too.
            bool valid = PatternValidator.Validate(pattern).IsValid;
            if (PatternValidator.Validate(again).IsValid != valid)
            {
                throw new FuzzFailure("The canonical form validates differently.");
            }
        }
    }

    private static void CheckAgainstDocument(JsonValue value, JsonElement element)
    {
        bool same = (value, element.ValueKind) switch
        {
            (JsonObject o, JsonValueKind.Object) => CheckObject(o, element),
            (JsonArray a, JsonValueKind.Array) => CheckArray(a, element),
            (JsonString s, JsonValueKind.String) => s.Value == element.GetString(),
            (JsonNumber n, JsonValueKind.Number) => element.TryGetDouble(out double d) && d == n.Value,
            (_, JsonValueKind.True) => value.Kind == JsonKind.True,
            (_, JsonValueKind.False) => value.Kind == JsonKind.False,
            (_, JsonValueKind.Null) => value.Kind == JsonKind.Null,
            _ => false,
        };
        if (!same)
        {
            throw new FuzzFailure($"StixReader and System.Text.Json read different values ({value.Kind} vs {element.ValueKind}).");
        }
    }

    private static bool CheckObject(JsonObject o, JsonElement element)
    {
        int count = 0;
        foreach (JsonProperty property in element.EnumerateObject())
        {
            if (!o.TryGetValue(property.Name, out JsonValue? member))
            {
                return false;
            }

            CheckAgainstDocument(member, property.Value);
            count++;
        }

        return count == o.Count; // equal counts and every name found: names are unique on both sides
    }

    private static bool CheckArray(JsonArray a, JsonElement element)
    {
        if (element.GetArrayLength() != a.Count)
        {
            return false;
        }

        int i = 0;
        foreach (JsonElement item in element.EnumerateArray())
        {
            CheckAgainstDocument(a[i++], item);
        }

        return true;
    }
}

/// <summary>A fuzz target's signature.</summary>
public delegate void FuzzTarget(ReadOnlySpan<byte> input);

/// <summary>An oracle disagreed with a parser: a bug.</summary>
public sealed class FuzzFailure : Exception
{
    /// <summary>Creates the failure.</summary>
    public FuzzFailure(string message)
        : base(message)
    {
    }

    /// <summary>Creates the failure.</summary>
    public FuzzFailure()
    {
    }

    /// <summary>Creates the failure.</summary>
    public FuzzFailure(string message, Exception inner)
        : base(message, inner)
    {
    }
}
