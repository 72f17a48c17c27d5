using Detente.Stix.Validation;
using static Detente.Stix.Validation.ValidationRules;

namespace Detente.Stix.Tests.Validation;

/// <summary>STIX Domain Objects (STIX 2.1 §4) and STIX Relationship Objects (§5).</summary>
public sealed class SdoRuleTests : ValidationTestBase
{
    private const string IndicatorId = "indicator--82e86ebf-5046-4ed4-909d-41936f1b1bb3";
    private const string MalwareId = "malware--cdc79576-6387-418b-9478-7f6249977db4";
    private const string RelationshipId = "relationship--03f8181e-4d48-4689-8232-4cd7c6f530d2";
    private const string Ipv4Id = "ipv4-addr--d4f0fba3-7f0d-5b8d-8b23-40e36d4c4d39";
    private const string FileId = "file--1641d432-c92a-58b2-b233-2b5ed4a8dbea";
    private const string TlpMarkingId = "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da";
    private const string BundleId = "bundle--94ab9d9a-3b11-4ac6-8214-079b66c93fcb";

    public static TheoryData<string, string, string, string> RequiredPropertyCases => Invalid(
        ("attack-pattern without name", ExampleWith("attack-pattern", ("name", null)), Required, "$.name"),
        ("campaign without name", ExampleWith("campaign", ("name", null)), Required, "$.name"),
        ("course-of-action without name", ExampleWith("course-of-action", ("name", null)), Required, "$.name"),
        ("grouping without context", ExampleWith("grouping", ("context", null)), Required, "$.context"),
        ("grouping without object_refs", ExampleWith("grouping", ("object_refs", null)), Required, "$.object_refs"),
        ("identity without name", ExampleWith("identity", ("name", null)), Required, "$.name"),
        ("incident without name", ExampleWith("incident", ("name", null)), Required, "$.name"),
        ("indicator without pattern", ExampleWith("indicator", ("pattern", null)), Required, "$.pattern"),
        ("indicator without pattern_type", ExampleWith("indicator", ("pattern_type", null)), Required, "$.pattern_type"),
        ("indicator without valid_from", ExampleWith("indicator", ("valid_from", null), ("valid_until", null)), Required, "$.valid_from"),
        ("infrastructure without name", ExampleWith("infrastructure", ("name", null)), Required, "$.name"),
        ("intrusion-set without name", ExampleWith("intrusion-set", ("name", null)), Required, "$.name"),
        ("malware without is_family", ExampleWith("malware", ("is_family", null)), Required, "$.is_family"),
        ("malware-analysis without product", ExampleWith("malware-analysis", ("product", null)), Required, "$.product"),
        ("note without content", ExampleWith("note", ("content", null)), Required, "$.content"),
        ("note without object_refs", ExampleWith("note", ("object_refs", null)), Required, "$.object_refs"),
        ("observed-data without number_observed", ExampleWith("observed-data", ("number_observed", null)), Required, "$.number_observed"),
        ("observed-data without first_observed", ExampleWith("observed-data", ("first_observed", null)), Required, "$.first_observed"),
        ("opinion without opinion", ExampleWith("opinion", ("opinion", null)), Required, "$.opinion"),
        ("report without published", ExampleWith("report", ("published", null)), Required, "$.published"),
        ("report without object_refs", ExampleWith("report", ("object_refs", null)), Required, "$.object_refs"),
        ("threat-actor without name", ExampleWith("threat-actor", ("name", null)), Required, "$.name"),
        ("tool without name", ExampleWith("tool", ("name", null)), Required, "$.name"),
        ("vulnerability without name", ExampleWith("vulnerability", ("name", null)), Required, "$.name"),
        ("relationship without relationship_type", ExampleWith("relationship", ("relationship_type", null)), Required, "$.relationship_type"),
        ("relationship without source_ref", ExampleWith("relationship", ("source_ref", null)), Required, "$.source_ref"),
        ("relationship without target_ref", ExampleWith("relationship", ("target_ref", null)), Required, "$.target_ref"),
        ("sighting without sighting_of_ref", ExampleWith("sighting", ("sighting_of_ref", null)), Required, "$.sighting_of_ref"));

