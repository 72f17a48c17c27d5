namespace Detente.Stix.Json;

/// <summary>The kind of a <see cref="JsonValue"/>.</summary>
public enum JsonKind
{
    /// <summary>A JSON object.</summary>
    Object,
    /// <summary>A JSON array.</summary>
    Array,
    /// <summary>A JSON string.</summary>
    String,
    /// <summary>A JSON number.</summary>
    Number,
    /// <summary>The literal <c>true</c>.</summary>
    True,
    /// <summary>The literal <c>false</c>.</summary>
    False,
    /// <summary>The literal <c>null</c>.</summary>
    Null,
}

/// <summary>An immutable JSON value as read by <see cref="Detente.Stix.StixReader"/>.</summary>
/// <remarks>
/// Numbers are held as IEEE 754 doubles, which is what RFC 8785 (JCS) canonicalizes; the reader refuses
/// integers that a double cannot hold exactly (beyond ±2^53), so nothing is silently rounded.
/// </remarks>
public abstract class JsonValue : IEquatable<JsonValue>
{
    private protected JsonValue()
    {
    }

    /// <summary>The literal <c>true</c>.</summary>
    public static JsonValue True { get; } = new JsonLiteral(JsonKind.True);

    /// <summary>The literal <c>false</c>.</summary>
    public static JsonValue False { get; } = new JsonLiteral(JsonKind.False);

    /// <summary>The literal <c>null</c>.</summary>
    public static JsonValue Null { get; } = new JsonLiteral(JsonKind.Null);

    /// <summary>The kind of this value.</summary>
    public abstract JsonKind Kind { get; }

    /// <summary>Returns <see cref="True"/> or <see cref="False"/>.</summary>
    public static JsonValue FromBoolean(bool value) => value ? True : False;

    /// <summary>Compares two values structurally; object member order does not matter.</summary>
    public abstract bool Equals(JsonValue? other);

    /// <inheritdoc/>
    public sealed override bool Equals(object? obj) => obj is JsonValue other && Equals(other);

    /// <inheritdoc/>
    public abstract override int GetHashCode();

    /// <summary>The RFC 8785 canonical form of this value.</summary>
    public override string ToString() => System.Text.Encoding.UTF8.GetString(JsonCanonicalizer.Canonicalize(this));

    /// <summary>Implicitly wraps a string.</summary>
    public static implicit operator JsonValue(string value) => new JsonString(value);

    /// <summary>Implicitly wraps a number.</summary>
    public static implicit operator JsonValue(double value) => new JsonNumber(value);

    /// <summary>Implicitly wraps a Boolean.</summary>
    public static implicit operator JsonValue(bool value) => FromBoolean(value);
}

/// <summary>The literals <c>true</c>, <c>false</c> and <c>null</c>.</summary>
internal sealed class JsonLiteral(JsonKind kind) : JsonValue
{
    public override JsonKind Kind { get; } = kind;

    public override bool Equals(JsonValue? other) => other is not null && other.Kind == Kind;

    public override int GetHashCode() => (int)Kind;
}

/// <summary>An immutable JSON string.</summary>
public sealed class JsonString : JsonValue
{
    /// <summary>Wraps <paramref name="value"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is null.</exception>
    public JsonString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        Value = value;
    }

    /// <summary>The string's value.</summary>
    public string Value { get; }

    /// <inheritdoc/>
    public override JsonKind Kind => JsonKind.String;

    /// <inheritdoc/>
    public override bool Equals(JsonValue? other) => other is JsonString s && string.Equals(s.Value, Value, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Value);
}

/// <summary>An immutable JSON number.</summary>
public sealed class JsonNumber : JsonValue
{
    /// <summary>
    /// The largest safe integer magnitude, 2^53 − 1 (I-JSON, RFC 7493 §2.2; ECMAScript's Number.MAX_SAFE_INTEGER):
    /// every integer up to it has its own double, so none is silently rounded; larger integers are refused.
    /// </summary>
    public const long MaxSafeInteger = 9_007_199_254_740_991;

    /// <summary>Wraps a finite <paramref name="value"/> that has an exact JSON form.</summary>
    /// <remarks>
    /// Refused: NaN, the infinities, and integers beyond ±(2^53 − 1) below 10^21 — RFC 8785 writes those as plain integer
    /// literals, which the reader refuses as not exactly representable; so every <see cref="JsonNumber"/> reads back.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="value"/> is not finite or is such an integer.</exception>
    public JsonNumber(double value)
    {
        if (!HasExactForm(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, double.IsFinite(value)
                ? "An integer beyond ±(2^53 − 1) has no exact JSON form."
                : "JSON numbers are finite.");
        }

        // -0 and 0 are the same JSON number (RFC 8785 §3.2.2.3 serializes both as 0).
        Value = value == 0 ? 0 : value;
    }

    /// <summary>The number's value.</summary>
    public double Value { get; }

    /// <summary>True when <paramref name="value"/> can be a <see cref="JsonNumber"/> (see the constructor).</summary>
    public static bool HasExactForm(double value) =>
        double.IsFinite(value) && !(Math.Abs(value) > MaxSafeInteger && Math.Abs(value) < 1e21 && Math.Floor(value) == value);

    /// <inheritdoc/>
    public override JsonKind Kind => JsonKind.Number;

    /// <summary>True when the value is an integer a double holds exactly.</summary>
    public bool IsSafeInteger => Math.Floor(Value) == Value && Math.Abs(Value) <= MaxSafeInteger;

    /// <summary>Gets the value as an integer when it is one.</summary>
    public bool TryGetInt64(out long value)
    {
        if (IsSafeInteger)
        {
            value = (long)Value;
            return true;
        }

        value = 0;
        return false;
    }

    /// <inheritdoc/>
    public override bool Equals(JsonValue? other) => other is JsonNumber n && n.Value.Equals(Value);

    /// <inheritdoc/>
    public override int GetHashCode() => Value.GetHashCode();
}
