using Detente.Stix.Json;

namespace Detente.Stix.Signatures;

/// <summary>Signs STIX objects and verifies their signatures.</summary>
/// <remarks>
/// <para>
/// A signature is a detached JWS (RFC 7515 Appendix F) with <c>alg</c> <c>EdDSA</c> over Ed25519 (RFC 8037), whose
/// payload is the RFC 8785 (JCS) form of the object without its signatures. Signatures ride in the STIX 2.1 property
/// extension <see cref="SignatureExtension.Id"/>, so stock STIX consumers keep working:
/// <c>"extensions": { "extension-definition--8b3c…": { "extension_type": "property-extension", "signatures": [ "…..…" ] } }</c>.
/// The payload is the object with that one entry removed, and with <c>extensions</c> removed when it is then empty
/// (<see cref="Unsigned"/>). Several signatures, at most one per key, may be present: an origin's signature survives
/// forwarding and a co-signer adds its own without disturbing it. Member order never matters (JCS).
/// </para>
/// <para>
/// Strict verification rule. A signature counts only if it is in the one accepted form (canonical unpadded base64url,
/// header exactly <c>{"alg":"EdDSA","kid":"…"}</c> in JCS form, no <c>crit</c>, no duplicate members, a 64-byte
/// signature) and Ed25519 accepts it under Detente's pinned rule, which is libsodium 1.0.22's
/// <c>crypto_sign_verify_detached</c>: S &lt; L; A and R canonical (y &lt; p) and not of small order; A on the curve;
/// the cofactorless equation encode([S]B − [k]A) = R with k = SHA-512(R ‖ A ‖ M) mod L. The encoding rules are checked by
/// Detente itself before the library is called, and the library is self-tested once for the cofactorless equation
/// (it must refuse a signature whose R has a small-order component), so every node accepts exactly the same
/// signatures whatever library version it runs. See <c>src/Detente.Stix/README.md</c>, "Signatures".
/// </para>
/// </remarks>
public static class StixSignatures
{
    private enum EntryState
    {
        Absent,
        Present,
        Malformed,
    }

    /// <summary>Returns a copy of <paramref name="stixObject"/> that carries a signature by <paramref name="key"/> beside any others.</summary>
    /// <remarks>
    /// An earlier signature by the same key is replaced in place; signatures by other keys are kept in order. An object
    /// whose <c>extensions</c> is an empty object is refused: the payload leaves an empty <c>extensions</c> out
    /// (<see cref="Unsigned"/>), so the signature could not tell <c>{}</c> from no <c>extensions</c>, yet the two give an
    /// SCO different deterministic ids (STIX 2.1 §2.9), and STIX 2.1 does not allow an empty dictionary there anyway.
    /// </remarks>
    /// <exception cref="ArgumentException">
    /// The object's <c>extensions</c> is an empty object, its signature extension is malformed, or it cannot be
    /// canonicalized (a string holds an unpaired surrogate).
    /// </exception>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ObjectDisposedException">The key has been disposed.</exception>
    public static StixObject Sign(StixObject stixObject, StixSigningKey key)
    {
        ArgumentNullException.ThrowIfNull(stixObject);
        ArgumentNullException.ThrowIfNull(key);
        if (stixObject.Json["extensions"] is JsonObject { Count: 0 })
        {
            throw new ArgumentException(
                "The object's 'extensions' is an empty object, which a signature cannot cover (it signs the object without it); remove it first.",
                nameof(stixObject));
        }

        EntryState state = ReadEntry(stixObject, out JsonArray? existing, out string? problem);
        if (state == EntryState.Malformed)
        {
            throw new ArgumentException("The object's signature extension is malformed: " + problem, nameof(stixObject));
        }

        var signatures = new List<JsonValue>();
        int replace = -1;
        if (existing is not null)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (int i = 0; i < existing.Count; i++)
            {
                string? entryProblem = ParseEntry(existing[i], seen, out _, out string kid, out _);
                if (entryProblem is not null)
                {
                    throw new ArgumentException($"The object's signatures[{i}] is malformed: {entryProblem}", nameof(stixObject));
                }

                if (string.Equals(kid, key.KeyId, StringComparison.Ordinal))
                {
                    replace = i;
                }

                signatures.Add(existing[i]);
            }
        }

