using Detente.Stix.Json;
using Detente.Stix.Schema;

namespace Detente.Stix.Validation;

/// <summary>Cross-property rules of the STIX Meta Objects (§7).</summary>
internal static class MetaRules
{
    private static readonly TypeSpec s_markingDefinition = StixCatalog.TryGetType("marking-definition", out TypeSpec? spec)
        ? spec
        : throw new InvalidOperationException("The catalog has no marking-definition.");

    /// <summary>§7.1</summary>
    public static void LanguageContent(JsonObject obj, ValidationContext ctx)
    {
        if (obj["contents"] is not JsonObject contents)
        {
            return;
        }

        ctx.Push("contents");
        foreach (KeyValuePair<string, JsonValue> language in contents)
        {
            if (!Syntax.IsLanguageTag(language.Key))
            {
                ctx.Error(ValidationRules.LanguageContentKey, language.Key, "must be an RFC 5646 language tag");
            }
        }

        ctx.Pop();
    }

    /// <summary>§7.2.1, plus the TLP 2.0 marking definitions of the OASIS extension.</summary>
    public static void MarkingDefinition(JsonObject obj, ValidationContext ctx)
    {
        string? id = obj.GetString("id");
        bool tlp1 = TlpMarkings.TryGetTlp1Level(id, out string tlp1Level);
        bool tlp2 = TlpMarkings.TryGetTlp2Level(id, out string tlp2Level);

        if (!obj.ContainsKey("extensions"))
        {
            foreach (string name in (ReadOnlySpan<string>)["definition_type", "definition"])
            {
                if (!obj.ContainsKey(name))
                {
                    ctx.Error(ValidationRules.MarkingDefinition, name, "is required when extensions is absent");
                }
            }
        }

        string? definitionType = obj.GetString("definition_type");
        if (definitionType is not null && !tlp1)
        {
            ctx.Warning(ValidationRules.MarkingDeprecatedDefinition, "definition_type",
                "is deprecated; new marking definitions SHOULD be defined by an extension");
        }

        JsonObject? definition = obj["definition"] as JsonObject;
        if (definition is not null && definitionType is "statement" or "tlp")
        {
            ctx.Push("definition");
            ObjectValidator.ValidateStruct(definition, definitionType == "tlp" ? Structs.TlpMarking : Structs.StatementMarking, s_markingDefinition, ctx);
            ctx.Pop();
        }

        if (definitionType == "tlp" || tlp1)
        {
            CheckTlp1(obj, id, tlp1, tlp1Level, definition, ctx);
        }

        if (tlp2)
        {
            CheckTlp2(obj, tlp2Level, ctx);
        }
        else if (obj["extensions"] is JsonObject extensions && extensions.ContainsKey(TlpMarkings.Tlp2ExtensionDefinition))
        {
            ctx.Error(ValidationRules.MarkingTlp2, "id", "is not one of the five TLP 2.0 marking definitions; no other may use the TLP 2.0 extension");
        }

        CheckCircular(obj, id, ctx);
    }

    /// <summary>§7.3</summary>
    public static void ExtensionDefinition(JsonObject obj, ValidationContext ctx)
    {
        bool toplevel = false;
        if (obj["extension_types"] is JsonArray types)
        {
            foreach (JsonValue type in types)
            {
                toplevel |= type is JsonString { Value: "toplevel-property-extension" };
            }
        }

        bool listsProperties = obj.ContainsKey("extension_properties");
        if (listsProperties && !toplevel)
        {
            ctx.Error(ValidationRules.ExtensionDefinitionProperties, "extension_properties",
                "must only be used when extension_types includes toplevel-property-extension");
        }
        else if (toplevel && !listsProperties)
        {
            ctx.Warning(ValidationRules.ExtensionDefinitionToplevel, "extension_properties",
                "should list the property names a toplevel-property-extension adds");
        }

        if (!obj.ContainsKey("description"))
        {
            ctx.Warning(ValidationRules.ExtensionDefinitionDescription, "description", "should be populated");
        }
    }

