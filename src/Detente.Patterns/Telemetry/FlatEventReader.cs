using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Unicode;
using Detente.Patterns.Indexing;
using Detente.Patterns.Observations;
using Detente.Stix.Json;

namespace Detente.Patterns.Telemetry;

/// <summary>
/// Reads flat JSON log lines (Zeek, Suricata EVE, generic JSON lines) through a <see cref="FlatLogMapping"/>: the fast
/// path reports each mapped value with its <see cref="FieldKey"/> to a sink without allocating; the slow path builds the
/// same event as an <see cref="Observation"/> for the general evaluator.
/// </summary>
/// <remarks>
/// <para><b>Fast path</b> (<see cref="Read"/>): one pass of <see cref="FlatJsonScanner"/> over the line, which checks the whole
/// line as JSON. Each member name is looked up in the mapping's field tree (one hash probe); unmapped values are skipped
/// (a vectorized search for the end of each string, no tokens handed out). A mapped value is normalized
/// (see <see cref="FlatLogMapping"/>) in a reused buffer and reported as a <see cref="FlatField"/>; a reference target
/// reports two keys: <c>T:R_ref.value</c> and the referenced object's <c>value</c> (<c>ipv4-addr:value</c> …), because
/// the observation holds both. Nothing is allocated per line once the buffers are warm.
/// Bench: Patterns/TelemetryBenchmarks.</para>
/// <para><b>Slow path</b> (<see cref="ReadObservation"/>): the same pass, then the values become SCOs with deterministic
/// ids: a value object (<c>ipv4-addr</c>, <c>domain-name</c>, <c>url</c>, …) per distinct value, and one object per
/// other type (<c>network-traffic</c>, <c>file</c>) holding its properties and references; a property mapped twice with
/// different values starts a second object of that type. <c>first_observed</c> = <c>last_observed</c> = the event time,
/// <c>number_observed</c> = 1. Every (key, value) the fast path reports is a value the observation has at that path.</para>
/// <para><b>Malformed lines</b> (not a JSON object, invalid JSON or UTF-8 in a mapped value, deeper than
/// <see cref="FlatLogOptions.MaxDepth"/>, longer than <see cref="FlatLogOptions.MaxLineBytes"/>, no readable time) are
/// reported with their line number and byte offset and skipped; reading goes on.</para>
/// <para>Not thread-safe: it reuses buffers between lines. Use one reader per thread; the mapping and the
/// <see cref="FieldKeyTable"/> can be shared.</para>
/// </remarks>
public sealed class FlatEventReader
{
    private const int MaxEscapedName = 128; // an escaped name longer than this is not looked up (no mapped name is as long)

    private readonly Node[] _nodes;
    private readonly NameTable _names;
    private readonly CompiledTarget[] _targets;
    private readonly CompiledUrl[] _urls;
    private readonly FieldKey[] _valueKeys; // by RefType: the key of <type>:value
    private readonly UrlPart[] _urlHost;
    private readonly UrlPart[] _urlPath;
    private byte[] _scratch = new byte[1024];
    private int _scratchUsed;
    private int _timestampRank;
    private DateTimeOffset _timestamp;
    private int _timestampDigits;
    private bool _invalidUtf8;

