using Detente.Stix.Json;

namespace Detente.Stix.Validation;

/// <summary>Validates a bundle (STIX 2.1 §8) and each object in it.</summary>
internal static class BundleValidator
{
    public static void Validate(JsonObject bundle, ValidationContext ctx)
    {
        HashSet<(string Id, string? Modified)>? versions = null;
        bool hasId = false;
        foreach (KeyValuePair<string, JsonValue> member in bundle)
        {
            switch (member.Key)
            {
                case "type":
                    break;
                case "id":
                    hasId = true;
                    CheckId(member.Value, ctx);
                    break;
                case "spec_version":
                    ctx.Warning(ValidationRules.BundleSpecVersion, "spec_version",
                        "is not a bundle property in STIX 2.1 (it marks STIX 2.0 content); the objects carry their own spec_version");
                    break;
                case "objects":
                    ValidateObjects(member.Value, ref versions, ctx);
                    break;
                default:
                    ObjectValidator.ValidateCustomProperty(member.Key, member.Value, warnPrefix: false, ctx);
                    break;
            }
        }

        if (!hasId)
        {
            ctx.Error(ValidationRules.Required, "id", "is required");
        }
    }

    private static void CheckId(JsonValue value, ValidationContext ctx)
    {
        if (value is not JsonString id)
        {
            ctx.Error(ValidationRules.PropertyType, "id", $"must be a string, not {ObjectValidator.Describe(value)}");
        }
        else if (!Syntax.TryParseIdentifier(id.Value, out int separator))
        {
            ctx.Error(ValidationRules.IdFormat, "id", "must be an identifier: bundle--UUID, with a lower-case RFC 4122 UUID");
        }
        else if (!id.Value.AsSpan(0, separator).SequenceEqual("bundle"))
        {
            ctx.Error(ValidationRules.IdType, "id", "must start with 'bundle--'");
        }
        else if (Syntax.UuidVersion(id.Value) != 4)
        {
            ctx.Warning(ValidationRules.UuidVersion, "id", $"should use a UUIDv4, not a version {Syntax.UuidVersion(id.Value)} UUID");
        }
    }

    private static void ValidateObjects(JsonValue value, ref HashSet<(string Id, string? Modified)>? versions, ValidationContext ctx)
    {
        if (value is not JsonArray objects)
        {
            ctx.Error(ValidationRules.PropertyType, "objects", $"must be a list of STIX Objects, not {ObjectValidator.Describe(value)}");
            return;
        }

        if (objects.Count == 0)
        {
            ctx.Error(ValidationRules.EmptyList, "objects", "must not be an empty list; omit it instead");
            return;
        }

        ctx.Push("objects");
        for (int i = 0; i < objects.Count && !ctx.IsStopped; i++)
        {
            ctx.Push(i);
            if (objects[i] is not JsonObject obj)
            {
                ctx.Error(ValidationRules.BundleObjects, $"must be a STIX Object (a JSON object), not {ObjectValidator.Describe(objects[i])}");
            }
            else
            {
                ObjectValidator.ValidateObject(obj, ctx);
                if (obj.GetString("id") is string id)
                {
                    versions ??= new HashSet<(string, string?)>(objects.Count);
                    if (!versions.Add((id, obj.GetString("modified"))))
                    {
                        ctx.Warning(ValidationRules.BundleDuplicateObject, "id", "the bundle already holds this object version (same id and modified)");
                    }
                }
            }

            ctx.Pop();
        }

        ctx.Pop();
    }
}
