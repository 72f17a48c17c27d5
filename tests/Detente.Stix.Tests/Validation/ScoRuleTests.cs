using static Detente.Stix.Validation.ValidationRules;

namespace Detente.Stix.Tests.Validation;

/// <summary>STIX Cyber-observable Objects (STIX 2.1 §6) and their predefined extensions.</summary>
public sealed class ScoRuleTests : ValidationTestBase
{
    private const string FileId = "file--1641d432-c92a-58b2-b233-2b5ed4a8dbea";
    private const string Ipv4Id = "ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4";
    private const string IdentityId = "identity--ed7fadd1-1e24-495e-ac3a-1f30404ad969";
    private const string Sha256 = "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae";

    public static TheoryData<string, string, string, string> AddressCases => Invalid(
        ("IPv4 octet above 255", ExampleWith("ipv4-addr", ("value", Q("198.51.100.256"))), Ipv4Value, "$.value"),
        ("IPv4 with three octets", ExampleWith("ipv4-addr", ("value", Q("198.51.100"))), Ipv4Value, "$.value"),
        ("IPv4 with a leading zero", ExampleWith("ipv4-addr", ("value", Q("198.051.100.3"))), Ipv4Value, "$.value"),
        ("IPv4 prefix above 32", ExampleWith("ipv4-addr", ("value", Q("198.51.100.0/33"))), Ipv4Value, "$.value"),
        ("IPv4 given an IPv6 address", ExampleWith("ipv4-addr", ("value", Q("2001:db8::1"))), Ipv4Value, "$.value"),
        ("IPv4 block with host bits", ExampleWith("ipv4-addr", ("value", Q("198.51.100.3/24"))), IpHostBits, "$.value"),
        ("IPv4 resolving to a domain", ExampleWith("ipv4-addr", ("resolves_to_refs", """["domain-name--c9134545-55cf-579b-b640-eb13c14ff2ef"]""")), RefType, "$.resolves_to_refs[0]"),
        ("IPv4 belonging to an identity", ExampleWith("ipv4-addr", ("belongs_to_refs", $"[{Q(IdentityId)}]")), RefType, "$.belongs_to_refs[0]"),
        ("IPv6 prefix above 128", ExampleWith("ipv6-addr", ("value", Q("2001:db8::/129"))), Ipv6Value, "$.value"),
        ("IPv6 with a zone index", ExampleWith("ipv6-addr", ("value", Q("fe80::1%eth0"))), Ipv6Value, "$.value"),
        ("IPv6 given an IPv4 address", ExampleWith("ipv6-addr", ("value", Q("198.51.100.3"))), Ipv6Value, "$.value"),
        ("IPv6 with too many groups", ExampleWith("ipv6-addr", ("value", Q("2001:db8:1:2:3:4:5:6:7"))), Ipv6Value, "$.value"),
        ("IPv6 block with host bits", ExampleWith("ipv6-addr", ("value", Q("2001:db8::1/64"))), IpHostBits, "$.value"),
        ("MAC in upper case", ExampleWith("mac-addr", ("value", Q("D2:FB:49:24:37:18"))), MacValue, "$.value"),
        ("MAC with hyphens", ExampleWith("mac-addr", ("value", Q("d2-fb-49-24-37-18"))), MacValue, "$.value"),
        ("MAC without leading zeros", ExampleWith("mac-addr", ("value", Q("d2:fb:49:24:37:8"))), MacValue, "$.value"),
        ("domain with a space", ExampleWith("domain-name", ("value", Q("update check.example.net"))), DomainNameValue, "$.value"),
        ("domain label starting with a hyphen", ExampleWith("domain-name", ("value", Q("-update.example.net"))), DomainNameValue, "$.value"),
        ("domain with an empty label", ExampleWith("domain-name", ("value", Q("update..example.net"))), DomainNameValue, "$.value"),
        ("domain that is a URL", ExampleWith("domain-name", ("value", Q("https://example.net/"))), DomainNameValue, "$.value"),
        ("domain label longer than 63", ExampleWith("domain-name", ("value", Q(new string('a', 64) + ".example"))), DomainNameValue, "$.value"),
        ("URL without a scheme", ExampleWith("url", ("value", Q("update-check.example.net/download"))), UrlValue, "$.value"),
        ("URL with a space", ExampleWith("url", ("value", Q("https://example.net/a file.exe"))), UrlValue, "$.value"),
        ("http URL without a host", ExampleWith("url", ("value", Q("https:///download"))), UrlValue, "$.value"),
        ("email with a display name", ExampleWith("email-addr", ("value", Q("Accounts <billing@invoices.example.com>"))), EmailAddrValue, "$.value"),
        ("email without a domain", ExampleWith("email-addr", ("value", Q("billing@"))), EmailAddrValue, "$.value"),
        ("email without an at sign", ExampleWith("email-addr", ("value", Q("billing.invoices.example.com"))), EmailAddrValue, "$.value"),
        ("email belonging to an identity", ExampleWith("email-addr", ("belongs_to_ref", Q(IdentityId))), RefType, "$.belongs_to_ref"));

