using System.Text;
using Detente.Stix.Json;
using Detente.Stix.Signatures;

namespace Detente.Stix.Tests.Signatures;

public sealed class SignatureExtensionTests
{
    [Fact]
    public void The_extension_definition_is_a_well_formed_stix_2_1_extension_definition()
    {
        StixObject definition = new StixReader().ReadObject(Encoding.UTF8.GetBytes(SignatureExtension.DefinitionJson));

        // STIX 2.1 §7.3: required properties of an extension-definition.
        Assert.Equal("extension-definition", definition.Type);
        Assert.Equal("2.1", definition.SpecVersion);
        Assert.Equal(SignatureExtension.Id, definition.Id);
        Assert.Equal(SignatureExtension.IdentityId, definition.CreatedByRef);
        Assert.Equal(3, definition.Created!.Value.FractionDigits);
        Assert.Equal(definition.Created, definition.Modified);
        Assert.False(string.IsNullOrWhiteSpace(definition.Json.GetString("name")));
        Assert.False(string.IsNullOrWhiteSpace(definition.Json.GetString("schema")));
        Assert.Equal("1.0", definition.Json.GetString("version"));
        Assert.Equal(["property-extension"], Assert.IsType<JsonArray>(definition["extension_types"]).Select(static v => ((JsonString)v).Value));
        Assert.Null(definition["extension_properties"]); // only for toplevel-property-extension
    }

    [Fact]
    public void The_extension_id_is_the_uuid5_of_its_documented_name()
    {
        StixId id = StixId.Parse(SignatureExtension.Id);

        Assert.Equal(SignatureExtension.ComputeId(), id);
        Assert.Equal(5, id.UuidVersion);
        Assert.True(id.IsRfc4122Variant);
        // python3 -c 'import uuid; print(uuid.uuid5(uuid.NAMESPACE_URL, "urn:detente:stix:extension-definition:signatures:v1"))'
        Assert.Equal("8b3cf07c-226c-535b-a790-f818a14de6ad", id.Uuid.ToString());
    }

    [Fact]
    public void The_defining_identity_is_published_too()
    {
        StixObject identity = new StixReader().ReadObject(Encoding.UTF8.GetBytes(SignatureExtension.IdentityJson));

        Assert.Equal("identity", identity.Type);
        Assert.Equal("2.1", identity.SpecVersion);
        Assert.Equal(SignatureExtension.IdentityId, identity.Id);
        Assert.Equal(SignatureExtension.ComputeIdentityId(), StixId.Parse(identity.Id!));
        Assert.Equal("system", identity.Json.GetString("identity_class"));
        Assert.NotNull(identity.Created);
        Assert.NotNull(identity.Modified);
    }

    [Fact]
    public void Signed_objects_use_the_definition_id()
    {
        using StixSigningKey key = StixSigningKey.Create();
        StixObject identity = new StixReader().ReadObject(Encoding.UTF8.GetBytes(SignatureExtension.IdentityJson));

        StixObject signed = StixSignatures.Sign(identity, key);

        Assert.Equal([SignatureExtension.Id], signed.Extensions!.Names);
    }
}
