using System.Text;
using Detente.Patterns.Matching;
using Detente.Patterns.Telemetry;
using Detente.Stix;
using Detente.Testing;

namespace Detente.Patterns.Tests.Matching;

public sealed class IndicatorSetTests
{
    private const string Conn = """{"ts":1704164645.5,"id.orig_h":"192.168.1.7","id.orig_p":51000,"id.resp_h":"198.51.100.3","id.resp_p":443,"proto":"tcp"}""";
    private const string Dns = """{"ts":1704164646,"id.orig_h":"192.168.1.7","id.orig_p":53000,"id.resp_h":"192.168.1.1","id.resp_p":53,"proto":"udp","query":"Evil.Example."}""";
    private const string Files = """{"ts":1704164647,"filename":"invoice7.exe","md5":"D41D8CD98F00B204E9800998ECF8427E","sha256":"E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"}""";
    private const string Http = """{"ts":1704164648,"id.orig_h":"192.168.1.7","id.orig_p":51001,"id.resp_h":"203.0.113.9","id.resp_p":80,"host":"cdn.example.net","uri":"/login.php?id=3"}""";

    private static (IndicatorSet Set, FlatEventReader Reader) Create(ManualTimeProvider? clock = null)
    {
        var keys = new FieldKeyTable();
        var reader = new FlatEventReader(FlatLogMapping.Zeek, keys);
        return (new IndicatorSet(keys, new IndicatorSetOptions { TimeProvider = clock ?? new ManualTimeProvider() }), reader);
    }

    private static List<string> Hits(IndicatorSet set, FlatEventReader reader, string line, long number = 1)
    {
        var hits = new List<IndicatorHit>();
        Assert.True(set.MatchFlat(reader, Encoding.UTF8.GetBytes(line), number, 0, hits, out TelemetryError? error));
        Assert.Null(error);
        return [.. hits.Select(static h => h.IndicatorId)];
    }

    private static string Id(int n) => $"indicator--00000000-0000-4000-8000-{n:D12}";

    private static Indicator Make(int n, string pattern, DateTimeOffset? from = null, DateTimeOffset? until = null) =>
        new(Id(n), Pattern.Parse(pattern), from, until);

    public static TheoryData<string, string, MatchRoute> Routes => new()
    {
        { "[ipv4-addr:value = '198.51.100.3']", Conn, MatchRoute.Exact },
        { "[network-traffic:dst_ref.value ISSUBSET '198.51.100.0/24']", Conn, MatchRoute.Exact },
        { "[network-traffic:dst_port IN (22, 443)]", Conn, MatchRoute.Exact },
        { "[domain-name:value = 'evil.example']", Dns, MatchRoute.Exact },
        { "[file:hashes.sha256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855']", Files, MatchRoute.Exact },
        { "[file:hashes.MD5 = 'd41d8cd98f00b204e9800998ecf8427e' OR file:name = 'x']", Files, MatchRoute.Exact },
        { "[url:value LIKE 'http://cdn.%/login.php%']", Http, MatchRoute.Exact },
        { "[url:value MATCHES 'login\\\\.php\\\\?id=[0-9]']", Http, MatchRoute.Exact },
        { "[file:hashes.MD5 = 'd41d8cd98f00b204e9800998ecf8427e' AND file:name = 'invoice7.exe']", Files, MatchRoute.Anchored },
        { "[network-traffic:dst_port > 400]", Conn, MatchRoute.General },
        { "[ipv4-addr:value NOT ISSUBSET '10.0.0.0/8']", Conn, MatchRoute.General },
    };

    [Theory]
    [MemberData(nameof(Routes))]
    public void Each_form_takes_its_route_and_hits_its_event(string pattern, string line, MatchRoute route)
    {
        (IndicatorSet set, FlatEventReader reader) = Create();
        set.Add(Make(1, pattern));

        Assert.Equal([route], set.RoutesOf(Id(1)));
        Assert.Equal([Id(1)], Hits(set, reader, line));
        Assert.Empty(Hits(set, reader, """{"ts":1704164649,"id.orig_h":"10.9.9.9","id.resp_h":"10.9.9.8","id.resp_p":1,"proto":"icmp"}"""));
    }

    [Fact]
    public void A_revoked_indicator_stops_hitting_and_others_keep_hitting()
    {
        (IndicatorSet set, FlatEventReader reader) = Create();
        set.Add(Make(1, "[ipv4-addr:value = '198.51.100.3']"));
        set.Add(Make(2, "[network-traffic:dst_port = 443]"));

        Assert.True(set.Remove(Id(1)));
        Assert.False(set.Remove(Id(1)));

        Assert.Equal([Id(2)], Hits(set, reader, Conn));
        Assert.Single(set.RoutesOf(Id(2)));
        Assert.Equal(1, set.Count);
    }

