using System.Buffers;
using System.Reflection;
using System.Text;
using Detente.Stix.Identifiers;
using Detente.Stix.Json;

namespace Detente.Stix.Tests.Identifiers;

public sealed class ScoIdsTests
{
    private const string Sha256 = "841a8921140aba50671ebb0770fecc4ee308c4952cfeff8de154ab14eeef4649";
    private const string Md5 = "a92e5b2bae0b4b3a3d81c85610b95cd4";
    private const string Sha1 = "5374e08903744ceeaedd8f5e1bfc06b2c4688e76";
    private const string Ssdeep = "3:a+JraNvsgzsVqSwHq9:tJuOgzsko";
    private const string Tlsh = "8e4a2f72ec2a7d3d2a4b39e9d4d3c0a7b1bb2b2a3f2c0e2d8a1b7c2f6a0e9d8f1e0c2a";

    /// <summary>
    /// (SCO JSON, the JCS name it must hash, expected id). Each expected id was computed twice, independently:
    /// by Python's <c>uuid.uuid5(UUID("00abedb4-aa42-466c-9c01-fed23315a9b7"), name)</c> over the hand-written name,
    /// and by the OASIS reference producer (cti-python-stix2 at 2270361, <c>stix2.parse(obj)["id"]</c>).
    /// </summary>
    public static TheoryData<string, string, string> KnownIds => new()
    {
        {
            """{"type":"ipv4-addr","spec_version":"2.1","value":"198.51.100.3"}""",
            """{"value":"198.51.100.3"}""",
            "ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4"
        },
        {
            """{"type":"domain-name","spec_version":"2.1","value":"example.com"}""",
            """{"value":"example.com"}""",
            "domain-name--bedb4899-d24b-5401-bc86-8f6b4cc18ec7"
        },
        {
            """{"type":"email-addr","spec_version":"2.1","value":"john@example.com","display_name":"John Doe"}""",
            """{"value":"john@example.com"}""",
            "email-addr--7165e2a9-671f-585d-b1e1-ca59c671d934"
        },
        {
            // The STIX 2.1 spec's file example (§6.7.4), whose printed id was not computed by the algorithm.
            $$$"""
            {"type":"file","spec_version":"2.1","hashes":{"MD5":"{{{Md5}}}","SHA-1":"{{{Sha1}}}"},"size":77312,
             "name":"a92e5b2bae.exe","parent_directory_ref":"directory--255cb0e4-8bdb-5d63-bb32-9c6f0b733ab2"}
            """,
            $$$"""{"hashes":{"MD5":"{{{Md5}}}"},"name":"a92e5b2bae.exe","parent_directory_ref":"directory--255cb0e4-8bdb-5d63-bb32-9c6f0b733ab2"}""",
            "file--ba8965d8-e4ec-5f9c-a4df-1c460994ca58"
        },
        {
            """{"type":"file","spec_version":"2.1","name":"a.exe","extensions":{}}""",
            """{"extensions":{},"name":"a.exe"}""",
            "file--95344a0e-3cfb-5256-9901-3627f97962da"
        },
        {
            $$$"""{"type":"file","spec_version":"2.1","hashes":{"sha256":"{{{Sha256}}}"}}""",
            $$$"""{"hashes":{"SHA-256":"{{{Sha256}}}"}}""",
            "file--4c4d56c1-a5a7-5016-95ab-7785fdfb7641"
        },
        {
            """
            {"type":"network-traffic","spec_version":"2.1","protocols":["tcp"],"src_port":80,
             "src_ref":"ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4","start":"2016-01-01T00:00:00.000Z"}
            """,
            """{"protocols":["tcp"],"src_port":80,"src_ref":"ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4","start":"2016-01-01T00:00:00Z"}""",
            "network-traffic--8c7cc079-40cb-59a6-bdf6-4a7265b50f29"
        },
    };

