using System.Text;
using Detente.Stix.Identifiers;

namespace Detente.Stix.Tests.Vectors;

/// <summary>
/// Deterministic SCO ids asserted by the OASIS reference producer's own tests (oasis-open/cti-python-stix2,
/// stix2/test/v21/test_deterministic_ids.py); the expected ids are copied exactly, the Python constructor calls are
/// written out as the JSON they produce.
/// </summary>
public sealed class PythonStix2Vectors
{
    /// <summary>(SCO JSON, expected id).</summary>
    public static TheoryData<string, string> DeterministicIds => new()
    {
        // test_id_gen_recursive_dict_conversion_1
        {
            """
            {"type":"file","spec_version":"2.1","name":"example.exe","size":68000,"magic_number_hex":"50000000",
             "hashes":{"SHA-256":"841a8921140aba50671ebb0770fecc4ee308c4952cfeff8de154ab14eeef4649"},
             "extensions":{"windows-pebinary-ext":{"pe_type":"exe","machine_hex":"014c","sections":[
               {"name":".data","size":4096,"entropy":7.980693,
                "hashes":{"SHA-256":"6e3b6f3978e5cd96ba7abee35c24e867b7e64072e2ecb22d0ee7a6e6af6894d0"}}]}}}
            """,
            "file--ced31cd4-bdcb-537d-aefa-92d291bfc11d"
        },
        // test_id_gen_recursive_dict_conversion_2
        {
            """
            {"type":"windows-registry-key","spec_version":"2.1",
             "values":[{"name":"Foo","data":"qwerty"},{"name":"Bar","data":"42"}]}
            """,
            "windows-registry-key--36594eba-bcc7-5014-9835-0e154264e588"
        },
    };

    [Theory]
    [MemberData(nameof(DeterministicIds))]
    public void Sco_id_matches_the_reference_producer_test(string json, string expected)
    {
        StixObject sco = new StixReader().ReadObject(Encoding.UTF8.GetBytes(json));

        Assert.True(ScoIds.TryCompute(sco, out StixId id));
        Assert.Equal(expected, id.ToString());
    }
}
