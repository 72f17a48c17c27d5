using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Detente.Psi;
using Detente.Stix;
using Detente.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Detente.Node.Tests;

/// <summary>The PSI routes over real HTTP on loopback, driven by <see cref="PsiNodeClient"/> and by raw requests.</summary>
public sealed class PsiEndpointTests
{
    private const string Partner = "partner-a";

    private static readonly string[] s_nodeIndicators =
    [
        "[domain-name:value = 'evil.example']",
        "[ipv4-addr:value = '198.51.100.3']",
        "[file:hashes.'SHA-256' = '" + new string('A', 64) + "']",
        "[url:value = 'http://bad.example/x']",
        // Not of the simple form: no element.
        "[domain-name:value = 'a.example'] OR [domain-name:value = 'b.example']",
        "[ipv4-addr:value != '203.0.113.1']",
    ];

    private static readonly string[] s_local =
    [
        "domain-name:EVIL.example.", "ipv4-addr:198.51.100.3", "file:sha256:" + new string('a', 64), "domain-name:a.example", "ipv4-addr:203.0.113.1",
        "domain-name:mine-only.example",
    ];

    private static readonly string[] s_expected = ["domain-name:evil.example", "ipv4-addr:198.51.100.3", "file:SHA-256:" + new string('a', 64)];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_partner_learns_exactly_the_common_indicators_and_the_session_is_recorded()
    {
        var recorder = new RecordingRecorder();
        await using OpsNode node = await StartAsync(recorder);
        string token = await PartnerAsync(node);
        await AddIndicatorsAsync(node, node.CollectionId, s_nodeIndicators);

        using var http = new HttpClient();
        PsiRunReport report = await new PsiNodeClient(http, node.Server, token).RunAsync(Elements(s_local), PsiSetKind.Indicators, PsiMode.Intersection,
            cancellationToken: Ct);

        Assert.Equal(s_expected.Order(StringComparer.Ordinal), report.Result.Intersection.Select(e => e.ToString()).Order(StringComparer.Ordinal));
        Assert.Equal(PsiBlinding.Additive, report.Blinding);
        Assert.Equal(6, report.InitiatorSetSize);
        Assert.Equal(4, report.ResponderSetSize);
        Assert.Equal(2, recorder.Records.Count);
        PsiSessionRecord opened = recorder.Records.First();
        PsiSessionRecord closed = recorder.Records.Last();
        foreach (PsiSessionRecord record in recorder.Records)
        {
            Assert.Equal(report.SessionId, record.SessionId);
            Assert.Equal(Partner, record.Initiator);
            Assert.Equal("https://taxii.example.org/", record.Responder);
            Assert.Equal(PsiSetKind.Indicators, record.Set);
            Assert.Equal(PsiMode.Intersection, record.Mode);
            Assert.Equal(6, record.InitiatorSetSize);
            Assert.Equal(4, record.ResponderSetSize);
            Assert.Equal(report.KeyEpoch, record.KeyEpoch);
            Assert.Equal(report.KeyCommitment.ToArray(), record.KeyCommitment.ToArray());
            Assert.Equal(node.Clock.GetUtcNow(), record.Opened);
        }

        Assert.Equal("opened", opened.Outcome);
        Assert.Equal("completed", closed.Outcome);
    }

    [Fact]
    public async Task Cardinality_mode_gives_only_the_count()
    {
        await using OpsNode node = await StartAsync(new RecordingRecorder());
        string token = await PartnerAsync(node);
        await AddIndicatorsAsync(node, node.CollectionId, s_nodeIndicators);
        using var http = new HttpClient();
        PsiRunReport report = await new PsiNodeClient(http, node.Server, token).RunAsync(Elements(s_local), PsiSetKind.Indicators, PsiMode.Cardinality,
            cancellationToken: Ct);
        Assert.Equal(3, report.Result.Count);
        Assert.Empty(report.Result.Intersection);
        Assert.Equal(PsiBlinding.Multiplicative, report.Blinding);
    }

