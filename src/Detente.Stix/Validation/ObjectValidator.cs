using System.Collections.Frozen;
using Detente.Stix.Json;
using Detente.Stix.Schema;

namespace Detente.Stix.Validation;

/// <summary>The generic engine: walks an object's members once against its <see cref="TypeSpec"/>, then runs the
/// cross-property rules of its type.</summary>
/// <remarks>Per object, no LINQ, no regular expressions; strings are built only for issues. Measured in
/// Validation/README.md over <c>StixExamples.ValidObjects</c>.</remarks>
internal static class ObjectValidator
{
    // STIX 2.1 §3.8.
    private static readonly FrozenSet<string> s_reserved =
        new[] { "severity", "username", "phone_number", "action" }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Validates one STIX Object at the context's current path.</summary>
    public static void ValidateObject(JsonObject obj, ValidationContext ctx)
    {
        string? type = ValidateType(obj, ctx);
        ExtensionFacts facts = ScanExtensions(obj);

        TypeSpec spec;
        bool custom = false;
        if (type is not null && StixCatalog.TryGetType(type, out TypeSpec? known))
        {
            if (known.Category == StixCategory.Bundle)
            {
                ctx.Error(ValidationRules.BundleObjects, "type", "a bundle is not a STIX Object and cannot be validated or nested as one");
                return;
            }

            spec = known;
        }
        else
        {
            custom = true;
            spec = facts.DeclaredCategory switch
            {
                StixCategory.Sdo or StixCategory.Sro => StixCatalog.CustomSdo,
                StixCategory.Sco => StixCatalog.CustomSco,
                _ => StixCatalog.CustomObject,
            };
            if (type is not null && facts.DeclaredCategory is null)
            {
                ctx.Warning(ValidationRules.CustomObject, "type",
                    type.StartsWith("x-", StringComparison.Ordinal)
                        ? $"'{type}' is a custom object; custom objects are deprecated and SHOULD be defined by an extension-definition (new-sdo, new-sco or new-sro)"
                        : $"'{type}' is a custom object; it SHOULD be defined by an extension-definition (new-sdo, new-sco or new-sro), or at least start with 'x-'");
            }
        }

        ValidateOwnId(obj, type, spec, custom, ctx);
        WalkMembers(obj, spec, allowUnprefixed: custom || facts.HasToplevelExtension, ctx);

        if (spec.AtLeastOneOf.Length > 0 && !HasAny(obj, spec.AtLeastOneOf))
        {
            ctx.Error(ValidationRules.AtLeastOneProperty, $"a {spec.Type} object must contain at least one {spec.Type} property");
        }

        CommonRules.Check(obj, spec, ctx);
        if (!custom)
        {
            TypeRules.Check(spec, obj, ctx);
        }
    }

    /// <summary>Checks the members of a nested type or predefined extension at the context's current path.</summary>
    public static void ValidateStruct(JsonObject obj, StructSpec spec, TypeSpec owner, ValidationContext ctx)
    {
        int seen = 0;
        bool any = false;
        foreach (KeyValuePair<string, JsonValue> member in obj)
        {
            if (ctx.IsStopped)
            {
                return; // nothing more would be recorded
            }

            if (spec.Properties.TryGet(member.Key, out PropertyEntry entry))
            {
                seen |= entry.RequiredBit;
                any = true;
                ValidateProperty(entry.Spec, member.Value, owner, ctx);
            }
            else
            {
                ValidateCustomProperty(member.Key, member.Value, warnPrefix: false, ctx);
            }
        }

        ReportMissing(spec.Properties, seen, ctx);
        if (spec.AtLeastOneProperty && !any)
        {
            ctx.Error(ValidationRules.AtLeastOneProperty, $"must contain at least one {spec.Name} property");
        }

        StructRules.Check(spec, obj, ctx);
    }

