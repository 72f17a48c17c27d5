using Detente.Stix;

namespace Detente.Patterns.Telemetry;

/// <summary>How values of a field are normalized before they are compared or indexed.</summary>
public enum ValueNormalization
{
    /// <summary>None: values compare exactly (code point for code point), as STIX compares strings.</summary>
    Exact,

    /// <summary>A hash value made only of hex digits is lower-cased (it names bytes, whatever its case); any other value is exact.</summary>
    HexHash,
}

/// <summary>
/// Interns (object type, property path) pairs as <see cref="FieldKey"/>s: the same pair always gets the same key from
/// one table. The compiled matcher and the telemetry readers share one table, so that a key a reader reports names the
/// index the matcher keeps for it. Thread-safe.
/// </summary>
/// <remarks>
/// The contract between the compile step and the readers (see <c>Telemetry/README.md</c>):
/// <list type="bullet">
/// <item>Intern a comparison's object path with <see cref="Intern(string, PropertyPath)"/>: paths equal as
/// <see cref="PropertyPath"/> values get one key, however they were quoted.</item>
/// <item>Normalize a constant with <see cref="NormalizeValue(FieldKey, string)"/> before indexing it; the readers report
/// values already normalized the same way.</item>
/// </list>
/// </remarks>
public sealed class FieldKeyTable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Type, PropertyPath Path), FieldKey> _keys = [];
    private readonly List<(string Type, PropertyPath Path, ValueNormalization Normalization)> _byId = [];

    /// <summary>The number of keys interned.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _byId.Count;
            }
        }
    }

    /// <summary>The key of <paramref name="objectType"/>:<paramref name="path"/>, interning the pair if it is new.</summary>
    /// <exception cref="ArgumentException"><paramref name="objectType"/> is not a valid STIX type name.</exception>
    public FieldKey Intern(string objectType, PropertyPath path)
    {
        ArgumentNullException.ThrowIfNull(objectType);
        ArgumentNullException.ThrowIfNull(path);
        if (!StixType.IsValidTypeName(objectType))
        {
            throw new ArgumentException($"'{objectType}' is not a valid STIX type name.", nameof(objectType));
        }

        lock (_lock)
        {
            if (_keys.TryGetValue((objectType, path), out FieldKey key))
            {
                return key;
            }

            key = new FieldKey(_byId.Count);
            _keys.Add((objectType, path), key);
            _byId.Add((objectType, path, NormalizationOf(path)));
            return key;
        }
    }

    /// <summary>The key of an object path written <c>type:path</c>, e.g. <c>file:hashes.'SHA-256'</c>, interning it if it is new.</summary>
    /// <exception cref="FormatException">The text is not <c>type:path</c>.</exception>
    /// <exception cref="ArgumentException">The type is not a valid STIX type name.</exception>
    public FieldKey Intern(string objectPath)
    {
        ArgumentNullException.ThrowIfNull(objectPath);
        int colon = objectPath.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || !PropertyPath.TryParse(objectPath[(colon + 1)..], out PropertyPath? path))
        {
            throw new FormatException($"'{objectPath}' is not an object path (type:property).");
        }

        return Intern(objectPath[..colon], path);
    }

    /// <summary>Finds the key of a pair without interning it.</summary>
    public bool TryGet(string objectType, PropertyPath path, out FieldKey key)
    {
        ArgumentNullException.ThrowIfNull(objectType);
        ArgumentNullException.ThrowIfNull(path);
        lock (_lock)
        {
            return _keys.TryGetValue((objectType, path), out key);
        }
    }

    /// <summary>The object type of <paramref name="key"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The table did not hand out <paramref name="key"/>.</exception>
    public string ObjectType(FieldKey key) => Get(key).Type;

    /// <summary>The property path of <paramref name="key"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The table did not hand out <paramref name="key"/>.</exception>
    public PropertyPath Path(FieldKey key) => Get(key).Path;

    /// <summary>How values of <paramref name="key"/> are normalized: <see cref="ValueNormalization.HexHash"/> for a hash value (a path ending in <c>hashes.KEY</c>), otherwise exact.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The table did not hand out <paramref name="key"/>.</exception>
    public ValueNormalization Normalization(FieldKey key) => Get(key).Normalization;

    /// <summary>The object path of <paramref name="key"/>, <c>type:path</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The table did not hand out <paramref name="key"/>.</exception>
    public string ToString(FieldKey key)
    {
        (string type, PropertyPath path, _) = Get(key);
        return $"{type}:{path}";
    }

    /// <summary>A constant normalized for <paramref name="key"/> (see <see cref="ValueNormalization"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The table did not hand out <paramref name="key"/>.</exception>
    public string NormalizeValue(FieldKey key, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Normalization(key) == ValueNormalization.HexHash ? FieldValues.NormalizeHash(value) : value;
    }

    /// <summary><see cref="ValueNormalization.HexHash"/> for a path whose last step is a key of a <c>hashes</c> dictionary.</summary>
    public static ValueNormalization NormalizationOf(PropertyPath path)
    {
        ArgumentNullException.ThrowIfNull(path);
        IReadOnlyList<PathStep> steps = path.Steps;
        return steps.Count >= 2 && steps[^1].Kind == PathStepKind.Property
            && steps[^2] is { Kind: PathStepKind.Property, Name: "hashes" }
            ? ValueNormalization.HexHash
            : ValueNormalization.Exact;
    }

    private (string Type, PropertyPath Path, ValueNormalization Normalization) Get(FieldKey key)
    {
        lock (_lock)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(key.Id, nameof(key));
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(key.Id, _byId.Count, nameof(key));
            return _byId[key.Id];
        }
    }
}
