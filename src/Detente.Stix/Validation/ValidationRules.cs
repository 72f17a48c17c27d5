namespace Detente.Stix.Validation;

/// <summary>The id of every rule <see cref="StixValidator"/> checks; each issue carries one of them.</summary>
/// <remarks>
/// Each rule is either an error (a MUST of STIX 2.1) or a warning (a SHOULD, a deprecation, or a likely mistake the
/// specification does not forbid); the summary of each constant says which, and where the specification says it.
/// </remarks>
public static class ValidationRules
{
    // Document and bundle

    /// <summary>
    /// Error: the document has more issues than <see cref="StixValidatorOptions.MaxIssues"/>; the ones past the limit
    /// were not recorded (not a STIX rule: reported once, last, at the root path, so a huge document cannot exhaust memory).
    /// </summary>
    public const string TooManyIssues = "validation.too-many-issues";

    /// <summary>Error: the document is not a JSON object (a bundle or a STIX Object).</summary>
    public const string DocumentNotObject = "document.not-object";

    /// <summary>Error: a bundle's <c>objects</c> holds something that is not a STIX Object (STIX 2.1 §8.1).</summary>
    public const string BundleObjects = "bundle.objects";

    /// <summary>Warning: a bundle holds the same object version (id and modified) twice.</summary>
    public const string BundleDuplicateObject = "bundle.duplicate-object";

    /// <summary>Warning: a bundle has <c>spec_version</c>, which STIX 2.1 bundles do not have (§8; it marks STIX 2.0 content).</summary>
    public const string BundleSpecVersion = "bundle.spec-version";

    // Common properties and data types

    /// <summary>Error: a required property is missing (STIX 2.1 §3.1).</summary>
    public const string Required = "common.required";

    /// <summary>Error: a value has the wrong JSON type, or is null (§2).</summary>
    public const string PropertyType = "common.property-type";

    /// <summary>Error: <c>type</c> is not 3–250 characters of a–z, 0–9 and single hyphens starting with a letter (§3.1).</summary>
    public const string TypeFormat = "common.type-format";

    /// <summary>Error: <c>id</c> is not <c>type--UUID</c> with a lower-case RFC 4122 UUID (§2.9).</summary>
    public const string IdFormat = "common.id-format";

    /// <summary>Error: the type part of <c>id</c> is not the object's <c>type</c> (§2.9).</summary>
    public const string IdType = "common.id-type";

    /// <summary>Warning: an SDO, SRO, meta object or bundle id is not a UUIDv4 (§2.9 SHOULD).</summary>
    public const string UuidVersion = "common.uuid-version";

    /// <summary>Error: <c>spec_version</c> is missing where required, or is not <c>2.1</c> (§3.2).</summary>
    public const string SpecVersion = "common.spec-version";

    /// <summary>Error: a timestamp is not <c>YYYY-MM-DDTHH:mm:ss[.s+]Z</c> (§2.16).</summary>
    public const string TimestampFormat = "common.timestamp-format";

    /// <summary>Error: <c>created</c> or <c>modified</c> has fewer than three sub-second digits (§3.2: the minimum precision MUST be milliseconds).</summary>
    public const string TimestampPrecision = "common.timestamp-precision";

    /// <summary>Error: <c>modified</c> is earlier than <c>created</c> (§3.2, §3.6.1).</summary>
    public const string ModifiedBeforeCreated = "common.modified-before-created";

    /// <summary>Error: a reference is not an identifier (§2.9).</summary>
    public const string RefFormat = "common.ref-format";

    /// <summary>Error: a reference points to a type the property does not allow (§3.3, each property's description).</summary>
    public const string RefType = "common.ref-type";

    /// <summary>Error: a number is outside its allowed range, or is not a whole number where an integer is required (§2.10).</summary>
    public const string OutOfRange = "common.range";

    /// <summary>Error: a list is empty (§2.12: empty lists are prohibited).</summary>
    public const string EmptyList = "common.empty-list";

    /// <summary>Error: a dictionary is empty (§2.3: empty dictionaries are prohibited).</summary>
    public const string EmptyDictionary = "common.empty-dictionary";

    /// <summary>Error: a dictionary key is not ASCII letters, digits, hyphen and underscore, at most 250 characters (§2.3).</summary>
    public const string DictionaryKey = "common.dictionary-key";

    /// <summary>Error: an enumeration property has a value the enumeration does not list (§2.4).</summary>
    public const string EnumValue = "common.enum";

    /// <summary>Warning: an open-vocabulary property has a value the vocabulary does not suggest (§2.14 SHOULD).</summary>
    public const string OpenVocab = "common.open-vocab";

    /// <summary>Warning: a common property that this kind of object does not use is present (§3.2 table).</summary>
    public const string NotApplicable = "common.not-applicable";

