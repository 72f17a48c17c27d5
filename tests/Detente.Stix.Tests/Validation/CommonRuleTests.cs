using Detente.Stix.Validation;
using static Detente.Stix.Validation.ValidationRules;

namespace Detente.Stix.Tests.Validation;

/// <summary>Common properties (STIX 2.1 §3.2) and common data types (§2).</summary>
public sealed class CommonRuleTests : ValidationTestBase
{
    private const string ExtensionDefinitionId = "extension-definition--d419a356-5622-4d28-a6e8-c295010fe34d";

    public static TheoryData<string, string, string, string> TypeAndIdCases => Invalid(
        ("type missing", ExampleWith("indicator", ("type", null)), Required, "$.type"),
        ("type not a string", ExampleWith("indicator", ("type", "42")), PropertyType, "$.type"),
        ("type upper case", ExampleWith("indicator", ("type", Q("Indicator"))), TypeFormat, "$.type"),
        ("type with a double hyphen", ExampleWith("indicator", ("type", Q("x--acme"))), TypeFormat, "$.type"),
        ("type too short", ExampleWith("indicator", ("type", Q("ab"))), TypeFormat, "$.type"),
        ("type starting with a digit", ExampleWith("indicator", ("type", Q("1ndicator"))), TypeFormat, "$.type"),
        ("id missing", ExampleWith("indicator", ("id", null)), Required, "$.id"),
        ("id without a UUID", ExampleWith("indicator", ("id", Q("indicator--not-a-uuid"))), IdFormat, "$.id"),
        ("id with an upper-case UUID", ExampleWith("indicator", ("id", Q("indicator--82E86EBF-5046-4ED4-909D-41936F1B1BB3"))), IdFormat, "$.id"),
        ("id with a non-RFC 4122 variant", ExampleWith("indicator", ("id", Q("indicator--82e86ebf-5046-4ed4-109d-41936f1b1bb3"))), IdFormat, "$.id"),
        ("id with a single hyphen", ExampleWith("indicator", ("id", Q("indicator-82e86ebf-5046-4ed4-909d-41936f1b1bb3"))), IdFormat, "$.id"),
        ("id of another type", ExampleWith("indicator", ("id", Q("malware--82e86ebf-5046-4ed4-909d-41936f1b1bb3"))), IdType, "$.id"),
        ("id not a string", ExampleWith("indicator", ("id", "7")), PropertyType, "$.id"),
        ("SDO id is a UUIDv1", ExampleWith("indicator", ("id", Q("indicator--6ba7b810-9dad-11d1-80b4-00c04fd430c8"))), UuidVersion, "$.id"));

    public static TheoryData<string, string, string, string> SpecVersionCases => Invalid(
        ("spec_version missing on an SDO", ExampleWith("indicator", ("spec_version", null)), SpecVersion, "$.spec_version"),
        ("spec_version 2.0", ExampleWith("indicator", ("spec_version", Q("2.0"))), SpecVersion, "$.spec_version"),
        ("spec_version a number", ExampleWith("indicator", ("spec_version", "2.1")), PropertyType, "$.spec_version"),
        ("spec_version 2.0 on an SCO", ExampleWith("ipv4-addr", ("spec_version", Q("2.0"))), SpecVersion, "$.spec_version"),
        ("spec_version missing on a meta object", ExampleWith("language-content", ("spec_version", null)), SpecVersion, "$.spec_version"));

