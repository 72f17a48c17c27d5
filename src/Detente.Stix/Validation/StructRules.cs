using Detente.Stix.Json;
using Detente.Stix.Schema;

namespace Detente.Stix.Validation;

/// <summary>Cross-property rules of nested types and predefined extensions, run after their members are walked.</summary>
internal static class StructRules
{
    public static void Check(StructSpec spec, JsonObject obj, ValidationContext ctx)
    {
        if (ReferenceEquals(spec, Structs.ExternalReference))
        {
            ExternalReference(obj, ctx);
        }
        else if (ReferenceEquals(spec, Structs.KillChainPhase))
        {
            KillChainPhase(obj, ctx);
        }
        else if (ReferenceEquals(spec, Structs.EmailMimePart))
        {
            // §6.6.2: one of body or body_raw_ref MUST be included.
            if (!obj.ContainsKey("body") && !obj.ContainsKey("body_raw_ref"))
            {
                ctx.Error(ValidationRules.EmailMimePartBody, "must have body or body_raw_ref");
            }
        }
        else if (ReferenceEquals(spec, Structs.WindowsPeBinaryExt))
        {
            // §6.7.6: at least one property other than the required pe_type.
            if (obj.Count == (obj.ContainsKey("pe_type") ? 1 : 0))
            {
                ctx.Error(ValidationRules.AtLeastOneProperty, "must contain at least one windows-pebinary-ext property other than pe_type");
            }
        }
    }

    private static void ExternalReference(JsonObject obj, ValidationContext ctx)
    {
        // §2.5.2: besides source_name, at least one of description, url, external_id.
        if (!obj.ContainsKey("description") && !obj.ContainsKey("url") && !obj.ContainsKey("external_id"))
        {
            ctx.Error(ValidationRules.ExternalReferenceContent, "must have at least one of description, url and external_id");
        }

        string? source = obj.GetString("source_name");
        string? externalId = obj.GetString("external_id");
        if (source == "capec" && externalId is not null && !IsNumbered(externalId, "CAPEC-"))
        {
            // §4.1: a CAPEC id MUST be formatted as CAPEC-[id].
            ctx.Error(ValidationRules.ExternalReferenceCapec, "external_id", "must be formatted as CAPEC-[id] for source_name capec");
        }
        else if (source == "cve" && externalId is not null && !IsCveId(externalId))
        {
            // §4.19: the external_id MUST be the exact CVE identifier.
            ctx.Error(ValidationRules.ExternalReferenceCve, "external_id", "must be a CVE identifier (CVE-YYYY-NNNN) for source_name cve");
        }

        if (obj.GetString("url") is string url && !Syntax.IsUrl(url))
        {
            ctx.Warning(ValidationRules.ExternalReferenceUrl, "url", "is not an RFC 3986 URL");
        }
    }

    private static void KillChainPhase(JsonObject obj, ValidationContext ctx)
    {
        // §2.11: both names SHOULD be lower case with hyphens as word separators.
        foreach (string name in (ReadOnlySpan<string>)["kill_chain_name", "phase_name"])
        {
            if (obj.GetString(name) is string value && !Syntax.IsLowerHyphenated(value))
            {
                ctx.Warning(ValidationRules.KillChainPhaseFormat, name, "should be lower case with hyphens instead of spaces or underscores");
            }
        }
    }

    private static bool IsNumbered(string value, string prefix)
    {
        if (!value.StartsWith(prefix, StringComparison.Ordinal) || value.Length == prefix.Length)
        {
            return false;
        }

        foreach (char c in value.AsSpan(prefix.Length))
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>CVE-YYYY-NNNN with four or more digits after the year (the CVE ID syntax since 2014).</summary>
    private static bool IsCveId(string value)
    {
        if (value.Length < 13 || !value.StartsWith("CVE-", StringComparison.Ordinal) || value[8] != '-')
        {
            return false;
        }

        for (int i = 4; i < value.Length; i++)
        {
            if (i != 8 && !char.IsAsciiDigit(value[i]))
            {
                return false;
            }
        }

        return true;
    }
}