    [Fact]
    public void A_revoked_stix_indicator_is_read_as_a_revocation()
    {
        var revoked = new StixObject(Detente.Stix.Json.JsonObject.Create(
            ("type", "indicator"), ("id", Id(3)), ("revoked", true), ("pattern", "[ipv4-addr:value = '1.2.3.4']")));

        Assert.True(Indicator.TryFromStix(revoked, out Indicator? indicator, out bool isRevoked, out _));
        Assert.Null(indicator);
        Assert.True(isRevoked);
    }

    [Fact]
    public void Adding_the_same_id_replaces_the_indicator()
    {
        (IndicatorSet set, FlatEventReader reader) = Create();
        set.Add(Make(1, "[ipv4-addr:value = '10.0.0.1']"));

        Assert.False(set.Add(Make(1, "[ipv4-addr:value = '198.51.100.3']")));

        Assert.Equal(1, set.Count);
        Assert.Equal([Id(1)], Hits(set, reader, Conn));
    }

    [Fact]
    public void Validity_is_judged_on_the_event_time()
    {
        (IndicatorSet set, FlatEventReader reader) = Create();
        DateTimeOffset eventTime = DateTimeOffset.FromUnixTimeMilliseconds(1_704_164_645_500);
        set.Add(Make(1, "[ipv4-addr:value = '198.51.100.3']", until: eventTime));                   // expired at the event
        set.Add(Make(2, "[ipv4-addr:value = '198.51.100.3']", from: eventTime.AddTicks(1)));        // not yet valid
        set.Add(Make(3, "[ipv4-addr:value = '198.51.100.3']", eventTime, eventTime.AddSeconds(1))); // valid from the event on

        Assert.Equal([Id(3)], Hits(set, reader, Conn));
    }

    [Fact]
    public void Expired_indicators_are_removed_on_the_injected_clock()
    {
        var clock = new ManualTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        (IndicatorSet set, _) = Create(clock);
        set.Add(Make(1, "[ipv4-addr:value = '10.0.0.1']", until: clock.GetUtcNow().AddHours(1)));
        set.Add(Make(2, "[ipv4-addr:value = '10.0.0.2']", until: clock.GetUtcNow().AddHours(2)));
        set.Add(Make(3, "[ipv4-addr:value = '10.0.0.3']"));
        set.Add(Make(1, "[ipv4-addr:value = '10.0.0.4']", until: clock.GetUtcNow().AddHours(3))); // a new version lives longer

        clock.Advance(TimeSpan.FromHours(2));

        Assert.Equal(1, set.RemoveExpired());
        Assert.False(set.Contains(Id(2)));
        Assert.True(set.Contains(Id(1)));
        Assert.True(set.Contains(Id(3)));
    }

    [Fact]
    public void Followedby_within_hits_when_the_second_event_comes_in_time_and_starts_over()
    {
        (IndicatorSet set, FlatEventReader reader) = Create();
        set.Add(Make(1, "([domain-name:value = 'evil.example'] FOLLOWEDBY [ipv4-addr:value = '198.51.100.3']) WITHIN 5 SECONDS"));
        const string LateConn = """{"ts":1704164700,"id.orig_h":"192.168.1.7","id.resp_h":"198.51.100.3","id.resp_p":443,"proto":"tcp"}""";

        Assert.Equal([MatchRoute.Exact, MatchRoute.Exact], set.RoutesOf(Id(1)));
        Assert.Empty(Hits(set, reader, Conn, 1));      // before the DNS query: no
        Assert.Empty(Hits(set, reader, Dns, 2));
        Assert.Empty(Hits(set, reader, LateConn, 3));  // 54 s later: outside the window
        Assert.Empty(Hits(set, reader, Dns.Replace("1704164646", "1704164701", StringComparison.Ordinal), 4));
        Assert.Equal([Id(1)], Hits(set, reader, Conn.Replace("1704164645.5", "1704164704", StringComparison.Ordinal), 5));
        Assert.Empty(Hits(set, reader, Conn.Replace("1704164645.5", "1704164705", StringComparison.Ordinal), 6)); // the DNS query was used
        Assert.Equal(1, set.StreamingCount);
    }