    /// <summary>Validates a member whose name the type does not define: a custom property (STIX 2.1 §11.1).</summary>
    public static void ValidateCustomProperty(string name, JsonValue value, bool warnPrefix, ValidationContext ctx)
    {
        if (s_reserved.Contains(name))
        {
            ctx.Error(ValidationRules.ReservedProperty, name, $"'{name}' is a reserved property name and must not be used");
            return;
        }

        if (!Syntax.IsPropertyName(name))
        {
            ctx.Error(ValidationRules.CustomPropertyName, name,
                "is not a valid property name: 3–250 ASCII letters, digits and underscores, starting with a letter");
        }
        else
        {
            if (Syntax.HasUpperCase(name))
            {
                ctx.Warning(ValidationRules.CustomPropertyLowercase, name, "property names should be lower case");
            }

            if (warnPrefix && !name.StartsWith("x_", StringComparison.Ordinal))
            {
                ctx.Warning(ValidationRules.CustomPropertyPrefix, name,
                    "is not a STIX 2.1 property; custom properties SHOULD start with 'x_' or be declared by a toplevel-property-extension");
            }
        }

        ctx.Push(name);
        switch (value)
        {
            case { Kind: JsonKind.Null }:
                ctx.Error(ValidationRules.PropertyType, "must not be null");
                break;
            case JsonArray { Count: 0 }:
                ctx.Error(ValidationRules.EmptyList, "must not be an empty list");
                break;
            case JsonObject { Count: 0 }:
                ctx.Error(ValidationRules.EmptyDictionary, "must not be an empty dictionary");
                break;
            default:
                // §2.1, §2.8: a custom property of binary or hex type ends in _bin or _hex, so the suffix tells the type.
                if (name.EndsWith("_bin", StringComparison.Ordinal) && !(value is JsonString bin && Syntax.IsBase64(bin.Value)))
                {
                    ctx.Error(ValidationRules.Binary, "must be base64-encoded binary data (a property ending in _bin)");
                }
                else if (name.EndsWith("_hex", StringComparison.Ordinal) && !(value is JsonString hex && Syntax.IsHex(hex.Value)))
                {
                    ctx.Error(ValidationRules.Hex, "must be an even number of lower-case hex digits (a property ending in _hex)");
                }

                break;
        }

        ctx.Pop();
    }

    private static string? ValidateType(JsonObject obj, ValidationContext ctx)
    {
        if (!obj.TryGetValue("type", out JsonValue? value))
        {
            ctx.Error(ValidationRules.Required, "type", "is required");
            return null;
        }

        if (value is not JsonString s)
        {
            ctx.Error(ValidationRules.PropertyType, "type", $"must be a string, not {Describe(value)}");
            return null;
        }

        if (!Syntax.IsTypeName(s.Value, requireLetterStart: true))
        {
            ctx.Error(ValidationRules.TypeFormat, "type",
                "must be 3–250 characters of a–z, 0–9 and single hyphens, starting with a letter");
            return null;
        }

        return s.Value;
    }

    private static void ValidateOwnId(JsonObject obj, string? type, TypeSpec spec, bool custom, ValidationContext ctx)
    {
        if (!obj.TryGetValue("id", out JsonValue? value))
        {
            return; // reported as missing with the other required properties
        }

        if (value is not JsonString s)
        {
            ctx.Error(ValidationRules.PropertyType, "id", $"must be a string, not {Describe(value)}");
            return;
        }

        if (!Syntax.TryParseIdentifier(s.Value, out int separator))
        {
            ctx.Error(ValidationRules.IdFormat, "id", "must be an identifier: type--UUID, with a lower-case RFC 4122 UUID");
            return;
        }

        if (type is not null && !s.Value.AsSpan(0, separator).SequenceEqual(type))
        {
            ctx.Error(ValidationRules.IdType, "id", $"must start with '{type}--', the object's type");
            return;
        }

        // §2.9: SDOs, SROs, meta objects and bundles SHOULD use UUIDv4; SCO ids are checked with their contributing properties.
        bool sdoLike = spec.Category is StixCategory.Sdo or StixCategory.Sro or StixCategory.Meta or StixCategory.Bundle
            || (custom && ReferenceEquals(spec, StixCatalog.CustomSdo));
        if (sdoLike && Syntax.UuidVersion(s.Value) != 4)
        {
            ctx.Warning(ValidationRules.UuidVersion, "id", $"should use a UUIDv4, not a version {Syntax.UuidVersion(s.Value)} UUID");
        }
    }

