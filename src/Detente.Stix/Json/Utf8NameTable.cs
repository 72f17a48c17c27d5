using System.Text;

namespace Detente.Stix.Json;

/// <summary>
/// A fixed table of strings that STIX documents repeat on every object (property names, type names, "2.1"), looked
/// up by their UTF-8 bytes so the reader can reuse one string instead of allocating a new one each time.
/// </summary>
/// <remarks>Bench: Stix/StixBundleBenchmarks.Parse (allocations per object).</remarks>
internal static class Utf8NameTable
{
    private const int Size = 1024; // power of two, several times the entry count
    private static readonly byte[]?[] s_keys = new byte[Size][];
    private static readonly string?[] s_values = new string[Size];

    static Utf8NameTable()
    {
        string[] words =
        [
            // Common and frequent properties (STIX 2.1 §3.2 and the SDO/SRO/SCO property tables).
            "type", "spec_version", "id", "created", "modified", "created_by_ref", "revoked", "labels", "confidence",
            "lang", "external_references", "object_marking_refs", "granular_markings", "extensions", "defanged",
            "name", "description", "pattern", "pattern_type", "pattern_version", "valid_from", "valid_until",
            "indicator_types", "kill_chain_phases", "kill_chain_name", "phase_name", "source_name", "external_id",
            "url", "hashes", "value", "resolves_to_refs", "belongs_to_refs", "relationship_type", "source_ref",
            "target_ref", "start_time", "stop_time", "sighting_of_ref", "observed_data_refs", "where_sighted_refs",
            "first_seen", "last_seen", "count", "summary", "first_observed", "last_observed", "number_observed",
            "object_refs", "published", "report_types", "is_family", "malware_types", "aliases", "identity_class",
            "sectors", "roles", "goals", "threat_actor_types", "sophistication", "resource_level",
            "primary_motivation", "secondary_motivations", "size", "mime_type", "parent_directory_ref",
            "contains_refs", "content_ref", "selectors", "marking_ref", "definition_type", "definition",
            "extension_type", "contact_information", "objective", "authors", "content", "abstract", "opinion",
            "architecture_execution_envs", "implementation_languages", "capabilities", "sample_refs", "objects",
            "src_ref", "dst_ref", "src_port", "dst_port", "protocols", "start", "end", "is_active",
            // Types.
            "bundle", "indicator", "malware", "relationship", "sighting", "identity", "threat-actor", "report",
            "attack-pattern", "campaign", "course-of-action", "grouping", "infrastructure", "intrusion-set",
            "location", "malware-analysis", "note", "observed-data", "tool", "vulnerability", "marking-definition",
            "language-content", "extension-definition", "ipv4-addr", "ipv6-addr", "domain-name", "file",
            "email-addr", "email-message", "network-traffic", "process", "software", "user-account",
            "windows-registry-key", "x509-certificate", "mac-addr", "mutex", "artifact", "autonomous-system",
            "directory",
            // Frequent values.
            "2.1", "stix", "MD5", "SHA-1", "SHA-256", "SHA-512", "indicates", "uses", "targets", "attributed-to",
            "related-to", "mitre-attack", "organization", "malicious-activity", "tlp", "statement",
            "property-extension",
        ];
        foreach (string word in words)
        {
            byte[] key = Encoding.UTF8.GetBytes(word);
            int slot = Hash(key) & (Size - 1);
            while (s_keys[slot] is not null)
            {
                if (s_keys[slot].AsSpan().SequenceEqual(key))
                {
                    goto next;
                }

                slot = (slot + 1) & (Size - 1);
            }

            s_keys[slot] = key;
            s_values[slot] = word;
        next:;
        }
    }

    /// <summary>The shared string for <paramref name="utf8"/>, or null when it is not in the table.</summary>
    public static string? Find(ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty || utf8.Length > 32)
        {
            return null;
        }

        int slot = Hash(utf8) & (Size - 1);
        while (s_keys[slot] is byte[] key)
        {
            if (utf8.SequenceEqual(key))
            {
                return s_values[slot];
            }

            slot = (slot + 1) & (Size - 1);
        }

        return null;
    }

    private static int Hash(ReadOnlySpan<byte> s)
    {
        // Length and a few bytes are enough to spread a few hundred short, distinct words.
        unchecked
        {
            uint h = (uint)s.Length * 0x9E3779B1u;
            h ^= s[0] * 0x85EBCA77u;
            h ^= s[^1] * 0xC2B2AE3Du;
            h ^= s[s.Length / 2] * 0x27D4EB2Fu;
            return (int)(h ^ (h >> 15));
        }
    }
}
