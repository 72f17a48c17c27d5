using Detente.Stix;
using Detente.Stix.Json;

namespace Detente.Patterns.Observations;

/// <summary>One cyber-observable object of an <see cref="Observation"/>, with the key other objects of the observation use to reference it.</summary>
public sealed class ObservedObject
{
    /// <summary>Wraps <paramref name="value"/>.</summary>
    /// <param name="key">The reference: the SCO's id (STIX 2.1) or its key in the <c>objects</c> dictionary (STIX 2.0).</param>
    /// <param name="value">The object; its <c>type</c> must be a string.</param>
    /// <param name="isListed">True when the observed-data names it (in <c>object_refs</c> or <c>objects</c>); false when it is only reached through another object's reference.</param>
    /// <exception cref="ArgumentException"><paramref name="key"/> is empty, or the object has no string <c>type</c>.</exception>
    public ObservedObject(string key, StixObject value, bool isListed = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(value);
        Key = key;
        Object = value;
        Type = value.Type ?? throw new ArgumentException("An observed object must have a string 'type'.", nameof(value));
        IsListed = isListed;
    }

    /// <summary>The reference other objects of the observation use: an id (STIX 2.1) or a dictionary key (STIX 2.0).</summary>
    public string Key { get; }

    /// <summary>The object's <c>type</c>.</summary>
    public string Type { get; }

    /// <summary>The object.</summary>
    public StixObject Object { get; }

    /// <summary>The object's members.</summary>
    public JsonObject Json => Object.Json;

    /// <summary>True when the observed-data names the object; false when it was only reached through a <c>*_ref</c> or <c>*_refs</c> property.</summary>
    public bool IsListed { get; }

    /// <summary>The key and type.</summary>
    public override string ToString() => $"{Key} ({Type})";
}
