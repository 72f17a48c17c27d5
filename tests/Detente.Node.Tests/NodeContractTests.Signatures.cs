using System.Net;
using System.Text;
using Detente.Stix;
using Detente.Stix.Json;
using Detente.Stix.Signatures;
using Detente.Storage;
using Detente.Taxii;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Detente.Node.Tests;

/// <summary>Signatures on the way in: the node signs what local principals originate; partners' objects must be signed by
/// a key of their creator; a refusal is a failure in the status with the reason, and nothing is stored.</summary>
public abstract partial class NodeContractTests
{
    private const string PartnerIdentity = "identity--00000000-0000-4000-8000-0000000000c1";
    private const string TeamIdentity = "identity--00000000-0000-4000-8000-0000000000c2";

    /// <summary>A node on this test's store with a signing identity, and a partner <c>p-sign</c> with a key of its own
    /// and a read-write grant on the default collection.</summary>
    private async Task<SigningSetup> StartSigningNodeAsync(bool nodeSigns = true, NodeLimits? limits = null)
    {
        StixSigningKey nodeKey = StixSigningKey.Create();
        StixSigningKey partnerKey = StixSigningKey.Create();
        NodeSigning? signing = nodeSigns ? new NodeSigning(nodeKey, NodeSigning.CreateIdentity("Test node", nodeKey, _clock.GetUtcNow())) : null;
        Assert.Equal(SharingChange.Changed, await _store.AddPartnerAsync(
            new PartnerRecord { Name = "p-sign", Identity = PartnerIdentity, VerificationKey = partnerKey.VerificationKey.RawPublicKey }, Ct));
        Assert.True(await _store.GrantAsync(_collectionId, "p-sign", CollectionAccess.ReadWrite, Ct));
        string token = await CreateTokenAsync("p-sign", TokenRole.Partner);
        (WebApplication app, Uri server) = await StartNodeAsync(null, signing: signing, limits: limits);
        return new SigningSetup(app, server, signing, nodeKey, partnerKey, token);
    }

    private sealed record SigningSetup(WebApplication App, Uri Server, NodeSigning? Signing, StixSigningKey NodeKey, StixSigningKey PartnerKey, string PartnerToken)
        : IDisposable
    {
        public Uri Root => new(Server, "/taxii2/default/");

        public async Task RefreshAsync() => await App.Services.GetRequiredService<SharingPolicySource>().RefreshAsync(Ct);

        public void Dispose()
        {
            NodeKey.Dispose();
            PartnerKey.Dispose();
        }
    }

    private static StixObject Parse(string json) => new((JsonObject)new StixReader().Parse(Encoding.UTF8.GetBytes(json)));

    private static string Text(StixObject stixObject) => Encoding.UTF8.GetString(stixObject.Canonicalize());

    /// <summary>An indicator created by <paramref name="creator"/> (none when null).</summary>
    private static StixObject Created(string? creator, string? id = null)
    {
        StixObject indicator = Parse(Indicator(id ?? NewIndicatorId(), 1));
        return creator is null ? indicator : indicator.With("created_by_ref", new JsonString(creator));
    }

    private async Task<TaxiiStatus> PostToAsync(SigningSetup node, string token, params IEnumerable<string> objects) =>
        await Client(token, server: node.Server).AddObjectsAsync(node.Root, CollectionId, ReadEnvelope(Envelope(objects)), Ct);

    private async Task<TaxiiEnvelopeObject[]> StoredAsync(SigningSetup node, string id) =>
        [.. (await Client(_adminToken, server: node.Server).GetObjectsAsync(node.Root, CollectionId, new Taxii.Query.TaxiiObjectQuery { Ids = [id] }, Ct))
            .Resource.Objects];