    /// <summary>Compiles <paramref name="mapping"/> against <paramref name="keys"/>.</summary>
    /// <param name="mapping">The mapping.</param>
    /// <param name="keys">The key table the compiled matcher uses, so that keys mean the same on both sides.</param>
    /// <param name="options">Limits; the defaults when null.</param>
    public FlatEventReader(FlatLogMapping mapping, FieldKeyTable keys, FlatLogOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        ArgumentNullException.ThrowIfNull(keys);
        Mapping = mapping;
        KeyTable = keys;
        Options = options ?? FlatLogOptions.Default;
        _valueKeys =
        [
            keys.Intern("ipv4-addr:value"),
            keys.Intern("ipv6-addr:value"),
            keys.Intern("domain-name:value"),
            keys.Intern("mac-addr:value"),
            keys.Intern("email-addr:value"),
        ];

        var builder = new TreeBuilder();
        var targets = new List<CompiledTarget>();
        var emitted = new HashSet<FieldKey>();
        for (int f = 0; f < mapping.Fields.Count; f++)
        {
            int node = builder.NodeFor(mapping.Fields[f].Field);
            foreach (MappingTarget target in mapping.Targets[f])
            {
                var compiled = new CompiledTarget(target, keys.Intern(target.ObjectType, target.Path));
                builder.Nodes[node].Targets = [.. builder.Nodes[node].Targets, targets.Count];
                targets.Add(compiled);
                emitted.UnionWith(target.Kind switch
                {
                    TargetKind.Address => [_valueKeys[(int)RefType.V4], _valueKeys[(int)RefType.V6]],
                    TargetKind.Reference => [compiled.Key, .. _valueKeys],
                    _ => [compiled.Key],
                });
            }
        }

        for (int rank = 0; rank < mapping.TimestampFields.Count; rank++)
        {
            Node node = builder.Nodes[builder.NodeFor(mapping.TimestampFields[rank])];
            node.TimestampRank = Math.Min(node.TimestampRank, rank);
        }

        FieldKey urlKey = keys.Intern("url:value");
        _urls = new CompiledUrl[mapping.Urls.Count];
        for (int u = 0; u < _urls.Length; u++)
        {
            FlatUrlMapping url = mapping.Urls[u];
            Node hostNode = builder.Nodes[builder.NodeFor(url.Host)];
            hostNode.UrlRoles = [.. hostNode.UrlRoles, (u, true)];
            Node pathNode = builder.Nodes[builder.NodeFor(url.Path)];
            pathNode.UrlRoles = [.. pathNode.UrlRoles, (u, false)];
            _urls[u] = new CompiledUrl(Encoding.ASCII.GetBytes(url.Scheme + "://"), urlKey);
            emitted.Add(urlKey);
        }

        _nodes = builder.Nodes.ToArray();
        _names = new NameTable(builder.Edges);
        _targets = targets.ToArray();
        _urlHost = new UrlPart[_urls.Length];
        _urlPath = new UrlPart[_urls.Length];
        for (int u = 0; u < _urls.Length; u++)
        {
            _urlHost[u] = new UrlPart();
            _urlPath[u] = new UrlPart();
        }

        Keys = emitted.OrderBy(static k => k.Id).ToArray();
    }

    /// <summary>The mapping.</summary>
    public FlatLogMapping Mapping { get; }

    /// <summary>The key table.</summary>
    public FieldKeyTable KeyTable { get; }

    /// <summary>The limits.</summary>
    public FlatLogOptions Options { get; }

    /// <summary>Every key this reader can report: the compiled matcher needs indexes for these only.</summary>
    public IReadOnlyList<FieldKey> Keys { get; }

    /// <summary>Reads one line, reporting its mapped values and then the event (or that it is malformed) to <paramref name="sink"/>.</summary>
    /// <param name="line">The line, without its line break.</param>
    /// <param name="lineNumber">Its one-based number, for reports.</param>
    /// <param name="byteOffset">Its offset in the stream, for reports.</param>
    /// <param name="sink">Receives the fields and the event.</param>
    /// <returns>True when the line was an event; false when it was malformed.</returns>
    /// <remarks>Allocation-free for well-formed lines once the buffers are warm. Bench: Patterns/TelemetryBenchmarks.</remarks>
    public bool Read<TSink>(ReadOnlySpan<byte> line, long lineNumber, long byteOffset, ref TSink sink)
        where TSink : IFlatEventSink
    {
        var emitter = new FastEmitter<TSink>(ref sink, this);
        string? error = Walk(line, ref emitter);
        if (error is null)
        {
            var flatEvent = new FlatEvent(lineNumber, byteOffset, _timestamp, _timestampDigits);
            sink.OnEvent(in flatEvent);
            return true;
        }

        sink.OnMalformed(new TelemetryError(new SourcePosition(lineNumber, byteOffset, null), error));
        return false;
    }

