using System.Text;
using System.Text.Json;
using CsCheck;
using Detente.Patterns.Telemetry;
using Detente.Testing;

namespace Detente.Patterns.Tests.Telemetry;

/// <summary>
/// The flat lines' JSON scanner accepts exactly what <see cref="Utf8JsonReader"/> accepts (comments and trailing commas
/// disallowed, the same maximum depth), over generated lines, hand-picked edge cases and seeded mutations of both; and
/// unescapes strings exactly as it does.
/// </summary>
public sealed class FlatJsonScannerTests
{
    private const int MaxDepth = 6;

    private static readonly byte[][] s_tokens =
    [
        "{"u8.ToArray(), "}"u8.ToArray(), "["u8.ToArray(), "]"u8.ToArray(), ","u8.ToArray(), ":"u8.ToArray(), "\""u8.ToArray(),
        "\\"u8.ToArray(), "\\u"u8.ToArray(), "\\ud800"u8.ToArray(), "\\udc00"u8.ToArray(), "\\u00e9"u8.ToArray(), "\\n"u8.ToArray(),
        "\\x"u8.ToArray(), "null"u8.ToArray(), "true"u8.ToArray(), "fals"u8.ToArray(), "1e400"u8.ToArray(), "-0"u8.ToArray(),
        "01"u8.ToArray(), "1."u8.ToArray(), ".5"u8.ToArray(), "1e"u8.ToArray(), "1E+2"u8.ToArray(), "-"u8.ToArray(), " "u8.ToArray(),
        "\t"u8.ToArray(), "\r\n"u8.ToArray(), [0x0B], [0x1F], [0x7F], [0xFF], [0xC3], [0xEF, 0xBB, 0xBF], [0], "/*x*/"u8.ToArray(),
        "[[[[[[[["u8.ToArray(), "]]]]]]]]"u8.ToArray(), "{\"a\":{\"b\":{\"c\":"u8.ToArray(),
    ];

    public static TheoryData<string> Edges =>
    [
        "{}", " {} ", "{\"a\":1}", "{\"a\":1,}", "{,\"a\":1}", "{\"a\" 1}", "{\"a\":}", "{\"a\":1 \"b\":2}", "{\"a\":[1,]}",
        "{\"a\":[,1]}", "{\"a\":[]}", "{\"a\":[1 2]}", "{\"a\":01}", "{\"a\":-}", "{\"a\":1.}", "{\"a\":.1}", "{\"a\":1e}",
        "{\"a\":1e+}", "{\"a\":-0.0e-0}", "{\"a\":1x}", "{\"a\":truex}", "{\"a\":nul}", "{\"a\":\"\\q\"}", "{\"a\":\"\\u12\"}",
        "{\"a\":\"\\u12G4\"}", "{\"a\":\"\\ud800\"}", "{\"a\":\"\t\"}", "{\"a\":\"x", "{\"a\":\"x\\", "{\"a\":\"x\\u00", "{\"a\":1}}",
        "{\"a\":1} {}", "{\"a\":1}\n", "[1]", "\"text\"", "1", "x", "", " ", "{\"a\":[[[[[1]]]]]}", "{\"a\":[[[[[[1]]]]]]}",
        "{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":1}}}}}", "{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{}}}}}}", "{\"\\u00e9\":\"\\ud83d\\ude00\"}",
        "{\"a\":\"\\/\\b\\f\\n\\r\\t\\\"\\\\\"}", "{\"a\":/*c*/1}", "{\"a\":1}//",
    ];

    [Theory]
    [MemberData(nameof(Edges))]
    public void Edge_cases_are_accepted_exactly_when_Utf8JsonReader_accepts_them(string text) =>
        AssertAgrees(Encoding.UTF8.GetBytes(text));

    [Fact]
    public void Generated_and_mutated_lines_are_accepted_exactly_when_Utf8JsonReader_accepts_them()
    {
        var generator = new TelemetryGenerator(seed: 5, poolSize: 20);
        var seeds = new List<byte[]>();
        for (int i = 0; i < 30; i++)
        {
            seeds.Add(Encoding.UTF8.GetBytes(generator.ZeekLine()));
            seeds.Add(Encoding.UTF8.GetBytes(generator.EveLine()));
        }

        seeds.AddRange(Edges.Select(static row => Encoding.UTF8.GetBytes(row.Data)));
        int accepted = 0;
        FuzzMutator.Run("flat-json-scanner", input => accepted += AssertAgrees(input) ? 1 : 0, seeds, randomSeed: 20261124,
            iterations: 20_000, tokens: s_tokens);
        Assert.True(accepted > 1_000, $"only {accepted} mutated lines were valid JSON: the comparison says too little");
    }

    [Fact]
    public void Unescaping_gives_what_Utf8JsonReader_gives_and_refuses_a_lone_surrogate()
    {
        string[] parts = ["a", "é", "\\u00e9", "\\ud83d\\ude00", "\\ud83d", "\\ude00", "\\n", "\\\"", "\\\\", "\\/", "\\u0000", "\\uFFFF", "😀", "\\b"];
        Property.ForAll(Gen.Int[0, parts.Length - 1].Array[0, 6], picks =>
        {
            byte[] raw = Encoding.UTF8.GetBytes(string.Concat(picks.Select(p => parts[p])));
            byte[] json = [(byte)'"', .. raw, (byte)'"'];
            var reader = new Utf8JsonReader(json);
            reader.Read();
            byte[]? expected;
            try
            {
                byte[] buffer = new byte[raw.Length];
                expected = buffer[..reader.CopyString(buffer)];
            }
            catch (InvalidOperationException)
            {
                expected = null;
            }

            byte[] destination = new byte[raw.Length];
            int length = FlatJsonScanner.Unescape(raw, destination);
            Assert.Equal(expected is null ? -1 : expected.Length, length);
            if (expected is not null)
            {
                Assert.Equal(expected, destination[..length]);
            }
        }, iterations: 2000, print: picks => string.Join("|", picks.Select(p => parts[p])));
    }

    /// <summary>Asserts that the scanner and <see cref="Utf8JsonReader"/> agree on <paramref name="line"/>; returns whether
    /// it is a JSON object both accept.</summary>
    private static bool AssertAgrees(byte[] line)
    {
        bool expected = ReaderAccepts(line);
        bool actual = ScannerAccepts(line, out string? error);
        Assert.True(expected == actual, $"Utf8JsonReader {(expected ? "accepts" : "refuses")}, the scanner {(actual ? "accepts" : "refuses: " + error)}: "
            + Convert.ToBase64String(line));
        return actual;
    }

    private static bool ReaderAccepts(byte[] line)
    {
        var reader = new Utf8JsonReader(line, new JsonReaderOptions { MaxDepth = MaxDepth, CommentHandling = JsonCommentHandling.Disallow });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            reader.Skip();
            return !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool ScannerAccepts(byte[] line, out string? error)
    {
        var scanner = new FlatJsonScanner(line, MaxDepth);
        try
        {
            if (!scanner.StartRootObject())
            {
                error = "not an object";
                return false;
            }

            for (bool first = true; scanner.NextMember(first, out _, out _); first = false)
            {
                scanner.SkipValue();
            }

            scanner.EndRoot();
            error = null;
            return true;
        }
        catch (FlatLineException e)
        {
            error = e.Message;
            return false;
        }
    }
}