    /// <summary>Error: a property the object MUST NOT have is present (e.g. <c>defanged</c> outside SCOs, §3.2).</summary>
    public const string NotAllowed = "common.not-allowed";

    /// <summary>Error: a reserved property name is used (§3.8: severity, username, phone_number, action).</summary>
    public const string ReservedProperty = "common.reserved-property";

    /// <summary>Error: a language code is not an RFC 5646 language tag (§3.2 <c>lang</c>, §7.1, §7.2.3, §6.14).</summary>
    public const string LanguageTag = "common.language-tag";

    /// <summary>Error: a binary value is not RFC 4648 base64 (§2.1).</summary>
    public const string Binary = "common.binary";

    /// <summary>Error: a hex value is not an even number of lower-case hexadecimal digits (§2.8).</summary>
    public const string Hex = "common.hex";

    /// <summary>Warning: a deprecated property is used (e.g. observed-data <c>objects</c>, §2.13).</summary>
    public const string Deprecated = "common.deprecated";

    /// <summary>Error: an <c>_enc</c> property is present without the property it describes (§3.1).</summary>
    public const string EncodingWithoutValue = "common.encoding-without-value";

    /// <summary>Error: none of the properties of which at least one MUST be present is (e.g. user-account, ntfs-ext).</summary>
    public const string AtLeastOneProperty = "common.at-least-one-property";

    /// <summary>Error: <c>last_seen</c> is earlier than <c>first_seen</c> (campaign, infrastructure, intrusion-set, malware, threat-actor).</summary>
    public const string SeenWindow = "common.seen-window";

    // Hashes (§2.7)

    /// <summary>Error: a hash algorithm key is not 3–250 ASCII letters, digits, hyphen and underscore (§2.7).</summary>
    public const string HashKey = "hashes.key";

    /// <summary>Warning: a hash algorithm is not one of hash-algorithm-ov (§2.7 SHOULD; §6 says MUST but allows custom hashes).</summary>
    public const string HashAlgorithm = "hashes.algorithm";

    /// <summary>Error: a hash value does not have the format of its algorithm (§2.7), e.g. an MD5 that is not 32 hex digits.</summary>
    public const string HashValue = "hashes.value";

    // External references and kill chain phases

    /// <summary>Error: an external reference has none of description, url and external_id (§2.5.2).</summary>
    public const string ExternalReferenceContent = "external-reference.content";

    /// <summary>Error: a <c>capec</c> external reference's external_id is not <c>CAPEC-[id]</c> (§4.1).</summary>
    public const string ExternalReferenceCapec = "external-reference.capec-id";

    /// <summary>Error: a <c>cve</c> external reference's external_id is not a CVE identifier (§4.19).</summary>
    public const string ExternalReferenceCve = "external-reference.cve-id";

    /// <summary>Warning: an external reference's url is not an RFC 3986 URI.</summary>
    public const string ExternalReferenceUrl = "external-reference.url";

    /// <summary>Warning: a kill chain or phase name is not lower case with hyphens (§2.11 SHOULD).</summary>
    public const string KillChainPhaseFormat = "kill-chain-phase.format";

    // Data markings (§7.2)

    /// <summary>Error: a granular marking has both or neither of <c>marking_ref</c> and <c>lang</c> (§7.2.3).</summary>
    public const string GranularMarkingTarget = "granular-marking.marking-or-lang";

    /// <summary>Error: a granular marking selector is malformed or selects nothing present on the object (§7.2.3.1).</summary>
    public const string GranularMarkingSelector = "granular-marking.selector";

    /// <summary>Error: a marking definition marks itself (§3.2: no circular references).</summary>
    public const string MarkingCircular = "marking.circular";

    /// <summary>Error: a marking definition lacks definition_type/definition without extensions, or its definition does not fit its type (§7.2.1).</summary>
    public const string MarkingDefinition = "marking.definition";

    /// <summary>Error: a TLP 1.0 marking definition is not one of the four the specification fixes (§7.2.1.4).</summary>
    public const string MarkingTlp = "marking.tlp";

    /// <summary>Error: a TLP 2.0 marking definition does not match the published one for its id, or has an unknown id.</summary>
    public const string MarkingTlp2 = "marking.tlp2";

    /// <summary>Warning: a new marking definition uses the deprecated definition_type/definition (§7.2.1 SHOULD use an extension).</summary>
    public const string MarkingDeprecatedDefinition = "marking.deprecated-definition";

    // Extensions (§3.2, §3.10, §7.3, §11.3)

    /// <summary>Error: an <c>extensions</c> key is neither an extension-definition id, a predefined extension of this type, nor a custom <c>-ext</c> name on an SCO.</summary>
    public const string ExtensionKey = "extensions.key";

