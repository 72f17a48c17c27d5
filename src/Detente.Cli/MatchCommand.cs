using System.Buffers;
using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Detente.Patterns;
using Detente.Patterns.Matching;
using Detente.Patterns.Observations;
using Detente.Patterns.Telemetry;
using Detente.Patterns.Validation;
using Detente.Stix;
using Detente.Stix.Identifiers;
using Detente.Stix.Json;

namespace Detente.Cli;

internal sealed partial class DetenteCli
{
    /// <summary>How often, at most, the progress line is redrawn.</summary>
    private static readonly TimeSpan s_progressInterval = TimeSpan.FromSeconds(1);

    /// <summary>Makes the ids of sighting objects and of their bundle (version 4 UUIDs); tests replace it to get fixed output.</summary>
    internal Func<Guid> NewGuid { get; init; } = Guid.NewGuid;

    /// <summary>Whether standard error is a terminal, so that <c>match</c> draws its progress line; tests set it.</summary>
    internal bool StderrIsTerminal { get; init; } = ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected;

    private Command MatchCommand()
    {
        var indicators = new Option<string[]>("--indicators")
        {
            Description = "Indicators: a STIX bundle, a JSON array or JSON lines of indicator objects, or a text file of one STIX pattern per line "
                + "(# starts a comment); repeat for more files.",
            Required = true,
            Arity = ArgumentArity.OneOrMore,
        };
        var telemetry = new Option<string>("--telemetry")
        {
            Description = "The events to match: a file, or - for standard input (the default).",
            DefaultValueFactory = static _ => "-",
        };
        var format = new Option<string>("--format")
        {
            Description = "The events' format: stix (observed-data: bundles, arrays or JSON lines; the default without --mapping), zeek, eve or jsonl (flat JSON lines).",
        };
        format.AcceptOnlyFromAmong("stix", "zeek", "eve", "jsonl");
        var mapping = new Option<string>("--mapping")
        {
            Description = "A flat-log mapping file (see Detente.Patterns Telemetry/README.md); the events are then flat JSON lines read through it.",
        };
        var sightings = new Option<string>("--sightings")
        {
            Description = "Also write a STIX 2.1 bundle of sighting objects to this file: one per indicator that hit (count, first_seen, last_seen, observed_data_refs).",
        };
        var version = new Option<string>("--stix-version")
        {
            Description = "The patterning grammar of patterns that do not say: pattern text lines and indicators without pattern_version. 2.1 (default) or 2.0.",
            DefaultValueFactory = static _ => "2.1",
        };
        version.AcceptOnlyFromAmong("2.0", "2.1");
        var strict = new Option<bool>("--strict")
        {
            Description = "Stop at the first malformed event and refuse to run with any unusable indicator (exit code 2); by default both are reported, skipped and counted.",
        };
        var command = new Command("match", "Match events against many indicators at once with the compiled matcher. Prints one JSON line per hit: "
            + "{indicator_id, line, byte_offset (flat logs), object_index (in a bundle or array), observed_data_refs (STIX), first_observed, last_observed}. "
            + "Progress on standard error when it is a terminal; a summary line on standard error always. "
            + "Exit code 0 at least one hit, 1 no hit, 2 usage error, no usable indicator, unreadable input, or (with --strict) a malformed event or indicator.")
        {
            indicators,
            telemetry,
            format,
            mapping,
            sightings,
            version,
            strict,
        };
        command.SetAction((result, cancellationToken) => new MatchRun(this, new MatchSettings(
            result.GetValue(indicators)!,
            result.GetValue(telemetry)!,
            result.GetValue(format),
            result.GetValue(mapping),
            result.GetValue(sightings),
            result.GetValue(version) == "2.0" ? PatternVersion.V20 : PatternVersion.V21,
            result.GetValue(strict))).RunAsync(cancellationToken));
        return command;
    }

    private sealed record MatchSettings(
        string[] IndicatorPaths,
        string TelemetryPath,
        string? Format,
        string? MappingPath,
        string? SightingsPath,
        PatternVersion Version,
        bool Strict);

