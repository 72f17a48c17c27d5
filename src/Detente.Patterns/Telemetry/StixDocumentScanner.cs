using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Detente.Patterns.Evaluation;
using Detente.Patterns.Observations;
using Detente.Stix;
using Detente.Stix.Json;

namespace Detente.Patterns.Telemetry;

/// <summary>Receives the values a <see cref="StixDocumentScanner"/> finds at the paths of a <see cref="StixPathTable"/>.</summary>
internal interface IStixValueProbe
{
    /// <summary>A string at path <paramref name="path"/> (unescaped UTF-8, valid during the call); false stops the scan.</summary>
    public bool OnString(int path, ReadOnlySpan<byte> utf8);

    /// <summary>An integer (or an integral number) at path <paramref name="path"/>; false stops the scan.</summary>
    public bool OnInteger(int path, long value);
}

/// <summary>What <see cref="StixDocumentScanner.Scan"/> found.</summary>
internal enum StixScanOutcome
{
    /// <summary>The document is well-formed, every observed-data in it is valid, and the probe saw every value and never stopped the scan.</summary>
    Complete,

    /// <summary>The probe stopped the scan (a candidate): the full path must read the document.</summary>
    Stopped,

    /// <summary>The document is malformed, over a limit, or in a form the scanner does not answer: the full path must read it.</summary>
    Unsupported,
}

/// <summary>
/// The object paths a <see cref="StixDocumentScanner"/> follows, by object type: one entry per (type, property path)
/// the compiled matcher indexes, numbered in the order given.
/// </summary>
internal sealed class StixPathTable
{
    private readonly byte[][] _types;
    private readonly int[][] _pathsByType;

    /// <summary>Builds the table from (object type, property path) pairs; path <c>i</c> is the <c>i</c>-th pair.</summary>
    public StixPathTable(IReadOnlyList<(string Type, PropertyPath Path)> paths)
    {
        var types = new List<string>();
        var byType = new List<List<int>>();
        Paths = new StixPath[paths.Count];
        for (int i = 0; i < paths.Count; i++)
        {
            (string type, PropertyPath path) = paths[i];
            int t = types.IndexOf(type);
            if (t < 0)
            {
                t = types.Count;
                types.Add(type);
                byType.Add([]);
            }

            byType[t].Add(i);
            Paths[i] = new StixPath(path.Steps.Select(static s => new StixStep(s)).ToArray());
        }

        _types = types.Select(static t => Encoding.UTF8.GetBytes(t)).ToArray();
        _pathsByType = byType.Select(static l => l.ToArray()).ToArray();
    }

    /// <summary>The paths, by number.</summary>
    public StixPath[] Paths { get; }

    /// <summary>The numbers of the paths on objects of <paramref name="type"/> (empty when none).</summary>
    public ReadOnlySpan<int> PathsOf(ReadOnlySpan<byte> type)
    {
        for (int t = 0; t < _types.Length; t++)
        {
            if (type.SequenceEqual(_types[t]))
            {
                return _pathsByType[t];
            }
        }

        return [];
    }
}

/// <summary>One compiled property path.</summary>
internal sealed record StixPath(StixStep[] Steps);

/// <summary>One compiled step: its kind, its name as UTF-8, and what the name says about references.</summary>
internal sealed record StixStep
{
    public StixStep(PathStep step)
    {
        Kind = step.Kind;
        Name = step.Name is null ? [] : Encoding.UTF8.GetBytes(step.Name);
        IsRef = step.Name?.EndsWith("_ref", StringComparison.Ordinal) == true;
        IsRefs = step.Name?.EndsWith("_refs", StringComparison.Ordinal) == true;
        IsHashes = step.Name == "hashes";
        string? algorithm = step.Name is null ? null : ComparisonEvaluator.HashAlgorithmKey(step.Name);
        AlgorithmKey = algorithm is not null && Ascii.IsValid(algorithm) ? Encoding.ASCII.GetBytes(algorithm) : null;
    }

    public PathStepKind Kind { get; }

