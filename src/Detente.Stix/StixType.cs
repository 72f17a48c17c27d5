namespace Detente.Stix;

/// <summary>Syntax rules for STIX type names and property names.</summary>
public static class StixType
{
    /// <summary>
    /// True when <paramref name="type"/> is a valid STIX type name (STIX 2.1 §3.1): 3–250 characters of
    /// lower-case ASCII letters, digits and hyphens, with no two hyphens in a row.
    /// </summary>
    public static bool IsValidTypeName(string type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return Validation.Syntax.IsTypeName(type, requireLetterStart: false);
    }

    /// <summary>
    /// True when <paramref name="name"/> is a valid custom property name (STIX 2.1 §3.1, §11.1): 3–250
    /// characters of ASCII letters, digits and underscore.
    /// </summary>
    /// <remarks>Lower case is a SHOULD; the validator warns about upper-case letters.</remarks>
    public static bool IsValidPropertyName(string name)
    {
        if (name.Length is < 3 or > 250)
        {
            return false;
        }

        foreach (char c in name)
        {
            if (c is not ((>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_'))
            {
                return false;
            }
        }

        return true;
    }
}
