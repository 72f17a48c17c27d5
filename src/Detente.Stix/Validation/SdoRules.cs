using Detente.Stix.Json;
using Detente.Stix.Schema;

namespace Detente.Stix.Validation;

/// <summary>Cross-property rules of the STIX Domain Objects (§4) and Relationship Objects (§5).</summary>
internal static class SdoRules
{
    /// <summary>campaign, infrastructure, intrusion-set, threat-actor (and malware): last_seen ≥ first_seen.</summary>
    public static void SeenWindow(JsonObject obj, ValidationContext ctx) =>
        RuleHelpers.CheckOrder(obj, "first_seen", "last_seen", strictly: false, ValidationRules.SeenWindow, ctx);

    /// <summary>§4.7</summary>
    public static void Indicator(JsonObject obj, ValidationContext ctx)
    {
        RuleHelpers.CheckOrder(obj, "valid_from", "valid_until", strictly: true, ValidationRules.IndicatorValidWindow, ctx);

        if (obj.GetString("pattern") is not string pattern)
        {
            return; // missing or not a string: reported by the walk
        }

        if (string.IsNullOrWhiteSpace(pattern))
        {
            ctx.Error(ValidationRules.IndicatorPattern, "pattern", "must not be empty");
            return;
        }

        if (ctx.PatternValidator is IPatternValidator validator && obj.GetString("pattern_type") is "stix")
        {
            PatternCheck check = validator.Validate(pattern, "stix", obj.GetString("pattern_version"));
            foreach (string error in check.Errors)
            {
                ctx.Error(ValidationRules.IndicatorPattern, "pattern", error);
            }

            foreach (string warning in check.Warnings)
            {
                ctx.Warning(ValidationRules.IndicatorPatternWarning, "pattern", warning);
            }
        }
    }

    /// <summary>§4.10</summary>
    public static void Location(JsonObject obj, ValidationContext ctx)
    {
        bool latitude = obj.ContainsKey("latitude");
        bool longitude = obj.ContainsKey("longitude");
        if (!obj.ContainsKey("region") && !obj.ContainsKey("country") && !(latitude && longitude))
        {
            ctx.Error(ValidationRules.LocationRequired, "must have region, country, or latitude and longitude");
        }

        if (latitude != longitude)
        {
            ctx.Error(ValidationRules.LocationCoordinates, latitude ? "longitude" : "latitude",
                latitude ? "is required when latitude is present" : "is required when longitude is present");
        }

        if (obj.ContainsKey("precision") && !(latitude && longitude))
        {
            ctx.Error(ValidationRules.LocationPrecision, "precision", "requires latitude and longitude");
        }
    }

    /// <summary>§4.11</summary>
    public static void Malware(JsonObject obj, ValidationContext ctx)
    {
        SeenWindow(obj, ctx);
        if (RuleHelpers.IsTrue(obj, "is_family") && !obj.ContainsKey("name"))
        {
            ctx.Error(ValidationRules.MalwareFamilyName, "name", "is required for a malware family (is_family true)");
        }
    }

    /// <summary>§4.12</summary>
    public static void MalwareAnalysis(JsonObject obj, ValidationContext ctx)
    {
        if (!obj.ContainsKey("result") && !obj.ContainsKey("analysis_sco_refs"))
        {
            ctx.Error(ValidationRules.MalwareAnalysisResult, "must have result or analysis_sco_refs");
        }

        // "Product names SHOULD be all lowercase with words separated by a dash".
        if (obj.GetString("product") is string product && !Syntax.IsLowerHyphenated(product))
        {
            ctx.Warning(ValidationRules.MalwareAnalysisProduct, "product", "should be lower case with words separated by dashes");
        }
    }

    /// <summary>§4.14</summary>
    public static void ObservedData(JsonObject obj, ValidationContext ctx)
    {
        RuleHelpers.CheckOrder(obj, "first_observed", "last_observed", strictly: false, ValidationRules.ObservedDataWindow, ctx);

        bool objects = obj.ContainsKey("objects");
        bool refs = obj.ContainsKey("object_refs");
        if (objects == refs)
        {
            ctx.Error(ValidationRules.ObservedDataObjects, objects
                ? "must not have both objects and object_refs"
                : "must have object_refs (or the deprecated objects)");
        }

        if (obj["object_refs"] is JsonArray { Count: > 0 } list && !HasScoReference(list))
        {
            ctx.Error(ValidationRules.ObservedDataScoRef, "object_refs", "must contain at least one SCO reference");
        }
    }

    /// <summary>§5.1</summary>
    public static void Relationship(JsonObject obj, ValidationContext ctx)
    {
        if (obj.GetString("relationship_type") is string type && !IsRelationshipType(type))
        {
            ctx.Error(ValidationRules.RelationshipType, "relationship_type", "must contain only a–z, 0–9 and hyphens");
        }

        RuleHelpers.CheckOrder(obj, "start_time", "stop_time", strictly: true, ValidationRules.RelationshipTimeWindow, ctx);
    }

    /// <summary>§5.2</summary>
    public static void Sighting(JsonObject obj, ValidationContext ctx) =>
        RuleHelpers.CheckOrder(obj, "first_seen", "last_seen", strictly: false, ValidationRules.SightingSeenWindow, ctx);

    private static bool HasScoReference(JsonArray refs)
    {
        foreach (JsonValue item in refs)
        {
            if (item is JsonString text && Syntax.TryParseIdentifier(text.Value, out int separator))
            {
                // A type STIX does not define may be an SCO defined by an extension.
                StixCatalog.TryGetCategory(text.Value.AsSpan(0, separator), out StixCategory category);
                if (category is StixCategory.Sco or StixCategory.Custom)
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool IsRelationshipType(string type)
    {
        if (type.Length == 0)
        {
            return false;
        }

        foreach (char c in type)
        {
            if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
            {
                return false;
            }
        }

        return true;
    }
}