    [Fact]
    public async Task Small_chunks_keep_one_request_in_flight_while_the_previous_answers_are_unblinded()
    {
        // Chunks of two: the client sends chunk N + 1 before it unblinds the answers to chunk N, in both modes.
        var recorder = new RecordingRecorder();
        await using OpsNode node = await StartAsync(recorder);
        string token = await PartnerAsync(node);
        await AddIndicatorsAsync(node, node.CollectionId, s_nodeIndicators);
        using var http = new HttpClient();
        var options = new PsiOptions { ChunkSize = 2 };
        PsiRunReport intersection = await new PsiNodeClient(http, node.Server, token).RunAsync(Elements(s_local), PsiSetKind.Indicators,
            PsiMode.Intersection, options, Ct);
        Assert.Equal(s_expected.Order(StringComparer.Ordinal), intersection.Result.Intersection.Select(e => e.ToString()).Order(StringComparer.Ordinal));
        Assert.Equal(3 * (PsiChunk.HeaderLength + (2 * 32)), intersection.BytesSent);
        PsiRunReport cardinality = await new PsiNodeClient(http, node.Server, token).RunAsync(Elements(s_local), PsiSetKind.Indicators,
            PsiMode.Cardinality, options, Ct);
        Assert.Equal(3, cardinality.Result.Count);
        Assert.Equal(4, recorder.Records.Count);
    }

    [Fact]
    public async Task The_sightings_set_is_the_observables_of_the_sighted_observed_data()
    {
        await using OpsNode node = await StartAsync(new RecordingRecorder());
        string token = await PartnerAsync(node);
        string ip = "ipv4-addr--" + Guid.NewGuid();
        string domain = "domain-name--" + Guid.NewGuid();
        string unsighted = "domain-name--" + Guid.NewGuid();
        string data = "observed-data--" + Guid.NewGuid();
        string other = "observed-data--" + Guid.NewGuid();
        await AddAsync(node, node.CollectionId,
            $$"""{"type":"ipv4-addr","spec_version":"2.1","id":"{{ip}}","value":"198.51.100.3"}""",
            $$"""{"type":"domain-name","spec_version":"2.1","id":"{{domain}}","value":"Sighted.example"}""",
            $$"""{"type":"domain-name","spec_version":"2.1","id":"{{unsighted}}","value":"mine-only.example"}""",
            $$"""{"type":"observed-data","spec_version":"2.1","id":"{{data}}","created":"2026-01-01T00:00:00.000Z","modified":"2026-01-01T00:00:00.000Z","first_observed":"2026-01-01T00:00:00Z","last_observed":"2026-01-01T00:00:00Z","number_observed":1,"object_refs":["{{ip}}","{{domain}}"]}""",
            $$"""{"type":"observed-data","spec_version":"2.1","id":"{{other}}","created":"2026-01-01T00:00:00.000Z","modified":"2026-01-01T00:00:00.000Z","first_observed":"2026-01-01T00:00:00Z","last_observed":"2026-01-01T00:00:00Z","number_observed":1,"object_refs":["{{unsighted}}"]}""",
            $$"""{"type":"sighting","spec_version":"2.1","id":"sighting--{{Guid.NewGuid()}}","created":"2026-01-01T00:00:00.000Z","modified":"2026-01-01T00:00:00.000Z","sighting_of_ref":"indicator--{{Guid.NewGuid()}}","observed_data_refs":["{{data}}"]}""");

        using var http = new HttpClient();
        PsiRunReport report = await new PsiNodeClient(http, node.Server, token).RunAsync(
            Elements(["domain-name:sighted.example", "ipv4-addr:198.51.100.3", "domain-name:mine-only.example"]), PsiSetKind.Sightings, PsiMode.Intersection,
            cancellationToken: Ct);
        Assert.Equal(["domain-name:sighted.example", "ipv4-addr:198.51.100.3"], report.Result.Intersection.Select(e => e.ToString()));
        Assert.Equal(2, report.ResponderSetSize);
    }