    public static TheoryData<string, string, string, string> TimestampCases => Invalid(
        ("created missing", ExampleWith("campaign", ("created", null)), Required, "$.created"),
        ("modified missing", ExampleWith("campaign", ("modified", null)), Required, "$.modified"),
        ("created to the second", ExampleWith("campaign", ("created", Q("2024-03-04T09:15:27Z"))), TimestampPrecision, "$.created"),
        ("modified to the centisecond", ExampleWith("campaign", ("modified", Q("2024-03-11T16:02:44.90Z"))), TimestampPrecision, "$.modified"),
        ("created with a space", ExampleWith("campaign", ("created", Q("2024-03-04 09:15:27.318Z"))), TimestampFormat, "$.created"),
        ("created with an offset", ExampleWith("campaign", ("created", Q("2024-03-04T09:15:27.318+00:00"))), TimestampFormat, "$.created"),
        ("created on 30 February", ExampleWith("campaign", ("created", Q("2024-02-30T09:15:27.318Z"))), TimestampFormat, "$.created"),
        ("created not a string", ExampleWith("campaign", ("created", "1709543727318")), PropertyType, "$.created"),
        ("first_seen with a decimal point and no digits", ExampleWith("campaign", ("first_seen", Q("2024-02-26T08:00:00.Z"))), TimestampFormat, "$.first_seen"),
        ("modified before created", ExampleWith("campaign", ("modified", Q("2024-03-04T09:15:27.317Z"))), ModifiedBeforeCreated, "$.modified"),
        ("last_seen before first_seen", ExampleWith("campaign", ("last_seen", Q("2024-02-25T08:00:00Z"))), SeenWindow, "$.last_seen"));

    public static TheoryData<string, string> ValidTimestampCases => Valid(
        ("created to the microsecond", ExampleWith("campaign", ("created", Q("2024-03-04T09:15:27.318000Z")))),
        ("created to the nanosecond", ExampleWith("campaign", ("created", Q("2024-03-04T09:15:27.318123456Z")))),
        ("modified equal to created", ExampleWith("campaign", ("modified", Q("2024-03-04T09:15:27.318Z")))),
        ("modified equal to created at another precision", ExampleWith("campaign", ("modified", Q("2024-03-04T09:15:27.318000Z")))),
        ("first_seen without sub-seconds", ExampleWith("campaign", ("first_seen", Q("2024-02-26T08:00:00Z")))),
        ("last_seen equal to first_seen", ExampleWith("campaign", ("last_seen", Q("2024-02-26T08:00:00.000Z")))));

    public static TheoryData<string, string, string, string> PropertyTypeCases => Invalid(
        ("created_by_ref to an indicator", ExampleWith("campaign", ("created_by_ref", Q("indicator--82e86ebf-5046-4ed4-909d-41936f1b1bb3"))), RefType, "$.created_by_ref"),
        ("created_by_ref malformed", ExampleWith("campaign", ("created_by_ref", Q("identity--1234"))), RefFormat, "$.created_by_ref"),
        ("revoked a string", ExampleWith("campaign", ("revoked", Q("yes"))), PropertyType, "$.revoked"),
        ("labels empty", ExampleWith("campaign", ("labels", "[]")), EmptyList, "$.labels"),
        ("labels not a list", ExampleWith("campaign", ("labels", Q("phishing"))), PropertyType, "$.labels"),
        ("labels item a number", ExampleWith("campaign", ("labels", """["phishing", 1]""")), PropertyType, "$.labels[1]"),
        ("confidence above 100", ExampleWith("campaign", ("confidence", "101")), OutOfRange, "$.confidence"),
        ("confidence below 0", ExampleWith("campaign", ("confidence", "-1")), OutOfRange, "$.confidence"),
        ("confidence a fraction", ExampleWith("campaign", ("confidence", "50.5")), OutOfRange, "$.confidence"),
        ("confidence a string", ExampleWith("campaign", ("confidence", Q("high"))), PropertyType, "$.confidence"),
        ("lang not a language tag", ExampleWith("campaign", ("lang", Q("english!"))), LanguageTag, "$.lang"),
        ("lang a single letter", ExampleWith("campaign", ("lang", Q("e"))), LanguageTag, "$.lang"),
        ("description null", ExampleWith("campaign", ("description", "null")), PropertyType, "$.description"),
        ("name an object", ExampleWith("campaign", ("name", """{"en": "x"}""")), PropertyType, "$.name"),
        ("object_marking_refs to an identity", ExampleWith("campaign", ("object_marking_refs", $"[{Q(Detente.Testing.StixExamples.CreatorIdentityId)}]")), RefType, "$.object_marking_refs[0]"));