    public byte[] Name { get; }

    /// <summary>The value is a reference, followed when a step comes after it.</summary>
    public bool IsRef { get; }

    /// <summary>The value is a list of references, followed when steps come after <c>[*]</c>.</summary>
    public bool IsRefs { get; }

    /// <summary>The value is a hashes dictionary: the next step matches the keys that spell its algorithm (see <see cref="SpellsAlgorithm"/>).</summary>
    public bool IsHashes { get; }

    /// <summary>The name as a hash algorithm key (upper case, no hyphens or underscores), or null when it is not ASCII.</summary>
    public byte[]? AlgorithmKey { get; }

    /// <summary>
    /// True when the member name <paramref name="key"/> of a hashes dictionary may name this step's algorithm: its ASCII
    /// letters upper-cased and hyphens and underscores dropped give <see cref="AlgorithmKey"/>. A key or name with a
    /// byte outside ASCII is always taken (upper-casing other characters can give ASCII ones), so the keys taken are a
    /// superset of the evaluator's spellings, which compare <c>ComparisonEvaluator.HashAlgorithmKey</c> of both.
    /// </summary>
    public bool SpellsAlgorithm(ReadOnlySpan<byte> key)
    {
        if (AlgorithmKey is not byte[] wanted)
        {
            return true;
        }

        int j = 0;
        foreach (byte b in key)
        {
            if (b >= 0x80)
            {
                return true;
            }

            if (b is (byte)'-' or (byte)'_')
            {
                continue;
            }

            if (j == wanted.Length || (b is >= (byte)'a' and <= (byte)'z' ? (byte)(b - 0x20) : b) != wanted[j])
            {
                return false;
            }

            j++;
        }

        return j == wanted.Length;
    }
}

/// <summary>
/// The STIX fast path of the compiled matcher: one validating pass of <see cref="Utf8JsonReader"/> over a document (a
/// bundle, an object, or an array of them, as <see cref="StixTelemetryReader.ReadDocument(ReadOnlySpan{byte})"/> reads
/// it) that records its tokens on a reused tape (kind, byte range, next sibling), then the values at the object paths
/// the matcher indexes, found by walking the tape, without building the immutable tree or reading the bytes again.
/// </summary>
/// <remarks>
/// <para><see cref="StixScanOutcome.Complete"/> promises that <see cref="StixTelemetryReader.ReadDocument(ReadOnlySpan{byte})"/>
/// gives exactly <c>observations</c> observations and no error, and that every value the matcher would probe on them
/// was given to the probe. The values given are a superset: every object of the document is probed (not only those an
/// observed-data reaches), references resolve against every object of the document, and a step after <c>hashes</c>
/// matches every key that spells its algorithm in any case, with or without hyphens and underscores (and every key
/// outside ASCII). So when the probe found no candidate, the full path finds none either.</para>
/// <para><see cref="StixScanOutcome.Unsupported"/> (read the document with the full path) for: anything
/// <see cref="StixReader"/> refuses or might refuse (invalid JSON or UTF-8, duplicate member names, inexact numbers,
/// depth, string, member and item limits, a byte order mark, trailing content); conservatively also an object with more
/// than 64 members and any array longer than the bundle limit; an escaped member name, type, id or followed reference;
/// any item or observed-data the full path reports as an error (no type, a bundle whose objects is not a list, missing
/// or invalid <c>first_observed</c>/<c>last_observed</c>/<c>number_observed</c>, a <c>number_observed</c> written with a
/// fraction or exponent, <c>object_refs</c> that is not a list of strings, <c>objects</c> that is not a dictionary of
/// typed objects, neither of the two).</para>
/// <para>Not thread-safe (it reuses buffers).</para>
/// </remarks>
internal sealed class StixDocumentScanner
{
    private const int MaxScannedMembers = 64;

