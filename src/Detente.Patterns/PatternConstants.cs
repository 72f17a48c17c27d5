using System.Collections.Immutable;
using Detente.Stix;

namespace Detente.Patterns;

/// <summary>A constant in a comparison expression (STIX 2.1 §9.2).</summary>
/// <remarks>
/// One of <see cref="StringConstant"/>, <see cref="IntegerConstant"/>, <see cref="FloatConstant"/>,
/// <see cref="BooleanConstant"/>, <see cref="TimestampConstant"/>, <see cref="BinaryConstant"/> or
/// <see cref="SetConstant"/> (the right side of <c>IN</c>).
/// </remarks>
public abstract class PatternConstant : PatternNode
{
    private protected PatternConstant()
    {
    }
}

/// <summary>A string constant: <c>'…'</c>, in which <c>\'</c> and <c>\\</c> are the only escapes.</summary>
public sealed class StringConstant : PatternConstant
{
    /// <summary>Creates the constant.</summary>
    /// <param name="value">The string, unescaped; any Unicode text.</param>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is null.</exception>
    public StringConstant(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        Value = value;
    }

    /// <summary>The string, unescaped.</summary>
    public string Value { get; }

    /// <inheritdoc/>
    public override bool Equals(PatternNode? other) =>
        ReferenceEquals(this, other) || (other is StringConstant o && string.Equals(Value, o.Value, StringComparison.Ordinal));

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(11, StringComparer.Ordinal.GetHashCode(Value));
}

/// <summary>An integer constant: <c>-42</c>, within the STIX integer range ±(2^53 − 1) (§2.10).</summary>
public sealed class IntegerConstant : PatternConstant
{
    /// <summary>The largest integer STIX allows, 2^53 − 1; the smallest is its negation (STIX 2.1 §2.10).</summary>
    public const long MaxValue = (1L << 53) - 1;

    /// <summary>Creates the constant.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="value"/> is outside ±(2^53 − 1).</exception>
    public IntegerConstant(long value)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(value, MaxValue);
        ArgumentOutOfRangeException.ThrowIfLessThan(value, -MaxValue);
        Value = value;
    }

    /// <summary>The value.</summary>
    public long Value { get; }

    /// <inheritdoc/>
    public override bool Equals(PatternNode? other) => ReferenceEquals(this, other) || (other is IntegerConstant o && Value == o.Value);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(12, Value);
}

/// <summary>A floating-point constant: <c>7.0</c>, <c>-.5</c> (always written with a decimal point, never an exponent).</summary>
public sealed class FloatConstant : PatternConstant
{
    /// <summary>Creates the constant.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="value"/> is NaN or infinite.</exception>
    public FloatConstant(double value)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), "A float constant is finite.");
        }

        Value = value;
    }

    /// <summary>The value (the nearest double to the decimal written).</summary>
    public double Value { get; }

    /// <summary>Equal when the values are the same double, bit for bit: 0.0 and -0.0 differ, as their texts do.</summary>
    public override bool Equals(PatternNode? other) =>
        ReferenceEquals(this, other) || (other is FloatConstant o && BitConverter.DoubleToInt64Bits(Value) == BitConverter.DoubleToInt64Bits(o.Value));

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(13, BitConverter.DoubleToInt64Bits(Value));
}

/// <summary>A Boolean constant: <c>true</c> or <c>false</c>.</summary>
public sealed class BooleanConstant : PatternConstant
{
    /// <summary>Creates the constant.</summary>
    public BooleanConstant(bool value)
    {
        Value = value;
    }

    /// <summary>The value.</summary>
    public bool Value { get; }

    /// <inheritdoc/>
    public override bool Equals(PatternNode? other) => ReferenceEquals(this, other) || (other is BooleanConstant o && Value == o.Value);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(14, Value);
}

/// <summary>A timestamp constant: <c>t'2014-01-13T07:03:17Z'</c>, a STIX timestamp (§2.16).</summary>
public sealed class TimestampConstant : PatternConstant
{
    /// <summary>Creates the constant.</summary>
    /// <exception cref="ArgumentException"><paramref name="value"/> is <c>default(StixTimestamp)</c>, which has no text.</exception>
    public TimestampConstant(StixTimestamp value)
    {
        NodeChecks.Timestamp(value, nameof(value));
        Value = value;
    }

