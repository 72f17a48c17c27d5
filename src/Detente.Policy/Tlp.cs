using Detente.Stix.Schema;

namespace Detente.Policy;

/// <summary>A Traffic Light Protocol 2.0 level, ordered from the least to the most restrictive.</summary>
/// <remarks>FIRST TLP 2.0; STIX marking definitions of the OASIS TLP 2.0 extension (see <see cref="TlpMarkings"/>).</remarks>
public enum TlpLevel
{
    /// <summary><c>TLP:CLEAR</c>: anyone the collection lets read.</summary>
    Clear = 0,

    /// <summary><c>TLP:GREEN</c>: members of the federation and local users.</summary>
    Green = 1,

    /// <summary><c>TLP:AMBER</c>: the object's sharing group, or else the collection's partners.</summary>
    Amber = 2,

    /// <summary><c>TLP:AMBER+STRICT</c>: the producing organization only, never a partner.</summary>
    AmberStrict = 3,

    /// <summary><c>TLP:RED</c>: never leaves this node.</summary>
    Red = 4,
}

/// <summary>TLP marking-definition ids and names: TLP 2.0, and TLP 1.0 mapped to its 2.0 equivalent.</summary>
/// <remarks>
/// STIX 2.1 §7.2.1.4 fixes the four TLP 1.0 marking definitions; the OASIS TLP 2.0 extension
/// (<see cref="TlpMarkings.Tlp2ExtensionDefinition"/>) publishes the five TLP 2.0 ones. TLP 1.0 maps WHITE → CLEAR,
/// GREEN → GREEN, AMBER → AMBER, RED → RED (FIRST TLP 2.0: AMBER+STRICT has no 1.0 equivalent).
/// </remarks>
public static class Tlp
{
    /// <summary>Finds the TLP level a marking-definition id stands for (either TLP version).</summary>
    /// <returns>False when <paramref name="markingDefinitionId"/> is not one of the nine TLP marking definitions.</returns>
    public static bool TryFromMarkingId(string? markingDefinitionId, out TlpLevel level)
    {
        switch (markingDefinitionId)
        {
            case TlpMarkings.Tlp2Clear or TlpMarkings.Tlp1White:
                level = TlpLevel.Clear;
                return true;
            case TlpMarkings.Tlp2Green or TlpMarkings.Tlp1Green:
                level = TlpLevel.Green;
                return true;
            case TlpMarkings.Tlp2Amber or TlpMarkings.Tlp1Amber:
                level = TlpLevel.Amber;
                return true;
            case TlpMarkings.Tlp2AmberStrict:
                level = TlpLevel.AmberStrict;
                return true;
            case TlpMarkings.Tlp2Red or TlpMarkings.Tlp1Red:
                level = TlpLevel.Red;
                return true;
            default:
                level = default;
                return false;
        }
    }

    /// <summary>The TLP 2.0 marking-definition id of <paramref name="level"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="level"/> is not a defined level.</exception>
    public static string MarkingId(TlpLevel level) => level switch
    {
        TlpLevel.Clear => TlpMarkings.Tlp2Clear,
        TlpLevel.Green => TlpMarkings.Tlp2Green,
        TlpLevel.Amber => TlpMarkings.Tlp2Amber,
        TlpLevel.AmberStrict => TlpMarkings.Tlp2AmberStrict,
        TlpLevel.Red => TlpMarkings.Tlp2Red,
        _ => throw new ArgumentOutOfRangeException(nameof(level), level, "Not a TLP level."),
    };

    /// <summary>The level's TLP 2.0 name: <c>TLP:CLEAR</c>, <c>TLP:GREEN</c>, <c>TLP:AMBER</c>, <c>TLP:AMBER+STRICT</c>, <c>TLP:RED</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="level"/> is not a defined level.</exception>
    public static string Name(TlpLevel level) => level switch
    {
        TlpLevel.Clear => "TLP:CLEAR",
        TlpLevel.Green => "TLP:GREEN",
        TlpLevel.Amber => "TLP:AMBER",
        TlpLevel.AmberStrict => "TLP:AMBER+STRICT",
        TlpLevel.Red => "TLP:RED",
        _ => throw new ArgumentOutOfRangeException(nameof(level), level, "Not a TLP level."),
    };

    /// <summary>The more restrictive of two levels: when several TLP markings apply, the most restrictive wins.</summary>
    public static TlpLevel MostRestrictive(TlpLevel a, TlpLevel b) => a >= b ? a : b;

    internal static bool IsDefined(TlpLevel level) => level is >= TlpLevel.Clear and <= TlpLevel.Red;
}
