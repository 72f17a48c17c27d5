using System.Collections.Frozen;
using Detente.Stix.Json;
using Detente.Stix.Schema;

namespace Detente.Stix.Validation;

/// <summary>The cross-property rules of each type, looked up once per object.</summary>
internal static class TypeRules
{
    private static readonly FrozenDictionary<string, Action<JsonObject, ValidationContext>> s_rules =
        new Dictionary<string, Action<JsonObject, ValidationContext>>(StringComparer.Ordinal)
        {
            ["campaign"] = SdoRules.SeenWindow,
            ["infrastructure"] = SdoRules.SeenWindow,
            ["intrusion-set"] = SdoRules.SeenWindow,
            ["threat-actor"] = SdoRules.SeenWindow,
            ["indicator"] = SdoRules.Indicator,
            ["location"] = SdoRules.Location,
            ["malware"] = SdoRules.Malware,
            ["malware-analysis"] = SdoRules.MalwareAnalysis,
            ["observed-data"] = SdoRules.ObservedData,
            ["relationship"] = SdoRules.Relationship,
            ["sighting"] = SdoRules.Sighting,
            ["artifact"] = ScoRules.Artifact,
            ["domain-name"] = ScoRules.DomainName,
            ["email-addr"] = ScoRules.EmailAddr,
            ["email-message"] = ScoRules.EmailMessage,
            ["file"] = ScoRules.File,
            ["ipv4-addr"] = ScoRules.Ipv4Addr,
            ["ipv6-addr"] = ScoRules.Ipv6Addr,
            ["mac-addr"] = ScoRules.MacAddr,
            ["network-traffic"] = ScoRules.NetworkTraffic,
            ["software"] = ScoRules.Software,
            ["url"] = ScoRules.Url,
            ["windows-registry-key"] = ScoRules.WindowsRegistryKey,
            ["language-content"] = MetaRules.LanguageContent,
            ["marking-definition"] = MetaRules.MarkingDefinition,
            ["extension-definition"] = MetaRules.ExtensionDefinition,
        }.ToFrozenDictionary(StringComparer.Ordinal);

    public static void Check(TypeSpec spec, JsonObject obj, ValidationContext ctx)
    {
        if (s_rules.TryGetValue(spec.Type, out Action<JsonObject, ValidationContext>? rule))
        {
            rule(obj, ctx);
        }
    }
}
