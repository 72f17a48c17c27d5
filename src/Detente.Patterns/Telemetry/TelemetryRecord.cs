using Detente.Patterns.Observations;

namespace Detente.Patterns.Telemetry;

/// <summary>Input that could not be used: a malformed line, a document that is not STIX, an observed-data without valid times.</summary>
/// <param name="Position">Where it was found.</param>
/// <param name="Message">What is wrong, in a sentence that never quotes the input's content.</param>
public sealed record TelemetryError(SourcePosition Position, string Message)
{
    /// <summary>The position and the message.</summary>
    public override string ToString() => Position == default ? Message : $"{Position}: {Message}";
}

/// <summary>One result of reading telemetry: an observation, or an error for input that was skipped.</summary>
/// <remarks>Exactly one of <see cref="Observation"/> or <see cref="Error"/> is set.</remarks>
/// <param name="Observation">The observation read.</param>
/// <param name="Error">Why some input was skipped.</param>
public readonly record struct TelemetryRecord(Observation? Observation, TelemetryError? Error)
{
    /// <summary>A record holding an observation.</summary>
    public static TelemetryRecord Of(Observation observation) => new(observation, null);

    /// <summary>A record holding an error.</summary>
    public static TelemetryRecord Failed(SourcePosition position, string message) => new(null, new TelemetryError(position, message));
}