    /// <summary>Thrown from a reader callback to stop at the first malformed event under <c>--strict</c>.</summary>
    private sealed class StrictStopException : Exception
    {
        public StrictStopException()
        {
        }

        public StrictStopException(string message)
            : base(message)
        {
        }

        public StrictStopException(string message, Exception innerException)
            : base(message, innerException)
        {
        }
    }

    /// <summary>One run of <c>detente match</c>: load the indicators, stream the events, write hits, sightings and the summary.</summary>
    private sealed class MatchRun(DetenteCli cli, MatchSettings settings)
    {
        /// <summary>The most observed-data ids one sighting lists; further ones are counted but not listed.</summary>
        internal const int MaxObservedDataRefs = 10_000;

        /// <summary>The largest <c>count</c> a sighting may carry (STIX 2.1 §5.6).</summary>
        private const long MaxSightingCount = 999_999_999;

        private readonly FieldKeyTable _keys = new();
        private readonly ArrayBufferWriter<byte> _json = new(256);
        private readonly Dictionary<string, SightingAggregate>? _sightings = settings.SightingsPath is null ? null : new(StringComparer.Ordinal);
        private IndicatorSet _set = null!;
        private int _loaded;
        private int _skipped;
        private int _revoked;
        private long _events;
        private long _hits;
        private long _malformed;
        private DateTimeOffset _start;
        private DateTimeOffset _lastProgress;
        private bool _progressShown;

        private TextWriter Stderr => cli._stderr;

        public async Task<int> RunAsync(CancellationToken cancellationToken)
        {
            FlatEventReader? flat = null;
            if (settings.MappingPath is not null && settings.Format is not null)
            {
                await Stderr.WriteLineAsync("detente: --mapping and --format cannot be used together (a mapping reads flat JSON lines its own way)");
                return ExitCodes.Unusable;
            }

            if (settings.MappingPath is not null || settings.Format is "zeek" or "eve" or "jsonl")
            {
                // Readers intern their field keys first; the set is created after them (Matching/README.md).
                FlatLogMapping? mapping = null;
                if (settings.MappingPath is not null)
                {
                    mapping = await ReadMappingAsync(settings.MappingPath, cancellationToken);
                }
                else
                {
                    FlatLogMapping.TryGetBuiltIn(settings.Format!, out mapping);
                }

                if (mapping is null)
                {
                    return ExitCodes.Unusable;
                }

                flat = new FlatEventReader(mapping, _keys);
            }

            _set = new IndicatorSet(_keys, new IndicatorSetOptions { TimeProvider = cli._timeProvider });
            using (_set.BeginBulkLoad())
            {
                foreach (string path in settings.IndicatorPaths)
                {
                    if (!await LoadIndicatorsAsync(path, cancellationToken))
                    {
                        return ExitCodes.Unusable;
                    }
                }
            }

            if (_set.Count == 0)
            {
                await Stderr.WriteLineAsync($"detente: no usable indicator ({_skipped} skipped, {_revoked} revoked); nothing matched");
                return ExitCodes.Unusable;
            }

            if (settings.Strict && _skipped > 0)
            {
                await Stderr.WriteLineAsync($"detente: {_skipped} indicator(s) cannot be used; --strict refuses to run");
                return ExitCodes.Unusable;
            }

            Stream? stream = cli.OpenInput(settings.TelemetryPath);
            if (stream is null)
            {
                return ExitCodes.Unusable;
            }

            _start = cli._timeProvider.GetUtcNow();
            _lastProgress = _start;
            bool stopped = false;
            await using (stream.ConfigureAwait(false))
            {
                try
                {
                    if (flat is null)
                    {
                        await MatchStixAsync(stream, cancellationToken);
                    }
                    else
                    {
                        await MatchFlatAsync(flat, stream, cancellationToken);
                    }
                }
                catch (StrictStopException)
                {
                    stopped = true;
                }
            }

            await cli._stdout.FlushAsync(cancellationToken);
            ClearProgress();
            await WriteSummaryAsync(stopped);
            if (stopped)
            {
                return ExitCodes.Unusable;
            }

            if (_sightings is not null && !await WriteSightingsAsync(settings.SightingsPath!, cancellationToken))
            {
                return ExitCodes.Unusable;
            }

            return _hits > 0 ? ExitCodes.Ok : ExitCodes.Invalid;
        }

