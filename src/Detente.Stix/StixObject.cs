using System.Buffers;
using Detente.Stix.Json;

namespace Detente.Stix;

/// <summary>An immutable STIX object: its JSON members, every one kept (custom properties and extensions included).</summary>
/// <remarks>
/// The accessors read common properties (STIX 2.1 §3.2) and return null when a property is absent or of the wrong
/// JSON type; whether the object obeys the spec is the validator's question, answered with a report.
/// A new version is a new object: see <see cref="NewVersion"/> and <see cref="With"/>.
/// </remarks>
public sealed class StixObject : IEquatable<StixObject>
{
    // The RFC 8785 form when the code that made this object already had it; never handed out (copies are).
    private readonly byte[]? _canonical;

    /// <summary>Wraps <paramref name="json"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="json"/> is null.</exception>
    public StixObject(JsonObject json)
    {
        ArgumentNullException.ThrowIfNull(json);
        Json = json;
    }

    /// <summary>Wraps <paramref name="json"/> whose RFC 8785 form the caller has already computed (a signature splices it
    /// from the signing payload: <see cref="Signatures.StixSignatures.Sign"/>), so that it is not computed again.</summary>
    internal StixObject(JsonObject json, byte[] canonical)
        : this(json)
    {
        _canonical = canonical;
    }

    /// <summary>The object's members.</summary>
    public JsonObject Json { get; }

    /// <summary>The <c>type</c> property.</summary>
    public string? Type => Json.GetString("type");

    /// <summary>The <c>id</c> property, as written.</summary>
    public string? Id => Json.GetString("id");

    /// <summary>The <c>spec_version</c> property.</summary>
    public string? SpecVersion => Json.GetString("spec_version");

    /// <summary>The <c>created</c> property, when it is a valid timestamp.</summary>
    public StixTimestamp? Created => Timestamp("created");

    /// <summary>The <c>modified</c> property, when it is a valid timestamp.</summary>
    public StixTimestamp? Modified => Timestamp("modified");

    /// <summary>The <c>created_by_ref</c> property.</summary>
    public string? CreatedByRef => Json.GetString("created_by_ref");

    /// <summary>The <c>revoked</c> property (false when absent).</summary>
    public bool Revoked => Json["revoked"]?.Kind == JsonKind.True;

    /// <summary>The <c>labels</c> property (empty when absent).</summary>
    public IReadOnlyList<string> Labels => Strings("labels");

    /// <summary>The <c>object_marking_refs</c> property (empty when absent).</summary>
    public IReadOnlyList<string> ObjectMarkingRefs => Strings("object_marking_refs");

    /// <summary>The <c>granular_markings</c> property.</summary>
    public JsonArray? GranularMarkings => Json["granular_markings"] as JsonArray;

    /// <summary>The <c>extensions</c> property.</summary>
    public JsonObject? Extensions => Json["extensions"] as JsonObject;

    /// <summary>The value of any property, or null when it is absent.</summary>
    public JsonValue? this[string name] => Json[name];

    /// <summary>Returns a copy with <paramref name="name"/> set to <paramref name="value"/>.</summary>
    public StixObject With(string name, JsonValue value) => new(Json.With(name, value));

    /// <summary>Returns a copy without <paramref name="name"/>.</summary>
    public StixObject Without(string name) => new(Json.Without(name));

    /// <summary>Returns the next version of this object: the same id and created, <c>modified</c> set as given.</summary>
    /// <remarks>STIX 2.1 §3.6: a new version has a later <c>modified</c>; <c>created</c> and <c>id</c> stay.</remarks>
    /// <exception cref="InvalidOperationException">The object has no valid <c>modified</c> to advance.</exception>
    /// <exception cref="ArgumentException"><paramref name="modified"/> is not later than the current <c>modified</c>.</exception>
    public StixObject NewVersion(StixTimestamp modified)
    {
        StixTimestamp current = Modified ?? throw new InvalidOperationException("Only an object with a valid 'modified' can be versioned.");
        if (modified <= current)
        {
            throw new ArgumentException($"The new 'modified' ({modified}) must be later than the current one ({current}).", nameof(modified));
        }

        return With("modified", modified.ToString());
    }

    /// <summary>The RFC 8785 canonical form of the object.</summary>
    /// <exception cref="ArgumentException">A string holds an unpaired surrogate, which JCS cannot encode.</exception>
    public byte[] Canonicalize() => _canonical is null ? JsonCanonicalizer.Canonicalize(Json) : (byte[])_canonical.Clone();

    /// <summary>Writes the RFC 8785 canonical form of the object to <paramref name="output"/>.</summary>
    /// <exception cref="ArgumentException">A string holds an unpaired surrogate, which JCS cannot encode.</exception>
    public void Canonicalize(IBufferWriter<byte> output)
    {
        if (_canonical is null)
        {
            JsonCanonicalizer.Canonicalize(Json, output);
            return;
        }

        ArgumentNullException.ThrowIfNull(output);
        output.Write(_canonical);
    }

    /// <summary>True when both objects have the same members with the same values.</summary>
    public bool Equals(StixObject? other) => other is not null && Json.Equals(other.Json);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is StixObject other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => Json.GetHashCode();

    /// <summary>The canonical JSON form.</summary>
    public override string ToString() => Json.ToString();

    private StixTimestamp? Timestamp(string name) =>
        StixTimestamp.TryParse(Json.GetString(name), out StixTimestamp t) ? t : null;

    private string[] Strings(string name)
    {
        if (Json[name] is not JsonArray array)
        {
            return [];
        }

        var list = new List<string>(array.Count);
        foreach (JsonValue item in array)
        {
            if (item is JsonString s)
            {
                list.Add(s.Value);
            }
        }

        return list.ToArray();
    }
}