    public static TheoryData<string, string> ValidAddressCases => Valid(
        ("IPv4 CIDR block", ExampleWith("ipv4-addr", ("value", Q("198.51.100.0/24")))),
        ("IPv4 with /32", ExampleWith("ipv4-addr", ("value", Q("198.51.100.3/32")))),
        ("IPv4 /0", ExampleWith("ipv4-addr", ("value", Q("0.0.0.0/0")))),
        ("IPv6 CIDR block", ExampleWith("ipv6-addr", ("value", Q("2001:db8::/32")))),
        ("IPv6 loopback", ExampleWith("ipv6-addr", ("value", Q("::1")))),
        ("IPv6 with an embedded IPv4", ExampleWith("ipv6-addr", ("value", Q("::ffff:198.51.100.3")))),
        ("internationalized domain", ExampleWith("domain-name", ("value", Q("bücher.example")))),
        ("punycode domain", ExampleWith("domain-name", ("value", Q("xn--bcher-kva.example")))),
        ("service domain with underscores", ExampleWith("domain-name", ("value", Q("_sip._tcp.example.net")))),
        ("fully qualified domain", ExampleWith("domain-name", ("value", Q("example.net.")))),
        ("ftp URL", ExampleWith("url", ("value", Q("ftp://files.example.org/pub/tool.zip")))),
        ("URL with credentials and port", ExampleWith("url", ("value", Q("http://user:pw@198.51.100.3:8080/x?y=1#z")))),
        ("mailto URL", ExampleWith("url", ("value", Q("mailto:billing@invoices.example.com")))),
        ("email with a plus", ExampleWith("email-addr", ("value", Q("j.doe+invoices@example.org")))),
        ("email with a quoted local part", ExampleWith("email-addr", ("value", Q("\"j doe\"@example.org")))),
        ("email to an address literal", ExampleWith("email-addr", ("value", Q("postmaster@[198.51.100.3]")))));