    public static TheoryData<string, string, string, string> IndicatorCases => Invalid(
        ("valid_until equal to valid_from", ExampleWith("indicator", ("valid_until", Q("2024-03-04T09:15:27Z"))), IndicatorValidWindow, "$.valid_until"),
        ("valid_until before valid_from", ExampleWith("indicator", ("valid_until", Q("2024-03-04T09:15:26.999Z"))), IndicatorValidWindow, "$.valid_until"),
        ("empty pattern", ExampleWith("indicator", ("pattern", Q(""))), IndicatorPattern, "$.pattern"),
        ("blank pattern", ExampleWith("indicator", ("pattern", Q("  "))), IndicatorPattern, "$.pattern"),
        ("pattern not a string", ExampleWith("indicator", ("pattern", "[1]")), PropertyType, "$.pattern"),
        ("pattern_type outside the vocabulary", ExampleWith("indicator", ("pattern_type", Q("lucene"))), OpenVocab, "$.pattern_type"),
        ("indicator_types outside the vocabulary", ExampleWith("indicator", ("indicator_types", """["bad_stuff"]""")), OpenVocab, "$.indicator_types[0]"));

    public static TheoryData<string, string, string, string> ObservedDataCases => Invalid(
        ("last_observed before first_observed", ExampleWith("observed-data", ("last_observed", Q("2024-03-05T13:41:08Z"))), ObservedDataWindow, "$.last_observed"),
        ("number_observed of 0", ExampleWith("observed-data", ("number_observed", "0")), OutOfRange, "$.number_observed"),
        ("number_observed above 999,999,999", ExampleWith("observed-data", ("number_observed", "1000000000")), OutOfRange, "$.number_observed"),
        ("neither objects nor object_refs", ExampleWith("observed-data", ("object_refs", null)), ObservedDataObjects, "$"),
        ("both objects and object_refs", ExampleWith("observed-data", ("objects", """{"0": {"type": "ipv4-addr", "value": "198.51.100.3"}}""")), $"{ObservedDataObjects} {Deprecated}", "$"),
        ("object_refs without an SCO", ExampleWith("observed-data", ("object_refs", $"[{Q(RelationshipId)}]")), ObservedDataScoRef, "$.object_refs"),
        ("object_refs to an SDO", ExampleWith("observed-data", ("object_refs", $"[{Q(Ipv4Id)}, {Q(IndicatorId)}]")), RefType, "$.object_refs[1]"),
        ("deprecated observable container", ExampleWith("observed-data", ("object_refs", null), ("objects", """{"0": {"type": "ipv4-addr", "value": "198.51.100.3"}}""")), Deprecated, "$.objects"),
        ("observable container without types", ExampleWith("observed-data", ("object_refs", null), ("objects", """{"0": {"value": "198.51.100.3"}}""")), $"{PropertyType} {Deprecated}", "$.objects['0']"));

    public static TheoryData<string, string, string, string> RelationshipCases => Invalid(
        ("relationship_type with capitals", ExampleWith("relationship", ("relationship_type", Q("Indicates"))), RelationshipType, "$.relationship_type"),
        ("relationship_type with an underscore", ExampleWith("relationship", ("relationship_type", Q("uses_tool"))), RelationshipType, "$.relationship_type"),
        ("source_ref to a marking definition", ExampleWith("relationship", ("source_ref", Q(TlpMarkingId))), RefType, "$.source_ref"),
        ("target_ref to a relationship", ExampleWith("relationship", ("target_ref", Q(RelationshipId))), RefType, "$.target_ref"),
        ("target_ref to a bundle", ExampleWith("relationship", ("target_ref", Q(BundleId))), RefType, "$.target_ref"),
        ("stop_time equal to start_time", ExampleWith("relationship", ("stop_time", Q("2024-03-04T09:15:27Z"))), RelationshipTimeWindow, "$.stop_time"),
        ("stop_time before start_time", ExampleWith("relationship", ("stop_time", Q("2024-01-01T00:00:00Z"))), RelationshipTimeWindow, "$.stop_time"));

