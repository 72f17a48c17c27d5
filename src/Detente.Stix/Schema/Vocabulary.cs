using System.Collections.Frozen;

namespace Detente.Stix.Schema;

/// <summary>A STIX open vocabulary (<c>-ov</c>) or enumeration (<c>-enum</c>) and its values.</summary>
/// <remarks>
/// STIX 2.1 §2.4 and §2.14: a value outside an enumeration is an error; a value outside an open vocabulary is
/// allowed, but the value SHOULD come from it.
/// </remarks>
internal sealed class Vocabulary
{
    public Vocabulary(string name, bool isEnum, params string[] values)
    {
        Name = name;
        IsEnum = isEnum;
        Values = values.ToFrozenSet(StringComparer.Ordinal);
    }

    /// <summary>The name the specification gives it, e.g. <c>pattern-type-ov</c>.</summary>
    public string Name { get; }

    /// <summary>True for an enumeration (closed), false for an open vocabulary.</summary>
    public bool IsEnum { get; }

    /// <summary>The values the specification lists.</summary>
    public FrozenSet<string> Values { get; }

    public bool Contains(string value) => Values.Contains(value);
}