    /// <summary>(SCO JSON, expected id) computed by the OASIS reference producer (cti-python-stix2 at 2270361).</summary>
    public static TheoryData<string, string> ReferenceProducerIds => new()
    {
        { $$$"""{"type":"file","spec_version":"2.1","hashes":{"SHA-256":"{{{Sha256}}}"}}""", "file--4c4d56c1-a5a7-5016-95ab-7785fdfb7641" },
        { """{"type":"file","spec_version":"2.1","name":"a.exe"}""", "file--c10ebc4d-e065-5ec7-93e4-fa1fd2bae072" },
        // No preferred hash: the first as written wins, so member order matters here and only here.
        { $$$"""{"type":"file","spec_version":"2.1","name":"x","hashes":{"TLSH":"{{{Tlsh}}}","SSDEEP":"{{{Ssdeep}}}"}}""", "file--d356e6e9-a766-5f0b-83e7-358315617d0b" },
        { $$$"""{"type":"file","spec_version":"2.1","name":"x","hashes":{"SSDEEP":"{{{Ssdeep}}}","TLSH":"{{{Tlsh}}}"}}""", "file--b510475c-b148-522c-9371-6e63a5df5561" },
        { $$$"""{"type":"file","spec_version":"2.1","name":"x","hashes":{"SHA-512":"{{{new string('a', 128)}}}","SHA-256":"{{{Sha256}}}"}}""", "file--932fcfa9-3503-5286-8675-5aaf3b4e08d2" },
        {
            """
            {"type":"file","spec_version":"2.1","name":"x","x_custom":"ignored","extensions":{"x-foo-ext":{"a":1},
             "extension-definition--d83fce45-ef58-4c6c-a3f4-1fbc32e98c6e":{"extension_type":"property-extension","rank":5}}}
            """,
            "file--447eac0d-a953-5049-9d54-847f6bf8e02c"
        },
        {
            $$$"""
            {"type":"file","spec_version":"2.1","name":"x","extensions":{"windows-pebinary-ext":{"pe_type":"exe",
             "time_date_stamp":"2016-01-01T00:00:00.5Z","file_header_hashes":{"md5":"{{{Md5}}}","sha1":"{{{Sha1}}}"}} }}
            """,
            "file--2df97822-ab62-58d9-9ccc-a9530af835d3"
        },
        {
            $$$"""
            {"type":"file","spec_version":"2.1","name":"x","extensions":{"ntfs-ext":{"alternate_data_streams":[
             {"name":"s","hashes":{"sha-256":"{{{Sha256}}}"}}] }} }
            """,
            "file--6b2760ec-37da-5119-9dfc-2f69c90eb960"
        },
        {
            """
            {"type":"network-traffic","spec_version":"2.1","protocols":["tcp"],"src_port":80,
             "src_ref":"ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4","start":"2016-01-01T00:00:00.120Z"}
            """,
            "network-traffic--ca1d9b25-820e-5561-bb5d-1879e03fbaf0"
        },
        {
            """
            {"type":"network-traffic","spec_version":"2.1","protocols":["ipv4","tcp"],"dst_port":443,"is_active":false,
             "src_ref":"ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4","end":"2016-01-01T00:00:01Z",
             "extensions":{"tcp-ext":{"src_flags_hex":"00000002"}}}
            """,
            "network-traffic--0466c929-e1de-5ebe-86ec-37e6919ed40b"
        },
        {
            // CPython on glibc writes years below 1000 without padding.
            """
            {"type":"network-traffic","spec_version":"2.1","protocols":["tcp"],
             "dst_ref":"ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4","start":"0999-01-01T00:00:00Z"}
            """,
            "network-traffic--7ee38f60-f8a1-59da-ab8c-ac6b1f7dba53"
        },
        {
            """{"type":"network-traffic","spec_version":"2.1","protocols":["tcp"],"dst_ref":"ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4","src_port":80.0}""",
            "network-traffic--16ae0186-7683-5a02-84d7-1e9f6e3bd8f0"
        },
        {
            """
            {"type":"software","spec_version":"2.1","name":"Word","cpe":"cpe:2.3:a:microsoft:word:2000:*:*:*:*:*:*:*",
             "swid":"com.microsoft-Word","vendor":"Microsoft","version":"2002"}
            """,
            "software--2d1dfbe4-6a22-5a4a-880d-f16afc72bc0c"
        },
        {
            """{"type":"user-account","spec_version":"2.1","user_id":"1001","account_login":"jdoe","account_type":"unix","display_name":"John Doe"}""",
            "user-account--f94d689e-707d-58c3-b803-c720bb6ed096"
        },
        {
            $$$"""
            {"type":"x509-certificate","spec_version":"2.1","hashes":{"SHA-256":"{{{Sha256}}}"},
             "serial_number":"36:f7:d4:32:f4:ab:70:ea:d3:ce:98:6e:ea:99:93:49:32:0a:b7:06"}
            """,
            "x509-certificate--f1c8d93e-89f0-5916-85f2-7d58edb9af7e"
        },
        {
            """
            {"type":"artifact","spec_version":"2.1","payload_bin":"aGVsbG8gd29ybGR+Cg==",
             "hashes":{"SHA-256":"6db12788c37247f2316052e142f42f4b259d6561751e5f401a1ae2a6df9c674b"}}
            """,
            "artifact--18c37b99-1b78-5fa3-b74b-4ec4e8d17cbc"
        },
        { """{"type":"mutex","spec_version":"2.1","name":"D*Fl#Ed*\u00a3\u00a8"}""", "mutex--07777223-d7c7-51fc-97e2-f16d762cb57e" },
        { """{"type":"url","spec_version":"2.1","value":"https://example.com/research/index.html"}""", "url--47c3cf9a-5027-5bf0-997a-017c7edc7c55" },
        { """{"type":"mac-addr","spec_version":"2.1","value":"d2:fb:49:24:37:18"}""", "mac-addr--757b1725-9903-54f5-a855-1240691d7659" },
        { """{"type":"ipv6-addr","spec_version":"2.1","value":"2001:0db8:85a3:0000:0000:8a2e:0370:7334"}""", "ipv6-addr--85a85a8c-ee99-5722-946d-3c3a3270fc6f" },
        {
            """{"type":"email-message","spec_version":"2.1","is_multipart":false,"body":"Hi \"there\"\n\u2028 \ud83d\ude00","subject":"\u00e9"}""",
            "email-message--1ea5c104-dfaa-59dd-b6ea-f094abaf59fe"
        },
        { """{"type":"windows-registry-key","spec_version":"2.1","key":"HKEY_LOCAL_MACHINE\\System\\Foo\\Bar"}""", "windows-registry-key--1884b770-b679-522a-a9c7-45fadaaec7bb" },
        { """{"type":"autonomous-system","spec_version":"2.1","number":15139,"name":"Slime Industries","rir":"ARIN"}""", "autonomous-system--3aa27478-50b5-5ab8-9da9-cdc12b657fff" },
        { """{"type":"directory","spec_version":"2.1","path":"C:\\Windows\\System32"}""", "directory--0a58d0c1-59e6-5afd-8252-dcd3f13e5622" },
    };

