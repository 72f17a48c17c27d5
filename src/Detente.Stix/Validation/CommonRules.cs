using Detente.Stix.Identifiers;
using Detente.Stix.Json;
using Detente.Stix.Signatures;
using Detente.Stix.Schema;

namespace Detente.Stix.Validation;

/// <summary>Cross-property rules that apply to every object: versioning timestamps, granular markings, SCO ids.</summary>
internal static class CommonRules
{
    public static void Check(JsonObject obj, TypeSpec spec, ValidationContext ctx)
    {
        // §3.2, §3.6.1: modified MUST be later than or equal to created.
        if (RuleHelpers.TryGetTimestamp(obj, "created", out StixTimestamp created)
            && RuleHelpers.TryGetTimestamp(obj, "modified", out StixTimestamp modified) && modified < created)
        {
            ctx.Error(ValidationRules.ModifiedBeforeCreated, "modified", "must be later than or equal to created");
        }

        if (obj["granular_markings"] is JsonArray markings)
        {
            CheckGranularMarkings(obj, markings, ctx);
        }

        if (spec.Category == StixCategory.Sco)
        {
            CheckScoId(obj, spec, ctx);
        }
    }

    /// <summary>§7.2.3: exactly one of marking_ref and lang; every selector resolves against the object.</summary>
    private static void CheckGranularMarkings(JsonObject obj, JsonArray markings, ValidationContext ctx)
    {
        ctx.Push("granular_markings");
        for (int i = 0; i < markings.Count && !ctx.IsStopped; i++)
        {
            if (markings[i] is not JsonObject marking)
            {
                continue; // reported by the walk
            }

            ctx.Push(i);
            bool hasRef = marking.ContainsKey("marking_ref");
            bool hasLang = marking.ContainsKey("lang");
            if (hasRef == hasLang)
            {
                ctx.Error(ValidationRules.GranularMarkingTarget, hasRef
                    ? "must have either marking_ref or lang, not both"
                    : "must have marking_ref or lang");
            }

            if (marking["selectors"] is JsonArray selectors)
            {
                ctx.Push("selectors");
                for (int j = 0; j < selectors.Count && !ctx.IsStopped; j++)
                {
                    if (selectors[j] is JsonString selector && Resolve(obj, selector.Value) is string problem)
                    {
                        ctx.Push(j);
                        ctx.Error(ValidationRules.GranularMarkingSelector, $"\"{ObjectValidator.Quote(selector.Value)}\" {problem}");
                        ctx.Pop();
                    }
                }

                ctx.Pop();
            }

            ctx.Pop();
        }

        ctx.Pop();
    }

    /// <summary>Follows a selector (§7.2.3.1) from the object; returns null when it selects something, else why not.</summary>
    /// <remarks>Components are property names or dictionary keys, or zero-based list indexes written <c>[n]</c>,
    /// separated by dots: <c>description</c>, <c>external_references.[0].source_name</c>, <c>labels.[1]</c>.</remarks>
    internal static string? Resolve(JsonObject root, string selector)
    {
        if (selector.Length == 0)
        {
            return "is not a valid selector: it is empty";
        }

        JsonValue current = root;
        ReadOnlySpan<char> rest = selector;
        while (true)
        {
            int dot = rest.IndexOf('.');
            ReadOnlySpan<char> component = dot < 0 ? rest : rest[..dot];
            if (component.IsEmpty)
            {
                return "is not a valid selector: it has an empty component";
            }

            if (component[0] == '[')
            {
                if (component.Length < 3 || component[^1] != ']' || !TryParseIndex(component[1..^1], out int index))
                {
                    return "is not a valid selector: a list index must be written [n]";
                }

                if (current is not JsonArray list)
                {
                    return "does not select anything on this object: an index is applied to something that is not a list";
                }

                if (index >= list.Count)
                {
                    return $"does not select anything on this object: the list has {list.Count} item(s)";
                }

                current = list[index];
            }
            else
            {
                if (current is not JsonObject members)
                {
                    return "does not select anything on this object: a property is selected on something that is not an object";
                }

                // The selector is outside input; JsonObject looks names up by string, so this allocates once per component.
                if (!members.TryGetValue(component.ToString(), out JsonValue? next))
                {
                    return $"does not select anything on this object: there is no '{ObjectValidator.Quote(component.ToString())}'";
                }

                current = next;
            }

            if (dot < 0)
            {
                return null;
            }

            rest = rest[(dot + 1)..];
        }
    }

    /// <summary>§2.9: SCO ids SHOULD be UUIDv5; with none of its (optional) contributing properties an SCO MUST use UUIDv4.</summary>
    private static void CheckScoId(JsonObject obj, TypeSpec spec, ValidationContext ctx)
    {
        if (obj["id"] is not JsonString id || !Syntax.TryParseIdentifier(id.Value, out int separator)
            || !id.Value.AsSpan(0, separator).SequenceEqual(spec.Type))
        {
            return; // reported by the id checks
        }

        int version = Syntax.UuidVersion(id.Value);
        bool anyContributing = false;
        foreach (string name in spec.IdContributing)
        {
            if (obj.ContainsKey(name))
            {
                anyContributing = true;
                break;
            }
        }

        if (spec.IdContributingOptional && !anyContributing)
        {
            if (version != 4)
            {
                ctx.Error(ValidationRules.ScoUuidV4, "id",
                    $"must use a UUIDv4: the object has none of its ID Contributing Properties{Contributing(spec)}");
            }
        }
        else if (version != 5)
        {
            ctx.Warning(ValidationRules.ScoUuidV5, "id", $"should be a deterministic UUIDv5, not a version {version} UUID");
        }
        else if (ScoIds.Compute(StixSignatures.Unsigned(new StixObject(obj))) is { IsComputed: true } computed
            && !string.Equals(computed.Id.Value.ToString(), id.Value, StringComparison.Ordinal))
        {
            // A UUIDv5 of other values: another producer computes a different id for the same observable.
            ctx.Warning(ValidationRules.ScoDeterministicId, "id",
                $"should be {computed.Id.Value}, the UUIDv5 of its ID Contributing Properties{Contributing(spec)}");
        }
    }

    private static string Contributing(TypeSpec spec) =>
        spec.IdContributing.Length == 0 ? string.Empty : " (" + string.Join(", ", spec.IdContributing) + ")";

    private static bool TryParseIndex(ReadOnlySpan<char> digits, out int index)
    {
        index = 0;
        if (digits.Length > 9)
        {
            return false;
        }

        foreach (char c in digits)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            index = (index * 10) + (c - '0');
        }

        return true;
    }
}
