namespace Detente.Stix.Schema;

/// <summary>The identifiers of the standard Traffic Light Protocol marking definitions.</summary>
/// <remarks>
/// TLP 1.0: STIX 2.1 §7.2.1.4 fixes four marking-definition objects and forbids any other TLP marking definition.
/// TLP 2.0: the OASIS extension <see cref="Tlp2ExtensionDefinition"/> (cti-stix-common-objects,
/// extension-definition-specifications/tlp-2.0) publishes five marking-definition objects, each carrying that
/// extension with <c>extension_type</c> <c>property-extension</c> and a <c>tlp_2_0</c> level.
/// </remarks>
public static class TlpMarkings
{
    /// <summary>TLP 1.0 WHITE (<c>TLP:WHITE</c>).</summary>
    public const string Tlp1White = "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9";

    /// <summary>TLP 1.0 GREEN (<c>TLP:GREEN</c>).</summary>
    public const string Tlp1Green = "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da";

    /// <summary>TLP 1.0 AMBER (<c>TLP:AMBER</c>).</summary>
    public const string Tlp1Amber = "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82";

    /// <summary>TLP 1.0 RED (<c>TLP:RED</c>).</summary>
    public const string Tlp1Red = "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed";

    /// <summary>The <c>created</c> value of the four TLP 1.0 marking definitions.</summary>
    public const string Tlp1Created = "2017-01-20T00:00:00.000Z";

    /// <summary>The extension definition that TLP 2.0 marking definitions use.</summary>
    public const string Tlp2ExtensionDefinition = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d";

    /// <summary>TLP 2.0 CLEAR (<c>TLP:CLEAR</c>).</summary>
    public const string Tlp2Clear = "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487";

    /// <summary>TLP 2.0 GREEN (<c>TLP:GREEN</c>).</summary>
    public const string Tlp2Green = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb";

    /// <summary>TLP 2.0 AMBER (<c>TLP:AMBER</c>).</summary>
    public const string Tlp2Amber = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421";

    /// <summary>TLP 2.0 AMBER+STRICT (<c>TLP:AMBER+STRICT</c>).</summary>
    public const string Tlp2AmberStrict = "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003";

    /// <summary>TLP 2.0 RED (<c>TLP:RED</c>).</summary>
    public const string Tlp2Red = "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1";

    /// <summary>Finds the TLP 1.0 level (<c>white</c>, <c>green</c>, <c>amber</c>, <c>red</c>) of a marking-definition id.</summary>
    public static bool TryGetTlp1Level(string? markingDefinitionId, out string level)
    {
        level = markingDefinitionId switch
        {
            Tlp1White => "white",
            Tlp1Green => "green",
            Tlp1Amber => "amber",
            Tlp1Red => "red",
            _ => string.Empty,
        };
        return level.Length > 0;
    }

    /// <summary>Finds the TLP 2.0 level (<c>clear</c>, <c>green</c>, <c>amber</c>, <c>amber+strict</c>, <c>red</c>) of a
    /// marking-definition id.</summary>
    public static bool TryGetTlp2Level(string? markingDefinitionId, out string level)
    {
        level = markingDefinitionId switch
        {
            Tlp2Clear => "clear",
            Tlp2Green => "green",
            Tlp2Amber => "amber",
            Tlp2AmberStrict => "amber+strict",
            Tlp2Red => "red",
            _ => string.Empty,
        };
        return level.Length > 0;
    }
}
