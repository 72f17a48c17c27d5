using CsCheck;
using Detente.Stix.Json;

namespace Detente.Testing;

/// <summary>Seeded generators of JSON values for property tests and benchmarks.</summary>
public static class JsonGenerators
{
    /// <summary>Strings mixing ASCII, control characters, escapes, non-ASCII and astral-plane characters.</summary>
    public static Gen<string> String { get; } = Gen.Frequency(
        (6, Gen.String[Gen.Char['a', 'z'], 0, 12]),
        (2, Gen.String[Gen.Char[(char)0, (char)0x7F], 0, 8]),
        (1, Gen.String[Gen.OneOf(Gen.Char['\u00A0', '\u07FF'], Gen.Char['\u0800', '\uD7FF'], Gen.Char['\uE000', '\uFFFD']), 0, 6]),
        (1, Gen.Int[0x10000, 0x10FFFF].Array[0, 3].Select(cps => string.Concat(cps.Select(char.ConvertFromUtf32)))));

    /// <summary>Finite doubles: small integers, safe integers, fractions, and arbitrary finite bit patterns.</summary>
    public static Gen<double> Number { get; } = Gen.Frequency(
        (4, Gen.Int[-1000, 1000].Select(static i => (double)i)),
        (2, Gen.Long[-JsonNumber.MaxSafeInteger, JsonNumber.MaxSafeInteger].Select(static l => (double)l)),
        (2, Gen.Double[-1e6, 1e6]),
        (2, Gen.Long.Select(BitConverter.Int64BitsToDouble).Where(JsonNumber.HasExactForm)));

    /// <summary>Scalar JSON values.</summary>
    public static Gen<JsonValue> Scalar { get; } = Gen.Frequency(
        (4, String.Select(static s => (JsonValue)new JsonString(s))),
        (3, Number.Select(static d => (JsonValue)new JsonNumber(d))),
        (1, Gen.OneOf(Gen.Const(JsonValue.True), Gen.Const(JsonValue.False), Gen.Const(JsonValue.Null))));

    /// <summary>JSON trees up to four levels deep, objects with unique member names.</summary>
    public static Gen<JsonValue> Value { get; } = Nested(4);

    /// <summary>JSON objects (top level).</summary>
    public static Gen<JsonObject> ObjectValue { get; } = Object(Value);

    private static Gen<JsonValue> Nested(int levels)
    {
        Gen<JsonValue> value = Scalar;
        for (int i = 0; i < levels; i++)
        {
            Gen<JsonValue> inner = value;
            value = Gen.Frequency(
                (5, Scalar),
                (2, inner.Array[0, 5].Select(static items => (JsonValue)JsonArray.Create(items))),
                (2, Object(inner).Select(static o => (JsonValue)o)));
        }

        return value;
    }

    private static Gen<JsonObject> Object(Gen<JsonValue> values) =>
        Gen.Select(String.Array[0, 8], values.Array[8], static (names, vals) =>
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var members = new List<KeyValuePair<string, JsonValue>>();
            for (int i = 0; i < names.Length; i++)
            {
                if (seen.Add(names[i]))
                {
                    members.Add(new KeyValuePair<string, JsonValue>(names[i], vals[i]));
                }
            }

            return JsonObject.Create(members);
        });
}
