namespace Detente.Taxii.Tests.Vectors;

/// <summary>
/// The JSON examples of TAXII Version 2.1 (OASIS Standard, 10 June 2021), re-typed from the spec's sections.
/// </summary>
/// <remarks>
/// Where an example elides members with "…" (envelopes), the elided STIX object is completed with the members an
/// indicator must have, and said so. Two examples are kept exactly as printed although they break the spec's own
/// rules; see <see cref="ManifestAsPrinted"/> and <see cref="AddObjectsStatus"/>.
/// </remarks>
public static class TaxiiSpecExamples
{
    /// <summary>§4.1, GET /taxii2/ response.</summary>
    public const string Discovery = """
        {
          "title": "Some TAXII Server",
          "description": "This TAXII Server contains a listing of...",
          "contact": "string containing contact information",
          "default": "https://example.com/api2/",
          "api_roots": [
            "https://example.com/api1/",
            "https://example.com/api2/",
            "https://example.net/trustgroup1/"
          ]
        }
        """;

    /// <summary>§4.2, GET /api1/ response.</summary>
    public const string ApiRoot = """
        {
          "title": "Malware Research Group",
          "description": "A trust group setup for malware researchers",
          "versions": ["application/taxii+json;version=2.1"],
          "max_content_length": 104857600
        }
        """;

    /// <summary>§4.3, GET /api1/status/2d086da7-…/ response.</summary>
    public const string Status = """
        {
          "id": "2d086da7-4bdc-4f91-900e-d77486753710",
          "status": "pending",
          "request_timestamp": "2016-11-02T12:34:34.12345Z",
          "total_count": 4,
          "success_count": 1,
          "successes": [
            {
              "id": "indicator--c410e480-e42b-47d1-9476-85307c12bcbf" ,
              "version": "2018-05-27T12:02:41.312Z"
            }
          ],
          "failure_count": 1,
          "failures": [
            {
              "id": "malware--664fa29d-bf65-4f28-a667-bdb76f29ec98",
              "version": "2018-05-28T14:03:42.543Z",
              "message": "Unable to process object"
            }
          ],
          "pending_count": 2,
          "pendings": [
            {
              "id": "indicator--252c7c11-daf2-42bd-843b-be65edca9f61",
              "version": "2018-05-18T20:16:21.148Z"
            },
            {
              "id": "relationship--045585ad-a22f-4333-af33-bfd503a683b5",
              "version": "2018-05-15T10:13:32.579Z"
            }
          ]
        }
        """;

    /// <summary>
    /// §5.5, POST …/objects/ response. As printed, its one <c>successes</c> item has no <c>version</c>, which §4.3.1
    /// lists as required; the reader accepts it (version null) so that servers written from this example interoperate.
    /// </summary>
    public const string AddObjectsStatus = """
        {
          "id": "2d086da7-4bdc-4f91-900e-d77486753710",
          "status": "pending",
          "request_timestamp": "2016-11-02T12:34:34.12345Z",
          "total_count": 4,
          "success_count": 1,
          "successes": [
            {
              "id": "indicator--c410e480-e42b-47d1-9476-85307c12bcbf"
            }
          ],
          "failure_count": 0,
          "pending_count": 3
        }
        """;

    /// <summary>§5.1, GET /api1/collections/ response.</summary>
    public const string Collections = """
        {
          "collections": [
            {
              "id": "91a7b528-80eb-42ed-a74d-c6fbd5a26116",
              "title": "High Value Indicator Collection",
              "description": "This data collection contains high value IOCs",
              "can_read": true,
              "can_write": false,
              "media_types": [
                "application/stix+json;version=2.1"
              ]
            },
            {
              "id": "52892447-4d7e-4f70-b94d-d7f22742ff63",
              "title": "Indicators from the past 24-hours",
              "description": "This data collection is for collecting current IOCs",
              "can_read": true,
              "can_write": false,
              "media_types": [
                "application/stix+json;version=2.1"
              ]
            }
          ]
        }
        """;

