using System.Globalization;
using System.Text;
using CsCheck;
using Detente.Testing;

namespace Detente.Taxii.Tests.Negotiation;

/// <summary>
/// The header functions never throw, whatever the input; and on generated well-formed Accept headers they agree with
/// a plain re-statement of RFC 9110 §12.5.1 written independently here.
/// </summary>
public sealed class NegotiationProperties
{
    private static readonly Gen<string> s_anyHeader = Gen.Frequency(
        (4, Gen.String[Gen.OneOf(Gen.Char["abcjnopstx*+/;=,\"\\ \t.0123456789qQ"], Gen.Char['\0', '\u00ff']), 0, 60]),
        (1, Gen.String[Gen.Char, 0, 40]),
        (2, Gen.OneOf(Gen.Const("application/taxii+json;version=2.1"), Gen.Const("*/*;q=0.5"), Gen.Const("application/taxii+json;version=\"2.\\1\""))
            .Array[1, 4].Select(static parts => string.Join(',', parts))));

    private static readonly string[] s_ranges =
        ["*/*", "application/*", "application/taxii+json", "application/json", "text/*", "application/stix+json", "text/html"];

    private static readonly string[] s_parameters =
        ["version=2.1", "version=\"2.1\"", "version=2.0", "charset=utf-8", "charset=\"UTF-8\"", "charset=latin1", "foo=bar", "level=1"];

    private static readonly string[] s_qualities = ["0", "0.0", "0.001", "0.2", "0.5", "0.75", "0.999", "1", "1.0", "1.000"];

    /// <summary>A well-formed media range: (range, media parameters, q or null, accept extensions).</summary>
    private static readonly Gen<Element> s_element =
        Gen.Select(Gen.Int[0, s_ranges.Length - 1], Gen.Int[0, 7].Array[0, 3], Gen.Int[-1, s_qualities.Length - 1], Gen.Bool, Gen.Bool,
            static (range, parameters, quality, extension, upper) =>
            {
                // At most one version and one charset per range: a repeated one makes the range malformed.
                var chosen = new List<string>();
                foreach (int p in parameters)
                {
                    string name = s_parameters[p][..s_parameters[p].IndexOf('=', StringComparison.Ordinal)];
                    if (!chosen.Any(c => c.StartsWith(name + "=", StringComparison.Ordinal)))
                    {
                        chosen.Add(s_parameters[p]);
                    }
                }

                string text = upper ? s_ranges[range].ToUpperInvariant() : s_ranges[range];
                return new Element(text, [.. chosen], quality < 0 ? null : s_qualities[quality], quality >= 0 && extension);
            });

    private static readonly Gen<(Element[] Elements, int[] Spaces)> s_header = Gen.Select(s_element.Array[1, 5], Gen.Int[0, 2].Array[40]);

    private sealed record Element(string Range, string[] Parameters, string? Quality, bool Extension)
    {
        public string Write(int[] spaces, ref int k)
        {
            var builder = new StringBuilder(Range);
            IEnumerable<string> parts = Parameters;
            if (Quality is not null)
            {
                parts = parts.Append("q=" + Quality);
                if (Extension)
                {
                    parts = parts.Append("version=9.9");
                }
            }

            foreach (string part in parts)
            {
                builder.Append(' ', spaces[k++ % spaces.Length]).Append(';').Append(' ', spaces[k++ % spaces.Length]).Append(part);
            }

            return builder.ToString();
        }
    }

    private static string Header(Element[] elements, int[] spaces)
    {
        int k = 0;
        var parts = new List<string>();
        foreach (Element e in elements)
        {
            parts.Add(e.Write(spaces, ref k));
        }

        return string.Join("," + new string(' ', spaces[0]), parts);
    }