    [Theory]
    [MemberData(nameof(KnownIds))]
    public void Sco_id_is_the_uuid5_of_the_canonical_contributing_properties(string json, string name, string expected)
    {
        StixObject sco = Read(json);

        Assert.Null(ScoIds.TryBuildName(sco, out JsonObject? built));
        Assert.Equal(name, Encoding.UTF8.GetString(JsonCanonicalizer.Canonicalize(built!)));
        Assert.Equal(new Guid(expected[^36..]), NameBasedUuid.Create(ScoIds.Namespace, name));
        Assert.True(ScoIds.TryCompute(sco, out StixId id));
        Assert.Equal(expected, id.ToString());
        Assert.Equal(5, id.UuidVersion);
        Assert.True(id.IsRfc4122Variant);
    }

    [Theory]
    [MemberData(nameof(ReferenceProducerIds))]
    public void Sco_id_matches_the_reference_producer(string json, string expected)
    {
        ScoIdResult result = Compute(json);

        Assert.Equal(ScoIdStatus.Computed, result.Status);
        Assert.Equal(expected, result.Id.ToString());
    }

    [Fact]
    public void Property_order_does_not_change_the_id()
    {
        ScoIdResult a = Compute($$$"""{"type":"file","name":"a","hashes":{"SHA-1":"{{{Sha1}}}","MD5":"{{{Md5}}}"},"parent_directory_ref":"directory--255cb0e4-8bdb-5d63-bb32-9c6f0b733ab2"}""");
        ScoIdResult b = Compute($$$"""{"parent_directory_ref":"directory--255cb0e4-8bdb-5d63-bb32-9c6f0b733ab2","hashes":{"MD5":"{{{Md5}}}","SHA-1":"{{{Sha1}}}"},"name":"a","type":"file"}""");

        Assert.True(a.IsComputed);
        Assert.Equal(a.Id, b.Id);
    }