    public static TheoryData<string, string, string, string> SightingCases => Invalid(
        ("last_seen before first_seen", ExampleWith("sighting", ("last_seen", Q("2024-03-05T13:41:08Z"))), SightingSeenWindow, "$.last_seen"),
        ("negative count", ExampleWith("sighting", ("count", "-1")), OutOfRange, "$.count"),
        ("count above 999,999,999", ExampleWith("sighting", ("count", "1000000000")), OutOfRange, "$.count"),
        ("sighting of an SCO", ExampleWith("sighting", ("sighting_of_ref", Q(Ipv4Id))), RefType, "$.sighting_of_ref"),
        ("sighting of a relationship", ExampleWith("sighting", ("sighting_of_ref", Q(RelationshipId))), RefType, "$.sighting_of_ref"),
        ("observed_data_refs to an indicator", ExampleWith("sighting", ("observed_data_refs", $"[{Q(IndicatorId)}]")), RefType, "$.observed_data_refs[0]"),
        ("where_sighted_refs to malware", ExampleWith("sighting", ("where_sighted_refs", $"[{Q(MalwareId)}]")), RefType, "$.where_sighted_refs[0]"),
        ("summary a string", ExampleWith("sighting", ("summary", Q("false"))), PropertyType, "$.summary"));

    public static TheoryData<string, string, string, string> LocationCases => Invalid(
        ("no region, country or coordinates", ExampleWith("location", ("region", null), ("country", null), ("latitude", null), ("longitude", null), ("precision", null)), LocationRequired, "$"),
        ("latitude without longitude", ExampleWith("location", ("longitude", null)), $"{LocationCoordinates} {LocationPrecision}", "$.longitude"),
        ("longitude without latitude", ExampleWith("location", ("latitude", null), ("precision", null)), LocationCoordinates, "$.latitude"),
        ("precision without coordinates", ExampleWith("location", ("latitude", null), ("longitude", null)), LocationPrecision, "$.precision"),
        ("latitude above 90", ExampleWith("location", ("latitude", "90.5")), OutOfRange, "$.latitude"),
        ("longitude below -180", ExampleWith("location", ("longitude", "-180.1")), OutOfRange, "$.longitude"),
        ("latitude a string", ExampleWith("location", ("latitude", Q("53.5"))), PropertyType, "$.latitude"),
        ("region outside the vocabulary", ExampleWith("location", ("region", Q("middle-earth"))), OpenVocab, "$.region"));

    public static TheoryData<string, string, string, string> MalwareCases => Invalid(
        ("family without a name", ExampleWith("malware", ("name", null)), MalwareFamilyName, "$.name"),
        ("is_family a string", ExampleWith("malware", ("is_family", Q("true"))), PropertyType, "$.is_family"),
        ("last_seen before first_seen", ExampleWith("malware", ("last_seen", Q("2024-01-01T00:00:00Z"))), SeenWindow, "$.last_seen"),
        ("operating_system_refs to a file", ExampleWith("malware", ("operating_system_refs", $"[{Q(FileId)}]")), RefType, "$.operating_system_refs[0]"),
        ("sample_refs to an IP address", ExampleWith("malware", ("sample_refs", $"[{Q(Ipv4Id)}]")), RefType, "$.sample_refs[0]"),
        ("capability outside the vocabulary", ExampleWith("malware", ("capabilities", """["steals-cookies"]""")), OpenVocab, "$.capabilities[0]"),
        ("malware_types outside the vocabulary", ExampleWith("malware", ("malware_types", """["Ransomware"]""")), OpenVocab, "$.malware_types[0]"));

