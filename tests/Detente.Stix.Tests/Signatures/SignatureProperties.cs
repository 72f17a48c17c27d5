using CsCheck;
using Detente.Stix.Json;
using Detente.Stix.Signatures;
using Detente.Testing;

namespace Detente.Stix.Tests.Signatures;

/// <summary>Properties of signatures over generated STIX content.</summary>
public sealed class SignatureProperties : IDisposable
{
    // RFC 8032 §7.1 test 1 seed: a fixed key, so that every run signs the same bytes.
    private readonly StixSigningKey _key = StixSigningKey.ImportSeed(Convert.FromHexString("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));

    public void Dispose() => _key.Dispose();

    private static StixObject Read(string json) => new((JsonObject)new StixReader().Parse(System.Text.Encoding.UTF8.GetBytes(json)));

    /// <summary>A generated object, a position in its signed content (the RFC 8785 form of the unsigned object) and a new byte.</summary>
    private static readonly Gen<(StixObject Object, int Position, byte Byte)> s_changes =
        Gen.Select(Gen.Int, Gen.Int[0, int.MaxValue], Gen.Byte)
            .Select(static t =>
            {
                StixObject o = StixSignatures.Unsigned(Read(new StixContentGenerator(t.Item1).NextObject()));
                return (o, t.Item2 % o.Canonicalize().Length, t.Item3);
            });

    [Fact]
    public void Any_single_byte_change_to_the_signed_content_makes_the_signature_fail()
    {
        int changed = 0, unreadable = 0;
        Property.ForAll(s_changes, c =>
        {
            byte[] content = c.Object.Canonicalize();
            if (content[c.Position] == c.Byte)
            {
                return;
            }

            StixObject signed = StixSignatures.Sign(c.Object, _key);
            JsonValue entry = signed.Extensions![SignatureExtension.Id]!;
            content[c.Position] = c.Byte;
            JsonValue read;
            try
            {
                read = new StixReader().Parse(content);
            }
            catch (StixFormatException)
            {
                unreadable++;
                return;
            }

            if (read is not JsonObject json)
            {
                unreadable++;
                return;
            }

            StixObject mutated = new(json);

            // The changed content carrying the original signature, as a forwarder that altered the object would send it.
            JsonObject extensions = mutated.Json["extensions"] is JsonObject own ? own : JsonObject.Empty;
            StixObject forwarded = mutated.With("extensions", extensions.With(SignatureExtension.Id, entry));
            Assert.NotEqual(c.Object.Canonicalize(), StixSignatures.Unsigned(forwarded).Canonicalize());
            SignatureCheck check = StixSignatures.Verify(forwarded, _key.VerificationKey);
            Assert.True(check.Status is SignatureStatus.BadSignature or SignatureStatus.MalformedSignature, check.Status + ": " + check.Detail);
            changed++;
        }, iterations: 400, print: c => $"{c.Object.Id} byte {c.Position} -> 0x{c.Byte:x2}");

        // Most single-byte changes of JSON text still read (a letter in a string); the property is about those.
        Assert.True(changed > 100, $"only {changed} changed objects read back ({unreadable} did not)");
    }

    /// <summary>Extension names that sort before and after the signature entry's id, by UTF-16 code units (an astral
    /// character sorts before U+FFFD in UTF-16, after it in UTF-8).</summary>
    private static readonly string[] s_extensionNames =
    [
        "extension-definition--00000000-0000-4000-8000-000000000000",
        "extension-definition--ffffffff-ffff-4fff-bfff-ffffffffffff",
        "extension-definition--8b3cf07c-226c-535b-a790-f818a14de6ac",
        "extension-definition--8b3cf07c-226c-535b-a790-f818a14de6ae",
        "x-acme",
        "a",
        "\uFFFD",
        "\U0001F600",
        "\u00e9",
    ];

    // RFC 8032 §7.1 test 2 seed (another signer) and test 1 seed again (a signature by the same key to replace).
    private static readonly StixSigningKey s_otherKey = StixSigningKey.ImportSeed(Convert.FromHexString("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb"));

    private static readonly StixSigningKey s_sameKey = StixSigningKey.ImportSeed(Convert.FromHexString("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));

    /// <summary>Generated objects, some with other extensions (none, one or several), extra
    /// members with any names, and some signed already by another key or by the same key.</summary>
    private static readonly Gen<StixObject> s_toSign =
        Gen.Select(Gen.Int, Gen.Int[0, 1], Gen.Int[0, s_extensionNames.Length - 1].Array[0, 3], JsonGenerators.ObjectValue, Gen.Int[0, 9])
            .Select(static t =>
            {
                StixObject o = Read(new StixContentGenerator(t.Item1).NextObject());
                foreach (KeyValuePair<string, JsonValue> member in t.Item4)
                {
                    if (member.Key is not ("extensions" or "id" or "type"))
                    {
                        o = o.With(member.Key, member.Value);
                    }
                }

                if (t.Item2 == 1 && t.Item3.Length > 0)
                {
                    JsonObject extensions = o.Extensions ?? JsonObject.Empty;
                    foreach (int i in t.Item3)
                    {
                        extensions = extensions.With(s_extensionNames[i], JsonObject.Create(("extension_type", "property-extension"), ("n", i)));
                    }

                    o = o.With("extensions", extensions);
                }
                return t.Item5 switch
                {
                    0 => StixSignatures.Sign(o, s_otherKey),
                    1 => StixSignatures.Sign(StixSignatures.Sign(o, s_otherKey), s_sameKey),
                    _ => o,
                };
            });

    [Fact]
    public void A_signed_objects_form_spliced_from_the_signing_payload_is_its_RFC_8785_form()
    {
        int withOtherExtensions = 0;
        Property.ForAll(s_toSign, o =>
        {
            StixObject signed = StixSignatures.Sign(o, _key);

            // The bytes the one-pass signature gives equal a canonicalization of the signed tree from scratch, and the
            // signature over them verifies.
            byte[] expected = JsonCanonicalizer.Canonicalize(signed.Json);
            Assert.Equal(expected, signed.Canonicalize());
            var buffer = new System.Buffers.ArrayBufferWriter<byte>();
            signed.Canonicalize(buffer);
            Assert.Equal(expected, buffer.WrittenSpan.ToArray());
            Assert.Equal(SignatureStatus.Valid, StixSignatures.Verify(signed, _key.VerificationKey).Status);
            Assert.Equal(SignatureStatus.Valid, StixSignatures.Verify(new StixReader().ReadObject(expected), _key.VerificationKey).Status);
            if (o.Extensions is { Count: > 0 } extensions && !(extensions.Count == 1 && extensions.ContainsKey(SignatureExtension.Id)))
            {
                withOtherExtensions++;
            }
        }, iterations: 400, print: o => o.ToString());

        // Both splices are exercised: the whole 'extensions' member and an entry among other extensions.
        Assert.True(withOtherExtensions > 50, $"only {withOtherExtensions} objects had other extensions");
    }

    [Fact]
    public void The_canonical_form_a_signature_hands_out_is_a_copy()
    {
        StixObject signed = StixSignatures.Sign(Read(new StixContentGenerator(7).NextObject()), _key);
        byte[] first = signed.Canonicalize();
        first[0] = (byte)'x';

        Assert.Equal((byte)'{', signed.Canonicalize()[0]);
    }

    [Fact]
    public void An_object_nested_deeper_than_the_splice_walks_is_canonicalized_whole()
    {
        JsonValue deep = new JsonString("bottom");
        for (int i = 0; i < SignatureSplice.MaxDepth + 10; i++)
        {
            deep = JsonArray.Create(deep);
        }

        StixObject signed = StixSignatures.Sign(Read(new StixContentGenerator(3).NextObject()).With("x_deep", deep), _key);

        Assert.Equal(JsonCanonicalizer.Canonicalize(signed.Json), signed.Canonicalize());
        Assert.Equal(SignatureStatus.Valid, StixSignatures.Verify(signed, _key.VerificationKey).Status);
    }
}
