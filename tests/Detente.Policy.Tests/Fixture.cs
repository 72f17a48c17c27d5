using System.Globalization;
using Detente.Stix.Signatures;

namespace Detente.Policy.Tests;

/// <summary>A small federation: four partners, two sharing groups, one collection with partners, redaction rules.</summary>
internal static class Fixture
{
    public const string Clear = "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487";
    public const string Green = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb";
    public const string Amber = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421";
    public const string AmberStrict = "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003";
    public const string Red = "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1";
    public const string Tlp1White = "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9";
    public const string Tlp1Red = "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed";

    public const string Elections = "marking-definition--7f1b0a52-4c2e-4f7a-9d3e-0e0a5c1e0001";
    public const string Finance = "marking-definition--7f1b0a52-4c2e-4f7a-9d3e-0e0a5c1e0002";
    public const string Copyright = "marking-definition--7f1b0a52-4c2e-4f7a-9d3e-0e0a5c1e0003";
    public const string Unknown = "marking-definition--7f1b0a52-4c2e-4f7a-9d3e-0e0a5c1e0004";

    public static readonly Guid Shared = Guid.Parse("5a8f3c2e-1111-4b2a-9c3d-000000000001");
    public static readonly Guid Internal = Guid.Parse("5a8f3c2e-1111-4b2a-9c3d-000000000002");
    public static readonly Guid Public = Guid.Parse("5a8f3c2e-1111-4b2a-9c3d-000000000003");
    public static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    // RFC 8032 §7.1, TEST 1 public key.
    public static readonly StixVerificationKey Key =
        StixVerificationKey.FromRawPublicKey(Convert.FromHexString("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"));

    public static readonly string[] PartnerNames = ["fr-cert", "de-cert", "ru-cert", "us-cert"];

    public static string IdentityOf(int n) => string.Create(CultureInfo.InvariantCulture, $"identity--00000000-0000-4000-8000-{n:D12}");

    public static Partner Partner(string name, params EgressRule[] rules) => new()
    {
        Name = name,
        Identity = IdentityOf(Array.IndexOf(PartnerNames, name) + 1),
        VerificationKeys = [Key],
        EgressRules = rules,
    };

    public static PolicySettings Settings(Func<string, EgressRule[]>? rules = null) => new()
    {
        Partners = [.. PartnerNames.Select(n => Partner(n, rules?.Invoke(n) ?? []))],
        SharingGroups =
        [
            new SharingGroup { Name = "g-elections", MarkingDefinitionId = Elections, Members = ["fr-cert", "de-cert"] },
            new SharingGroup { Name = "g-finance", MarkingDefinitionId = Finance, Members = ["de-cert", "us-cert"] },
        ],
        Collections =
        [
            new CollectionSharing { CollectionId = Shared, Partners = ["fr-cert", "ru-cert"] },
            new CollectionSharing { CollectionId = Public, DefaultTlp = TlpLevel.Green },
        ],
        RedactablePaths = ["description", "external_references"],
        NeutralMarkings = [Copyright],
    };

    public static SharingPolicy Build(PolicySettings settings)
    {
        PolicyBuildResult result = SharingPolicy.Build(settings);
        Assert.True(result.IsValid, string.Join(Environment.NewLine, result.Errors));
        return result.Policy!;
    }

    public static SharingPolicy Policy { get; } = Build(Settings());

    public static ObjectFacts Facts(params string[] markings) => new()
    {
        Type = "indicator",
        Id = "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
        CreatedByRef = "identity--00000000-0000-4000-8000-000000000099",
        Created = Now.AddDays(-10),
        Modified = Now.AddDays(-2),
        Confidence = 80,
        Labels = ["malicious-activity"],
        ObjectMarkingRefs = [.. markings],
    };

    public static PolicyDecision Decide(this SharingPolicy policy, PolicyPrincipal reader, in ObjectFacts facts, Guid? collection = null,
        EgressPath path = EgressPath.TaxiiRead, bool canRead = true) =>
        policy.Decide(new EgressRequest(reader, policy.Collection(collection ?? Shared), in facts, path, Now, canRead));
}