    [Fact]
    public async Task Only_versions_the_principal_may_read_go_into_the_set()
    {
        // The egress policy withholds one indicator; a second collection holds one the partner has no grant on.
        var policy = new WithholdingPolicy("evil.example");
        await using OpsNode node = await StartAsync(new RecordingRecorder(), policy);
        string token = await PartnerAsync(node);
        await AddIndicatorsAsync(node, node.CollectionId, s_nodeIndicators);
        var hidden = new Collection { Id = Guid.NewGuid(), ApiRoot = NodeBootstrap.DefaultApiRootName, Title = "hidden" };
        Assert.Equal(CreateResult.Created, await node.Store.CreateCollectionAsync(hidden, Ct));
        await AddIndicatorsAsync(node, hidden.Id, ["[domain-name:value = 'mine-only.example']"]);

        using var http = new HttpClient();
        PsiRunReport report = await new PsiNodeClient(http, node.Server, token).RunAsync(Elements(s_local), PsiSetKind.Indicators, PsiMode.Intersection,
            cancellationToken: Ct);
        Assert.Equal(["ipv4-addr:198.51.100.3", "file:SHA-256:" + new string('a', 64)], report.Result.Intersection.Select(e => e.ToString()));
        Assert.True(policy.Asked > 0);
    }

    [Fact]
    public async Task A_set_over_the_cap_is_refused_with_413_and_nothing_is_computed_or_recorded()
    {
        var recorder = new RecordingRecorder();
        await using OpsNode node = await StartAsync(recorder, maxSetSize: 5);
        string token = await PartnerAsync(node);
        using var http = new HttpClient();
        PsiException e = await Assert.ThrowsAsync<PsiException>(() => new PsiNodeClient(http, node.Server, token).RunAsync(Elements(s_local),
            PsiSetKind.Indicators, PsiMode.Intersection, cancellationToken: Ct));
        Assert.Contains("413 PSI set too large: A set of 6 elements is over this node's cap of 5 per session", e.Message, StringComparison.Ordinal);
        Assert.Empty(recorder.Records);
        Assert.DoesNotContain(node.Log.Entries, entry => entry.EventId == 8092);
    }

    [Fact]
    public async Task Sessions_over_the_rate_are_refused_with_429_and_Retry_After_until_the_hour_has_passed()
    {
        var recorder = new RecordingRecorder();
        await using OpsNode node = await StartAsync(recorder, sessionsPerHour: 2);
        string token = await PartnerAsync(node);
        using var http = new HttpClient();
        var client = new PsiNodeClient(http, node.Server, token);
        await client.RunAsync(Elements(s_local), PsiSetKind.Indicators, PsiMode.Intersection, cancellationToken: Ct);
        node.Clock.Advance(TimeSpan.FromMinutes(20));
        await client.RunAsync(Elements(s_local), PsiSetKind.Indicators, PsiMode.Intersection, cancellationToken: Ct);
        node.Clock.Advance(TimeSpan.FromMinutes(10));

        using HttpResponseMessage refused = await OpenRawAsync(http, node, token, 3);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(TimeSpan.FromMinutes(30), refused.Headers.RetryAfter?.Delta);
        PsiException e = await Assert.ThrowsAsync<PsiException>(() => client.RunAsync(Elements(s_local), PsiSetKind.Indicators, PsiMode.Intersection,
            cancellationToken: Ct));
        Assert.Contains("429 PSI rate limit", e.Message, StringComparison.Ordinal);
        Assert.Contains("(retry after 1800 s)", e.Message, StringComparison.Ordinal);
        Assert.Equal(4, recorder.Records.Count);

        node.Clock.Advance(TimeSpan.FromMinutes(30));
        await client.RunAsync(Elements(s_local), PsiSetKind.Indicators, PsiMode.Intersection, cancellationToken: Ct);
        Assert.Equal(6, recorder.Records.Count);
    }