    [Fact]
    public void Non_contributing_and_custom_properties_do_not_change_the_id()
    {
        ScoIdResult plain = Compute("""{"type":"ipv4-addr","value":"198.51.100.3"}""");
        ScoIdResult extra = Compute("""{"type":"ipv4-addr","id":"ipv4-addr--00000000-0000-4000-8000-000000000000","value":"198.51.100.3","resolves_to_refs":["mac-addr--757b1725-9903-54f5-a855-1240691d7659"],"x_note":"n","defanged":true}""");

        Assert.Equal(plain.Id, extra.Id);
    }

    [Fact]
    public void Md5_is_preferred_over_other_hashes()
    {
        ScoIdResult both = Compute($$$"""{"type":"file","hashes":{"SHA-256":"{{{Sha256}}}","SHA-1":"{{{Sha1}}}","MD5":"{{{Md5}}}"}}""");
        ScoIdResult md5 = Compute($$$"""{"type":"file","hashes":{"MD5":"{{{Md5}}}"}}""");

        Assert.Equal(md5.Id, both.Id);
    }

    [Fact]
    public void A_process_always_gets_a_random_id()
    {
        ScoIdResult result = Compute("""{"type":"process","spec_version":"2.1","pid":1,"command_line":"x"}""");

        Assert.Equal(ScoIdStatus.NoContributingProperties, result.Status);
        Assert.Null(result.Id);
        Assert.False(ScoIds.TryCompute(Read("""{"type":"process","pid":1}"""), out _));
        Assert.Empty(ScoIds.ContributingProperties("process")!);
    }

    [Fact]
    public void An_sco_without_contributing_properties_is_reported_not_given_an_id()
    {
        // email-message contributes from_ref, subject and body; date is not one of them.
        ScoIdResult result = Compute("""{"type":"email-message","spec_version":"2.1","is_multipart":false,"date":"1997-11-21T15:55:06.000Z"}""");

        Assert.Equal(ScoIdStatus.NoContributingProperties, result.Status);
        Assert.NotNull(result.Message);
    }

    [Theory]
    [InlineData("""{"type":"indicator","id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"}""")]
    [InlineData("""{"type":"x-custom-observable","value":"a"}""")]
    [InlineData("""{"value":"198.51.100.3"}""")]
    public void Types_without_known_contributing_properties_are_reported(string json)
    {
        Assert.Equal(ScoIdStatus.UnknownType, Compute(json).Status);
    }

    [Theory]
    [InlineData("""{"type":"file","hashes":{}}""", "hashes")]
    [InlineData("""{"type":"file","hashes":"md5"}""", "hashes")]
    [InlineData("""{"type":"ipv4-addr","value":null}""", "value")]
    [InlineData("""{"type":"network-traffic","protocols":["tcp"],"start":"2016-01-01T00:00:00.1234567Z"}""", "start")]
    [InlineData("""{"type":"network-traffic","protocols":["tcp"],"end":"yesterday"}""", "end")]
    [InlineData("""{"type":"file","name":"x","extensions":{"windows-pebinary-ext":{"time_date_stamp":"2016"}}}""", "extensions")]
    public void Values_the_reference_producer_refuses_are_reported(string json, string property)
    {
        ScoIdResult result = Compute(json);

        Assert.Equal(ScoIdStatus.InvalidContributingProperty, result.Status);
        Assert.Equal(property, result.Property);
    }

    [Fact]
    public void Contributing_properties_follow_the_spec()
    {
        Assert.Equal(["from_ref", "subject", "body"], ScoIds.ContributingProperties("email-message")!);
        Assert.Equal(["hashes", "name", "extensions", "parent_directory_ref"], ScoIds.ContributingProperties("file")!);
        Assert.Equal(["start", "end", "src_ref", "dst_ref", "src_port", "dst_port", "protocols", "extensions"], ScoIds.ContributingProperties("network-traffic")!);
        Assert.Null(ScoIds.ContributingProperties("indicator"));
        Assert.Equal(18, ScoIds.KnownTypes.Count);
    }