    /// <summary>§5.2, GET /api1/collections/91a7b528-…/ response.</summary>
    public const string Collection = """
        {
          "id": "91a7b528-80eb-42ed-a74d-c6fbd5a26116",
          "title": "High Value Indicator Collection",
          "description": "This data collection contains high value IOCs",
          "can_read": true,
          "can_write": false,
          "media_types": [
            "application/stix+json;version=2.1"
          ]
        }
        """;

    /// <summary>
    /// §5.3, GET …/manifest/ response, exactly as printed: its <c>date_added</c> values have three digits of seconds
    /// (<c>03:04:051Z</c>), which is not RFC 3339, so the reader refuses it.
    /// </summary>
    public const string ManifestAsPrinted = """
        {
          "objects": [
            {
              "id": "indicator--29aba82c-5393-42a8-9edb-6a2cb1df070b",
              "date_added": "2016-11-04T03:04:051Z",
              "version": "2016-11-03T12:30:59.000Z",
              "media_type": "application/stix+json;version=2.1"
            },
            {
              "id": "indicator--ef0b28e1-308c-4a30-8770-9b4851b260a5",
              "date_added": "2016-11-04T10:29:061Z",
              "version": "2016-11-03T12:35:10.000Z",
              "media_type": "application/stix+json;version=2.1"
            }
          ]
        }
        """;

    /// <summary>§5.3's manifest with the evident reading of its timestamps (<c>03:04:05.1Z</c>, <c>10:29:06.1Z</c>).</summary>
    public const string Manifest = """
        {
          "objects": [
            {
              "id": "indicator--29aba82c-5393-42a8-9edb-6a2cb1df070b",
              "date_added": "2016-11-04T03:04:05.1Z",
              "version": "2016-11-03T12:30:59.000Z",
              "media_type": "application/stix+json;version=2.1"
            },
            {
              "id": "indicator--ef0b28e1-308c-4a30-8770-9b4851b260a5",
              "date_added": "2016-11-04T10:29:06.1Z",
              "version": "2016-11-03T12:35:10.000Z",
              "media_type": "application/stix+json;version=2.1"
            }
          ]
        }
        """;

    /// <summary>§3.7 envelope; the elided indicator completed with the members STIX 2.1 requires of one.</summary>
    public const string Envelope = """
        {
          "more": true,
          "next": "123456789",
          "objects": [
            {
              "type": "indicator",
              "spec_version": "2.1",
              "id": "indicator--252c7c11-daf2-42bd-843b-be65edca9f61",
              "created": "2016-04-06T20:03:48.000Z",
              "modified": "2016-04-06T20:03:48.000Z",
              "pattern": "[ file:hashes.'SHA-256' = 'ef537f25c895bfa782526529a9b63d97aa631564d5d789c2b765448c8635fb6c' ]",
              "pattern_type": "stix",
              "valid_from": "2016-01-01T00:00:00Z"
            }
          ]
        }
        """;

    /// <summary>§5.8, GET …/versions/ response.</summary>
    public const string Versions = """
        {
          "versions": [
            "2016-11-03T12:30:59.000Z",
            "2016-11-03T12:31:00.000Z"
          ]
        }
        """;

    /// <summary>§3.6.1 error message (note: <c>http_status</c> is a string).</summary>
    public const string Error = """
        {
          "title": "Error condition XYZ",
          "description": "This error is caused when the application tries to access data...",
          "error_id": "1234",
          "error_code": "581234",
          "http_status": "409",
          "external_details": "http://example.com/ticketnumber1/errorid-1234",
          "details": {
            "somekey1": "somevalue",
            "somekey2": "some other value"
          }
        }
        """;

    /// <summary>§5.4 "empty envelope": no objects, nothing more.</summary>
    public const string EmptyEnvelope = "{}";
}
