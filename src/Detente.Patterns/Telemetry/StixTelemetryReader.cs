using System.Runtime.CompilerServices;
using Detente.Patterns.Observations;
using Detente.Stix;
using Detente.Stix.Json;
using Detente.Stix.Schema;

namespace Detente.Patterns.Telemetry;

/// <summary>Limits of <see cref="StixTelemetryReader"/> for JSON lines, where the objects an observed-data references may be on other lines.</summary>
public sealed record StixTelemetryOptions
{
    /// <summary>The defaults documented on each property.</summary>
    public static StixTelemetryOptions Default { get; } = new();

    /// <summary>Cyber-observable objects kept from earlier lines to resolve later <c>object_refs</c>; the oldest are forgotten first. Default 100,000.</summary>
    public int MaxRememberedObjects
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            field = value;
        }
    } = 100_000;

    /// <summary>How many further lines an observed-data waits for objects it references and has not seen; then it is given with what was found. Default 1,000; 0 never waits.</summary>
    public int ResolveWindowLines
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            field = value;
        }
    } = 1_000;

    /// <summary>Most observed-data waiting at once; beyond it the oldest is given with what was found. Default 10,000.</summary>
    public int MaxPendingObservations
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            field = value;
        }
    } = 10_000;
}

/// <summary>
/// Reads STIX telemetry into <see cref="Observation"/>s: a bundle, a single object, a JSON array of objects or bundles,
/// or JSON lines of any of those; STIX 2.1 observed-data with <c>object_refs</c> and STIX 2.0 observed-data with
/// embedded <c>objects</c>.
/// </summary>
/// <remarks>
/// <para>Parsing is <see cref="StixReader"/>'s, with its limits. Where the SCOs come from:</para>
/// <list type="bullet">
/// <item>In one document (a bundle, an array, or one JSON line), references resolve against every object of that
/// document, wherever it stands: before or after the observed-data.</item>
/// <item>In JSON lines, references also resolve against the cyber-observable objects of earlier lines (the last
/// <see cref="StixTelemetryOptions.MaxRememberedObjects"/>, a later object with the same id replacing an earlier
/// one). An observed-data that references an object not seen yet waits for up to
/// <see cref="StixTelemetryOptions.ResolveWindowLines"/> further lines; observations are given in input order, so
/// later ones wait behind it.</item>
/// <item>A reference still missing when the observation is given is listed in
/// <see cref="Observation.UnresolvedRefs"/>; the observation keeps the objects that were found. A missing reference
/// is not an error.</item>
/// </list>
/// <para>An observed-data without valid <c>first_observed</c>, <c>last_observed</c> or <c>number_observed</c>, or
/// without objects, is reported as a <see cref="TelemetryError"/> and skipped; so is a line that is not JSON. Reading
/// goes on. Objects of other types only serve to resolve references.</para>
/// </remarks>
public sealed class StixTelemetryReader
{
    private readonly StixReader _reader;
    private readonly StixTelemetryOptions _options;

    /// <summary>Creates a reader.</summary>
    /// <param name="reader">The STIX reader and its limits; the defaults when null.</param>
    /// <param name="options">The JSON-lines limits; the defaults when null.</param>
    public StixTelemetryReader(StixReader? reader = null, StixTelemetryOptions? options = null)
    {
        _reader = reader ?? new StixReader();
        _options = options ?? StixTelemetryOptions.Default;
    }

    /// <summary>The limits of the underlying <see cref="StixReader"/>.</summary>
    internal StixReaderLimits Limits => _reader.Limits;

    /// <summary>Reads one document (a bundle, an object, or an array of them).</summary>
    /// <returns>The observations and errors, in document order.</returns>
    public IReadOnlyList<TelemetryRecord> ReadDocument(ReadOnlySpan<byte> utf8Json)
    {
        JsonValue document;
        try
        {
            document = _reader.Parse(utf8Json);
        }
        catch (StixFormatException e)
        {
            return [TelemetryRecord.Failed(default, $"{e.Message} (at byte {e.BytePosition})")];
        }

        return ReadDocument(document);
    }

    /// <summary>Reads one parsed document (a bundle, an object, or an array of them).</summary>
    /// <returns>The observations and errors, in document order.</returns>
    public IReadOnlyList<TelemetryRecord> ReadDocument(JsonValue document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var records = new List<TelemetryRecord>();
        List<(StixObject Object, SourcePosition Position)> items = Flatten(document, null, records);
        var byId = new Dictionary<string, StixObject>(StringComparer.Ordinal);
        foreach ((StixObject o, _) in items)
        {
            if (o.Id is string id)
            {
                byId[id] = o;
            }
        }

        foreach ((StixObject o, SourcePosition position) in items)
        {
            if (o.Type == "observed-data")
            {
                records.Add(Observe(o, byId, position));
            }
        }

        return records;
    }

