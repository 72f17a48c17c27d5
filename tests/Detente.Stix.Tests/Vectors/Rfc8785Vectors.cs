using Detente.Stix.Json;
using Detente.Testing;

namespace Detente.Stix.Tests.Vectors;

/// <summary>The JCS reference vectors (RFC 8785's reference repository), read from ../shared/vectors/jcs.</summary>
public sealed class Rfc8785Vectors
{
    public static TheoryData<string> Names => new("arrays", "french", "structures", "unicode", "values", "weird");

    [Theory]
    [MemberData(nameof(Names))]
    public void Reference_input_canonicalizes_to_reference_output(string name)
    {
        string? folder = SharedVectors.Find("jcs");
        if (folder is null)
        {
            Assert.Skip("JCS reference vectors not found (../shared/vectors/jcs or DETENTE_VECTORS).");
        }

        byte[] input = File.ReadAllBytes(Path.Combine(folder, "input", name + ".json"));
        byte[] expected = File.ReadAllBytes(Path.Combine(folder, "output", name + ".json"));

        byte[] actual = JsonCanonicalizer.Canonicalize(new StixReader().Parse(input));

        Assert.Equal(System.Text.Encoding.UTF8.GetString(expected), System.Text.Encoding.UTF8.GetString(actual));
        Assert.Equal(expected, actual);
    }
}
