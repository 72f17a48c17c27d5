using Detente.Stix;
using Detente.Stix.Identifiers;
using Detente.Stix.Json;
using Detente.Stix.Signatures;

namespace Detente.Node;

/// <summary>The node's signing identity: the STIX <c>identity</c> it creates objects as, and the Ed25519 key that signs them.</summary>
/// <remarks>
/// With it, objects a local principal posts without a signature are the node's own: their <c>created_by_ref</c> is set to
/// <see cref="IdentityId"/> when absent and they are signed with <see cref="Key"/> before they are stored and logged
/// (<see cref="OriginVerifier"/>). The identity object itself is signed by the same key and served at <c>/identity/</c>.
/// </remarks>
public sealed record NodeSigning
{
    /// <summary>Creates the signing identity from the node's key and its identity object.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="identity"/> is not a STIX <c>identity</c> with an id and a name, or
    /// does not carry a valid signature by <paramref name="key"/>.</exception>
    public NodeSigning(StixSigningKey key, StixObject identity)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(identity);
        if (identity.Type != "identity" || identity.Id is null || !StixId.TryParse(identity.Id, out _) || identity.Json.GetString("name") is not { Length: > 0 })
        {
            throw new ArgumentException("The node's identity is a STIX identity object with an id and a name.", nameof(identity));
        }

        if (!StixSignatures.Verify(identity, key.VerificationKey).IsValid)
        {
            throw new ArgumentException("The node's identity object must carry a valid signature by the node's key.", nameof(identity));
        }

        Key = key;
        Identity = identity;
        IdentityJson = identity.Canonicalize();
    }

    /// <summary>The node's key (not owned: the caller disposes it after the node stops).</summary>
    public StixSigningKey Key { get; }

    /// <summary>The node's identity object, signed by <see cref="Key"/>.</summary>
    public StixObject Identity { get; }

    /// <summary>The id of <see cref="Identity"/> (<c>identity--…</c>): the <c>created_by_ref</c> of what the node originates.</summary>
    public string IdentityId => Identity.Id!;

    /// <summary>The <c>name</c> of <see cref="Identity"/>.</summary>
    public string IdentityName => Identity.Json.GetString("name")!;

    /// <summary>The RFC 8785 form of <see cref="Identity"/>, as served.</summary>
    public ReadOnlyMemory<byte> IdentityJson { get; }

    /// <summary>A new identity object for a node: a random id, <paramref name="name"/>, <c>identity_class</c>
    /// <c>organization</c>, created at <paramref name="now"/>, signed by <paramref name="key"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or longer than 256 characters.</exception>
    public static StixObject CreateIdentity(string name, StixSigningKey key, DateTimeOffset now)
    {
        CheckName(name);
        ArgumentNullException.ThrowIfNull(key);
        string at = StixTimestamp.FromDateTimeOffset(now.ToUniversalTime()).ToString();
        var json = JsonObject.Create(
            ("type", new JsonString("identity")),
            ("spec_version", new JsonString("2.1")),
            ("id", new JsonString(StixId.NewRandom("identity").ToString())),
            ("created", new JsonString(at)),
            ("modified", new JsonString(at)),
            ("name", new JsonString(name)),
            ("identity_class", new JsonString("organization")));
        StixObject identity = new(json);
        return StixSignatures.Sign(identity.With("created_by_ref", new JsonString(identity.Id!)), key);
    }

    /// <summary>A new version of <paramref name="identity"/> named <paramref name="name"/>, modified at <paramref name="now"/>
    /// (at least a millisecond after its last version), signed by <paramref name="key"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or longer than 256 characters.</exception>
    public static StixObject Renew(StixObject identity, string name, StixSigningKey key, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(key);
        CheckName(name);
        DateTimeOffset modified = now.ToUniversalTime();
        if (identity.Modified is { } last && last.Value >= modified)
        {
            modified = last.Value.AddMilliseconds(1);
        }

        StixObject renamed = StixSignatures.Unsigned(identity)
            .With("name", new JsonString(name))
            .With("modified", new JsonString(StixTimestamp.FromDateTimeOffset(modified).ToString()));
        return StixSignatures.Sign(renamed, key);
    }

    private static void CheckName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Trim().Length == 0 || name.Length > 256 || name.Any(char.IsControl))
        {
            throw new ArgumentException("A node's identity name is 1–256 characters without control characters.", nameof(name));
        }
    }

    /// <summary>Detente's own extension definition and the identity that defines it, in RFC 8785 form (what
    /// <c>/identity/</c> serves beside the node's identity).</summary>
    internal static IReadOnlyList<StixObject> Definitions { get; } =
    [
        new((JsonObject)new StixReader().Parse(System.Text.Encoding.UTF8.GetBytes(SignatureExtension.IdentityJson))),
        new((JsonObject)new StixReader().Parse(System.Text.Encoding.UTF8.GetBytes(SignatureExtension.DefinitionJson))),
    ];

    /// <summary>The bundle id <c>/identity/</c> answers with: UUIDv5 (URL namespace) of the identity's id, so the same identity
    /// gives the same bundle.</summary>
    internal string BundleId => "bundle--" + NameBasedUuid.Create(NameBasedUuid.UrlNamespace, "urn:detente:node-identity:" + IdentityId).ToString("D");
}
