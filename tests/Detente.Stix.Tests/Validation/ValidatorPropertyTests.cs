using CsCheck;
using Detente.Stix.Json;
using Detente.Stix.Schema;
using Detente.Stix.Validation;
using Detente.Testing;

namespace Detente.Stix.Tests.Validation;

/// <summary>Properties that hold for any input: the validator never throws on bad input, answers the same way every
/// time and on every thread, and never lets a required property go missing unnoticed.</summary>
public sealed class ValidatorPropertyTests : ValidationTestBase
{
    private static readonly JsonObject[] s_examples = StixExamples.ValidObjects.Values
        .Concat(StixExamples.ValidVariants.Values)
        .Select(static json => (JsonObject)Parse(json))
        .ToArray();

    // Replacement values chosen to hit every type check: null (remove the member), JSON null, wrong kinds, edge numbers,
    // near-miss strings, empty and nested containers, a large string.
    private static readonly JsonValue?[] s_replacements =
    [
        null,
        JsonValue.Null,
        JsonValue.True,
        new JsonNumber(0),
        new JsonNumber(-1),
        new JsonNumber(1.5),
        new JsonNumber(1e300),
        new JsonNumber(9007199254740991),
        new JsonString(string.Empty),
        new JsonString("x"),
        new JsonString("indicator--82e86ebf-5046-4ed4-909d-41936f1b1bb3"),
        new JsonString("bundle"),
        new JsonString("2024-13-01T00:00:00Z"),
        new JsonString("labels.[0]..x.[99999999999]"),
        new JsonString(new string('é', 10_000)),
        JsonArray.Empty,
        JsonObject.Empty,
        JsonArray.Create(JsonValue.Null),
        JsonObject.Create(("type", JsonValue.Null), ("extension_type", "new-sco")),
        JsonArray.Create(new JsonValue[] { JsonArray.Create(JsonObject.Create(("selectors", JsonArray.Create("id")))) }),
    ];

    private static readonly Gen<(int Example, int[] Path, int Replacement, bool AddMember)> s_mutations = Gen.Select(
        Gen.Int[0, s_examples.Length - 1],
        Gen.Int[0, 1000].Array[1, 5],
        Gen.Int[0, s_replacements.Length - 1],
        Gen.Bool);

    [Fact]
    public void Validating_mutated_objects_never_throws_and_is_repeatable()
    {
        s_mutations.Sample(mutation =>
        {
            JsonObject obj = s_examples[mutation.Example];
            JsonValue? replacement = s_replacements[mutation.Replacement];
            JsonValue mutated = mutation.AddMember
                ? obj.With("x_" + mutation.Path[0].ToString(System.Globalization.CultureInfo.InvariantCulture), replacement ?? JsonValue.Null)
                : Mutate(obj, mutation.Path, 0, replacement);

            ValidationReport first = Validator.Validate(mutated);
            ValidationReport again = Validator.Validate(mutated);
            Assert.Equal(first.Errors, again.Errors);
            Assert.Equal(first.Warnings, again.Warnings);

            // The same object inside a bundle has the same issues, under $.objects[0].
            if (mutated is JsonObject o && o.GetString("type") != "bundle")
            {
                JsonObject bundle = JsonObject.Create(
                    ("type", "bundle"), ("id", "bundle--94ab9d9a-3b11-4ac6-8214-079b66c93fcb"), ("objects", JsonArray.Create(o)));
                ValidationReport inBundle = Validator.Validate(bundle);
                Assert.Equal(
                    first.Errors.Select(static e => e with { Path = "$.objects[0]" + e.Path[1..] }),
                    inBundle.Errors);
            }
        }, iter: 3000);
    }

    [Fact]
    public void Removing_any_required_property_from_an_example_is_an_error()
    {
        foreach (KeyValuePair<string, string> example in StixExamples.ValidObjects)
        {
            Assert.True(StixCatalog.TryGetType(example.Key, out TypeSpec? spec));
            foreach (PropertySpec required in spec.Properties.Required)
            {
                ValidationReport report = Validate(ExampleWith(example.Key, (required.Name, null)));

                Assert.False(report.IsValid, $"{example.Key} without {required.Name}");
                Assert.Contains(report.Errors, e => e.Path == "$." + required.Name || (required.Name == "type" && e.Path == "$.type"));
            }
        }
    }

    [Fact]
    public void Validation_gives_the_same_answers_on_many_threads()
    {
        string[] documents = StixExamples.ValidObjects.Values
            .Select(static json => With(json, ("created", "\"2024\""), ("x-bad", "1")))
            .ToArray();
        ValidationReport[] expected = documents.Select(static d => Validate(d)).ToArray();

        Parallel.For(0, 4000, i =>
        {
            ValidationReport report = Validate(documents[i % documents.Length]);
            Assert.Equal(expected[i % documents.Length].Errors, report.Errors);
        });
    }

    private static JsonValue Mutate(JsonValue value, int[] path, int depth, JsonValue? replacement)
    {
        if (depth == path.Length)
        {
            return replacement ?? JsonValue.Null;
        }

        switch (value)
        {
            case JsonObject { Count: > 0 } obj:
                KeyValuePair<string, JsonValue> member = obj[path[depth] % obj.Count];
                return depth == path.Length - 1 && replacement is null
                    ? obj.Without(member.Key)
                    : obj.With(member.Key, Mutate(member.Value, path, depth + 1, replacement));
            case JsonArray { Count: > 0 } array:
                JsonValue[] items = array.ToArray();
                int index = path[depth] % items.Length;
                items[index] = Mutate(items[index], path, depth + 1, replacement);
                return JsonArray.Create(items);
            default:
                return replacement ?? JsonValue.Null;
        }
    }
}