    private Token[] _tape = new Token[256];
    private int _tokens;
    private int[] _open = new int[66];
    private int[] _members = new int[66];
    private int[] _nameStart = new int[256];
    private int _names;
    private int[] _items = new int[16];
    private ItemFacts[] _facts = new ItemFacts[16];
    private int _itemCount;
    private byte[] _scratch = new byte[256];
    private readonly RefScope _documentScope = new();
    private readonly RefScope _embeddedScope = new();

    /// <summary>Scans <paramref name="document"/> and gives the probe the values at <paramref name="paths"/>.</summary>
    /// <param name="document">The document.</param>
    /// <param name="limits">The limits of the <see cref="StixReader"/> the full path uses.</param>
    /// <param name="paths">The paths to probe.</param>
    /// <param name="probe">Receives the values.</param>
    /// <param name="observations">With <see cref="StixScanOutcome.Complete"/>, the number of observed-data in the document.</param>
    public StixScanOutcome Scan<TProbe>(ReadOnlySpan<byte> document, StixReaderLimits limits, StixPathTable paths, ref TProbe probe, out int observations)
        where TProbe : IStixValueProbe
    {
        observations = 0;
        _itemCount = 0;
        _documentScope.Clear();
        if (document.Length > limits.MaxBytes || !Tokenize(document, limits) || !CollectItems(document))
        {
            return StixScanOutcome.Unsupported;
        }

        // Every item: a type, an id for the document's references; every observed-data: valid times, count and objects.
        for (int i = 0; i < _itemCount; i++)
        {
            int item = _items[i];
            ref ItemFacts facts = ref _facts[i];
            facts = default;
            if (!ReadItem(document, item, ref facts))
            {
                return StixScanOutcome.Unsupported;
            }

            if (facts.Id > 0)
            {
                _documentScope.Add(facts.Id, item);
            }

            if (Text(document, facts.Type).SequenceEqual("observed-data"u8))
            {
                facts.IsObservedData = true;
                if (!CheckObservedData(document, ref facts))
                {
                    return StixScanOutcome.Unsupported;
                }

                observations++;
            }
        }

        for (int i = 0; i < _itemCount; i++)
        {
            StixScanOutcome outcome = ProbeObject(document, _items[i], _facts[i].Type, paths, _documentScope, ref probe);
            if (outcome != StixScanOutcome.Complete)
            {
                return outcome;
            }
        }

        // STIX 2.0 objects embedded in observed-data: their references resolve within their dictionary.
        for (int i = 0; i < _itemCount; i++)
        {
            StixScanOutcome outcome = _facts[i].IsObservedData && _facts[i].ObjectRefs == 0
                ? ProbeEmbedded(document, _facts[i].Objects, paths, ref probe)
                : StixScanOutcome.Complete;
            if (outcome != StixScanOutcome.Complete)
            {
                return outcome;
            }
        }

        return StixScanOutcome.Complete;
    }

    /// <summary>
    /// One pass of <see cref="Utf8JsonReader"/>: the checks of <see cref="StixReader"/>'s parse, conservatively (false
    /// when in doubt), and the tokens on the tape.
    /// </summary>
    private bool Tokenize(ReadOnlySpan<byte> document, StixReaderLimits limits)
    {
        if (document.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) || document.Trim(" \t\r\n"u8).IsEmpty)
        {
            return false;
        }

        if (_open.Length < limits.MaxDepth + 2)
        {
            _open = new int[limits.MaxDepth + 2];
            _members = new int[limits.MaxDepth + 2];
        }