    public static TheoryData<string, string, string, string> MalwareAnalysisCases => Invalid(
        ("neither result nor analysis_sco_refs", ExampleWith("malware-analysis", ("result", null), ("analysis_sco_refs", null)), MalwareAnalysisResult, "$"),
        ("product with capitals and spaces", ExampleWith("malware-analysis", ("product", Q("Example Sandbox"))), MalwareAnalysisProduct, "$.product"),
        ("sample_ref to a domain name", ExampleWith("malware-analysis", ("sample_ref", Q("domain-name--0d4f1e3b-8a1b-5e5c-9f0e-5b3c2a1d4e6f"))), RefType, "$.sample_ref"),
        ("analysis_sco_refs to an SDO", ExampleWith("malware-analysis", ("analysis_sco_refs", $"[{Q(IndicatorId)}]")), RefType, "$.analysis_sco_refs[0]"),
        ("result outside the vocabulary", ExampleWith("malware-analysis", ("result", Q("nasty"))), OpenVocab, "$.result"));

    public static TheoryData<string, string, string, string> OtherSdoCases => Invalid(
        ("campaign last_seen before first_seen", ExampleWith("campaign", ("last_seen", Q("2024-02-01T00:00:00Z"))), SeenWindow, "$.last_seen"),
        ("infrastructure last_seen before first_seen", ExampleWith("infrastructure", ("last_seen", Q("2024-02-01T00:00:00Z"))), SeenWindow, "$.last_seen"),
        ("intrusion-set last_seen before first_seen", ExampleWith("intrusion-set", ("last_seen", Q("2022-01-01T00:00:00Z"))), SeenWindow, "$.last_seen"),
        ("threat-actor last_seen before first_seen", ExampleWith("threat-actor", ("last_seen", Q("2022-01-01T00:00:00Z"))), SeenWindow, "$.last_seen"),
        ("grouping context outside the vocabulary", ExampleWith("grouping", ("context", Q("hunch"))), OpenVocab, "$.context"),
        ("grouping with no object_refs", ExampleWith("grouping", ("object_refs", "[]")), EmptyList, "$.object_refs"),
        ("grouping referring to a bundle", ExampleWith("grouping", ("object_refs", $"[{Q(BundleId)}]")), RefType, "$.object_refs[0]"),
        ("identity_class outside the vocabulary", ExampleWith("identity", ("identity_class", Q("company"))), OpenVocab, "$.identity_class"),
        ("sector outside the vocabulary", ExampleWith("identity", ("sectors", """["banking"]""")), OpenVocab, "$.sectors[0]"),
        ("opinion outside the enumeration", ExampleWith("opinion", ("opinion", Q("maybe"))), EnumValue, "$.opinion"),
        ("report published malformed", ExampleWith("report", ("published", Q("2024-03-12"))), TimestampFormat, "$.published"),
        ("threat-actor sophistication outside the vocabulary", ExampleWith("threat-actor", ("sophistication", Q("elite"))), OpenVocab, "$.sophistication"),
        ("threat-actor roles outside the vocabulary", ExampleWith("threat-actor", ("roles", """["mastermind"]""")), OpenVocab, "$.roles[0]"),
        ("intrusion-set motivation outside the vocabulary", ExampleWith("intrusion-set", ("primary_motivation", Q("boredom"))), OpenVocab, "$.primary_motivation"),
        ("tool_types outside the vocabulary", ExampleWith("tool", ("tool_types", """["exfiltration"]""")), OpenVocab, "$.tool_types[0]"),
        ("report_types outside the vocabulary", ExampleWith("report", ("report_types", """["advisory"]""")), OpenVocab, "$.report_types[0]"),
        ("infrastructure_types outside the vocabulary", ExampleWith("infrastructure", ("infrastructure_types", """["vps"]""")), OpenVocab, "$.infrastructure_types[0]"));