    private static void WalkMembers(JsonObject obj, TypeSpec spec, bool allowUnprefixed, ValidationContext ctx)
    {
        PropertySet properties = spec.Properties;
        int seen = 0;
        foreach (KeyValuePair<string, JsonValue> member in obj)
        {
            if (ctx.IsStopped)
            {
                return; // nothing more would be recorded
            }

            if (properties.TryGet(member.Key, out PropertyEntry entry))
            {
                seen |= entry.RequiredBit;
                ValidateProperty(entry.Spec, member.Value, spec, ctx);
                if (member.Key.EndsWith("_enc", StringComparison.Ordinal) && !obj.ContainsKey(member.Key[..^4]))
                {
                    ctx.Error(ValidationRules.EncodingWithoutValue, member.Key, $"must not be present without {member.Key[..^4]}");
                }
            }
            else
            {
                ValidateCustomProperty(member.Key, member.Value, warnPrefix: !allowUnprefixed, ctx);
            }
        }

        ReportMissing(properties, seen, ctx);
    }

    private static void ReportMissing(PropertySet properties, int seen, ValidationContext ctx)
    {
        int missing = properties.RequiredMask & ~seen;
        for (int i = 0; missing != 0; i++, missing >>= 1)
        {
            if ((missing & 1) == 0)
            {
                continue;
            }

            PropertySpec required = properties.Required[i];
            switch (required.Kind)
            {
                case PropertyKind.Type:
                    break; // reported by ValidateType
                case PropertyKind.String when required.Format == ValueFormat.SpecVersion:
                    ctx.Error(ValidationRules.SpecVersion, required.Name, "is required and must be \"2.1\"");
                    break;
                default:
                    ctx.Error(ValidationRules.Required, required.Name, "is required");
                    break;
            }
        }
    }

    private static void ValidateProperty(PropertySpec spec, JsonValue value, TypeSpec owner, ValidationContext ctx)
    {
        ctx.Push(spec.Name);
        switch (spec.Kind)
        {
            case PropertyKind.Type or PropertyKind.Id:
                break; // checked first, by ValidateType and ValidateOwnId
            case PropertyKind.NotApplicable:
                ctx.Warning(ValidationRules.NotApplicable, $"does not apply to {KindOf(owner)}");
                break;
            case PropertyKind.Prohibited:
                ctx.Error(ValidationRules.NotAllowed, $"must not be used on {KindOf(owner)}");
                break;
            case PropertyKind.Reserved:
                ctx.Error(ValidationRules.ReservedProperty, "is reserved and must not be used");
                break;
            default:
                if (spec.Deprecated)
                {
                    ctx.Warning(ValidationRules.Deprecated, "is deprecated");
                }

                if (value.Kind == JsonKind.Null)
                {
                    ctx.Error(ValidationRules.PropertyType, "must not be null");
                }
                else if (!spec.IsList)
                {
                    ValidateValue(spec, value, owner, ctx);
                }
                else if (value is not JsonArray list)
                {
                    ctx.Error(ValidationRules.PropertyType, $"must be a list, not {Describe(value)}");
                }
                else if (list.Count == 0)
                {
                    ctx.Error(ValidationRules.EmptyList, "must not be an empty list");
                }
                else
                {
                    // Stops at the issue limit: a huge list of bad items would otherwise cost a message per item.
                    for (int i = 0; i < list.Count && !ctx.IsStopped; i++)
                    {
                        ctx.Push(i);
                        ValidateValue(spec, list[i], owner, ctx);
                        ctx.Pop();
                    }
                }

                break;
        }

        ctx.Pop();
    }

