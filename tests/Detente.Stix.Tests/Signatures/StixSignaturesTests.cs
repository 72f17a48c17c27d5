using System.Text;
using Detente.Stix.Json;
using Detente.Stix.Signatures;

namespace Detente.Stix.Tests.Signatures;

public sealed class StixSignaturesTests : IDisposable
{
    private const string Rfc8032Test1Seed = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";

    private const string Indicator = """
        {"type":"indicator","spec_version":"2.1","id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
         "created":"2016-04-06T20:03:48.000Z","modified":"2016-04-06T20:03:48.000Z",
         "indicator_types":["malicious-activity"],"name":"Poison Ivy Malware",
         "pattern":"[file:hashes.'SHA-256' = '4bac27393bdd9777ce02453256c5577cd02275510b2227f473d03f533924f877']",
         "pattern_type":"stix","valid_from":"2016-01-01T00:00:00Z",
         "extensions":{"extension-definition--d83fce45-ef58-4c6c-a3f4-1fbc32e98c6e":{"extension_type":"property-extension","rank":5,"toxicity":8}}}
        """;

    private readonly StixSigningKey _origin = StixSigningKey.Create();
    private readonly StixSigningKey _cosigner = StixSigningKey.Create();

    public void Dispose()
    {
        _origin.Dispose();
        _cosigner.Dispose();
    }

    [Fact]
    public void A_signed_object_verifies()
    {
        StixObject signed = StixSignatures.Sign(Read(Indicator), _origin);

        SignatureCheck check = StixSignatures.Verify(signed, _origin.VerificationKey);

        Assert.Equal(SignatureStatus.Valid, check.Status);
        Assert.True(check.IsValid);
        Assert.Equal(_origin.KeyId, check.KeyId);
    }

    [Fact]
    public void The_signature_is_the_one_an_independent_implementation_computes()
    {
        // Computed outside .NET: Python's json (sort_keys, compact) for JCS, and RFC 8032 §5.1.6 signing over the
        // JWS signing input with the RFC 8032 TEST 1 key.
        StixObject identity = Read("""
            {"type":"identity","spec_version":"2.1","id":"identity--fbbc2515-1610-5fab-9d5b-78e4c7453aa4",
             "created":"2026-11-23T00:00:00.000Z","modified":"2026-11-23T00:00:00.000Z","name":"Détente","identity_class":"system"}
            """);
        using StixSigningKey key = StixSigningKey.ImportSeed(Convert.FromHexString(Rfc8032Test1Seed));

        StixObject signed = StixSignatures.Sign(identity, key);

        Assert.Equal(
            "eyJhbGciOiJFZERTQSIsImtpZCI6IjIxZmUzMWRmYTE1NGEyNjE2MjZiZjg1NDA0NmZkMjI3MWI3YmVkNGI2YWJlNDVhYTU4ODc3ZWY0N2Y5NzIxYjkifQ" +
            "..NDzDLdT7ohFoOPRUH8SIreiatESm7EHrd-5XRcXVvPRWOxxFMRm6RpJewGiHsjxz6YJIHIJztxLX_KMcWETRAw",
            Assert.Single(StixSignatures.Read(signed)).Value);
        Assert.Equal(
            """{"created":"2026-11-23T00:00:00.000Z","id":"identity--fbbc2515-1610-5fab-9d5b-78e4c7453aa4","identity_class":"system","modified":"2026-11-23T00:00:00.000Z","name":"Détente","spec_version":"2.1","type":"identity"}""",
            Encoding.UTF8.GetString(StixSignatures.SigningPayload(signed)));
    }

    [Fact]
    public void The_signature_rides_in_the_detente_property_extension()
    {
        StixObject signed = StixSignatures.Sign(Read(Indicator), _origin);

        JsonObject entry = Assert.IsType<JsonObject>(signed.Extensions![SignatureExtension.Id]);
        Assert.Equal(["extension_type", "signatures"], entry.Names);
        Assert.Equal("property-extension", entry.GetString("extension_type"));
        string compact = Assert.IsType<JsonString>(Assert.Single(Assert.IsType<JsonArray>(entry["signatures"]))).Value;
        Assert.Matches("^[A-Za-z0-9_-]+\\.\\.[A-Za-z0-9_-]{86}$", compact);
        Assert.NotNull(signed.Extensions!["extension-definition--d83fce45-ef58-4c6c-a3f4-1fbc32e98c6e"]);
    }

