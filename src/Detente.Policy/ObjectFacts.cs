using System.Collections.Immutable;
using Detente.Stix;
using Detente.Stix.Json;

namespace Detente.Policy;

/// <summary>One granular marking (STIX 2.1 §7.2.3): a marking and the parts of the object it applies to.</summary>
/// <param name="MarkingRef">The marking-definition id, or null (a <c>lang</c> marking, or not a string).</param>
/// <param name="Selectors">The selectors (<c>description</c>, <c>labels.[1]</c>, <c>external_references.[0].url</c>).</param>
public readonly record struct GranularMarking(string? MarkingRef, ImmutableArray<string> Selectors);

/// <summary>
/// What the policy needs to know about one object version, read once from the object and then used for every decision
/// about it.
/// </summary>
/// <remarks>
/// Absent or mistyped properties read as null or empty, as <see cref="StixObject"/>'s accessors do: whether the object
/// obeys STIX is the validator's question. <see cref="From"/> and <see cref="Read"/> give equal facts for the same object.
/// </remarks>
public readonly struct ObjectFacts : IEquatable<ObjectFacts>
{
    private readonly ImmutableArray<string> _labels;
    private readonly ImmutableArray<string> _objectMarkingRefs;
    private readonly ImmutableArray<GranularMarking> _granularMarkings;

    /// <summary>The <c>type</c> property.</summary>
    public string? Type { get; init; }

    /// <summary>The <c>id</c> property.</summary>
    public string? Id { get; init; }

    /// <summary>The <c>created_by_ref</c> property: the producing organization.</summary>
    public string? CreatedByRef { get; init; }

    /// <summary>The <c>created</c> property, when it is a valid STIX timestamp.</summary>
    public DateTimeOffset? Created { get; init; }

    /// <summary>The <c>modified</c> property, when it is a valid STIX timestamp.</summary>
    public DateTimeOffset? Modified { get; init; }

    /// <summary>The <c>confidence</c> property, when it is an integer from 0 to 100.</summary>
    public int? Confidence { get; init; }

    /// <summary>The string items of <c>labels</c>.</summary>
    public ImmutableArray<string> Labels { get => _labels.IsDefault ? [] : _labels; init => _labels = value; }

    /// <summary>The string items of <c>object_marking_refs</c>.</summary>
    public ImmutableArray<string> ObjectMarkingRefs
    {
        get => _objectMarkingRefs.IsDefault ? [] : _objectMarkingRefs;
        init => _objectMarkingRefs = value;
    }

    /// <summary>The object items of <c>granular_markings</c>.</summary>
    public ImmutableArray<GranularMarking> GranularMarkings
    {
        get => _granularMarkings.IsDefault ? [] : _granularMarkings;
        init => _granularMarkings = value;
    }

    /// <summary>When the object last changed: <c>modified</c>, else <c>created</c>, else null. Egress rules measure age from it.</summary>
    public DateTimeOffset? LastChanged => Modified ?? Created;

    /// <summary>Reads the facts of <paramref name="stixObject"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="stixObject"/> is null.</exception>
    public static ObjectFacts From(StixObject stixObject)
    {
        ArgumentNullException.ThrowIfNull(stixObject);
        return new ObjectFacts
        {
            Type = stixObject.Type,
            Id = stixObject.Id,
            CreatedByRef = stixObject.CreatedByRef,
            Created = stixObject.Created?.Value,
            Modified = stixObject.Modified?.Value,
            Confidence = stixObject["confidence"] is JsonNumber n ? ObjectFactsReader.ToConfidence(n.Value) : null,
            Labels = [.. stixObject.Labels],
            ObjectMarkingRefs = [.. stixObject.ObjectMarkingRefs],
            GranularMarkings = Granular(stixObject.GranularMarkings),
        };
    }

    /// <summary>Reads the facts of the UTF-8 JSON object <paramref name="utf8Json"/> (a stored object version) without
    /// building its tree.</summary>
    /// <exception cref="StixFormatException">The bytes are not one JSON object, or repeat a member the policy reads.</exception>
    public static ObjectFacts Read(ReadOnlySpan<byte> utf8Json) => ObjectFactsReader.Read(utf8Json);

    /// <summary>True when both hold the same facts (arrays compared item by item).</summary>
    public bool Equals(ObjectFacts other) =>
        string.Equals(Type, other.Type, StringComparison.Ordinal)
        && string.Equals(Id, other.Id, StringComparison.Ordinal)
        && string.Equals(CreatedByRef, other.CreatedByRef, StringComparison.Ordinal)
        && Created == other.Created
        && Modified == other.Modified
        && Confidence == other.Confidence
        && Labels.SequenceEqual(other.Labels, StringComparer.Ordinal)
        && ObjectMarkingRefs.SequenceEqual(other.ObjectMarkingRefs, StringComparer.Ordinal)
        && GranularMarkings.Length == other.GranularMarkings.Length
        && GranularMarkings.Zip(other.GranularMarkings).All(static p =>
            string.Equals(p.First.MarkingRef, p.Second.MarkingRef, StringComparison.Ordinal)
            && p.First.Selectors.SequenceEqual(p.Second.Selectors, StringComparer.Ordinal));

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is ObjectFacts other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Type, Id, Modified, Labels.Length, ObjectMarkingRefs.Length, GranularMarkings.Length);

    /// <summary>True when both hold the same facts.</summary>
    public static bool operator ==(ObjectFacts left, ObjectFacts right) => left.Equals(right);

    /// <summary>True when the facts differ.</summary>
    public static bool operator !=(ObjectFacts left, ObjectFacts right) => !left.Equals(right);

    private static ImmutableArray<GranularMarking> Granular(JsonArray? markings)
    {
        if (markings is null)
        {
            return [];
        }

        var builder = ImmutableArray.CreateBuilder<GranularMarking>(markings.Count);
        foreach (JsonValue item in markings)
        {
            if (item is not JsonObject marking)
            {
                continue;
            }

            var selectors = ImmutableArray.CreateBuilder<string>();
            if (marking["selectors"] is JsonArray list)
            {
                foreach (JsonValue selector in list)
                {
                    if (selector is JsonString s)
                    {
                        selectors.Add(s.Value);
                    }
                }
            }

            builder.Add(new GranularMarking(marking.GetString("marking_ref"), selectors.ToImmutable()));
        }

        return builder.ToImmutable();
    }
}