        var reader = new Utf8JsonReader(document, new JsonReaderOptions
        {
            MaxDepth = limits.MaxDepth + 1,
            CommentHandling = JsonCommentHandling.Disallow,
            AllowTrailingCommas = false,
        });
        int maxMembers = Math.Min(MaxScannedMembers, limits.MaxObjectMembers);
        int depth = 0;
        _tokens = 0;
        _names = 0;
        try
        {
            if (!reader.Read())
            {
                return false;
            }

            do
            {
                JsonTokenType kind = reader.TokenType;
                if (_tokens == _tape.Length)
                {
                    Array.Resize(ref _tape, _tokens * 2);
                }

                int index = _tokens++;
                int start = (int)reader.TokenStartIndex;
                switch (kind)
                {
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        if (reader.CurrentDepth + 1 > limits.MaxDepth || !CountItem(depth, limits))
                        {
                            return false;
                        }

                        _tape[index] = new Token(kind, false, start, 0, 0);
                        _open[depth] = index;
                        _members[depth++] = kind == JsonTokenType.StartObject ? _names : 0;
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        _tape[index] = new Token(kind, false, start, 0, index + 1);
                        depth--;
                        ref Token open = ref _tape[_open[depth]];
                        open = open with { Next = index + 1 };
                        if (kind == JsonTokenType.EndObject)
                        {
                            _names = _members[depth];
                        }

                        break;
                    case JsonTokenType.PropertyName:
                        ReadOnlySpan<byte> name = reader.ValueSpan;
                        int first = _members[depth - 1];
                        if (reader.ValueIsEscaped || _names - first >= maxMembers || name.Length > limits.MaxStringBytes || !Utf8.IsValid(name))
                        {
                            return false;
                        }

                        for (int n = first; n < _names; n++)
                        {
                            Token other = _tape[_nameStart[n]];
                            if (other.Length == name.Length && document.Slice(other.Start, other.Length).SequenceEqual(name))
                            {
                                return false; // a duplicate member name
                            }
                        }

                        if (_names == _nameStart.Length)
                        {
                            Array.Resize(ref _nameStart, _names * 2);
                        }

                        _tape[index] = new Token(kind, false, start + 1, name.Length, index + 1);
                        _nameStart[_names++] = index;
                        break;
                    case JsonTokenType.String:
                        if (!CountItem(depth, limits) || !ValidString(ref reader, limits))
                        {
                            return false;
                        }

                        _tape[index] = new Token(kind, reader.ValueIsEscaped, start + 1, reader.ValueSpan.Length, index + 1);
                        break;
                    case JsonTokenType.Number:
                        if (!CountItem(depth, limits) || !ExactNumber(ref reader))
                        {
                            return false;
                        }

                        _tape[index] = new Token(kind, false, start, reader.ValueSpan.Length, index + 1);
                        break;
                    default:
                        if (!CountItem(depth, limits))
                        {
                            return false;
                        }

                        _tape[index] = new Token(kind, false, start, 0, index + 1);
                        break;
                }
            }
            while (depth > 0 && reader.Read());

            return depth == 0 && !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private bool CountItem(int depth, StixReaderLimits limits)
    {
        if (depth == 0 || _tape[_open[depth - 1]].Kind != JsonTokenType.StartArray)
        {
            return true;
        }

        return ++_members[depth - 1] <= limits.MaxBundleObjects;
    }

    private bool ValidString(ref Utf8JsonReader reader, StixReaderLimits limits)
    {
        ReadOnlySpan<byte> raw = reader.ValueSpan;
        if (raw.Length > limits.MaxStringBytes)
        {
            return false;
        }

        if (!reader.ValueIsEscaped)
        {
            return Utf8.IsValid(raw);
        }

        try
        {
            _ = Unescape(ref reader);
            return true;
        }
        catch (InvalidOperationException)
        {
            return false; // an unpaired surrogate escape or invalid UTF-8
        }
    }

    /// <summary>The number checks of <see cref="StixReader"/>: integers within ±(2^53 − 1), finite doubles with an exact form.</summary>
    private static bool ExactNumber(ref Utf8JsonReader reader)
    {
        ReadOnlySpan<byte> raw = reader.ValueSpan;
        if (raw.IndexOfAny(".eE"u8) < 0)
        {
            return Utf8Parser.TryParse(raw, out long integer, out int consumed) && consumed == raw.Length
                && integer <= JsonNumber.MaxSafeInteger && integer >= -JsonNumber.MaxSafeInteger;
        }

        return reader.TryGetDouble(out double value) && double.IsFinite(value) && JsonNumber.HasExactForm(value);
    }

    /// <summary>The document's STIX objects, as <see cref="StixTelemetryReader"/> flattens it; false when it would report an error.</summary>
    private bool CollectItems(ReadOnlySpan<byte> document)
    {
        switch (_tape[0].Kind)
        {
            case JsonTokenType.StartObject:
                return AddTopObject(document, 0);
            case JsonTokenType.StartArray:
                for (int i = 1; _tape[i].Kind != JsonTokenType.EndArray; i = _tape[i].Next)
                {
                    if (_tape[i].Kind != JsonTokenType.StartObject || !AddTopObject(document, i))
                    {
                        return false; // "An item is not a STIX object with a type."
                    }
                }

                return true;
            default:
                return false;
        }
    }

    /// <summary>A bundle's objects, or the object itself.</summary>
    private bool AddTopObject(ReadOnlySpan<byte> document, int o)
    {
        int type = 0;
        int objects = 0;
        for (int m = o + 1; _tape[m].Kind == JsonTokenType.PropertyName; m = _tape[m + 1].Next)
        {
            ReadOnlySpan<byte> name = Text(document, m);
            if (name.SequenceEqual("type"u8) && _tape[m + 1].Kind == JsonTokenType.String)
            {
                type = m + 1;
            }
            else if (name.SequenceEqual("objects"u8))
            {
                objects = m + 1;
            }
        }

        // The type compares as a string: an escaped "bundle" is a bundle too, so an escaped type is not answered here.
        if (type > 0 && _tape[type].Escaped)
        {
            return false;
        }

        if (type == 0 || !Text(document, type).SequenceEqual("bundle"u8))
        {
            AddItem(o);
            return true;
        }

        if (objects == 0)
        {
            return true;
        }

        if (_tape[objects].Kind != JsonTokenType.StartArray)
        {
            return false; // "A bundle's objects must be an array."
        }

        for (int i = objects + 1; _tape[i].Kind != JsonTokenType.EndArray; i = _tape[i].Next)
        {
            if (_tape[i].Kind != JsonTokenType.StartObject)
            {
                return false; // "An item is not a STIX object with a type."
            }

            AddItem(i);
        }

        return true;
    }

    private void AddItem(int token)
    {
        if (_itemCount == _items.Length)
        {
            Array.Resize(ref _items, _itemCount * 2);
            Array.Resize(ref _facts, _itemCount * 2);
        }

        _items[_itemCount++] = token;
    }

    /// <summary>An item's type and id, and for an observed-data the members its checks need; false when the full path reports the item.</summary>
    private bool ReadItem(ReadOnlySpan<byte> document, int item, ref ItemFacts facts)
    {
        for (int m = item + 1; _tape[m].Kind == JsonTokenType.PropertyName; m = _tape[m + 1].Next)
        {
            ReadOnlySpan<byte> name = Text(document, m);
            int value = m + 1;
            Token token = _tape[value];
            bool isString = token.Kind == JsonTokenType.String;
            switch (name.Length)
            {
                case 4 when isString && name.SequenceEqual("type"u8):
                    if (token.Escaped)
                    {
                        return false;
                    }

                    facts.Type = value;
                    break;
                case 2 when isString && name.SequenceEqual("id"u8):
                    if (token.Escaped)
                    {
                        return false;
                    }

                    facts.Id = value;
                    break;
                case 14 when name.SequenceEqual("first_observed"u8):
                    facts.FirstObserved = isString ? value : -1;
                    break;
                case 13 when name.SequenceEqual("last_observed"u8):
                    facts.LastObserved = isString ? value : -1;
                    break;
                case 15 when name.SequenceEqual("number_observed"u8):
                    facts.NumberObserved = token.Kind == JsonTokenType.Number ? value : -1;
                    break;
                case 11 when name.SequenceEqual("object_refs"u8):
                    facts.ObjectRefs = value;
                    break;
                case 7 when name.SequenceEqual("objects"u8):
                    facts.Objects = value;
                    break;
            }
        }

        return facts.Type > 0; // "An item is not a STIX object with a type."
    }

    /// <summary>The checks of <c>Observation.TryFromObservedData</c>; false when it would fail (or might).</summary>
    private bool CheckObservedData(ReadOnlySpan<byte> document, ref ItemFacts facts)
    {
        if (facts.FirstObserved <= 0 || facts.LastObserved <= 0 || facts.NumberObserved <= 0
            || !TryTimestamp(document, facts.FirstObserved, out StixTimestamp first)
            || !TryTimestamp(document, facts.LastObserved, out StixTimestamp last)
            || last < first)
        {
            return false;
        }

        ReadOnlySpan<byte> count = Text(document, facts.NumberObserved);
        if (!Utf8Parser.TryParse(count, out long number, out int consumed) || consumed != count.Length
            || number < 1 || number > Observation.MaxNumberObserved)
        {
            return false;
        }

        if (facts.ObjectRefs > 0)
        {
            if (_tape[facts.ObjectRefs].Kind != JsonTokenType.StartArray)
            {
                return false;
            }

            for (int i = facts.ObjectRefs + 1; _tape[i].Kind != JsonTokenType.EndArray; i = _tape[i].Next)
            {
                if (_tape[i].Kind != JsonTokenType.String)
                {
                    return false;
                }
            }

            return true;
        }

        if (facts.Objects == 0 || _tape[facts.Objects].Kind != JsonTokenType.StartObject)
        {
            return false;
        }

        for (int m = facts.Objects + 1; _tape[m].Kind == JsonTokenType.PropertyName; m = _tape[m + 1].Next)
        {
            ItemFacts embedded = default;
            if (_tape[m].Length == 0 || _tape[m + 1].Kind != JsonTokenType.StartObject || !ReadItem(document, m + 1, ref embedded))
            {
                return false;
            }
        }

        return true;
    }

    private bool TryTimestamp(ReadOnlySpan<byte> document, int token, out StixTimestamp timestamp)
    {
        // A STIX timestamp is 20 to 40 ASCII characters; anything else fails the parse anyway.
        ReadOnlySpan<byte> text = _tape[token].Escaped ? Unescaped(document, token) : Text(document, token);
        if (text.Length is < 20 or > 64)
        {
            timestamp = default;
            return false;
        }

        return StixTimestamp.TryParse(Encoding.UTF8.GetString(text), out timestamp);
    }

    /// <summary>Probes one object (when its type has paths).</summary>
    private StixScanOutcome ProbeObject<TProbe>(ReadOnlySpan<byte> document, int item, int type, StixPathTable paths, RefScope scope, ref TProbe probe)
        where TProbe : IStixValueProbe
    {
        foreach (int p in paths.PathsOf(Text(document, type)))
        {
            StixScanOutcome outcome = Walk(document, item, paths.Paths[p].Steps, 0, resolve: false, scope, p, ref probe);
            if (outcome != StixScanOutcome.Complete)
            {
                return outcome;
            }
        }

        return StixScanOutcome.Complete;
    }

    /// <summary>Probes the objects embedded in an observed-data (STIX 2.0 <c>objects</c>, used when it has no <c>object_refs</c>).</summary>
    private StixScanOutcome ProbeEmbedded<TProbe>(ReadOnlySpan<byte> document, int dictionary, StixPathTable paths, ref TProbe probe)
        where TProbe : IStixValueProbe
    {
        _embeddedScope.Clear();
        for (int m = dictionary + 1; _tape[m].Kind == JsonTokenType.PropertyName; m = _tape[m + 1].Next)
        {
            _embeddedScope.Add(m, m + 1);
        }

        for (int m = dictionary + 1; _tape[m].Kind == JsonTokenType.PropertyName; m = _tape[m + 1].Next)
        {
            ItemFacts facts = default;
            ReadItem(document, m + 1, ref facts);
            StixScanOutcome outcome = ProbeObject(document, m + 1, facts.Type, paths, _embeddedScope, ref probe);
            if (outcome != StixScanOutcome.Complete)
            {
                return outcome;
            }
        }

        return StixScanOutcome.Complete;
    }

    /// <summary>Follows a property path from the value at token <paramref name="at"/>, as the matcher's walk over the tree does.</summary>
    private StixScanOutcome Walk<TProbe>(ReadOnlySpan<byte> document, int at, StixStep[] steps, int step, bool resolve, RefScope scope, int path, ref TProbe probe)
        where TProbe : IStixValueProbe
    {
        if (resolve && step < steps.Length)
        {
            if (_tape[at].Kind != JsonTokenType.String)
            {
                return StixScanOutcome.Complete;
            }

            if (_tape[at].Escaped)
            {
                return StixScanOutcome.Unsupported;
            }

            at = scope.Find(document, _tape, Text(document, at));
            if (at < 0)
            {
                return StixScanOutcome.Complete;
            }
        }

        Token token = _tape[at];
        if (step == steps.Length)
        {
            return ProbeValue(document, at, path, ref probe) ? StixScanOutcome.Complete : StixScanOutcome.Stopped;
        }

        StixStep next = steps[step];
        switch (next.Kind)
        {
            case PathStepKind.Property when token.Kind == JsonTokenType.StartObject:
                bool anyKey = step > 0 && steps[step - 1].IsHashes;
                for (int m = at + 1; _tape[m].Kind == JsonTokenType.PropertyName; m = _tape[m + 1].Next)
                {
                    if (anyKey ? next.SpellsAlgorithm(Text(document, m)) : Text(document, m).SequenceEqual(next.Name))
                    {
                        StixScanOutcome outcome = Walk(document, m + 1, steps, step + 1, next.IsRef, scope, path, ref probe);
                        if (outcome != StixScanOutcome.Complete)
                        {
                            return outcome;
                        }
                    }
                }

                break;
            case PathStepKind.AnyIndex when token.Kind == JsonTokenType.StartArray:
                bool refs = step > 0 && steps[step - 1].IsRefs;
                for (int i = at + 1; _tape[i].Kind != JsonTokenType.EndArray; i = _tape[i].Next)
                {
                    StixScanOutcome outcome = Walk(document, i, steps, step + 1, refs, scope, path, ref probe);
                    if (outcome != StixScanOutcome.Complete)
                    {
                        return outcome;
                    }
                }

                break;
        }

        return StixScanOutcome.Complete;
    }

    private bool ProbeValue<TProbe>(ReadOnlySpan<byte> document, int at, int path, ref TProbe probe)
        where TProbe : IStixValueProbe
    {
        Token token = _tape[at];
        switch (token.Kind)
        {
            case JsonTokenType.String:
                return probe.OnString(path, token.Escaped ? Unescaped(document, at) : Text(document, at));
            case JsonTokenType.Number:
                ReadOnlySpan<byte> raw = Text(document, at);
                if (raw.IndexOfAny(".eE"u8) < 0)
                {
                    // Checked by the tokenizer; a failure here stops the scan rather than skip a value.
                    return Utf8Parser.TryParse(raw, out long integer, out int used) && used == raw.Length && probe.OnInteger(path, integer);
                }

                // A number with a fraction or exponent compares as an integer when it is integral.
                if (!Utf8Parser.TryParse(raw, out double number, out int consumed) || consumed != raw.Length)
                {
                    return false;
                }

                return Math.Floor(number) != number || Math.Abs(number) > JsonNumber.MaxSafeInteger || probe.OnInteger(path, (long)number);
            default:
                return true;
        }
    }

    /// <summary>The raw text of a string, name or number token (a string's without its quotes).</summary>
    private ReadOnlySpan<byte> Text(ReadOnlySpan<byte> document, int token) => document.Slice(_tape[token].Start, _tape[token].Length);

    /// <summary>An escaped string token, unescaped into the scratch buffer (valid until the next call).</summary>
    private ReadOnlySpan<byte> Unescaped(ReadOnlySpan<byte> document, int token)
    {
        var reader = new Utf8JsonReader(document.Slice(_tape[token].Start - 1, _tape[token].Length + 2));
        reader.Read();
        return _scratch.AsSpan(0, Unescape(ref reader));
    }

    /// <summary>Unescapes the string the reader is on into the scratch buffer; returns its length.</summary>
    private int Unescape(ref Utf8JsonReader reader)
    {
        if (_scratch.Length < reader.ValueSpan.Length)
        {
            _scratch = new byte[Math.Max(reader.ValueSpan.Length, _scratch.Length * 2)];
        }

        return reader.CopyString(_scratch);
    }

    /// <summary>
    /// One token on the tape: its kind, whether a string holds escapes, where its text starts (after a string's quote),
    /// its text's length, and the index of the token after it (after a container's end).
    /// </summary>
    private readonly record struct Token(JsonTokenType Kind, bool Escaped, int Start, int Length, int Next);

    /// <summary>Tokens of an item's members (0 or -1: absent or of the wrong kind).</summary>
    private record struct ItemFacts(int Type, int Id, int FirstObserved, int LastObserved, int NumberObserved, int ObjectRefs, int Objects, bool IsObservedData);

    /// <summary>References to objects: an id (or 2.0 dictionary key) token to the object's token; a later key replaces an earlier one.</summary>
    private sealed class RefScope
    {
        private int[] _keys = new int[16];
        private int[] _values = new int[16];
        private int _count;
        private int[] _table = [];
        private int _indexed;

        public void Clear()
        {
            _count = 0;
            _indexed = 0;
        }

        public void Add(int key, int value)
        {
            if (_count == _keys.Length)
            {
                Array.Resize(ref _keys, _count * 2);
                Array.Resize(ref _values, _count * 2);
            }

            _keys[_count] = key;
            _values[_count++] = value;
        }

        /// <summary>The object token of <paramref name="key"/>, or -1.</summary>
        public int Find(ReadOnlySpan<byte> document, Token[] tape, ReadOnlySpan<byte> key)
        {
            if (_count <= 16)
            {
                for (int i = _count - 1; i >= 0; i--)
                {
                    if (Key(document, tape, i).SequenceEqual(key))
                    {
                        return _values[i];
                    }
                }

                return -1;
            }

            Index(document, tape);
            int mask = _table.Length - 1;
            for (int slot = Hash(key) & mask; _table[slot] != 0; slot = (slot + 1) & mask)
            {
                int i = _table[slot] - 1;
                if (Key(document, tape, i).SequenceEqual(key))
                {
                    return _values[i];
                }
            }

            return -1;
        }

        private ReadOnlySpan<byte> Key(ReadOnlySpan<byte> document, Token[] tape, int i) =>
            document.Slice(tape[_keys[i]].Start, tape[_keys[i]].Length);

        /// <summary>An open-addressing table over the keys (built once per document); the last of equal keys wins.</summary>
        private void Index(ReadOnlySpan<byte> document, Token[] tape)
        {
            if (_indexed == _count)
            {
                return;
            }

            int size = 32;
            while (size < _count * 2)
            {
                size *= 2;
            }

            if (_table.Length != size)
            {
                _table = new int[size];
            }
            else
            {
                Array.Clear(_table);
            }

            int mask = size - 1;
            for (int i = 0; i < _count; i++)
            {
                ReadOnlySpan<byte> key = Key(document, tape, i);
                int slot = Hash(key) & mask;
                while (_table[slot] != 0 && !Key(document, tape, _table[slot] - 1).SequenceEqual(key))
                {
                    slot = (slot + 1) & mask;
                }

                _table[slot] = i + 1;
            }

            _indexed = _count;
        }

        private static int Hash(ReadOnlySpan<byte> key)
        {
            uint hash = 2166136261;
            foreach (byte b in key)
            {
                hash = unchecked((hash ^ b) * 16777619);
            }

            return (int)(hash & 0x7FFFFFFF);
        }
    }
}