        private async Task<FlatLogMapping?> ReadMappingAsync(string path, CancellationToken cancellationToken)
        {
            byte[] bytes;
            try
            {
                bytes = await File.ReadAllBytesAsync(path, cancellationToken);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                await Stderr.WriteLineAsync($"detente: cannot read the mapping '{path}': {e.Message}");
                return null;
            }

            if (FlatLogMapping.TryParse(bytes, out FlatLogMapping? mapping, out IReadOnlyList<string> errors))
            {
                return mapping;
            }

            foreach (string error in errors)
            {
                await Stderr.WriteLineAsync($"detente: mapping '{path}': {error}");
            }

            return null;
        }

        // ---- Indicators ----

        private async Task<bool> LoadIndicatorsAsync(string path, CancellationToken cancellationToken)
        {
            Stream? stream = cli.OpenInput(path);
            if (stream is null)
            {
                return false;
            }

            await using (stream.ConfigureAwait(false))
            {
                byte[] head = await ReadHeadAsync(stream, cancellationToken);
                var whole = new PrefixedStream(head, stream);
                if (LooksLikePatternText(head))
                {
                    await LoadPatternLinesAsync(path, whole, cancellationToken);
                    return true;
                }

                await foreach (StixInput input in new StixReader().ReadAllAsync(whole, cancellationToken))
                {
                    if (input.Error is StixFormatException error)
                    {
                        await SkipAsync(path, input.LineNumber, null, Describe(error));
                        continue;
                    }

                    switch (input.Value)
                    {
                        case JsonArray items:
                            for (int i = 0; i < items.Count; i++)
                            {
                                await LoadValueAsync(path, input.LineNumber, $"$[{i}]", items[i]);
                            }

                            break;
                        default:
                            await LoadValueAsync(path, input.LineNumber, "$", input.Value!);
                            break;
                    }
                }
            }

            return true;
        }

        /// <summary>A bundle's objects, or one object.</summary>
        private async Task LoadValueAsync(string path, long? line, string where, JsonValue value)
        {
            if (value is JsonObject o && o.GetString("type") == "bundle")
            {
                if (o["objects"] is JsonArray objects)
                {
                    for (int i = 0; i < objects.Count; i++)
                    {
                        await LoadObjectAsync(path, line, $"{where}.objects[{i}]", objects[i]);
                    }
                }

                return;
            }

            await LoadObjectAsync(path, line, where, value);
        }

        private async Task LoadObjectAsync(string path, long? line, string where, JsonValue value)
        {
            if (value is not JsonObject json || json.GetString("type") != "indicator")
            {
                return; // identities, markings, relationships … travel with indicators and are not ours to judge here
            }

            if (settings.Version == PatternVersion.V20 && json["pattern_version"] is null)
            {
                json = json.With("pattern_version", new JsonString("2.0"));
            }

            var stixObject = new StixObject(json);
            if (!Indicator.TryFromStix(stixObject, out Indicator? indicator, out bool revoked, out string? error))
            {
                await SkipAsync(path, line, json.GetString("id") ?? where, error);
                return;
            }

            if (revoked)
            {
                _revoked++;
                _set.Remove(stixObject.Id!);
                return;
            }

            await AddAsync(path, line, indicator!);
        }

        private async Task AddAsync(string path, long? line, Indicator indicator)
        {
            PatternValidationResult validation = PatternValidator.Validate(indicator.Pattern);
            if (!validation.IsValid)
            {
                await SkipAsync(path, line, indicator.Id, $"the pattern is not valid: {validation.Errors[0]}");
                return;
            }

            _set.Add(indicator);
            _loaded++;
        }

