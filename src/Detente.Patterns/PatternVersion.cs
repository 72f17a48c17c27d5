namespace Detente.Patterns;

/// <summary>The version of the STIX patterning grammar a pattern is written in.</summary>
/// <remarks>
/// The two grammars differ in two places: STIX 2.1 adds the <c>EXISTS</c> operator (so <c>EXISTS</c> is a keyword
/// there and an identifier in 2.0), and 2.1 writes the <c>START</c>/<c>STOP</c> qualifier times as timestamp constants
/// (<c>t'…'</c>) where 2.0 writes plain strings (<c>'…'</c>). Everything else is shared.
/// </remarks>
public enum PatternVersion
{
    /// <summary>STIX 2.1 patterning (STIX 2.1 §9), the default.</summary>
    V21 = 0,

    /// <summary>STIX 2.0 patterning (STIX 2.0 Part 5).</summary>
    V20 = 1,
}
