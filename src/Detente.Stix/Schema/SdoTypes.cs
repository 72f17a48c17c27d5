using static Detente.Stix.Schema.Props;

namespace Detente.Stix.Schema;

/// <summary>The STIX Domain Objects (STIX 2.1 §4) and STIX Relationship Objects (§5).</summary>
internal static class SdoTypes
{
    public static TypeSpec[] All() =>
    [
        // §4.1
        Sdo("attack-pattern",
            Str("name").Req(),
            Str("description"),
            Strs("aliases"),
            KillChainPhases()),

        // §4.2
        Sdo("campaign",
            Str("name").Req(),
            Str("description"),
            Strs("aliases"),
            Ts("first_seen"),
            Ts("last_seen"),
            Str("objective")),

        // §4.3
        Sdo("course-of-action",
            Str("name").Req(),
            Str("description"),
            Reserved("action")),

        // §4.4
        Sdo("grouping",
            Str("name"),
            Str("description"),
            Ov("context", Vocabularies.GroupingContext).Req(),
            Refs("object_refs", RefSpec.AnyObject).Req()),

        // §4.5
        Sdo("identity",
            Str("name").Req(),
            Str("description"),
            Strs("roles"),
            Ov("identity_class", Vocabularies.IdentityClass),
            Ovs("sectors", Vocabularies.IndustrySector),
            Str("contact_information")),

        // §4.6
        Sdo("incident",
            Str("name").Req(),
            Str("description")),

        // §4.7
        Sdo("indicator",
            Str("name"),
            Str("description"),
            Ovs("indicator_types", Vocabularies.IndicatorType),
            Str("pattern").Req(),
            Ov("pattern_type", Vocabularies.PatternType).Req(),
            Str("pattern_version"),
            Ts("valid_from").Req(),
            Ts("valid_until"),
            KillChainPhases()),

        // §4.8
        Sdo("infrastructure",
            Str("name").Req(),
            Str("description"),
            Ovs("infrastructure_types", Vocabularies.InfrastructureType),
            Strs("aliases"),
            KillChainPhases(),
            Ts("first_seen"),
            Ts("last_seen")),

        // §4.9
        Sdo("intrusion-set",
            Str("name").Req(),
            Str("description"),
            Strs("aliases"),
            Ts("first_seen"),
            Ts("last_seen"),
            Strs("goals"),
            Ov("resource_level", Vocabularies.AttackResourceLevel),
            Ov("primary_motivation", Vocabularies.AttackMotivation),
            Ovs("secondary_motivations", Vocabularies.AttackMotivation)),

        // §4.10: which of region, country, latitude/longitude are present is a rule.
        Sdo("location",
            Str("name"),
            Str("description"),
            Float("latitude", -90, 90),
            Float("longitude", -180, 180),
            Float("precision"),
            Ov("region", Vocabularies.Region),
            Str("country"),
            Str("administrative_area"),
            Str("city"),
            Str("street_address"),
            Str("postal_code")),

        // §4.11: is_family is required in the 2021 standard (the Errata 01 markdown drops the word; its AsciiDoc
        // source and the OASIS libraries keep it).
        Sdo("malware",
            Str("name"),
            Str("description"),
            Ovs("malware_types", Vocabularies.MalwareType),
            Bool("is_family").Req(),
            Strs("aliases"),
            KillChainPhases(),
            Ts("first_seen"),
            Ts("last_seen"),
            Refs("operating_system_refs", "software"),
            Ovs("architecture_execution_envs", Vocabularies.ProcessorArchitecture),
            Ovs("implementation_languages", Vocabularies.ImplementationLanguage),
            Ovs("capabilities", Vocabularies.MalwareCapabilities),
            Refs("sample_refs", "file", "artifact")),

        // §4.12
        Sdo("malware-analysis",
            Str("product").Req(),
            Str("version"),
            Ref("host_vm_ref", "software"),
            Ref("operating_system_ref", "software"),
            Refs("installed_software_refs", "software"),
            Str("configuration_version"),
            Strs("modules"),
            Str("analysis_engine_version"),
            Str("analysis_definition_version"),
            Ts("submitted"),
            Ts("analysis_started"),
            Ts("analysis_ended"),
            Str("result_name"),
            Ov("result", Vocabularies.MalwareResult),
            Refs("analysis_sco_refs", RefSpec.Sco),
            Ref("sample_ref", "file", "network-traffic", "artifact")),

        // §4.13
        Sdo("note",
            Str("abstract"),
            Str("content").Req(),
            Strs("authors"),
            Refs("object_refs", RefSpec.AnyObject).Req()),

        // §4.14
        Sdo("observed-data",
            Ts("first_observed").Req(),
            Ts("last_observed").Req(),
            Int("number_observed", 1, 999_999_999).Req(),
            new PropertySpec("objects", PropertyKind.ObservableContainer).Deprecated(),
            Refs("object_refs", RefSpec.ScoOrSro)),

        // §4.15
        Sdo("opinion",
            Str("explanation"),
            Strs("authors"),
            EnumValue("opinion", Vocabularies.Opinion).Req(),
            Refs("object_refs", RefSpec.AnyObject).Req()),

        // §4.16
        Sdo("report",
            Str("name").Req(),
            Str("description"),
            Ovs("report_types", Vocabularies.ReportType),
            Ts("published").Req(),
            Refs("object_refs", RefSpec.AnyObject).Req()),

        // §4.17
        Sdo("threat-actor",
            Str("name").Req(),
            Str("description"),
            Ovs("threat_actor_types", Vocabularies.ThreatActorType),
            Strs("aliases"),
            Ts("first_seen"),
            Ts("last_seen"),
            Ovs("roles", Vocabularies.ThreatActorRole),
            Strs("goals"),
            Ov("sophistication", Vocabularies.ThreatActorSophistication),
            Ov("resource_level", Vocabularies.AttackResourceLevel),
            Ov("primary_motivation", Vocabularies.AttackMotivation),
            Ovs("secondary_motivations", Vocabularies.AttackMotivation),
            Ovs("personal_motivations", Vocabularies.AttackMotivation)),

        // §4.18
        Sdo("tool",
            Str("name").Req(),
            Str("description"),
            Ovs("tool_types", Vocabularies.ToolType),
            Strs("aliases"),
            KillChainPhases(),
            Str("tool_version")),

        // §4.19
        Sdo("vulnerability",
            Str("name").Req(),
            Str("description")),

        // §5.1
        Sro("relationship",
            Str("relationship_type").Req(),
            Str("description"),
            Ref("source_ref", RefSpec.SdoOrSco).Req(),
            Ref("target_ref", RefSpec.SdoOrSco).Req(),
            Ts("start_time"),
            Ts("stop_time")),

        // §5.2
        Sro("sighting",
            Str("description"),
            Ts("first_seen"),
            Ts("last_seen"),
            Int("count", 0, 999_999_999),
            Ref("sighting_of_ref", RefSpec.Sdo).Req(),
            Refs("observed_data_refs", "observed-data"),
            Refs("where_sighted_refs", "identity", "location"),
            Bool("summary")),
    ];

    private static PropertySpec KillChainPhases() => Objs("kill_chain_phases", Structs.KillChainPhase);

    private static TypeSpec Sdo(string type, params PropertySpec[] specific) =>
        new(type, StixCategory.Sdo, [.. CommonProperties.SdoOrSro(), .. specific]);

    private static TypeSpec Sro(string type, params PropertySpec[] specific) =>
        new(type, StixCategory.Sro, [.. CommonProperties.SdoOrSro(), .. specific]);
}