    public static TheoryData<string, string> ValidCases => Valid(
        ("malware instance without a name", ExampleWith("malware", ("is_family", "false"), ("name", null))),
        ("malware-analysis with analysis_sco_refs only", ExampleWith("malware-analysis", ("result", null))),
        ("malware-analysis with result only", ExampleWith("malware-analysis", ("analysis_sco_refs", null))),
        ("location with a region only", ExampleWith("location", ("country", null), ("latitude", null), ("longitude", null), ("precision", null))),
        ("location with coordinates only", ExampleWith("location", ("country", null), ("region", null))),
        ("relationship from an SCO", ExampleWith("relationship", ("source_ref", Q(Ipv4Id)))),
        ("relationship with a custom type", ExampleWith("relationship", ("relationship_type", Q("exfiltrates-to")))),
        ("relationship to a custom object", ExampleWith("relationship", ("target_ref", Q("x-acme-asset--a86fbcdb-a007-4153-a015-15d301d3eb0c")))),
        ("sighting with count 0", ExampleWith("sighting", ("count", "0"))),
        ("sighting of a custom object", ExampleWith("sighting", ("sighting_of_ref", Q("x-acme-asset--a86fbcdb-a007-4153-a015-15d301d3eb0c")))),
        ("observed-data over an instant", ExampleWith("observed-data", ("last_observed", Q("2024-03-05T13:41:09Z")))),
        ("observed-data of an SRO and an SCO", ExampleWith("observed-data", ("object_refs", $"[{Q(RelationshipId)}, {Q(Ipv4Id)}]"))),
        ("indicator without valid_until", ExampleWith("indicator", ("valid_until", null))),
        ("indicator with a yara pattern", ExampleWith("indicator", ("pattern_type", Q("yara")), ("pattern", Q("rule x { condition: true }")), ("pattern_version", null))),
        ("note about any object", ExampleWith("note", ("object_refs", $"[{Q(Ipv4Id)}, {Q(TlpMarkingId)}, {Q(RelationshipId)}]"))));

    [Theory]
    [MemberData(nameof(RequiredPropertyCases))]
    [MemberData(nameof(IndicatorCases))]
    [MemberData(nameof(ObservedDataCases))]
    [MemberData(nameof(RelationshipCases))]
    [MemberData(nameof(SightingCases))]
    [MemberData(nameof(LocationCases))]
    [MemberData(nameof(MalwareCases))]
    [MemberData(nameof(MalwareAnalysisCases))]
    [MemberData(nameof(OtherSdoCases))]
    public void Invalid_sdo_or_sro_is_reported(string name, string json, string rules, string path)
    {
        _ = name;
        AssertIssues(json, rules, path);
    }

    [Theory]
    [MemberData(nameof(ValidCases))]
    public void Valid_sdo_or_sro_is_accepted(string name, string json)
    {
        _ = name;
        AssertClean(json);
    }

    /// <summary>Run with a pattern validator that finds an error in "[error]" and a warning in "[warning]".</summary>
    public static TheoryData<string, string, string, string> PatternValidatorCases => Invalid(
        ("pattern error", ExampleWith("indicator", ("pattern", Q("[error]"))), IndicatorPattern, "$.pattern"),
        ("pattern warning", ExampleWith("indicator", ("pattern", Q("[warning]"))), IndicatorPatternWarning, "$.pattern"),
        ("pattern error and warning", ExampleWith("indicator", ("pattern", Q("[error] [warning]"))), IndicatorPattern + " " + IndicatorPatternWarning, "$.pattern"));