    public static TheoryData<string, string, string, string> FileAndArtifactCases => Invalid(
        ("file without hashes or name", ExampleWith("file", ("hashes", null), ("name", null)), FileNameOrHashes, "$"),
        ("file with a negative size", ExampleWith("file", ("size", "-1")), OutOfRange, "$.size"),
        ("file magic number not hex", ExampleWith("file", ("magic_number_hex", Q("MZ"))), Hex, "$.magic_number_hex"),
        ("file in a file", ExampleWith("file", ("parent_directory_ref", Q(FileId))), RefType, "$.parent_directory_ref"),
        ("file content that is not an artifact", ExampleWith("file", ("content_ref", Q(FileId))), RefType, "$.content_ref"),
        ("file containing an SDO", ExampleWith("file", ("contains_refs", $"[{Q(IdentityId)}]")), RefType, "$.contains_refs[0]"),
        ("empty ntfs-ext", ExampleWith("file", ("extensions", """{"ntfs-ext": {}}""")), AtLeastOneProperty, "$.extensions['ntfs-ext']"),
        ("archive-ext without contains_refs", ExampleWith("file", ("extensions", """{"archive-ext": {"comment": "x"}}""")), Required, "$.extensions['archive-ext'].contains_refs"),
        ("archive-ext containing an IP", ExampleWith("file", ("extensions", Member("archive-ext", $$"""{"contains_refs": ["{{Ipv4Id}}"]}"""))), RefType, "$.extensions['archive-ext'].contains_refs[0]"),
        ("pdf-ext is_optimized a string", ExampleWith("file", ("extensions", """{"pdf-ext": {"is_optimized": "yes"}}""")), PropertyType, "$.extensions['pdf-ext'].is_optimized"),
        ("raster-image-ext exif tag a list", ExampleWith("file", ("extensions", """{"raster-image-ext": {"exif_tags": {"Make": ["x"]}}}""")), PropertyType, "$.extensions['raster-image-ext'].exif_tags.Make"),
        ("windows-pebinary-ext with pe_type only", ExampleWith("file", ("extensions", """{"windows-pebinary-ext": {"pe_type": "exe"}}""")), AtLeastOneProperty, "$.extensions['windows-pebinary-ext']"),
        ("windows-pebinary-ext without pe_type", ExampleWith("file", ("extensions", """{"windows-pebinary-ext": {"number_of_sections": 4}}""")), Required, "$.extensions['windows-pebinary-ext'].pe_type"),
        ("windows-pebinary-ext pe_type outside the vocabulary", ExampleWith("file", ("extensions", """{"windows-pebinary-ext": {"pe_type": "efi", "number_of_sections": 4}}""")), OpenVocab, "$.extensions['windows-pebinary-ext'].pe_type"),
        ("PE optional header with no property", ExampleWith("file", ("extensions", """{"windows-pebinary-ext": {"pe_type": "exe", "optional_header": {}}}""")), AtLeastOneProperty, "$.extensions['windows-pebinary-ext'].optional_header"),
        ("PE section without a name", ExampleWith("file", ("extensions", """{"windows-pebinary-ext": {"pe_type": "exe", "sections": [{"size": 512}]}}""")), Required, "$.extensions['windows-pebinary-ext'].sections[0].name"),
        ("alternate data stream with a bad hash", ExampleWith("file", ("extensions", """{"ntfs-ext": {"alternate_data_streams": [{"name": "Zone.Identifier", "hashes": {"MD5": "x"}}]}}""")), HashValue, "$.extensions['ntfs-ext'].alternate_data_streams[0].hashes.MD5"),
        ("artifact with payload_bin and url", ExampleWith("artifact", ("url", Q("https://samples.example.org/a.bin")), ("hashes", $$"""{"SHA-256": "{{Sha256}}"}""")), ArtifactPayloadOrUrl, "$"),
        ("artifact with neither payload_bin nor url", ExampleWith("artifact", ("payload_bin", null)), $"{ArtifactPayloadOrUrl} {ScoUuidV4}", "$"),
        ("artifact url without hashes", ExampleWith("artifact", ("payload_bin", null), ("url", Q("https://samples.example.org/a.bin"))), $"{ArtifactUrlHashes} {ScoUuidV4}", "$.hashes"),
        ("artifact url that is not a URL", ExampleWith("artifact", ("payload_bin", null), ("url", Q("samples/a.bin")), ("hashes", $$"""{"SHA-256": "{{Sha256}}"}""")), UrlValue, "$.url"),
        ("artifact payload not base64", ExampleWith("artifact", ("payload_bin", Q("TVqQ!"))), Binary, "$.payload_bin"),
        ("artifact decryption_key without encryption_algorithm", ExampleWith("artifact", ("decryption_key", Q("infected"))), ArtifactDecryptionKey, "$.decryption_key"),
        ("artifact encryption_algorithm outside the enumeration", ExampleWith("artifact", ("encryption_algorithm", Q("AES-128-CBC"))), EnumValue, "$.encryption_algorithm"),
        ("directory without path", ExampleWith("directory", ("path", null)), Required, "$.path"),
        ("directory containing an IP", ExampleWith("directory", ("contains_refs", $"[{Q(Ipv4Id)}]")), RefType, "$.contains_refs[0]"),
        ("path_enc without path", ExampleWith("directory", ("path", null), ("path_enc", Q("windows-1252"))), $"{Required} {EncodingWithoutValue}", "$.path"));

