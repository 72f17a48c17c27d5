using System.Collections.Frozen;

namespace Detente.Stix.Schema;

/// <summary>A property and, when it is required, its bit in <see cref="PropertySet.RequiredMask"/>.</summary>
internal readonly record struct PropertyEntry(PropertySpec Spec, int RequiredBit);

/// <summary>The properties of one object type or nested type, looked up by name.</summary>
/// <remarks>
/// Required properties are numbered so that a validator can note each one it meets in a bit mask while it walks the
/// members once, instead of looking each required name up again.
/// </remarks>
internal sealed class PropertySet
{
    public PropertySet(IReadOnlyList<PropertySpec> properties)
    {
        var byName = new Dictionary<string, PropertyEntry>(properties.Count, StringComparer.Ordinal);
        var required = new List<PropertySpec>();
        foreach (PropertySpec spec in properties)
        {
            int bit = 0;
            if (spec.Required)
            {
                if (required.Count == 32)
                {
                    throw new InvalidOperationException("A property set supports at most 32 required properties.");
                }

                bit = 1 << required.Count;
                required.Add(spec);
            }

            if (!byName.TryAdd(spec.Name, new PropertyEntry(spec, bit)))
            {
                throw new InvalidOperationException($"Property '{spec.Name}' is described twice.");
            }
        }

        ByName = byName.ToFrozenDictionary(StringComparer.Ordinal);
        Required = required.ToArray();
        RequiredMask = required.Count == 32 ? -1 : (1 << required.Count) - 1;
        Properties = properties.ToArray();
    }

    /// <summary>Every property, in the order the specification lists them.</summary>
    public PropertySpec[] Properties { get; }

    public FrozenDictionary<string, PropertyEntry> ByName { get; }

    /// <summary>The required properties; the one at index i has bit <c>1 &lt;&lt; i</c>.</summary>
    public PropertySpec[] Required { get; }

    /// <summary>All required bits set.</summary>
    public int RequiredMask { get; }

    public bool TryGet(string name, out PropertyEntry entry) => ByName.TryGetValue(name, out entry);
}