    [Fact]
    public void A_signature_survives_reordering_of_properties()
    {
        StixObject signed = StixSignatures.Sign(Read(Indicator), _origin);
        string compact = StixSignatures.Read(signed)[0].Value;

        // The same object as another tool might write it: members in another order, nested ones too, with whitespace.
        StixObject reordered = Read($$$"""
            {
              "extensions": {
                "{{{SignatureExtension.Id}}}": { "signatures": [ "{{{compact}}}" ], "extension_type": "property-extension" },
                "extension-definition--d83fce45-ef58-4c6c-a3f4-1fbc32e98c6e": { "toxicity": 8, "rank": 5, "extension_type": "property-extension" }
              },
              "valid_from": "2016-01-01T00:00:00Z", "pattern_type": "stix",
              "pattern": "[file:hashes.'SHA-256' = '4bac27393bdd9777ce02453256c5577cd02275510b2227f473d03f533924f877']",
              "name": "Poison Ivy Malware", "indicator_types": [ "malicious-activity" ],
              "modified": "2016-04-06T20:03:48.000Z", "created": "2016-04-06T20:03:48.000Z",
              "id": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "spec_version": "2.1", "type": "indicator"
            }
            """);

        Assert.Equal(SignatureStatus.Valid, StixSignatures.Verify(reordered, _origin.VerificationKey).Status);
    }

    [Theory]
    [InlineData("name", "Poison Ivy Malware ")]
    [InlineData("modified", "2016-04-06T20:03:48.001Z")]
    [InlineData("pattern_type", "sigma")]
    [InlineData("x_added", "a new property")]
    public void Tampered_object_fails_verification(string property, string value)
    {
        StixObject signed = StixSignatures.Sign(Read(Indicator), _origin);

        SignatureCheck check = StixSignatures.Verify(signed.With(property, value), _origin.VerificationKey);

        Assert.Equal(SignatureStatus.BadSignature, check.Status);
    }

    [Fact]
    public void A_removed_property_fails_verification()
    {
        StixObject signed = StixSignatures.Sign(Read(Indicator), _origin);

        Assert.Equal(SignatureStatus.BadSignature, StixSignatures.Verify(signed.Without("indicator_types"), _origin.VerificationKey).Status);
    }

    [Fact]
    public void Other_extensions_are_covered_by_the_signature()
    {
        StixObject signed = StixSignatures.Sign(Read(Indicator), _origin);
        JsonObject extensions = signed.Extensions!;
        JsonObject other = (JsonObject)extensions["extension-definition--d83fce45-ef58-4c6c-a3f4-1fbc32e98c6e"]!;

        StixObject changed = signed.With("extensions", extensions.With("extension-definition--d83fce45-ef58-4c6c-a3f4-1fbc32e98c6e", other.With("rank", 4.0)));

        Assert.Equal(SignatureStatus.BadSignature, StixSignatures.Verify(changed, _origin.VerificationKey).Status);
    }

    [Fact]
    public void Every_single_bit_flip_in_the_signature_fails_verification()
    {
        StixObject signed = StixSignatures.Sign(Read(Indicator), _origin);
        string compact = StixSignatures.Read(signed)[0].Value;
        string header = compact[..compact.IndexOf("..", StringComparison.Ordinal)];
        byte[] signature = Base64UrlDecode(compact[(header.Length + 2)..]);

        for (int bit = 0; bit < 512; bit++)
        {
            byte[] flipped = (byte[])signature.Clone();
            flipped[bit / 8] ^= (byte)(1 << (bit % 8));

            StixObject tampered = WithSignatures(signed, header + ".." + Base64UrlEncode(flipped));

            Assert.Equal(SignatureStatus.BadSignature, StixSignatures.Verify(tampered, _origin.VerificationKey).Status);
        }
    }

    [Fact]
    public void An_object_without_signatures_reports_no_signature()
    {
        StixObject plain = Read(Indicator);

        Assert.Equal(SignatureStatus.NoSignature, StixSignatures.Verify(plain, _origin.VerificationKey).Status);
        Assert.Equal(SignatureStatus.NoSignature, StixSignatures.Verify(plain.Without("extensions"), _origin.VerificationKey).Status);
        Assert.Empty(StixSignatures.Read(plain));
    }

    [Fact]
    public void A_signature_by_another_key_reports_key_not_used()
    {
        StixObject signed = StixSignatures.Sign(Read(Indicator), _origin);

        SignatureCheck check = StixSignatures.Verify(signed, _cosigner.VerificationKey);

        Assert.Equal(SignatureStatus.KeyNotUsed, check.Status);
    }