    public static TheoryData<string, string, string, string> NetworkTrafficCases => Invalid(
        ("neither src_ref nor dst_ref", ExampleWith("network-traffic", ("src_ref", null), ("dst_ref", null)), NetworkTrafficEndpoint, "$"),
        ("active traffic with an end", ExampleWith("network-traffic", ("is_active", "true"), ("end", Q("2024-03-05T13:44:51Z"))), NetworkTrafficActive, "$.end"),
        ("end before start", ExampleWith("network-traffic", ("end", Q("2024-03-05T13:41:09.111Z"))), NetworkTrafficWindow, "$.end"),
        ("port above 65535", ExampleWith("network-traffic", ("dst_port", "65536")), OutOfRange, "$.dst_port"),
        ("negative port", ExampleWith("network-traffic", ("src_port", "-1")), OutOfRange, "$.src_port"),
        ("negative byte count", ExampleWith("network-traffic", ("src_byte_count", "-5")), OutOfRange, "$.src_byte_count"),
        ("protocols missing", ExampleWith("network-traffic", ("protocols", null)), Required, "$.protocols"),
        ("protocols empty", ExampleWith("network-traffic", ("protocols", "[]")), EmptyList, "$.protocols"),
        ("TCP traffic without ports", ExampleWith("network-traffic", ("src_port", null), ("dst_port", null)), NetworkTrafficPorts, "$"),
        ("source that is a file", ExampleWith("network-traffic", ("src_ref", Q(FileId))), RefType, "$.src_ref"),
        ("payload that is not an artifact", ExampleWith("network-traffic", ("src_payload_ref", Q(FileId))), RefType, "$.src_payload_ref"),
        ("ipfix value a boolean", ExampleWith("network-traffic", ("ipfix", """{"minimumIpTotalLength": true}""")), PropertyType, "$.ipfix.minimumIpTotalLength"),
        ("ipfix key with a space", ExampleWith("network-traffic", ("ipfix", """{"minimum length": 32}""")), DictionaryKey, "$.ipfix['minimum length']"),
        ("http-request-ext without request_method", ExampleWith("network-traffic", ("extensions", """{"http-request-ext": {"request_value": "/"}}""")), Required, "$.extensions['http-request-ext'].request_method"),
        ("http request header a number", ExampleWith("network-traffic", ("extensions", """{"http-request-ext": {"request_method": "get", "request_value": "/", "request_header": {"Content-Length": 42}}}""")), PropertyType, "$.extensions['http-request-ext'].request_header['Content-Length']"),
        ("http request header an empty list", ExampleWith("network-traffic", ("extensions", """{"http-request-ext": {"request_method": "get", "request_value": "/", "request_header": {"Host": []}}}""")), PropertyType, "$.extensions['http-request-ext'].request_header.Host"),
        ("icmp-ext type not hex", ExampleWith("network-traffic", ("extensions", """{"icmp-ext": {"icmp_type_hex": "8", "icmp_code_hex": "00"}}""")), Hex, "$.extensions['icmp-ext'].icmp_type_hex"),
        ("socket-ext address family outside the enumeration", ExampleWith("network-traffic", ("extensions", """{"socket-ext": {"address_family": "AF_PACKET"}}""")), EnumValue, "$.extensions['socket-ext'].address_family"),
        ("socket-ext option not an integer", ExampleWith("network-traffic", ("extensions", """{"socket-ext": {"address_family": "AF_INET", "options": {"SO_RCVTIMEO": "100"}}}""")), PropertyType, "$.extensions['socket-ext'].options.SO_RCVTIMEO"),
        ("empty tcp-ext", ExampleWith("network-traffic", ("extensions", """{"tcp-ext": {}}""")), AtLeastOneProperty, "$.extensions['tcp-ext']"));

