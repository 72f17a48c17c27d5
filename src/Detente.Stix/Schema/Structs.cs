using static Detente.Stix.Schema.Props;

namespace Detente.Stix.Schema;

/// <summary>The nested types of STIX 2.1 (§2, §6, §7.2) and the predefined extensions of §6.</summary>
internal static class Structs
{
    // §2.5
    public static readonly StructSpec ExternalReference = Struct("external-reference",
        Str("source_name").Req(),
        Str("description"),
        Str("url"),
        Hashes("hashes"),
        Str("external_id"));

    // §2.11
    public static readonly StructSpec KillChainPhase = Struct("kill-chain-phase",
        Str("kill_chain_name").Req(),
        Str("phase_name").Req());

    // §7.2.3: exactly one of lang / marking_ref is a rule, not a table entry.
    public static readonly StructSpec GranularMarking = Struct("granular-marking",
        Str("lang").As(ValueFormat.LanguageTag),
        Ref("marking_ref", "marking-definition"),
        Strs("selectors").Req());

    // §7.2.1.3 and §7.2.1.4
    public static readonly StructSpec StatementMarking = Struct("statement", Str("statement").Req());

    public static readonly StructSpec TlpMarking = Struct("tlp", Str("tlp").Req());

    // §6.6.2
    public static readonly StructSpec EmailMimePart = Struct("email-mime-part-type",
        Str("body"),
        Ref("body_raw_ref", "artifact", "file"),
        Str("content_type"),
        Str("content_disposition"));

    // §6.7.3
    public static readonly StructSpec AlternateDataStream = Struct("alternate-data-stream-type",
        Str("name").Req(),
        Hashes("hashes"),
        Count("size"));

    // §6.7.6
    public static readonly StructSpec WindowsPeOptionalHeader = Struct("windows-pe-optional-header-type",
        Hex("magic_hex"),
        Int("major_linker_version"),
        Int("minor_linker_version"),
        Count("size_of_code"),
        Count("size_of_initialized_data"),
        Count("size_of_uninitialized_data"),
        Int("address_of_entry_point"),
        Int("base_of_code"),
        Int("base_of_data"),
        Int("image_base"),
        Int("section_alignment"),
        Int("file_alignment"),
        Int("major_os_version"),
        Int("minor_os_version"),
        Int("major_image_version"),
        Int("minor_image_version"),
        Int("major_subsystem_version"),
        Int("minor_subsystem_version"),
        Hex("win32_version_value_hex"),
        Count("size_of_image"),
        Count("size_of_headers"),
        Hex("checksum_hex"),
        Hex("subsystem_hex"),
        Hex("dll_characteristics_hex"),
        Count("size_of_stack_reserve"),
        Count("size_of_stack_commit"),
        Count("size_of_heap_reserve"),
        Count("size_of_heap_commit"),
        Hex("loader_flags_hex"),
        Int("number_of_rva_and_sizes"),
        Hashes("hashes")) with { AtLeastOneProperty = true };

    public static readonly StructSpec WindowsPeSection = Struct("windows-pe-section-type",
        Str("name").Req(),
        Count("size"),
        Float("entropy"),
        Hashes("hashes"));

    // §6.17.2
    public static readonly StructSpec WindowsRegistryValue = Struct("windows-registry-value-type",
        Str("name"),
        Str("data"),
        EnumValue("data_type", Vocabularies.WindowsRegistryDatatype)) with { AtLeastOneProperty = true };

    // §6.18.2
    public static readonly StructSpec X509V3Extensions = Struct("x509-v3-extensions-type",
        Str("basic_constraints"),
        Str("name_constraints"),
        Str("policy_constraints"),
        Str("key_usage"),
        Str("extended_key_usage"),
        Str("subject_key_identifier"),
        Str("authority_key_identifier"),
        Str("subject_alternative_name"),
        Str("issuer_alternative_name"),
        Str("subject_directory_attributes"),
        Str("crl_distribution_points"),
        Str("inhibit_any_policy"),
        Ts("private_key_usage_period_not_before"),
        Ts("private_key_usage_period_not_after"),
        Str("certificate_policies"),
        Str("policy_mappings")) with { AtLeastOneProperty = true };