    private static void AssertRefused(TaxiiStatus status, string id, string reason)
    {
        Assert.Equal(1, status.FailureCount);
        TaxiiStatusDetails failure = Assert.Single(status.Failures);
        Assert.Equal(id, failure.Id);
        Assert.Contains(reason, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task What_a_local_user_posts_unsigned_is_created_by_the_node_and_signed_before_it_is_stored()
    {
        using SigningSetup node = await StartSigningNodeAsync();
        string id = NewIndicatorId();
        StixObject own = Created(node.Signing!.IdentityId);

        TaxiiStatus status = await PostToAsync(node, _adminToken, Indicator(id, 1), Text(own));

        Assert.Equal(2, status.SuccessCount);
        TaxiiEnvelopeObject stored = Assert.Single(await StoredAsync(node, id));
        Assert.Equal(node.Signing.IdentityId, stored.Object.CreatedByRef);
        Assert.True(StixSignatures.Verify(stored.Object, node.NodeKey.VerificationKey).IsValid);
        // Stored in its RFC 8785 form, signature included: what the store and the log commit to.
        Assert.Equal(stored.Object.Canonicalize(), stored.Json.ToArray());
        Assert.Equal(Parse(Indicator(id, 1)).With("created_by_ref", new JsonString(node.Signing.IdentityId)), StixSignatures.Unsigned(stored.Object));
        TaxiiEnvelopeObject ownStored = Assert.Single(await StoredAsync(node, own.Id!));
        Assert.True(StixSignatures.Verify(ownStored.Object, node.NodeKey.VerificationKey).IsValid);
        Assert.Equal(2, node.App.Services.GetRequiredService<NodeMetrics>().Origins("signed_by_node"));
    }

    [Fact]
    public async Task The_objects_of_a_large_envelope_checked_on_several_threads_get_the_results_of_one_by_one_in_order()
    {
        // Synchronous adds of up to 200 objects, checked on 4 threads (the node's parallel path: 64 objects or more).
        using SigningSetup node = await StartSigningNodeAsync(limits: Limits with { AsyncThreshold = 200, IngestCheckParallelism = 4 });
        var objects = new List<string>();
        var expected = new List<(string Id, string? Refusal)>();
        for (int i = 0; i < 150; i++)
        {
            string id = NewIndicatorId();
            switch (i % 5)
            {
                case 1:
                    objects.Add(Text(Parse(Indicator(id, 1)).Without("pattern")));
                    expected.Add((id, "pattern"));
                    break;
                case 3:
                    objects.Add(Text(Created(PartnerIdentity, id)));
                    expected.Add((id, "the node does not sign in another's name"));
                    break;
                default:
                    objects.Add(Indicator(id, 1));
                    expected.Add((id, null));
                    break;
            }
        }

        TaxiiStatus parallel = await PostToAsync(node, _adminToken, objects);

        Assert.Equal(90, parallel.SuccessCount);
        Assert.Equal(60, parallel.FailureCount);
        Assert.Equal(expected.Where(e => e.Refusal is null).Select(e => e.Id), parallel.Successes.Select(s => s.Id));
        Assert.Equal(expected.Where(e => e.Refusal is not null).Select(e => e.Id), parallel.Failures.Select(f => f.Id));
        foreach ((TaxiiStatusDetails failure, (string _, string? refusal)) in parallel.Failures.Zip(expected.Where(e => e.Refusal is not null)))
        {
            Assert.Contains(refusal!, failure.Message, StringComparison.Ordinal);
        }

        foreach ((string id, string? _) in expected.Where(e => e.Refusal is null))
        {
            TaxiiEnvelopeObject stored = Assert.Single(await StoredAsync(node, id));
            Assert.True(StixSignatures.Verify(stored.Object, node.NodeKey.VerificationKey).IsValid);
            Assert.Equal(stored.Object.Canonicalize(), stored.Json.ToArray());
        }

        // The same envelope checked one by one (a node on the same store and key, one thread) answers the same status:
        // Ed25519 signatures are deterministic, so the versions signed again are the ones stored.
        (WebApplication _, Uri sequentialServer) = await StartNodeAsync(null, signing: node.Signing,
            limits: Limits with { AsyncThreshold = 200, IngestCheckParallelism = 1 });
        TaxiiStatus sequential = await Client(_adminToken, server: sequentialServer).AddObjectsAsync(new Uri(sequentialServer, "/taxii2/default/"), CollectionId,
            ReadEnvelope(Envelope(objects)), Ct);

        Assert.Equal(parallel.Successes.Select(s => (s.Id, s.Version)), sequential.Successes.Select(s => (s.Id, s.Version)));
        Assert.Equal(parallel.Failures.Select(f => (f.Id, f.Message)), sequential.Failures.Select(f => (f.Id, f.Message)));
    }

    [Fact]
    public async Task The_node_does_not_sign_in_another_identitys_name()
    {
        using SigningSetup node = await StartSigningNodeAsync();
        StixObject others = Created(PartnerIdentity);

        TaxiiStatus status = await PostToAsync(node, _adminToken, Text(others));

        AssertRefused(status, others.Id!, "the node does not sign in another's name");
        Assert.Empty(await StoredAsync(node, others.Id!));
        Assert.Contains(_log.Entries, e => e.EventId == 8070 && e.Message.Contains(others.Id!, StringComparison.Ordinal)
            && e.Message.Contains("signs_for_another", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_a_signing_key_local_objects_are_stored_as_sent()
    {
        using SigningSetup node = await StartSigningNodeAsync(nodeSigns: false);
        string id = NewIndicatorId();

        Assert.Equal(1, (await PostToAsync(node, _adminToken, Indicator(id, 1))).SuccessCount);

        TaxiiEnvelopeObject stored = Assert.Single(await StoredAsync(node, id));
        Assert.Equal(Encoding.UTF8.GetBytes(Indicator(id, 1)), stored.Json.ToArray());
        await AssertTaxiiErrorAsync(await SendToAsync(node, "/identity/", _adminToken), HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_partner_object_signed_by_the_partners_key_is_stored_byte_for_byte(bool nodeSigns)
    {
        using SigningSetup node = await StartSigningNodeAsync(nodeSigns);
        await node.RefreshAsync();
        StixObject signed = StixSignatures.Sign(Created(PartnerIdentity), node.PartnerKey);
        // Spacing and member order of its own: the signature covers the canonical form, the store keeps the bytes.
        string sent = " " + signed.Json.ToString().Replace(",", " ,", StringComparison.Ordinal);
        Assert.Equal(signed, Parse(sent));

        TaxiiStatus status = await PostToAsync(node, node.PartnerToken, sent);

        Assert.Equal(1, status.SuccessCount);
        TaxiiEnvelopeObject stored = Assert.Single(await StoredAsync(node, signed.Id!));
        Assert.Equal(Encoding.UTF8.GetBytes(sent.Trim()), stored.Json.ToArray());
    }

    [Fact]
    public async Task Partner_objects_without_a_valid_signature_by_a_key_of_their_creator_are_refused_with_the_reason()
    {
        using SigningSetup node = await StartSigningNodeAsync();
        await node.RefreshAsync();
        using StixSigningKey stranger = StixSigningKey.Create();
        StixObject unsigned = Created(PartnerIdentity);
        StixObject tampered = StixSignatures.Sign(Created(PartnerIdentity), node.PartnerKey).With("name", new JsonString("changed after signing"));
        StixObject wrongKey = StixSignatures.Sign(Created(PartnerIdentity), stranger);
        StixObject wrongIdentity = StixSignatures.Sign(Created(TeamIdentity), node.PartnerKey);
        StixObject noCreator = StixSignatures.Sign(Created(null), node.PartnerKey);
        StixObject signedByNode = StixSignatures.Sign(Created(PartnerIdentity), node.NodeKey);
        StixObject good = StixSignatures.Sign(Created(PartnerIdentity), node.PartnerKey);
        string malformedId = NewIndicatorId();
        string malformed = Text(StixSignatures.Sign(Created(PartnerIdentity, malformedId), node.PartnerKey)).Replace("..", ".e30.", StringComparison.Ordinal);
        (string Id, string Json, string Reason)[] cases =
        [
            (unsigned.Id!, Text(unsigned), "carries no Detente signature"),
            (tampered.Id!, Text(tampered), "does not verify"),
            (wrongKey.Id!, Text(wrongKey), "No signature is by a key of " + PartnerIdentity),
            (signedByNode.Id!, Text(signedByNode), "No signature is by a key of " + PartnerIdentity),
            (wrongIdentity.Id!, Text(wrongIdentity), "neither the identity of partner p-sign"),
            (noCreator.Id!, Text(noCreator), "has no created_by_ref"),
            (malformedId, malformed, "Malformed signature"),
        ];

        TaxiiStatus status = await PostToAsync(node, node.PartnerToken, [.. cases.Select(c => c.Json), Text(good)]);

        Assert.Equal(1, status.SuccessCount);
        Assert.Equal(cases.Length, status.FailureCount);
        foreach ((string id, string _, string reason) in cases)
        {
            TaxiiStatusDetails failure = Assert.Single(status.Failures, f => f.Id == id);
            Assert.Contains(reason, failure.Message, StringComparison.Ordinal);
            Assert.Empty(await StoredAsync(node, id));
        }

        Assert.Single(await StoredAsync(node, good.Id!));
        Assert.Equal(cases.Length, _log.Entries.Count(e => e.EventId == 8070));
        NodeMetrics metrics = node.App.Services.GetRequiredService<NodeMetrics>();
        Assert.Equal((1, 1, 1, 2, 1, 1, 1), (metrics.Origins("no_signature"), metrics.Origins("bad_signature"), metrics.Origins("malformed_signature"),
            metrics.Origins("unknown_key"), metrics.Origins("identity_not_of_partner"), metrics.Origins("no_creator"), metrics.Origins("verified")));
        Assert.Contains("detente_object_origins_total{decision=\"bad_signature\"} 1", metrics.Write(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_principal_with_the_partner_role_that_is_no_registered_partner_is_refused()
    {
        using SigningSetup node = await StartSigningNodeAsync();
        await node.RefreshAsync();
        string guest = await CreateTokenAsync("guest", TokenRole.Partner);
        Assert.True(await _store.GrantAsync(_collectionId, "guest", CollectionAccess.Write, Ct));
        StixObject signed = StixSignatures.Sign(Created(PartnerIdentity), node.PartnerKey);

        AssertRefused(await PostToAsync(node, guest, Text(signed)), signed.Id!, "'guest' is not a registered partner");
    }

    [Fact]
    public async Task A_delegated_identity_is_accepted_once_the_partner_delegates_to_it()
    {
        using SigningSetup node = await StartSigningNodeAsync();
        await node.RefreshAsync();
        StixObject team = StixSignatures.Sign(Created(TeamIdentity), node.PartnerKey);
        AssertRefused(await PostToAsync(node, node.PartnerToken, Text(team)), team.Id!, "nor one it delegates to");

        Assert.Equal(SharingChange.Changed, await _store.SetPartnerDelegationAsync("p-sign", TeamIdentity, true, Ct));
        await node.RefreshAsync();

        Assert.Equal(1, (await PostToAsync(node, node.PartnerToken, Text(team))).SuccessCount);
        Assert.Single(await StoredAsync(node, team.Id!));
    }

    [Fact]
    public async Task A_revoked_partner_key_is_refused_and_its_replacement_accepted()
    {
        using SigningSetup node = await StartSigningNodeAsync();
        using StixSigningKey next = StixSigningKey.Create();
        Assert.Equal(SharingChange.Changed, await _store.AddPartnerKeyAsync("p-sign", next.VerificationKey.RawPublicKey, null, Ct));
        Assert.Equal(SharingChange.Changed, await _store.RevokePartnerKeyAsync("p-sign", node.PartnerKey.VerificationKey.RawPublicKey, Ct));
        await node.RefreshAsync();
        StixObject old = StixSignatures.Sign(Created(PartnerIdentity), node.PartnerKey);
        StixObject current = StixSignatures.Sign(Created(PartnerIdentity), next);

        TaxiiStatus status = await PostToAsync(node, node.PartnerToken, Text(old), Text(current));

        Assert.Equal(1, status.SuccessCount);
        Assert.Contains("revoked or past its not-after date", Assert.Single(status.Failures, f => f.Id == old.Id).Message, StringComparison.Ordinal);
        Assert.Single(await StoredAsync(node, current.Id!));
    }

    [Fact]
    public async Task A_partner_key_past_its_not_after_date_is_refused()
    {
        using SigningSetup node = await StartSigningNodeAsync();
        using StixSigningKey shortLived = StixSigningKey.Create();
        await _store.AddPartnerKeyAsync("p-sign", shortLived.VerificationKey.RawPublicKey, _clock.GetUtcNow().AddHours(1), Ct);
        await node.RefreshAsync();
        StixObject before = StixSignatures.Sign(Created(PartnerIdentity), shortLived);
        Assert.Equal(1, (await PostToAsync(node, node.PartnerToken, Text(before))).SuccessCount);

        _clock.Advance(TimeSpan.FromHours(1));
        StixObject after = StixSignatures.Sign(Created(PartnerIdentity), shortLived);

        AssertRefused(await PostToAsync(node, node.PartnerToken, Text(after)), after.Id!, "revoked or past its not-after date");
    }

    [Fact]
    public async Task A_local_user_forwarding_a_partner_signed_object_keeps_it_intact_and_a_tampered_one_is_refused()
    {
        using SigningSetup node = await StartSigningNodeAsync();
        await node.RefreshAsync();
        StixObject signed = StixSignatures.Sign(Created(PartnerIdentity), node.PartnerKey);
        string sent = signed.Json.ToString().Replace(",", ", ", StringComparison.Ordinal);
        StixObject tampered = StixSignatures.Sign(Created(PartnerIdentity), node.PartnerKey).With("name", new JsonString("changed"));
        StixObject unknownCreator = StixSignatures.Sign(Created(TeamIdentity), node.PartnerKey);

        TaxiiStatus status = await PostToAsync(node, _adminToken, sent, Text(tampered), Text(unknownCreator));

        Assert.Equal(1, status.SuccessCount);
        TaxiiEnvelopeObject stored = Assert.Single(await StoredAsync(node, signed.Id!));
        Assert.Equal(Encoding.UTF8.GetBytes(sent), stored.Json.ToArray());
        Assert.Equal(StixSignatures.Read(signed).Single().Value, StixSignatures.Read(stored.Object).Single().Value);
        Assert.Contains("does not verify", Assert.Single(status.Failures, f => f.Id == tampered.Id).Message, StringComparison.Ordinal);
        Assert.Contains("No signature is by a key of " + TeamIdentity, Assert.Single(status.Failures, f => f.Id == unknownCreator.Id).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_node_serves_its_signed_identity_and_the_signature_extension()
    {
        using SigningSetup node = await StartSigningNodeAsync();

        using HttpResponseMessage response = await SendToAsync(node, "/identity/", _adminToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/stix+json;version=2.1", response.Content.Headers.ContentType!.ToString().Replace(" ", "", StringComparison.Ordinal));
        var bundle = (JsonObject)new StixReader().Parse(await response.Content.ReadAsByteArrayAsync(Ct));
        Assert.Equal("bundle", bundle.GetString("type"));
        StixObject[] objects = [.. ((JsonArray)bundle["objects"]!).Select(o => new StixObject((JsonObject)o))];
        Assert.Equal([node.Signing!.IdentityId, SignatureExtension.IdentityId, SignatureExtension.Id], objects.Select(o => o.Id));
        Assert.Equal("Test node", objects[0].Json.GetString("name"));
        Assert.True(StixSignatures.Verify(objects[0], node.NodeKey.VerificationKey).IsValid);
        Assert.True(new Stix.Validation.StixValidator().Validate(objects[0]).IsValid);

        // The published definitions pass unsigned, exactly as published, from partners too; a changed copy does not.
        await node.RefreshAsync();
        TaxiiStatus status = await PostToAsync(node, node.PartnerToken, Text(objects[1]), Text(objects[2]));
        Assert.Equal(2, status.SuccessCount);
        string forged = Text(objects[2].With("name", new JsonString("something else")));
        AssertRefused(await PostToAsync(node, node.PartnerToken, forged), SignatureExtension.Id, "neither the identity of partner p-sign");
    }

    [Fact]
    public async Task Sync_gets_the_same_decision_through_verify_origin()
    {
        using SigningSetup node = await StartSigningNodeAsync();
        await node.RefreshAsync();
        OriginVerifier verifier = node.App.Services.GetRequiredService<OriginVerifier>();
        StixObject signed = StixSignatures.Sign(Created(PartnerIdentity), node.PartnerKey);

        OriginVerdict ok = await verifier.VerifyOriginAsync("p-sign", signed, Ct);
        OriginVerdict tampered = await verifier.VerifyOriginAsync("p-sign", signed.With("name", new JsonString("x")), Ct);
        OriginVerdict stranger = await verifier.VerifyOriginAsync("nobody", signed, Ct);

        Assert.Equal((OriginCode.Verified, node.PartnerKey.KeyId), (ok.Code, ok.KeyId));
        Assert.True(ok.IsAccepted);
        Assert.Equal(OriginCode.BadSignature, tampered.Code);
        Assert.Equal(OriginCode.NotAPartner, stranger.Code);
    }

    private async Task<HttpResponseMessage> SendToAsync(SigningSetup node, string path, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(node.Server, path));
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return await _http.SendAsync(request, Ct);
    }
}