    public static TheoryData<string, string, string, string> ExternalReferenceCases => Invalid(
        ("only source_name", ExampleWith("campaign", ("external_references", """[{"source_name": "acme"}]""")), ExternalReferenceContent, "$.external_references[0]"),
        ("no source_name", ExampleWith("campaign", ("external_references", """[{"description": "report"}]""")), Required, "$.external_references[0].source_name"),
        ("not an object", ExampleWith("campaign", ("external_references", """["https://example.org"]""")), PropertyType, "$.external_references[0]"),
        ("malformed CAPEC id", ExampleWith("attack-pattern", ("external_references", """[{"source_name": "capec", "external_id": "163"}]""")), ExternalReferenceCapec, "$.external_references[0].external_id"),
        ("malformed CVE id", ExampleWith("vulnerability", ("external_references", """[{"source_name": "cve", "external_id": "2023-38831"}]""")), ExternalReferenceCve, "$.external_references[0].external_id"),
        ("url that is not a URL", ExampleWith("campaign", ("external_references", """[{"source_name": "acme", "url": "see the shared drive"}]""")), ExternalReferenceUrl, "$.external_references[0].url"),
        ("hash of the wrong length", ExampleWith("campaign", ("external_references", """[{"source_name": "acme", "url": "https://acme.example/r.pdf", "hashes": {"SHA-256": "abc"}}]""")), HashValue, "$.external_references[0].hashes['SHA-256']"));

    public static TheoryData<string, string> ValidExternalReferenceCases => Valid(
        ("source_name and external_id", ExampleWith("campaign", ("external_references", """[{"source_name": "acme", "external_id": "ACME-1"}]"""))),
        ("source_name and description", ExampleWith("campaign", ("external_references", """[{"source_name": "acme", "description": "offline report"}]"""))),
        ("CVE id with five digits", ExampleWith("vulnerability", ("external_references", """[{"source_name": "cve", "external_id": "CVE-2021-44228"}]"""))),
        ("url with hashes", ExampleWith("campaign", ("external_references", """[{"source_name": "veris", "url": "https://github.com/vz-risk/VCDB", "hashes": {"SHA-256": "6db12788c37247f2316052e142f42f4b259d6561751e5f401a1ae2a6df9c674b"}}]"""))));

    public static TheoryData<string, string, string, string> KillChainPhaseCases => Invalid(
        ("phase_name missing", ExampleWith("tool", ("kill_chain_phases", """[{"kill_chain_name": "mitre-attack"}]""")), Required, "$.kill_chain_phases[0].phase_name"),
        ("kill_chain_name with spaces and capitals", ExampleWith("tool", ("kill_chain_phases", """[{"kill_chain_name": "Lockheed Martin", "phase_name": "delivery"}]""")), KillChainPhaseFormat, "$.kill_chain_phases[0].kill_chain_name"),
        ("phase_name with underscores", ExampleWith("tool", ("kill_chain_phases", """[{"kill_chain_name": "mitre-attack", "phase_name": "lateral_movement"}]""")), KillChainPhaseFormat, "$.kill_chain_phases[0].phase_name"),
        ("empty list", ExampleWith("tool", ("kill_chain_phases", "[]")), EmptyList, "$.kill_chain_phases"));

    public static TheoryData<string, string, string, string> HashesCases => Invalid(
        ("unknown algorithm", ExampleWith("file", ("hashes", """{"sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}""")), HashAlgorithm, "$.hashes.sha256"),
        ("MD5 too short", ExampleWith("file", ("hashes", """{"MD5": "3773a88f65a5e780c8dff9cdc3a056"}""")), HashValue, "$.hashes.MD5"),
        ("SHA-1 not hex", ExampleWith("file", ("hashes", """{"SHA-1": "zz37a88f65a5e780c8dff9cdc3a056f3aabbccdd"}""")), HashValue, "$.hashes['SHA-1']"),
        ("SHA-512 too short", ExampleWith("file", ("hashes", """{"SHA-512": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}""")), HashValue, "$.hashes['SHA-512']"),
        ("TLSH too short", ExampleWith("file", ("hashes", """{"TLSH": "T1A0B1"}""")), HashValue, "$.hashes.TLSH"),
        ("SSDEEP without block size", ExampleWith("file", ("hashes", """{"SSDEEP": "AXGBicFlgVNhBGcL6wCrFQEv"}""")), HashValue, "$.hashes.SSDEEP"),
        ("algorithm name too short", ExampleWith("file", ("hashes", """{"md": "3773a88f65a5e780c8dff9cdc3a056f3"}""")), HashKey, "$.hashes.md"),
        ("algorithm name with a space", ExampleWith("file", ("hashes", """{"SHA 256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}""")), HashKey, "$.hashes['SHA 256']"),
        ("value a number", ExampleWith("file", ("hashes", """{"SHA-256": 42}""")), PropertyType, "$.hashes['SHA-256']"),
        ("no hash", ExampleWith("file", ("hashes", "{}")), EmptyDictionary, "$.hashes"));