    private static void ValidateValue(PropertySpec spec, JsonValue value, TypeSpec owner, ValidationContext ctx)
    {
        switch (spec.Kind)
        {
            case PropertyKind.String:
                if (value is not JsonString text)
                {
                    WrongType(ctx, "a string", value);
                }
                else if (spec.Format == ValueFormat.LanguageTag && !Syntax.IsLanguageTag(text.Value))
                {
                    ctx.Error(ValidationRules.LanguageTag, "must be an RFC 5646 language tag, e.g. en or de-CH");
                }
                else if (spec.Format == ValueFormat.SpecVersion && text.Value != "2.1")
                {
                    ctx.Error(ValidationRules.SpecVersion, $"must be \"2.1\", not \"{Quote(text.Value)}\"");
                }

                break;
            case PropertyKind.Boolean:
                if (value.Kind is not (JsonKind.True or JsonKind.False))
                {
                    WrongType(ctx, "a boolean", value);
                }

                break;
            case PropertyKind.Integer:
                if (value is not JsonNumber integer)
                {
                    WrongType(ctx, "an integer", value);
                }
                else if (!integer.TryGetInt64(out long whole)) // an integer within ±(2^53 − 1)
                {
                    ctx.Error(ValidationRules.OutOfRange, "must be an integer between -(2^53)+1 and (2^53)-1");
                }
                else
                {
                    CheckRange(spec, whole, ctx);
                }

                break;
            case PropertyKind.Float:
                if (value is not JsonNumber number)
                {
                    WrongType(ctx, "a number", value);
                }
                else
                {
                    CheckRange(spec, number.Value, ctx);
                }

                break;
            case PropertyKind.Timestamp:
                CheckTimestamp(spec, value, ctx);
                break;
            case PropertyKind.Identifier:
                CheckReference(spec.Refs!, value, ctx);
                break;
            case PropertyKind.Enum or PropertyKind.OpenVocab:
                CheckVocabulary(spec.Vocabulary!, value, ctx);
                break;
            case PropertyKind.Binary:
                if (value is not JsonString bin)
                {
                    WrongType(ctx, "a string", value);
                }
                else if (!Syntax.IsBase64(bin.Value))
                {
                    ctx.Error(ValidationRules.Binary, "must be RFC 4648 base64");
                }

                break;
            case PropertyKind.Hex:
                if (value is not JsonString hex)
                {
                    WrongType(ctx, "a string", value);
                }
                else if (!Syntax.IsHex(hex.Value))
                {
                    ctx.Error(ValidationRules.Hex, "must be an even number of lower-case hexadecimal digits");
                }

                break;
            case PropertyKind.Hashes:
                if (value is not JsonObject hashes)
                {
                    WrongType(ctx, "a hashes dictionary", value);
                }
                else
                {
                    CheckHashes(hashes, ctx);
                }

                break;
            case PropertyKind.Dictionary:
                if (value is not JsonObject dictionary)
                {
                    WrongType(ctx, "a dictionary", value);
                }
                else
                {
                    CheckDictionary(dictionary, spec.DictionaryValues, ctx);
                }

                break;
            case PropertyKind.Object:
                if (value is not JsonObject nested)
                {
                    WrongType(ctx, "an object", value);
                }
                else if (spec.Struct is not null)
                {
                    ValidateStruct(nested, spec.Struct, owner, ctx);
                }

                break;
            case PropertyKind.Extensions:
                if (value is not JsonObject extensions)
                {
                    WrongType(ctx, "a dictionary", value);
                }
                else
                {
                    ExtensionValidator.Validate(extensions, owner, ctx);
                }

                break;
            case PropertyKind.ObservableContainer:
                CheckObservableContainer(value, ctx);
                break;
        }
    }

    private static void CheckRange(PropertySpec spec, double value, ValidationContext ctx)
    {
        if ((spec.Min is double min && value < min) || (spec.Max is double max && value > max))
        {
            string range = spec.Max is null ? $"at least {spec.Min}" : spec.Min is null ? $"at most {spec.Max}" : $"between {spec.Min} and {spec.Max}";
            ctx.Error(ValidationRules.OutOfRange, $"must be {range}");
        }
    }