    /// <summary>The timestamp, with its precision as written (compare instants with <see cref="StixTimestamp"/>'s operators).</summary>
    public StixTimestamp Value { get; }

    /// <summary>Equal when written the same: <c>t'…00Z'</c> and <c>t'…00.000Z'</c> are the same instant but different
    /// constants, so that equal trees always print the same text.</summary>
    public override bool Equals(PatternNode? other) =>
        ReferenceEquals(this, other) || (other is TimestampConstant o && string.Equals(Value.ToString(), o.Value.ToString(), StringComparison.Ordinal));

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(15, StringComparer.Ordinal.GetHashCode(Value.ToString()));
}

/// <summary>How a <see cref="BinaryConstant"/> is written.</summary>
public enum BinaryEncoding
{
    /// <summary><c>b'…'</c>: RFC 4648 base64 with padding.</summary>
    Base64,

    /// <summary><c>h'…'</c>: two hexadecimal digits per octet.</summary>
    Hex,
}

/// <summary>A binary constant: octets written as <c>b'ABI='</c> (base64) or <c>h'0012'</c> (hex).</summary>
public sealed class BinaryConstant : PatternConstant
{
    /// <summary>Creates the constant.</summary>
    /// <param name="value">The octets.</param>
    /// <param name="encoding">How the constant is written; it is part of equality, since the text differs.</param>
    /// <exception cref="ArgumentException"><paramref name="value"/> is default, or empty with <see cref="BinaryEncoding.Base64"/> (the grammar has no empty <c>b''</c>).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="encoding"/> is not defined.</exception>
    public BinaryConstant(ImmutableArray<byte> value, BinaryEncoding encoding)
    {
        if (value.IsDefault)
        {
            throw new ArgumentException("The octets are missing (default ImmutableArray).", nameof(value));
        }

        if (!Enum.IsDefined(encoding))
        {
            throw new ArgumentOutOfRangeException(nameof(encoding));
        }

        if (value.IsEmpty && encoding == BinaryEncoding.Base64)
        {
            throw new ArgumentException("The grammar has no empty base64 constant; write no octets as h''.", nameof(value));
        }

        Value = value;
        Encoding = encoding;
    }

    /// <summary>The octets.</summary>
    public ImmutableArray<byte> Value { get; }

    /// <summary>Whether the constant is written <c>b'…'</c> or <c>h'…'</c>.</summary>
    public BinaryEncoding Encoding { get; }

    /// <inheritdoc/>
    public override bool Equals(PatternNode? other) =>
        ReferenceEquals(this, other) || (other is BinaryConstant o && Encoding == o.Encoding && Value.AsSpan().SequenceEqual(o.Value.AsSpan()));

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(16);
        hash.Add(Encoding);
        hash.AddBytes(Value.AsSpan());
        return hash.ToHashCode();
    }
}

/// <summary>A set of constants, the right side of <c>IN</c>: <c>('a', 'b')</c>, or <c>()</c>.</summary>
public sealed class SetConstant : PatternConstant
{
    /// <summary>Creates the set.</summary>
    /// <param name="items">The items, in written order; none is a set. The grammar allows an empty set and items of different kinds; the validator reports both.</param>
    /// <exception cref="ArgumentNullException">An item is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="items"/> is default, or an item is a <see cref="SetConstant"/>.</exception>
    public SetConstant(params ImmutableArray<PatternConstant> items)
    {
        if (items.IsDefault)
        {
            throw new ArgumentException("The items are missing (default ImmutableArray).", nameof(items));
        }

        foreach (PatternConstant item in items)
        {
            ArgumentNullException.ThrowIfNull(item, nameof(items));
            if (item is SetConstant)
            {
                throw new ArgumentException("A set does not hold sets.", nameof(items));
            }
        }

        Items = items;
    }

    /// <summary>The items, in written order.</summary>
    public ImmutableArray<PatternConstant> Items { get; }

    /// <inheritdoc/>
    public override bool Equals(PatternNode? other) =>
        ReferenceEquals(this, other) || (other is SetConstant o && NodeChecks.SequenceEqual(Items, o.Items));

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(17, NodeChecks.SequenceHash(Items));
}