        byte[] payload = SigningPayload(stixObject);
        string header = DetachedJws.EncodedHeader(key.KeyId);
        byte[] signature = key.Sign(DetachedJws.SigningInput(header, payload));
        JsonString compact = new(DetachedJws.Compact(header, signature));
        if (replace >= 0)
        {
            signatures[replace] = compact;
        }
        else
        {
            signatures.Add(compact);
        }

        JsonObject entry = JsonObject.Create(
            ("extension_type", SignatureExtension.ExtensionType),
            ("signatures", JsonArray.Create(signatures)));
        JsonObject extensions = stixObject.Extensions ?? JsonObject.Empty;
        JsonObject signed = stixObject.Json.With("extensions", extensions.With(SignatureExtension.Id, entry));
        // The payload is the signed object without its entry ('extensions' is absent or an object: ReadEntry refuses
        // anything else), so the stored (JCS) form is the payload with the entry spliced in, which saves canonicalizing
        // the object a second time.
        byte[] canonical;
        try
        {
            canonical = SignatureSplice.Splice(payload, JsonCanonicalizer.Canonicalize(entry));
        }
        catch (System.Text.Json.JsonException)
        {
            // Nested deeper than the splice walks: no precomputed form.
            return new StixObject(signed);
        }

        CheckSpliced(signed, canonical);
        return new StixObject(signed, canonical);
    }

    /// <summary>Checks, in debug builds only (it costs the canonicalization the splice saves), that the spliced bytes are the
    /// RFC 8785 form of the signed object.</summary>
    [System.Diagnostics.Conditional("DEBUG")]
    private static void CheckSpliced(JsonObject signed, byte[] canonical)
    {
        if (!canonical.AsSpan().SequenceEqual(JsonCanonicalizer.Canonicalize(signed)))
        {
            throw new InvalidOperationException("The spliced signed form is not the RFC 8785 form of the signed object.");
        }
    }

    /// <summary>Verifies the signature of <paramref name="stixObject"/> by <paramref name="key"/>.</summary>
    /// <returns>
    /// <see cref="SignatureStatus.Valid"/> only for a well-formed signature by the key that verifies under the pinned rule.
    /// Any malformed entry makes the whole extension <see cref="SignatureStatus.MalformedSignature"/>, whoever signed it.
    /// </returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="InvalidOperationException">The Ed25519 library failed Detente's self-test (it would accept signatures other nodes refuse).</exception>
    public static SignatureCheck Verify(StixObject stixObject, StixVerificationKey key)
    {
        ArgumentNullException.ThrowIfNull(stixObject);
        ArgumentNullException.ThrowIfNull(key);

        EntryState state = ReadEntry(stixObject, out JsonArray? signatures, out string? problem);
        if (state == EntryState.Absent)
        {
            return new SignatureCheck(SignatureStatus.NoSignature, key.KeyId, "The object carries no Detente signature.");
        }

        if (state == EntryState.Malformed)
        {
            return new SignatureCheck(SignatureStatus.MalformedSignature, key.KeyId, problem!);
        }

        string? encodedHeader = null;
        byte[]? signature = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < signatures!.Count; i++)
        {
            string? entryProblem = ParseEntry(signatures[i], seen, out string header, out string kid, out byte[] bytes);
            if (entryProblem is not null)
            {
                return new SignatureCheck(SignatureStatus.MalformedSignature, key.KeyId, $"signatures[{i}]: {entryProblem}");
            }

            if (string.Equals(kid, key.KeyId, StringComparison.Ordinal))
            {
                encodedHeader = header;
                signature = bytes;
            }
        }

        if (encodedHeader is null || signature is null)
        {
            return new SignatureCheck(SignatureStatus.KeyNotUsed, key.KeyId, "The object carries Detente signatures, none by this key.");
        }

        byte[] payload;
        try
        {
            payload = SigningPayload(stixObject);
        }
        catch (ArgumentException)
        {
            return new SignatureCheck(SignatureStatus.MalformedSignature, key.KeyId, "The object has no RFC 8785 form (a string holds an unpaired surrogate).");
        }

        Ed25519Violation violation = Ed25519Rules.Verify(key.PublicKey, key.RawPublicKey.Span, DetachedJws.SigningInput(encodedHeader, payload), signature);
        return violation == Ed25519Violation.None
            ? new SignatureCheck(SignatureStatus.Valid, key.KeyId, Ed25519Rules.Describe(violation))
            : new SignatureCheck(SignatureStatus.BadSignature, key.KeyId, Ed25519Rules.Describe(violation));
    }

    /// <summary>Lists the signatures <paramref name="stixObject"/> carries, well formed or not, without verifying them.</summary>
    /// <returns>
    /// One entry per element of <c>signatures</c>, in order; empty when there is no signature extension; a single entry
    /// with <see cref="StixSignatureInfo.Index"/> -1 when the extension entry itself is malformed.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="stixObject"/> is null.</exception>
    public static IReadOnlyList<StixSignatureInfo> Read(StixObject stixObject)
    {
        ArgumentNullException.ThrowIfNull(stixObject);
        EntryState state = ReadEntry(stixObject, out JsonArray? signatures, out string? problem);
        if (state == EntryState.Absent)
        {
            return [];
        }

        if (state == EntryState.Malformed)
        {
            return [new StixSignatureInfo(-1, string.Empty, null, problem)];
        }

        var infos = new StixSignatureInfo[signatures!.Count];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < infos.Length; i++)
        {
            string? entryProblem = ParseEntry(signatures[i], seen, out _, out string kid, out _);
            string value = signatures[i] is JsonString s ? s.Value : string.Empty;
            infos[i] = entryProblem is null ? new StixSignatureInfo(i, value, kid, null) : new StixSignatureInfo(i, value, null, entryProblem);
        }

        return infos;
    }

    /// <summary>The object as signed: without Detente's signature entry, and without <c>extensions</c> if that leaves it empty.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="stixObject"/> is null.</exception>
    public static StixObject Unsigned(StixObject stixObject)
    {
        ArgumentNullException.ThrowIfNull(stixObject);
        if (stixObject.Json["extensions"] is not JsonObject extensions)
        {
            return stixObject;
        }

        JsonObject remaining = extensions.Without(SignatureExtension.Id);
        if (remaining.Count == 0)
        {
            return stixObject.Without("extensions");
        }

        return ReferenceEquals(remaining, extensions) ? stixObject : stixObject.With("extensions", remaining);
    }

    /// <summary>The JWS payload for <paramref name="stixObject"/>: the RFC 8785 form of <see cref="Unsigned"/>.</summary>
    /// <exception cref="ArgumentException">A string holds an unpaired surrogate, which JCS cannot encode.</exception>
    public static byte[] SigningPayload(StixObject stixObject) => Unsigned(stixObject).Canonicalize();

    private static EntryState ReadEntry(StixObject stixObject, out JsonArray? signatures, out string? problem)
    {
        signatures = null;
        problem = null;
        if (!stixObject.Json.TryGetValue("extensions", out JsonValue? extensionsValue))
        {
            return EntryState.Absent;
        }

        if (extensionsValue is not JsonObject extensions)
        {
            problem = "'extensions' is not a JSON object.";
            return EntryState.Malformed;
        }

        if (!extensions.TryGetValue(SignatureExtension.Id, out JsonValue? entryValue))
        {
            return EntryState.Absent;
        }

        if (entryValue is not JsonObject entry)
        {
            problem = "The signature extension entry is not a JSON object.";
            return EntryState.Malformed;
        }

        if (entry.GetString("extension_type") != SignatureExtension.ExtensionType)
        {
            problem = "The signature extension's 'extension_type' is not 'property-extension'.";
            return EntryState.Malformed;
        }

        if (entry["signatures"] is not JsonArray array || array.Count == 0)
        {
            problem = "The signature extension's 'signatures' is not a non-empty array.";
            return EntryState.Malformed;
        }

        if (entry.Count != 2)
        {
            // Anything else in the entry would ride along unsigned.
            problem = "The signature extension has properties other than 'extension_type' and 'signatures'.";
            return EntryState.Malformed;
        }

        signatures = array;
        return EntryState.Present;
    }

    private static string? ParseEntry(JsonValue value, HashSet<string> seen, out string encodedHeader, out string keyId, out byte[] signature)
    {
        encodedHeader = string.Empty;
        keyId = string.Empty;
        signature = [];
        if (value is not JsonString s)
        {
            return "The entry is not a string.";
        }

        if (!DetachedJws.TryParse(s.Value, out encodedHeader, out keyId, out signature, out string? problem))
        {
            return problem;
        }

        return seen.Add(keyId) ? null : "A second signature by the same key.";
    }
}