    [Fact]
    public async Task A_restart_keeps_the_rate_limit_from_the_session_records_in_the_log()
    {
        await using OpsNode node = await StartAsync(recorder: null, sessionsPerHour: 2);
        string token = await PartnerAsync(node);
        using var http = new HttpClient();
        await new PsiNodeClient(http, node.Server, token).RunAsync(Elements(s_local), PsiSetKind.Indicators, PsiMode.Intersection, cancellationToken: Ct);
        node.Clock.Advance(TimeSpan.FromMinutes(20));
        await new PsiNodeClient(http, node.Server, token).RunAsync(Elements(s_local), PsiSetKind.Indicators, PsiMode.Intersection, cancellationToken: Ct);
        node.Clock.Advance(TimeSpan.FromMinutes(10));

        await node.RestartAsync();

        using (HttpResponseMessage refused = await OpenRawAsync(http, node, token, 3))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            Assert.Equal(TimeSpan.FromMinutes(30), refused.Headers.RetryAfter?.Delta);
        }

        // The first session leaves the hour: one more is allowed, and the second then holds the limit again.
        node.Clock.Advance(TimeSpan.FromMinutes(30));
        await new PsiNodeClient(http, node.Server, token).RunAsync(Elements(s_local), PsiSetKind.Indicators, PsiMode.Intersection, cancellationToken: Ct);
        using (HttpResponseMessage refused = await OpenRawAsync(http, node, token, 3))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            Assert.Equal(TimeSpan.FromMinutes(20), refused.Headers.RetryAfter?.Delta);
        }
    }

    [Fact]
    public async Task PSI_is_off_by_default_and_needs_a_grant_for_the_principal_the_set_and_the_mode()
    {
        await using (OpsNode off = await OpsNode.StartAsync())
        {
            string token = await off.CreateTokenAsync(Partner, TokenRole.Partner);
            using var http = new HttpClient();
            using HttpResponseMessage response = await SendAsync(http, off, token, HttpMethod.Get, "psi/key", null);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }

        var grant = new PsiGrant(new HashSet<PsiSetKind> { PsiSetKind.Sightings }, new HashSet<PsiMode> { PsiMode.Cardinality });
        await using OpsNode node = await StartAsync(new RecordingRecorder(), grant: grant);
        string partner = await PartnerAsync(node);
        string stranger = await node.CreateTokenAsync("stranger", TokenRole.Partner);
        using var client = new HttpClient();
        using (HttpResponseMessage response = await SendAsync(client, node, stranger, HttpMethod.Get, "psi/key", null))
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }

        using (HttpResponseMessage response = await SendAsync(client, node, null, HttpMethod.Get, "psi/key", null))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        PsiException e = await Assert.ThrowsAsync<PsiException>(() => new PsiNodeClient(client, node.Server, partner).RunAsync(Elements(s_local),
            PsiSetKind.Indicators, PsiMode.Cardinality, cancellationToken: Ct));
        Assert.Contains("403 PSI not allowed: This principal may not run PSI in cardinality mode against the indicators set.", e.Message, StringComparison.Ordinal);
        e = await Assert.ThrowsAsync<PsiException>(() => new PsiNodeClient(client, node.Server, partner).RunAsync(Elements(s_local),
            PsiSetKind.Sightings, PsiMode.Intersection, cancellationToken: Ct));
        Assert.Contains("403", e.Message, StringComparison.Ordinal);
        PsiRunReport allowed = await new PsiNodeClient(client, node.Server, partner).RunAsync(Elements(s_local), PsiSetKind.Sightings, PsiMode.Cardinality,
            cancellationToken: Ct);
        Assert.Equal(0, allowed.Result.Count);
    }

    [Fact]
    public async Task A_malformed_chunk_from_the_initiator_ends_the_session_with_400_and_is_recorded()
    {
        var recorder = new RecordingRecorder();
        await using OpsNode node = await StartAsync(recorder);
        string token = await PartnerAsync(node);
        using var http = new HttpClient();
        using HttpResponseMessage opened = await OpenRawAsync(http, node, token, 2);
        Assert.Equal(HttpStatusCode.Created, opened.StatusCode);
        using JsonDocument answer = JsonDocument.Parse(await opened.Content.ReadAsStringAsync(Ct));
        var id = PsiSessionId.Parse(answer.RootElement.GetProperty("session_id").GetString()!);

        // A Blinded chunk of two elements, the second the identity.
        byte[] frame = new byte[PsiChunk.HeaderLength + 64];
        PsiChunk.WriteHeader(frame, new PsiChunkHeader(PsiChunkKind.Blinded, true, id, 0, 2));
        Convert.FromHexString("e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76").CopyTo(frame, PsiChunk.HeaderLength);
        using var content = new ByteArrayContent(frame);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using HttpResponseMessage refused = await SendAsync(http, node, token, HttpMethod.Post, $"psi/sessions/{id}/blinded", content);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        string body = await refused.Content.ReadAsStringAsync(Ct);
        Assert.Contains("Malformed PSI chunk", body, StringComparison.Ordinal);
        Assert.Contains("blinded element 1 from the peer is not a valid ristretto255 element", body, StringComparison.Ordinal);

        Assert.Equal(["opened", "failed: blinded element 1 from the peer is not a valid ristretto255 element (a non-canonical encoding or the identity)"],
            recorder.Records.Select(r => r.Outcome));
        using HttpResponseMessage gone = await SendAsync(http, node, token, HttpMethod.Get, $"psi/sessions/{id}/tags", null);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task A_malformed_chunk_from_the_node_is_refused_by_the_initiator_with_a_clear_error()
    {
        var recorder = new RecordingRecorder();
        await using OpsNode node = await StartAsync(recorder);
        string token = await PartnerAsync(node);
        await AddIndicatorsAsync(node, node.CollectionId, s_nodeIndicators);
        using var http = new HttpClient(new CorruptingHandler());
        PsiException e = await Assert.ThrowsAsync<PsiException>(() => new PsiNodeClient(http, node.Server, token).RunAsync(Elements(s_local),
            PsiSetKind.Indicators, PsiMode.Intersection, cancellationToken: Ct));
        Assert.Equal("evaluated element 0 from the peer is not a valid ristretto255 element (a non-canonical encoding or the identity)", e.Message);
        // The client closed the session; the node recorded it as closed before the end.
        Assert.Equal(["opened", "closed"], recorder.Records.Select(r => r.Outcome));
    }

    [Fact]
    public async Task A_session_opened_for_an_old_key_epoch_is_refused_with_409()
    {
        await using OpsNode node = await StartAsync(new RecordingRecorder());
        string token = await PartnerAsync(node);
        using var http = new HttpClient();
        using HttpResponseMessage key = await SendAsync(http, node, token, HttpMethod.Get, "psi/key", null);
        using JsonDocument epoch = JsonDocument.Parse(await key.Content.ReadAsStringAsync(Ct));
        Assert.Equal("2026-01-02T00:00:00Z", epoch.RootElement.GetProperty("expires").GetString());
        node.Clock.Advance(TimeSpan.FromDays(1));
        using HttpResponseMessage refused = await OpenRawAsync(http, node, token, 2, epoch.RootElement);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
    }

    [Fact]
    public async Task Idle_sessions_expire_and_are_recorded()
    {
        var recorder = new RecordingRecorder();
        await using OpsNode node = await StartAsync(recorder);
        string token = await PartnerAsync(node);
        using var http = new HttpClient();
        using HttpResponseMessage first = await OpenRawAsync(http, node, token, 2);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        node.Clock.Advance(TimeSpan.FromMinutes(11));
        using HttpResponseMessage second = await OpenRawAsync(http, node, token, 2);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.Equal(["opened", "expired", "opened"], recorder.Records.Select(r => r.Outcome));
    }

    [Fact]
    public async Task The_default_recorder_writes_the_canonical_record_to_the_log()
    {
        await using OpsNode node = await StartAsync(null);
        string token = await PartnerAsync(node);
        using var http = new HttpClient();
        PsiRunReport report = await new PsiNodeClient(http, node.Server, token).RunAsync(Elements(s_local), PsiSetKind.Indicators, PsiMode.Intersection,
            cancellationToken: Ct);
        IReadOnlyList<(int EventId, Microsoft.Extensions.Logging.LogLevel Level, string Message)> entries = await node.Log.WaitForAsync(
            e => e.EventId == 8090 && e.Message.Contains("\"outcome\":\"completed\"", StringComparison.Ordinal));
        string message = entries.Last(e => e.EventId == 8090).Message;
        string expected = "PSI session record {\"initiator\":\"partner-a\",\"initiator_set_size\":6,\"key_commitment\":\""
            + Convert.ToHexStringLower(report.KeyCommitment.Span) + "\",\"key_epoch\":\"" + report.KeyEpoch + "\",\"mode\":\"intersection\","
            + "\"opened\":\"2026-01-01T00:00:00.000Z\",\"outcome\":\"completed\",\"responder\":\"https://taxii.example.org/\",\"responder_set_size\":0,"
            + "\"session_id\":\"" + report.SessionId + "\",\"set\":\"indicators\",\"time\":\"2026-01-01T00:00:00.000Z\",\"type\":\"detente-psi-session\"}";
        Assert.Equal(expected, message);
    }

    [Fact]
    public async Task Malformed_session_requests_are_refused_with_400_and_open_nothing()
    {
        var recorder = new RecordingRecorder();
        await using OpsNode node = await StartAsync(recorder);
        string token = await PartnerAsync(node);
        using var http = new HttpClient();
        using HttpResponseMessage key = await SendAsync(http, node, token, HttpMethod.Get, "psi/key", null);
        using JsonDocument epoch = JsonDocument.Parse(await key.Content.ReadAsStringAsync(Ct));
        string e = epoch.RootElement.GetProperty("key_epoch").GetString()!;
        string k = epoch.RootElement.GetProperty("key_commitment").GetString()!;
        string[] bodies =
        [
            "", "not json", "[]", "{}",
            $$"""{"set":"everything","mode":"intersection","size":2,"key_epoch":"{{e}}","key_commitment":"{{k}}"}""",
            $$"""{"set":"indicators","mode":"union","size":2,"key_epoch":"{{e}}","key_commitment":"{{k}}"}""",
            $$"""{"set":"indicators","mode":"intersection","size":-1,"key_epoch":"{{e}}","key_commitment":"{{k}}"}""",
            $$"""{"set":"indicators","mode":"intersection","size":2.5,"key_epoch":"{{e}}","key_commitment":"{{k}}"}""",
            $$"""{"set":"indicators","mode":"intersection","size":2,"key_epoch":"{{e.ToUpperInvariant()}}","key_commitment":"{{k}}"}""",
            $$"""{"set":"indicators","mode":"intersection","size":2,"key_epoch":"{{e}}","key_commitment":"{{k[..62]}}zz"}""",
            $$"""{"set":"indicators","mode":"intersection","size":2,"key_epoch":"{{e}}","key_commitment":"{{k}}","pad":"{{new string('x', 5000)}}"}""",
        ];
        foreach (string body in bodies)
        {
            using HttpResponseMessage response = await SendAsync(http, node, token, HttpMethod.Post, "psi/sessions", new StringContent(body, Encoding.UTF8, "application/json"));
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, body);
        }

        Assert.Empty(recorder.Records);
    }

    [Fact]
    public void Grants_parse_from_the_serve_flag_form_and_bad_ones_are_named()
    {
        (string Principal, PsiGrant Grant)? parsed = NodePsiOptions.ParseGrant("acme=indicators, sightings", out string? error);
        Assert.Null(error);
        Assert.Equal("acme", parsed!.Value.Principal);
        Assert.Equal(2, parsed.Value.Grant.Sets.Count);
        Assert.Equal(2, parsed.Value.Grant.Modes.Count);
        foreach (string bad in new[] { "acme", "=indicators", "acme=", "acme=indicators,", "acme=Indicators", "acme=files" })
        {
            Assert.Null(NodePsiOptions.ParseGrant(bad, out error));
            Assert.False(string.IsNullOrEmpty(error));
        }
    }

    [Fact]
    public void Indicator_elements_come_only_from_simple_equality_patterns()
    {
        Assert.Equal("domain-name:evil.example", PsiSetBuilder.IndicatorElement(Indicator("[domain-name:value = 'Evil.Example']"))?.ToString());
        Assert.Equal("file:MD5:" + new string('0', 32), PsiSetBuilder.IndicatorElement(Indicator("[file:hashes.MD5 = '" + new string('0', 32) + "']"))?.ToString());
        Assert.Null(PsiSetBuilder.IndicatorElement(Indicator("[domain-name:value = 'a.example' AND domain-name:value = 'b.example']")));
        Assert.Null(PsiSetBuilder.IndicatorElement(Indicator("[domain-name:value LIKE '%.example']")));
        Assert.Null(PsiSetBuilder.IndicatorElement(Indicator("[file:name = 'x.exe']")));
        Assert.Null(PsiSetBuilder.IndicatorElement(Indicator("[ipv4-addr:value = '010.0.0.1']")));
        Assert.Null(PsiSetBuilder.IndicatorElement(Indicator("[domain-name:value = 'evil.example']", revoked: true)));
        Assert.Null(PsiSetBuilder.IndicatorElement(Encoding.UTF8.GetBytes("""{"type":"indicator","pattern":"rule x {}","pattern_type":"yara"}""")));
    }

    private static byte[] Indicator(string pattern, bool revoked = false) => Encoding.UTF8.GetBytes(
        $$"""{"type":"indicator","spec_version":"2.1","id":"indicator--{{Guid.NewGuid()}}","created":"2026-01-01T00:00:00.000Z","modified":"2026-01-01T00:00:00.000Z","pattern":{{JsonSerializer.Serialize(pattern)}},"pattern_type":"stix","valid_from":"2026-01-01T00:00:00Z"{{(revoked ? ",\"revoked\":true" : string.Empty)}}}""");

    private static List<PsiElement> Elements(IEnumerable<string> texts) => [.. texts.Select(PsiElement.Parse)];

    private static Task<OpsNode> StartAsync(IPsiSessionRecorder? recorder, IEgressPolicy? egressPolicy = null, int maxSetSize = 100, int sessionsPerHour = 10,
        PsiGrant? grant = null, NodeLogOptions? log = null)
    {
        grant ??= new PsiGrant(new HashSet<PsiSetKind> { PsiSetKind.Indicators, PsiSetKind.Sightings },
            new HashSet<PsiMode> { PsiMode.Intersection, PsiMode.Cardinality });
        var psi = new NodePsiOptions
        {
            Grants = new Dictionary<string, PsiGrant>(StringComparer.Ordinal) { [Partner] = grant },
            MaxSetSize = maxSetSize,
            SessionsPerHour = sessionsPerHour,
            Recorder = recorder,
        };
        return OpsNode.StartAsync(o => o with { Psi = psi, Log = log ?? o.Log }, egressPolicy: egressPolicy);
    }

    /// <summary>A partner with a read grant that is one of the collection's partners, so that the node's sharing policy
    /// lets it read the collection's unmarked (AMBER by default) objects.</summary>
    private static async Task<string> PartnerAsync(OpsNode node)
    {
        Assert.True(await node.Store.GrantAsync(node.CollectionId, Partner, CollectionAccess.Read, Ct));
        await node.Store.AddPartnerAsync(new PartnerRecord
        {
            Name = Partner,
            Identity = "identity--00000000-0000-4000-8000-0000000000a1",
            VerificationKey = Convert.FromHexString("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"),
        }, Ct);
        await node.Store.SetCollectionPartnerAsync(node.CollectionId, Partner, true, Ct);
        await node.App.Services.GetRequiredService<SharingPolicySource>().RefreshAsync(Ct);
        return await node.CreateTokenAsync(Partner, TokenRole.Partner);
    }

    private static Task AddIndicatorsAsync(OpsNode node, Guid collection, IEnumerable<string> patterns) =>
        AddAsync(node, collection, [.. patterns.Select(p => Encoding.UTF8.GetString(Indicator(p)))]);

    private static async Task AddAsync(OpsNode node, Guid collection, params string[] objects)
    {
        var adds = new List<ObjectToAdd>();
        foreach (string json in objects)
        {
            using JsonDocument document = JsonDocument.Parse(json);
            string? modified = document.RootElement.TryGetProperty("modified", out JsonElement m) ? m.GetString() : null;
            adds.Add(new ObjectToAdd(document.RootElement.GetProperty("id").GetString()!, "2.1", modified is null ? null : StixTimestamp.Parse(modified),
                Encoding.UTF8.GetBytes(json)));
        }

        await node.Store.AddObjectsAsync(collection, adds, Ct);
    }

    private static async Task<HttpResponseMessage> OpenRawAsync(HttpClient http, OpsNode node, string token, int size, JsonElement? epoch = null)
    {
        JsonDocument? fetched = null;
        if (epoch is null)
        {
            using HttpResponseMessage key = await SendAsync(http, node, token, HttpMethod.Get, "psi/key", null);
            fetched = JsonDocument.Parse(await key.Content.ReadAsStringAsync(Ct));
            epoch = fetched.RootElement;
        }

        using (fetched)
        {
            string body = JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["set"] = "indicators",
                ["mode"] = "intersection",
                ["size"] = size,
                ["key_epoch"] = epoch.Value.GetProperty("key_epoch").GetString()!,
                ["key_commitment"] = epoch.Value.GetProperty("key_commitment").GetString()!,
            });
            return await SendAsync(http, node, token, HttpMethod.Post, "psi/sessions", new StringContent(body, Encoding.UTF8, "application/json"));
        }
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient http, OpsNode node, string? token, HttpMethod method, string path, HttpContent? content)
    {
        var request = new HttpRequestMessage(method, new Uri(node.Server, path)) { Content = content };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return http.SendAsync(request, Ct);
    }

    private sealed class RecordingRecorder : IPsiSessionRecorder
    {
        private readonly ConcurrentQueue<PsiSessionRecord> _records = new();

        public IReadOnlyCollection<PsiSessionRecord> Records => _records;

        public ValueTask<LogEntryRecord?> RecordAsync(PsiSessionRecord record, CancellationToken cancellationToken)
        {
            _records.Enqueue(record);
            return ValueTask.FromResult<LogEntryRecord?>(null);
        }
    }

    /// <summary>Withholds the indicators whose JSON names <paramref name="withheld"/>, and counts the questions.</summary>
    private sealed class WithholdingPolicy(string withheld) : IEgressPolicy
    {
        private int _asked;

        public int Asked => _asked;

        public EgressDecision Decide(NodePrincipal reader, CollectionWithAccess collection, StoredObject version)
        {
            Interlocked.Increment(ref _asked);
            if (!ReadGrantEgressPolicy.Instance.Decide(reader, collection, version).Allowed)
            {
                return EgressDecision.Deny("no read grant");
            }

            return Encoding.UTF8.GetString(version.Json.Span).Contains(withheld, StringComparison.Ordinal)
                ? EgressDecision.Deny("test")
                : EgressDecision.Allow("test");
        }
    }

    /// <summary>Replaces the first evaluated element of every answer to a blinded chunk with a non-canonical encoding.</summary>
    private sealed class CorruptingHandler() : DelegatingHandler(new SocketsHttpHandler())
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            HttpResponseMessage response = await base.SendAsync(request, cancellationToken);
            if (request.RequestUri!.AbsolutePath.EndsWith("/blinded", StringComparison.Ordinal) && response.IsSuccessStatusCode)
            {
                byte[] body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
                Array.Fill(body, (byte)0xff, PsiChunk.HeaderLength, 32);
                response.Content = new ByteArrayContent(body);
            }

            return response;
        }
    }
}