    [Fact]
    public void A_stix_observation_is_verified_by_the_evaluator()
    {
        var keys = new FieldKeyTable();
        var set = new IndicatorSet(keys);
        set.Add(Make(1, "[network-traffic:dst_ref.value = '203.0.113.5' AND network-traffic:dst_port = 443]"));
        set.Add(Make(2, "[file:hashes.sha256 = 'AA11']"));
        const string Bundle = """
            {"type":"bundle","id":"bundle--6e5a1b3c-0f4d-4d61-9a55-7c1f6b8f2a11","objects":[
            {"type":"observed-data","spec_version":"2.1","id":"observed-data--0c4b4d6e-3c1a-4f0e-9b2f-1d8e7a6c5b40","created":"2024-01-02T03:04:05Z","modified":"2024-01-02T03:04:05Z","first_observed":"2024-01-02T03:04:05Z","last_observed":"2024-01-02T03:04:06Z","number_observed":1,"object_refs":["network-traffic--5b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d"]},
            {"type":"network-traffic","spec_version":"2.1","id":"network-traffic--5b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d","dst_ref":"ipv4-addr--1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d","dst_port":443,"protocols":["tcp"]},
            {"type":"ipv4-addr","spec_version":"2.1","id":"ipv4-addr--1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d","value":"203.0.113.5"}]}
            """;
        Detente.Patterns.Observations.Observation observation = new StixTelemetryReader().ReadDocument(Encoding.UTF8.GetBytes(Bundle)).Single().Observation!;

        var hits = new List<IndicatorHit>();
        set.Match(observation, hits);

        IndicatorHit hit = Assert.Single(hits);
        Assert.Equal(Id(1), hit.IndicatorId);
        Assert.Equal(["observed-data--0c4b4d6e-3c1a-4f0e-9b2f-1d8e7a6c5b40"], hit.ObservedDataIds);
        Assert.Equal("2024-01-02T03:04:06Z", hit.LastObserved.ToString());
    }

    [Fact]
    public void A_malformed_line_matches_nothing_and_says_where_it_is()
    {
        (IndicatorSet set, FlatEventReader reader) = Create();
        set.Add(Make(1, "[ipv4-addr:value = '198.51.100.3']"));
        var hits = new List<IndicatorHit>();

        Assert.False(set.MatchFlat(reader, """{"id.resp_h":"198.51.100.3"}"""u8, 7, 70, hits, out TelemetryError? error));

        Assert.Empty(hits);
        Assert.Equal(7, error!.Position.LineNumber);
    }

    [Fact]
    public async Task A_stream_of_lines_is_matched_line_by_line_with_blank_long_and_malformed_lines_reported_or_skipped()
    {
        var keys = new FieldKeyTable();
        var reader = new FlatEventReader(FlatLogMapping.Zeek, keys, new FlatLogOptions { MaxLineBytes = 300 });
        var set = new IndicatorSet(keys);
        set.Add(Make(1, "[ipv4-addr:value = '198.51.100.3']"));
        string tooLong = "{\"ts\":1704164645,\"note\":\"" + new string('x', 400) + "\"}";
        string text = $"{Conn}\r\n\n   \n{tooLong}\nnot json\n{Dns}\n{Conn}";
        var hits = new List<IndicatorHit>();
        var errors = new List<TelemetryError>();

        FlatReadSummary summary = await set.MatchFlatAsync(reader, new MemoryStream(Encoding.UTF8.GetBytes(text)), hits.Add, errors.Add,
            cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(new FlatReadSummary(Lines: 7, Events: 3, Malformed: 2), summary);
        Assert.Equal([1L, 7L], hits.Select(static h => h.Position.LineNumber!.Value));
        Assert.Equal([0L, (long)Encoding.UTF8.GetByteCount($"{Conn}\r\n\n   \n{tooLong}\nnot json\n{Dns}\n")], hits.Select(static h => h.Position.ByteOffset!.Value));
        Assert.Equal([4L, 5L], errors.Select(static e => e.Position.LineNumber!.Value));
        Assert.Contains("longer than 300 bytes", errors[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_long_stream_reports_progress_every_65536_lines()
    {
        (IndicatorSet set, FlatEventReader reader) = Create();
        byte[] text = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(Conn + "\n", 140_000)));
        var progress = new List<long>();

        FlatReadSummary summary = await set.MatchFlatAsync(reader, new MemoryStream(text), static _ => { }, static _ => { }, progress.Add,
            TestContext.Current.CancellationToken);

        Assert.Equal(140_000, summary.Events);
        Assert.Equal([65_536L, 131_072L], progress);
    }
}
