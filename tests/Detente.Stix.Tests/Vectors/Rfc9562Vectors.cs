using Detente.Stix.Identifiers;

namespace Detente.Stix.Tests.Vectors;

/// <summary>RFC 9562 Appendix A.4 (the UUIDv5 example), copied exactly.</summary>
public sealed class Rfc9562Vectors
{
    /// <summary>(namespace, name, expected UUID).</summary>
    public static TheoryData<string, string, string> Uuid5 => new()
    {
        // A.4: "Example of a UUIDv5 Value": NameSpace_DNS, name "www.example.com".
        { "6ba7b810-9dad-11d1-80b4-00c04fd430c8", "www.example.com", "2ed6657d-e927-568b-95e1-2665a8aea6a2" },
    };

    [Theory]
    [MemberData(nameof(Uuid5))]
    public void Name_based_uuid_matches_the_rfc_example(string ns, string name, string expected)
    {
        Guid actual = NameBasedUuid.Create(new Guid(ns), name);

        Assert.Equal(expected, actual.ToString("D"));
    }
}