    [Theory]
    [MemberData(nameof(PatternValidatorCases))]
    public void The_pattern_validator_s_errors_and_warnings_are_reported(string name, string json, string rules, string path)
    {
        _ = name;
        var patterns = new RecordingPatternValidator(static pattern => new PatternCheck(
            pattern.Contains("[error]", StringComparison.Ordinal) ? ["the comparison is missing its closing bracket"] : [],
            pattern.Contains("[warning]", StringComparison.Ordinal) ? ["an unknown property"] : []));
        AssertIssues(json, rules, path, new StixValidator(new StixValidatorOptions { PatternValidator = patterns }));
    }

    [Fact]
    public void A_stix_pattern_is_checked_by_the_configured_pattern_validator()
    {
        var patterns = new RecordingPatternValidator(static _ => PatternCheck.Invalid("the comparison is missing its closing bracket"));
        var validator = new StixValidator(new StixValidatorOptions { PatternValidator = patterns });

        AssertIssues(ExampleWith("indicator", ("pattern", Q("[domain-name:value = 'x'"))), IndicatorPattern, "$.pattern", validator);

        (string pattern, string type, string? version) = Assert.Single(patterns.Calls);
        Assert.Equal("[domain-name:value = 'x'", pattern);
        Assert.Equal("stix", type);
        Assert.Equal("2.1", version);
        ValidationReport report = validator.Validate(Parse(ExampleWith("indicator", ("pattern", Q("[")))));
        Assert.Equal("$.pattern: the comparison is missing its closing bracket", Assert.Single(report.Errors).ToString());
    }

    [Fact]
    public void Pattern_warnings_leave_the_indicator_valid()
    {
        var patterns = new RecordingPatternValidator(static _ => new PatternCheck([], ["an unknown property", "another doubt"]));
        var validator = new StixValidator(new StixValidatorOptions { PatternValidator = patterns });

        ValidationReport report = validator.Validate(Parse(Example("indicator")));

        Assert.True(report.IsValid);
        Assert.Equal(["$.pattern: an unknown property", "$.pattern: another doubt"], report.Warnings.Select(static w => w.ToString()));
        Assert.All(report.Warnings, static w => Assert.Equal(IndicatorPatternWarning, w.Rule));
    }

    [Fact]
    public void Only_stix_patterns_go_to_the_pattern_validator()
    {
        var patterns = new RecordingPatternValidator(static _ => PatternCheck.Invalid("never valid"));
        var validator = new StixValidator(new StixValidatorOptions { PatternValidator = patterns });

        AssertClean(ExampleWith("indicator", ("pattern_type", Q("snort")), ("pattern", Q("alert tcp any any -> any 80 (msg:\"x\";)")), ("pattern_version", null)), validator);

        Assert.Empty(patterns.Calls);
    }

    [Fact]
    public void A_pattern_the_pattern_validator_accepts_is_valid()
    {
        var patterns = new RecordingPatternValidator(static _ => PatternCheck.Valid);
        var validator = new StixValidator(new StixValidatorOptions { PatternValidator = patterns });

        AssertClean(Example("indicator"), validator);
        Assert.Single(patterns.Calls);
    }

    [Fact]
    public void A_pattern_check_owns_copies_of_its_messages()
    {
        var errors = new List<string> { "one" };
        var check = new PatternCheck(errors, []);
        errors.Add("two");

        Assert.Equal(["one"], check.Errors);
        Assert.False(check.IsValid);
        Assert.True(PatternCheck.Valid.IsValid);
        Assert.Throws<ArgumentNullException>(() => new PatternCheck(["x", null!], []));
        Assert.Throws<ArgumentNullException>(() => PatternCheck.Invalid(null!));
    }

    private sealed class RecordingPatternValidator(Func<string, PatternCheck> answer) : IPatternValidator
    {
        public List<(string Pattern, string Type, string? Version)> Calls { get; } = [];

        public PatternCheck Validate(string pattern, string patternType, string? patternVersion)
        {
            Calls.Add((pattern, patternType, patternVersion));
            return answer(pattern);
        }
    }
}
