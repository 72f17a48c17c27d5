using CsCheck;
using Detente.Storage;
using Detente.Testing;

namespace Detente.Node.Tests;

/// <summary>The operator's map of client-certificate thumbprints to principals.</summary>
public sealed class ClientCertificateMapTests
{
    private const string Thumbprint = "3fa2b1c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f80";

    [Fact]
    public void Lines_map_thumbprints_with_or_without_colons_to_principals_and_roles()
    {
        string colons = string.Join(':', Thumbprint.ToUpperInvariant().Chunk(2).Select(c => new string(c)));
        ClientCertificateMap map = ClientCertificateMap.Parse(
            "# thumbprint principal role\n\n" + colons + "  partner-a\n" + new string('0', 64) + "\tops\tadmin # the operator\r\n");
        Assert.Equal(2, map.Count);
        Assert.Equal(new string('0', 64) + " ops admin\n" + Thumbprint + " partner-a partner\n", map.Format());
    }

    [Theory]
    [InlineData("abc partner", 1, "64 hex digits")]
    [InlineData("# ok\n" + Thumbprint, 2, "principal")]
    [InlineData(Thumbprint + " a b c", 1, "THUMBPRINT PRINCIPAL")]
    [InlineData(Thumbprint + " a superuser", 1, "role")]
    [InlineData(Thumbprint + " a\n" + Thumbprint + " b", 2, "twice")]
    [InlineData("zza2b1c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f80 a", 1, "64 hex digits")]
    public void Malformed_lines_are_refused_with_their_line_number(string text, int line, string expected)
    {
        NodeConfigurationException e = Assert.Throws<NodeConfigurationException>(() => ClientCertificateMap.Parse(text));
        Assert.Equal(line, e.Line);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.Contains("line " + line.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_formatted_map_reads_back_the_same()
    {
        Gen<(string Thumbprint, string Principal, TokenRole Role)[]> gen = Gen.Select(
            Gen.Byte.Array[32].Select(Convert.ToHexStringLower),
            Gen.String["abcdefghijklmnopqrstuvwxyz0123456789-_.@"].Where(s => s.Length is > 0 and <= 256),
            Gen.Enum<TokenRole>()).Array[0, 8];
        Property.ForAll(gen, entries =>
        {
            (string Thumbprint, string Principal, TokenRole Role)[] unique = [.. entries.DistinctBy(e => e.Thumbprint)];
            string text = string.Concat(unique.Select(e => $"{e.Thumbprint} {e.Principal} {e.Role.ToString().ToUpperInvariant()}\n"));
            ClientCertificateMap map = ClientCertificateMap.Parse(text);
            Assert.Equal(unique.Length, map.Count);
            string formatted = map.Format();
            Assert.Equal(formatted, ClientCertificateMap.Parse(formatted).Format());
            Assert.Equal(unique.Length, formatted.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        });
    }

    [Fact]
    public void Any_text_is_read_or_refused_with_a_configuration_error_and_nothing_else()
    {
        Gen<string> gen = Gen.OneOf(
            Gen.String,
            Gen.String["0123456789abcdefABCDEF: \t\n#xyz"],
            Gen.Select(Gen.Byte.Array[32].Select(Convert.ToHexString), Gen.String, (t, rest) => t + " " + rest));
        Property.ForAll(gen, text =>
        {
            try
            {
                ClientCertificateMap map = ClientCertificateMap.Parse(text);
                Assert.Equal(map.Count, ClientCertificateMap.Parse(map.Format()).Count);
            }
            catch (NodeConfigurationException e)
            {
                Assert.InRange(e.Line, 1, text.Count(c => c == '\n') + 1);
            }
        }, iterations: 500);
    }
}