    /// <summary>Error: an extension-definition based extension lacks <c>extension_type</c> or has one outside extension-type-enum (§3.2).</summary>
    public const string ExtensionType = "extensions.extension-type";

    /// <summary>Error: a spec-defined type declares itself a new object type through an extension (§7.3: MUST NOT redefine standard objects).</summary>
    public const string ExtensionRedefines = "extensions.redefine";

    /// <summary>Warning: a deprecated custom extension is used instead of an extension definition (§11.3).</summary>
    public const string ExtensionCustom = "extensions.custom";

    // Custom content (§11, deprecated mechanisms)

    /// <summary>Error: a property name is not 3–250 ASCII letters, digits and underscore starting with a letter (§3.1, §11.1).</summary>
    public const string CustomPropertyName = "custom.property-name";

    /// <summary>Warning: a custom property does not start with <c>x_</c> and no toplevel-property-extension declares it (§11.1 SHOULD).</summary>
    public const string CustomPropertyPrefix = "custom.property-prefix";

    /// <summary>Warning: a custom property name has upper-case letters (§3.1).</summary>
    public const string CustomPropertyLowercase = "custom.property-lowercase";

    /// <summary>Warning: a custom object type is not declared by an extension definition (§11.2, deprecated; SHOULD start with <c>x-</c>).</summary>
    public const string CustomObject = "custom.object";

    // SDOs and SROs (§4, §5)

    /// <summary>Error: indicator <c>valid_until</c> is not later than <c>valid_from</c> (§4.7).</summary>
    public const string IndicatorValidWindow = "indicator.valid-window";

    /// <summary>Error: indicator <c>pattern</c> is empty, or the configured <see cref="IPatternValidator"/> rejects it (§4.7, §9).</summary>
    public const string IndicatorPattern = "indicator.pattern";

    /// <summary>Warning: the configured <see cref="IPatternValidator"/> has a doubt about the pattern, e.g. an object type or property the specification does not define (§9).</summary>
    public const string IndicatorPatternWarning = "indicator.pattern-warning";

    /// <summary>Error: observed-data <c>last_observed</c> is earlier than <c>first_observed</c> (§4.14).</summary>
    public const string ObservedDataWindow = "observed-data.observed-window";

    /// <summary>Error: observed-data has both or neither of <c>objects</c> and <c>object_refs</c> (§4.14).</summary>
    public const string ObservedDataObjects = "observed-data.objects-or-refs";

    /// <summary>Error: observed-data <c>object_refs</c> has no SCO reference (§4.14).</summary>
    public const string ObservedDataScoRef = "observed-data.sco-ref";

    /// <summary>Error: a location has none of region, country, or latitude and longitude (§4.10).</summary>
    public const string LocationRequired = "location.region-country-or-coordinates";

    /// <summary>Error: a location has latitude without longitude or the reverse (§4.10).</summary>
    public const string LocationCoordinates = "location.coordinates";

    /// <summary>Error: a location has precision without latitude and longitude (§4.10).</summary>
    public const string LocationPrecision = "location.precision";

    /// <summary>Error: a malware family (<c>is_family</c> true) has no name (§4.11).</summary>
    public const string MalwareFamilyName = "malware.family-name";

    /// <summary>Error: malware-analysis has neither <c>result</c> nor <c>analysis_sco_refs</c> (§4.12).</summary>
    public const string MalwareAnalysisResult = "malware-analysis.result-or-scos";

    /// <summary>Warning: malware-analysis <c>product</c> is not lower case with dashes (§4.12 SHOULD).</summary>
    public const string MalwareAnalysisProduct = "malware-analysis.product-format";

    /// <summary>Error: relationship_type has characters other than a–z, 0–9 and hyphen (§5.1).</summary>
    public const string RelationshipType = "relationship.type-format";

    /// <summary>Error: relationship <c>stop_time</c> is not later than <c>start_time</c> (§5.1).</summary>
    public const string RelationshipTimeWindow = "relationship.time-window";

    /// <summary>Error: sighting <c>last_seen</c> is earlier than <c>first_seen</c> (§5.2).</summary>
    public const string SightingSeenWindow = "sighting.seen-window";

    // SCOs (§6)

    /// <summary>Warning: an SCO id is not a UUIDv5 (§2.9 SHOULD).</summary>
    public const string ScoUuidV5 = "sco.uuid-v5";

    /// <summary>Warning: an SCO id is a UUIDv5, but not the one its ID Contributing Properties give (§2.9 SHOULD; signatures excluded).</summary>
    public const string ScoDeterministicId = "sco.deterministic-id";

