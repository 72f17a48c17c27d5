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
/// escapes, duplicate member names, integers beyond ±2^53 and non-finite numbers (RFC 8785 §3.2.2.3), and any
/// input over a limit. Limits are checked before the reader allocates for what they bound.
/// </remarks>
public sealed class StixReader
{
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
            throw new StixFormatException($"Input is {utf8Json.Length} bytes, which exceeds the limit of {_limits.MaxBytes} bytes.", _limits.MaxBytes);
        }

        // Skip a UTF-8 byte order mark: some tools write one; it is not part of the JSON text.
        if (utf8Json.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
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
        int length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    buffer = Grow(buffer, length);
                }

                int read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                length += read;
                if (length > _limits.MaxBytes)
                {
                    throw new StixFormatException($"Input exceeds the limit of {_limits.MaxBytes} bytes.", _limits.MaxBytes);
                }
            }

            return Parse(buffer.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Reads every document from <paramref name="stream"/>: JSON lines one by one, in memory bounded by the byte
    /// limit per line, or the whole stream as one document when its first line is not a complete JSON value.
    /// </summary>
    /// <remarks>A line that cannot be read is yielded with its error; reading goes on with the next line.</remarks>
    public async IAsyncEnumerable<StixInput> ReadAllAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);

        // A stream holding a single document on its first line is one document, not JSON lines: it has no line number.
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
            yield return only.LineNumber == 1
                ? only with
                {
                    LineNumber = null,
                    Error = only.Error is null ? null : new StixFormatException(only.Error.Message, only.Error.BytePosition, only.Error.InnerException),
                }
                : only;
        }
    }

    private async IAsyncEnumerable<StixInput> ReadLinesOrDocumentAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            int start = 0;
            int end = 0;
            bool eof = false;
            long lineNumber = 0;
            bool skippingLongLine = false;
            bool? lineMode = null;
            while (true)
            {
                int newline = buffer.AsSpan(start, end - start).IndexOf((byte)'\n');
                if (newline < 0 && !eof)
                {
                    if (end - start > _limits.MaxBytes && lineMode != false)
                    {
                        // A line over the limit: report it once, then discard bytes up to its end.
                        if (!skippingLongLine)
                        {
                            lineNumber++;
                            skippingLongLine = true;
                            yield return new StixInput(lineNumber, null, new StixFormatException(
                                $"Line exceeds the limit of {_limits.MaxBytes} bytes.", _limits.MaxBytes) { LineNumber = lineNumber });
                        }

                        start = end = 0;
                    }

                    if (start > 0)
                    {
                        Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                        end -= start;
                        start = 0;
                    }

                    if (end == buffer.Length)
                    {
                        buffer = Grow(buffer, end);
                    }

                    int read = await stream.ReadAsync(buffer.AsMemory(end), cancellationToken).ConfigureAwait(false);
                    if (read == 0)
                    {
                        eof = true;
                    }

                    end += read;
                    if (lineMode == false && end > _limits.MaxBytes)
                    {
                        yield return new StixInput(null, null, new StixFormatException(
                            $"Input exceeds the limit of {_limits.MaxBytes} bytes.", _limits.MaxBytes));
                        yield break;
                    }

                    continue;
                }

                int lineEnd = newline < 0 ? end : start + newline;
                if (skippingLongLine)
                {
                    skippingLongLine = false;
                    start = lineEnd + 1;
                    if (newline < 0)
                    {
                        yield break;
                    }

                    continue;
                }

                if (lineMode is null)
                {
                    ReadOnlySpan<byte> first = buffer.AsSpan(start, lineEnd - start);
                    lineMode = IsCompleteValue(first);
                    if (lineMode == false)
                    {
                        if (!eof)
                        {
                            // A multi-line document: keep reading to the end (bounded by MaxBytes), then parse it whole.
                            while (!eof)
                            {
                                if (end == buffer.Length)
                                {
                                    buffer = Grow(buffer, end);
                                }

                                int read = await stream.ReadAsync(buffer.AsMemory(end), cancellationToken).ConfigureAwait(false);
                                eof = read == 0;
                                end += read;
                                if (end - start > _limits.MaxBytes)
                                {
                                    yield return new StixInput(null, null, new StixFormatException(
                                        $"Input exceeds the limit of {_limits.MaxBytes} bytes.", _limits.MaxBytes));
                                    yield break;
                                }
                            }
                        }

                        yield return ParseInput(buffer.AsSpan(start, end - start), null);
                        yield break;
                    }
                }

                lineNumber++;
                ReadOnlySpan<byte> line = buffer.AsSpan(start, lineEnd - start).TrimEnd((byte)'\r');
                if (!line.Trim(" \t"u8).IsEmpty)
                {
                    yield return ParseInput(line, lineNumber);
                }

                if (newline < 0)
                {
                    yield break;
                }

                start = lineEnd + 1;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private StixInput ParseInput(ReadOnlySpan<byte> utf8, long? lineNumber)
    {
        try
        {
            return new StixInput(lineNumber, Parse(utf8), null);
        }
        catch (StixFormatException e)
        {
            return new StixInput(lineNumber, null, lineNumber is null ? e : new StixFormatException(e.Message, e.BytePosition, e.InnerException) { LineNumber = lineNumber });
        }
    }

    private bool IsCompleteValue(ReadOnlySpan<byte> line)
    {
        line = line.TrimEnd((byte)'\r');
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
        long size = Math.Min((long)buffer.Length * 2, _limits.MaxBytes + 64 * 1024);
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
                    throw new StixFormatException($"An object has more than {_limits.MaxObjectMembers} members.", reader.TokenStartIndex);
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
                    throw new StixFormatException($"The bundle holds more than {_limits.MaxBundleObjects} objects.", reader.TokenStartIndex);
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
            throw new StixFormatException($"JSON nesting is deeper than {_limits.MaxDepth}.", reader.TokenStartIndex);
        }
    }

    private string ReadString(ref Utf8JsonReader reader)
    {
        long length = reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length;
        if (length > _limits.MaxStringBytes)
        {
            throw new StixFormatException($"A string is {length} bytes; the limit is {_limits.MaxStringBytes}.", reader.TokenStartIndex);
        }

        // Names and values that repeat on every object come from a shared table. Bench: Stix/StixBundleBenchmarks.Parse
        if (!reader.HasValueSequence && !reader.ValueIsEscaped && Utf8NameTable.Find(reader.ValueSpan) is string known)
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
                throw new StixFormatException("An integer is beyond ±2^53 and cannot be represented exactly.", reader.TokenStartIndex);
            }

            return new JsonNumber(integer);
        }

        if (!reader.TryGetDouble(out double value) || !double.IsFinite(value))
        {
            throw new StixFormatException("A number is out of the range of an IEEE 754 double.", reader.TokenStartIndex);
        }

        if (!JsonNumber.HasExactForm(value))
        {
            throw new StixFormatException("An integer is beyond ±2^53 and cannot be represented exactly.", reader.TokenStartIndex);
        }

        return new JsonNumber(value);
    }

    private static string Printable(string name) => name.Length <= 64 ? name : string.Concat(name.AsSpan(0, 64), "…");

    /// <summary>
    /// Per-thread stacks that hold the members and items of the objects and arrays being read, so that each one
    /// allocates only its final array. Bench: Stix/StixBundleBenchmarks.Parse
    /// </summary>
    private sealed class Scratch
    {
        private const int ScanLimit = 16;

        [ThreadStatic]
        private static Scratch? t_current;

        private KeyValuePair<string, JsonValue>[] _members = new KeyValuePair<string, JsonValue>[64];
        private JsonValue[] _items = new JsonValue[64];

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