        private async Task SkipAsync(string path, long? line, string? id, string reason)
        {
            _skipped++;
            string where = line is long l ? $"{path}:{l}: " : $"{path}: ";
            string what = id is null ? string.Empty : $"{id}: ";
            await Stderr.WriteLineAsync($"detente: skipped indicator: {where}{what}{reason}");
        }

        /// <summary>
        /// True when the first character that is not white space is neither <c>{</c> nor a <c>[</c> that opens a JSON
        /// array (<c>[</c> then <c>{</c> or <c>]</c>): then the file holds pattern text.
        /// </summary>
        private static bool LooksLikePatternText(byte[] head)
        {
            int length = head.Length;
            int i = SkipSpace(head, 0, length);
            if (i < length && head[i] == 0xEF && i + 2 < length && head[i + 1] == 0xBB && head[i + 2] == 0xBF)
            {
                i = SkipSpace(head, i + 3, length);
            }

            if (i >= length || head[i] == (byte)'{')
            {
                return false;
            }

            if (head[i] == (byte)'[')
            {
                int next = SkipSpace(head, i + 1, length);
                return next < length && head[next] != (byte)'{' && head[next] != (byte)']';
            }

            return true;

            static int SkipSpace(byte[] bytes, int from, int end)
            {
                while (from < end && bytes[from] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
                {
                    from++;
                }

                return from;
            }
        }

        /// <summary>
        /// One pattern per line; blank lines and lines starting with <c>#</c> are skipped. Each pattern's id is
        /// <c>indicator--</c> and the name-based (version 5) UUID of its text in the STIX namespace, so the same pattern
        /// gets the same id in every run, and a repeated line is one indicator.
        /// </summary>
        private async Task LoadPatternLinesAsync(string path, Stream stream, CancellationToken cancellationToken)
        {
            using var reader = new StreamReader(stream, new UTF8Encoding(false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: true, 64 * 1024, leaveOpen: true);
            long number = 0;
            while (true)
            {
                string? text;
                try
                {
                    text = await reader.ReadLineAsync(cancellationToken);
                }
                catch (DecoderFallbackException)
                {
                    await SkipAsync(path, number + 1, null, "the file is not UTF-8 text; the rest of it is not read");
                    return;
                }

                if (text is null)
                {
                    return;
                }

                number++;
                string pattern = text.Trim();
                if (pattern.Length == 0 || pattern[0] == '#')
                {
                    continue;
                }

                string id = PatternLineId(pattern);
                if (pattern.Length > PatternLimits.Default.MaxLength)
                {
                    await SkipAsync(path, number, id, $"the pattern is longer than {PatternLimits.Default.MaxLength} characters");
                    continue;
                }

                try
                {
                    await AddAsync(path, number, new Indicator(id, Pattern.Parse(pattern, settings.Version)));
                }
                catch (PatternSyntaxException e)
                {
                    await SkipAsync(path, number, id, $"the pattern is not valid: {e.Message}");
                }
            }
        }

        /// <summary>Up to 4 KiB from the start of <paramref name="stream"/> (less only at its end).</summary>
        private static async Task<byte[]> ReadHeadAsync(Stream stream, CancellationToken cancellationToken)
        {
            var head = new byte[4096];
            int length = 0;
            int read;
            while (length < head.Length && (read = await stream.ReadAsync(head.AsMemory(length), cancellationToken)) > 0)
            {
                length += read;
            }

            return head[..length];
        }

        internal static string PatternLineId(string pattern) => "indicator--" + NameBasedUuid.Create(ScoIds.Namespace, pattern).ToString("D");

        // ---- Events ----

        private async Task MatchFlatAsync(FlatEventReader reader, Stream stream, CancellationToken cancellationToken)
        {
            FlatReadSummary summary = await _set.MatchFlatAsync(
                reader,
                stream,
                OnHit,
                OnMalformed,
                lines =>
                {
                    _events = lines - _malformed;
                    Progress();
                },
                cancellationToken);
            _events = summary.Events;
            _malformed = summary.Malformed;
        }

        private async Task MatchStixAsync(Stream stream, CancellationToken cancellationToken)
        {
            var hits = new List<IndicatorHit>();
            await foreach (TelemetryRecord record in new StixTelemetryReader().ReadAllAsync(stream, cancellationToken))
            {
                if (record.Error is TelemetryError error)
                {
                    OnMalformed(error);
                    continue;
                }

                _events++;
                _set.Match(record.Observation!, hits);
                foreach (IndicatorHit hit in hits)
                {
                    OnHit(hit);
                }

                hits.Clear();
                if ((_events & 0x3FF) == 0)
                {
                    Progress();
                }
            }
        }

        private void OnMalformed(TelemetryError error)
        {
            _malformed++;
            ClearProgress();
            Stderr.WriteLine($"detente: malformed event: {error}");
            if (settings.Strict)
            {
                throw new StrictStopException(error.ToString());
            }
        }

        private void OnHit(IndicatorHit hit)
        {
            _hits++;
            WriteHit(hit);
            if (_sightings is not null)
            {
                if (!_sightings.TryGetValue(hit.IndicatorId, out SightingAggregate? aggregate))
                {
                    aggregate = new SightingAggregate(hit.FirstObserved, hit.LastObserved);
                    _sightings.Add(hit.IndicatorId, aggregate);
                }

                aggregate.Add(hit);
            }
        }

        /// <summary>One JSON line: the field names are documented in the command's help and in the CLI tests.</summary>
        private void WriteHit(IndicatorHit hit)
        {
            _json.ResetWrittenCount();
            using (var writer = new Utf8JsonWriter(_json, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                writer.WriteStartObject();
                writer.WriteString("indicator_id", hit.IndicatorId);
                SourcePosition position = hit.Position;
                if (position.LineNumber is long line)
                {
                    writer.WriteNumber("line", line);
                }

                if (position.ByteOffset is long offset)
                {
                    writer.WriteNumber("byte_offset", offset);
                }

                if (position.ObjectIndex is int index)
                {
                    writer.WriteNumber("object_index", index);
                }

                WriteObservedDataRefs(writer, hit.ObservedDataIds);

                writer.WriteString("first_observed", hit.FirstObserved.ToString());
                writer.WriteString("last_observed", hit.LastObserved.ToString());
                writer.WriteEndObject();
            }

            ClearProgress();
            cli._stdout.WriteLine(Encoding.UTF8.GetString(_json.WrittenSpan));
        }

        // ---- Progress and summary ----

        private void Progress()
        {
            if (!cli.StderrIsTerminal)
            {
                return;
            }

            DateTimeOffset now = cli._timeProvider.GetUtcNow();
            if (now - _lastProgress < s_progressInterval)
            {
                return;
            }

            _lastProgress = now;
            _progressShown = true;
            Stderr.Write(string.Create(CultureInfo.InvariantCulture,
                $"\rdetente: {_events:N0} events, {_hits:N0} hits, {Rate(_events, now - _start)} events/s   "));
            Stderr.Flush();
        }

        private void ClearProgress()
        {
            if (_progressShown)
            {
                _progressShown = false;
                Stderr.Write("\r\u001b[K");
            }
        }

        private async Task WriteSummaryAsync(bool stopped)
        {
            TimeSpan elapsed = cli._timeProvider.GetUtcNow() - _start;
            string stop = stopped ? "stopped at a malformed event (--strict); " : string.Empty;
            await Stderr.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"detente: match: {stop}{_events} events, {_hits} hits, {_malformed} malformed; indicators: {_loaded} loaded, {_skipped} skipped, {_revoked} revoked, "
                + $"{_set.Count} in use; {elapsed.TotalSeconds:F3} s, {Rate(_events, elapsed)} events/s"));
        }

        /// <summary>Writes <c>observed_data_refs</c> (of a hit line or a sighting) when there are any.</summary>
        private static void WriteObservedDataRefs(Utf8JsonWriter writer, IReadOnlyList<string> ids)
        {
            if (ids.Count == 0)
            {
                return;
            }

            writer.WriteStartArray("observed_data_refs");
            foreach (string id in ids)
            {
                writer.WriteStringValue(id);
            }

            writer.WriteEndArray();
        }

        private static string Rate(long events, TimeSpan elapsed) =>
            elapsed > TimeSpan.Zero ? (events / elapsed.TotalSeconds).ToString("F0", CultureInfo.InvariantCulture) : "-";

        // ---- Sightings ----

        private async Task<bool> WriteSightingsAsync(string path, CancellationToken cancellationToken)
        {
            string now = StixTimestamp.FromDateTimeOffset(cli._timeProvider.GetUtcNow()).ToString();
            var buffer = new ArrayBufferWriter<byte>(64 * 1024);
            int written = 0;
            using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                writer.WriteStartObject();
                writer.WriteString("type", "bundle");
                writer.WriteString("id", "bundle--" + cli.NewGuid().ToString("D"));
                writer.WriteStartArray("objects");
                foreach ((string indicatorId, SightingAggregate aggregate) in _sightings!)
                {
                    if (!StixId.TryParse(indicatorId, out StixId parsed) || parsed.Type != "indicator")
                    {
                        await Stderr.WriteLineAsync($"detente: no sighting for '{indicatorId}': not an indicator id");
                        continue;
                    }

                    writer.WriteStartObject();
                    writer.WriteString("type", "sighting");
                    writer.WriteString("spec_version", "2.1");
                    writer.WriteString("id", "sighting--" + cli.NewGuid().ToString("D"));
                    writer.WriteString("created", now);
                    writer.WriteString("modified", now);
                    writer.WriteString("first_seen", aggregate.FirstSeen.ToString());
                    writer.WriteString("last_seen", aggregate.LastSeen.ToString());
                    writer.WriteNumber("count", Math.Min(aggregate.Count, MaxSightingCount));
                    writer.WriteString("sighting_of_ref", indicatorId);
                    WriteObservedDataRefs(writer, aggregate.ObservedData);

                    writer.WriteEndObject();
                    written++;
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            try
            {
                await File.WriteAllBytesAsync(path, buffer.WrittenSpan.ToArray(), cancellationToken);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                await Stderr.WriteLineAsync($"detente: cannot write the sightings to '{path}': {e.Message}");
                return false;
            }

            await Stderr.WriteLineAsync($"detente: {written} sighting(s) written to {path}");
            return true;
        }

        /// <summary>What the hits of one indicator add up to.</summary>
        private sealed class SightingAggregate(StixTimestamp first, StixTimestamp last)
        {
            private readonly HashSet<string> _seen = new(StringComparer.Ordinal);

            public long Count { get; private set; }

            public StixTimestamp FirstSeen { get; private set; } = first;

            public StixTimestamp LastSeen { get; private set; } = last;

            /// <summary>The observed-data ids, in the order first seen (at most <see cref="MaxObservedDataRefs"/>).</summary>
            public List<string> ObservedData { get; } = [];

            public void Add(IndicatorHit hit)
            {
                Count++;
                FirstSeen = hit.FirstObserved < FirstSeen ? hit.FirstObserved : FirstSeen;
                LastSeen = hit.LastObserved > LastSeen ? hit.LastObserved : LastSeen;
                foreach (string id in hit.ObservedDataIds)
                {
                    if (ObservedData.Count < MaxObservedDataRefs && _seen.Add(id))
                    {
                        ObservedData.Add(id);
                    }
                }
            }
        }
    }

    /// <summary>A read-only stream of some bytes already read, then the rest of another stream (to look at a file's start without seeking).</summary>
    private sealed class PrefixedStream(byte[] prefix, Stream rest) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_position < prefix.Length)
            {
                int n = Math.Min(buffer.Length, prefix.Length - _position);
                prefix.AsSpan(_position, n).CopyTo(buffer);
                _position += n;
                return n;
            }

            return rest.Read(buffer);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_position < prefix.Length)
            {
                return ValueTask.FromResult(Read(buffer.Span));
            }

            return rest.ReadAsync(buffer, cancellationToken);
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
