namespace Detente.Stix.Schema;

/// <summary>The open vocabularies and enumerations of STIX 2.1 §10.</summary>
/// <remarks>
/// The open vocabularies include the values STIX 2.1 Errata 01 adds (<c>rust</c>, <c>legal</c>, <c>incident</c>,
/// <c>private-sector</c>): a value missing from an open vocabulary is only a warning, and these are the values the
/// committee meant to list. Enumerations are exactly those of the 2021 standard.
/// </remarks>
internal static class Vocabularies
{
    // STIX 2.1 §10.1
    public static readonly Vocabulary AccountType = new("account-type-ov", false,
        "facebook", "ldap", "nis", "openid", "radius", "skype", "tacacs", "twitter", "unix", "windows-local",
        "windows-domain");

    // §10.2
    public static readonly Vocabulary AttackMotivation = new("attack-motivation-ov", false,
        "accidental", "coercion", "dominance", "ideology", "notoriety", "organizational-gain", "personal-gain",
        "personal-satisfaction", "revenge", "unpredictable");

    // §10.3
    public static readonly Vocabulary AttackResourceLevel = new("attack-resource-level-ov", false,
        "individual", "club", "contest", "team", "organization", "government");

    // §10.4
    public static readonly Vocabulary EncryptionAlgorithm = new("encryption-algorithm-enum", true,
        "AES-256-GCM", "ChaCha20-Poly1305", "mime-type-indicated");

    // §10.5
    public static readonly Vocabulary ExtensionType = new("extension-type-enum", true,
        "new-sdo", "new-sco", "new-sro", "property-extension", "toplevel-property-extension");

    // §10.6
    public static readonly Vocabulary GroupingContext = new("grouping-context-ov", false,
        "suspicious-activity", "malware-analysis", "unspecified");

    // §10.7
    public static readonly Vocabulary HashAlgorithm = new("hash-algorithm-ov", false,
        "MD5", "SHA-1", "SHA-256", "SHA-512", "SHA3-256", "SHA3-512", "SSDEEP", "TLSH");

    // §10.8
    public static readonly Vocabulary IdentityClass = new("identity-class-ov", false,
        "individual", "group", "system", "organization", "class", "unknown");

    // §10.9 (rust: Errata 01)
    public static readonly Vocabulary ImplementationLanguage = new("implementation-language-ov", false,
        "applescript", "bash", "c", "c++", "c#", "go", "java", "javascript", "lua", "objective-c", "perl", "php",
        "powershell", "python", "ruby", "rust", "scala", "swift", "typescript", "visual-basic", "x86-32", "x86-64");

    // §10.10
    public static readonly Vocabulary IndicatorType = new("indicator-type-ov", false,
        "anomalous-activity", "anonymization", "benign", "compromised", "malicious-activity", "attribution", "unknown");

    // §10.11 (legal: Errata 01)
    public static readonly Vocabulary IndustrySector = new("industry-sector-ov", false,
        "agriculture", "aerospace", "automotive", "chemical", "commercial", "communications", "construction",
        "defense", "education", "energy", "entertainment", "financial-services", "government", "emergency-services",
        "government-local", "government-national", "government-public-services", "government-regional",
        "healthcare", "hospitality-leisure", "infrastructure", "dams", "nuclear", "water", "insurance", "legal",
        "manufacturing", "mining", "non-profit", "pharmaceuticals", "retail", "technology", "telecommunications",
        "transportation", "utilities");

    // §10.12
    public static readonly Vocabulary InfrastructureType = new("infrastructure-type-ov", false,
        "amplification", "anonymization", "botnet", "command-and-control", "control-system", "exfiltration",
        "firewall", "hosting-malware", "hosting-target-lists", "phishing", "reconnaissance", "routers-switches",
        "staging", "workstation", "unknown");

    // §10.13
    public static readonly Vocabulary MalwareCapabilities = new("malware-capabilities-ov", false,
        "accesses-remote-machines", "anti-debugging", "anti-disassembly", "anti-emulation", "anti-memory-forensics",
        "anti-sandbox", "anti-vm", "captures-input-peripherals", "captures-output-peripherals",
        "captures-system-state-data", "cleans-traces-of-infection", "commits-fraud", "communicates-with-c2",
        "compromises-data-availability", "compromises-data-integrity", "compromises-system-availability",
        "controls-local-machine", "degrades-security-software", "degrades-system-updates", "determines-c2-server",
        "emails-spam", "escalates-privileges", "evades-av", "exfiltrates-data", "fingerprints-host",
        "hides-artifacts", "hides-executing-code", "infects-files", "infects-remote-machines",
        "installs-other-components", "persists-after-system-reboot", "prevents-artifact-access",
        "prevents-artifact-deletion", "probes-network-environment", "self-modifies",
        "steals-authentication-credentials", "violates-system-operational-integrity");

    // §10.14
    public static readonly Vocabulary MalwareResult = new("malware-result-ov", false,
        "malicious", "suspicious", "benign", "unknown");

    // §10.15
    public static readonly Vocabulary MalwareType = new("malware-type-ov", false,
        "adware", "backdoor", "bot", "bootkit", "ddos", "downloader", "dropper", "exploit-kit", "keylogger",
        "ransomware", "remote-access-trojan", "resource-exploitation", "rogue-security-software", "rootkit",
        "screen-capture", "spyware", "trojan", "unknown", "virus", "webshell", "wiper", "worm");