    private static void CheckTimestamp(PropertySpec spec, JsonValue value, ValidationContext ctx)
    {
        if (value is not JsonString text)
        {
            WrongType(ctx, "a timestamp string", value);
        }
        else if (!StixTimestamp.TryParse(text.Value, out StixTimestamp timestamp))
        {
            ctx.Error(ValidationRules.TimestampFormat, "must be an RFC 3339 timestamp in UTC: YYYY-MM-DDTHH:mm:ss[.s+]Z");
        }
        else if (spec.Format == ValueFormat.Millisecond && timestamp.FractionDigits < 3)
        {
            ctx.Error(ValidationRules.TimestampPrecision, "must be precise to at least the millisecond (three digits after the decimal point)");
        }
    }

    /// <summary>Checks an identifier reference: its syntax, then that the property may point to its type.</summary>
    public static void CheckReference(RefSpec refs, JsonValue value, ValidationContext ctx)
    {
        if (value is not JsonString text)
        {
            WrongType(ctx, "an identifier string", value);
        }
        else if (!Syntax.TryParseIdentifier(text.Value, out int separator))
        {
            ctx.Error(ValidationRules.RefFormat, "must be an identifier: type--UUID, with a lower-case RFC 4122 UUID");
        }
        else if (!refs.Allows(text.Value.AsSpan(0, separator)))
        {
            ctx.Error(ValidationRules.RefType, $"must reference {refs.Description}, not {text.Value.AsSpan(0, separator)}");
        }
    }

    private static void CheckVocabulary(Vocabulary vocabulary, JsonValue value, ValidationContext ctx)
    {
        if (value is not JsonString text)
        {
            WrongType(ctx, "a string", value);
        }
        else if (!vocabulary.Contains(text.Value))
        {
            if (vocabulary.IsEnum)
            {
                ctx.Error(ValidationRules.EnumValue, $"\"{Quote(text.Value)}\" is not a value of {vocabulary.Name}");
            }
            else
            {
                ctx.Warning(ValidationRules.OpenVocab,
                    $"\"{Quote(text.Value)}\" is not in {vocabulary.Name}; values outside it should be lower case with hyphens");
            }
        }
    }

    private static void CheckHashes(JsonObject hashes, ValidationContext ctx)
    {
        if (hashes.Count == 0)
        {
            ctx.Error(ValidationRules.EmptyDictionary, "must contain at least one hash");
            return;
        }

        foreach (KeyValuePair<string, JsonValue> hash in hashes)
        {
            if (ctx.IsStopped)
            {
                return;
            }

            if (!Syntax.IsHashKey(hash.Key))
            {
                ctx.Error(ValidationRules.HashKey, hash.Key, "is not a valid hash algorithm name: 3–250 ASCII letters, digits, hyphens and underscores");
                continue;
            }

            if (hash.Value is not JsonString digest)
            {
                ctx.Error(ValidationRules.PropertyType, hash.Key, $"must be a string, not {Describe(hash.Value)}");
            }
            else if (!Vocabularies.HashAlgorithm.Contains(hash.Key))
            {
                ctx.Warning(ValidationRules.HashAlgorithm, hash.Key, $"'{hash.Key}' is not in hash-algorithm-ov");
            }
            else if (Syntax.CheckHashValue(hash.Key, digest.Value) is string expected)
            {
                ctx.Error(ValidationRules.HashValue, hash.Key, $"must be {expected}");
            }
        }
    }

    private static void CheckDictionary(JsonObject dictionary, DictionaryValues values, ValidationContext ctx)
    {
        if (dictionary.Count == 0)
        {
            ctx.Error(ValidationRules.EmptyDictionary, "must not be an empty dictionary");
            return;
        }

        foreach (KeyValuePair<string, JsonValue> entry in dictionary)
        {
            if (ctx.IsStopped)
            {
                return;
            }

            if (!Syntax.IsDictionaryKey(entry.Key))
            {
                ctx.Error(ValidationRules.DictionaryKey, entry.Key, "is not a valid dictionary key: at most 250 ASCII letters, digits, hyphens and underscores");
            }

            JsonValue value = entry.Value;
            string? expected = values switch
            {
                _ when value.Kind == JsonKind.Null => "a value, not null",
                DictionaryValues.String when value is not JsonString => "a string",
                DictionaryValues.Integer when !IsInteger(value) => "an integer",
                DictionaryValues.StringOrInteger when value is not JsonString && !IsInteger(value) => "a string or an integer",
                DictionaryValues.HeaderValues when value is not JsonString && !IsStringList(value) => "a non-empty list of strings (or a string)",
                DictionaryValues.Object when value is not JsonObject => "an object",
                _ => null,
            };
            if (expected is not null)
            {
                ctx.Error(ValidationRules.PropertyType, entry.Key, $"must be {expected}");
            }
        }
    }

