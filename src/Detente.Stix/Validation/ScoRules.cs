using Detente.Stix.Json;

namespace Detente.Stix.Validation;

/// <summary>Cross-property and value rules of the STIX Cyber-observable Objects (§6).</summary>
internal static class ScoRules
{
    /// <summary>§6.1</summary>
    public static void Artifact(JsonObject obj, ValidationContext ctx)
    {
        bool payload = obj.ContainsKey("payload_bin");
        bool url = obj.ContainsKey("url");
        if (payload == url)
        {
            ctx.Error(ValidationRules.ArtifactPayloadOrUrl, payload
                ? "must not have both payload_bin and url"
                : "must have payload_bin or url");
        }

        if (url && !obj.ContainsKey("hashes"))
        {
            ctx.Error(ValidationRules.ArtifactUrlHashes, "hashes", "is required when url is present");
        }

        if (obj.GetString("url") is string link && !Syntax.IsUrl(link))
        {
            ctx.Error(ValidationRules.UrlValue, "url", "must be a valid URL (RFC 3986)");
        }

        if (obj.ContainsKey("decryption_key") && !obj.ContainsKey("encryption_algorithm"))
        {
            ctx.Error(ValidationRules.ArtifactDecryptionKey, "decryption_key", "must not be present without encryption_algorithm");
        }
    }

    /// <summary>§6.4</summary>
    public static void DomainName(JsonObject obj, ValidationContext ctx)
    {
        if (obj.GetString("value") is string value && !Syntax.IsDomainName(value))
        {
            ctx.Error(ValidationRules.DomainNameValue, "value", "must be a domain name (RFC 1034, RFC 5890)");
        }
    }

    /// <summary>§6.5</summary>
    public static void EmailAddr(JsonObject obj, ValidationContext ctx)
    {
        if (obj.GetString("value") is string value && !Syntax.IsEmailAddress(value))
        {
            ctx.Error(ValidationRules.EmailAddrValue, "value", "must be an email address (RFC 5322 addr-spec) without a display name");
        }
    }

    /// <summary>§6.6</summary>
    public static void EmailMessage(JsonObject obj, ValidationContext ctx)
    {
        if (RuleHelpers.IsTrue(obj, "is_multipart") && obj.ContainsKey("body"))
        {
            ctx.Error(ValidationRules.EmailMessageMultipart, "body", "must not be used when is_multipart is true; use body_multipart");
        }
        else if (RuleHelpers.IsFalse(obj, "is_multipart") && obj.ContainsKey("body_multipart"))
        {
            ctx.Error(ValidationRules.EmailMessageMultipart, "body_multipart", "must not be used when is_multipart is false");
        }
    }

    /// <summary>§6.7</summary>
    public static void File(JsonObject obj, ValidationContext ctx)
    {
        if (!obj.ContainsKey("hashes") && !obj.ContainsKey("name"))
        {
            ctx.Error(ValidationRules.FileNameOrHashes, "must have hashes or name");
        }
    }

    /// <summary>§6.8</summary>
    public static void Ipv4Addr(JsonObject obj, ValidationContext ctx)
    {
        if (obj.GetString("value") is not string value)
        {
            return;
        }

        if (!Syntax.IsIpv4(value, out bool hostBits))
        {
            ctx.Error(ValidationRules.Ipv4Value, "value", "must be an IPv4 address or CIDR block, e.g. 198.51.100.3 or 198.51.100.0/24");
        }
        else if (hostBits)
        {
            ctx.Warning(ValidationRules.IpHostBits, "value", "the address has bits set beyond its prefix length");
        }
    }

    /// <summary>§6.9</summary>
    public static void Ipv6Addr(JsonObject obj, ValidationContext ctx)
    {
        if (obj.GetString("value") is not string value)
        {
            return;
        }

        if (!Syntax.IsIpv6(value, out bool hostBits))
        {
            ctx.Error(ValidationRules.Ipv6Value, "value", "must be an IPv6 address or CIDR block, e.g. 2001:db8::1 or 2001:db8::/32");
        }
        else if (hostBits)
        {
            ctx.Warning(ValidationRules.IpHostBits, "value", "the address has bits set beyond its prefix length");
        }
    }

    /// <summary>§6.10</summary>
    public static void MacAddr(JsonObject obj, ValidationContext ctx)
    {
        if (obj.GetString("value") is string value && !Syntax.IsMacAddress(value))
        {
            ctx.Error(ValidationRules.MacValue, "value", "must be a colon-delimited, lower-case MAC-48 address with leading zeros, e.g. 00:00:ab:cd:ef:01");
        }
    }

    /// <summary>§6.12</summary>
    public static void NetworkTraffic(JsonObject obj, ValidationContext ctx)
    {
        if (!obj.ContainsKey("src_ref") && !obj.ContainsKey("dst_ref"))
        {
            ctx.Error(ValidationRules.NetworkTrafficEndpoint, "must have src_ref or dst_ref");
        }

        if (RuleHelpers.IsTrue(obj, "is_active") && obj.ContainsKey("end"))
        {
            ctx.Error(ValidationRules.NetworkTrafficActive, "end", "must not be present when is_active is true");
        }

        RuleHelpers.CheckOrder(obj, "start", "end", strictly: false, ValidationRules.NetworkTrafficWindow, ctx);

        // "SHOULD contain the src_port and dst_port properties": only meaningful for protocols with ports.
        if (!obj.ContainsKey("src_port") && !obj.ContainsKey("dst_port") && obj["protocols"] is JsonArray protocols
            && HasPortProtocol(protocols))
        {
            ctx.Warning(ValidationRules.NetworkTrafficPorts, "should have src_port and dst_port");
        }
    }

    /// <summary>§6.14</summary>
    public static void Software(JsonObject obj, ValidationContext ctx)
    {
        if (obj.GetString("cpe") is string cpe && !Syntax.IsCpe23(cpe))
        {
            ctx.Error(ValidationRules.SoftwareCpe, "cpe", "must be a CPE 2.3 formatted string (cpe:2.3:part:vendor:product:…)");
        }
    }

    /// <summary>§6.15</summary>
    public static void Url(JsonObject obj, ValidationContext ctx)
    {
        if (obj.GetString("value") is string value && !Syntax.IsUrl(value))
        {
            ctx.Error(ValidationRules.UrlValue, "value", "must be a valid URL (RFC 3986)");
        }
    }

    /// <summary>§6.17: "The hive portion of the key MUST be fully expanded and not truncated".</summary>
    public static void WindowsRegistryKey(JsonObject obj, ValidationContext ctx)
    {
        if (obj.GetString("key") is not string key)
        {
            return;
        }

        int end = key.IndexOf('\\');
        ReadOnlySpan<char> hive = end < 0 ? key : key.AsSpan(0, end);
        foreach (string abbreviation in (ReadOnlySpan<string>)["HKLM", "HKCU", "HKCR", "HKU", "HKCC", "HKPD"])
        {
            if (hive.Equals(abbreviation, StringComparison.OrdinalIgnoreCase))
            {
                ctx.Error(ValidationRules.RegistryKeyHive, "key", $"must name the hive in full (e.g. HKEY_LOCAL_MACHINE), not {abbreviation}");
                return;
            }
        }
    }

    private static bool HasPortProtocol(JsonArray protocols)
    {
        foreach (JsonValue protocol in protocols)
        {
            if (protocol is JsonString { Value: "tcp" or "udp" or "sctp" })
            {
                return true;
            }
        }

        return false;
    }
}