    // §10.16
    public static readonly Vocabulary NetworkSocketAddressFamily = new("network-socket-address-family-enum", true,
        "AF_UNSPEC", "AF_INET", "AF_IPX", "AF_APPLETALK", "AF_NETBIOS", "AF_INET6", "AF_IRDA", "AF_BTH");

    // §10.17
    public static readonly Vocabulary NetworkSocketType = new("network-socket-type-enum", true,
        "SOCK_STREAM", "SOCK_DGRAM", "SOCK_RAW", "SOCK_RDM", "SOCK_SEQPACKET");

    // §10.18
    public static readonly Vocabulary Opinion = new("opinion-enum", true,
        "strongly-disagree", "disagree", "neutral", "agree", "strongly-agree");

    // §10.19
    public static readonly Vocabulary PatternType = new("pattern-type-ov", false,
        "stix", "pcre", "sigma", "snort", "suricata", "yara");

    // §10.20
    public static readonly Vocabulary ProcessorArchitecture = new("processor-architecture-ov", false,
        "alpha", "arm", "ia-64", "mips", "powerpc", "sparc", "x86", "x86-64");

    // §10.21
    public static readonly Vocabulary Region = new("region-ov", false,
        "africa", "eastern-africa", "middle-africa", "northern-africa", "southern-africa", "western-africa",
        "americas", "latin-america-caribbean", "south-america", "caribbean", "central-america", "northern-america",
        "asia", "central-asia", "eastern-asia", "southern-asia", "south-eastern-asia", "western-asia",
        "europe", "eastern-europe", "northern-europe", "southern-europe", "western-europe",
        "oceania", "antarctica", "australia-new-zealand", "melanesia", "micronesia", "polynesia");

    // §10.22 (incident: Errata 01)
    public static readonly Vocabulary ReportType = new("report-type-ov", false,
        "attack-pattern", "campaign", "identity", "incident", "indicator", "intrusion-set", "malware",
        "observed-data", "threat-actor", "threat-report", "tool", "vulnerability");

    // §10.23 (private-sector: Errata 01)
    public static readonly Vocabulary ThreatActorType = new("threat-actor-type-ov", false,
        "activist", "competitor", "crime-syndicate", "criminal", "hacker", "insider-accidental",
        "insider-disgruntled", "nation-state", "private-sector", "sensationalist", "spy", "terrorist", "unknown");

    // §10.24
    public static readonly Vocabulary ThreatActorRole = new("threat-actor-role-ov", false,
        "agent", "director", "independent", "infrastructure-architect", "infrastructure-operator", "malware-author",
        "sponsor");

    // §10.25
    public static readonly Vocabulary ThreatActorSophistication = new("threat-actor-sophistication-ov", false,
        "none", "minimal", "intermediate", "advanced", "expert", "innovator", "strategic");

    // §10.26
    public static readonly Vocabulary ToolType = new("tool-type-ov", false,
        "denial-of-service", "exploitation", "information-gathering", "network-capture", "credential-exploitation",
        "remote-access", "vulnerability-scanning", "unknown");

    // §10.27
    public static readonly Vocabulary WindowsIntegrityLevel = new("windows-integrity-level-enum", true,
        "low", "medium", "high", "system");

    // §10.28
    public static readonly Vocabulary WindowsPeBinaryType = new("windows-pebinary-type-ov", false,
        "dll", "exe", "sys");

    // §10.29
    public static readonly Vocabulary WindowsRegistryDatatype = new("windows-registry-datatype-enum", true,
        "REG_NONE", "REG_SZ", "REG_EXPAND_SZ", "REG_BINARY", "REG_DWORD", "REG_DWORD_BIG_ENDIAN",
        "REG_DWORD_LITTLE_ENDIAN", "REG_LINK", "REG_MULTI_SZ", "REG_RESOURCE_LIST", "REG_FULL_RESOURCE_DESCRIPTION",
        "REG_RESOURCE_REQUIREMENTS_LIST", "REG_QWORD", "REG_INVALID_TYPE");

    // §10.30
    public static readonly Vocabulary WindowsServiceStartType = new("windows-service-start-type-enum", true,
        "SERVICE_AUTO_START", "SERVICE_BOOT_START", "SERVICE_DEMAND_START", "SERVICE_DISABLED",
        "SERVICE_SYSTEM_ALERT");

    // §10.31
    public static readonly Vocabulary WindowsServiceType = new("windows-service-type-enum", true,
        "SERVICE_KERNEL_DRIVER", "SERVICE_FILE_SYSTEM_DRIVER", "SERVICE_WIN32_OWN_PROCESS",
        "SERVICE_WIN32_SHARE_PROCESS");

    // §10.32
    public static readonly Vocabulary WindowsServiceStatus = new("windows-service-status-enum", true,
        "SERVICE_CONTINUE_PENDING", "SERVICE_PAUSE_PENDING", "SERVICE_PAUSED", "SERVICE_RUNNING",
        "SERVICE_START_PENDING", "SERVICE_STOP_PENDING", "SERVICE_STOPPED");

    // §7.2.1: definition_type SHOULD be one of the two marking types the specification defines.
    public static readonly Vocabulary MarkingDefinitionType = new("marking-definition-type", false,
        "statement", "tlp");
}