    private static void CheckObservableContainer(JsonValue value, ValidationContext ctx)
    {
        // §2.13 (deprecated): keys are local references, values are cyber-observable objects as in STIX 2.0. Only the
        // container's shape is checked; its objects follow the older model and have no ids of their own.
        if (value is not JsonObject container)
        {
            WrongType(ctx, "a dictionary of cyber-observable objects", value);
            return;
        }

        if (container.Count == 0)
        {
            ctx.Error(ValidationRules.EmptyDictionary, "must contain at least one object");
        }

        foreach (KeyValuePair<string, JsonValue> entry in container)
        {
            if (ctx.IsStopped)
            {
                return;
            }

            if (entry.Value is not JsonObject observable || observable["type"] is not JsonString)
            {
                ctx.Error(ValidationRules.PropertyType, entry.Key, "must be a cyber-observable object with a type");
            }
        }
    }

    private static ExtensionFacts ScanExtensions(JsonObject obj)
    {
        var facts = default(ExtensionFacts);
        if (obj["extensions"] is not JsonObject extensions)
        {
            return facts;
        }

        foreach (KeyValuePair<string, JsonValue> extension in extensions)
        {
            if (extension.Value is JsonObject body && body.GetString("extension_type") is string kind)
            {
                switch (kind)
                {
                    case "toplevel-property-extension":
                        facts.HasToplevelExtension = true;
                        break;
                    case "new-sdo":
                        facts.DeclaredCategory ??= StixCategory.Sdo;
                        break;
                    case "new-sro":
                        facts.DeclaredCategory ??= StixCategory.Sro;
                        break;
                    case "new-sco":
                        facts.DeclaredCategory ??= StixCategory.Sco;
                        break;
                }
            }
        }

        return facts;
    }

    private static bool HasAny(JsonObject obj, string[] names)
    {
        foreach (string name in names)
        {
            if (obj.ContainsKey(name))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsInteger(JsonValue value) => value is JsonNumber n && n.IsSafeInteger;

    private static bool IsStringList(JsonValue value)
    {
        if (value is not JsonArray { Count: > 0 } list)
        {
            return false;
        }

        foreach (JsonValue item in list)
        {
            if (item is not JsonString)
            {
                return false;
            }
        }

        return true;
    }

    private static void WrongType(ValidationContext ctx, string expected, JsonValue value) =>
        ctx.Error(ValidationRules.PropertyType, $"must be {expected}, not {Describe(value)}");

    public static string Describe(JsonValue value) => value.Kind switch
    {
        JsonKind.Object => "an object",
        JsonKind.Array => "a list",
        JsonKind.String => "a string",
        JsonKind.Number => "a number",
        JsonKind.True or JsonKind.False => "a boolean",
        _ => "null",
    };

    /// <summary>Outside input as a message quotes it: at most 64 characters, control characters escaped (<see cref="Printable"/>).</summary>
    public static string Quote(string value) => Printable.Escape(value, 64);

    private static string KindOf(TypeSpec owner) => owner.Category switch
    {
        StixCategory.Sco => "SCOs",
        StixCategory.Sdo => "SDOs",
        StixCategory.Sro => "SROs",
        _ when ReferenceEquals(owner, StixCatalog.CustomSco) => "SCOs",
        _ when ReferenceEquals(owner, StixCatalog.CustomSdo) => "SDOs and SROs",
        _ => $"{owner.Type} objects",
    };

    private struct ExtensionFacts
    {
        public bool HasToplevelExtension;
        public StixCategory? DeclaredCategory;
    }
}
