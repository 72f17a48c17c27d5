using System.Buffers;
using System.Buffers.Text;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Detente.Stix.Json;

namespace Detente.Stix;

/// <summary>One document read from a stream: a JSON line, or the whole stream when it is not JSON lines.</summary>
/// <remarks>Exactly one of <see cref="Value"/> or <see cref="Error"/> is set.</remarks>
/// <param name="LineNumber">One-based line of a JSON line; null when the stream held one multi-line document.</param>
/// <param name="Value">The value read.</param>
/// <param name="Error">Why the document could not be read.</param>
public readonly record struct StixInput(long? LineNumber, JsonValue? Value, StixFormatException? Error);

/// <summary>Reads STIX JSON (objects, bundles, JSON lines) into immutable values, enforcing <see cref="StixReaderLimits"/>.</summary>
/// <remarks>
/// Refuses, with a <see cref="StixFormatException"/>: malformed JSON (RFC 8259), invalid UTF-8, unpaired surrogate
/// escapes, duplicate member names, integers beyond ±(2^53 − 1) and non-finite numbers (RFC 8785 §3.2.2.3), and any
/// input over a limit. Limits are checked before the reader allocates for what they bound.
/// </remarks>
public sealed class StixReader
{
    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    private readonly StixReaderLimits _limits;

    /// <summary>Creates a reader with <paramref name="limits"/> (the defaults when null).</summary>
    public StixReader(StixReaderLimits? limits = null)
    {
        _limits = limits ?? StixReaderLimits.Default;
    }

    /// <summary>The limits this reader enforces.</summary>
    public StixReaderLimits Limits => _limits;