    // §6.7.2 to §6.7.6: file extensions.
    public static readonly StructSpec ArchiveExt = Extension("archive-ext", "file",
        Refs("contains_refs", "file", "directory").Req(),
        Str("comment"));

    public static readonly StructSpec NtfsExt = Extension("ntfs-ext", "file",
        Str("sid"),
        Objs("alternate_data_streams", AlternateDataStream));

    public static readonly StructSpec PdfExt = Extension("pdf-ext", "file",
        Str("version"),
        Bool("is_optimized"),
        Dict("document_info_dict", DictionaryValues.String),
        Str("pdfid0"),
        Str("pdfid1"));

    public static readonly StructSpec RasterImageExt = Extension("raster-image-ext", "file",
        Int("image_height"),
        Int("image_width"),
        Int("bits_per_pixel"),
        Dict("exif_tags", DictionaryValues.StringOrInteger));

    // "at least one property other than the required pe_type" is a rule (the required pe_type satisfies the generic one).
    public static readonly StructSpec WindowsPeBinaryExt = Extension("windows-pebinary-ext", "file",
        Ov("pe_type", Vocabularies.WindowsPeBinaryType).Req(),
        Str("imphash"),
        Hex("machine_hex"),
        Count("number_of_sections"),
        Ts("time_date_stamp"),
        Hex("pointer_to_symbol_table_hex"),
        Count("number_of_symbols"),
        Count("size_of_optional_header"),
        Hex("characteristics_hex"),
        Hashes("file_header_hashes"),
        Obj("optional_header", WindowsPeOptionalHeader),
        Objs("sections", WindowsPeSection));

    // §6.12.2 to §6.12.5: network-traffic extensions.
    public static readonly StructSpec HttpRequestExt = Extension("http-request-ext", "network-traffic",
        Str("request_method").Req(),
        Str("request_value").Req(),
        Str("request_version"),
        Dict("request_header", DictionaryValues.HeaderValues),
        Count("message_body_length"),
        Ref("message_body_data_ref", "artifact"));

    public static readonly StructSpec IcmpExt = Extension("icmp-ext", "network-traffic",
        Hex("icmp_type_hex").Req(),
        Hex("icmp_code_hex").Req());

    public static readonly StructSpec SocketExt = Extension("socket-ext", "network-traffic",
        EnumValue("address_family", Vocabularies.NetworkSocketAddressFamily).Req(),
        Bool("is_blocking"),
        Bool("is_listening"),
        Dict("options", DictionaryValues.Integer),
        EnumValue("socket_type", Vocabularies.NetworkSocketType),
        Count("socket_descriptor"),
        Int("socket_handle"));

    public static readonly StructSpec TcpExt = Extension("tcp-ext", "network-traffic",
        Hex("src_flags_hex"),
        Hex("dst_flags_hex"));

    // §6.13.2 and §6.13.3: process extensions.
    public static readonly StructSpec WindowsProcessExt = Extension("windows-process-ext", "process",
        Bool("aslr_enabled"),
        Bool("dep_enabled"),
        Str("priority"),
        Str("owner_sid"),
        Str("window_title"),
        Dict("startup_info"),
        EnumValue("integrity_level", Vocabularies.WindowsIntegrityLevel));

    public static readonly StructSpec WindowsServiceExt = Extension("windows-service-ext", "process",
        Str("service_name"),
        Strs("descriptions"),
        Str("display_name"),
        Str("group_name"),
        EnumValue("start_type", Vocabularies.WindowsServiceStartType),
        Refs("service_dll_refs", "file"),
        EnumValue("service_type", Vocabularies.WindowsServiceType),
        EnumValue("service_status", Vocabularies.WindowsServiceStatus));

    // §6.16.2
    public static readonly StructSpec UnixAccountExt = Extension("unix-account-ext", "user-account",
        Int("gid"),
        Strs("groups"),
        Str("home_dir"),
        Str("shell"));
}
