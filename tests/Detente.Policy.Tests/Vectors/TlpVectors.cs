namespace Detente.Policy.Tests.Vectors;

/// <summary>
/// The TLP marking-definition ids, typed again from their sources: STIX 2.1 §7.2.1.4 (TLP 1.0) and the OASIS
/// cti-stix-common-objects TLP 2.0 extension (extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d, the
/// marking-definition objects under objects/marking-definition and extension-definition-specifications/tlp-2.0).
/// </summary>
public static class TlpVectors
{
    public static TheoryData<string, TlpLevel> Tlp2 => new()
    {
        { "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487", TlpLevel.Clear },
        { "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb", TlpLevel.Green },
        { "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421", TlpLevel.Amber },
        { "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003", TlpLevel.AmberStrict },
        { "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1", TlpLevel.Red },
    };

    // TLP 1.0 → 2.0: WHITE → CLEAR, GREEN → GREEN, AMBER → AMBER, RED → RED.
    public static TheoryData<string, TlpLevel> Tlp1 => new()
    {
        { "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9", TlpLevel.Clear },
        { "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da", TlpLevel.Green },
        { "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82", TlpLevel.Amber },
        { "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed", TlpLevel.Red },
    };
}