    /// <summary>Reads one line as an <see cref="Observation"/> (the slow path), or the error that makes it malformed.</summary>
    public TelemetryRecord ReadObservation(ReadOnlySpan<byte> line, long lineNumber = 1, long byteOffset = 0)
    {
        var emitter = new CollectingEmitter([]);
        string? error = Walk(line, ref emitter);
        var position = new SourcePosition(lineNumber, byteOffset, null);
        if (error is not null)
        {
            return TelemetryRecord.Failed(position, error);
        }

        var flatEvent = new FlatEvent(lineNumber, byteOffset, _timestamp, _timestampDigits);
        return TelemetryRecord.Of(FlatObservationBuilder.Build(emitter.Values, flatEvent));
    }

    /// <summary>Reads every line of <paramref name="stream"/> into <paramref name="sink"/> (the fast path).</summary>
    /// <remarks>Lines end with LF (a CR before it is dropped); a UTF-8 byte order mark at the start is skipped; blank lines are skipped.</remarks>
    public async Task<FlatReadSummary> ReadAsync<TSink>(Stream stream, TSink sink, CancellationToken cancellationToken = default)
        where TSink : class, IFlatEventSink
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(sink);
        using var splitter = new LineSplitter(stream, Options.MaxLineBytes);
        var lines = new SinkLines<TSink>(this, sink);
        long count = await splitter.ReadAsync(lines, cancellationToken).ConfigureAwait(false);
        return new FlatReadSummary(count, lines.Events, lines.Malformed);
    }

    /// <summary>Reads every line of <paramref name="stream"/> as observations (the slow path).</summary>
    public async IAsyncEnumerable<TelemetryRecord> ReadObservationsAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var splitter = new LineSplitter(stream, Options.MaxLineBytes);
        var lines = new ObservationLines(this);
        bool more = true;
        while (more)
        {
            more = splitter.Drain(ref lines);
            foreach (TelemetryRecord record in lines.Records)
            {
                yield return record;
            }

            lines.Records.Clear();
            if (more)
            {
                await splitter.FillAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The error of a line over <see cref="FlatLogOptions.MaxLineBytes"/>.</summary>
    internal TelemetryError TooLong(SourcePosition position) => new(position, $"The line is longer than {Options.MaxLineBytes} bytes.");

    /// <summary>One pass over a line; returns the reason it is malformed, or null.</summary>
    private string? Walk<TEmitter>(ReadOnlySpan<byte> line, ref TEmitter emitter)
        where TEmitter : IEmitter, allows ref struct
    {
        _scratchUsed = 0;
        _timestampRank = int.MaxValue;
        _invalidUtf8 = false;
        foreach (UrlPart part in _urlHost)
        {
            part.Length = -1;
        }

        foreach (UrlPart part in _urlPath)
        {
            part.Length = -1;
        }

        var scanner = new FlatJsonScanner(line, Options.MaxDepth);
        try
        {
            if (!scanner.StartRootObject())
            {
                return "The line is not a JSON object.";
            }

            WalkObject(ref scanner, 0, ref emitter);
        }
        catch (FlatLineException e)
        {
            return e.Message;
        }

        try
        {
            scanner.EndRoot();
        }
        catch (FlatLineException)
        {
            return "The line continues after its JSON object.";
        }

        if (_invalidUtf8)
        {
            return "A mapped value is not valid UTF-8.";
        }

        if (_timestampRank == int.MaxValue)
        {
            return $"The line has no readable time (looked for {string.Join(", ", Mapping.TimestampFields)}).";
        }

        EmitUrls(ref emitter);
        return null;
    }

    private void WalkObject<TEmitter>(ref FlatJsonScanner scanner, int node, ref TEmitter emitter)
        where TEmitter : IEmitter, allows ref struct
    {
        for (bool first = true; scanner.NextMember(first, out ReadOnlySpan<byte> name, out bool escaped); first = false)
        {
            int child;
            if (!escaped)
            {
                child = _names.Find(node, name);
            }
            else if (name.Length <= MaxEscapedName)
            {
                // Unescaped into the scratch buffer without keeping it: the name is not needed after the lookup.
                Span<byte> unescaped = Reserve(name.Length);
                int length = FlatJsonScanner.Unescape(name, unescaped);
                if (length < 0)
                {
                    throw InvalidUnicode(scanner.Position);
                }

                child = _names.Find(node, unescaped[..length]);
            }
            else
            {
                child = -1; // mapped names are short; a long escaped name is not one of them
            }

            if (child < 0)
            {
                scanner.SkipValue();
                continue;
            }

            Visit(ref scanner, child, ref emitter);
        }
    }

    private void Visit<TEmitter>(ref FlatJsonScanner scanner, int index, ref TEmitter emitter)
        where TEmitter : IEmitter, allows ref struct
    {
        Node node = _nodes[index];
        switch (scanner.PeekValue())
        {
            case FlatJsonKind.Object when node.HasNames:
                scanner.EnterContainer();
                WalkObject(ref scanner, index, ref emitter);
                break;
            case FlatJsonKind.Array when node.ArrayChild >= 0:
                scanner.EnterContainer();
                for (bool first = true; scanner.NextItem(first); first = false)
                {
                    Visit(ref scanner, node.ArrayChild, ref emitter);
                }

                break;
            case FlatJsonKind.String:
                ReadOnlySpan<byte> text = scanner.ReadString(out bool escaped);
                if (escaped)
                {
                    Span<byte> destination = Reserve(text.Length);
                    int length = FlatJsonScanner.Unescape(text, destination);
                    if (length < 0)
                    {
                        throw InvalidUnicode(scanner.Position);
                    }

                    text = Commit(length);
                }

                if (!Utf8.IsValid(text))
                {
                    _invalidUtf8 = true;
                    return;
                }

                Scalar(text, isString: true, node, ref emitter);
                break;
            case FlatJsonKind.Number:
                Scalar(scanner.ReadNumber(), isString: false, node, ref emitter);
                break;
            default:
                scanner.SkipValue(); // true, false, null, and containers the mapping does not enter
                break;
        }
    }

    private static FlatLineException InvalidUnicode(int position) =>
        new($"The line holds an escaped string that is not valid Unicode (at byte {position}).");

    private void Scalar<TEmitter>(ReadOnlySpan<byte> text, bool isString, Node node, ref TEmitter emitter)
        where TEmitter : IEmitter, allows ref struct
    {
        if (node.TimestampRank < _timestampRank && FlatTimestamp.TryParse(text, out DateTimeOffset time, out int digits))
        {
            _timestampRank = node.TimestampRank;
            _timestamp = time;
            _timestampDigits = digits;
        }

        foreach ((int url, bool isHost) in node.UrlRoles)
        {
            if (isString)
            {
                (isHost ? _urlHost : _urlPath)[url].Set(text);
            }
        }

        foreach (int t in node.Targets)
        {
            Emit(_targets[t], text, isString, ref emitter);
        }
    }

    private void Emit<TEmitter>(CompiledTarget target, ReadOnlySpan<byte> text, bool isString, ref TEmitter emitter)
        where TEmitter : IEmitter, allows ref struct
    {
        switch (target.Target.Kind)
        {
            case TargetKind.Address when isString && IpAddress.TryParse(text, out IpAddress address):
                EmitAddress(target, address, text, ref emitter);
                break;
            case TargetKind.Domain when isString:
                ReadOnlySpan<byte> domain = NormalizeDomain(text);
                if (!domain.IsEmpty && !IpAddress.TryParse(domain, out _))
                {
                    emitter.Value(target, FlatValueKind.String, domain, 0, 0, default, RefType.Domain);
                }

                break;
            case TargetKind.ValueObject when isString && !text.IsEmpty:
                emitter.Value(target, FlatValueKind.String, text, 0, 0, default, RefType.None);
                break;
            case TargetKind.Reference when isString && !text.IsEmpty:
                EmitReference(target, text, ref emitter);
                break;
            case TargetKind.Hash when isString && !text.IsEmpty:
                Span<byte> hash = Reserve(text.Length);
                FieldValues.NormalizeHash(text, hash);
                emitter.Value(target, FlatValueKind.String, Commit(text.Length), 0, 0, default, RefType.None);
                break;
            case TargetKind.Port:
                if (TryInteger(text, isString, out long port) && port is >= 0 and <= 65535)
                {
                    EmitInteger(target, port, ref emitter);
                }

                break;
            case TargetKind.Protocol when isString && !text.IsEmpty:
                Span<byte> lower = Reserve(text.Length);
                Ascii.ToLower(text, lower, out _);
                emitter.Value(target, FlatValueKind.String, Commit(text.Length), 0, 0, default, RefType.None);
                break;
            case TargetKind.Scalar or TargetKind.ListItem or TargetKind.DictionaryMember:
                if (isString)
                {
                    emitter.Value(target, FlatValueKind.String, text, 0, 0, default, RefType.None);
                }
                else if (TryJsonInteger(text, out long integer) && Math.Abs(integer) <= JsonNumber.MaxSafeInteger)
                {
                    EmitInteger(target, integer, ref emitter);
                }
                else if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double number) && double.IsFinite(number)
                    && JsonNumber.HasExactForm(number))
                {
                    emitter.Value(target, FlatValueKind.Number, text, 0, number, default, RefType.None);
                }

                break;
            default:
                break; // a value of the wrong kind for its target is ignored
        }
    }

    private void EmitAddress<TEmitter>(CompiledTarget target, IpAddress parsed, ReadOnlySpan<byte> written, ref TEmitter emitter)
        where TEmitter : IEmitter, allows ref struct
    {
        // An IPv4 address read strictly (no leading zeros) is already written in canonical form; anything else (IPv6,
        // IPv4-mapped) is formatted. Bench: Patterns/TelemetryBenchmarks.FlatReadMap
        IpAddress address = parsed.Unmap();
        ReadOnlySpan<byte> text = written;
        if (parsed.IsV6)
        {
            Span<byte> destination = Reserve(IpAddress.MaxTextLength);
            text = Commit(address.Format(destination));
        }

        emitter.Value(target, FlatValueKind.Address, text, 0, 0, address, address.IsV6 ? RefType.V6 : RefType.V4);
    }

    private void EmitReference<TEmitter>(CompiledTarget target, ReadOnlySpan<byte> text, ref TEmitter emitter)
        where TEmitter : IEmitter, allows ref struct
    {
        if (IpAddress.TryParse(text, out IpAddress address))
        {
            EmitAddress(target, address, text, ref emitter);
        }
        else if (IsMac(text))
        {
            Span<byte> lower = Reserve(text.Length);
            Ascii.ToLower(text, lower, out _);
            emitter.Value(target, FlatValueKind.String, Commit(text.Length), 0, 0, default, RefType.Mac);
        }
        else if (text.IndexOf((byte)'@') >= 0)
        {
            emitter.Value(target, FlatValueKind.String, text, 0, 0, default, RefType.Email);
        }
        else
        {
            ReadOnlySpan<byte> domain = NormalizeDomain(text);
            if (!domain.IsEmpty)
            {
                emitter.Value(target, FlatValueKind.String, domain, 0, 0, default, RefType.Domain);
            }
        }
    }

    private void EmitInteger<TEmitter>(CompiledTarget target, long value, ref TEmitter emitter)
        where TEmitter : IEmitter, allows ref struct
    {
        Span<byte> destination = Reserve(20);
        Utf8Formatter.TryFormat(value, destination, out int written);
        emitter.Value(target, FlatValueKind.Integer, Commit(written), value, value, default, RefType.None);
    }

    private void EmitUrls<TEmitter>(ref TEmitter emitter)
        where TEmitter : IEmitter, allows ref struct
    {
        for (int u = 0; u < _urls.Length; u++)
        {
            UrlPart host = _urlHost[u];
            UrlPart path = _urlPath[u];
            if (path.Length < 0)
            {
                continue;
            }

            ReadOnlySpan<byte> pathText = path.Text;
            if (IsAbsoluteUrl(pathText))
            {
                emitter.Url(_urls[u].Key, pathText);
                continue;
            }

            if (host.Length <= 0)
            {
                continue;
            }

            byte[] scheme = _urls[u].SchemePrefix;
            bool slash = pathText.IsEmpty || pathText[0] != '/';
            Span<byte> url = Reserve(scheme.Length + host.Length + pathText.Length + 1);
            scheme.CopyTo(url);
            host.Text.CopyTo(url[scheme.Length..]);
            int length = scheme.Length + host.Length;
            if (slash)
            {
                url[length++] = (byte)'/';
            }

            pathText.CopyTo(url[length..]);
            emitter.Url(_urls[u].Key, Commit(length + pathText.Length));
        }
    }

    private static bool IsAbsoluteUrl(ReadOnlySpan<byte> text)
    {
        int colon = text.IndexOf("://"u8);
        if (colon <= 0)
        {
            return false;
        }

        foreach (byte b in text[..colon])
        {
            if (!(char.IsAsciiLetterOrDigit((char)b) || b is (byte)'+' or (byte)'-' or (byte)'.'))
            {
                return false;
            }
        }

        return char.IsAsciiLetter((char)text[0]);
    }

    private static bool TryInteger(ReadOnlySpan<byte> text, bool isString, out long value)
    {
        if (!isString)
        {
            return TryJsonInteger(text, out value);
        }

        value = 0;
        return text.Length is > 0 and <= 18 && Utf8Parser.TryParse(text, out value, out int consumed) && consumed == text.Length && text[0] != '-' && text[0] != '+';
    }

    /// <summary>A JSON number token that is an integer in range of <see cref="long"/> (no fraction, no exponent).</summary>
    private static bool TryJsonInteger(ReadOnlySpan<byte> number, out long value) =>
        Utf8Parser.TryParse(number, out value, out int consumed) && consumed == number.Length;

    /// <summary>Lower-cases ASCII, drops a <c>:port</c> and a trailing dot; an IPv6 literal in brackets comes out empty.</summary>
    private ReadOnlySpan<byte> NormalizeDomain(ReadOnlySpan<byte> text)
    {
        if (text.IsEmpty || text[0] == '[')
        {
            return [];
        }

        int colon = text.LastIndexOf((byte)':');
        if (colon >= 0 && text.IndexOf((byte)':') == colon && colon + 1 < text.Length && AllDigits(text[(colon + 1)..]))
        {
            text = text[..colon];
        }

        if (!text.IsEmpty && text[^1] == '.')
        {
            text = text[..^1];
        }

        Span<byte> lower = Reserve(text.Length);
        Ascii.ToLower(text, lower, out _);
        return Commit(text.Length);
    }

    private static bool AllDigits(ReadOnlySpan<byte> text)
    {
        foreach (byte b in text)
        {
            if (b is < (byte)'0' or > (byte)'9')
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsMac(ReadOnlySpan<byte> text)
    {
        // Six pairs of hex digits separated by ':' or '-': 00:1a:2b:3c:4d:5e.
        if (text.Length != 17)
        {
            return false;
        }

        for (int i = 0; i < 17; i++)
        {
            bool separator = i % 3 == 2;
            if (separator ? text[i] is not ((byte)':' or (byte)'-') : !char.IsAsciiHexDigit((char)text[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Room for <paramref name="length"/> bytes in the line's scratch buffer (grown once, reused after).</summary>
    private Span<byte> Reserve(int length)
    {
        if (_scratchUsed + length > _scratch.Length)
        {
            // Spans handed out earlier for this line stay valid: they point into the old array.
            _scratch = new byte[Math.Max(_scratch.Length * 2, _scratchUsed + length)];
            _scratchUsed = 0;
        }

        return _scratch.AsSpan(_scratchUsed, length);
    }

    private ReadOnlySpan<byte> Commit(int length)
    {
        ReadOnlySpan<byte> written = _scratch.AsSpan(_scratchUsed, length);
        _scratchUsed += length;
        return written;
    }

    /// <summary>The lines of <see cref="ReadAsync"/>: each read into the caller's sink.</summary>
    private sealed class SinkLines<TSink>(FlatEventReader reader, TSink sink) : ILineHandler
        where TSink : class, IFlatEventSink
    {
        private TSink _sink = sink;

        public long Events { get; private set; }

        public long Malformed { get; private set; }

        public void OnLine(ReadOnlySpan<byte> line, long lineNumber, long byteOffset)
        {
            if (reader.Read(line, lineNumber, byteOffset, ref _sink))
            {
                Events++;
            }
            else
            {
                Malformed++;
            }
        }

        public void OnTooLong(SourcePosition position)
        {
            Malformed++;
            _sink.OnMalformed(reader.TooLong(position));
        }
    }

    /// <summary>The lines of <see cref="ReadObservationsAsync"/>: each read into a record, kept until the caller takes them.</summary>
    private struct ObservationLines(FlatEventReader reader) : ILineHandler
    {
        public List<TelemetryRecord> Records { get; } = [];

        public readonly void OnLine(ReadOnlySpan<byte> line, long lineNumber, long byteOffset) =>
            Records.Add(reader.ReadObservation(line, lineNumber, byteOffset));

        public readonly void OnTooLong(SourcePosition position) => Records.Add(TelemetryRecord.Failed(position, reader.TooLong(position).Message));
    }

    /// <summary>The type of the object a reference value names, and the index of its <c>value</c> key.</summary>
    internal enum RefType
    {
        V4,
        V6,
        Domain,
        Mac,
        Email,
        None,
    }

    /// <summary>Receives normalized values; the fast and slow paths each implement it.</summary>
    internal interface IEmitter
    {
        public void Value(CompiledTarget target, FlatValueKind kind, ReadOnlySpan<byte> text, long integer, double number, IpAddress address, RefType refType);

        public void Url(FieldKey key, ReadOnlySpan<byte> url);
    }

    /// <summary>The fast path: reports keys and values to the caller's sink.</summary>
    private ref struct FastEmitter<TSink> : IEmitter
        where TSink : IFlatEventSink
    {
        private readonly FlatEventReader _reader;
        private readonly ref TSink _sink;

        public FastEmitter(ref TSink sink, FlatEventReader reader)
        {
            _sink = ref sink;
            _reader = reader;
        }

        public readonly void Value(CompiledTarget target, FlatValueKind kind, ReadOnlySpan<byte> text, long integer, double number, IpAddress address, RefType refType)
        {
            if (target.Target.Kind == TargetKind.Address)
            {
                var field = new FlatField(_reader._valueKeys[(int)refType], kind, text, integer, number, address);
                _sink.OnField(in field);
                return;
            }

            var primary = new FlatField(target.Key, kind, text, integer, number, address);
            _sink.OnField(in primary);
            if (target.Target.Kind == TargetKind.Reference)
            {
                var implied = new FlatField(_reader._valueKeys[(int)refType], kind, text, integer, number, address);
                _sink.OnField(in implied);
            }
        }

        public readonly void Url(FieldKey key, ReadOnlySpan<byte> url)
        {
            var field = new FlatField(key, FlatValueKind.String, url, 0, 0, default);
            _sink.OnField(in field);
        }
    }

    /// <summary>The slow path: keeps the values to build objects from.</summary>
    private readonly struct CollectingEmitter(List<CollectedValue> values) : IEmitter
    {
        public List<CollectedValue> Values { get; } = values;

        public void Value(CompiledTarget target, FlatValueKind kind, ReadOnlySpan<byte> text, long integer, double number, IpAddress address, RefType refType) =>
            Values.Add(new CollectedValue(target.Target, kind, Encoding.UTF8.GetString(text), integer, number, refType));

        public void Url(FieldKey key, ReadOnlySpan<byte> url) =>
            Values.Add(new CollectedValue(null, FlatValueKind.String, Encoding.UTF8.GetString(url), 0, 0, RefType.None));
    }

    /// <summary>A normalized value for the slow path; a null target is an assembled URL.</summary>
    internal readonly record struct CollectedValue(MappingTarget? Target, FlatValueKind Kind, string Text, long Integer, double Number, RefType RefType);

    /// <summary>A mapping target with its key.</summary>
    internal sealed record CompiledTarget(MappingTarget Target, FieldKey Key);

    private sealed record CompiledUrl(byte[] SchemePrefix, FieldKey Key);

    /// <summary>A host or path seen in the current line, copied (the line's spans may not outlive the walk).</summary>
    private sealed class UrlPart
    {
        private byte[] _bytes = new byte[256];

        public int Length { get; set; } = -1;

        public ReadOnlySpan<byte> Text => _bytes.AsSpan(0, Math.Max(Length, 0));

        public void Set(ReadOnlySpan<byte> text)
        {
            if (Length >= 0)
            {
                return; // the first one in the line is kept
            }

            if (text.Length > _bytes.Length)
            {
                _bytes = new byte[Math.Max(text.Length, _bytes.Length * 2)];
            }

            text.CopyTo(_bytes);
            Length = text.Length;
        }
    }

    /// <summary>A node of the field tree: a field path prefix. Lists are arrays once built (no enumerator per value).</summary>
    private sealed class Node
    {
        public int[] Targets { get; set; } = [];

        public (int Url, bool IsHost)[] UrlRoles { get; set; } = [];

        public int ArrayChild { get; set; } = -1;

        public bool HasNames { get; set; }

        public int TimestampRank { get; set; } = int.MaxValue;
    }

    /// <summary>Builds the field tree: a node per path prefix, with an edge for every way of splitting names at dots.</summary>
    private sealed class TreeBuilder
    {
        public List<Node> Nodes { get; } = [new Node()];

        public Dictionary<(int Parent, string Name), int> Edges { get; } = [];

        public int NodeFor(string field)
        {
            int node = 0;
            var run = new List<string>();
            foreach (string segment in FlatLogMapping.Segments(field))
            {
                if (segment == "[*]")
                {
                    node = Run(node, run);
                    run.Clear();
                    Node n = Nodes[node];
                    if (n.ArrayChild < 0)
                    {
                        n.ArrayChild = Nodes.Count;
                        Nodes.Add(new Node());
                    }

                    node = n.ArrayChild;
                }
                else
                {
                    run.Add(segment);
                }
            }

            return Run(node, run);
        }

        /// <summary>Follows names from <paramref name="start"/>, creating nodes, and adds the dotted shortcuts.</summary>
        private int Run(int start, List<string> names)
        {
            var chain = new List<int> { start };
            foreach (string name in names)
            {
                chain.Add(Child(chain[^1], name));
            }

            for (int i = 0; i < chain.Count; i++)
            {
                for (int j = i + 2; j < chain.Count; j++)
                {
                    Edges[(chain[i], string.Join('.', names.GetRange(i, j - i)))] = chain[j];
                    Nodes[chain[i]].HasNames = true;
                }
            }

            return chain[^1];
        }

        private int Child(int parent, string name)
        {
            if (!Edges.TryGetValue((parent, name), out int child))
            {
                child = Nodes.Count;
                Nodes.Add(new Node());
                Edges.Add((parent, name), child);
                Nodes[parent].HasNames = true;
            }

            return child;
        }
    }
}