    [Theory]
    [InlineData("md5", "MD5")]
    [InlineData("sha1", "SHA-1")]
    [InlineData("Sha-256", "SHA-256")]
    [InlineData("SHA256", "SHA-256")]
    [InlineData("sha-5-12", "SHA-512")]
    [InlineData("sha3-256", "SHA3-256")]
    [InlineData("ssdeep", "SSDEEP")]
    [InlineData("tlsh", "TLSH")]
    [InlineData("sha224", "sha224")]
    [InlineData("x_hash", "x_hash")]
    public void Hash_names_are_spelled_as_the_vocabulary(string name, string expected)
    {
        Assert.Equal(expected, HashNames.Normalize(name));
    }

    [Fact]
    public void A_name_based_stix_id_refuses_an_invalid_type()
    {
        Assert.Throws<ArgumentException>(() => StixId.NewNameBased("Not A Type", ScoIds.Namespace, "{}"u8));
    }

    /// <summary>STIX 2.1 OS §6, each SCO's "ID Contributing Properties" (python-stix2's <c>_id_contributing_properties</c>).</summary>
    public static TheoryData<string, string[]> SpecContributingProperties => new()
    {
        { "artifact", ["hashes", "payload_bin"] },
        { "autonomous-system", ["number"] },
        { "directory", ["path"] },
        { "domain-name", ["value"] },
        { "email-addr", ["value"] },
        { "email-message", ["from_ref", "subject", "body"] },
        { "file", ["hashes", "name", "extensions", "parent_directory_ref"] },
        { "ipv4-addr", ["value"] },
        { "ipv6-addr", ["value"] },
        { "mac-addr", ["value"] },
        { "mutex", ["name"] },
        { "network-traffic", ["start", "end", "src_ref", "dst_ref", "src_port", "dst_port", "protocols", "extensions"] },
        { "process", [] },
        { "software", ["name", "cpe", "swid", "vendor", "version"] },
        { "url", ["value"] },
        { "user-account", ["account_type", "user_id", "account_login"] },
        { "windows-registry-key", ["key", "values"] },
        { "x509-certificate", ["hashes", "serial_number"] },
    };

    [Theory]
    [MemberData(nameof(SpecContributingProperties))]
    public void Every_sco_contributes_the_properties_the_spec_lists(string type, string[] expected)
    {
        Assert.Equal(expected, ScoIds.ContributingProperties(type)!);
    }

    [Fact]
    public void Known_types_are_the_catalog_scos_in_name_order()
    {
        string[] expected = SpecContributingProperties.Select(static row => row.Data.Item1).ToArray();

        Assert.Equal(expected, ScoIds.KnownTypes);
        Assert.All(ScoIds.KnownTypes, static type => Assert.Equal(Detente.Stix.Schema.StixCategory.Sco, Detente.Stix.Schema.StixCatalog.GetCategory(type)));
    }

    [Fact]
    public void A_huge_name_does_not_leave_a_huge_buffer_on_the_thread()
    {
        FieldInfo field = typeof(ScoIds).GetField("t_buffer", BindingFlags.NonPublic | BindingFlags.Static)!;
        string small = Compute(Url("https://example.com/")).Id!.Value.ToString();
        var kept = (ArrayBufferWriter<byte>)field.GetValue(null)!;

        ScoIdResult huge = Compute(Url("https://example.com/" + new string('a', 200_000)));

        Assert.True(huge.IsComputed);
        Assert.Null(field.GetValue(null));
        Assert.Equal(small, Compute(Url("https://example.com/")).Id!.Value.ToString());
        var fresh = (ArrayBufferWriter<byte>)field.GetValue(null)!;
        Assert.NotSame(kept, fresh);
        Assert.True(fresh.Capacity <= 64 * 1024);
        Assert.Same(fresh, field.GetValue(null));

        static string Url(string value) =>
            "{\"type\":\"url\",\"spec_version\":\"2.1\",\"id\":\"url--c1477287-23ac-5971-a010-5c287877fa60\",\"value\":\"" + value + "\"}";
    }

    private static StixObject Read(string json) => new StixReader().ReadObject(Encoding.UTF8.GetBytes(json));

    private static ScoIdResult Compute(string json) => ScoIds.Compute(Read(json));
}
