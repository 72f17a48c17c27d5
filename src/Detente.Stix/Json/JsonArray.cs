using System.Collections;

namespace Detente.Stix.Json;

/// <summary>An immutable JSON array.</summary>
public sealed class JsonArray : JsonValue, IReadOnlyList<JsonValue>
{
    private readonly JsonValue[] _items;

    /// <summary>An array with no items.</summary>
    public static JsonArray Empty { get; } = new([]);

    private JsonArray(JsonValue[] items)
    {
        _items = items;
    }

    /// <summary>Creates an array of <paramref name="items"/>.</summary>
    /// <exception cref="ArgumentException">An item is null.</exception>
    public static JsonArray Create(IEnumerable<JsonValue> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        JsonValue[] array = items.ToArray();
        if (Array.IndexOf(array, null) >= 0)
        {
            throw new ArgumentException("Array items must not be null; use JsonValue.Null.", nameof(items));
        }

        return new JsonArray(array);
    }

    /// <summary>Creates an array of <paramref name="items"/>.</summary>
    /// <exception cref="ArgumentException">An item is null.</exception>
    public static JsonArray Create(params ReadOnlySpan<JsonValue> items) =>
        // The cast matters: an array argument binds to this span overload again (C# 14 first-class spans).
        Create((IEnumerable<JsonValue>)items.ToArray());

    /// <summary>Wraps items the reader produced.</summary>
    internal static JsonArray CreateTrusted(JsonValue[] items) => new(items);

    /// <inheritdoc/>
    public override JsonKind Kind => JsonKind.Array;

    /// <summary>The number of items.</summary>
    public int Count => _items.Length;

    /// <summary>The item at <paramref name="index"/>.</summary>
    public JsonValue this[int index] => _items[index];

    /// <inheritdoc/>
    public IEnumerator<JsonValue> GetEnumerator() => ((IEnumerable<JsonValue>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _items.GetEnumerator();

    /// <inheritdoc/>
    public override bool Equals(JsonValue? other)
    {
        if (ReferenceEquals(this, other))
        {
            return true;
        }

        if (other is not JsonArray a || a.Count != Count)
        {
            return false;
        }

        for (int i = 0; i < _items.Length; i++)
        {
            if (!_items[i].Equals(a._items[i]))
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
        foreach (JsonValue item in _items)
        {
            hash.Add(item);
        }

        return hash.ToHashCode();
    }
}