    public static TheoryData<string, string> ValidHashesCases => Valid(
        ("upper-case hex", ExampleWith("file", ("hashes", """{"MD5": "3773A88F65A5E780C8DFF9CDC3A056F3"}"""))),
        ("SHA3-256", ExampleWith("file", ("hashes", """{"SHA3-256": "3338be694f50c5f338814986cdf0686453a888b84f424d792af4b9202398f392"}"""))),
        ("SSDEEP", ExampleWith("file", ("hashes", """{"SSDEEP": "3:AXGBicFlgVNhBGcL6wCrFQEv:AXGHsNhxLsr2C"}"""))),
        ("TLSH with its T1 prefix", ExampleWith("file", ("hashes", """{"TLSH": "T1B4A0222B3C2B1E1A0F2C09D2F70B8D7E64E0F0E2A3B4C5D6E7F8091A2B3C4D5E6F7081"}"""))),
        ("TLSH without prefix", ExampleWith("file", ("hashes", """{"TLSH": "B4A0222B3C2B1E1A0F2C09D2F70B8D7E64E0F0E2A3B4C5D6E7F8091A2B3C4D5E6F7081"}"""))));

    public static TheoryData<string, string, string, string> ApplicabilityCases => Invalid(
        ("defanged on an SDO", ExampleWith("campaign", ("defanged", "true")), NotAllowed, "$.defanged"),
        ("labels on an SCO", ExampleWith("ipv4-addr", ("labels", """["c2"]""")), NotApplicable, "$.labels"),
        ("confidence on an SCO", ExampleWith("domain-name", ("confidence", "80")), NotApplicable, "$.confidence"),
        ("modified on a marking definition", ExampleWith("marking-definition", ("modified", Q("2022-10-01T00:00:00.000Z"))), NotApplicable, "$.modified"),
        ("lang on language content", ExampleWith("language-content", ("lang", Q("en"))), NotApplicable, "$.lang"),
        ("defanged not a boolean on an SCO", ExampleWith("url", ("defanged", Q("yes"))), PropertyType, "$.defanged"),
        ("reserved severity", ExampleWith("campaign", ("severity", Q("high"))), ReservedProperty, "$.severity"),
        ("reserved phone_number", ExampleWith("identity", ("phone_number", Q("+41 00 000 00 00"))), ReservedProperty, "$.phone_number"),
        ("reserved action on course-of-action", ExampleWith("course-of-action", ("action", Q("block"))), ReservedProperty, "$.action"),
        ("encoding without its value", With(ExampleWith("file", ("name", null)), ("name_enc", Q("windows-1252"))), EncodingWithoutValue, "$.name_enc"));

    public static TheoryData<string, string> ValidApplicabilityCases => Valid(
        ("defanged on an SCO", ExampleWith("url", ("defanged", "true"))),
        ("a versioned SCO", ExampleWith("ipv4-addr", ("created", Q("2024-03-05T13:41:09.000Z")), ("modified", Q("2024-03-06T13:41:09.000Z")))),
        ("an SCO without spec_version", ExampleWith("ipv4-addr", ("spec_version", null))),
        ("name_enc with name", ExampleWith("file", ("name_enc", Q("windows-1252")))));