    /// <summary>Parses one JSON document.</summary>
    /// <exception cref="StixFormatException">The input is malformed or over a limit.</exception>
    public JsonValue Parse(ReadOnlySpan<byte> utf8Json)
    {
        if (utf8Json.Length > _limits.MaxBytes)
        {
            throw new StixFormatException($"Input is {utf8Json.Length} bytes, which exceeds the limit of {_limits.MaxBytes} bytes.", _limits.MaxBytes)
            {
                ExceededLimit = StixLimit.Bytes,
            };
        }

        // Skip a UTF-8 byte order mark: some tools write one; it is not part of the JSON text.
        if (utf8Json.StartsWith(Utf8Bom))
        {
            utf8Json = utf8Json[3..];
        }

        if (utf8Json.Trim(" \t\r\n"u8).IsEmpty)
        {
            throw new StixFormatException("Input holds no JSON value.", 0);
        }

        var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions
        {
            // Our own depth check gives the clearer message; this is the backstop.
            MaxDepth = _limits.MaxDepth + 1,
            CommentHandling = JsonCommentHandling.Disallow,
            AllowTrailingCommas = false,
        });
        try
        {
            reader.Read();
            JsonValue value = ReadValue(ref reader, 0, isBundleObjects: false);
            if (reader.Read())
            {
                throw new StixFormatException("Input continues after the JSON value.", reader.TokenStartIndex);
            }

            return value;
        }
        catch (JsonException e)
        {
            throw new StixFormatException($"Malformed JSON: {e.Message}", reader.BytesConsumed, e);
        }
        finally
        {
            Scratch.Current.Release();
        }
    }

    /// <summary>Parses a single STIX object.</summary>
    /// <exception cref="StixFormatException">The input is malformed, over a limit, or not a JSON object.</exception>
    public StixObject ReadObject(ReadOnlySpan<byte> utf8Json) =>
        Parse(utf8Json) is JsonObject o
            ? new StixObject(o)
            : throw new StixFormatException("A STIX object must be a JSON object.", 0);

    /// <summary>Parses a STIX bundle.</summary>
    /// <exception cref="StixFormatException">The input is malformed, over a limit, or not a bundle of objects.</exception>
    public StixBundle ReadBundle(ReadOnlySpan<byte> utf8Json) =>
        Parse(utf8Json) is JsonObject o
            ? StixBundle.FromJson(o)
            : throw new StixFormatException("A STIX bundle must be a JSON object.", 0);

    /// <summary>Reads and parses one JSON document from <paramref name="stream"/>, reading no more than the byte limit.</summary>
    /// <exception cref="StixFormatException">The input is malformed or over a limit.</exception>
    public async Task<JsonValue> ParseAsync(Stream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            (buffer, int end, bool over) = await ReadToEndAsync(stream, buffer, 0, 0, cancellationToken).ConfigureAwait(false);
            return over ? throw OverLimit() : Parse(buffer.AsSpan(0, end));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Reads every document from <paramref name="stream"/>: JSON lines one by one, in memory bounded by the byte
    /// limit per line, or the whole stream as one document when its first non-blank line is not a complete JSON
    /// value. A stream holding a single document has no line numbers.
    /// </summary>
    /// <remarks>A line that cannot be read is yielded with its error; reading goes on with the next line.</remarks>
    public async IAsyncEnumerable<StixInput> ReadAllAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);

        // Hold the first document back until a second one shows the input is JSON lines.
        StixInput? first = null;
        bool more = false;
        await foreach (StixInput input in ReadLinesOrDocumentAsync(stream, cancellationToken).ConfigureAwait(false))
        {
            if (first is null && !more)
            {
                first = input;
                continue;
            }

            if (first is StixInput pending)
            {
                yield return pending;
                first = null;
            }

            more = true;
            yield return input;
        }

        if (first is StixInput only)
        {
            yield return only.LineNumber == 1 ? only with { LineNumber = null, Error = WithLine(only.Error, null) } : only;
        }
    }

    private async IAsyncEnumerable<StixInput> ReadLinesOrDocumentAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            int start = 0;    // first byte of the current line
            int scanned = 0;  // [start, scanned) is known to hold no newline: each byte is searched once
            int end = 0;      // end of the bytes read
            bool eof = false;
            long lineNumber = 0;
            bool? lineMode = null; // decided at the first non-blank line
            bool skipping = false; // discarding the rest of a line over the limit
            bool reportedLongLine = false;
            while (true)
            {
                int found = buffer.AsSpan(scanned, end - scanned).IndexOf((byte)'\n');
                if (found < 0 && !eof)
                {
                    scanned = end;
                    if (end - start > _limits.MaxBytes)
                    {
                        if (!skipping)
                        {
                            lineNumber++;
                            skipping = reportedLongLine = true;
                            yield return new StixInput(lineNumber, null, WithLine(OverLimit("Line"), lineNumber));
                        }

                        start = scanned = end = 0;
                    }

                    if (start > 0)
                    {
                        Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                        end -= start;
                        scanned -= start;
                        start = 0;
                    }

                    if (end == buffer.Length)
                    {
                        buffer = Grow(buffer, end);
                    }

                    int read = await stream.ReadAsync(buffer.AsMemory(end), cancellationToken).ConfigureAwait(false);
                    eof = read == 0;
                    end += read;
                    continue;
                }

                int lineEnd = found < 0 ? end : scanned + found;
                if (skipping)
                {
                    skipping = false;
                }
                else
                {
                    lineNumber++;
                    int lineStart = lineNumber == 1 && buffer.AsSpan(start, lineEnd - start).StartsWith(Utf8Bom) ? start + 3 : start;
                    ReadOnlySpan<byte> line = buffer.AsSpan(lineStart, lineEnd - lineStart).TrimEnd((byte)'\r');
                    if (!line.Trim(" \t"u8).IsEmpty)
                    {
                        lineMode ??= IsCompleteValue(line);
                        if (lineMode == false)
                        {
                            // One multi-line document: read the rest (bounded by the limit) and parse it whole.
                            (buffer, end, bool over) = await ReadToEndAsync(stream, buffer, lineStart, end, cancellationToken).ConfigureAwait(false);
                            yield return over
                                ? new StixInput(null, null, OverLimit())
                                : ParseInput(buffer.AsSpan(lineStart, end - lineStart), null);
                            yield break;
                        }

                        yield return ParseInput(line, lineNumber);
                    }
                }

                if (found < 0)
                {
                    if (lineMode is null && !reportedLongLine)
                    {
                        yield return new StixInput(null, null, new StixFormatException("Input holds no JSON value.", 0));
                    }

                    yield break; // the end of the stream
                }

                start = scanned = lineEnd + 1;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Reads the rest of <paramref name="stream"/> into <paramref name="buffer"/> after <paramref name="end"/>,
    /// growing it, until the end of the stream or until the bytes from <paramref name="from"/> exceed the limit.
    /// </summary>
    private async Task<(byte[] Buffer, int End, bool OverLimit)> ReadToEndAsync(Stream stream, byte[] buffer, int from, int end, CancellationToken cancellationToken)
    {
        while (end - from <= _limits.MaxBytes)
        {
            if (end == buffer.Length)
            {
                buffer = Grow(buffer, end);
            }

            int read = await stream.ReadAsync(buffer.AsMemory(end), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return (buffer, end, false);
            }

            end += read;
        }

        return (buffer, end, true);
    }

    private StixFormatException OverLimit(string what = "Input") =>
        new($"{what} exceeds the limit of {_limits.MaxBytes} bytes.", _limits.MaxBytes) { ExceededLimit = StixLimit.Bytes };

    private static StixFormatException? WithLine(StixFormatException? e, long? lineNumber) =>
        e is null ? null : new StixFormatException(e.Message, e.BytePosition, e.InnerException) { LineNumber = lineNumber, ExceededLimit = e.ExceededLimit };

    private StixInput ParseInput(ReadOnlySpan<byte> utf8, long? lineNumber)
    {
        try
        {
            return new StixInput(lineNumber, Parse(utf8), null);
        }
        catch (StixFormatException e)
        {
            return new StixInput(lineNumber, null, lineNumber is null ? e : WithLine(e, lineNumber));
        }
    }

    private bool IsCompleteValue(ReadOnlySpan<byte> line)
    {
        if (line.Length > _limits.MaxBytes)
        {
            return true; // treated as a line; reading it reports the limit
        }

        var reader = new Utf8JsonReader(line, new JsonReaderOptions { MaxDepth = _limits.MaxDepth + 1 });
        try
        {
            return reader.Read() && reader.TrySkip() && !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private byte[] Grow(byte[] buffer, int used)
    {
        long size = Math.Min((long)buffer.Length * 2, _limits.MaxBytes + (64 * 1024));
        size = Math.Min(Math.Max(size, buffer.Length + 1L), Array.MaxLength);
        byte[] larger = ArrayPool<byte>.Shared.Rent((int)size);
        Buffer.BlockCopy(buffer, 0, larger, 0, used);
        ArrayPool<byte>.Shared.Return(buffer);
        return larger;
    }

    private JsonValue ReadValue(ref Utf8JsonReader reader, int depth, bool isBundleObjects)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                return ReadObject(ref reader, depth + 1);
            case JsonTokenType.StartArray:
                return ReadArray(ref reader, depth + 1, isBundleObjects);
            case JsonTokenType.String:
                return new JsonString(ReadString(ref reader));
            case JsonTokenType.Number:
                return ReadNumber(ref reader);
            case JsonTokenType.True:
                return JsonValue.True;
            case JsonTokenType.False:
                return JsonValue.False;
            case JsonTokenType.Null:
                return JsonValue.Null;
            default:
                throw new StixFormatException($"Unexpected JSON token {reader.TokenType}.", reader.TokenStartIndex);
        }
    }

    private JsonObject ReadObject(ref Utf8JsonReader reader, int depth)
    {
        CheckDepth(ref reader, depth);
        Scratch scratch = Scratch.Current;
        int start = scratch.MemberCount;
        HashSet<string>? names = null;
        try
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (scratch.MemberCount - start == _limits.MaxObjectMembers)
                {
                    throw new StixFormatException($"An object has more than {_limits.MaxObjectMembers} members.", reader.TokenStartIndex)
                    {
                        ExceededLimit = StixLimit.ObjectMembers,
                    };
                }

                long namePosition = reader.TokenStartIndex;
                string name = ReadString(ref reader);
                if (scratch.IsDuplicate(start, ref names, name))
                {
                    throw new StixFormatException($"Duplicate member name '{Printable(name)}'.", namePosition);
                }

                reader.Read();
                bool bundleObjects = depth == 1 && string.Equals(name, "objects", StringComparison.Ordinal);
                int slot = scratch.PushMember(name);
                scratch.SetMemberValue(slot, ReadValue(ref reader, depth, bundleObjects));
            }

            return JsonObject.CreateTrusted(scratch.PopMembers(start));
        }
        finally
        {
            scratch.MemberCount = start;
        }
    }

    private JsonArray ReadArray(ref Utf8JsonReader reader, int depth, bool isBundleObjects)
    {
        CheckDepth(ref reader, depth);
        Scratch scratch = Scratch.Current;
        int start = scratch.ItemCount;
        try
        {
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (isBundleObjects && scratch.ItemCount - start == _limits.MaxBundleObjects)
                {
                    throw new StixFormatException($"The bundle holds more than {_limits.MaxBundleObjects} objects.", reader.TokenStartIndex)
                    {
                        ExceededLimit = StixLimit.BundleObjects,
                    };
                }

                int slot = scratch.PushItem();
                scratch.SetItem(slot, ReadValue(ref reader, depth, isBundleObjects: false));
            }

            return JsonArray.CreateTrusted(scratch.PopItems(start));
        }
        finally
        {
            scratch.ItemCount = start;
        }
    }

    private void CheckDepth(ref Utf8JsonReader reader, int depth)
    {
        if (depth > _limits.MaxDepth)
        {
            throw new StixFormatException($"JSON nesting is deeper than {_limits.MaxDepth}.", reader.TokenStartIndex)
            {
                ExceededLimit = StixLimit.Depth,
            };
        }
    }

    private string ReadString(ref Utf8JsonReader reader)
    {
        // The reader always works over one span, so values never arrive as sequences.
        int length = reader.ValueSpan.Length;
        if (length > _limits.MaxStringBytes)
        {
            throw new StixFormatException($"A string is {length} bytes; the limit is {_limits.MaxStringBytes}.", reader.TokenStartIndex)
            {
                ExceededLimit = StixLimit.StringBytes,
            };
        }

        // Names and values that repeat on every object come from a shared table. Bench: Stix/StixBundleBenchmarks.Parse
        if (!reader.ValueIsEscaped && Utf8NameTable.Find(reader.ValueSpan) is string known)
        {
            return known;
        }

        try
        {
            return reader.GetString()!;
        }
        catch (InvalidOperationException e)
        {
            // Utf8JsonReader reports unpaired surrogate escapes and invalid UTF-8 this way.
            throw new StixFormatException("A string is not valid Unicode (invalid UTF-8 or an unpaired surrogate escape).", reader.TokenStartIndex, e);
        }
    }

    private static JsonNumber ReadNumber(ref Utf8JsonReader reader)
    {
        ReadOnlySpan<byte> raw = reader.ValueSpan;
        if (raw.IndexOfAny(".eE"u8) < 0)
        {
            // An integer literal must be exact: refuse what a double would round (RFC 8785 §3.2.2.3, I-JSON).
            if (!Utf8Parser.TryParse(raw, out long integer, out int consumed) || consumed != raw.Length
                || integer > JsonNumber.MaxSafeInteger || integer < -JsonNumber.MaxSafeInteger)
            {
                throw new StixFormatException("An integer is beyond ±(2^53 − 1) and cannot be represented exactly.", reader.TokenStartIndex);
            }

            return new JsonNumber(integer);
        }

        if (!reader.TryGetDouble(out double value) || !double.IsFinite(value))
        {
            throw new StixFormatException("A number is out of the range of an IEEE 754 double.", reader.TokenStartIndex);
        }

        if (!JsonNumber.HasExactForm(value))
        {
            throw new StixFormatException("An integer is beyond ±(2^53 − 1) and cannot be represented exactly.", reader.TokenStartIndex);
        }

        return new JsonNumber(value);
    }

    private static string Printable(string name) => Detente.Stix.Printable.Escape(name, 64);

    /// <summary>
    /// Per-thread stacks that hold the members and items of the objects and arrays being read, so that each one
    /// allocates only its final array. Bench: Stix/StixBundleBenchmarks.Parse
    /// </summary>
    private sealed class Scratch
    {
        private const int ScanLimit = 16;

        [ThreadStatic]
        private static Scratch? t_current;

        private const int KeptCapacity = 4096; // larger stacks, grown by one big document, are dropped after it

        private KeyValuePair<string, JsonValue>[] _members = new KeyValuePair<string, JsonValue>[64];
        private JsonValue[] _items = new JsonValue[64];
        private int _membersUsed;
        private int _itemsUsed;

        public static Scratch Current => t_current ??= new Scratch();

        public int MemberCount { get; set; }

        public int ItemCount { get; set; }

        public int PushMember(string name)
        {
            if (MemberCount == _members.Length)
            {
                Array.Resize(ref _members, _members.Length * 2);
            }

            _members[MemberCount] = new KeyValuePair<string, JsonValue>(name, JsonValue.Null);
            _membersUsed = Math.Max(_membersUsed, MemberCount + 1);
            return MemberCount++;
        }

        public void SetMemberValue(int slot, JsonValue value) =>
            _members[slot] = new KeyValuePair<string, JsonValue>(_members[slot].Key, value);

        public KeyValuePair<string, JsonValue>[] PopMembers(int start)
        {
            Span<KeyValuePair<string, JsonValue>> span = _members.AsSpan(start, MemberCount - start);
            KeyValuePair<string, JsonValue>[] result = span.ToArray();
            span.Clear(); // drop references so that parsed trees can be collected
            return result;
        }

        public int PushItem()
        {
            if (ItemCount == _items.Length)
            {
                Array.Resize(ref _items, _items.Length * 2);
            }

            _items[ItemCount] = JsonValue.Null;
            _itemsUsed = Math.Max(_itemsUsed, ItemCount + 1);
            return ItemCount++;
        }

        public void SetItem(int slot, JsonValue value) => _items[slot] = value;

        public JsonValue[] PopItems(int start)
        {
            Span<JsonValue> span = _items.AsSpan(start, ItemCount - start);
            JsonValue[] result = span.ToArray();
            span.Clear();
            return result;
        }

        /// <summary>After a whole document, read or failed: hold no references to it, and no oversized stacks.</summary>
        public void Release()
        {
            MemberCount = ItemCount = 0;
            if (_members.Length > KeptCapacity)
            {
                _members = new KeyValuePair<string, JsonValue>[64];
            }
            else
            {
                _members.AsSpan(0, _membersUsed).Clear();
            }

            if (_items.Length > KeptCapacity)
            {
                _items = new JsonValue[64];
            }
            else
            {
                _items.AsSpan(0, _itemsUsed).Clear();
            }

            _membersUsed = _itemsUsed = 0;
        }

        public bool IsDuplicate(int start, ref HashSet<string>? names, string name)
        {
            if (names is null)
            {
                if (MemberCount - start < ScanLimit)
                {
                    for (int i = start; i < MemberCount; i++)
                    {
                        string other = _members[i].Key;
                        if (ReferenceEquals(other, name) || string.Equals(other, name, StringComparison.Ordinal))
                        {
                            return true;
                        }
                    }

                    return false;
                }

                names = new HashSet<string>(StringComparer.Ordinal);
                for (int i = start; i < MemberCount; i++)
                {
                    names.Add(_members[i].Key);
                }
            }

            return !names.Add(name);
        }
    }
}
