using System.Collections.Frozen;
using static Detente.Stix.Schema.Props;

namespace Detente.Stix.Schema;

/// <summary>The STIX Cyber-observable Objects (STIX 2.1 §6).</summary>
internal static class ScoTypes
{
    public static TypeSpec[] All() =>
    [
        // §6.1: payload_bin / url exclusivity and url ⇒ hashes are rules.
        Sco("artifact", ["hashes", "payload_bin"], optional: true,
            Str("mime_type"),
            Bin("payload_bin"),
            Str("url"),
            Hashes("hashes"),
            EnumValue("encryption_algorithm", Vocabularies.EncryptionAlgorithm),
            Str("decryption_key")),

        // §6.2
        Sco("autonomous-system", ["number"], optional: false,
            Int("number").Req(),
            Str("name"),
            Str("rir")),

        // §6.3
        Sco("directory", ["path"], optional: false,
            Str("path").Req(),
            Str("path_enc"),
            Ts("ctime"),
            Ts("mtime"),
            Ts("atime"),
            Refs("contains_refs", "file", "directory")),

        // §6.4
        Sco("domain-name", ["value"], optional: false,
            Str("value").Req(),
            Refs("resolves_to_refs", "ipv4-addr", "ipv6-addr", "domain-name")),

        // §6.5
        Sco("email-addr", ["value"], optional: false,
            Str("value").Req(),
            Str("display_name"),
            Ref("belongs_to_ref", "user-account")),

        // §6.6
        Sco("email-message", ["from_ref", "subject", "body"], optional: true,
            Bool("is_multipart").Req(),
            Ts("date"),
            Str("content_type"),
            Ref("from_ref", "email-addr"),
            Ref("sender_ref", "email-addr"),
            Refs("to_refs", "email-addr"),
            Refs("cc_refs", "email-addr"),
            Refs("bcc_refs", "email-addr"),
            Str("message_id"),
            Str("subject"),
            Strs("received_lines"),
            Dict("additional_header_fields", DictionaryValues.HeaderValues),
            Str("body"),
            Objs("body_multipart", Structs.EmailMimePart),
            Ref("raw_email_ref", "artifact")),

        // §6.7: "at least one of hashes or name" is a rule, so the contributing properties are never all absent.
        Sco("file", ["hashes", "name", "extensions", "parent_directory_ref"], optional: false,
            Hashes("hashes"),
            Count("size"),
            Str("name"),
            Str("name_enc"),
            Hex("magic_number_hex"),
            Str("mime_type"),
            Ts("ctime"),
            Ts("mtime"),
            Ts("atime"),
            Ref("parent_directory_ref", "directory"),
            Refs("contains_refs", RefSpec.Sco),
            Ref("content_ref", "artifact"))
            with
            {
                Extensions = Extensions(Structs.ArchiveExt, Structs.NtfsExt, Structs.PdfExt, Structs.RasterImageExt,
                    Structs.WindowsPeBinaryExt),
            },

        // §6.8
        Sco("ipv4-addr", ["value"], optional: false,
            Str("value").Req(),
            Refs("resolves_to_refs", "mac-addr"),
            Refs("belongs_to_refs", "autonomous-system")),

        // §6.9
        Sco("ipv6-addr", ["value"], optional: false,
            Str("value").Req(),
            Refs("resolves_to_refs", "mac-addr"),
            Refs("belongs_to_refs", "autonomous-system")),

        // §6.10
        Sco("mac-addr", ["value"], optional: false,
            Str("value").Req()),

        // §6.11
        Sco("mutex", ["name"], optional: false,
            Str("name").Req()),

        // §6.12: src_ref or dst_ref, is_active ⇒ no end, and end ≥ start are rules.
        Sco("network-traffic", ["start", "end", "src_ref", "dst_ref", "src_port", "dst_port", "protocols", "extensions"],
            optional: false,
            Ts("start"),
            Ts("end"),
            Bool("is_active"),
            Ref("src_ref", "ipv4-addr", "ipv6-addr", "mac-addr", "domain-name"),
            Ref("dst_ref", "ipv4-addr", "ipv6-addr", "mac-addr", "domain-name"),
            Int("src_port", 0, 65535),
            Int("dst_port", 0, 65535),
            Strs("protocols").Req(),
            Count("src_byte_count"),
            Count("dst_byte_count"),
            Count("src_packets"),
            Count("dst_packets"),
            Dict("ipfix", DictionaryValues.StringOrInteger),
            Ref("src_payload_ref", "artifact"),
            Ref("dst_payload_ref", "artifact"),
            Refs("encapsulates_refs", "network-traffic"),
            Ref("encapsulated_by_ref", "network-traffic"))
            with
            {
                Extensions = Extensions(Structs.HttpRequestExt, Structs.IcmpExt, Structs.SocketExt, Structs.TcpExt),
            },

        // §6.13: no ID Contributing Properties, so a UUIDv4 id.
        Sco("process", [], optional: true,
            Bool("is_hidden"),
            Int("pid"),
            Ts("created_time"),
            Str("cwd"),
            Str("command_line"),
            Dict("environment_variables", DictionaryValues.String),
            Refs("opened_connection_refs", "network-traffic"),
            Ref("creator_user_ref", "user-account"),
            Ref("image_ref", "file"),
            Ref("parent_ref", "process"),
            Refs("child_refs", "process"))
            with
            {
                Extensions = Extensions(Structs.WindowsProcessExt, Structs.WindowsServiceExt),
            },

        // §6.14
        Sco("software", ["name", "cpe", "swid", "vendor", "version"], optional: false,
            Str("name").Req(),
            Str("cpe"),
            Str("swid"),
            Strs("languages").As(ValueFormat.LanguageTag),
            Str("vendor"),
            Str("version")),

        // §6.15
        Sco("url", ["value"], optional: false,
            Str("value").Req()),

        // §6.16
        Sco("user-account", ["account_type", "user_id", "account_login"], optional: true,
            Str("user_id"),
            Str("credential"),
            Str("account_login"),
            Ov("account_type", Vocabularies.AccountType),
            Str("display_name"),
            Bool("is_service_account"),
            Bool("is_privileged"),
            Bool("can_escalate_privs"),
            Bool("is_disabled"),
            Ts("account_created"),
            Ts("account_expires"),
            Ts("credential_last_changed"),
            Ts("account_first_login"),
            Ts("account_last_login"))
            with
            {
                Extensions = Extensions(Structs.UnixAccountExt),
            },

        // §6.17
        Sco("windows-registry-key", ["key", "values"], optional: true,
            Str("key"),
            Objs("values", Structs.WindowsRegistryValue),
            Ts("modified_time"),
            Ref("creator_user_ref", "user-account"),
            Int("number_of_subkeys")),

        // §6.18
        Sco("x509-certificate", ["hashes", "serial_number"], optional: true,
            Bool("is_self_signed"),
            Hashes("hashes"),
            Str("version"),
            Str("serial_number"),
            Str("signature_algorithm"),
            Str("issuer"),
            Ts("validity_not_before"),
            Ts("validity_not_after"),
            Str("subject"),
            Str("subject_public_key_algorithm"),
            Str("subject_public_key_modulus"),
            Int("subject_public_key_exponent"),
            Obj("x509_v3_extensions", Structs.X509V3Extensions)),
    ];

    private static TypeSpec Sco(string type, string[] idContributing, bool optional, params PropertySpec[] specific)
    {
        // §6.13, §6.16 to §6.18: all specific properties are optional, yet at least one (or, for process, an
        // extension) MUST be present.
        string[] atLeastOne = [];
        if (type is "process" or "user-account" or "windows-registry-key" or "x509-certificate")
        {
            atLeastOne = new string[specific.Length + 1];
            for (int i = 0; i < specific.Length; i++)
            {
                atLeastOne[i] = specific[i].Name;
            }

            atLeastOne[^1] = "extensions";
        }

        return new TypeSpec(type, StixCategory.Sco, [.. CommonProperties.Sco(), .. specific])
        {
            IdContributing = idContributing,
            IdContributingOptional = optional,
            AtLeastOneOf = atLeastOne,
        };
    }

    private static FrozenDictionary<string, StructSpec> Extensions(params StructSpec[] extensions)
    {
        var map = new Dictionary<string, StructSpec>(StringComparer.Ordinal);
        foreach (StructSpec extension in extensions)
        {
            map.Add(extension.Name, extension);
        }

        return map.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
