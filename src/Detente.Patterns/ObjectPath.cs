using System.Collections.Immutable;
using Detente.Patterns.Parsing;

namespace Detente.Patterns;

/// <summary>An object path (STIX 2.1 §9.7): an object type and the steps from the object to the value compared.</summary>
/// <remarks>
/// <c>file:extensions.'windows-pebinary-ext'.sections[*].entropy</c> is the object type <c>file</c> and the components
/// <c>extensions</c>, <c>windows-pebinary-ext</c>, <c>sections</c>, <c>[*]</c>, <c>entropy</c>. A property component
/// names a property, a dictionary key (<c>hashes.'SHA-256'</c>), an extension, or a property of the object a reference
/// points to (<c>network-traffic:src_ref.value</c>); the path does not say which, the object's schema does.
/// </remarks>
public sealed class ObjectPath : PatternNode
{
    /// <summary>Creates the path <c>objectType:component…</c>.</summary>
    /// <param name="objectType">The object type: an identifier (<c>[A-Za-z_][A-Za-z0-9_-]*</c>) that is not a keyword
    /// (the grammar has no quoted form for it). Whether it is a STIX type is the validator's question.</param>
    /// <param name="components">At least one component, the first a property name.</param>
    /// <exception cref="ArgumentNullException"><paramref name="objectType"/> is null, or a property component has a null name.</exception>
    /// <exception cref="ArgumentException">The object type cannot be written in the grammar, there is no component, or the first is not a property.</exception>
    public ObjectPath(string objectType, params ImmutableArray<PathComponent> components)
    {
        ArgumentNullException.ThrowIfNull(objectType);
        if (!Lexicon.IsObjectTypeToken(objectType))
        {
            throw new ArgumentException("The object type must be an identifier ([A-Za-z_][A-Za-z0-9_-]*) other than a keyword.", nameof(objectType));
        }

        if (components.IsDefaultOrEmpty || components[0].Kind != PathComponentKind.Property)
        {
            throw new ArgumentException("An object path has at least one component, and the first is a property name.", nameof(components));
        }

        foreach (PathComponent component in components)
        {
            if (component.Kind == PathComponentKind.Property && component.Name is null)
            {
                throw new ArgumentNullException(nameof(components), "A property component has a null name (default(PathComponent)).");
            }
        }

        ObjectType = objectType;
        Components = components;
    }

    /// <summary>The parser's constructor: the arguments are already valid for the grammar being parsed.</summary>
    internal ObjectPath(string objectType, ImmutableArray<PathComponent> components, bool trusted)
    {
        System.Diagnostics.Debug.Assert(trusted && components.Length > 0 && components[0].Kind == PathComponentKind.Property);
        ObjectType = objectType;
        Components = components;
    }

    /// <summary>The object type, e.g. <c>file</c> or <c>x-usb-device</c>.</summary>
    public string ObjectType { get; }

    /// <summary>The components after the colon, at least one; the first is always a <see cref="PathComponentKind.Property"/>.</summary>
    public ImmutableArray<PathComponent> Components { get; }

    /// <inheritdoc/>
    public override bool Equals(PatternNode? other)
    {
        if (ReferenceEquals(this, other))
        {
            return true;
        }

        if (other is not ObjectPath o || !string.Equals(ObjectType, o.ObjectType, StringComparison.Ordinal)
            || Components.Length != o.Components.Length)
        {
            return false;
        }

        for (int i = 0; i < Components.Length; i++)
        {
            if (!Components[i].Equals(o.Components[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(ObjectType, StringComparer.Ordinal);
        foreach (PathComponent component in Components)
        {
            hash.Add(component);
        }

        return hash.ToHashCode();
    }
}

/// <summary>What a <see cref="PathComponent"/> selects.</summary>
public enum PathComponentKind
{
    /// <summary>A property, dictionary key or extension name: <c>.name</c> or <c>.'quoted-name'</c>.</summary>
    Property,

    /// <summary>One list item: <c>[n]</c>.</summary>
    Index,

    /// <summary>Every list item: <c>[*]</c>.</summary>
    AnyIndex,
}

/// <summary>One step of an <see cref="ObjectPath"/>: a property name, a list index, or <c>[*]</c>.</summary>
/// <remarks>A small immutable value; create one with <see cref="OfProperty"/>, <see cref="OfIndex"/> or <see cref="AnyIndex"/>.</remarks>
public readonly struct PathComponent : IEquatable<PathComponent>
{
    private PathComponent(PathComponentKind kind, string? name, int index)
    {
        Kind = kind;
        Name = name;
        Index = index;
    }

    /// <summary>The component <c>[*]</c>: every item of a list.</summary>
    public static PathComponent AnyIndex => new(PathComponentKind.AnyIndex, null, 0);

    /// <summary>What the component selects.</summary>
    public PathComponentKind Kind { get; }

    /// <summary>For <see cref="PathComponentKind.Property"/>: the name, unquoted and unescaped (any string, even empty); otherwise null.</summary>
    public string? Name { get; }

    /// <summary>For <see cref="PathComponentKind.Index"/>: the index (the grammar allows negative ones, which select nothing); otherwise 0.</summary>
    public int Index { get; }

    /// <summary>A property, dictionary key or extension name.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is null.</exception>
    public static PathComponent OfProperty(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return new PathComponent(PathComponentKind.Property, name, 0);
    }

    /// <summary>A list index.</summary>
    public static PathComponent OfIndex(int index) => new(PathComponentKind.Index, null, index);

    /// <inheritdoc/>
    public bool Equals(PathComponent other) =>
        Kind == other.Kind && Index == other.Index && string.Equals(Name, other.Name, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is PathComponent other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Kind, Index, Name is null ? 0 : StringComparer.Ordinal.GetHashCode(Name));

    /// <summary>The component as written after the previous one: <c>.name</c>, <c>.'quoted-name'</c>, <c>[3]</c> or <c>[*]</c>.</summary>
    public override string ToString() => PatternPrinter.Print(this);

    /// <summary>Compares components.</summary>
    public static bool operator ==(PathComponent left, PathComponent right) => left.Equals(right);

    /// <summary>Compares components.</summary>
    public static bool operator !=(PathComponent left, PathComponent right) => !left.Equals(right);
}
