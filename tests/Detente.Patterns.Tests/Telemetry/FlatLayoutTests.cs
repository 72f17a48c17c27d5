using System.Text;
using CsCheck;
using Detente.Patterns.Telemetry;
using Detente.Testing;

namespace Detente.Patterns.Tests.Telemetry;

/// <summary>
/// The flat reader reports the same fields and time for a line whatever its layout: whitespace between tokens, escaped
/// member names and escaped values read as the compact line does (the scanner's compact fast path and its general path
/// agree, and so do the name table's plain and unescaped lookups).
/// </summary>
public sealed class FlatLayoutTests
{
    private static readonly string[] s_spaces = ["", " ", "\t", "\r\n", "  \n "];

    [Fact]
    public void Whitespace_and_escapes_change_nothing_the_reader_reports()
    {
        int events = 0;
        Property.ForAll(Gen.Select(Gen.Int[0, 1_000_000], Gen.Int[0, 1], Gen.Int[0, 4], Gen.Int[0, 4], Gen.Int[0, 3]), t =>
        {
            (int seed, int format, int space, int escape, int mode) = t;
            var generator = new TelemetryGenerator(seed, poolSize: 30);
            string line = format == 0 ? generator.ZeekLine() : generator.EveLine();
            string variant = Relayout(line, s_spaces[space], escape, mode);
            (List<string> Fields, string? Time) expected = Read(format, line);
            (List<string> Fields, string? Time) actual = Read(format, variant);
            Assert.NotNull(expected.Time);
            Assert.Equal(expected.Time, actual.Time);
            Assert.Equal(expected.Fields, actual.Fields);
            events++;
        }, iterations: 1500, print: static t => t.ToString());
        Assert.Equal(1500, events);
    }

    [Theory]
    [InlineData("{\"ts\":1,\"id.orig_h\":\"10.0.0.1\"}", "{ \"ts\" : 1 , \"id.orig_h\" : \"10.0.0.1\" }")]
    [InlineData("{\"ts\":1,\"id.orig_h\":\"10.0.0.1\"}", "{\"\\u0074s\":1,\"id\\u002eorig_h\":\"\\u0031\\u0030.0.0.1\"}")]
    [InlineData("{\"ts\":1,\"id\":{\"orig_h\":\"10.0.0.1\"}}", "{\"ts\":1,\"id\":{ \"orig_h\":\"10.0.0.1\" }}")]
    [InlineData("{\"ts\":1,\"md5\":\"d41d8cd98f00b204e9800998ecf8427e\"}", "{\"ts\":1,\"md5\":\"D41D8CD98F00B204E9800998ECF8427E\"}")]
    [InlineData("{\"ts\":1,\"id.resp_p\":443}", "{\"ts\":1,\"id.resp_p\":\"443\"}")]
    [InlineData("{\"ts\":1,\"id.resp_h\":\"2001:db8::7\"}", "{\"ts\":1,\"id.resp_h\":\"2001:DB8:0:0:0:0:0:7\"}")]
    public void Hand_picked_layouts_read_alike(string compact, string variant)
    {
        (List<string> fields, string? time) = Read(0, compact);
        Assert.NotEmpty(fields);
        Assert.NotNull(time);
        Assert.Equal(fields, Read(0, variant).Fields);
        Assert.Equal(time, Read(0, variant).Time);
    }

    /// <summary>Re-lays a compact generated line: <paramref name="space"/> around every structural token outside strings,
    /// and every <paramref name="escape"/>-th name or string (mode 1 names, 2 strings, 3 both) written with <c>\u</c> escapes.</summary>
    private static string Relayout(string line, string space, int escape, int mode)
    {
        var builder = new StringBuilder();
        bool inString = false;
        int strings = 0;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (inString)
            {
                builder.Append(c);
                if (c == '\\')
                {
                    builder.Append(line[++i]);
                }
                else if (c == '"')
                {
                    inString = false;
                }

                continue;
            }

            if (c == '"')
            {
                int end = i + 1;
                while (line[end] != '"')
                {
                    end += line[end] == '\\' ? 2 : 1;
                }

                bool isName = line[end + 1] == ':';
                bool escapeIt = escape > 0 && strings++ % (escape + 1) == 0 && (((mode & 1) != 0 && isName) || ((mode & 2) != 0 && !isName));
                if (escapeIt && line.AsSpan(i + 1, end - i - 1).IndexOf('\\') < 0)
                {
                    builder.Append('"');
                    foreach (char s in line.AsSpan(i + 1, end - i - 1))
                    {
                        builder.Append(s < 0x80 && char.IsAsciiLetterOrDigit(s) ? $"\\u{(int)s:x4}" : s.ToString());
                    }

                    builder.Append('"');
                    i = end;
                    continue;
                }

                inString = true;
                builder.Append(c);
                continue;
            }

            if (c is '{' or '}' or '[' or ']' or ',' or ':')
            {
                builder.Append(space).Append(c).Append(space);
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    private static (List<string> Fields, string? Time) Read(int format, string line)
    {
        var keys = new FieldKeyTable();
        var reader = new FlatEventReader(format == 0 ? FlatLogMapping.Zeek : FlatLogMapping.Eve, keys);
        var sink = new RecordingSink(keys);
        bool ok = reader.Read(Encoding.UTF8.GetBytes(line), 1, 0, ref sink);
        return ok ? (sink.Events[0].Fields, sink.Events[0].Event.StixTimestamp.ToString()) : ([], null);
    }
}