    [Fact]
    public void Header_functions_never_throw_and_stay_in_range()
    {
        Property.ForAll(s_anyHeader, header =>
        {
            int q = TaxiiMediaTypes.Taxii21Quality(header);
            Assert.InRange(q, 0, 1000);
            Assert.InRange(TaxiiMediaTypes.Stix21Quality(header), 0, 1000);
            _ = TaxiiMediaTypes.IsTaxii21ContentType(header);
        }, iterations: 5000);
    }

    [Fact]
    public void Generated_accept_headers_get_the_quality_the_rfc_gives_them()
    {
        Property.ForAll(s_header, h =>
        {
            string header = Header(h.Elements, h.Spaces);
            Assert.Equal(Reference(header), TaxiiMediaTypes.Taxii21Quality(header));
        }, iterations: 3000, print: h => Header(h.Elements, h.Spaces));
    }

    [Fact]
    public void The_order_of_the_elements_does_not_matter()
    {
        Property.ForAll(s_header, h =>
        {
            string header = Header(h.Elements, h.Spaces);
            string reversed = Header([.. h.Elements.Reverse()], h.Spaces);
            Assert.Equal(TaxiiMediaTypes.Taxii21Quality(header), TaxiiMediaTypes.Taxii21Quality(reversed));
        }, iterations: 1000, print: h => Header(h.Elements, h.Spaces));
    }

    [Fact]
    public void The_case_of_type_and_parameter_names_does_not_matter_to_content_type()
    {
        Gen<string> contentTypes = Gen.OneOf(
            Gen.Const("application/taxii+json;version=2.1"), Gen.Const("application/taxii+json; charset=utf-8"),
            Gen.Const("application/taxii+json;version=2.0"), Gen.Const("application/json"), Gen.Const("application/taxii+json"));
        Property.ForAll(Gen.Select(contentTypes, Gen.Bool.Array[40]), t =>
        {
            (string text, bool[] upper) = t;
            var mixed = new StringBuilder();
            for (int i = 0; i < text.Length; i++)
            {
                mixed.Append(upper[i % upper.Length] ? char.ToUpperInvariant(text[i]) : text[i]);
            }

            Assert.Equal(TaxiiMediaTypes.IsTaxii21ContentType(text), TaxiiMediaTypes.IsTaxii21ContentType(mixed.ToString()));
        });
    }

    /// <summary>RFC 9110 §12.5.1 for the generated (well-formed, unquoted-comma) headers, stated plainly.</summary>
    private static int Reference(string header)
    {
        (int Level, int Parameters, int Quality)? best = null;
        bool any = false;
        foreach (string raw in header.Split(','))
        {
            string element = raw.Trim(' ', '\t');
            if (element.Length == 0)
            {
                continue;
            }

            any = true;
            string[] parts = element.Split(';').Select(p => p.Trim(' ', '\t')).ToArray();
            string range = parts[0].ToLowerInvariant();
            int level = range switch { "*/*" => 0, "application/*" => 1, "application/taxii+json" => 2, _ => -1 };
            bool matches = level >= 0;
            int count = 0;
            int quality = 1000;
            foreach (string parameter in parts.Skip(1).Where(p => p.Length > 0))
            {
                string name = parameter[..parameter.IndexOf('=', StringComparison.Ordinal)].ToLowerInvariant();
                string value = parameter[(name.Length + 1)..].Trim('"');
                if (name == "q")
                {
                    quality = (int)Math.Round(decimal.Parse(value, CultureInfo.InvariantCulture) * 1000);
                    break; // what follows q is an accept extension
                }

                count++;
                matches &= name switch
                {
                    "version" => value == "2.1",
                    "charset" => value.Equals("utf-8", StringComparison.OrdinalIgnoreCase),
                    _ => false,
                };
            }

            if (matches && (best is null || (level, count).CompareTo((best.Value.Level, best.Value.Parameters)) > 0))
            {
                best = (level, count, quality);
            }
            else if (matches && (level, count) == (best!.Value.Level, best.Value.Parameters))
            {
                best = (level, count, Math.Max(quality, best.Value.Quality));
            }
        }

        return !any ? 1000 : best?.Quality ?? 0;
    }
}
