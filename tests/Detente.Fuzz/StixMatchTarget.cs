using Detente.Patterns;
using Detente.Patterns.Matching;
using Detente.Patterns.Observations;
using Detente.Patterns.Telemetry;
using Detente.Stix;

namespace Detente.Fuzz;

/// <summary>
/// The compiled matcher's STIX fast path (<see cref="IndicatorSet.MatchStix"/>) against its full path
/// (<see cref="StixTelemetryReader.ReadDocument(ReadOnlySpan{byte})"/> then <see cref="IndicatorSet.Match(Observation, ICollection{IndicatorHit})"/>)
/// on two sets loaded alike: it never throws, and both give the same observations, errors and hits (indicator, times,
/// observed-data ids, in order); a document the fast path answers has no hit and no error on the full path.
/// </summary>
public static class StixMatchTarget
{
    /// <summary>The values the indicators name; the corpus seeds (Corpus/stix-match-*.json) carry them.</summary>
    public static IReadOnlyList<string> Patterns { get; } =
    [
        "[ipv4-addr:value = '198.51.100.7']",
        "[network-traffic:dst_ref.value = '203.0.113.9']",
        "[ipv4-addr:value ISSUBSET '192.0.2.0/24']",
        "[ipv6-addr:value = '2001:db8::1']",
        "[domain-name:value = 'evil.example.com']",
        "[domain-name:value LIKE '%.example.org']",
        "[url:value MATCHES 'login\\\\.php$']",
        "[file:hashes.MD5 = 'D41D8CD98F00B204E9800998ECF8427E']",
        "[file:hashes.'SHA-256' = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855']",
        "[network-traffic:dst_port = 4444]",
        "[network-traffic:protocols[*] = 'sctp']",
        "[network-traffic:dst_port = 443 AND network-traffic:dst_ref.value = '198.51.100.8']",
        "[domain-name:resolves_to_refs[*].value = '203.0.113.10']",
        "[ipv4-addr:value = '198.51.100.11'] FOLLOWEDBY [domain-name:value = 'evil.example.net']",
    ];

    // Created on first use, inside the target (see FuzzTargets.Reader).
    private static class Sets
    {
        public static readonly StixTelemetryReader Reader = new(new StixReader(new StixReaderLimits { MaxBytes = 1 << 20, MaxDepth = 32, MaxStringBytes = 4096 }));

        public static readonly IndicatorSet Fast = Load();

        public static readonly IndicatorSet Full = Load();

        private static IndicatorSet Load()
        {
            var set = new IndicatorSet(new FieldKeyTable());
            for (int i = 0; i < Patterns.Count; i++)
            {
                set.Add(new Indicator($"indicator--00000000-0000-4000-8000-{i:D12}", Pattern.Parse(Patterns[i])));
            }

            return set;
        }
    }

    /// <summary>The target.</summary>
    public static void Fuzz(ReadOnlySpan<byte> input) => Compare(Sets.Fast, Sets.Full, Sets.Reader, input);

    /// <summary>Runs <paramref name="input"/> through both paths and throws <see cref="FuzzFailure"/> when they differ.</summary>
    /// <param name="fast">The set that takes the fast path.</param>
    /// <param name="full">A set loaded alike that takes the full path.</param>
    /// <param name="reader">The STIX reader of both.</param>
    /// <param name="input">The document.</param>
    /// <param name="hits">When not null, receives the hits (the same on both paths).</param>
    /// <returns>What the fast-path call returned.</returns>
    public static StixMatchResult Compare(IndicatorSet fast, IndicatorSet full, StixTelemetryReader reader, ReadOnlySpan<byte> input, List<IndicatorHit>? hits = null)
    {
        ArgumentNullException.ThrowIfNull(fast);
        ArgumentNullException.ThrowIfNull(full);
        ArgumentNullException.ThrowIfNull(reader);
        var fastHits = new List<IndicatorHit>();
        var fastErrors = new List<TelemetryError>();
        StixMatchResult result = fast.MatchStix(reader, input, fastHits, fastErrors);

        var fullHits = new List<IndicatorHit>();
        int observations = 0;
        int errors = 0;
        foreach (TelemetryRecord record in reader.ReadDocument(input))
        {
            if (record.Observation is Observation observation)
            {
                observations++;
                full.Match(observation, fullHits);
            }
            else
            {
                errors++;
            }
        }

        if (result.Observations != observations || result.Errors != errors || fastErrors.Count != errors)
        {
            throw new FuzzFailure($"The paths disagree on the document: fast {result}, full {observations} observations and {errors} errors.");
        }

        if (result.FastPath && (fullHits.Count > 0 || errors > 0))
        {
            throw new FuzzFailure("The fast path answered a document the full path finds hits or errors in.");
        }

        if (!fastHits.Select(Describe).SequenceEqual(fullHits.Select(Describe), StringComparer.Ordinal))
        {
            throw new FuzzFailure($"The paths found other hits: fast [{string.Join("; ", fastHits.Select(Describe))}], full [{string.Join("; ", fullHits.Select(Describe))}].");
        }

        hits?.AddRange(fastHits);
        return result;
    }

    private static string Describe(IndicatorHit hit) =>
        $"{hit.IndicatorId} {hit.Position} {hit.FirstObserved} {hit.LastObserved} {string.Join(",", hit.ObservedDataIds)}";
}
