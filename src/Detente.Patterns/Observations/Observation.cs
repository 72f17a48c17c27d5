using System.Diagnostics.CodeAnalysis;
using Detente.Stix;
using Detente.Stix.Json;
using Detente.Stix.Schema;

namespace Detente.Patterns.Observations;

/// <summary>How the objects of an <see cref="Observation"/> were given.</summary>
public enum ObservationForm
{
    /// <summary>STIX 2.1: <c>object_refs</c> names SCOs that travel beside the observed-data; keys are SCO ids.</summary>
    Referenced,

    /// <summary>STIX 2.0 (or the deprecated 2.1 property): the <c>objects</c> dictionary; keys are its member names.</summary>
    Embedded,

    /// <summary>Built from a flat log line by a telemetry mapping; keys are SCO ids.</summary>
    Flat,
}

/// <summary>
/// One observed-data as the pattern evaluator sees it: when (<see cref="FirstObserved"/>, <see cref="LastObserved"/>),
/// how many times (<see cref="NumberObserved"/>), and the cyber-observable objects, each reachable by the key the
/// observation's references use. Immutable.
/// </summary>
/// <remarks>
/// <para>STIX 2.1 §4.14 (observed-data) and §9 (patterning): a comparison expression is evaluated against the objects
/// of one observation; object paths follow <c>*_ref</c> and <c>*_refs</c> properties to other objects of the same
/// observation. <see cref="Resolve"/> answers such a reference; <see cref="OfType"/> lists the objects a comparison on
/// a type looks at.</para>
/// <para><see cref="Objects"/> holds the objects the observed-data names (<see cref="ObservedObject.IsListed"/>) and,
/// for STIX 2.1, the SCOs those reference, transitively (so that STIX 2.1 and 2.0 content give the same objects: in
/// 2.0 every referenced object sits in the <c>objects</c> dictionary). References that cannot be resolved are listed in
/// <see cref="UnresolvedRefs"/>; a path through one finds no value.</para>
/// </remarks>
public sealed class Observation
{
    /// <summary>The largest <c>number_observed</c> STIX allows (STIX 2.1 §4.14).</summary>
    public const long MaxNumberObserved = 999_999_999;

    private static readonly string[] s_notObservableRefs = ["object_marking_refs", "created_by_ref", "marking_ref"];

    private readonly Dictionary<string, ObservedObject> _byKey;
    private readonly Dictionary<string, ObservedObject[]> _byType;

    private Observation(
        string? id,
        StixObject? source,
        ObservationForm form,
        StixTimestamp firstObserved,
        StixTimestamp lastObserved,
        long numberObserved,
        ObservedObject[] objects,
        string[] unresolvedRefs,
        SourcePosition position)
    {
        Id = id;
        Source = source;
        Form = form;
        FirstObserved = firstObserved;
        LastObserved = lastObserved;
        NumberObserved = numberObserved;
        Objects = objects;
        UnresolvedRefs = unresolvedRefs;
        Position = position;
        _byKey = new Dictionary<string, ObservedObject>(objects.Length, StringComparer.Ordinal);
        foreach (ObservedObject o in objects)
        {
            _byKey.Add(o.Key, o);
        }

        _byType = objects.GroupBy(static o => o.Type, StringComparer.Ordinal)
            .ToDictionary(static g => g.Key, static g => g.ToArray(), StringComparer.Ordinal);
    }

    /// <summary>The observed-data's <c>id</c>; null when the observation was not given as a STIX object (a log line).</summary>
    public string? Id { get; }

    /// <summary>The observed-data object itself; null for a log line.</summary>
    public StixObject? Source { get; }

    /// <summary>How the objects were given.</summary>
    public ObservationForm Form { get; }

    /// <summary>The <c>first_observed</c> time.</summary>
    public StixTimestamp FirstObserved { get; }

    /// <summary>The <c>last_observed</c> time; never before <see cref="FirstObserved"/>.</summary>
    public StixTimestamp LastObserved { get; }

    /// <summary>The <c>number_observed</c> count, 1 to <see cref="MaxNumberObserved"/>.</summary>
    public long NumberObserved { get; }

    /// <summary>The cyber-observable objects, listed ones first in the order given, then those reached through references.</summary>
    public IReadOnlyList<ObservedObject> Objects { get; }

    /// <summary>References (in <c>object_refs</c> or in the objects) that name no object available to the observation.</summary>
    public IReadOnlyList<string> UnresolvedRefs { get; }

    /// <summary>Where the observation came from.</summary>
    public SourcePosition Position { get; }

