using Detente.Stix.Identifiers;

namespace Detente.Stix.Signatures;

/// <summary>Detente's STIX 2.1 extension definition for object signatures, and the identity that defines it.</summary>
/// <remarks>
/// <para>
/// STIX 2.1 §7.3: a property extension is carried in the object's <c>extensions</c> under the id of its
/// <c>extension-definition</c>, so consumers that do not know it keep working. The ids are UUIDv5 in the RFC 4122 URL
/// namespace (<c>6ba7b811-9dad-11d1-80b4-00c04fd430c8</c>) of fixed names, so anyone can recompute them:
/// </para>
/// <list type="bullet">
/// <item>definition: <c>uuid5(NAMESPACE_URL, "urn:detente:stix:extension-definition:signatures:v1")</c> =
/// <c>8b3cf07c-226c-535b-a790-f818a14de6ad</c>;</item>
/// <item>identity: <c>uuid5(NAMESPACE_URL, "urn:detente:stix:identity:detente")</c> = <c>fbbc2515-1610-5fab-9d5b-78e4c7453aa4</c>.</item>
/// </list>
/// <para>An incompatible change would get a new definition (a name ending <c>:v2</c>), never a new version of this one.</para>
/// </remarks>
public static class SignatureExtension
{
    /// <summary>The name whose UUIDv5 (URL namespace) is the definition's UUID.</summary>
    public const string DefinitionName = "urn:detente:stix:extension-definition:signatures:v1";

    /// <summary>The name whose UUIDv5 (URL namespace) is the defining identity's UUID.</summary>
    public const string IdentityName = "urn:detente:stix:identity:detente";

    /// <summary>The extension definition's id, the key of the signature entry in an object's <c>extensions</c>.</summary>
    public const string Id = "extension-definition--8b3cf07c-226c-535b-a790-f818a14de6ad";

    /// <summary>The id of the identity that created the definition.</summary>
    public const string IdentityId = "identity--fbbc2515-1610-5fab-9d5b-78e4c7453aa4";

    /// <summary>The value of <c>extension_type</c> in the entry.</summary>
    public const string ExtensionType = "property-extension";

    /// <summary>The complete <c>extension-definition</c> object, to publish beside signed objects.</summary>
    public const string DefinitionJson = """
        {
          "type": "extension-definition",
          "spec_version": "2.1",
          "id": "extension-definition--8b3cf07c-226c-535b-a790-f818a14de6ad",
          "created_by_ref": "identity--fbbc2515-1610-5fab-9d5b-78e4c7453aa4",
          "created": "2026-11-23T00:00:00.000Z",
          "modified": "2026-11-23T00:00:00.000Z",
          "name": "Detente object signatures",
          "description": "Ed25519 signatures over the RFC 8785 canonical form of a STIX object, so that an origin's signature survives forwarding and co-signers may add theirs.",
          "schema": "A JSON object with exactly two properties. 'extension_type': the string 'property-extension'. 'signatures': a non-empty array of strings, at most one per key, each an RFC 7515 JWS in compact serialization with a detached payload (RFC 7515 Appendix F: BASE64URL(header) '..' BASE64URL(signature)). The protected header is exactly the RFC 8785 form of {\"alg\":\"EdDSA\",\"kid\":K}, where K is the lower-case hex SHA-256 of the signer's 32-byte Ed25519 public key (RFC 8037); base64url is unpadded and canonical. The JWS payload is the RFC 8785 form of the object with this extension entry removed, and with 'extensions' removed if it is then empty.",
          "version": "1.0",
          "extension_types": [ "property-extension" ]
        }
        """;

    /// <summary>The complete <c>identity</c> object named by the definition's <c>created_by_ref</c>.</summary>
    public const string IdentityJson = """
        {
          "type": "identity",
          "spec_version": "2.1",
          "id": "identity--fbbc2515-1610-5fab-9d5b-78e4c7453aa4",
          "created": "2026-11-23T00:00:00.000Z",
          "modified": "2026-11-23T00:00:00.000Z",
          "name": "Detente",
          "description": "The Detente threat-intelligence exchange, which defines Detente's STIX extensions.",
          "identity_class": "system"
        }
        """;

    /// <summary>Recomputes <see cref="Id"/> from <see cref="DefinitionName"/>.</summary>
    internal static StixId ComputeId() =>
        new("extension-definition", NameBasedUuid.Create(NameBasedUuid.UrlNamespace, DefinitionName));

    /// <summary>Recomputes <see cref="IdentityId"/> from <see cref="IdentityName"/>.</summary>
    internal static StixId ComputeIdentityId() =>
        new("identity", NameBasedUuid.Create(NameBasedUuid.UrlNamespace, IdentityName));
}