    public static TheoryData<string, string, string, string> CustomPropertyCases => Invalid(
        ("custom property without x_", ExampleWith("campaign", ("acme_score", "7")), CustomPropertyPrefix, "$.acme_score"),
        ("custom property with capitals", ExampleWith("campaign", ("x_acme_Score", "7")), CustomPropertyLowercase, "$.x_acme_Score"),
        ("custom property with a hyphen", ExampleWith("campaign", ("x-acme-score", "7")), CustomPropertyName, "$['x-acme-score']"),
        ("custom property too short", ExampleWith("campaign", ("xy", "7")), CustomPropertyName, "$.xy"),
        ("custom property starting with an underscore", ExampleWith("campaign", ("_x_acme", "7")), CustomPropertyName, "$._x_acme"),
        ("custom property too long", ExampleWith("campaign", ("x_" + new string('a', 249), "7")), CustomPropertyName, "$.x_" + new string('a', 249)),
        ("custom binary not base64", ExampleWith("campaign", ("x_acme_bin", Q("not base64!"))), Binary, "$.x_acme_bin"),
        ("custom hex in upper case", ExampleWith("campaign", ("x_acme_hex", Q("ABCD"))), Hex, "$.x_acme_hex"),
        ("custom hex of odd length", ExampleWith("campaign", ("x_acme_hex", Q("abc"))), Hex, "$.x_acme_hex"),
        ("custom empty list", ExampleWith("campaign", ("x_acme_tags", "[]")), EmptyList, "$.x_acme_tags"),
        ("custom empty dictionary", ExampleWith("campaign", ("x_acme_scores", "{}")), EmptyDictionary, "$.x_acme_scores"),
        ("custom null", ExampleWith("campaign", ("x_acme_score", "null")), PropertyType, "$.x_acme_score"));

    public static TheoryData<string, string> ValidCustomPropertyCases => Valid(
        ("x_ custom property", ExampleWith("campaign", ("x_acme_score", "7"))),
        ("x_ custom object value", ExampleWith("campaign", ("x_acme_scoring", """{"impact": "high", "probability": "low"}"""))),
        ("custom binary", ExampleWith("campaign", ("x_acme_bin", Q("aGVsbG8=")))),
        ("custom hex", ExampleWith("campaign", ("x_acme_hex", Q("00ff")))),
        ("unprefixed property declared by a toplevel-property-extension", ExampleWith("campaign",
            ("acme_score", "7"),
            ("extensions", Member(ExtensionDefinitionId, """{"extension_type": "toplevel-property-extension"}""")))));

    [Theory]
    [MemberData(nameof(TypeAndIdCases))]
    [MemberData(nameof(SpecVersionCases))]
    [MemberData(nameof(TimestampCases))]
    [MemberData(nameof(ExternalReferenceCases))]
    [MemberData(nameof(KillChainPhaseCases))]
    [MemberData(nameof(HashesCases))]
    [MemberData(nameof(ApplicabilityCases))]
    [MemberData(nameof(CustomPropertyCases))]
    public void Invalid_common_property_is_reported(string name, string json, string rules, string path)
    {
        _ = name;
        AssertIssues(json, rules, path);
    }

    [Theory]
    [MemberData(nameof(ValidTimestampCases))]
    [MemberData(nameof(ValidExternalReferenceCases))]
    [MemberData(nameof(ValidHashesCases))]
    [MemberData(nameof(ValidApplicabilityCases))]
    [MemberData(nameof(ValidCustomPropertyCases))]
    public void Valid_common_property_is_accepted(string name, string json)
    {
        _ = name;
        AssertClean(json);
    }

    [Fact]
    public void Modified_before_created_is_an_error()
    {
        ValidationReport report = Validate(ExampleWith("campaign", ("modified", Q("2020-01-01T00:00:00.000Z"))));

        ValidationIssue issue = Assert.Single(report.Errors);
        Assert.Equal(ModifiedBeforeCreated, issue.Rule);
        Assert.Equal("$.modified: must be later than or equal to created", issue.ToString());
    }

    [Fact]
    public void All_problems_are_reported_not_just_the_first()
    {
        string json = ExampleWith("campaign",
            ("spec_version", Q("2.0")),
            ("created", Q("2024-03-04T09:15:27Z")),
            ("confidence", "500"),
            ("labels", "[]"),
            ("name", null));

        ValidationReport report = Validate(json);

        Assert.Equal(
            new[] { "$.confidence", "$.created", "$.labels", "$.name", "$.spec_version" },
            report.Errors.Select(static e => e.Path).Order(StringComparer.Ordinal));
    }
}