    public static TheoryData<string, string, string, string> OtherScoCases => Invalid(
        ("email-message without is_multipart", ExampleWith("email-message", ("is_multipart", null)), Required, "$.is_multipart"),
        ("multipart email with a body", ExampleWith("email-message", ("is_multipart", "true")), EmailMessageMultipart, "$.body"),
        ("single-part email with body_multipart", ExampleWith("email-message", ("body", null), ("body_multipart", """[{"body": "hello"}]""")), EmailMessageMultipart, "$.body_multipart"),
        ("MIME part without body or body_raw_ref", ExampleWith("email-message", ("is_multipart", "true"), ("body", null), ("body_multipart", """[{"content_type": "text/plain"}]""")), EmailMimePartBody, "$.body_multipart[0]"),
        ("MIME part raw body that is a URL", ExampleWith("email-message", ("is_multipart", "true"), ("body", null), ("body_multipart", """[{"body_raw_ref": "url--0d4f1e3b-8a1b-5e5c-9f0e-5b3c2a1d4e6f"}]""")), RefType, "$.body_multipart[0].body_raw_ref"),
        ("email to an IP address", ExampleWith("email-message", ("to_refs", $"[{Q(Ipv4Id)}]")), RefType, "$.to_refs[0]"),
        ("header field value a list of numbers", ExampleWith("email-message", ("additional_header_fields", """{"X-Priority": [1]}""")), PropertyType, "$.additional_header_fields['X-Priority']"),
        ("process without any property", """{"type": "process", "spec_version": "2.1", "id": "process--cc531843-732f-4889-bb2d-ccf6a82cf00e"}""", AtLeastOneProperty, "$"),
        ("process id that is a UUIDv5", ExampleWith("process", ("id", Q("process--7c1b5b4d-5b6a-5c3e-9a2d-1f0e3d4c5b6a"))), ScoUuidV4, "$.id"),
        ("process opening a file as a connection", ExampleWith("process", ("opened_connection_refs", $"[{Q(FileId)}]")), RefType, "$.opened_connection_refs[0]"),
        ("process environment variable not a string", ExampleWith("process", ("environment_variables", """{"PATH": 1}""")), PropertyType, "$.environment_variables.PATH"),
        ("windows-process-ext integrity level outside the enumeration", ExampleWith("process", ("extensions", """{"windows-process-ext": {"integrity_level": "untrusted"}}""")), EnumValue, "$.extensions['windows-process-ext'].integrity_level"),
        ("windows-service-ext start type outside the enumeration", ExampleWith("process", ("extensions", """{"windows-service-ext": {"start_type": "SERVICE_LAZY_START"}}""")), EnumValue, "$.extensions['windows-service-ext'].start_type"),
        ("software cpe not CPE 2.3", ExampleWith("software", ("cpe", Q("cpe:/o:microsoft:windows_10"))), SoftwareCpe, "$.cpe"),
        ("software language not a language tag", ExampleWith("software", ("languages", """["en", "en_US"]""")), LanguageTag, "$.languages[1]"),
        ("user-account without any property", """{"type": "user-account", "spec_version": "2.1", "id": "user-account--6d1e3b0c-2f4e-5a6b-8c7d-9e0f1a2b3c4d"}""", $"{AtLeastOneProperty} {ScoUuidV4}", "$"),
        ("user-account type outside the vocabulary", ExampleWith("user-account", ("account_type", Q("mainframe"))), OpenVocab, "$.account_type"),
        ("unix-account-ext gid a string", ExampleWith("user-account", ("extensions", """{"unix-account-ext": {"gid": "1001"}}""")), PropertyType, "$.extensions['unix-account-ext'].gid"),
        ("registry value with no property", ExampleWith("windows-registry-key", ("values", "[{}]")), AtLeastOneProperty, "$.values[0]"),
        ("registry data type outside the enumeration", ExampleWith("windows-registry-key", ("values", """[{"name": "x", "data_type": "REG_JSON"}]""")), EnumValue, "$.values[0].data_type"),
        ("registry key with an abbreviated hive", ExampleWith("windows-registry-key", ("key", Q("HKLM\\Software\\Acme"))), RegistryKeyHive, "$.key"),
        ("registry key with an abbreviated hive only", ExampleWith("windows-registry-key", ("key", Q("hkcu"))), RegistryKeyHive, "$.key"),
        ("registry key created by an identity", ExampleWith("windows-registry-key", ("creator_user_ref", Q(IdentityId))), RefType, "$.creator_user_ref"),
        ("x509 v3 extensions with no property", ExampleWith("x509-certificate", ("x509_v3_extensions", "{}")), AtLeastOneProperty, "$.x509_v3_extensions"),
        ("x509 exponent a string", ExampleWith("x509-certificate", ("subject_public_key_exponent", Q("65537"))), PropertyType, "$.subject_public_key_exponent"),
        ("autonomous system number a string", ExampleWith("autonomous-system", ("number", Q("64511"))), PropertyType, "$.number"),
        ("mutex without name", ExampleWith("mutex", ("name", null)), Required, "$.name"),
        ("SCO id that is a UUIDv4", ExampleWith("domain-name", ("id", Q("domain-name--0e1b2d44-2a0c-4f4e-9f2f-8a6e2c1d3b4a"))), ScoUuidV5, "$.id"),
        ("SCO id that is the UUIDv5 of another value", ExampleWith("domain-name", ("id", Q("domain-name--28bb3599-77cd-5a82-a950-b5bc3caf07c4"))), ScoDeterministicId, "$.id"),
        ("versioned SCO created to the second", ExampleWith("mutex", ("created", Q("2024-03-05T13:41:09Z"))), TimestampPrecision, "$.created"));