    /// <summary>The object a reference names (an id, or a 2.0 dictionary key), or null when the observation has none.</summary>
    public ObservedObject? Resolve(string reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        return _byKey.GetValueOrDefault(reference);
    }

    /// <summary>The objects of <paramref name="type"/>, in <see cref="Objects"/> order (empty when there are none).</summary>
    public IReadOnlyList<ObservedObject> OfType(string type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return _byType.TryGetValue(type, out ObservedObject[]? objects) ? objects : [];
    }

    /// <summary>Creates an observation from its parts (for log lines, tests and callers that assemble observations themselves).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="numberObserved"/> is not between 1 and <see cref="MaxNumberObserved"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="lastObserved"/> is before <paramref name="firstObserved"/>, or two objects have the same key.</exception>
    public static Observation Create(
        StixTimestamp firstObserved,
        StixTimestamp lastObserved,
        long numberObserved,
        IEnumerable<ObservedObject> objects,
        ObservationForm form = ObservationForm.Flat,
        string? id = null,
        SourcePosition position = default,
        IEnumerable<string>? unresolvedRefs = null)
    {
        ArgumentNullException.ThrowIfNull(objects);
        ArgumentOutOfRangeException.ThrowIfLessThan(numberObserved, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(numberObserved, MaxNumberObserved);
        if (lastObserved < firstObserved)
        {
            throw new ArgumentException("last_observed must not be before first_observed.", nameof(lastObserved));
        }

        ObservedObject[] list = objects.ToArray();
        if (list.Select(static o => o.Key).Distinct(StringComparer.Ordinal).Count() != list.Length)
        {
            throw new ArgumentException("Two observed objects have the same key.", nameof(objects));
        }

        return new Observation(id, null, form, firstObserved, lastObserved, numberObserved, list, unresolvedRefs?.ToArray() ?? [], position);
    }

    /// <summary>
    /// Reads an observed-data object: its times and count, and its objects, either embedded (<c>objects</c>, STIX 2.0
    /// and deprecated 2.1) or referenced (<c>object_refs</c>, STIX 2.1) and resolved with <paramref name="objectsById"/>.
    /// </summary>
    /// <param name="observedData">The observed-data object.</param>
    /// <param name="objectsById">The objects available to resolve references: those of the same bundle or stream.</param>
    /// <param name="position">Where the observed-data came from.</param>
    /// <param name="observation">The observation, or null.</param>
    /// <param name="error">Why the object is not a usable observed-data, or null.</param>
    /// <returns>False, with <paramref name="error"/>, when the object is not an observed-data with valid times, count and objects.</returns>
    /// <remarks>
    /// <para>Unresolvable references do not make the observed-data unusable: they are listed in
    /// <see cref="UnresolvedRefs"/>. References to objects that are not cyber-observables (a relationship named in
    /// <c>object_refs</c>, a marking) are left out silently.</para>
    /// <para>When both <c>objects</c> and <c>object_refs</c> are present (not valid STIX), <c>object_refs</c> is used.</para>
    /// </remarks>
    public static bool TryFromObservedData(
        StixObject observedData,
        IReadOnlyDictionary<string, StixObject> objectsById,
        SourcePosition position,
        [NotNullWhen(true)] out Observation? observation,
        [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(observedData);
        ArgumentNullException.ThrowIfNull(objectsById);
        observation = null;
        if (observedData.Type != "observed-data")
        {
            error = "The object is not an observed-data.";
            return false;
        }

        if (!TryTimes(observedData.Json, out StixTimestamp first, out StixTimestamp last, out long count, out error))
        {
            return false;
        }

        var objects = new List<ObservedObject>();
        var unresolved = new List<string>();
        ObservationForm form;
        if (observedData.Json["object_refs"] is JsonValue refsValue)
        {
            form = ObservationForm.Referenced;
            if (refsValue is not JsonArray refs || refs.Any(static r => r is not JsonString))
            {
                error = "object_refs must be a list of identifiers.";
                return false;
            }

            var seen = new HashSet<string>(StringComparer.Ordinal);
            var queue = new Queue<string>();
            foreach (JsonValue r in refs)
            {
                string id = ((JsonString)r).Value;
                if (!seen.Add(id))
                {
                    continue;
                }

                if (!objectsById.TryGetValue(id, out StixObject? sco))
                {
                    unresolved.Add(id);
                }
                else if (IsObservable(sco))
                {
                    objects.Add(new ObservedObject(id, sco, isListed: true));
                    queue.Enqueue(id);
                }
            }

            // The SCOs the listed ones reference, transitively.
            while (queue.Count > 0)
            {
                foreach (string id in References(objectsById[queue.Dequeue()].Json))
                {
                    if (!seen.Add(id))
                    {
                        continue;
                    }

                    if (!objectsById.TryGetValue(id, out StixObject? sco))
                    {
                        unresolved.Add(id);
                    }
                    else if (IsObservable(sco))
                    {
                        objects.Add(new ObservedObject(id, sco, isListed: false));
                        queue.Enqueue(id);
                    }
                }
            }
        }
        else if (observedData.Json["objects"] is JsonValue embeddedValue)
        {
            form = ObservationForm.Embedded;
            if (embeddedValue is not JsonObject embedded)
            {
                error = "objects must be a dictionary of cyber-observable objects.";
                return false;
            }

            for (int i = 0; i < embedded.Count; i++)
            {
                KeyValuePair<string, JsonValue> member = embedded[i];
                if (member.Key.Length == 0 || member.Value is not JsonObject o || o.GetString("type") is null)
                {
                    error = $"Member {i} of objects is not a cyber-observable object with a type (or its key is empty).";
                    return false;
                }

                objects.Add(new ObservedObject(member.Key, new StixObject(o), isListed: true));
            }

            foreach (ObservedObject o in objects)
            {
                foreach (string key in References(o.Json))
                {
                    if (!embedded.ContainsKey(key) && !unresolved.Contains(key))
                    {
                        unresolved.Add(key);
                    }
                }
            }
        }
        else
        {
            error = "An observed-data needs object_refs (STIX 2.1) or objects (STIX 2.0).";
            return false;
        }

        observation = new Observation(observedData.Id, observedData, form, first, last, count, objects.ToArray(), unresolved.ToArray(), position);
        error = null;
        return true;
    }

    /// <summary>The first, last and count of an observed-data, checked as STIX 2.1 §4.14 requires.</summary>
    private static bool TryTimes(JsonObject json, out StixTimestamp first, out StixTimestamp last, out long count, [NotNullWhen(false)] out string? error)
    {
        first = last = default;
        count = 0;
        if (!StixTimestamp.TryParse(json.GetString("first_observed"), out first))
        {
            error = "first_observed is missing or not a STIX timestamp.";
            return false;
        }

        if (!StixTimestamp.TryParse(json.GetString("last_observed"), out last))
        {
            error = "last_observed is missing or not a STIX timestamp.";
            return false;
        }

        if (last < first)
        {
            error = "last_observed is before first_observed.";
            return false;
        }

        if (json["number_observed"] is not JsonNumber number || !number.TryGetInt64(out count) || count < 1 || count > MaxNumberObserved)
        {
            error = $"number_observed is missing or not an integer from 1 to {MaxNumberObserved}.";
            return false;
        }

        error = null;
        return true;
    }

    /// <summary>False for objects STIX defines as something other than a cyber-observable (SDOs, SROs, markings, bundles).</summary>
    private static bool IsObservable(StixObject o) =>
        o.Type is string type && StixCatalog.GetCategory(type) is StixCategory.Sco or StixCategory.Custom;

    /// <summary>Every string in a <c>*_ref</c> or <c>*_refs</c> property anywhere in the object, markings excepted.</summary>
    private static IEnumerable<string> References(JsonValue value)
    {
        var stack = new Stack<JsonValue>();
        stack.Push(value);
        while (stack.Count > 0)
        {
            switch (stack.Pop())
            {
                case JsonObject o:
                    foreach (KeyValuePair<string, JsonValue> member in o)
                    {
                        bool single = member.Key.EndsWith("_ref", StringComparison.Ordinal);
                        bool list = member.Key.EndsWith("_refs", StringComparison.Ordinal);
                        if ((single || list) && Array.IndexOf(s_notObservableRefs, member.Key) < 0)
                        {
                            if (single && member.Value is JsonString s)
                            {
                                yield return s.Value;
                            }
                            else if (list && member.Value is JsonArray items)
                            {
                                foreach (JsonValue item in items)
                                {
                                    if (item is JsonString r)
                                    {
                                        yield return r.Value;
                                    }
                                }
                            }
                        }
                        else
                        {
                            stack.Push(member.Value);
                        }
                    }

                    break;
                case JsonArray a:
                    for (int i = a.Count - 1; i >= 0; i--)
                    {
                        stack.Push(a[i]);
                    }

                    break;
            }
        }
    }
}
