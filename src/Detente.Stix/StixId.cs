using System.Diagnostics.CodeAnalysis;
using Detente.Stix.Validation;

namespace Detente.Stix;

/// <summary>A STIX identifier: <c>type--UUID</c>.</summary>
/// <remarks>STIX 2.1 §2.9: the type part is the object's <c>type</c>; the UUID part is an RFC 4122 UUID in lower case.</remarks>
/// <param name="Type">The object type, e.g. <c>indicator</c>.</param>
/// <param name="Uuid">The UUID part.</param>
public readonly record struct StixId(string Type, Guid Uuid)
{
    /// <summary>
    /// Parses <c>type--uuid</c>: the type 3–250 characters of a–z, 0–9 and single hyphens (STIX 2.1 §3.1), the UUID a
    /// lower-case RFC 4122 UUID (variant 10xx, version 1–8). The validator applies exactly this rule.
    /// </summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out StixId id)
    {
        id = default;
        if (text is null || !Syntax.TryParseIdentifier(text, out int separator))
        {
            return false;
        }

        id = new StixId(text[..separator], Guid.ParseExact(text.AsSpan(separator + 2), "D"));
        return true;
    }

    /// <summary>Parses <paramref name="text"/>.</summary>
    /// <exception cref="FormatException">The text is not a STIX identifier.</exception>
    public static StixId Parse(string text) =>
        TryParse(text, out StixId id) ? id : throw new FormatException($"'{text}' is not a STIX identifier (type--uuid).");

    /// <summary>Creates a new identifier of <paramref name="type"/> with a random (version 4) UUID.</summary>
    public static StixId NewRandom(string type) => new(type, Guid.NewGuid());

    /// <summary>Creates the identifier of <paramref name="type"/> whose UUID is the version 5 UUID of <paramref name="name"/> in <paramref name="namespaceId"/>.</summary>
    /// <remarks>
    /// STIX 2.1 §2.9: deterministic identifiers are UUIDv5; SCOs use the namespace
    /// <c>00abedb4-aa42-466c-9c01-fed23315a9b7</c> (see <see cref="Identifiers.ScoIds"/>), which no other object may use.
    /// </remarks>
    /// <exception cref="ArgumentException"><paramref name="type"/> is not a valid STIX type name.</exception>
    public static StixId NewNameBased(string type, Guid namespaceId, ReadOnlySpan<byte> name)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (!StixType.IsValidTypeName(type))
        {
            throw new ArgumentException($"'{type}' is not a valid STIX type name.", nameof(type));
        }

        return new StixId(type, Identifiers.NameBasedUuid.Create(namespaceId, name));
    }

    /// <summary>The RFC 4122 version of the UUID part (4 random, 5 name-based).</summary>
    public int UuidVersion
    {
        get
        {
            Span<byte> bytes = stackalloc byte[16];
            Uuid.TryWriteBytes(bytes, bigEndian: true, out _);
            return bytes[6] >> 4;
        }
    }

    /// <summary>True when the UUID part has the RFC 4122 variant bits (10xx).</summary>
    public bool IsRfc4122Variant
    {
        get
        {
            Span<byte> bytes = stackalloc byte[16];
            Uuid.TryWriteBytes(bytes, bigEndian: true, out _);
            return (bytes[8] & 0xC0) == 0x80;
        }
    }

    /// <summary>The identifier as <c>type--uuid</c>.</summary>
    public override string ToString() => string.Concat(Type, "--", Uuid.ToString("D"));
}
