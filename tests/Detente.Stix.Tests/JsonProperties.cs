using Detente.Stix.Json;
using Detente.Testing;

namespace Detente.Stix.Tests;

/// <summary>Properties of reading and canonicalizing JSON (fixed seed; see Detente.Testing.Property).</summary>
public sealed class JsonProperties
{
    private static readonly StixReader s_reader = new();

    [Fact]
    public void Parse_of_canonical_form_gives_back_the_value()
    {
        Property.ForAll(JsonGenerators.Value, value =>
        {
            JsonValue parsed = s_reader.Parse(JsonCanonicalizer.Canonicalize(value));
            Assert.True(value.Equals(parsed), "parsed value differs");
        }, iterations: 500, print: v => v.ToString());
    }

    [Fact]
    public void Canonicalization_is_idempotent()
    {
        Property.ForAll(JsonGenerators.Value, value =>
        {
            byte[] once = JsonCanonicalizer.Canonicalize(value);
            byte[] twice = JsonCanonicalizer.Canonicalize(s_reader.Parse(once));
            Assert.Equal(once, twice);
        }, iterations: 500, print: v => v.ToString());
    }

    [Fact]
    public void Canonical_form_does_not_depend_on_member_order()
    {
        Property.ForAll(JsonGenerators.ObjectValue, o =>
        {
            JsonObject reversed = JsonObject.Create(o.Reverse());
            Assert.Equal(JsonCanonicalizer.Canonicalize(o), JsonCanonicalizer.Canonicalize(reversed));
            Assert.True(o.Equals(reversed), "reordered object differs");
            Assert.Equal(o.GetHashCode(), reversed.GetHashCode());
        }, iterations: 300, print: v => v.ToString());
    }

    [Fact]
    public void Every_finite_double_round_trips_through_its_canonical_form()
    {
        Property.ForAll(JsonGenerators.Number, d =>
        {
            string text = new JsonNumber(d).ToString();
            Assert.Equal(d == 0 ? 0 : d, double.Parse(text, System.Globalization.CultureInfo.InvariantCulture));
        }, iterations: 2000);
    }
}
