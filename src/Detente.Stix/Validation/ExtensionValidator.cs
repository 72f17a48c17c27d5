using Detente.Stix.Json;
using Detente.Stix.Schema;

namespace Detente.Stix.Validation;

/// <summary>Validates an object's <c>extensions</c> dictionary (STIX 2.1 §3.2, §3.10, §7.3, §11.3).</summary>
/// <remarks>
/// A key is one of: an extension-definition id (the extension facility, which requires <c>extension_type</c>); the
/// name of a predefined extension of the object's type (validated against its description); or, on SCOs only, a
/// deprecated custom extension name ending in <c>-ext</c>.
/// </remarks>
internal static class ExtensionValidator
{
    private const string DefinitionPrefix = "extension-definition--";

    public static void Validate(JsonObject extensions, TypeSpec owner, ValidationContext ctx)
    {
        if (extensions.Count == 0)
        {
            ctx.Error(ValidationRules.EmptyDictionary, "must not be an empty dictionary");
            return;
        }

        foreach (KeyValuePair<string, JsonValue> extension in extensions)
        {
            if (ctx.IsStopped)
            {
                return;
            }

            string key = extension.Key;
            ctx.Push(key);
            if (extension.Value is not JsonObject body)
            {
                ctx.Error(ValidationRules.PropertyType, $"must be an object holding the extension's properties, not {ObjectValidator.Describe(extension.Value)}");
            }
            else if (key.StartsWith(DefinitionPrefix, StringComparison.Ordinal))
            {
                if (!Syntax.TryParseIdentifier(key, out _))
                {
                    ctx.Error(ValidationRules.ExtensionKey, "is not a valid extension-definition identifier");
                }

                ValidateDefined(body, owner, ctx);
            }
            else if (owner.Extensions.TryGetValue(key, out StructSpec? predefined))
            {
                ObjectValidator.ValidateStruct(body, predefined, owner, ctx);
            }
            else if (StixCatalog.TryGetPredefinedExtension(key, out StructSpec? elsewhere))
            {
                ctx.Error(ValidationRules.ExtensionKey, $"is a predefined extension of {elsewhere.ExtensionOf}, not of {Name(owner)}");
            }
            else if (Syntax.IsCustomExtensionName(key) && IsScoLike(owner))
            {
                // §11.3 (deprecated): custom extensions on SCOs.
                ctx.Warning(ValidationRules.ExtensionCustom, key.StartsWith("x-", StringComparison.Ordinal)
                    ? "custom extensions are deprecated; the extension SHOULD be defined by an extension-definition"
                    : "custom extensions are deprecated and SHOULD be defined by an extension-definition; a custom extension name SHOULD start with 'x-'");
                ValidateMembers(body, ctx);
            }
            else
            {
                ctx.Error(ValidationRules.ExtensionKey, Syntax.IsCustomExtensionName(key)
                    ? "custom extensions are only allowed on SCOs; use an extension-definition id as the key"
                    : $"must be an extension-definition id or the name of a predefined extension of {Name(owner)}");
            }

            ctx.Pop();
        }
    }

    private static void ValidateDefined(JsonObject body, TypeSpec owner, ValidationContext ctx)
    {
        // §3.2: when the extension facility is used, extension_type MUST be present and come from extension-type-enum.
        if (!body.TryGetValue("extension_type", out JsonValue? kind))
        {
            ctx.Error(ValidationRules.ExtensionType, "extension_type", "is required when the key is an extension-definition id");
        }
        else if (kind is not JsonString text)
        {
            ctx.Error(ValidationRules.PropertyType, "extension_type", $"must be a string, not {ObjectValidator.Describe(kind)}");
        }
        else if (!Vocabularies.ExtensionType.Contains(text.Value))
        {
            ctx.Error(ValidationRules.ExtensionType, "extension_type", $"\"{ObjectValidator.Quote(text.Value)}\" is not a value of extension-type-enum");
        }
        else if (text.Value is "new-sdo" or "new-sco" or "new-sro" && owner.Category != StixCategory.Custom)
        {
            // §7.3: the extension mechanism MUST NOT be used to redefine standardized objects.
            ctx.Error(ValidationRules.ExtensionRedefines, "extension_type", $"{text.Value} cannot be used on {owner.Type}, a type STIX 2.1 defines");
        }

        foreach (KeyValuePair<string, JsonValue> member in body)
        {
            if (member.Key != "extension_type")
            {
                ObjectValidator.ValidateCustomProperty(member.Key, member.Value, warnPrefix: false, ctx);
            }
        }
    }

    private static void ValidateMembers(JsonObject body, ValidationContext ctx)
    {
        if (body.Count == 0)
        {
            // §11.3: a custom extension MUST have one or more properties.
            ctx.Error(ValidationRules.AtLeastOneProperty, "must contain at least one property");
        }

        foreach (KeyValuePair<string, JsonValue> member in body)
        {
            ObjectValidator.ValidateCustomProperty(member.Key, member.Value, warnPrefix: false, ctx);
        }
    }

    private static bool IsScoLike(TypeSpec owner) =>
        owner.Category == StixCategory.Sco || ReferenceEquals(owner, StixCatalog.CustomSco) || ReferenceEquals(owner, StixCatalog.CustomObject);

    private static string Name(TypeSpec owner) => owner.Category == StixCategory.Custom ? "a custom object" : owner.Type;
}