    [Fact]
    public void A_signature_moved_under_another_key_id_fails()
    {
        // The co-signer's kid with the origin's signature bytes: a forgery attempt, not a valid signature.
        StixObject signed = StixSignatures.Sign(Read(Indicator), _origin);
        string compact = StixSignatures.Read(signed)[0].Value;
        string forged = string.Concat(
            Base64UrlEncode(Encoding.UTF8.GetBytes($$"""{"alg":"EdDSA","kid":"{{_cosigner.KeyId}}"}""")),
            compact.AsSpan(compact.IndexOf("..", StringComparison.Ordinal)));

        SignatureCheck check = StixSignatures.Verify(WithSignatures(signed, forged), _cosigner.VerificationKey);

        Assert.Equal(SignatureStatus.BadSignature, check.Status);
    }

    [Fact]
    public void An_origin_signature_survives_a_co_signature_and_forwarding()
    {
        StixObject byOrigin = StixSignatures.Sign(Read(Indicator), _origin);

        // A forwarder re-serializes (JCS) and re-reads the object, then a co-signer adds its signature.
        StixObject forwarded = Read(byOrigin.ToString());
        StixObject coSigned = StixSignatures.Sign(forwarded, _cosigner);

        Assert.Equal(SignatureStatus.Valid, StixSignatures.Verify(coSigned, _origin.VerificationKey).Status);
        Assert.Equal(SignatureStatus.Valid, StixSignatures.Verify(coSigned, _cosigner.VerificationKey).Status);
        Assert.Equal([_origin.KeyId, _cosigner.KeyId], StixSignatures.Read(coSigned).Select(s => s.KeyId));
        Assert.Equal(StixSignatures.SigningPayload(byOrigin), StixSignatures.SigningPayload(coSigned));
    }

    [Fact]
    public void Signing_again_with_the_same_key_replaces_its_signature()
    {
        StixObject once = StixSignatures.Sign(Read(Indicator), _origin);
        StixObject twice = StixSignatures.Sign(StixSignatures.Sign(once, _cosigner), _origin);

        IReadOnlyList<StixSignatureInfo> signatures = StixSignatures.Read(twice);
        Assert.Equal(2, signatures.Count);
        Assert.Equal(StixSignatures.Read(once)[0].Value, signatures[0].Value); // Ed25519 is deterministic
        Assert.Equal(_cosigner.KeyId, signatures[1].KeyId);
    }

    [Fact]
    public void Signing_a_changed_object_again_replaces_the_stale_signature()
    {
        StixObject signed = StixSignatures.Sign(Read(Indicator), _origin);
        StixObject changed = signed.With("name", "Poison Ivy");
        Assert.Equal(SignatureStatus.BadSignature, StixSignatures.Verify(changed, _origin.VerificationKey).Status);

        StixObject resigned = StixSignatures.Sign(changed, _origin);

        Assert.Equal(SignatureStatus.Valid, StixSignatures.Verify(resigned, _origin.VerificationKey).Status);
        Assert.Single(StixSignatures.Read(resigned));
    }

    [Fact]
    public void Unsigned_gives_back_the_object_as_it_was_before_signing()
    {
        StixObject withOtherExtension = Read(Indicator);
        StixObject withoutExtensions = withOtherExtension.Without("extensions");

        Assert.Equal(withOtherExtension, StixSignatures.Unsigned(StixSignatures.Sign(withOtherExtension, _origin)));
        Assert.Equal(withoutExtensions, StixSignatures.Unsigned(StixSignatures.Sign(withoutExtensions, _origin)));
        Assert.Same(withoutExtensions, StixSignatures.Unsigned(withoutExtensions));
    }

    [Fact]
    public void An_empty_extensions_object_is_not_part_of_the_signed_content_so_it_cannot_be_signed()
    {
        // The payload drops an empty extensions, so {} and no extensions would share one signature, though they give
        // an SCO different deterministic ids: Sign refuses the object rather than sign something else than it holds.
        StixObject withEmpty = Read(Indicator).With("extensions", JsonObject.Empty);

        ArgumentException refused = Assert.Throws<ArgumentException>(() => StixSignatures.Sign(withEmpty, _origin));

        Assert.Equal("stixObject", refused.ParamName);
        Assert.Null(StixSignatures.Unsigned(withEmpty)["extensions"]);
        StixObject withoutExtensions = withEmpty.Without("extensions");
        Assert.Equal(SignatureStatus.Valid, StixSignatures.Verify(StixSignatures.Sign(withoutExtensions, _origin), _origin.VerificationKey).Status);
    }

