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
}