    /// <summary>Reads every document of <paramref name="stream"/>: JSON lines one at a time, or the whole stream as one document.</summary>
    /// <remarks>Memory stays bounded by the reader's per-line limit and <see cref="StixTelemetryOptions"/>.</remarks>
    public async IAsyncEnumerable<TelemetryRecord> ReadAllAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var window = new LineWindow(_options);
        var output = new List<TelemetryRecord>();
        await foreach (StixInput input in _reader.ReadAllAsync(stream, cancellationToken).ConfigureAwait(false))
        {
            if (input.Error is StixFormatException error)
            {
                yield return TelemetryRecord.Failed(new SourcePosition(input.LineNumber, null, null), $"{error.Message} (at byte {error.BytePosition})");
                continue;
            }

            if (input.LineNumber is not long line)
            {
                foreach (TelemetryRecord record in ReadDocument(input.Value!))
                {
                    yield return record;
                }

                continue;
            }

            window.Add(input.Value!, line, output);
            foreach (TelemetryRecord record in output)
            {
                yield return record;
            }

            output.Clear();
        }

        window.Drain(long.MaxValue, final: true, output);
        foreach (TelemetryRecord record in output)
        {
            yield return record;
        }
    }

    private static TelemetryRecord Observe(StixObject observedData, IReadOnlyDictionary<string, StixObject> byId, SourcePosition position) =>
        Observation.TryFromObservedData(observedData, byId, position, out Observation? observation, out string? error)
            ? TelemetryRecord.Of(observation)
            : TelemetryRecord.Failed(position, error);

    /// <summary>The objects of a document with their positions; what is not an object is reported.</summary>
    private static List<(StixObject Object, SourcePosition Position)> Flatten(JsonValue document, long? line, List<TelemetryRecord> errors)
    {
        var items = new List<(StixObject, SourcePosition)>();
        switch (document)
        {
            case JsonObject o when o.GetString("type") == "bundle":
                AddBundle(o, line, items, errors);
                break;
            case JsonObject o:
                Add(o, new SourcePosition(line, null, null), items, errors);
                break;
            case JsonArray array:
                for (int i = 0; i < array.Count; i++)
                {
                    if (array[i] is JsonObject b && b.GetString("type") == "bundle")
                    {
                        AddBundle(b, line, items, errors);
                    }
                    else
                    {
                        Add(array[i], new SourcePosition(line, null, i), items, errors);
                    }
                }

                break;
            default:
                errors.Add(TelemetryRecord.Failed(new SourcePosition(line, null, null), "The document is not a STIX object, a bundle, or an array of them."));
                break;
        }

        return items;
    }

    private static void AddBundle(JsonObject bundle, long? line, List<(StixObject, SourcePosition)> items, List<TelemetryRecord> errors)
    {
        if (bundle["objects"] is JsonValue value and not JsonArray)
        {
            errors.Add(TelemetryRecord.Failed(new SourcePosition(line, null, null), "A bundle's objects must be an array."));
            return;
        }

        if (bundle["objects"] is JsonArray objects)
        {
            for (int i = 0; i < objects.Count; i++)
            {
                Add(objects[i], new SourcePosition(line, null, i), items, errors);
            }
        }
    }

    private static void Add(JsonValue value, SourcePosition position, List<(StixObject, SourcePosition)> items, List<TelemetryRecord> errors)
    {
        if (value is JsonObject o && o.GetString("type") is not null)
        {
            items.Add((new StixObject(o), position));
        }
        else
        {
            errors.Add(TelemetryRecord.Failed(position, "An item is not a STIX object with a type."));
        }
    }

    /// <summary>The state of a JSON-lines stream: remembered SCOs, and observed-data waiting for some.</summary>
    private sealed class LineWindow(StixTelemetryOptions options)
    {
        private readonly Dictionary<string, StixObject> _remembered = new(StringComparer.Ordinal);
        private readonly Queue<(string Id, StixObject Object)> _rememberOrder = new();
        private readonly Queue<(StixObject ObservedData, SourcePosition Position, long Line)> _pending = new();

        public void Add(JsonValue document, long line, List<TelemetryRecord> output)
        {
            List<(StixObject Object, SourcePosition Position)> items = Flatten(document, line, output);
            foreach ((StixObject o, _) in items)
            {
                if (o.Id is string id && o.Type is string type && StixCatalog.GetCategory(type) is StixCategory.Sco or StixCategory.Custom)
                {
                    Remember(id, o);
                }
            }

            foreach ((StixObject o, SourcePosition position) in items)
            {
                if (o.Type == "observed-data")
                {
                    _pending.Enqueue((o, position, line));
                }
            }

            Drain(line, final: false, output);
        }

        public void Drain(long line, bool final, List<TelemetryRecord> output)
        {
            while (_pending.TryPeek(out (StixObject ObservedData, SourcePosition Position, long Line) head))
            {
                bool expired = final || line - head.Line >= options.ResolveWindowLines || _pending.Count > options.MaxPendingObservations;
                TelemetryRecord record = Observe(head.ObservedData, _remembered, head.Position);
                if (!expired && record.Observation is { Form: ObservationForm.Referenced, UnresolvedRefs.Count: > 0 })
                {
                    return; // wait for the objects it references
                }

                _pending.Dequeue();
                output.Add(record);
            }
        }

        private void Remember(string id, StixObject o)
        {
            _remembered[id] = o;
            _rememberOrder.Enqueue((id, o));
            while (_rememberOrder.Count > options.MaxRememberedObjects)
            {
                (string oldId, StixObject old) = _rememberOrder.Dequeue();
                if (_remembered.TryGetValue(oldId, out StixObject? current) && ReferenceEquals(current, old))
                {
                    _remembered.Remove(oldId);
                }
            }
        }
    }
}