    [Fact]
    public void An_empty_extensions_object_on_an_sco_changes_its_deterministic_id()
    {
        StixObject file = new StixReader().ReadObject(Encoding.UTF8.GetBytes(
            """{"type":"file","spec_version":"2.1","id":"file--fc4e8cb4-a1c9-5cd5-9ff2-d9ce0ce8df12","name":"a.exe"}"""));

        Assert.NotEqual(
            Detente.Stix.Identifiers.ScoIds.Compute(file).Id,
            Detente.Stix.Identifiers.ScoIds.Compute(file.With("extensions", JsonObject.Empty)).Id);
        Assert.Throws<ArgumentException>(() => StixSignatures.Sign(file.With("extensions", JsonObject.Empty), _origin));
    }

    [Fact]
    public void Read_lists_each_signer_without_verifying()
    {
        StixObject signed = StixSignatures.Sign(StixSignatures.Sign(Read(Indicator), _origin), _cosigner);
        StixObject broken = WithSignatures(signed, StixSignatures.Read(signed)[0].Value, "not a jws");

        IReadOnlyList<StixSignatureInfo> infos = StixSignatures.Read(broken);

        Assert.Equal(2, infos.Count);
        Assert.True(infos[0].IsWellFormed);
        Assert.Equal(_origin.KeyId, infos[0].KeyId);
        Assert.False(infos[1].IsWellFormed);
        Assert.Equal(1, infos[1].Index);
        Assert.NotNull(infos[1].Problem);
    }

    /// <summary>
    /// (name, protected header) pairs: each header is a JWS header lenient verifiers accept; the signature over it is
    /// genuinely valid, yet Detente refuses it because it is not the one canonical form.
    /// </summary>
    public static TheoryData<string, string> NonCanonicalHeaders => new()
    {
        { "members in another order", """{"kid":"KID","alg":"EdDSA"}""" },
        { "whitespace", """{"alg": "EdDSA", "kid": "KID"}""" },
        { "duplicate member", """{"alg":"EdDSA","alg":"EdDSA","kid":"KID"}""" },
        { "an extra parameter", """{"alg":"EdDSA","kid":"KID","typ":"JOSE"}""" },
        { "crit", """{"alg":"EdDSA","crit":["exp"],"exp":1,"kid":"KID"}""" },
        { "unencoded payload (RFC 7797)", """{"alg":"EdDSA","b64":false,"crit":["b64"],"kid":"KID"}""" },
        { "another alg", """{"alg":"Ed25519","kid":"KID"}""" },
        { "alg none", """{"alg":"none","kid":"KID"}""" },
        { "upper-case kid", """{"alg":"EdDSA","kid":"UPPERKID"}""" },
        { "no kid", """{"alg":"EdDSA"}""" },
        { "escaped character", """{"alg":"Ed\u0044SA","kid":"KID"}""" },
    };

    [Theory]
    [MemberData(nameof(NonCanonicalHeaders))]
    public void A_header_not_in_the_one_accepted_form_is_malformed(string name, string header)
    {
        _ = name;
        StixObject plain = Read(Indicator);
        string headerJson = header.Replace("UPPERKID", _origin.KeyId.ToUpperInvariant(), StringComparison.Ordinal)
            .Replace("KID", _origin.KeyId, StringComparison.Ordinal);
        string compact = SignWithHeader(plain, _origin, headerJson);

        SignatureCheck check = StixSignatures.Verify(WithSignatures(plain, compact), _origin.VerificationKey);

        Assert.Equal(SignatureStatus.MalformedSignature, check.Status);
    }

    [Fact]
    public void A_header_signed_in_the_canonical_form_is_accepted_by_the_same_test_helper()
    {
        // Guards the theory above: its helper signs correctly, so the refusals are for the form alone.
        StixObject plain = Read(Indicator);
        string compact = SignWithHeader(plain, _origin, $$"""{"alg":"EdDSA","kid":"{{_origin.KeyId}}"}""");

        Assert.Equal(SignatureStatus.Valid, StixSignatures.Verify(WithSignatures(plain, compact), _origin.VerificationKey).Status);
    }

