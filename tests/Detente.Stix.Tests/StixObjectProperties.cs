using System.Text;
using CsCheck;
using Detente.Stix.Json;
using Detente.Stix.Signatures;
using Detente.Stix.Validation;
using Detente.Testing;

namespace Detente.Stix.Tests;

/// <summary>Round trips and signatures over every example object and seeded generated objects.</summary>
public sealed class StixObjectProperties
{
    private static readonly StixReader s_reader = new();

    public static TheoryData<string> Examples => new(StixExamples.ValidObjects.Keys.Concat(StixExamples.ValidVariants.Keys));

    private static string ExampleJson(string name) =>
        StixExamples.ValidObjects.TryGetValue(name, out string? json) ? json : StixExamples.ValidVariants[name];

    private static StixObject Read(string json) => s_reader.ReadObject(Encoding.UTF8.GetBytes(json));

    [Theory]
    [MemberData(nameof(Examples))]
    public void Every_object_round_trips_byte_exactly_through_its_canonical_form_custom_members_included(string name)
    {
        StixObject original = Read(ExampleJson(name))
            .With("x_acme_score", 0.125)
            .With("x_acme_tags", JsonArray.Create("a\u00e9", "\U0001F600", JsonValue.Null))
            .With("x_acme_nested", JsonObject.Create(("deep", JsonObject.Create(("n", -3e-7)))));
        byte[] canonical = original.Canonicalize();

        StixObject again = s_reader.ReadObject(canonical);

        Assert.Equal(canonical, again.Canonicalize());
        Assert.True(again.Equals(original));
        Assert.Equal(original.Json.Count, again.Json.Count);
        Assert.Equal(0.125, ((JsonNumber)again["x_acme_score"]!).Value);
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void Every_example_stays_valid_after_a_round_trip(string name)
    {
        StixObject again = s_reader.ReadObject(Read(ExampleJson(name)).Canonicalize());
        Assert.True(new StixValidator().Validate(again).IsValid);
    }

    private static readonly Gen<StixObject> s_generated =
        Gen.Int.Select(seed => Read(new StixContentGenerator(seed).NextObject()));

    [Fact]
    public void A_signed_object_verifies_and_any_changed_property_breaks_it()
    {
        using StixSigningKey key = StixSigningKey.Create();
        using StixSigningKey other = StixSigningKey.Create();
        Property.ForAll(s_generated, o =>
        {
            StixObject signed = StixSignatures.Sign(o, key);
            Assert.True(StixSignatures.Verify(signed, key.VerificationKey).IsValid);

            // Member order and re-serialization do not matter (the payload is the JCS form).
            StixObject reordered = new(JsonObject.Create(signed.Json.Reverse()));
            Assert.True(StixSignatures.Verify(s_reader.ReadObject(reordered.Canonicalize()), key.VerificationKey).IsValid);

            // Any change to what was signed does.
            StixObject tampered = signed.With("x_tampered", true);
            Assert.Equal(SignatureStatus.BadSignature, StixSignatures.Verify(tampered, key.VerificationKey).Status);
            Assert.False(StixSignatures.Verify(signed, other.VerificationKey).IsValid);

            // Signing does not change the object apart from its signature.
            Assert.True(StixSignatures.Unsigned(signed).Equals(StixSignatures.Unsigned(o)));
        }, iterations: 100, print: o => o.ToString());
    }

    [Fact]
    public void A_new_version_keeps_id_and_created_and_moves_modified_forward()
    {
        Property.ForAll(s_generated.Where(o => o.Modified is not null), o =>
        {
            StixTimestamp later = StixTimestamp.FromDateTimeOffset(o.Modified!.Value.Value.AddSeconds(1));
            StixObject next = o.NewVersion(later);
            Assert.Equal(o.Id, next.Id);
            Assert.Equal(o.Created, next.Created);
            Assert.True(next.Modified > o.Modified);
            Assert.Throws<ArgumentException>(() => next.NewVersion(o.Modified!.Value));
        }, iterations: 100, print: o => o.ToString());
    }
}
