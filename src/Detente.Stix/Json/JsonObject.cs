using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace Detente.Stix.Json;

/// <summary>An immutable JSON object whose member names are unique; members keep the order they were read in.</summary>
/// <remarks>Lookups scan the members for small objects and use a hash table, built once, for larger ones.</remarks>
public sealed class JsonObject : JsonValue, IReadOnlyList<KeyValuePair<string, JsonValue>>
{
    private const int ScanLimit = 12;

    private readonly KeyValuePair<string, JsonValue>[] _members;
    private Dictionary<string, int>? _index;

    /// <summary>An object with no members.</summary>
    public static JsonObject Empty { get; } = new([]);

    private JsonObject(KeyValuePair<string, JsonValue>[] members)
    {
        _members = members;
    }

    /// <summary>Creates an object from members with unique names.</summary>
    /// <exception cref="ArgumentException">Two members have the same name, or a value is null.</exception>
    public static JsonObject Create(IEnumerable<KeyValuePair<string, JsonValue>> members)
    {
        ArgumentNullException.ThrowIfNull(members);
        KeyValuePair<string, JsonValue>[] array = members.ToArray();
        HashSet<string>? seen = array.Length > ScanLimit ? new HashSet<string>(array.Length, StringComparer.Ordinal) : null;
        for (int i = 0; i < array.Length; i++)
        {
            KeyValuePair<string, JsonValue> member = array[i];
            ArgumentNullException.ThrowIfNull(member.Key);
            if (member.Value is null)
            {
                throw new ArgumentException($"Member '{member.Key}' has a null value; use JsonValue.Null.", nameof(members));
            }

            if (seen is null ? IndexOf(array, i, member.Key) >= 0 : !seen.Add(member.Key))
            {
                throw new ArgumentException($"Duplicate member name '{member.Key}'.", nameof(members));
            }
        }

        return new JsonObject(array);
    }

    /// <summary>Creates an object from (name, value) pairs with unique names.</summary>
    /// <exception cref="ArgumentException">Two members have the same name.</exception>
    public static JsonObject Create(params ReadOnlySpan<(string Name, JsonValue Value)> members)
    {
        var list = new KeyValuePair<string, JsonValue>[members.Length];
        for (int i = 0; i < members.Length; i++)
        {
            list[i] = new KeyValuePair<string, JsonValue>(members[i].Name, members[i].Value);
        }

        return Create(list);
    }

    /// <summary>Wraps members the reader has already checked for unique names.</summary>
    internal static JsonObject CreateTrusted(KeyValuePair<string, JsonValue>[] members) => new(members);

    /// <inheritdoc/>
    public override JsonKind Kind => JsonKind.Object;

    /// <summary>The number of members.</summary>
    public int Count => _members.Length;

    /// <summary>The member at <paramref name="index"/>, in reading order.</summary>
    public KeyValuePair<string, JsonValue> this[int index] => _members[index];

    /// <summary>The value of the member named <paramref name="name"/>, or null when there is none.</summary>
    public JsonValue? this[string name] => TryGetValue(name, out JsonValue? value) ? value : null;

    /// <summary>The member names, in reading order.</summary>
    public IEnumerable<string> Names => _members.Select(static m => m.Key);

    /// <summary>True when a member named <paramref name="name"/> exists.</summary>
    public bool ContainsKey(string name) => IndexOf(name) >= 0;

    /// <summary>Looks a member up by name.</summary>
    public bool TryGetValue(string name, [MaybeNullWhen(false)] out JsonValue value)
    {
        int i = IndexOf(name);
        if (i < 0)
        {
            value = null;
            return false;
        }

        value = _members[i].Value;
        return true;
    }

    /// <summary>The string value of a member, or null when it is absent or not a string.</summary>
    public string? GetString(string name) => this[name] is JsonString s ? s.Value : null;

    /// <summary>Returns a copy with the member set: replaced in place if present, appended otherwise.</summary>
    public JsonObject With(string name, JsonValue value)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        int i = IndexOf(name);
        KeyValuePair<string, JsonValue>[] copy;
        if (i >= 0)
        {
            copy = (KeyValuePair<string, JsonValue>[])_members.Clone();
            copy[i] = new KeyValuePair<string, JsonValue>(name, value);
        }
        else
        {
            copy = new KeyValuePair<string, JsonValue>[_members.Length + 1];
            _members.CopyTo(copy, 0);
            copy[^1] = new KeyValuePair<string, JsonValue>(name, value);
        }

        return new JsonObject(copy);
    }

    /// <summary>Returns a copy without the member named <paramref name="name"/> (this object if there is none).</summary>
    public JsonObject Without(string name)
    {
        int i = IndexOf(name);
        if (i < 0)
        {
            return this;
        }

        var copy = new KeyValuePair<string, JsonValue>[_members.Length - 1];
        Array.Copy(_members, 0, copy, 0, i);
        Array.Copy(_members, i + 1, copy, i, _members.Length - i - 1);
        return new JsonObject(copy);
    }

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, JsonValue>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, JsonValue>>)_members).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _members.GetEnumerator();

    /// <inheritdoc/>
    public override bool Equals(JsonValue? other)
    {
        if (ReferenceEquals(this, other))
        {
            return true;
        }

        if (other is not JsonObject o || o.Count != Count)
        {
            return false;
        }

        foreach (KeyValuePair<string, JsonValue> member in _members)
        {
            if (!o.TryGetValue(member.Key, out JsonValue? value) || !member.Value.Equals(value))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        // Order-independent: XOR of member hashes.
        int hash = Count;
        foreach (KeyValuePair<string, JsonValue> member in _members)
        {
            hash ^= HashCode.Combine(StringComparer.Ordinal.GetHashCode(member.Key), member.Value.GetHashCode());
        }

        return hash;
    }

    /// <summary>The index of <paramref name="name"/> among the first <paramref name="count"/> members, or -1.</summary>
    private static int IndexOf(KeyValuePair<string, JsonValue>[] members, int count, string name)
    {
        for (int i = 0; i < count; i++)
        {
            if (string.Equals(members[i].Key, name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    private int IndexOf(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (_members.Length <= ScanLimit)
        {
            return IndexOf(_members, _members.Length, name);
        }

        Dictionary<string, int> index = _index ??= BuildIndex();
        return index.TryGetValue(name, out int found) ? found : -1;
    }

    private Dictionary<string, int> BuildIndex()
    {
        var index = new Dictionary<string, int>(_members.Length, StringComparer.Ordinal);
        for (int i = 0; i < _members.Length; i++)
        {
            index.Add(_members[i].Key, i);
        }

        return index;
    }
}