    public static TheoryData<string, string> ValidScoCases => Valid(
        ("file with a name only", ExampleWith("file", ("hashes", null))),
        ("file with hashes only", ExampleWith("file", ("name", null))),
        ("artifact by url", ExampleWith("artifact", ("payload_bin", null), ("url", Q("https://samples.example.org/a.bin")), ("hashes", $$"""{"SHA-256": "{{Sha256}}"}"""))),
        ("encrypted artifact", ExampleWith("artifact", ("encryption_algorithm", Q("mime-type-indicated")), ("decryption_key", Q("infected")))),
        ("ICMP traffic without ports", ExampleWith("network-traffic", ("src_port", null), ("dst_port", null), ("protocols", """["ipv4", "icmp"]"""))),
        ("active traffic without an end", ExampleWith("network-traffic", ("is_active", "true"))),
        ("traffic with only a destination", ExampleWith("network-traffic", ("src_ref", null))),
        ("multipart email", ExampleWith("email-message", ("is_multipart", "true"), ("body", null), ("body_multipart", $$"""[{"body": "See attachment.", "content_type": "text/plain"}, {"body_raw_ref": "{{FileId}}", "content_type": "application/octet-stream"}]"""))),
        ("process with only an extension", """{"type": "process", "spec_version": "2.1", "id": "process--cc531843-732f-4889-bb2d-ccf6a82cf00e", "extensions": {"windows-service-ext": {"service_name": "AcmeUpdate"}}}"""),
        ("file with a PE extension", ExampleWith("file", ("extensions", """{"windows-pebinary-ext": {"pe_type": "exe", "machine_hex": "014c", "number_of_sections": 4, "sections": [{"name": ".text", "size": 4096, "entropy": 6.2}]}}"""))),
        ("header fields as single strings, as in the specification's example", ExampleWith("email-message", ("additional_header_fields", """{"Content-Disposition": "inline", "X-Mailer": "Mutt/1.5.23"}"""))),
        ("registry default value", ExampleWith("windows-registry-key", ("values", """[{"name": "", "data": "x", "data_type": "REG_SZ"}]"""))));

    [Theory]
    [MemberData(nameof(AddressCases))]
    [MemberData(nameof(FileAndArtifactCases))]
    [MemberData(nameof(NetworkTrafficCases))]
    [MemberData(nameof(OtherScoCases))]
    public void Invalid_sco_is_reported(string name, string json, string rules, string path)
    {
        _ = name;
        AssertIssues(json, rules, path);
    }

    [Theory]
    [MemberData(nameof(ValidAddressCases))]
    [MemberData(nameof(ValidScoCases))]
    public void Valid_sco_is_accepted(string name, string json)
    {
        _ = name;
        AssertClean(json);
    }
}