    /// <summary>Error: an SCO has none of its (all optional) ID Contributing Properties, so its id MUST be a UUIDv4 (§2.9), but is not.</summary>
    public const string ScoUuidV4 = "sco.uuid-v4";

    /// <summary>Error: ipv4-addr <c>value</c> is not an IPv4 address or CIDR block (§6.8).</summary>
    public const string Ipv4Value = "ipv4-addr.value";

    /// <summary>Error: ipv6-addr <c>value</c> is not an IPv6 address or CIDR block (§6.9).</summary>
    public const string Ipv6Value = "ipv6-addr.value";

    /// <summary>Warning: an IP CIDR block has host bits set (e.g. 10.0.0.1/8); the specification does not forbid it.</summary>
    public const string IpHostBits = "ip-addr.host-bits";

    /// <summary>Error: mac-addr <c>value</c> is not a colon-delimited, lower-case MAC-48 with leading zeros (§6.10).</summary>
    public const string MacValue = "mac-addr.value";

    /// <summary>Error: domain-name <c>value</c> is not an RFC 1034 / RFC 5890 domain name (§6.4).</summary>
    public const string DomainNameValue = "domain-name.value";

    /// <summary>Error: url <c>value</c> (or artifact <c>url</c>) is not an RFC 3986 URL (§6.15, §6.1).</summary>
    public const string UrlValue = "url.value";

    /// <summary>Error: email-addr <c>value</c> is not an RFC 5322 addr-spec (§6.5).</summary>
    public const string EmailAddrValue = "email-addr.value";

    /// <summary>Error: a file has neither <c>hashes</c> nor <c>name</c> (§6.7).</summary>
    public const string FileNameOrHashes = "file.name-or-hashes";

    /// <summary>Error: an artifact has both or neither of <c>payload_bin</c> and <c>url</c> (§6.1).</summary>
    public const string ArtifactPayloadOrUrl = "artifact.payload-or-url";

    /// <summary>Error: an artifact has <c>url</c> without <c>hashes</c> (§6.1).</summary>
    public const string ArtifactUrlHashes = "artifact.url-hashes";

    /// <summary>Error: an artifact has <c>decryption_key</c> without <c>encryption_algorithm</c> (§6.1).</summary>
    public const string ArtifactDecryptionKey = "artifact.decryption-key";

    /// <summary>Error: network-traffic has neither <c>src_ref</c> nor <c>dst_ref</c> (§6.12).</summary>
    public const string NetworkTrafficEndpoint = "network-traffic.src-or-dst";

    /// <summary>Error: network-traffic is active (<c>is_active</c> true) yet has <c>end</c> (§6.12).</summary>
    public const string NetworkTrafficActive = "network-traffic.active-end";

    /// <summary>Error: network-traffic <c>end</c> is earlier than <c>start</c> (§6.12).</summary>
    public const string NetworkTrafficWindow = "network-traffic.time-window";

    /// <summary>Warning: TCP, UDP or SCTP network-traffic has neither port (§6.12 SHOULD contain src_port and dst_port).</summary>
    public const string NetworkTrafficPorts = "network-traffic.ports";

    /// <summary>Error: email-message <c>body</c> with <c>is_multipart</c> true, or <c>body_multipart</c> with it false (§6.6).</summary>
    public const string EmailMessageMultipart = "email-message.multipart";

    /// <summary>Error: an email MIME part has neither <c>body</c> nor <c>body_raw_ref</c> (§6.6.2).</summary>
    public const string EmailMimePartBody = "email-message.mime-part-body";

    /// <summary>Error: a windows-registry-key <c>key</c> abbreviates its hive (e.g. HKLM for HKEY_LOCAL_MACHINE, §6.17).</summary>
    public const string RegistryKeyHive = "windows-registry-key.hive";

    /// <summary>Error: software <c>cpe</c> is not a CPE 2.3 formatted string (§6.14).</summary>
    public const string SoftwareCpe = "software.cpe";

    // Meta objects (§7)

    /// <summary>Error: a language-content <c>contents</c> key is not an RFC 5646 language tag (§7.1).</summary>
    public const string LanguageContentKey = "language-content.contents-key";

    /// <summary>Error: extension-definition has <c>extension_properties</c> without <c>toplevel-property-extension</c> (§7.3).</summary>
    public const string ExtensionDefinitionProperties = "extension-definition.extension-properties";

    /// <summary>Warning: a toplevel-property-extension definition lists no <c>extension_properties</c> (§7.3 SHOULD).</summary>
    public const string ExtensionDefinitionToplevel = "extension-definition.toplevel-properties";

    /// <summary>Warning: extension-definition has no <c>description</c> (§7.3 SHOULD be populated).</summary>
    public const string ExtensionDefinitionDescription = "extension-definition.description";
}
