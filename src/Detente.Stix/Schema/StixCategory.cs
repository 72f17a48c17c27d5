namespace Detente.Stix.Schema;

/// <summary>The kind of a STIX type: which part of the specification defines it.</summary>
/// <remarks>STIX 2.1 §4 (SDOs), §5 (SROs), §6 (SCOs), §7 (meta objects), §8 (bundle).</remarks>
public enum StixCategory
{
    /// <summary>A STIX Domain Object, e.g. <c>indicator</c> (STIX 2.1 §4).</summary>
    Sdo,

    /// <summary>A STIX Relationship Object: <c>relationship</c> or <c>sighting</c> (STIX 2.1 §5).</summary>
    Sro,

    /// <summary>A STIX Cyber-observable Object, e.g. <c>ipv4-addr</c> (STIX 2.1 §6).</summary>
    Sco,

    /// <summary>A STIX Meta Object: <c>marking-definition</c>, <c>language-content</c>, <c>extension-definition</c> (STIX 2.1 §7).</summary>
    Meta,

    /// <summary>The STIX Bundle, a transport wrapper that is not itself a STIX Object (STIX 2.1 §8).</summary>
    Bundle,

    /// <summary>A type the specification does not define: a custom object or one defined by an extension.</summary>
    Custom,
}
