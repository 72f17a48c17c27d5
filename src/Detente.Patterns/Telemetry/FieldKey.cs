namespace Detente.Patterns.Telemetry;

/// <summary>
/// A small integer naming an (object type, property path) pair such as <c>ipv4-addr:value</c> or
/// <c>file:hashes.'SHA-256'</c>, handed out by a <see cref="FieldKeyTable"/>: indexes are kept per key, and the
/// telemetry readers report each value with its key.
/// </summary>
/// <param name="Id">The number: 0, 1, 2, … in the order the table interned the pairs.</param>
public readonly record struct FieldKey(int Id);