    [Fact]
    public void Padding_and_non_canonical_base64url_are_malformed()
    {
        StixObject signed = StixSignatures.Sign(Read(Indicator), _origin);
        string compact = StixSignatures.Read(signed)[0].Value;
        int dots = compact.IndexOf("..", StringComparison.Ordinal);
        string header = compact[..dots], signature = compact[(dots + 2)..];

        // 64 bytes take 86 characters; the last carries two bits and four unused ones that must be zero.
        char last = signature[^1];
        string trailingBits = signature[..^1] + Alphabet[Alphabet.IndexOf(last, StringComparison.Ordinal) | 1];
        Assert.Equal(Base64UrlDecode(signature), Convert.FromBase64String(trailingBits.Replace('-', '+').Replace('_', '/') + "=="));

        foreach (string bad in (ReadOnlySpan<string>)[
            header + "==.." + signature,
            header + ".." + signature + "==",
            header + ".." + trailingBits,
            // Standard-alphabet characters; a plain Replace of '-' and '_' would be a no-op for signatures without them.
            header + "..+" + signature[1..],
            header + "../" + signature[1..],
            header + ".. " + signature,
            header + "..\n" + signature,
            header + "." + Base64UrlEncode(StixSignatures.SigningPayload(signed)) + "." + signature,
            header + ".." + signature[..^3],
            header + "..." + signature,
            header + ".." + signature + ".",
        ])
        {
            Assert.Equal(SignatureStatus.MalformedSignature, StixSignatures.Verify(WithSignatures(signed, bad), _origin.VerificationKey).Status);
        }
    }

    [Fact]
    public void A_malformed_extension_entry_is_reported_whoever_asks()
    {
        StixObject signed = StixSignatures.Sign(Read(Indicator), _origin);
        string compact = StixSignatures.Read(signed)[0].Value;
        JsonObject extensions = signed.Extensions!;

        foreach (JsonValue entry in (ReadOnlySpan<JsonValue>)[
            "a string",
            JsonObject.Create(("extension_type", "toplevel-property-extension"), ("signatures", JsonArray.Create(compact))),
            JsonObject.Create(("signatures", JsonArray.Create(compact))),
            JsonObject.Create(("extension_type", "property-extension"), ("signatures", JsonArray.Empty)),
            JsonObject.Create(("extension_type", "property-extension"), ("signatures", compact)),
            JsonObject.Create(("extension_type", "property-extension"), ("signatures", JsonArray.Create(compact, 1.0))),
            JsonObject.Create(("extension_type", "property-extension"), ("signatures", JsonArray.Create(compact)), ("note", "rides along unsigned")),
            JsonObject.Create(("extension_type", "property-extension"), ("signatures", JsonArray.Create(compact, compact))),
        ])
        {
            StixObject malformed = signed.With("extensions", extensions.With(SignatureExtension.Id, entry));

            Assert.Equal(SignatureStatus.MalformedSignature, StixSignatures.Verify(malformed, _origin.VerificationKey).Status);
            Assert.Equal(SignatureStatus.MalformedSignature, StixSignatures.Verify(malformed, _cosigner.VerificationKey).Status);
            Assert.Throws<ArgumentException>(() => StixSignatures.Sign(malformed, _cosigner));
        }

        Assert.Equal(SignatureStatus.MalformedSignature, StixSignatures.Verify(signed.With("extensions", "x"), _origin.VerificationKey).Status);
    }

    [Fact]
    public void An_object_with_an_unpaired_surrogate_cannot_be_signed_and_does_not_verify()
    {
        StixObject signed = StixSignatures.Sign(Read(Indicator), _origin);
        StixObject broken = signed.With("name", "\ud800");

        Assert.Throws<ArgumentException>(() => StixSignatures.Sign(broken.Without("extensions"), _origin));
        Assert.Equal(SignatureStatus.MalformedSignature, StixSignatures.Verify(broken, _origin.VerificationKey).Status);
    }

    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    private static StixObject Read(string json) => new StixReader().ReadObject(Encoding.UTF8.GetBytes(json));

    private static StixObject WithSignatures(StixObject o, params string[] signatures)
    {
        JsonObject entry = JsonObject.Create(
            ("extension_type", "property-extension"),
            ("signatures", JsonArray.Create(signatures.Select(static s => (JsonValue)s))));
        return o.With("extensions", (o.Extensions ?? JsonObject.Empty).With(SignatureExtension.Id, entry));
    }

    /// <summary>A genuinely valid detached JWS over the object's payload, with any protected header.</summary>
    private static string SignWithHeader(StixObject o, StixSigningKey key, string headerJson)
    {
        string header = Base64UrlEncode(Encoding.UTF8.GetBytes(headerJson));
        byte[] input = Encoding.ASCII.GetBytes(header + "." + Base64UrlEncode(StixSignatures.SigningPayload(o)));
        return header + ".." + Base64UrlEncode(key.Sign(input));
    }

    private static string Base64UrlEncode(byte[] data) => Convert.ToBase64String(data).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] Base64UrlDecode(string text)
    {
        string b64 = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(b64.PadRight(b64.Length + ((4 - (b64.Length % 4)) % 4), '='));
    }
}
