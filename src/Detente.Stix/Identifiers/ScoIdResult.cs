using System.Diagnostics.CodeAnalysis;

namespace Detente.Stix.Identifiers;

/// <summary>What <see cref="ScoIds.Compute"/> found.</summary>
public enum ScoIdStatus
{
    /// <summary>The deterministic (UUIDv5) identifier was computed.</summary>
    Computed,

    /// <summary>
    /// The type is a known SCO but none of its ID contributing properties is present (or it has none, as
    /// <c>process</c>): STIX 2.1 §2.9 says the producer uses a random UUIDv4, so there is no identifier to compute.
    /// </summary>
    NoContributingProperties,

    /// <summary>The object's type is not an SCO type whose ID contributing properties are known (an SDO, SRO, or custom SCO).</summary>
    UnknownType,

    /// <summary>An ID contributing property has a value the reference producer refuses (see <see cref="ScoIdResult.Property"/>).</summary>
    InvalidContributingProperty,
}

/// <summary>The outcome of computing an SCO's deterministic identifier.</summary>
/// <remarks>Exactly one holds: <see cref="Status"/> is <see cref="ScoIdStatus.Computed"/> and <see cref="Id"/> is set, or it is not and <see cref="Message"/> says why.</remarks>
public readonly record struct ScoIdResult
{
    private ScoIdResult(ScoIdStatus status, StixId? id, string? property, string? message)
    {
        Status = status;
        Id = id;
        Property = property;
        Message = message;
    }

    /// <summary>What was found.</summary>
    public ScoIdStatus Status { get; }

    /// <summary>The identifier, when <see cref="Status"/> is <see cref="ScoIdStatus.Computed"/>.</summary>
    public StixId? Id { get; }

    /// <summary>The offending property, when <see cref="Status"/> is <see cref="ScoIdStatus.InvalidContributingProperty"/>.</summary>
    public string? Property { get; }

    /// <summary>Why no identifier was computed; null when one was.</summary>
    public string? Message { get; }

    /// <summary>True when <see cref="Id"/> is set.</summary>
    [MemberNotNullWhen(true, nameof(Id))]
    public bool IsComputed => Status == ScoIdStatus.Computed;

    internal static ScoIdResult Computed(StixId id) => new(ScoIdStatus.Computed, id, null, null);

    internal static ScoIdResult NoContributingProperties(string type) =>
        new(ScoIdStatus.NoContributingProperties, null, null, $"'{type}' has none of its ID contributing properties; STIX 2.1 §2.9 calls for a random UUIDv4.");

    internal static ScoIdResult UnknownType(string? type) =>
        new(ScoIdStatus.UnknownType, null, null, type is null ? "The object has no string 'type'." : $"'{type}' is not an SCO type with known ID contributing properties.");

    internal static ScoIdResult Invalid(string? property, string message) =>
        new(ScoIdStatus.InvalidContributingProperty, null, property, message);
}
