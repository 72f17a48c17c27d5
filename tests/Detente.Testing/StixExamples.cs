using System.Collections.Frozen;

namespace Detente.Testing;

/// <summary>Hand-written STIX 2.1 examples that validate with no errors and no warnings, for tests and benchmarks.</summary>
/// <remarks>
/// One realistic object per type STIX 2.1 defines (a fictional phishing campaign against logistics firms, shared by a
/// national CERT), so that they reference each other consistently. SCO ids are the deterministic UUIDv5 of STIX 2.1
/// §2.9 (namespace 00abedb4-aa42-466c-9c01-fed23315a9b7, RFC 8785 JSON of the ID Contributing Properties, a single
/// SHA-256 where hashes contribute); process has none, so its id is a UUIDv4.
/// </remarks>
public static class StixExamples
{
    /// <summary>The identity that created the examples (their <c>created_by_ref</c>).</summary>
    public const string CreatorIdentityId = "identity--ed7fadd1-1e24-495e-ac3a-1f30404ad969";

    /// <summary>One valid object per STIX 2.1 type, keyed by type (the marking-definition is TLP 2.0 AMBER).</summary>
    public static IReadOnlyDictionary<string, string> ValidObjects { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["attack-pattern"] = """
            {
              "type": "attack-pattern",
              "spec_version": "2.1",
              "id": "attack-pattern--d0cd3177-d069-4b28-b5d9-26490716c8fc",
              "created_by_ref": "identity--ed7fadd1-1e24-495e-ac3a-1f30404ad969",
              "created": "2024-03-04T09:15:27.318Z",
              "modified": "2024-03-11T16:02:44.905Z",
              "name": "Spearphishing Attachment",
              "description": "The adversary e-mails a malicious attachment to selected staff and relies on them opening it.",
              "aliases": [
                "Targeted phishing attachment"
              ],
              "kill_chain_phases": [
                {
                  "kill_chain_name": "mitre-attack",
                  "phase_name": "initial-access"
                }
              ],
              "external_references": [
                {
                  "source_name": "capec",
                  "external_id": "CAPEC-163",
                  "url": "https://capec.mitre.org/data/definitions/163.html"
                }
              ]
            }
            """,
        ["campaign"] = """
            {
              "type": "campaign",
              "spec_version": "2.1",
              "id": "campaign--16ae1d52-cfce-402d-92f1-5859a0dd493a",
              "created_by_ref": "identity--ed7fadd1-1e24-495e-ac3a-1f30404ad969",
              "created": "2024-03-04T09:15:27.318Z",
              "modified": "2024-03-11T16:02:44.905Z",
              "name": "Overdue Invoice",
              "description": "A wave of invoice-themed phishing against accounting departments of logistics firms.",
              "aliases": [
                "Late Fee Lure"
              ],
              "first_seen": "2024-02-26T08:00:00Z",
              "last_seen": "2024-03-09T18:30:00Z",
              "objective": "Steal banking credentials from finance staff."
            }
            """,
        ["course-of-action"] = """
            {
              "type": "course-of-action",
              "spec_version": "2.1",
              "id": "course-of-action--d771e12a-fc7b-45d2-af13-e2ef1f9937a9",
              "created_by_ref": "identity--ed7fadd1-1e24-495e-ac3a-1f30404ad969",
              "created": "2024-03-04T09:15:27.318Z",
              "modified": "2024-03-11T16:02:44.905Z",
              "name": "Block executable attachments at the mail gateway",
              "description": "Quarantine messages whose attachments are Windows executables, including double-extension names."
            }
            """,
        ["grouping"] = """
            {
              "type": "grouping",
              "spec_version": "2.1",
              "id": "grouping--89dbfacb-ecec-46d9-9c46-a45157fd807a",
              "created_by_ref": "identity--ed7fadd1-1e24-495e-ac3a-1f30404ad969",
              "created": "2024-03-04T09:15:27.318Z",
              "modified": "2024-03-11T16:02:44.905Z",
              "name": "Unattributed invoice lures, week 10",
              "description": "Indicators and observations still under triage.",
              "context": "suspicious-activity",
              "object_refs": [
                "indicator--82e86ebf-5046-4ed4-909d-41936f1b1bb3",
                "observed-data--6b0d6420-51f2-44c7-a58e-19b77a2cee76",
                "domain-name--c9134545-55cf-579b-b640-eb13c14ff2ef"
              ]
            }
            """,
        ["identity"] = """
            {
              "type": "identity",
              "spec_version": "2.1",
              "id": "identity--ed7fadd1-1e24-495e-ac3a-1f30404ad969",
              "created": "2023-11-02T10:00:00.000Z",
              "modified": "2023-11-02T10:00:00.000Z",
              "name": "Example National CERT",
              "description": "The national computer emergency response team of Example.",
              "roles": [
                "incident response",
                "coordination"
              ],
              "identity_class": "organization",
              "sectors": [
                "government-national"
              ],
              "contact_information": "cert@example.org"
            }
            """,
        ["incident"] = """
            {
              "type": "incident",
              "spec_version": "2.1",
              "id": "incident--c1afe3aa-a67c-4596-a605-4b3f63262122",
              "created_by_ref": "identity--ed7fadd1-1e24-495e-ac3a-1f30404ad969",
              "created": "2024-03-04T09:15:27.318Z",
              "modified": "2024-03-11T16:02:44.905Z",
              "name": "Credential theft at a freight forwarder",
              "description": "Two workstations ran the invoice lure; banking credentials were exfiltrated before containment."
            }
            """,
        ["indicator"] = """
            {
              "type": "indicator",
              "spec_version": "2.1",
              "id": "indicator--82e86ebf-5046-4ed4-909d-41936f1b1bb3",
              "created_by_ref": "identity--ed7fadd1-1e24-495e-ac3a-1f30404ad969",
              "created": "2024-03-04T09:15:27.318Z",
              "modified": "2024-03-11T16:02:44.905Z",
              "name": "Invoice lure download domain",
              "description": "Domain serving the second stage of the Overdue Invoice campaign.",
              "indicator_types": [
                "malicious-activity"
              ],
              "pattern": "[domain-name:value = 'update-check.example.net']",
              "pattern_type": "stix",
              "pattern_version": "2.1",
              "valid_from": "2024-03-04T09:15:27Z",
              "valid_until": "2024-06-04T09:15:27Z",
              "kill_chain_phases": [
                {
                  "kill_chain_name": "lockheed-martin-cyber-kill-chain",
                  "phase_name": "delivery"
                }
              ],
              "confidence": 85,
              "labels": [
                "phishing"
              ],
              "object_marking_refs": [
                "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"
              ]
            }
            """,
        ["infrastructure"] = """
            {
              "type": "infrastructure",
              "spec_version": "2.1",
              "id": "infrastructure--52a426fd-5990-43ae-9555-ffd764e1ef31",
              "created_by_ref": "identity--ed7fadd1-1e24-495e-ac3a-1f30404ad969",
              "created": "2024-03-04T09:15:27.318Z",
              "modified": "2024-03-11T16:02:44.905Z",
              "name": "Invoice lure staging server",
              "description": "Rented virtual server hosting the second-stage payload.",
              "infrastructure_types": [
                "hosting-malware",
                "staging"
              ],
              "aliases": [
                "stage2-host"
              ],
              "first_seen": "2024-02-25T22:10:00Z",
              "last_seen": "2024-03-10T07:45:00Z"
            }
            """,
        ["intrusion-set"] = """
            {
              "type": "intrusion-set",
              "spec_version": "2.1",
              "id": "intrusion-set--e4a679cc-c966-49ca-8fd0-9ed011b5ede3",
              "created_by_ref": "identity--ed7fadd1-1e24-495e-ac3a-1f30404ad969",
              "created": "2024-03-04T09:15:27.318Z",
              "modified": "2024-03-11T16:02:44.905Z",
              "name": "Ledger Spider",
              "description": "Financially motivated set that targets accounting departments.",
              "aliases": [
                "LS-12"
              ],
              "first_seen": "2022-09-01T00:00:00Z",
              "goals": [
                "steal banking credentials",
                "redirect supplier payments"
              ],
              "resource_level": "organization",
              "primary_motivation": "personal-gain",
              "secondary_motivations": [
                "organizational-gain"
              ]
            }
            """,
        ["location"] = """
            {
              "type": "location",
              "spec_version": "2.1",
              "id": "location--8ae7f8f5-71e1-4387-a3ae-0d34acbadb32",
              "created_by_ref": "identity--ed7fadd1-1e24-495e-ac3a-1f30404ad969",
              "created": "2024-03-04T09:15:27.318Z",
              "modified": "2024-03-11T16:02:44.905Z",
              "name": "Port of Example",
              "description": "The container terminal where the targeted freight forwarders are based.",
              "latitude": 53.5461,
              "longitude": 9.9661,
              "precision": 1500.0,
              "region": "western-europe",
              "country": "DE",
              "city": "Hamburg"
            }
            """,
        ["malware"] = """
            {
              "type": "malware",
              "spec_version": "2.1",
              "id": "malware--cdc79576-6387-418b-9478-7f6249977db4",
              "created_by_ref": "identity--ed7fadd1-1e24-495e-ac3a-1f30404ad969",
              "created": "2024-03-04T09:15:27.318Z",
              "modified": "2024-03-11T16:02:44.905Z",
              "name": "InvoiceLoader",
              "description": "A small downloader that fetches and runs the banking trojan.",
              "malware_types": [
                "downloader",
                "dropper"
              ],
              "is_family": true,
              "aliases": [
                "IL-Drop"
              ],
              "first_seen": "2024-02-26T08:00:00Z",
              "last_seen": "2024-03-09T18:30:00Z",
              "architecture_execution_envs": [
                "x86-64"
              ],
              "implementation_languages": [
                "c++"
              ],
              "capabilities": [
                "communicates-with-c2",
                "persists-after-system-reboot"
              ],
              "operating_system_refs": [
                "software--d1a84a33-a1c6-5b63-9816-b9d89c842b44"
              ],
              "sample_refs": [
                "file--1641d432-c92a-58b2-b233-2b5ed4a8dbea"
              ]
            }
            """,
        ["malware-analysis"] = """
            {
              "type": "malware-analysis",
              "spec_version": "2.1",
              "id": "malware-analysis--af6f913b-796c-4871-9f6f-6dfa9f65423b",
              "created_by_ref": "identity--ed7fadd1-1e24-495e-ac3a-1f30404ad969",
              "created": "2024-03-04T09:15:27.318Z",
              "modified": "2024-03-11T16:02:44.905Z",
              "product": "example-sandbox",
              "version": "4.2.1",
              "operating_system_ref": "software--d1a84a33-a1c6-5b63-9816-b9d89c842b44",
              "submitted": "2024-03-05T14:00:00Z",
              "analysis_started": "2024-03-05T14:01:12Z",
              "analysis_ended": "2024-03-05T14:06:40Z",
              "result_name": "Trojan.InvoiceLoader",
              "result": "malicious",
              "analysis_sco_refs": [
                "file--1641d432-c92a-58b2-b233-2b5ed4a8dbea",
                "domain-name--c9134545-55cf-579b-b640-eb13c14ff2ef",
                "network-traffic--0f95bf71-83aa-5862-9a8f-a9ae1dded9c6"
              ],
              "sample_ref": "file--1641d432-c92a-58b2-b233-2b5ed4a8dbea"
            }
            """,
        ["note"] = """
            {
              "type": "note",
              "spec_version": "2.1",
              "id": "note--0f82f5cd-bc02-4134-a849-a863b52e85e0",
              "created_by_ref": "identity--ed7fadd1-1e24-495e-ac3a-1f30404ad969",
              "created": "2024-03-04T09:15:27.318Z",
              "modified": "2024-03-11T16:02:44.905Z",
              "abstract": "Attribution is tentative",
              "content": "The infrastructure overlaps with Ledger Spider, but the loader is new; treat the link as low confidence.",
              "authors": [
                "Analyst on duty"
              ],
              "object_refs": [
                "campaign--16ae1d52-cfce-402d-92f1-5859a0dd493a",
                "intrusion-set--e4a679cc-c966-49ca-8fd0-9ed011b5ede3"
              ]
            }
            """,
        ["observed-data"] = """
            {
              "type": "observed-data",
              "spec_version": "2.1",
              "id": "observed-data--6b0d6420-51f2-44c7-a58e-19b77a2cee76",
              "created_by_ref": "identity--ed7fadd1-1e24-495e-ac3a-1f30404ad969",
              "created": "2024-03-04T09:15:27.318Z",
              "modified": "2024-03-11T16:02:44.905Z",
              "first_observed": "2024-03-05T13:41:09Z",
              "last_observed": "2024-03-05T13:44:51Z",
              "number_observed": 3,
              "object_refs": [
                "ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4",
                "domain-name--c9134545-55cf-579b-b640-eb13c14ff2ef",
                "network-traffic--0f95bf71-83aa-5862-9a8f-a9ae1dded9c6"
              ]
            }
            """,
        ["opinion"] = """
            {
              "type": "opinion",
              "spec_version": "2.1",
              "id": "opinion--c3b4bcd7-f065-4319-8fc2-f28cdbb0125d",
              "created_by_ref": "identity--ed7fadd1-1e24-495e-ac3a-1f30404ad969",
              "created": "2024-03-04T09:15:27.318Z",
              "modified": "2024-03-11T16:02:44.905Z",
              "explanation": "Our telemetry shows the same loader in an unrelated campaign, so we doubt this attribution.",
              "authors": [
                "Partner CERT analyst"
              ],
              "opinion": "disagree",
              "object_refs": [
                "note--0f82f5cd-bc02-4134-a849-a863b52e85e0"
              ]
            }
            """,
        ["report"] = """
            {
              "type": "report",
              "spec_version": "2.1",
              "id": "report--8556f52c-c2a4-40ce-8db2-50c469d0127a",
              "created_by_ref": "identity--ed7fadd1-1e24-495e-ac3a-1f30404ad969",
              "created": "2024-03-04T09:15:27.318Z",
              "modified": "2024-03-11T16:02:44.905Z",
              "name": "Overdue Invoice: phishing against logistics",
              "description": "How the campaign works and how to detect it.",
              "report_types": [
                "campaign",
                "threat-report"
              ],
              "published": "2024-03-12T08:00:00Z",
              "object_refs": [
                "campaign--16ae1d52-cfce-402d-92f1-5859a0dd493a",
                "indicator--82e86ebf-5046-4ed4-909d-41936f1b1bb3",
                "malware--cdc79576-6387-418b-9478-7f6249977db4",
                "attack-pattern--d0cd3177-d069-4b28-b5d9-26490716c8fc",
                "relationship--03f8181e-4d48-4689-8232-4cd7c6f530d2"
              ]
            }
            """,
        ["threat-actor"] = """
            {
              "type": "threat-actor",
              "spec_version": "2.1",
              "id": "threat-actor--109291f4-d39f-4b0d-b661-dc0281c5cdba",
              "created_by_ref": "identity--ed7fadd1-1e24-495e-ac3a-1f30404ad969",
              "created": "2024-03-04T09:15:27.318Z",
              "modified": "2024-03-11T16:02:44.905Z",
              "name": "Ledger Spider operators",
              "description": "The people behind the Ledger Spider intrusion set.",
              "threat_actor_types": [
                "crime-syndicate"
              ],
              "aliases": [
                "Invoice crew"
              ],
              "first_seen": "2022-09-01T00:00:00Z",
              "last_seen": "2024-03-09T18:30:00Z",
              "roles": [
                "agent"
              ],
              "goals": [
                "financial gain"
              ],
              "sophistication": "intermediate",
              "resource_level": "organization",
              "primary_motivation": "personal-gain",
              "personal_motivations": [
                "personal-gain"
              ]
            }
            """,
        ["tool"] = """
            {
              "type": "tool",
              "spec_version": "2.1",
              "id": "tool--72850d02-e46c-4a2c-8cd3-f0ea097edfae",
              "created_by_ref": "identity--ed7fadd1-1e24-495e-ac3a-1f30404ad969",
              "created": "2024-03-04T09:15:27.318Z",
              "modified": "2024-03-11T16:02:44.905Z",
              "name": "rclone",
              "description": "A legitimate file synchronisation tool the actors use for exfiltration.",
              "tool_types": [
                "remote-access"
              ],
              "aliases": [
                "rsync for cloud storage"
              ],
              "kill_chain_phases": [
                {
                  "kill_chain_name": "mitre-attack",
                  "phase_name": "exfiltration"
                }
              ],
              "tool_version": "1.65.2"
            }
            """,
        ["vulnerability"] = """
            {
              "type": "vulnerability",
              "spec_version": "2.1",
              "id": "vulnerability--2081749a-1d27-4342-9520-2e380a558594",
              "created_by_ref": "identity--ed7fadd1-1e24-495e-ac3a-1f30404ad969",
              "created": "2024-03-04T09:15:27.318Z",
              "modified": "2024-03-11T16:02:44.905Z",
              "name": "CVE-2023-38831",
              "description": "File-name spoofing in an archive tool lets a crafted archive run a script when a benign file is opened.",
              "external_references": [
                {
                  "source_name": "cve",
                  "external_id": "CVE-2023-38831"
                }
              ]
            }
            """,
        ["relationship"] = """
            {
              "type": "relationship",
              "spec_version": "2.1",
              "id": "relationship--03f8181e-4d48-4689-8232-4cd7c6f530d2",
              "created_by_ref": "identity--ed7fadd1-1e24-495e-ac3a-1f30404ad969",
              "created": "2024-03-04T09:15:27.318Z",
              "modified": "2024-03-11T16:02:44.905Z",
              "relationship_type": "indicates",
              "description": "The download domain indicates the InvoiceLoader malware.",
              "source_ref": "indicator--82e86ebf-5046-4ed4-909d-41936f1b1bb3",
              "target_ref": "malware--cdc79576-6387-418b-9478-7f6249977db4",
              "start_time": "2024-03-04T09:15:27Z",
              "stop_time": "2024-06-04T09:15:27Z"
            }
            """,
        ["sighting"] = """
            {
              "type": "sighting",
              "spec_version": "2.1",
              "id": "sighting--e8dc7400-8c8d-4638-bd56-546aa63cd014",
              "created_by_ref": "identity--ed7fadd1-1e24-495e-ac3a-1f30404ad969",
              "created": "2024-03-04T09:15:27.318Z",
              "modified": "2024-03-11T16:02:44.905Z",
              "description": "Seen in the proxy logs of two constituents.",
              "first_seen": "2024-03-05T13:41:09Z",
              "last_seen": "2024-03-05T13:44:51Z",
              "count": 2,
              "sighting_of_ref": "indicator--82e86ebf-5046-4ed4-909d-41936f1b1bb3",
              "observed_data_refs": [
                "observed-data--6b0d6420-51f2-44c7-a58e-19b77a2cee76"
              ],
              "where_sighted_refs": [
                "identity--ed7fadd1-1e24-495e-ac3a-1f30404ad969",
                "location--8ae7f8f5-71e1-4387-a3ae-0d34acbadb32"
              ],
              "summary": false
            }
            """,
        ["artifact"] = """
            {
              "type": "artifact",
              "spec_version": "2.1",
              "id": "artifact--00393d93-bbbd-5b46-8369-52ae57776010",
              "mime_type": "application/vnd.microsoft.portable-executable",
              "payload_bin": "TVqQAAMAAAAEAAAA//8AAA=="
            }
            """,
        ["autonomous-system"] = """
            {
              "type": "autonomous-system",
              "spec_version": "2.1",
              "id": "autonomous-system--db7cbda9-7395-5be3-a796-461cd09d6dac",
              "number": 64511,
              "name": "Example Hosting Ltd",
              "rir": "RIPE NCC"
            }
            """,
        ["directory"] = """
            {
              "type": "directory",
              "spec_version": "2.1",
              "id": "directory--3dcaa597-5a89-5bcf-bff7-1f11d1b52df2",
              "path": "C:\\Users\\Public\\Downloads",
              "ctime": "2023-06-01T07:12:00Z",
              "mtime": "2024-03-05T13:42:03Z"
            }
            """,
        ["domain-name"] = """
            {
              "type": "domain-name",
              "spec_version": "2.1",
              "id": "domain-name--c9134545-55cf-579b-b640-eb13c14ff2ef",
              "value": "update-check.example.net",
              "resolves_to_refs": [
                "ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4"
              ]
            }
            """,
        ["email-addr"] = """
            {
              "type": "email-addr",
              "spec_version": "2.1",
              "id": "email-addr--0f6b9a27-45bc-58ed-8690-f536b2cfc7ba",
              "value": "billing@invoices.example.com",
              "display_name": "Accounts Receivable"
            }
            """,
        ["email-message"] = """
            {
              "type": "email-message",
              "spec_version": "2.1",
              "id": "email-message--eccf8120-0d28-5435-a9d2-3f4bea1af531",
              "is_multipart": false,
              "date": "2024-03-05T07:58:14Z",
              "content_type": "text/plain; charset=utf-8",
              "from_ref": "email-addr--0f6b9a27-45bc-58ed-8690-f536b2cfc7ba",
              "to_refs": [
                "email-addr--34c3a418-f24f-5437-bb8c-cb660b4ed238"
              ],
              "subject": "Invoice 0342 overdue",
              "additional_header_fields": {
                "Reply-To": [
                  "billing@invoices.example.com",
                  "collections@invoices.example.com"
                ]
              },
              "body": "Please find the overdue invoice attached. Open it today to avoid late fees."
            }
            """,
        ["file"] = """
            {
              "type": "file",
              "spec_version": "2.1",
              "id": "file--1641d432-c92a-58b2-b233-2b5ed4a8dbea",
              "hashes": {
                "SHA-256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
              },
              "size": 48640,
              "name": "invoice_0342.pdf.exe",
              "mime_type": "application/vnd.microsoft.portable-executable",
              "parent_directory_ref": "directory--3dcaa597-5a89-5bcf-bff7-1f11d1b52df2"
            }
            """,
        ["ipv4-addr"] = """
            {
              "type": "ipv4-addr",
              "spec_version": "2.1",
              "id": "ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4",
              "value": "198.51.100.3",
              "belongs_to_refs": [
                "autonomous-system--db7cbda9-7395-5be3-a796-461cd09d6dac"
              ]
            }
            """,
        ["ipv6-addr"] = """
            {
              "type": "ipv6-addr",
              "spec_version": "2.1",
              "id": "ipv6-addr--f5344921-72d2-5619-945d-8757bca4b7cd",
              "value": "2001:db8:85a3::8a2e:370:7334"
            }
            """,
        ["mac-addr"] = """
            {
              "type": "mac-addr",
              "spec_version": "2.1",
              "id": "mac-addr--757b1725-9903-54f5-a855-1240691d7659",
              "value": "d2:fb:49:24:37:18"
            }
            """,
        ["mutex"] = """
            {
              "type": "mutex",
              "spec_version": "2.1",
              "id": "mutex--f6a11c88-0530-5e91-9e68-15131ab5c352",
              "name": "Global\\acme-loader-7f3a"
            }
            """,
        ["network-traffic"] = """
            {
              "type": "network-traffic",
              "spec_version": "2.1",
              "id": "network-traffic--0f95bf71-83aa-5862-9a8f-a9ae1dded9c6",
              "start": "2024-03-05T13:41:09.112Z",
              "src_ref": "ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4",
              "dst_ref": "domain-name--c9134545-55cf-579b-b640-eb13c14ff2ef",
              "src_port": 49733,
              "dst_port": 443,
              "protocols": [
                "ipv4",
                "tcp",
                "tls"
              ],
              "src_byte_count": 1822,
              "dst_byte_count": 48640
            }
            """,
        ["process"] = """
            {
              "type": "process",
              "spec_version": "2.1",
              "id": "process--cc531843-732f-4889-bb2d-ccf6a82cf00e",
              "pid": 4312,
              "created_time": "2024-03-05T13:42:05Z",
              "command_line": "\"C:\\Users\\Public\\Downloads\\invoice_0342.pdf.exe\" /silent",
              "image_ref": "file--1641d432-c92a-58b2-b233-2b5ed4a8dbea",
              "extensions": {
                "windows-process-ext": {
                  "aslr_enabled": true,
                  "dep_enabled": true,
                  "integrity_level": "medium"
                }
              }
            }
            """,
        ["software"] = """
            {
              "type": "software",
              "spec_version": "2.1",
              "id": "software--d1a84a33-a1c6-5b63-9816-b9d89c842b44",
              "name": "Windows 10 Enterprise",
              "cpe": "cpe:2.3:o:microsoft:windows_10:21h2:*:*:*:enterprise:*:x64:*",
              "languages": [
                "en",
                "de"
              ],
              "vendor": "Microsoft",
              "version": "21H2"
            }
            """,
        ["url"] = """
            {
              "type": "url",
              "spec_version": "2.1",
              "id": "url--ad82370e-65bf-595d-a9dd-0245ec67646c",
              "value": "https://update-check.example.net/download/setup.exe?build=1742"
            }
            """,
        ["user-account"] = """
            {
              "type": "user-account",
              "spec_version": "2.1",
              "id": "user-account--7517d55e-da62-5eb2-b30f-cb641af39380",
              "user_id": "S-1-5-21-3623811015-3361044348-30300820-1013",
              "account_login": "jdoe",
              "account_type": "windows-local",
              "display_name": "Jane Doe",
              "is_privileged": false,
              "account_last_login": "2024-03-05T07:31:00Z"
            }
            """,
        ["windows-registry-key"] = """
            {
              "type": "windows-registry-key",
              "spec_version": "2.1",
              "id": "windows-registry-key--80fe559e-e0b8-5076-9566-09efdb4efb22",
              "key": "HKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\Run",
              "values": [
                {
                  "name": "AcmeUpdater",
                  "data": "C:\\Users\\Public\\Downloads\\invoice_0342.pdf.exe",
                  "data_type": "REG_SZ"
                }
              ],
              "modified_time": "2024-03-05T13:42:07Z"
            }
            """,
        ["x509-certificate"] = """
            {
              "type": "x509-certificate",
              "spec_version": "2.1",
              "id": "x509-certificate--61fed754-b1ba-5564-9ead-43696dd64497",
              "is_self_signed": false,
              "hashes": {
                "SHA-256": "3e1c5f9d0b7a2e4c6a8f0d2b4e6c8a0f2d4b6e8c0a2f4d6b8e0c2a4f6d8b0e2c"
              },
              "version": "3",
              "serial_number": "36:f7:d4:32:f4:ab:70:ea:d3:ce:98:6e:ea:99:93:49:32:0a:b7:06",
              "signature_algorithm": "sha256WithRSAEncryption",
              "issuer": "C=US, O=Example Trust, CN=Example TLS CA 2023",
              "validity_not_before": "2024-01-15T00:00:00Z",
              "validity_not_after": "2025-01-14T23:59:59Z",
              "subject": "CN=update-check.example.net",
              "subject_public_key_algorithm": "rsaEncryption",
              "x509_v3_extensions": {
                "subject_alternative_name": "DNS:update-check.example.net",
                "key_usage": "digitalSignature, keyEncipherment"
              }
            }
            """,
        ["marking-definition"] = """
            {
              "type": "marking-definition",
              "spec_version": "2.1",
              "id": "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
              "created": "2022-10-01T00:00:00.000Z",
              "name": "TLP:AMBER",
              "extensions": {
                "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d": {
                  "extension_type": "property-extension",
                  "tlp_2_0": "amber"
                }
              }
            }
            """,
        ["language-content"] = """
            {
              "type": "language-content",
              "spec_version": "2.1",
              "id": "language-content--61860cce-6109-4baf-9a9f-5cbe0f599e4b",
              "created_by_ref": "identity--ed7fadd1-1e24-495e-ac3a-1f30404ad969",
              "created": "2024-03-12T10:20:00.000Z",
              "modified": "2024-03-12T10:20:00.000Z",
              "object_ref": "campaign--16ae1d52-cfce-402d-92f1-5859a0dd493a",
              "object_modified": "2024-03-11T16:02:44.905Z",
              "contents": {
                "de": {
                  "name": "Überfällige Rechnung",
                  "description": "Eine Welle von Phishing mit Rechnungsködern gegen Buchhaltungen von Logistikfirmen."
                },
                "fr": {
                  "name": "Facture impayée"
                }
              }
            }
            """,
        ["extension-definition"] = """
            {
              "type": "extension-definition",
              "spec_version": "2.1",
              "id": "extension-definition--d419a356-5622-4d28-a6e8-c295010fe34d",
              "created_by_ref": "identity--ed7fadd1-1e24-495e-ac3a-1f30404ad969",
              "created": "2024-01-08T12:00:00.000Z",
              "modified": "2024-01-08T12:00:00.000Z",
              "name": "Detente sharing context",
              "description": "Adds the sharing group and the originating node of an object, for partners of a Detente exchange.",
              "schema": "https://detente.example.org/schemas/sharing-context/v1.json",
              "version": "1.0.0",
              "extension_types": [
                "property-extension"
              ]
            }
            """,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>More valid objects, keyed by <c>type/variant</c>: other marking definitions, extensions, a custom object.</summary>
    public static IReadOnlyDictionary<string, string> ValidVariants { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["marking-definition/statement"] = """
            {
              "type": "marking-definition",
              "spec_version": "2.1",
              "id": "marking-definition--33c9f849-429e-4c76-84ef-600877460dc0",
              "created_by_ref": "identity--ed7fadd1-1e24-495e-ac3a-1f30404ad969",
              "created": "2024-01-02T09:00:00.000Z",
              "name": "Example CERT terms of use",
              "definition_type": "statement",
              "definition": {
                "statement": "Copyright 2024 Example National CERT. Share within your organisation only."
              }
            }
            """,
        ["marking-definition/tlp1-red"] = """
            {
              "type": "marking-definition",
              "spec_version": "2.1",
              "id": "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed",
              "created": "2017-01-20T00:00:00.000Z",
              "definition_type": "tlp",
              "name": "TLP:RED",
              "definition": {
                "tlp": "red"
              }
            }
            """,
        ["marking-definition/tlp2-clear"] = """
            {
              "type": "marking-definition",
              "spec_version": "2.1",
              "id": "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
              "created": "2022-10-01T00:00:00.000Z",
              "name": "TLP:CLEAR",
              "extensions": {
                "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d": {
                  "extension_type": "property-extension",
                  "tlp_2_0": "clear"
                }
              }
            }
            """,
        ["marking-definition/tlp2-green"] = """
            {
              "type": "marking-definition",
              "spec_version": "2.1",
              "id": "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
              "created": "2022-10-01T00:00:00.000Z",
              "name": "TLP:GREEN",
              "extensions": {
                "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d": {
                  "extension_type": "property-extension",
                  "tlp_2_0": "green"
                }
              }
            }
            """,
        ["marking-definition/tlp2-amber"] = """
            {
              "type": "marking-definition",
              "spec_version": "2.1",
              "id": "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
              "created": "2022-10-01T00:00:00.000Z",
              "name": "TLP:AMBER",
              "extensions": {
                "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d": {
                  "extension_type": "property-extension",
                  "tlp_2_0": "amber"
                }
              }
            }
            """,
        ["marking-definition/tlp2-amber+strict"] = """
            {
              "type": "marking-definition",
              "spec_version": "2.1",
              "id": "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
              "created": "2022-10-01T00:00:00.000Z",
              "name": "TLP:AMBER+STRICT",
              "extensions": {
                "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d": {
                  "extension_type": "property-extension",
                  "tlp_2_0": "amber+strict"
                }
              }
            }
            """,
        ["marking-definition/tlp2-red"] = """
            {
              "type": "marking-definition",
              "spec_version": "2.1",
              "id": "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
              "created": "2022-10-01T00:00:00.000Z",
              "name": "TLP:RED",
              "extensions": {
                "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d": {
                  "extension_type": "property-extension",
                  "tlp_2_0": "red"
                }
              }
            }
            """,
        ["extension-definition/new-sdo"] = """
            {
              "type": "extension-definition",
              "spec_version": "2.1",
              "id": "extension-definition--4d3eb2c0-b451-4f34-9a05-b3fe66d3d65b",
              "created_by_ref": "identity--ed7fadd1-1e24-495e-ac3a-1f30404ad969",
              "created": "2024-01-08T12:00:00.000Z",
              "modified": "2024-01-08T12:00:00.000Z",
              "name": "Acme asset",
              "description": "A new SDO describing an asset in the Acme inventory.",
              "schema": "https://acme.example.com/stix/asset/v1.json",
              "version": "1.0.0",
              "extension_types": [
                "new-sdo"
              ]
            }
            """,
        ["x-acme-asset"] = """
            {
              "type": "x-acme-asset",
              "spec_version": "2.1",
              "id": "x-acme-asset--a86fbcdb-a007-4153-a015-15d301d3eb0c",
              "created_by_ref": "identity--ed7fadd1-1e24-495e-ac3a-1f30404ad969",
              "created": "2024-03-04T09:15:27.318Z",
              "modified": "2024-03-11T16:02:44.905Z",
              "name": "Freight booking server",
              "criticality": "high",
              "owner_team": "logistics-it",
              "extensions": {
                "extension-definition--4d3eb2c0-b451-4f34-9a05-b3fe66d3d65b": {
                  "extension_type": "new-sdo"
                }
              }
            }
            """,
        ["indicator/property-extension"] = """
            {
              "type": "indicator",
              "spec_version": "2.1",
              "id": "indicator--82e86ebf-5046-4ed4-909d-41936f1b1bb3",
              "created_by_ref": "identity--ed7fadd1-1e24-495e-ac3a-1f30404ad969",
              "created": "2024-03-04T09:15:27.318Z",
              "modified": "2024-03-11T16:02:44.905Z",
              "name": "Invoice lure download domain",
              "description": "Domain serving the second stage of the Overdue Invoice campaign.",
              "indicator_types": [
                "malicious-activity"
              ],
              "pattern": "[domain-name:value = 'update-check.example.net']",
              "pattern_type": "stix",
              "pattern_version": "2.1",
              "valid_from": "2024-03-04T09:15:27Z",
              "valid_until": "2024-06-04T09:15:27Z",
              "kill_chain_phases": [
                {
                  "kill_chain_name": "lockheed-martin-cyber-kill-chain",
                  "phase_name": "delivery"
                }
              ],
              "confidence": 85,
              "labels": [
                "phishing"
              ],
              "object_marking_refs": [
                "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"
              ],
              "extensions": {
                "extension-definition--d419a356-5622-4d28-a6e8-c295010fe34d": {
                  "extension_type": "property-extension",
                  "sharing_group": "logistics-isac",
                  "origin_node": "node-a"
                }
              }
            }
            """,
        ["file/extensions"] = """
            {
              "type": "file",
              "spec_version": "2.1",
              "id": "file--52622516-e288-539c-9659-a5d8f0010f38",
              "hashes": {
                "SHA-256": "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"
              },
              "name": "quarterly.zip",
              "extensions": {
                "archive-ext": {
                  "contains_refs": [
                    "file--1641d432-c92a-58b2-b233-2b5ed4a8dbea"
                  ],
                  "comment": "password: invoice"
                }
              }
            }
            """,
        ["network-traffic/http"] = """
            {
              "type": "network-traffic",
              "spec_version": "2.1",
              "id": "network-traffic--0de37247-5c60-5a76-9705-7ccc19090702",
              "src_ref": "ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4",
              "dst_ref": "domain-name--c9134545-55cf-579b-b640-eb13c14ff2ef",
              "src_port": 49802,
              "dst_port": 80,
              "protocols": [
                "ipv4",
                "tcp",
                "http"
              ],
              "extensions": {
                "http-request-ext": {
                  "request_method": "get",
                  "request_value": "/download/setup.exe",
                  "request_version": "http/1.1",
                  "request_header": {
                    "Host": [
                      "update-check.example.net"
                    ],
                    "User-Agent": [
                      "Mozilla/5.0"
                    ]
                  }
                }
              }
            }
            """,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>A bundle of the given objects (JSON texts), with a fixed id.</summary>
    public static string Bundle(params IEnumerable<string> objects) =>
        "{\"type\":\"bundle\",\"id\":\"bundle--94ab9d9a-3b11-4ac6-8214-079b66c93fcb\",\"objects\":[" + string.Join(",", objects) + "]}";

    /// <summary>A bundle of every object in <see cref="ValidObjects"/>, in type order.</summary>
    public static string AllValidObjectsBundle() => Bundle(ValidObjects.OrderBy(static o => o.Key, StringComparer.Ordinal).Select(static o => o.Value));
}
