using Detente.Patterns.Indexing;
using Detente.Patterns.Observations;
using Detente.Patterns.Telemetry;

namespace Detente.Patterns.Matching;

/// <summary>What <see cref="IndicatorSet.MatchStix"/> did with one document.</summary>
/// <param name="Observations">The observed-data read from it (events).</param>
/// <param name="Errors">The items or observed-data reported as errors (or 1 when the document itself was refused).</param>
/// <param name="FastPath">True when the fast path answered (no candidate, nothing malformed); false when the document was read in full.</param>
public readonly record struct StixMatchResult(int Observations, int Errors, bool FastPath);

/// <summary>Matching STIX documents: the fast path over the bytes, and the full path it falls back to.</summary>
public sealed partial class IndicatorSet
{
    private readonly StixDocumentScanner _stixScanner = new();
    private StixPathTable? _stixPaths;
    private KeyIndexes[] _stixPathIndexes = [];
    private bool[] _stixPathHex = [];

    /// <summary>
    /// Matches one STIX document (a bundle, an object, or an array of them; one JSON line of STIX telemetry) and adds a
    /// hit to <paramref name="hits"/> for each indicator an observed-data in it matches; the result is the same as
    /// <see cref="StixTelemetryReader.ReadDocument(ReadOnlySpan{byte})"/> followed by
    /// <see cref="Match(Observation, ICollection{IndicatorHit})"/> on each observation, in order.
    /// </summary>
    /// <param name="reader">The reader of the full path (its <see cref="Stix.StixReader"/> limits apply to both paths).</param>
    /// <param name="document">The document's UTF-8 JSON.</param>
    /// <param name="hits">Receives the hits.</param>
    /// <param name="errors">Receives the errors of the full path (a refused document, an item without a type, an invalid observed-data).</param>
    /// <returns>How many observations and errors the document gave, and which path answered.</returns>
    /// <remarks>
    /// <para><b>Fast path</b>: one validating pass of <see cref="System.Text.Json.Utf8JsonReader"/> over the bytes, then the
    /// values at the object paths this set indexes are probed in the indexes, without building the tree. When no value
    /// is a candidate, no general unit is loaded, and the document is one the full path reads without an error, the
    /// answer is "no hit" and the document costs no allocation but its two timestamps per observed-data.</para>
    /// <para><b>Full path</b> (<see cref="StixTelemetryReader.ReadDocument(ReadOnlySpan{byte})"/> and
    /// <see cref="Match(Observation, ICollection{IndicatorHit})"/>), for: a set with a general unit (it runs on every
    /// event); a document where some value is a candidate (the evaluator verifies candidates on the observation); and a
    /// document the scanner does not answer: anything <see cref="Stix.StixReader"/> refuses or might refuse, a byte order
    /// mark, an object with more than 64 members, an escaped member name, type, id or followed reference, an item or
    /// observed-data that is reported as an error, a <c>number_observed</c> written with a fraction or exponent. The
    /// values probed are a superset of the full path's (every object of the document, references resolved against
    /// every object of it, every key of a <c>hashes</c> dictionary that spells the algorithm in any case, with or without
    /// hyphens and underscores), so the fast path never misses a hit.</para>
    /// <para>References to objects of earlier lines are not the fast path's business: a JSON-lines stream whose
    /// observed-data reference SCOs on other lines needs <see cref="StixTelemetryReader.ReadAllAsync"/> and
    /// <see cref="Match(Observation, ICollection{IndicatorHit})"/>.</para>
    /// <para>Bench: <c>matcher-throughput</c> (stix rows) and Patterns/MatcherBenchmarks.</para>
    /// </remarks>
    public StixMatchResult MatchStix(StixTelemetryReader reader, ReadOnlySpan<byte> document, ICollection<IndicatorHit> hits, ICollection<TelemetryError> errors)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(hits);
        ArgumentNullException.ThrowIfNull(errors);
        if (_generalUnits.Count == 0)
        {
            StixPathTable paths = StixPaths();
            _hits.Clear();
            var probe = new StixProbe(this);
            StixScanOutcome outcome = _stixScanner.Scan(document, reader.Limits, paths, ref probe, out int fast);
            _hits.Clear();
            if (outcome == StixScanOutcome.Complete)
            {
                return new StixMatchResult(fast, 0, FastPath: true);
            }
        }

        int observations = 0;
        int failed = 0;
        foreach (TelemetryRecord record in reader.ReadDocument(document))
        {
            if (record.Observation is Observation observation)
            {
                observations++;
                Match(observation, hits);
            }
            else
            {
                failed++;
                errors.Add(record.Error!);
            }
        }

        return new StixMatchResult(observations, failed, FastPath: false);
    }

    /// <summary>The paths of <c>_keysByType</c> compiled for the scanner (rebuilt when a key gets its first index).</summary>
    private StixPathTable StixPaths()
    {
        if (_stixPaths is not null)
        {
            return _stixPaths;
        }

        var pairs = new List<(string Type, PropertyPath Path)>();
        var indexes = new List<KeyIndexes>();
        var hex = new List<bool>();
        foreach ((string type, List<(FieldKey Key, PropertyPath Path)> keys) in _keysByType)
        {
            foreach ((FieldKey key, PropertyPath path) in keys)
            {
                pairs.Add((type, path));
                indexes.Add(_byKey[key.Id]!);
                hex.Add(_keys.Normalization(key) == ValueNormalization.HexHash);
            }
        }

        _stixPathIndexes = [.. indexes];
        _stixPathHex = [.. hex];
        _stixPaths = new StixPathTable(pairs);
        return _stixPaths;
    }

    /// <summary>
    /// The fast path's probe of one string, as <c>ProbeJson</c> probes a <see cref="Stix.Json.JsonString"/>: as an address
    /// or block, then normalized as the key wants (hex hashes lower-cased) in the string and substring indexes.
    /// </summary>
    private bool ProbeStixString(int path, ReadOnlySpan<byte> utf8)
    {
        KeyIndexes indexes = _stixPathIndexes[path];
        if (indexes.Addresses is { } addresses && IpPrefix.TryParse(utf8, out IpPrefix block))
        {
            addresses.Lookup(block, _hits);
        }

        ReadOnlySpan<byte> value = utf8;
        if (_stixPathHex[path])
        {
            if (utf8.Length > _valueBuffer.Length)
            {
                _valueBuffer = new byte[Math.Max(utf8.Length, _valueBuffer.Length * 2)];
            }

            value = _valueBuffer.AsSpan(0, FieldValues.NormalizeHash(utf8, _valueBuffer));
        }

        indexes.Strings?.Lookup(value, _hits);
        indexes.Substrings?.Candidates(value, _hits);
        return _hits.Count == 0;
    }

    private bool ProbeStixInteger(int path, long value)
    {
        _stixPathIndexes[path].Integers?.Lookup(value, _hits);
        return _hits.Count == 0;
    }

    /// <summary>Probes the scanner's values; stops at the first candidate.</summary>
    private readonly struct StixProbe(IndicatorSet set) : IStixValueProbe
    {
        public bool OnString(int path, ReadOnlySpan<byte> utf8) => set.ProbeStixString(path, utf8);

        public bool OnInteger(int path, long value) => set.ProbeStixInteger(path, value);
    }
}