    /// <summary>§7.2.1.4: the four TLP 1.0 marking definitions are fixed; no other TLP marking definition may exist.</summary>
    private static void CheckTlp1(JsonObject obj, string? id, bool known, string level, JsonObject? definition, ValidationContext ctx)
    {
        if (!known)
        {
            ctx.Error(ValidationRules.MarkingTlp, "id", "a TLP marking definition must be one of the four the specification defines (TLP 1.0 white, green, amber, red)");
            return;
        }

        string name = "TLP:" + level.ToUpperInvariant();
        Expect(obj, "definition_type", "tlp", ValidationRules.MarkingTlp, ctx);
        Expect(obj, "name", name, ValidationRules.MarkingTlp, ctx);
        Expect(obj, "created", TlpMarkings.Tlp1Created, ValidationRules.MarkingTlp, ctx);
        if (definition is not null && definition.GetString("tlp") is string tlp && tlp != level)
        {
            ctx.Error(ValidationRules.MarkingTlp, "definition", $"tlp must be \"{level}\" for {id}");
        }

        foreach (KeyValuePair<string, JsonValue> member in obj)
        {
            if (member.Key is not ("type" or "spec_version" or "id" or "created" or "definition_type" or "name" or "definition"))
            {
                ctx.Error(ValidationRules.MarkingTlp, member.Key, $"is not part of the standard {name} marking definition");
            }
        }
    }

    /// <summary>The TLP 2.0 marking definitions published with the OASIS extension (extension-definition--60a3c5c5…).</summary>
    private static void CheckTlp2(JsonObject obj, string level, ValidationContext ctx)
    {
        Expect(obj, "name", "TLP:" + level.ToUpperInvariant(), ValidationRules.MarkingTlp2, ctx);
        if (obj["extensions"] is not JsonObject extensions || extensions[TlpMarkings.Tlp2ExtensionDefinition] is not JsonObject extension)
        {
            ctx.Error(ValidationRules.MarkingTlp2, "extensions", $"must carry the TLP 2.0 extension {TlpMarkings.Tlp2ExtensionDefinition}");
            return;
        }

        ctx.Push("extensions");
        ctx.Push(TlpMarkings.Tlp2ExtensionDefinition);
        Expect(extension, "extension_type", "property-extension", ValidationRules.MarkingTlp2, ctx);
        Expect(extension, "tlp_2_0", level, ValidationRules.MarkingTlp2, ctx);
        ctx.Pop();
        ctx.Pop();
    }

    /// <summary>§3.2: object_marking_refs and granular_markings MUST NOT reference the marking definition itself.</summary>
    private static void CheckCircular(JsonObject obj, string? id, ValidationContext ctx)
    {
        if (id is null)
        {
            return;
        }

        if (obj["object_marking_refs"] is JsonArray refs)
        {
            for (int i = 0; i < refs.Count; i++)
            {
                if (refs[i] is JsonString { Value: var value } && value == id)
                {
                    ctx.Push("object_marking_refs");
                    ctx.Push(i);
                    ctx.Error(ValidationRules.MarkingCircular, "a marking definition must not mark itself");
                    ctx.Pop();
                    ctx.Pop();
                }
            }
        }

        if (obj["granular_markings"] is JsonArray markings)
        {
            for (int i = 0; i < markings.Count; i++)
            {
                if (markings[i] is JsonObject marking && marking.GetString("marking_ref") == id)
                {
                    ctx.Push("granular_markings");
                    ctx.Push(i);
                    ctx.Error(ValidationRules.MarkingCircular, "marking_ref", "a marking definition must not mark itself");
                    ctx.Pop();
                    ctx.Pop();
                }
            }
        }
    }

    private static void Expect(JsonObject obj, string name, string expected, string rule, ValidationContext ctx)
    {
        if (obj.GetString(name) != expected)
        {
            ctx.Error(rule, name, $"must be \"{expected}\" for this standard marking definition");
        }
    }
}
